"""The cyclic garbage collector paused while an answer is built.

An answer (a diff of thousands of changes, a state of thousands of facts) is thousands of
small dicts and lists that hold no cycles: every collection the collector starts meanwhile
walks them, and everything else not frozen, and frees nothing. Paused, they are walked once,
by the first collection after. Reference counting frees as always.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"depth": 0, "enabled": False}  # pauses under way; whether the collector ran before


@contextmanager
def paused():
    """Pause the collector for the block (threads and nested pauses share one pause, which
    ends with the last of them; a collector the caller disabled stays disabled)."""
    with _lock:
        if _state["depth"] == 0:
            _state["enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["enabled"]:
                gc.enable()
