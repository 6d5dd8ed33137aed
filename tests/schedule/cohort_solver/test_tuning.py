"""The cohort solver's tuning: validated field by field and across fields."""

from __future__ import annotations

import pytest

from iopcore.errors import InvalidDataError
from iopcore.schedule import DEFAULT_TUNING, CohortTuning


def test_a_tuning_checks_its_fields_and_their_order() -> None:
    """Out-of-range fields and a largest subset move below the first are refused, each at its path."""
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(columns_batch=0)
    assert info.value.paths == ("$.columns_batch",)
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(subset_size=4, subset_size_max=3)
    assert info.value.paths == ("$.subset_size_max",)
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(step_deflection=1.0)
    assert info.value.paths == ("$.step_deflection",)
    assert CohortTuning(subset_size=6, subset_size_max=6).subset_size_max == 6
    assert CohortTuning() == DEFAULT_TUNING


@pytest.mark.parametrize(("share", "ok"), [(-0.01, False), (0.0, True), (0.25, True), (1.0, True), (1.01, False)])
def test_the_capacity_phase_share_is_a_share(share: float, ok: bool) -> None:
    """``capacity_phase_share`` (suggest_capacity's re-planning share) is refused outside [0, 1], at its path."""
    if ok:
        assert CohortTuning(capacity_phase_share=share).capacity_phase_share == share
        return
    with pytest.raises(InvalidDataError) as info:
        CohortTuning(capacity_phase_share=share)
    assert info.value.paths == ("$.capacity_phase_share",)
