"""Each romanisation of a provincial capital reaches its unit (Afghan world)."""

from __future__ import annotations

import pytest

from .harness import Case, fill, params
from .templates import TRANSLITERATION_FRAMES, TRANSLITERATIONS

CASES = [
    Case(
        id=f"{frame.name}/{name}",
        text=fill(frame.text, name=name),
        world="afghan",
        expect=(("capture", "taliban", unit),),
    )
    for name, unit in TRANSLITERATIONS
    for frame in TRANSLITERATION_FRAMES
]


@pytest.mark.parametrize("case", params(CASES))
def test_a_spelling_variant_reaches_its_unit(case: Case, run_case) -> None:
    run_case(case)
