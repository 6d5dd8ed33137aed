"""Test configuration: Hypothesis profiles.

``IOPCORE_HYPOTHESIS_PROFILE`` picks a profile; the default, ``ci``, is
derandomized (same examples every run) and bounded in time. ``dev`` explores
new random examples each run; ``thorough`` runs many more.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("IOPCORE_HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how much of the public API the careless-caller test covered (tests/test_boundary.py)."""
    boundary = sys.modules.get("tests.test_boundary")
    covered = getattr(boundary, "COVERED", None)
    if covered and covered["callables"]:
        terminalreporter.write_line(
            f"careless caller: {covered['callables']} of {covered['found']} public callables called "
            f"({covered['allow-listed']} allow-listed), {covered['slots']} argument slots, "
            f"{covered['calls']} wrong-argument calls"
        )
