"""The default extractor, one specification per behaviour of issue 3, point 2.

Every test sentence here is written by the project; the place names are real
so that the real boundaries in ../shared/geo resolve them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from frontlines.extract import available_extractors, extract_document, get_extractor, lexicon
from frontlines.extract.dates import find_dates, resolve_relative_date
from frontlines.extract.sentences import split_sentences
from frontlines.models import Document, Event
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import load_profile

PROFILE = load_profile("afghanistan-2021")


def doc(text: str, published: str | None = "2021-06-22", title: str | None = None) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(id="t1", text=text, content_hash=digest, published=published, title=title)


@pytest.fixture(scope="module")
def extract(afghan_gazetteer: Gazetteer):
    def run(text: str, published: str | None = "2021-06-22", title: str | None = None) -> list[Event]:
        return extract_document(doc(text, published, title), afghan_gazetteer, PROFILE)

    return run


def only(events: list[Event], **where: object) -> list[Event]:
    return [e for e in events if all(getattr(e, k) == v for k, v in where.items())]


# --- the component interface --------------------------------------------------


def test_the_default_extractor_is_registered_like_any_plugin(afghan_gazetteer: Gazetteer) -> None:
    assert "staged.v1" in available_extractors()
    assert get_extractor("staged.v1", afghan_gazetteer, PROFILE).name == "staged.v1"
    with pytest.raises(KeyError, match="unknown extractor"):
        get_extractor("nope.v9", afghan_gazetteer, PROFILE)


def test_lexicon_is_well_formed() -> None:
    assert lexicon.validate() == []


# --- active and passive voice ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind", "actor", "admin2"),
    [
        ("The Taliban took control of Dand Patan district on Monday.", "capture", "taliban", "AF1311"),
        ("Imam Sahib fell to the Taliban late on Sunday.", "capture", "taliban", "AF1905"),
        ("Khakrez district is under Taliban control now.", "capture", "taliban", "AF2707"),
        ("Insurgents overran the district headquarters of Jalrez overnight.", "capture", "taliban",
         "AF0403"),
        ("Burka district was captured by the militants after a long fight.", "capture", "taliban",
         "AF0910"),
        ("Government forces retook Khan Abad district in Kunduz province on Monday.", "recapture",
         "government", "AF1904"),
        ("Afghan commandos cleared Kaldar district of militants.", "recapture", "government",
         "AF2113"),
        ("The Bangi district has been recaptured by security forces.", "recapture", "government",
         "AF1804"),
    ],
)
def test_voices(extract, sentence: str, kind: str, actor: str, admin2: str) -> None:
    events = extract(sentence)
    assert only(events, kind=kind, actor=actor, admin2=admin2), [e.to_dict() for e in events]


# --- sieges and non-events ------------------------------------------------------------


def test_siege_and_negated_capture(extract) -> None:
    events = extract(
        "Militants have surrounded the provincial capital of Kunduz province. "
        "The insurgents are within a kilometer of Kunduz city but had not entered the city, "
        "an official said."
    )
    assert only(events, kind="siege", admin2="AF1901")
    negated = only(events, kind="capture", admin2="AF1901")
    assert negated and all(e.negated for e in negated)


def test_a_repelled_attack_is_a_clash(extract) -> None:
    events = extract("A Taliban attack on Chora district was repelled, the governor's office said.")
    clash = only(events, kind="clash", admin2="AF2503")
    assert clash and clash[0].actor == "taliban"
    assert not only(events, kind="capture")


# --- withdrawals and surrenders -----------------------------------------------------------


def test_tactical_retreat_is_a_withdrawal(extract) -> None:
    events = extract("Security forces made a tactical retreat from Kahmard district on Tuesday.")
    assert only(events, kind="withdrawal", actor="government", admin2="AF1004")


def test_the_governor_surrendered_the_city(extract) -> None:
    events = extract("In Jalalabad the governor surrendered the city to the Taliban on Sunday.")
    assert only(events, kind="surrender", actor="taliban", admin2="AF0601")


# --- attribution and certainty -----------------------------------------------------------


def test_loss_admitted_by_the_losing_side_is_confirmed(extract) -> None:
    events = extract(
        "The Taliban captured Jaghatu district of Ghazni on Monday, said Ahmad Karimi, a provincial "
        "police spokesman."
    )
    event = only(events, kind="capture", admin2="AF1106")[0]
    assert event.certainty == "confirmed"
    assert event.source_side == "government"
    assert "police spokesman" in (event.source or "")


def test_the_winners_word_alone_is_a_claim(extract) -> None:
    events = extract("Taliban spokesman Zabihullah Mujahid said the group had captured Gelan district.")
    event = only(events, kind="capture", admin2="AF1117")[0]
    assert event.certainty == "claimed"
    assert event.source_side == "taliban"


def test_hedges_make_a_capture_unverified(extract) -> None:
    events = extract(
        "Local sources say Doshi district is under the control of the Taliban, which, if so, "
        "cuts a major road."
    )
    event = only(events, kind="capture", admin2="AF0903")[0]
    assert event.certainty == "unverified"
    assert event.source_side == "unnamed"


def test_denials_are_kept_as_denied(extract) -> None:
    events = extract(
        "The interior ministry rejected reports that the Taliban had captured Ghoryan district."
    )
    event = only(events, kind="capture", admin2="AF3211")
    assert event and event[0].certainty == "denied"


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected", "precision", "basis"),
    [
        ("on Monday", "2021-06-21", "day", "relative"),
        ("late Sunday", "2021-06-20", "day", "relative"),
        ("yesterday", "2021-06-21", "day", "relative"),
        ("last week", "2021-06-15", "week", "relative"),
        ("on June 21", "2021-06-21", "day", "explicit"),
        ("on Tuesday", "2021-06-22", "day", "relative"),
    ],
)
def test_relative_dates_resolve_against_publication(phrase: str, expected: str, precision: str,
                                                    basis: str) -> None:
    from datetime import date

    mention = find_dates(f"The district fell {phrase}.")[0]
    resolved = resolve_relative_date(mention, date(2021, 6, 22))  # a Tuesday
    assert resolved is not None
    assert (resolved.date.isoformat() if resolved.date else None, resolved.precision,
            resolved.basis) == (expected, precision, basis)


def test_dates_are_never_after_publication(extract) -> None:
    events = extract("The Taliban captured Chal district on June 25.", published="2021-06-22")
    event = only(events, admin2="AF1805")[0]
    assert event.date is not None and event.date <= "2021-06-22"


def test_no_date_in_the_text_means_the_publication_date(extract) -> None:
    event = only(extract("The Taliban captured Chal district."), admin2="AF1805")[0]
    assert (event.date, event.date_basis) == ("2021-06-22", "publication")


# --- places ----------------------------------------------------------------------------


def test_the_provincial_capital_resolves_from_context(extract) -> None:
    events = extract("The Taliban captured the provincial capital of Jawzjan on Saturday.")
    assert only(events, kind="capture", admin2="AF2801")


def test_the_provincial_capital_is_never_the_national_capital(extract) -> None:
    """'The provincial capital' is said in contrast to 'the capital': after a
    sentence on Kabul, it is the capital of the province last named, and a
    country 'it has left' (what remains of it) is no withdrawal from Kabul."""
    events = extract(
        "Kabul, the capital, has been spared so far, and the army clings to what land it has left. "
        "On Friday the last government post in Kunduz gave up to the Taliban. "
        "By Sunday the fighters had overrun most of the provincial capital."
    )
    assert not [e for e in events if e.admin2 == "AF0101"]
    assert only(events, kind="capture", admin2="AF1901")


def test_the_countrys_capital_by_its_adjective_and_its_outskirts(extract) -> None:
    """"The Afghan capital" is Kabul (the adjective of the government's side);
    "the outskirts of the capital" are an assault on it; another country's
    capital is no place of the map."""
    assert only(extract("Insurgents entered the Afghan capital on Sunday."), kind="capture", admin2="AF0101")
    assert only(extract("Fighters reached the outskirts of the capital on Sunday."), kind="siege", admin2="AF0101")
    assert not extract("Officials fled from the Pakistani capital on Sunday.")


def test_a_province_named_alone_is_a_province_level_event(extract) -> None:
    events = extract("The Taliban said they have captured the province of Badakhshan.")
    event = only(events, kind="capture", admin1="AF17")[0]
    assert event.admin2 is None and event.geo_precision == 3


def test_places_abroad_and_related_lines_and_aggregates_give_no_events(extract) -> None:
    text = (
        "Talks in Qatar have stalled while Washington watches.\n\n"
        "Also read: Taliban capture Nahrin district in Baghlan\n\n"
        "Dozens of districts have fallen to the Taliban in several areas in three provinces."
    )
    assert extract(text) == []


def test_districts_sharing_a_name_are_told_apart_by_context(extract) -> None:
    balkh = only(extract("The Taliban captured Dawlat Abad district of Balkh province."),
                 kind="capture")
    faryab = only(extract("The Taliban captured Dawlat Abad district in Faryab province."),
                  kind="capture")
    assert [e.admin2 for e in balkh] == ["AF2109"]
    assert [e.admin2 for e in faryab] == ["AF2909"]


# --- bad input ---------------------------------------------------------------------------


def test_bad_input_never_crashes(extract) -> None:
    assert extract("") == []
    assert extract("Nothing happened anywhere today.") == []
    assert extract("طالبان ولسوالی را تصرف کردند") == []
    big = "The weather was calm in the valley. " * 150_000  # about 5 MB
    assert extract(big) == []
    # A report dated in the future is still read; its events never postdate it,
    # and a weekday resolves backwards from that date.
    future = extract("The Taliban captured Chal district on Monday.", published="2031-01-01")
    assert [e.date for e in future] == ["2030-12-30"]


def test_sentences_keep_offsets() -> None:
    text = "Mr. Khan spoke. The district fell!\n\nAnother line"
    spans = list(split_sentences(text))
    assert [text[s:e] for s, e in spans] == ["Mr. Khan spoke.", "The district fell!",
                                           "Another line"]


def test_events_point_back_to_their_sentence(extract) -> None:
    text = "Nothing here. The Taliban captured Chal district on Monday."
    event = extract(text)[0]
    assert text[event.evidence.start:event.evidence.end] == event.evidence.sentence
    assert "Chal" in event.evidence.sentence


def test_seed_report_matches_the_issue(afghan_gazetteer: Gazetteer, shared: Path) -> None:
    from frontlines.sources.documents import read_source

    document = next(d for d in read_source(shared / "examples" / "seed-report.txt")
                    if isinstance(d, Document))
    events = extract_document(document, afghan_gazetteer, PROFILE)
    imam = only(events, kind="capture", admin2="AF1905", negated=False)
    assert imam and imam[0].actor == "taliban" and imam[0].date == "2021-06-21"
    assert imam[0].certainty == "confirmed" and "police spokesman" in (imam[0].source or "")
    assert only(events, kind="siege", admin2="AF1901")
    assert only(events, kind="capture", admin2="AF1901", negated=True)
    assert not only(events, kind="capture", admin2="AF1901", negated=False)
    assert only(events, kind="capture", admin2="AF1906")
    doshi = only(events, kind="capture", admin2="AF0903")
    assert doshi and doshi[0].certainty == "unverified"
    assert not [e for e in events if e.admin1 in ("AF01", "AF30")]
    assert not [e for e in events if e.admin1 in ("AF09", "AF21") and e.admin2 is None]


def test_a_distance_that_says_where_a_place_lies_is_no_siege(extract) -> None:
    events = extract(
        "The Taliban captured Pul-e-Alam, the capital of Logar province, located just 50 "
        "kilometres south of Kabul."
    )
    assert only(events, kind="capture", admin2="AF0501")
    assert not only(events, kind="siege")


def test_facilities_named_after_a_city_are_not_the_city(extract) -> None:
    events = extract("The road to Kandahar airport came under Taliban control on Monday.")
    assert not only(events, admin2="AF2701")


def test_clearing_a_place_of_insurgents_is_a_government_recapture(extract) -> None:
    events = extract("Government forces said Bangi district was cleared of the Taliban on Monday.")
    assert only(events, kind="recapture", actor="government", admin2="AF1804")


def test_purposes_and_plans_are_not_events_but_successes_are(extract) -> None:
    # The clashes happen; the recapture they are for does not (yet).
    fighting = extract("Clashes have been under way in parts of Nijrab district to retake it.")
    assert not only(fighting, kind="recapture") and not only(fighting, kind="capture")
    assert not extract("Security forces are preparing an operation to reclaim Burka district.")
    succeeded = extract("Our forces managed to retake Shinwari district of Parwan early this morning.")
    assert only(succeeded, kind="recapture", actor="government", admin2="AF0303")


@pytest.mark.parametrize(
    ("sentence", "kind", "actor", "admin2"),
    [
        ("Afghan forces pushed the Taliban out of Khan Abad district on Monday.", "recapture",
         "government", "AF1904"),
        ("Taliban fighters drove government troops out of Chal district.", "capture", "taliban", "AF1805"),
        ("The district of Chal was handed over to the Taliban by elders.", "handover", "taliban", "AF1805"),
        ("Nahrin district is now in Taliban hands.", "capture", "taliban", "AF0904"),
    ],
)
def test_more_ways_of_saying_a_place_changed_hands(extract, sentence: str, kind: str, actor: str,
                                                   admin2: str) -> None:
    assert only(extract(sentence), kind=kind, actor=actor, admin2=admin2)


def test_since_a_date_means_by_publication_with_the_width_of_the_window() -> None:
    from datetime import date

    mention = find_dates("The district has been under Taliban control since May 1.")[0]
    resolved = resolve_relative_date(mention, date(2021, 6, 22))
    assert resolved is not None
    assert (resolved.date, resolved.precision, resolved.basis) == (date(2021, 6, 22), "month", "relative")
    recent = resolve_relative_date(find_dates("Fighting has raged since Sunday.")[0], date(2021, 6, 22))
    assert recent is not None and recent.precision == "week"


def test_a_claim_denied_in_the_same_sentence_gives_the_claim_and_the_denial(extract) -> None:
    events = only(extract("The Taliban claimed they had captured Spin Boldak, but the interior "
                          "ministry denied the claim."), kind="capture", admin2="AF2711")
    assert sorted(e.certainty for e in events) == ["claimed", "denied"]
    denial = next(e for e in events if e.certainty == "denied")
    assert denial.source == "the interior ministry" and denial.source_side == "government"


def test_fighting_on_the_outskirts_is_a_clash_at_the_city(extract) -> None:
    events = extract("Fighting continues on the outskirts of Pul-e-Khumri, the capital of Baghlan.")
    assert only(events, kind="clash", admin2="AF0901")
