"""The demo entry point prints the catalogs."""

from __future__ import annotations

import runpy

import pytest


def test_python_m_iopcore_prints_catalogs(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m iopcore` lists every built-in catalog and the components."""
    runpy.run_module("iopcore", run_name="__main__")
    out = capsys.readouterr().out
    for name in ("ASAM3", "ASAM4", "MEDICARE", "GENERIC_IOP", "group_counseling"):
        assert name in out
