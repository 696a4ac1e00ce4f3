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

