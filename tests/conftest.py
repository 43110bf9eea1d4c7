"""Settings for the whole test suite.

Hypothesis (property-based tests) keeps no example database under CI, so that a CI run
reads and writes nothing outside its checkout and what it tries depends on nothing left
by an earlier run; no test has a deadline (no timing in tests). The profile is named by
HYPOTHESIS_PROFILE, else it is "ci" when CI is set and "dev" otherwise.
"""

from __future__ import annotations

import os

try:
    from hypothesis import settings
except ImportError:  # not installed: there is nothing to configure
    settings = None

if settings is not None:
    settings.register_profile("ci", database=None, deadline=None, print_blob=True)
    settings.register_profile("dev", deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
