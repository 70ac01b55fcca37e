"""A behavioural case, how its expectation is checked, and how templates are filled.

A case is a short text and what a careful analyst would code from it:

- `expect`: (kind, actor, place id) triples that must each be produced by a
  non-negated event ("*" as the actor accepts any actor: used for clashes,
  whose actor is not the point of the case);
- `nothing_about`: places about which no *asserted* event of any kind may be
  produced (an event that is `negated`, or whose certainty is `denied`, is
  evidence against, and is allowed);
- `certainty`: if set, each expected triple must be produced with it;
- `forbid_kinds`: kinds that no asserted event about an expected place (or a
  place in `watch`) may have (a siege or a repelled attack is not a change of
  hands);
- `watch`: places where only `forbid_kinds` is checked ("villages around X"
  may be an assault on X, never its capture).

An event is *about* a place if it is at the place, or at a place inside it at a
finer level than the province: an event at the town of Pellin is about Halvik
district, but an event at Halvik district is not about Dorvan province (the
fall of one district is not the fall of its province).

Beyond the listed triples, one more rule guards against putting the right
event in the wrong hands: no asserted event about an expected place, other
than a clash, may be attributed to an actor of a side none of the expected
actors there is on (for "the garrison of Halvik surrendered to NF fighters",
a surrender or a capture by the government side is wrong; for "government
troops withdrew from Halvik", so is a capture by the Front, which the
sentence does not report). Other extra events are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from frontlines.models import Event
from frontlines.profile import Profile

from .known_gaps import KNOWN_GAPS, PROVINCE_AT_EVEN_ODDS, borderline
from .templates import PLACE_TYPES, WORLDS, ActorFill, PlaceFill, Template, World

ANY_ACTOR = "*"


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    world: str = "invented"
    expect: tuple[tuple[str, str, str], ...] = ()
    nothing_about: tuple[str, ...] = ()
    certainty: str | None = None
    forbid_kinds: tuple[str, ...] = ()
    watch: tuple[str, ...] = ()


def about(event: Event, place_id: str) -> bool:
    return place_id in (event.place_id, event.admin2, event.admin3)


def asserted(event: Event) -> bool:
    return not event.negated and event.certainty != "denied"


def describe(events: Iterable[Event]) -> str:
    lines = [
        f"  {e.kind} actor={e.actor} place={e.place_id} ({e.place_name}) admin2={e.admin2}"
        f"{' NEGATED' if e.negated else ''} certainty={e.certainty}"
        for e in events
    ]
    return "\n".join(lines) or "  (no events)"


def problems(case: Case, events: Sequence[Event], profile: Profile) -> list[str]:
    """What is wrong with `events` as an answer to `case` (empty: nothing)."""
    found: list[str] = []
    positive = [e for e in events if asserted(e)]
    for kind, actor, place in case.expect:
        hits = [e for e in positive if e.kind == kind and about(e, place)
                and (actor == ANY_ACTOR or e.actor == actor)]
        if not hits:
            found.append(f"missing {kind} by {actor} at {place}")
        elif case.certainty and not any(e.certainty == case.certainty for e in hits):
            got = sorted({e.certainty for e in hits})
            found.append(f"{kind} by {actor} at {place}: certainty {got}, expected {case.certainty}")
    for place in case.nothing_about:
        wrong = [e for e in positive if about(e, place)]
        if wrong:
            found.append(f"nothing may be said about {place}, got "
                         + ", ".join(f"{e.kind} by {e.actor}" for e in wrong))
    expected_places = {place for _, _, place in case.expect}
    for place in sorted(set(case.watch) - expected_places):
        for event in positive:
            if about(event, place) and event.kind in case.forbid_kinds:
                found.append(f"{event.kind} by {event.actor} at {place} (a {event.kind} is wrong here)")
    for place in sorted(expected_places):
        here = [e for e in positive if about(e, place)]
        for event in here:
            if event.kind in case.forbid_kinds:
                found.append(f"{event.kind} by {event.actor} at {place} (a {event.kind} is wrong here)")
        actors = {a for _, a, p in case.expect if p == place}
        if ANY_ACTOR in actors:
            continue
        sides = {profile.side_of(a) for a in actors}
        for event in here:
            # A clash has no winner: whoever it is put to is not a claim of control.
            if event.kind != "clash" and profile.side_of(event.actor) not in sides:
                found.append(f"{event.kind} by {event.actor} at {place}: wrong side")
    return found


def check(case: Case, events: Sequence[Event], profile: Profile) -> None:
    wrong = problems(case, events, profile)
    if wrong:
        # No traceback: the sentence, what is wrong and what came out say it all.
        pytest.fail(f"{case.text!r}\n" + "\n".join(wrong) + "\nextracted:\n" + describe(events),
                    pytrace=False)


def params(cases: Iterable[Case]) -> list[object]:
    """pytest parameters with each case's id (ids must be unique)."""
    cases = list(cases)
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate case ids: {duplicates}"
    return [pytest.param(c, id=c.id, marks=_known_gap(c.id)) for c in cases]


def _known_gap(case_id: str) -> list[pytest.MarkDecorator]:
    if case_id in KNOWN_GAPS:
        return [pytest.mark.xfail(reason=KNOWN_GAPS[case_id], strict=True)]
    if borderline(case_id):
        return [pytest.mark.xfail(reason=PROVINCE_AT_EVEN_ODDS, strict=False)]
    return []


# --- filling templates ----------------------------------------------------------

_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def capitalise(text: str) -> str:
    """Upper-case the first letter of each sentence ("the town of Pellin fell." -> "The ...")."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def fill(template: str, **slots: str) -> str:
    return capitalise(template.format(**slots))


# --- crossing templates with fillers ----------------------------------------------

ExpectFn = Callable[[Template, World, PlaceFill, ActorFill], dict[str, Any]]


def cross(
    group: tuple[Template, ...],
    expect: ExpectFn,
    worlds: Sequence[World] = WORLDS,
    actors: Callable[[ActorFill], bool] = lambda actor: True,
) -> list[Case]:
    """One case per template, world and place type the template allows.

    Places and actors rotate with the template's position, so that each
    template meets several fillers across the worlds without a full product
    (which would add many near-identical cases and little information).
    """
    cases = []
    for t_index, template in enumerate(group):
        for world in worlds:
            pool = [a for a in world.actors if actors(a)]
            for p_index, place_type in enumerate(template.types):
                place = world.places[place_type][(t_index + p_index) % len(world.places[place_type])]
                actor = pool[(t_index * len(PLACE_TYPES) + p_index) % len(pool)]
                text = fill(template.text, place=place.phrase, bare=place.bare, **world.slots(actor))
                named = any(slot in template.text for slot in ("{actor}", "{adj}", "{poss}"))
                cases.append(Case(
                    id=f"{template.name}/{place_type}/{world.name}" + (f"/{actor.id}" if named else ""),
                    text=text,
                    world=world.name,
                    **expect(template, world, place, actor),
                ))
    return cases


def gain(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
    """The actor took the place (a capture, or a recapture by the government's side)."""
    return {"expect": ((actor.gain, actor.id, place.id),), "nothing_about": place.forbid}


def nothing(template: Template, world: World, place: PlaceFill, actor: ActorFill) -> dict[str, Any]:
    """No asserted event about the place (or the units it might be confused with)."""
    return {"nothing_about": (place.id, *place.forbid)}
