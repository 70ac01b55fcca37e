"""`collapse.CollapseFinder`, and `collapse` events: a side gone as a power.

Specification:

- a national government is gone when a finite, past, positive verb of
  collapse has it as subject ("the government collapsed", "the regime has
  crumbled"), when something caused it to collapse, when a noun of collapse
  follows a temporal preposition ("after the fall of the government"), or
  when its head of state fled ("the president fled the country");
- a modal, a negation, a conditional or a fear leaves no collapse ("could
  collapse", "has not collapsed", "if the government fell", "fears of a
  collapse"); nor does a local government, another country's head of state,
  or a collapse of another war (a year before the profile's start);
- the side gone is the actor its phrase names, else the profile's government;
- the extractor makes each an event of kind `collapse` at the country, dated
  like any event, with a probability; the surrender of the national capital
  to another side says the same.
"""

from __future__ import annotations

import pytest

from frontlines.extract.collapse import CollapseFinder
from frontlines.extract.mentions import MentionFinder
from frontlines.extract.staged import StagedExtractor
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile, parse_profile

from .conftest import PROFILE_TEXT, document


@pytest.fixture(scope="module")
def collapses(profile: Profile, finder: MentionFinder):  # type: ignore[no-untyped-def]
    found = CollapseFinder(profile)

    def run(text: str) -> list[tuple[str, str]]:
        return [(m.actor, m.form) for m in found.find(text, finder.find_actors(text))]

    return run


@pytest.mark.parametrize(
    ("sentence", "form"),
    [
        ("The government collapsed on Sunday as the insurgents marched in.", "verb"),
        ("By nightfall the central government had effectively crumbled.", "verb"),
        ("The fall of Lumen prompted the elected government to collapse.", "caused"),
        ("Looting spread after the sudden collapse of the government.", "nominal"),
        ("Aid stopped following the government's collapse.", "nominal"),
        ("President Orlan Vask fled the country with his family.", "leader"),
        ("Vask resigned as president and left the country on Sunday.", "leader"),
        ("Crowds gathered once the President fled.", "leader"),
    ],
)
def test_the_government_gone_is_a_collapse(collapses, sentence: str, form: str) -> None:
    assert collapses(sentence) == [("government", form)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Analysts warned the government could collapse within months.",
        "The government has not collapsed, the army spokesman said.",
        "If the government collapsed, the army would scatter.",
        "There are growing fears of a collapse of the government.",
        "The provincial administration collapsed as insurgents entered Lumen.",
        "Foreign President Ada Lind said soldiers fled without a fight.",
        "Since the fall of the old regime in 1992, the country has known no peace.",
        "Soldiers fled the country across the northern border.",
        "The government fell back on its old allies in parliament.",
    ],
)
def test_a_modal_negated_local_foreign_or_old_collapse_is_none(collapses, sentence: str) -> None:
    assert collapses(sentence) == []


def test_the_side_gone_is_the_one_its_phrase_names(collapses) -> None:
    assert collapses("After the Ash Front regime collapsed, the army returned.") == [("front", "verb")]


def test_a_collapse_is_an_event_at_the_country_dated_like_any(gazetteer: Gazetteer, profile: Profile) -> None:
    extractor = StagedExtractor(gazetteer, profile)
    (event,) = extractor.extract_batch([document("The government collapsed on Sunday, officials said.")])[0]
    assert (event.kind, event.actor, event.place_id, event.date, event.date_basis) == (
        "collapse", "government", "NR", "2021-06-20", "relative",
    )
    assert event.certainty == "confirmed"  # the fallen side's own officials
    assert 0.5 < event.probability < 1


def test_a_hedged_collapse_is_less_likely(gazetteer: Gazetteer, profile: Profile) -> None:
    extractor = StagedExtractor(gazetteer, profile)
    plain, hedged = (
        extractor.extract_batch([document(text)])[0][0]
        for text in ("The government collapsed on Sunday.", "The government reportedly collapsed on Sunday.")
    )
    assert hedged.certainty == "unverified" and hedged.probability < plain.probability


def test_the_capital_surrendered_says_the_government_is_gone(gazetteer: Gazetteer) -> None:
    profile = parse_profile(PROFILE_TEXT.replace('default_actor = "front"', 'default_actor = "front"\nnational_capital = "XX0101"'), "t")
    extractor = StagedExtractor(gazetteer, profile)
    events = extractor.extract_batch([document("Norvale was surrendered to the Ash Front on Sunday.")])[0]
    kinds = {(e.kind, e.actor, e.place_id) for e in events}
    assert ("collapse", "government", "NR") in kinds
    # Another city's surrender is no collapse.
    events = extractor.extract_batch([document("Lumen was surrendered to the Ash Front on Sunday.")])[0]
    assert all(e.kind != "collapse" for e in events)
