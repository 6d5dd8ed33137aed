"""Entry point for Hypothesis: registers iopcore's strategies when Hypothesis is imported."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    from iopcore.strategies import register_strategies

    register_strategies()
