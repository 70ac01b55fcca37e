"""Stage 5, `dating.date_of` (with `dates`): when a frame's event happened.

Specification:

- the date expression nearest the trigger dates it, resolved against the
  publication date: "on Monday" in a Tuesday report is the day before
  (`relative`), "on June 18" is that day (`explicit`), "last week" is known to
  the week;
- a date after publication is no event date; without a usable date, the
  publication date is the latest the event can be (`publication`);
- of two triggers in a sentence, each takes the date nearest to it;
- "the next day" counts from the last date the report established, and every
  dated event becomes that date.

`date_of` needs only the trigger, the date mentions, the publication date
and a `Discourse`; the tests build the triggers by hand.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from frontlines.extract.dates import ResolvedDate, find_dates
from frontlines.extract.dating import MAX_DATE_DISTANCE, date_of
from frontlines.extract.linking import Discourse
from frontlines.extract.mentions import TriggerMention

from .conftest import PUBLISHED_DATE

TUESDAY = PUBLISHED_DATE
assert TUESDAY.strftime("%A") == "Tuesday"


def trigger(sentence: str, words: str) -> TriggerMention:
    found = re.search(re.escape(words), sentence)
    assert found, words
    return TriggerMention(found.start(), found.end(), "capture", "passive", "test")


def dated(sentence: str, words: str = "fell", published: date | None = TUESDAY,
          discourse: Discourse | None = None, others: tuple[str, ...] = ()) -> ResolvedDate:
    hit = trigger(sentence, words)
    return date_of(
        hit,
        find_dates(sentence),
        published,
        discourse or Discourse(),
        (0, len(sentence)),
        [hit, *(trigger(sentence, w) for w in others)],
        default_year=2021,
    )


@pytest.mark.parametrize(
    ("sentence", "expected", "precision", "basis"),
    [
        ("Tarrow fell on Monday.", date(2021, 6, 21), "day", "relative"),
        ("Tarrow fell on Sunday night.", date(2021, 6, 20), "day", "relative"),
        ("Tarrow fell on Tuesday.", date(2021, 6, 22), "day", "relative"),
        ("Tarrow fell last Tuesday.", date(2021, 6, 15), "day", "relative"),
        ("Tarrow fell yesterday.", date(2021, 6, 21), "day", "relative"),
        ("Tarrow fell three days ago.", date(2021, 6, 19), "day", "relative"),
        ("Tarrow fell the day before yesterday.", date(2021, 6, 20), "day", "relative"),
        ("Tarrow fell three weeks ago.", date(2021, 6, 1), "week", "relative"),
        ("Tarrow fell last week.", date(2021, 6, 15), "week", "relative"),
        ("Tarrow fell on June 18.", date(2021, 6, 18), "day", "explicit"),
        ("Tarrow fell on 18 June 2021.", date(2021, 6, 18), "day", "explicit"),
        ("Tarrow fell on 2021-06-17.", date(2021, 6, 17), "day", "explicit"),
        ("Tarrow fell.", date(2021, 6, 22), "day", "publication"),
    ],
)
def test_dates_resolve_against_a_tuesday_publication(
    sentence: str, expected: date, precision: str, basis: str
) -> None:
    assert dated(sentence) == ResolvedDate(expected, precision, basis)


def test_a_date_after_publication_is_no_event_date() -> None:
    assert dated("Tarrow fell on June 30.") == ResolvedDate(TUESDAY, "day", "publication")


def test_an_explicit_date_of_late_last_year_in_an_early_report() -> None:
    when = dated("Tarrow fell on December 30.", published=date(2022, 1, 2))
    assert when == ResolvedDate(date(2021, 12, 30), "day", "explicit")


def test_without_publication_date_a_relative_date_has_no_day() -> None:
    assert dated("Tarrow fell on Monday.", published=None).date is None
    assert dated("Tarrow fell.", published=None) == ResolvedDate(None, "day", "publication")
    # An explicit date needs no publication date.
    assert dated("Tarrow fell on June 18.", published=None).date == date(2021, 6, 18)


def test_each_trigger_takes_the_date_nearest_to_it() -> None:
    sentence = "Tarrow fell on Sunday and Ivel was captured on Monday."
    first = dated(sentence, "fell", others=("was captured",))
    second = dated(sentence, "was captured", others=("fell",))
    assert (first.date, second.date) == (date(2021, 6, 20), date(2021, 6, 21))


def test_a_far_date_outside_the_clause_dates_something_else() -> None:
    filler = "a long and bitter campaign across the valley and the hills beyond it " * 4
    sentence = f"Tarrow fell, nearly two months after {filler}began on June 1."
    assert sentence.index("June 1") - len("Tarrow fell") > MAX_DATE_DISTANCE
    hit = trigger(sentence, "fell")
    clause = (0, sentence.index(","))
    when = date_of(hit, find_dates(sentence), TUESDAY, Discourse(), clause, [hit], default_year=2021)
    assert when.basis == "publication"


def test_a_date_of_the_sentence_outside_the_clause_dates_it_when_near() -> None:
    sentence = "On Friday, the defence ministry said that soldiers had retaken Tarrow."
    hit = trigger(sentence, "had retaken")
    clause = (sentence.index("soldiers"), len(sentence))
    when = date_of(hit, find_dates(sentence), TUESDAY, Discourse(), clause, [hit], default_year=2021)
    assert when == ResolvedDate(date(2021, 6, 18), "day", "relative")


@pytest.mark.parametrize(
    "sentence",
    [
        "Tarrow fell in the past 24 hours, on Sunday.",
        "Insurgents overran Tarrow, the third town to fall over the past three days, officials said on Sunday.",
        "Tarrow fell in recent days, a commander confirmed on Sunday.",
    ],
)
def test_a_window_yields_to_a_day(sentence: str) -> None:
    words = "overran" if "overran" in sentence else "fell"
    assert dated(sentence, words).date == date(2021, 6, 20)


def test_this_past_sunday_is_a_day_not_a_window() -> None:
    assert dated("Tarrow fell this past Sunday.").date == date(2021, 6, 20)


def test_since_a_date_means_by_publication_with_the_width_of_the_window() -> None:
    sentence = "Tarrow has been under Front control since June 1."
    assert dated(sentence, "under Front control") == ResolvedDate(TUESDAY, "month", "relative")


def test_the_next_day_counts_from_the_last_date_and_the_last_date_moves_on() -> None:
    discourse = Discourse()
    first = dated("Tarrow fell on Saturday.", discourse=discourse)
    assert first.date == date(2021, 6, 19) and discourse.last_date == date(2021, 6, 19)
    second = dated("Ivel fell the next day.", discourse=discourse)
    assert second == ResolvedDate(date(2021, 6, 20), "day", "relative")
    assert discourse.last_date == date(2021, 6, 20)


def test_the_next_day_never_passes_publication() -> None:
    discourse = Discourse(last_date=TUESDAY)
    assert dated("Ivel fell the next day.", discourse=discourse).date == TUESDAY


def test_a_list_continuing_the_sentence_before_takes_its_date() -> None:
    sentence = "The districts include Tarrow and Ivel."
    hit = TriggerMention(0, len("The districts include"), "capture", "nominal", "list-continuation")
    discourse = Discourse(last_date=date(2021, 6, 19))
    when = date_of(hit, find_dates(sentence), TUESDAY, discourse, (0, len(sentence)), [hit])
    assert when == ResolvedDate(date(2021, 6, 19), "day", "relative")


def test_a_period_bound_dates_nothing() -> None:
    assert [d.kind for d in find_dates("Talks will go on until Friday.")] == []
    assert [d.kind for d in find_dates("It has held the town since Friday.")] == ["since-weekday"]


@pytest.mark.parametrize(
    "sentence",
    ["Tarrow fell on Monday, June 14.", "Tarrow fell on Monday, 14 June 2021.", "Tarrow fell on Monday (June 14)."],
)
def test_a_weekday_with_its_date_is_that_date(sentence: str) -> None:
    assert dated(sentence) == ResolvedDate(date(2021, 6, 14), "day", "explicit")


def test_a_later_clause_of_time_keeps_its_date_to_itself() -> None:
    sentence = "Tarrow was the latest town to fall since the insurgents began their advance two days ago."
    hit = trigger(sentence, "fall")
    clause = (0, sentence.index(" since"))
    when = date_of(hit, find_dates(sentence), TUESDAY, Discourse(), clause, [hit], default_year=2021,
                   text=sentence)
    assert when.basis == "publication"
    # Without the sentence's words the nearest date is taken, as before.
    when = date_of(hit, find_dates(sentence), TUESDAY, Discourse(), clause, [hit], default_year=2021)
    assert when.date == date(2021, 6, 20)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tarrow fell in October 2016.", date(2016, 10, 31)),  # by its end at the latest
        ("Tarrow first fell in 2015.", date(2015, 12, 31)),
        ("Tarrow fell in May.", date(2021, 5, 31)),
        ("Tarrow fell on the 12th.", date(2021, 6, 12)),
        ("Tarrow fell on the 30th.", date(2021, 5, 30)),  # a day still to come is last month's
        ("Tarrow fell in June 2021.", None),  # the report's own month says no more than the report
    ],
)
def test_a_month_or_year_gone_by_is_a_date(sentence: str, expected: date | None) -> None:
    when = dated(sentence)
    assert (when.date if when.basis == "explicit" else None) == expected

