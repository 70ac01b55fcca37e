"""`statements.StatementFinder` and `StagedExtractor.extract_statements`: how
much of an area a side holds, in sentences that name no unit.

Specification:

- a statement is a proportion of territorial units or territory (N of M, N %,
  a fraction) in the same clause as a word of holding ground, and a side:
  the actor named before it, else one named after it that did not lose it,
  else the profile's default actor;
- its area is the province named as owner ("Kestria's 3 districts"), after
  it ("in Kestria") or as its object ("80 % of Lumen"); otherwise the whole
  country (no area);
- counts of people, votes or anything but territory are no statements, nor
  is a proportion in another clause than the word of control;
- statements carry the evidence, a date, the source and a certainty; they
  are never events.
"""

from __future__ import annotations

import pytest

from frontlines.extract.staged import StagedExtractor
from frontlines.models import Statement
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile

from .conftest import document


@pytest.fixture(scope="module")
def extractor(gazetteer: Gazetteer, profile: Profile) -> StagedExtractor:
    return StagedExtractor(gazetteer, profile)


def statements(extractor: StagedExtractor, text: str) -> list[Statement]:
    return extractor.extract_statements([document(text)])[0]


def shape(s: Statement) -> tuple[object, ...]:
    return (s.actor, s.area_id, s.count, s.total, s.percent, s.unit_word)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Ash Front now controls 2 of Kestria's 3 districts.", ("front", "XX02", 2, 3, None, "districts")),
        ("Two out of three districts in Kestria are under insurgent control.",
         ("front", "XX02", 2, 3, None, "districts")),
        ("Insurgents hold about 40 percent of the country.", ("front", None, None, None, 40.0, "country")),
        ("Soldiers have retaken a third of the provincial capitals.",
         ("government", None, None, None, 33.3, "provincial capitals")),
        ("The Vale Militia occupies 80% of Lumen, a commander said.", ("militia", "XX0201", None, None, 80.0, "territory")),
        ("More than half of the country's 30 districts have been captured by the Ash Front.",
         ("front", None, None, 30, 50.0, "districts")),
    ],
)
def test_a_proportion_held_by_a_side_is_a_statement(extractor: StagedExtractor, sentence: str,
                                                     expected: tuple[object, ...]) -> None:
    assert [shape(s) for s in statements(extractor, sentence)] == [expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "Ten of the 28 soldiers were killed near Lumen.",
        "Insurgents attacked the dam, which supplies 30% of the country with power.",
        "Turnout reached 60 percent of voters in Kestria.",
        "The Ash Front controls dozens of districts.",
    ],
)
def test_people_other_clauses_and_vague_amounts_are_no_statement(extractor: StagedExtractor, sentence: str) -> None:
    assert statements(extractor, sentence) == []


def test_a_statement_keeps_its_evidence_source_and_certainty(extractor: StagedExtractor) -> None:
    text = "Tarrow fell last week. The Ash Front claims to control 70% of Kestria, a Front spokesman said on Monday."
    (found,) = statements(extractor, text)
    assert found.evidence.sentence.startswith("The Ash Front claims")
    assert found.certainty == "claimed"
    assert found.source_side == "front"
    assert found.date == "2021-06-21"


def test_statements_are_never_events(extractor: StagedExtractor) -> None:
    events = extractor.extract_batch([document("Insurgents hold about 40 percent of the country.")])[0]
    assert events == []
