"""Threats, attempts, fears, conditionals, plans, questions and negations are not events."""

from __future__ import annotations

import dataclasses

import pytest

from .harness import Case, cross, nothing, params
from .templates import (
    ACTORLESS_NOT_EVENTS,
    AFGHAN,
    ATTEMPTS,
    CONDITIONALS,
    FEARS,
    INVENTED,
    NEGATIONS,
    PLANS,
    QUESTIONS,
    THREATS,
)

IRREALIS = cross(THREATS + ATTEMPTS + FEARS + CONDITIONALS + PLANS + QUESTIONS, nothing)
NEGATED = cross(NEGATIONS, nothing)
# Naming no actor: only where the profile has a default actor does an
# affirmative sentence give an event, so only there does this test anything.
ACTORLESS = cross(ACTORLESS_NOT_EVENTS, nothing,
                  worlds=(AFGHAN, dataclasses.replace(INVENTED, name="invented-default")))


@pytest.mark.parametrize("case", params(IRREALIS))
def test_what_has_not_happened_is_not_an_event(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(NEGATED))
def test_a_negation_is_no_capture(case: Case, run_case) -> None:
    run_case(case)


@pytest.mark.parametrize("case", params(ACTORLESS))
def test_no_actor_no_event_when_nothing_happened(case: Case, run_case) -> None:
    run_case(case)
