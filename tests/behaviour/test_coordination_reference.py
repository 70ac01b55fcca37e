"""Coordinated places each get their event; "the district", "the city" and "the
provincial capital" refer back to the nearest fitting antecedent."""

from __future__ import annotations

import pytest

from .harness import Case, fill, params
from .templates import COORDINATION, REFERENCE, REFERENCE_WORLDS, WORLDS, Reference


def reference_cases(group: tuple[Reference, ...], insurgents_only: bool) -> list[Case]:
    """Each template in each world with two actors: the first two of the world's
    rotation (an insurgent and the government), or its first two insurgents."""
    cases = []
    for template in group:
        for names, world in zip(REFERENCE_WORLDS, WORLDS, strict=True):
            assert names.world == world.name
            pool = [a for a in world.actors if a.side != "government" or not insurgents_only]
            for actor in pool[:2]:
                cases.append(Case(
                    id=f"{template.name}/{world.name}/{actor.phrase.replace(' ', '-').lower()}",
                    text=fill(template.text, **names.slots(), **world.slots(actor)),
                    world=world.name,
                    expect=tuple((actor.gain, actor.id, getattr(names, slot).id)
                                 for slot in template.places),
                    nothing_about=tuple(getattr(names, slot).id for slot in template.nothing_about),
                ))
    return cases


COORDINATED = reference_cases(COORDINATION, insurgents_only=False)
# The reference texts tell of an offensive against the government.
REFERRED = reference_cases(REFERENCE, insurgents_only=True)


@pytest.mark.parametrize("case", params(COORDINATED))
def test_each_coordinated_place_gets_its_event(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(REFERRED))
def test_a_definite_noun_phrase_refers_back(case: Case, run_case) -> None:
    run_case(case)
