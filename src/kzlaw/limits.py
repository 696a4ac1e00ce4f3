"""How much work a corpus may ask for: the limits that stop a corpus (data from anyone) with a
located message instead of running out of memory or time (docs/limits.md).

Each limit has a default that the bundled corpus and ``kzlaw.synth`` corpora of 40,000
measures stay far below, and an environment variable that raises (or lowers) it. A value
that is not a whole number of at least 1 is refused with one line, exit 1.
"""

from __future__ import annotations

import os
import re

from .problems import KzlawError, Problem

# name -> (environment variable, default, what it bounds)
LIMITS = {
    "matches": ("KZLAW_MAX_MATCHES", 100_000,
                "matches (combinations of facts)"),
    "join_steps": ("KZLAW_MAX_JOIN_STEPS", 2_000_000,
                   "join steps (facts tried against its patterns)"),
    "end_causes": ("KZLAW_MAX_END_CAUSES", 1_000_000,
                   "end causes in the corpus (each repeal, replacement, amendment, expiry "
                   "or until that ends an effect)"),
    "warnings": ("KZLAW_MAX_WARNINGS", 20,
                 "warning lines shown for one integrity rule"),
}


def limit(name: str) -> int:
    """The current value of one limit (its environment variable, else the default)."""
    var, default, _what = LIMITS[name]
    text = os.environ.get(var, "").strip()
    if not text:
        return default
    if not re.fullmatch(r"[0-9]{1,12}", text) or int(text) < 1:
        raise KzlawError([Problem(var, 0, f"expected a whole number of at least 1, found "
                                  f"{text!r}")])
    return int(text)


__all__ = ["LIMITS", "limit"]
