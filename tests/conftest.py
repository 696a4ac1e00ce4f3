import os
import sys
import tempfile

from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(__file__))

# The tests never read or write the user's compiled cache (tests/test_cache.py uses its own).
os.environ["KZLAW_CACHE_DIR"] = tempfile.mkdtemp(prefix="kzlaw-test-cache-")

# CI: deterministic and bounded. Locally: HYPOTHESIS_PROFILE=thorough for thousands of examples.
settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("thorough", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Tests that run kzlaw in this process (cli.main) rely on Ctrl-C being Python's default: a
# fresh `kzlaw` process has it so. In full runs of the suite under load the handler was found
# set to "ignore" after earlier tests (which one, not yet known: not always the same run), and
# a test of Ctrl-C then saw none. Each test leaves the handler as it found it, and one that
# changed it is named in the warnings summary.
import signal as _signal
import warnings as _warnings

import pytest as _pytest


@_pytest.fixture(autouse=True)
def _ctrl_c_handler_restored(request):
    before = _signal.getsignal(_signal.SIGINT)
    yield
    after = _signal.getsignal(_signal.SIGINT)
    if after is not before:
        _signal.signal(_signal.SIGINT, before)
        _warnings.warn(f"{request.node.nodeid} left the SIGINT handler {after!r} "
                       f"(it was {before!r}): restored")
