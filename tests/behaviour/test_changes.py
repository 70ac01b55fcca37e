"""Changes of hands, sieges and clashes, in the active and the passive voice."""

from __future__ import annotations

from typing import Any

import pytest

from .harness import Case, cross, gain, params
from .templates import (
    CLASH,
    GAIN_ACTIVE,
    GAIN_PASSIVE,
    PARTS,
    REGAIN_ACTIVE,
    REGAIN_PASSIVE,
    SIEGE,
    ActorFill,
    PlaceFill,
    Template,
    World,
)

NO_CHANGE = ("capture", "recapture")


def siege(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
    return {"expect": (("siege", actor.id, place.id),), "forbid_kinds": NO_CHANGE,
            "nothing_about": place.forbid}


def clash(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
    return {"expect": (("clash", "*", place.id),), "forbid_kinds": NO_CHANGE,
            "nothing_about": place.forbid}


GAINS = cross(GAIN_ACTIVE + GAIN_PASSIVE, gain)
REGAINS = cross(REGAIN_ACTIVE + REGAIN_PASSIVE, gain)
SIEGES = cross(SIEGE, siege)
CLASHES = cross(CLASH, clash)


def part(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
    return {"watch": (place.id,), "forbid_kinds": NO_CHANGE, "nothing_about": place.forbid}


PARTS_TAKEN = cross(PARTS, part)


@pytest.mark.parametrize("case", params(GAINS))
def test_taking_a_place(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(REGAINS))
def test_taking_a_place_back(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(SIEGES))
def test_a_siege_is_not_a_capture(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(PARTS_TAKEN))
def test_taking_part_of_a_place_or_something_around_it_is_not_taking_it(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(CLASHES))
def test_fighting_and_a_repelled_attack_are_clashes(case: Case, run_case) -> None:
    run_case(case)
