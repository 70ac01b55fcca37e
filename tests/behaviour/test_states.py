"""States as well as changes: "P is now held by X", "X controls P", "G lost P to X"."""

from __future__ import annotations

import pytest

from .harness import Case, cross, gain, params
from .templates import STATES

CASES = cross(STATES, gain)


@pytest.mark.parametrize("case", params(CASES))
def test_a_state_of_control_is_an_event(case: Case, run_case) -> None:
    run_case(case)
