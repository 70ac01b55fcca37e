"""Hedges keep the event but mark it unverified; who says so sets claimed or confirmed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .harness import Case, cross, gain, params
from .templates import ADMISSIONS, CLAIMS, HEDGES, ActorFill, PlaceFill, Template, World


def with_certainty(certainty: str) -> Callable[[Template, World, PlaceFill, ActorFill], dict[str, Any]]:
    def expect(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
        return {**gain(template, world, place, actor), "certainty": certainty}

    return expect


HEDGED = cross(HEDGES, with_certainty("unverified"))
CLAIMED = cross(CLAIMS, with_certainty("claimed"))
ADMITTED = cross(ADMISSIONS, with_certainty("confirmed"))


@pytest.mark.parametrize("case", params(HEDGED))
def test_a_hedge_makes_an_unverified_event(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(CLAIMED))
def test_the_winners_word_alone_is_a_claim(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(ADMITTED))
def test_the_losers_admission_confirms(case: Case, run_case) -> None:
    run_case(case)
