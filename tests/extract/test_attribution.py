"""Stage 4, `attribution.Attributor`: who says so, for which side, and how sure.

Specification:

- the source of a sentence is the speaker of its reporting verb, as written
  ("..., the army spokesman said", "according to residents");
- its sides come from the profile's aliases and source markers, from the
  neutral markers ("residents": independent), and from the surnames of
  speakers met earlier in the report ("Vantes said" after "army spokesman
  Dario Vantes"); "he said" points back to the last speaker;
- certainty follows the rule of the field: a loss admitted by the side that
  lost is `confirmed`; a gain only the winner states is `claimed`; a hedge
  makes it `unverified`; a denial before the trigger makes it `denied`;
  otherwise `reported`;
- `denial_after` finds who denies what the sentence claimed ("..., but the
  defence ministry denied the claim").

The attributor needs only the profile and a `Discourse`.
"""

from __future__ import annotations

import re

import pytest

from frontlines.extract.attribution import NO_ATTRIBUTION, Attribution, Attributor
from frontlines.extract.linking import Discourse
from frontlines.extract.mentions import TriggerMention
from frontlines.profile import Profile


@pytest.fixture(scope="module")
def attributor(profile: Profile) -> Attributor:
    return Attributor(profile)


def trigger_at(sentence: str, words: str, kind: str = "capture") -> TriggerMention:
    """The trigger `words` of a sentence, as the mentions stage would give it."""
    found = re.search(re.escape(words), sentence)
    assert found, words
    return TriggerMention(found.start(), found.end(), kind, "active", "test")


def certainty_of(attributor: Attributor, sentence: str, words: str, kind: str = "capture",
                 actor: str = "front", opponent: str | None = "government") -> str:
    attribution = attributor.attribute(sentence, Discourse())
    return attributor.certainty(sentence, kind, actor, opponent, attribution, trigger_at(sentence, words, kind))


# --- who says so ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "source", "sides"),
    [
        ("The Ash Front captured Tarrow, the army spokesman said.", "the army spokesman", {"government"}),
        ("Tarrow fell, a spokesman for the Ash Front told reporters.", "a spokesman for the Ash Front",
         {"front"}),
        ("A Front spokesman said its fighters had captured Brennick district.", "A Front spokesman",
         {"front"}),
        ("Insurgents captured Tarrow, according to residents.", "residents", {"independent"}),
        ("Residents said the Ash Front captured Ivel district.", "Residents", {"independent"}),
        ("Government officials admitted that Brennick had fallen.", "Government officials", {"government"}),
        ("The governor of Kestria said the situation was calm.", "The governor of Kestria", {"government"}),
    ],
)
def test_the_source_is_the_speaker_as_written_with_its_sides(
    attributor: Attributor, sentence: str, source: str, sides: set[str]
) -> None:
    attribution = attributor.attribute(sentence, Discourse())
    assert attribution.source == source
    assert attribution.sides == frozenset(sides)


def test_a_sentence_nobody_says_has_no_source(attributor: Attributor) -> None:
    attribution = attributor.attribute("The Ash Front captured Brennick district on Monday.", Discourse())
    assert attribution == NO_ATTRIBUTION
    assert attribution.side == "unnamed"


def test_a_speakers_surname_is_remembered_for_the_rest_of_the_report(attributor: Attributor) -> None:
    discourse = Discourse()
    first = attributor.attribute("Army spokesman Dario Vantes said soldiers retook Ivel.", discourse)
    assert first.sides == {"government"}
    later = attributor.attribute("The Ash Front captured Cobble, Vantes said.", discourse)
    assert (later.source, later.sides) == ("Vantes", frozenset({"government"}))
    # Without the report's memory the surname says nothing.
    assert attributor.attribute("The Ash Front captured Cobble, Vantes said.", Discourse()).sides == frozenset()


def test_he_said_is_the_last_speaker(attributor: Attributor) -> None:
    discourse = Discourse()
    attributor.attribute("Army spokesman Dario Vantes said soldiers retook Ivel.", discourse)
    attribution = attributor.attribute("He said the road to Lumen was open.", discourse)
    assert attribution.sides == {"government"}


def test_the_side_to_report_is_a_party_then_independent_then_unnamed() -> None:
    assert Attribution("x", frozenset({"independent", "government"})).side == "government"
    assert Attribution("x", frozenset({"independent"})).side == "independent"
    assert Attribution("x", frozenset()).side == "unnamed"


# --- how sure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Government officials admitted that Brennick district had fallen to the Ash Front.",
        "Brennick district fell to the Ash Front, the defence ministry confirmed.",
        "The governor of Kestria said the Ash Front captured Ivel.",
    ],
)
def test_a_loss_admitted_by_the_loser_is_confirmed(attributor: Attributor, sentence: str) -> None:
    words = next(w for w in ("had fallen", "fell", "captured") if w in sentence)
    assert certainty_of(attributor, sentence, words) == "confirmed"


@pytest.mark.parametrize(
    "sentence",
    [
        "A Front spokesman said its fighters had captured Brennick district.",
        "Brennick district fell to the Ash Front, a Front spokesman said.",
    ],
)
def test_a_gain_only_the_winner_states_is_claimed(attributor: Attributor, sentence: str) -> None:
    words = "captured" if "captured" in sentence else "fell"
    assert certainty_of(attributor, sentence, words) == "claimed"


def test_a_claim_word_makes_a_claim(attributor: Attributor) -> None:
    sentence = "The Ash Front claimed to have captured Tarrow district."
    assert certainty_of(attributor, sentence, "captured") == "claimed"


@pytest.mark.parametrize(
    "sentence",
    [
        "Brennick district has reportedly fallen to the Ash Front.",
        "The Ash Front allegedly captured Brennick district.",
        "Officials said the Ash Front captured Brennick district, but this could not be independently verified.",
        "Brennick district fell to the Ash Front, the army spokesman said, though it is not clear when.",
    ],
)
def test_a_hedge_makes_it_unverified(attributor: Attributor, sentence: str) -> None:
    words = next(w for w in ("fallen", "fell", "captured") if w in sentence)
    assert certainty_of(attributor, sentence, words) == "unverified"


def test_an_unattributed_or_independent_statement_is_reported(attributor: Attributor) -> None:
    assert certainty_of(attributor, "The Ash Front captured Brennick district.", "captured") == "reported"
    assert certainty_of(attributor, "Residents said the Ash Front captured Ivel district.", "captured") == "reported"


def test_a_denial_before_the_trigger_is_denied(attributor: Attributor) -> None:
    sentence = "Officials denied that Tarrow district had fallen to the Ash Front."
    assert certainty_of(attributor, sentence, "had fallen") == "denied"


def test_a_clash_a_party_tells_is_claimed(attributor: Attributor) -> None:
    told = "The Ash Front attacked Cobble, the army spokesman said."
    assert certainty_of(attributor, told, "attacked", kind="clash") == "claimed"
    assert certainty_of(attributor, "The Ash Front attacked Cobble.", "attacked", kind="clash") == "reported"


def test_who_denies_a_claim_later_in_the_sentence(attributor: Attributor) -> None:
    sentence = "The Ash Front claimed it had captured Tarrow, but the defence ministry denied the claim."
    trigger = trigger_at(sentence, "captured")
    denial = attributor.denial_after(sentence, trigger.end, Discourse())
    assert denial is not None
    assert (denial.source, denial.sides) == ("the defence ministry", frozenset({"government"}))
    assert attributor.denial_after("The Ash Front captured Tarrow.", 20, Discourse()) is None


# --- known bugs ------------------------------------------------------------------------------


def test_a_place_in_a_speakers_title_is_no_surname(attributor: Attributor) -> None:
    discourse = Discourse()
    attributor.attribute("The governor of Kestria said soldiers retook Ivel.", discourse)
    residents = attributor.attribute("Residents of Kestria said the Ash Front captured Tarrow district.", discourse)
    assert residents.sides == {"independent"}


def test_according_to_at_the_head_of_a_sentence(attributor: Attributor) -> None:
    attribution = attributor.attribute(
        "According to a Front spokesman, insurgents captured Tarrow on Monday.", Discourse()
    )
    assert attribution.source == "a Front spokesman"


def test_reports_as_a_noun_is_part_of_the_source(attributor: Attributor) -> None:
    attribution = attributor.attribute(
        "Tarrow district fell to the Ash Front, unconfirmed reports said.", Discourse()
    )
    assert attribution.source == "unconfirmed reports"


def test_as_per_introduces_a_source_like_according_to(profile: Profile) -> None:
    found = Attributor(profile).attribute("As per army officials, the insurgents took Brennick.", Discourse())
    assert found.source == "army officials"
