"""A place named only to locate something else never gets the event."""

from __future__ import annotations

import pytest

from .harness import Case, cross, fill, gain, params
from .templates import (
    APPOSITIONS,
    LOCATIVE_WORDS_IN_THE_PLACE_PHRASE,
    LOCATIVES_LANDMARK_ONLY,
    LOCATIVES_WITH_EVENT,
    PLACE_TYPES,
    WORLDS,
    PlaceFill,
    Template,
)


def apart(a: PlaceFill, b: PlaceFill) -> bool:
    """Neither place is, contains or could be confused with the other."""
    return not a.overlaps(b) and a.id not in b.forbid and b.id not in a.forbid


def locative_cases(group: tuple[Template, ...], event_types: tuple[str, ...] | None) -> list[Case]:
    """Cases for each template, world and landmark type (the template's `types`;
    for appositions, the types of the event place).

    `event_types`: the types the event place is drawn from (None: the
    template's own types are the event place's and the landmark is a capital
    or a district).
    """
    cases = []
    for t_index, template in enumerate(group):
        for world in WORLDS:
            # An apposition is tried with every filler of its type, a landmark
            # frame with one landmark of each type.
            slots = [(place_type, i) for place_type in template.types
                     for i in (range(len(world.places[place_type])) if event_types is None else (0,))]
            for index, (place_type, filler) in enumerate(slots):
                turn = t_index + index
                everything = [p for kind in PLACE_TYPES for p in world.places[kind]]
                if event_types is None:  # an apposition: "Pellin, a town north of Velora"
                    place = world.places[place_type][filler]
                    pool = [p for kind in ("capital", "district") for p in world.places[kind]
                            if apart(p, place)]
                    landmark = pool[turn % len(pool)]
                else:
                    landmark = world.places[place_type][turn % 3]
                    pool = [p for kind in event_types for p in world.places[kind] if apart(p, landmark)]
                    # No event place in the template: the landmark stands in (unused).
                    place = pool[(t_index * 3 + index) % len(pool)] if pool else landmark
                seconds = [p for p in everything if p.type != landmark.type
                           and apart(p, landmark) and apart(p, place)]
                landmark2 = seconds[turn % len(seconds)]
                actor = world.actors[(t_index * len(PLACE_TYPES) + index) % len(world.actors)]
                text = fill(template.text, place=place.phrase, bare=place.bare,
                            landmark=landmark.phrase, landmark_bare=landmark.bare or landmark.phrase,
                            landmark2=landmark2.phrase, **world.slots(actor))
                landmarks = [landmark]
                if "{landmark2}" in template.text:
                    landmarks.append(landmark2)
                avoid = tuple(i for lm in landmarks for i in (lm.id, *lm.forbid))
                expect = ((actor.gain, actor.id, place.id),) if "{place}" in template.text or (
                    "{bare}" in template.text) else ()
                which = f"/{place.bare.replace(' ', '-')}" if event_types is None else ""
                cases.append(Case(
                    id=f"{template.name}/{place_type}{which}/{world.name}/{actor.id}",
                    text=text, world=world.name, expect=expect, nothing_about=avoid,
                ))
    return cases


LANDMARK_ONLY = locative_cases(LOCATIVES_LANDMARK_ONLY, ())
WITH_EVENT = locative_cases(LOCATIVES_WITH_EVENT, ("district", "town", "capital"))
APPOSITION = locative_cases(APPOSITIONS, None)
OWN_PHRASE = cross(LOCATIVE_WORDS_IN_THE_PLACE_PHRASE, gain)


@pytest.mark.parametrize("case", params(LANDMARK_ONLY))
def test_nothing_happens_at_a_landmark(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(WITH_EVENT))
def test_the_event_goes_to_the_place_not_the_landmark(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(APPOSITION))
def test_an_apposition_locates_without_taking(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(OWN_PHRASE))
def test_a_locative_word_in_the_place_phrase_is_no_landmark(case: Case, run_case) -> None:
    run_case(case)
