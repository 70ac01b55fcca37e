"""Surrender, withdrawal and handover, told from either side and in either word order.

The actor is the side that receives a surrender or a handover, and the side
that leaves in a withdrawal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .harness import Case, cross, params
from .templates import HANDOVER, SURRENDER, WITHDRAWAL, ActorFill, PlaceFill, Template, World


def of_kind(kind: str) -> Callable[[Template, World, PlaceFill, ActorFill], dict[str, Any]]:
    def expect(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
        return {"expect": ((kind, actor.id, place.id),), "nothing_about": place.forbid}

    return expect


SURRENDERS = cross(SURRENDER, of_kind("surrender"))
WITHDRAWALS = cross(WITHDRAWAL, of_kind("withdrawal"))
HANDOVERS = cross(HANDOVER, of_kind("handover"))


@pytest.mark.parametrize("case", params(SURRENDERS))
def test_surrender_goes_to_the_receiver(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(WITHDRAWALS))
def test_withdrawal_belongs_to_the_side_that_leaves(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(HANDOVERS))
def test_handover_goes_to_the_receiver(case: Case, run_case) -> None:
    run_case(case)
