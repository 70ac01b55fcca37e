"""The timeline engine: one scenario per rule of `frontlines.timeline`'s docstring.

The first part drives the pure engine with events written here (each with a
sentence of our own about a real Afghan place), the second part goes through
the real store and command line: gazetteer, ingestion of short reports,
extraction, incremental recompute, `control`, `changes`, `explain`, `summary`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from frontlines.models import Document, Event, Evidence
from frontlines.profile import Profile, load_profile, parse_profile
from frontlines.timeline import (
    ASSESSED,
    BASELINE,
    CLAIMED,
    CONTESTED,
    INFERRED,
    RULE_AREA,
    RULE_COLLAPSE,
    BadLevel,
    BaselineEntry,
    Decision,
    DocumentInfo,
    Geography,
    Interval,
    TimelineError,
    TimelineSettings,
    Unit,
    UnknownPlace,
    aggregate_timeline,
    changes_of,
    compute_timeline,
    interval_on,
    settings_from_mapping,
)

PROFILE = load_profile("afghanistan-2021")
D = date.fromisoformat

# Real districts: (P-code, name, province).
IMAM_SAHIB = "AF1905"
KUNDUZ = "AF1901"  # the provincial capital's district
KHAN_ABAD = "AF1904"
DOSHI = "AF0903"
ZARANJ = "AF3401"
KABUL = "AF0101"  # the national capital (the profile's `national_capital`)
UNITS = [
    Unit(IMAM_SAHIB, "Imam Sahib", "AF19"),
    Unit(KUNDUZ, "Kunduz", "AF19"),
    Unit(KHAN_ABAD, "Khan Abad", "AF19"),
    Unit(DOSHI, "Doshi", "AF09"),
    Unit(ZARANJ, "Zaranj", "AF34"),
    Unit(KABUL, "Kabul", "AF01"),
]
# The provincial capitals among them, and the national capital: the salient places.
CAPITALS = Geography(salient=frozenset({KUNDUZ, ZARANJ, KABUL}))
NAMES = {u.id: u.name for u in UNITS}


def ev(kind: str, actor: str, unit: str | None, day: str | None, sentence: str, *,
       doc: str = "r1", pos: int = 0, certainty: str = "reported", side: str = "unnamed",
       negated: bool = False, opponent: str | None = None, source: str | None = None,
       place_id: str | None = None, admin1: str | None = None, probability: float = 1.0) -> Event:
    """One event as the extractor would store it."""
    return Event(
        kind=kind, actor=actor, opponent=opponent, place_id=place_id or unit or "AF19",
        place_name=NAMES.get(unit or "", "Kunduz"), admin1=admin1 or (unit or "AF19")[:4],
        admin2=unit, geo_precision=1 if unit else 3, date=day, certainty=certainty,
        source_side=side, negated=negated, source=source, probability=probability,
        evidence=Evidence(doc, sentence, pos, pos + len(sentence)), id=f"{doc}#{pos}",
    )


def area_ev(kind: str, actor: str, area: str | None, name: str, day: str, sentence: str, *,
            doc: str = "r1", pos: int = 0, certainty: str = "reported", side: str = "unnamed",
            negated: bool = False, place_id: str | None = None) -> Event:
    """An event about a larger area as a whole: a province (`area`), or the country (None)."""
    return Event(
        kind=kind, actor=actor, place_id=place_id or area or "AF", place_name=name, admin1=area,
        geo_precision=3, date=day, certainty=certainty, source_side=side, negated=negated,
        evidence=Evidence(doc, sentence, pos, pos + len(sentence)), id=f"{doc}#{pos}",
    )


def run(events: Sequence[Event], documents: dict[str, DocumentInfo] | None = None,
        decisions: Sequence[Decision] = (), settings: TimelineSettings | None = None,
        profile: Profile = PROFILE, baselines: Sequence[BaselineEntry] = (),
        geography: Geography | None = None) -> dict[str, list[Interval]]:
    docs = documents or {e.evidence.document_id: DocumentInfo(e.evidence.document_id,
                                                              f"outlet-{e.evidence.document_id}")
                         for e in events}
    return compute_timeline(UNITS, events, profile, docs, decisions, 2,
                            settings or TimelineSettings(), baselines=baselines,
                            geography=geography)


def on(timeline: dict[str, list[Interval]], unit: str, day: str) -> Interval:
    found = interval_on(timeline[unit], D(day))
    assert found is not None, f"{unit} has no interval on {day}"
    return found


# --- start state, units and places -----------------------------------------------------


def test_every_unit_starts_in_the_profiles_start_state_on_its_start_date() -> None:
    timeline = run([])
    for unit in UNITS:
        first = timeline[unit.id][0]
        assert (first.state, first.start, first.end) == ("government", PROFILE.start_date, None)
        assert first.status == BASELINE and first.event_ids == ()
        assert "no report since the start: the start state of the profile" in first.reason
        assert first.confidence == TimelineSettings().start_confidence


def test_events_dated_before_the_start_date_are_superseded_by_the_start_state() -> None:
    early = ev("capture", "taliban", DOSHI, "2021-04-20",
               "The Taliban overran the Doshi district centre on April 20.")
    assert run([early])[DOSHI][0].state == "government"
    assert len(run([early])[DOSHI]) == 1


def test_an_event_at_a_provincial_capital_moves_the_capitals_district() -> None:
    # "Kunduz city" is a populated place; the extractor tied it to its district AF1901.
    city = ev("capture", "taliban", KUNDUZ, "2021-08-08",
              "Kunduz city fell to the Taliban on Sunday, a police officer in the city said.",
              place_id="geonames:1135689", source="a police officer", side="government")
    timeline = run([city])
    assert on(timeline, KUNDUZ, "2021-08-08").state == "taliban"
    assert on(timeline, KHAN_ABAD, "2021-08-08").state == "government"


def test_fighting_in_a_province_or_a_village_known_only_by_its_province_moves_no_district(
        ) -> None:
    fighting = area_ev("clash", "taliban", "AF19", "Kunduz", "2021-06-25",
                       "Heavy fighting raged across Kunduz province on Friday.")
    village = ev("capture", "taliban", None, "2021-06-25",
                 "The Taliban took the village of Sar Qol in Kunduz province.",
                 place_id="geonames:sarqol", admin1="AF19", doc="r2")
    timeline = run([fighting, village])
    for unit in (KUNDUZ, IMAM_SAHIB, KHAN_ABAD):
        interval = on(timeline, unit, "2021-07-01")
        assert (interval.state, interval.status) == ("government", BASELINE)


# --- ACLED conventions --------------------------------------------------------------------


def test_a_change_of_hands_reversed_the_same_day_is_a_clash_not_a_capture() -> None:
    taken = ev("capture", "taliban", KHAN_ABAD, "2021-07-03",
               "Taliban fighters entered the Khan Abad district centre on Saturday morning.",
               doc="r1", pos=0)
    retaken = ev("recapture", "government", KHAN_ABAD, "2021-07-03",
                 "By Saturday evening Afghan commandos had pushed them out again.",
                 doc="r1", pos=80)
    timeline = run([taken, retaken])
    day = on(timeline, KHAN_ABAD, "2021-07-03")
    assert day.state == CONTESTED and day.holder == "government"
    assert "reversed within the day" in day.reason
    assert [c.after for c in changes_of(timeline[KHAN_ABAD])] == [CONTESTED, "government"]
    # Two separate reports, one per side of the reversal, give the same answer.
    split = run([taken, ev("recapture", "government", KHAN_ABAD, "2021-07-03",
                           "Commandos retook Khan Abad hours later.", doc="r2")])
    assert on(split, KHAN_ABAD, "2021-07-03").state == CONTESTED


def test_after_repeated_fighting_only_the_final_capture_changes_the_state() -> None:
    back_and_forth = [
        ev("capture", "taliban", IMAM_SAHIB, "2021-06-21",
           "The insurgents took the Imam Sahib bazaar at dawn,", pos=0),
        ev("recapture", "government", IMAM_SAHIB, "2021-06-21",
           "lost it to a counter-attack by the army before noon,", pos=60),
        ev("capture", "taliban", IMAM_SAHIB, "2021-06-21",
           "and had taken the district centre for good by nightfall.", pos=120),
    ]
    timeline = run(back_and_forth)
    assert [(c.before, c.after, c.day) for c in changes_of(timeline[IMAM_SAHIB])] == [
        ("government", "taliban", D("2021-06-21"))]
    assert "only the final capture counts" in on(timeline, IMAM_SAHIB, "2021-06-21").reason

    # Days of clashes, then a capture: contested, then one change of holder.
    fighting = [ev("clash", "taliban", DOSHI, f"2021-06-{d}",
                   f"Fighting went on around Doshi on June {d}.", doc=f"c{d}")
                for d in ("14", "16", "18")]
    fall = ev("capture", "taliban", DOSHI, "2021-06-20",
              "Doshi district fell to the Taliban on June 20, an official admitted.",
              doc="c20", side="government", certainty="confirmed")
    steps = changes_of(run([*fighting, fall])[DOSHI])
    assert [(c.after, c.day) for c in steps] == [(CONTESTED, D("2021-06-14")),
                                                 ("taliban", D("2021-06-20"))]


def test_recapture_is_the_governments_a_recapture_by_another_actor_reads_as_a_capture() -> None:
    odd = ev("recapture", "taliban", ZARANJ, "2021-08-06",
             "The Taliban said they had recaptured Zaranj.", side="taliban", certainty="claimed")
    interval = on(run([odd]), ZARANJ, "2021-08-06")
    assert interval.state == "taliban"
    assert "read as a capture" in interval.reason

    lost = ev("capture", "taliban", DOSHI, "2021-06-20", "Doshi fell to the Taliban.",
              doc="r1", side="government", certainty="confirmed")
    back = ev("capture", "government", DOSHI, "2021-07-02",
              "Government forces took Doshi back from the Taliban.", doc="r2")
    interval = on(run([lost, back]), DOSHI, "2021-07-02")
    assert interval.state == "government" and interval.reason.startswith("retaken by")


# --- who gains ----------------------------------------------------------------------------


def test_withdrawal_surrender_and_handover_each_give_the_unit_to_the_right_side() -> None:
    withdrawal = ev("withdrawal", "government", DOSHI, "2021-06-20",
                    "Security forces made a tactical retreat from Doshi overnight.",
                    opponent="taliban", certainty="confirmed", side="government")
    timeline = run([withdrawal])
    assert on(timeline, DOSHI, "2021-06-20").state == "taliban"
    assert "withdrew" in on(timeline, DOSHI, "2021-06-20").reason
    # Without an opponent named: the side attacking the unit at the time.
    siege = ev("siege", "taliban", ZARANJ, "2021-08-04", "The Taliban surrounded Zaranj.",
               doc="s1")
    bare = ev("withdrawal", "government", ZARANJ, "2021-08-06",
              "Officials and troops left Zaranj for the Iranian border.", doc="s2")
    assert on(run([siege, bare]), ZARANJ, "2021-08-06").state == "taliban"

    surrender = ev("surrender", "taliban", ZARANJ, "2021-08-06",
                   "The governor surrendered Zaranj to the Taliban without a fight.")
    handover = ev("handover", "taliban", KHAN_ABAD, "2021-08-07",
                  "Elders handed Khan Abad over to the Taliban.")
    timeline = run([surrender, handover])
    assert on(timeline, ZARANJ, "2021-08-06").state == "taliban"
    assert on(timeline, KHAN_ABAD, "2021-08-07").state == "taliban"
    assert "surrendered to" in on(timeline, ZARANJ, "2021-08-06").reason


# --- claims are not facts -------------------------------------------------------------------


def test_the_winners_word_alone_is_claimed() -> None:
    boast = ev("capture", "taliban", DOSHI, "2021-06-22",
               "Taliban spokesman Zabihullah Mujahid said the group's fighters took Doshi.",
               certainty="claimed", side="taliban", source="Zabihullah Mujahid")
    interval = on(run([boast]), DOSHI, "2021-06-22")
    assert (interval.state, interval.status) == ("taliban", CLAIMED)
    assert "only Taliban's word" in interval.reason
    assert interval.confidence <= TimelineSettings().claimed_cap


def test_an_unverified_capture_shows_as_taken_but_claimed() -> None:
    hearsay = ev("capture", "taliban", DOSHI, "2021-06-22",
                 "Local sources say Doshi is under Taliban control, which, if so, cuts the road.",
                 certainty="unverified", source="Local sources")
    interval = on(run([hearsay]), DOSHI, "2021-06-22")
    assert (interval.state, interval.status) == ("taliban", CLAIMED)
    assert "unverified" in interval.reason


def test_a_loss_admitted_by_the_loser_is_assessed() -> None:
    admission = ev("capture", "taliban", IMAM_SAHIB, "2021-06-21",
                   "Imam Sahib fell to the Taliban on Monday, a provincial police spokesman said.",
                   certainty="confirmed", side="government", source="a provincial police spokesman")
    interval = on(run([admission]), IMAM_SAHIB, "2021-06-22")
    assert (interval.state, interval.status, interval.since) == (
        "taliban", ASSESSED, D("2021-06-21"))
    assert "admitted by Afghan government" in interval.reason
    assert "a provincial police spokesman" in interval.reason


def test_an_independent_report_is_assessed() -> None:
    report = ev("capture", "taliban", ZARANJ, "2021-08-06",
                "Zaranj became the first provincial capital to fall to the Taliban on Friday.")
    assert on(run([report]), ZARANJ, "2021-08-06").status == ASSESSED


def test_a_denied_claim_stays_claimed_and_loses_confidence() -> None:
    boast = ev("capture", "taliban", KUNDUZ, "2021-07-10",
               "The Taliban claimed to have captured Kunduz city.", doc="r1",
               certainty="claimed", side="taliban")
    denial = ev("capture", "taliban", KUNDUZ, "2021-07-10",
                "The interior ministry rejected reports that Kunduz had fallen.", doc="r2",
                certainty="denied", side="government", source="the interior ministry")
    alone = on(run([boast]), KUNDUZ, "2021-07-10")
    denied = on(run([boast, denial]), KUNDUZ, "2021-07-10")
    assert (denied.state, denied.status) == ("taliban", CLAIMED)
    assert denied.confidence < alone.confidence
    assert "claimed: denied or contradicted" in denied.reason
    assert "the interior ministry, in outlet-r2 (denies it)" in denied.reason
    assert denial.id in denied.event_ids

    # A denial dated the day before the claim still answers it.
    early = ev("capture", "taliban", KUNDUZ, "2021-07-09", "Officials denied Kunduz had fallen.",
               doc="r3", certainty="denied", side="government")
    independent = ev("capture", "taliban", KUNDUZ, "2021-07-10",
                     "Kunduz city fell to the Taliban on Saturday.", doc="r4")
    judged = on(run([early, independent]), KUNDUZ, "2021-07-10")
    assert judged.status == CLAIMED  # one independent report against one denial


def test_a_negated_capture_is_evidence_of_fighting_not_of_a_capture() -> None:
    siege = ev("siege", "taliban", KUNDUZ, "2021-06-21",
               "The Taliban surrounded Kunduz, the provincial capital, on Monday.", pos=0)
    not_entered = ev("capture", "taliban", KUNDUZ, "2021-06-21",
                     "They are a kilometre from the city but have not entered it, police said.",
                     pos=70, negated=True, certainty="confirmed", side="government")
    interval = on(run([siege, not_entered]), KUNDUZ, "2021-06-22")
    assert interval.state == CONTESTED and interval.holder == "government"
    assert not_entered.id in interval.event_ids
    assert "negated" in interval.reason


# --- corroboration counts sources, not copies ---------------------------------------------


def test_copies_of_one_wire_story_count_once_and_independent_outlets_add_up() -> None:
    sentence = "The Taliban said they had captured the district of Khan Abad."
    events = [ev("capture", "taliban", KHAN_ABAD, "2021-08-10", sentence, doc=f"w{i}",
                 certainty="claimed", side="taliban") for i in range(3)]
    one_story = {f"w{i}": DocumentInfo(f"w{i}", f"outlet{i}.example", copy_cluster="w0")
                 for i in range(3)}
    three_outlets = {f"w{i}": DocumentInfo(f"w{i}", f"outlet{i}.example") for i in range(3)}
    single = run(events[:1], {"w0": one_story["w0"]})
    copies = run(events, one_story)
    independent = run(events, three_outlets)
    assert on(copies, KHAN_ABAD, "2021-08-10").confidence == \
        on(single, KHAN_ABAD, "2021-08-10").confidence
    reports = [ev("capture", "taliban", KHAN_ABAD, "2021-08-10",
                  "Khan Abad fell to the Taliban.", doc=f"w{i}") for i in range(3)]
    assert on(run(reports, three_outlets), KHAN_ABAD, "2021-08-10").confidence > \
        on(run(reports[:1], {"w0": three_outlets["w0"]}), KHAN_ABAD, "2021-08-10").confidence
    # Still the winner's word, however many outlets repeat it.
    assert on(independent, KHAN_ABAD, "2021-08-10").status == CLAIMED
    # Two reports from one outlet are one source too.
    same_outlet = {"w0": DocumentInfo("w0", "pajhwok.com"), "w1": DocumentInfo("w1", "pajhwok.com")}
    assert on(run(reports[:2], same_outlet), KHAN_ABAD, "2021-08-10").confidence == \
        on(run(reports[:1], {"w0": three_outlets["w0"]}), KHAN_ABAD, "2021-08-10").confidence


# --- evidence is weighed by its probability ---------------------------------------------------

ZARANJ_FALLS = "Zaranj fell to the Taliban on Friday, residents of the city said."


def test_a_capture_read_from_an_unlikely_sentence_is_less_sure_than_from_a_likely_one() -> None:
    likely = ev("capture", "taliban", ZARANJ, "2021-08-06", ZARANJ_FALLS, probability=0.95)
    unlikely = replace(likely, probability=0.55)
    sure = on(run([likely]), ZARANJ, "2021-08-06")
    unsure = on(run([unlikely]), ZARANJ, "2021-08-06")
    assert sure.state == unsure.state == "taliban"
    assert (sure.status, unsure.status) == (ASSESSED, ASSESSED)
    assert unsure.confidence < sure.confidence
    # Its weight is its kind's weight times its probability: 0.7 × 0.55.
    assert unsure.confidence == pytest.approx(0.7 * 0.55, abs=0.001)
    assert "probability 0.55" in unsure.reason


def test_an_event_of_probability_one_counts_exactly_as_a_report_always_did() -> None:
    certain = ev("capture", "taliban", ZARANJ, "2021-08-06", ZARANJ_FALLS, probability=1.0)
    interval = on(run([certain]), ZARANJ, "2021-08-06")
    assert (interval.status, interval.confidence) == (ASSESSED, 0.7)  # SUPPORT_WEIGHTS
    assert "probability" not in interval.reason


def test_a_lone_unlikely_report_still_changes_hands_but_only_as_a_claim() -> None:
    # The decision stage kept it (it passed the extractor's threshold), so the map shows it;
    # more likely than not the sentence says something else, so it is not assessed.
    doubtful = ev("capture", "taliban", ZARANJ, "2021-08-06", ZARANJ_FALLS, probability=0.3)
    interval = on(run([doubtful]), ZARANJ, "2021-08-06")
    assert (interval.state, interval.status) == ("taliban", CLAIMED)
    assert interval.confidence == pytest.approx(0.7 * 0.3, abs=0.001)
    assert "claimed: the reports may not say so (1 admitting or independent source(s), " \
        "0 of them more likely than not" in interval.reason
    # A second such report, from another outlet, adds to the confidence, not to the status.
    again = ev("capture", "taliban", ZARANJ, "2021-08-06", ZARANJ_FALLS, doc="r2",
               probability=0.3)
    both = on(run([doubtful, again]), ZARANJ, "2021-08-06")
    assert both.status == CLAIMED and both.confidence > interval.confidence


def test_an_unlikely_denial_weighs_less_than_a_certain_one() -> None:
    report = ev("capture", "taliban", KUNDUZ, "2021-07-10",
                "Kunduz city fell to the Taliban on Saturday.", doc="r1")
    denial = ev("capture", "taliban", KUNDUZ, "2021-07-10",
                "The interior ministry rejected reports that Kunduz had fallen.", doc="r2",
                certainty="denied", side="government", source="the interior ministry")
    certain = on(run([report, denial]), KUNDUZ, "2021-07-10")
    likely = on(run([report, replace(denial, probability=0.8)]), KUNDUZ, "2021-07-10")
    unlikely = on(run([report, replace(denial, probability=0.4)]), KUNDUZ, "2021-07-10")
    # A denial more likely than not answers the one independent report (however a little
    # surer that report is); a likely misreading does not.
    assert certain.status == likely.status == CLAIMED
    assert unlikely.status == ASSESSED
    assert "1 source(s) against it too unlikely a reading to count" in unlikely.reason
    assert "probability 0.40" in unlikely.reason
    alone = on(run([report]), KUNDUZ, "2021-07-10")
    assert certain.confidence < likely.confidence
    assert unlikely.confidence < alone.confidence


def test_a_sources_best_report_is_its_weightiest_not_merely_its_best_kind() -> None:
    # One outlet: an admission the extractor doubts, and a report it is sure of.
    doubted = ev("capture", "taliban", IMAM_SAHIB, "2021-06-21",
                 "Officials appeared to concede Imam Sahib.", doc="r1", pos=0,
                 certainty="confirmed", side="government", probability=0.2)
    sure = ev("capture", "taliban", IMAM_SAHIB, "2021-06-21",
              "Imam Sahib fell to the Taliban on Monday.", doc="r1", pos=60)
    interval = on(run([doubted, sure]), IMAM_SAHIB, "2021-06-21")
    assert interval.confidence == 0.7  # the independent report (0.7), not 0.85 × 0.2
    assert interval.reason.startswith("captured by Taliban on 2021-06-21. assessed: reported by 1")


def test_fighting_read_from_an_unlikely_sentence_is_a_tentative_contest() -> None:
    siege = ev("siege", "taliban", KUNDUZ, "2021-06-21", "Kunduz city is under siege.")
    firm = on(run([siege]), KUNDUZ, "2021-06-21")
    doubtful = on(run([replace(siege, probability=0.3)]), KUNDUZ, "2021-06-21")
    assert firm.state == doubtful.state == CONTESTED
    assert (firm.status, doubtful.status) == (ASSESSED, CLAIMED)
    assert doubtful.confidence < firm.confidence


# --- contested --------------------------------------------------------------------------


def test_a_siege_with_no_capture_after_it_is_contested_for_the_configured_time() -> None:
    siege = ev("siege", "taliban", KUNDUZ, "2021-06-21", "Kunduz city is under siege.")
    timeline = run([siege])
    assert on(timeline, KUNDUZ, "2021-07-04").state == CONTESTED  # day 14
    back = on(timeline, KUNDUZ, "2021-07-05")
    assert back.state == "government" and back.since == D("2021-07-05")
    longer = run([siege], settings=TimelineSettings(contested_days=30))
    assert on(longer, KUNDUZ, "2021-07-20").state == CONTESTED
    # Each new clash extends it.
    again = ev("clash", "taliban", KUNDUZ, "2021-07-01", "Clashes continued in Kunduz.", doc="r2")
    assert on(run([siege, again]), KUNDUZ, "2021-07-10").state == CONTESTED


def test_a_capture_after_a_siege_ends_the_contest() -> None:
    siege = ev("siege", "taliban", KUNDUZ, "2021-08-01", "The Taliban besieged Kunduz city.")
    fall = ev("capture", "taliban", KUNDUZ, "2021-08-08", "Kunduz fell on Sunday.", doc="r2")
    timeline = run([siege, fall])
    assert on(timeline, KUNDUZ, "2021-08-07").state == CONTESTED
    taken = on(timeline, KUNDUZ, "2021-08-08")
    assert (taken.state, taken.since) == ("taliban", D("2021-08-08"))
    assert "after fighting since 2021-08-01" in taken.reason


def test_a_capture_reported_with_fighting_the_same_day_is_a_capture_either_way() -> None:
    fall = ev("capture", "taliban", KUNDUZ, "2021-08-08", "The Taliban entered Kunduz city.",
              doc="r1")
    outskirts = ev("siege", "taliban", KUNDUZ, "2021-08-08",
                   "Fighters reached the outskirts of Kunduz on Sunday.", doc="r2")
    assert on(run([fall, outskirts]), KUNDUZ, "2021-08-08").state == "taliban"
    # The same when the Taliban already held it on an earlier (mistaken) report.
    earlier = ev("capture", "taliban", KUNDUZ, "2021-08-01", "Kunduz has fallen.", doc="r0")
    clash = ev("clash", "government", KUNDUZ, "2021-08-05", "Commandos attacked Kunduz.",
               doc="r3")
    assert on(run([earlier, clash, fall, outskirts]), KUNDUZ, "2021-08-08").state == "taliban"


def test_a_report_that_the_attackers_withdrew_ends_the_contest() -> None:
    attack = ev("clash", "taliban", KHAN_ABAD, "2021-07-01", "Taliban attacked Khan Abad.")
    pulled_back = ev("withdrawal", "taliban", KHAN_ABAD, "2021-07-03",
                     "The Taliban withdrew from the outskirts of Khan Abad.", doc="r2",
                     opponent="government")
    timeline = run([attack, pulled_back])
    assert on(timeline, KHAN_ABAD, "2021-07-03").state == "government"


def test_settings_can_come_from_the_profiles_timeline_table() -> None:
    text = (Path(__file__).resolve().parents[1] / "src/frontlines/profiles/afghanistan-2021.toml"
            ).read_text(encoding="utf-8")
    profile = parse_profile(text + "\n[timeline]\ncontested_days = 3\n")
    siege = ev("siege", "taliban", KUNDUZ, "2021-06-21", "Kunduz city is under siege.")
    timeline = compute_timeline(UNITS, [siege], profile, {}, (), 2)
    assert on(timeline, KUNDUZ, "2021-06-24").state == "government"
    with pytest.raises(ValueError, match="contested_days"):
        settings_from_mapping({"contested_days": "soon"})


# --- time --------------------------------------------------------------------------------


def test_a_later_report_about_an_earlier_day_backfills_the_past() -> None:
    first = ev("siege", "taliban", ZARANJ, "2021-08-05", "Fighting reached Zaranj.", doc="early")
    late = ev("capture", "taliban", ZARANJ, "2021-08-06",
              "A week on, officials confirmed Zaranj had fallen on August 6.", doc="late",
              certainty="confirmed", side="government")
    timeline = run([first, late])
    assert on(timeline, ZARANJ, "2021-08-06").state == "taliban"
    assert on(timeline, ZARANJ, "2021-08-05").state == CONTESTED


def test_the_answer_for_a_day_ignores_reports_of_later_days() -> None:
    claim = ev("capture", "taliban", DOSHI, "2021-06-22", "The Taliban claimed Doshi.",
               doc="r1", certainty="claimed", side="taliban")
    admission = ev("capture", "taliban", DOSHI, "2021-06-25",
                   "Officials admitted Doshi had been lost.", doc="r2", certainty="confirmed",
                   side="government")
    alone = on(run([claim]), DOSHI, "2021-06-23")
    both = run([claim, admission])
    assert on(both, DOSHI, "2021-06-23").answer() == alone.answer()
    later = on(both, DOSHI, "2021-06-25")
    assert (later.status, later.since) == (ASSESSED, D("2021-06-22"))


def test_events_without_a_date_are_left_out() -> None:
    undated = ev("capture", "taliban", KHAN_ABAD, None, "Khan Abad has fallen, residents say.")
    assert [iv.state for iv in run([undated])[KHAN_ABAD]] == ["government"]


# --- baseline -------------------------------------------------------------------------------


def test_a_baseline_is_less_sure_than_any_report() -> None:
    timeline = run([
        ev("capture", "taliban", DOSHI, "2021-06-22", "Local sources say Doshi may have fallen.",
           certainty="unverified", probability=0.1),
        ev("siege", "taliban", KUNDUZ, "2021-06-22", "Kunduz is perhaps under siege.",
           doc="r2", certainty="unverified", probability=0.1),
    ])
    baseline = on(timeline, KHAN_ABAD, "2021-06-22")
    assert (baseline.status, baseline.confidence) == (BASELINE, 0.05)
    reported = [on(timeline, DOSHI, "2021-06-22"), on(timeline, KUNDUZ, "2021-06-22")]
    assert all(r.status != BASELINE and r.confidence >= baseline.confidence for r in reported)
    # A profile that trusts its start state more raises the floor of every report with it.
    surer = run([ev("capture", "taliban", DOSHI, "2021-06-22", "Doshi may have fallen.",
                    certainty="unverified", probability=0.1)],
                settings=TimelineSettings(start_confidence=0.3))
    assert on(surer, DOSHI, "2021-06-22").confidence >= on(surer, KHAN_ABAD, "2021-06-22").confidence
    with pytest.raises(ValueError, match="start_confidence"):
        settings_from_mapping({"start_confidence": 0.9})


def test_a_contest_that_runs_out_goes_back_to_the_baseline() -> None:
    siege = ev("siege", "taliban", KHAN_ABAD, "2021-06-21", "The Taliban besieged Khan Abad.")
    timeline = run([siege])
    assert on(timeline, KHAN_ABAD, "2021-06-21").state == CONTESTED
    after = on(timeline, KHAN_ABAD, "2021-07-05")
    assert (after.state, after.status) == ("government", BASELINE)


def test_a_report_that_the_holder_still_holds_a_unit_ends_its_baseline() -> None:
    held = ev("recapture", "government", KHAN_ABAD, "2021-06-21",
              "Security forces cleared the outskirts of Khan Abad, which remains under "
              "government control, a provincial council member said.")
    interval = on(run([held]), KHAN_ABAD, "2021-06-21")
    assert (interval.state, interval.status, interval.since) == (
        "government", ASSESSED, PROFILE.start_date)
    assert held.id in interval.event_ids and "1 later report(s)" in interval.reason


LWJ = "lwj-2021-05-01.csv"


def row(unit: str, state: str, as_of: str, number: int, import_id: int = 1) -> BaselineEntry:
    return BaselineEntry(unit, state, D(as_of), "FDD's Long War Journal", LWJ, import_id, number)


def test_an_imported_baseline_sets_the_state_with_the_file_as_evidence() -> None:
    timeline = run([], baselines=[row(DOSHI, "taliban", "2021-05-01", 2),
                                  row(IMAM_SAHIB, CONTESTED, "2021-06-01", 3)])
    doshi = on(timeline, DOSHI, "2021-05-01")
    assert (doshi.state, doshi.status, doshi.since) == ("taliban", BASELINE, PROFILE.start_date)
    assert doshi.event_ids == ("baseline:1#2",)
    assert LWJ in doshi.reason and "Long War Journal" in doshi.reason
    assert on(timeline, IMAM_SAHIB, "2021-05-31").state == "government"
    assert on(timeline, IMAM_SAHIB, "2021-06-01").state == CONTESTED
    # As of a day before the start, it is the unit's start state.
    early = run([], baselines=[row(DOSHI, "taliban", "2021-04-01", 2)])
    assert early[DOSHI][0].state == "taliban" and len(early[DOSHI]) == 1


def test_a_baseline_never_overrides_a_report_and_a_later_import_wins() -> None:
    fall = ev("capture", "taliban", DOSHI, "2021-05-20", "Doshi fell to the Taliban.")
    stale = run([fall], baselines=[row(DOSHI, "government", "2021-06-01", 2)])
    assert on(stale, DOSHI, "2021-06-10").state == "taliban"
    twice = run([], baselines=[row(DOSHI, "taliban", "2021-05-01", 2, import_id=1),
                               row(DOSHI, "government", "2021-05-01", 7, import_id=2)])
    assert on(twice, DOSHI, "2021-05-01").event_ids == ("baseline:2#7",)
    # After the baseline, reports move the unit as usual.
    back = ev("recapture", "government", DOSHI, "2021-06-05", "Commandos retook Doshi.")
    moved = run([back], baselines=[row(DOSHI, "taliban", "2021-05-01", 2)])
    assert on(moved, DOSHI, "2021-06-05").reason.startswith("retaken by")


# --- location references ----------------------------------------------------------------------


def test_a_dateline_is_where_a_report_was_filed_not_a_source() -> None:
    dateline = ev("surrender", "taliban", KABUL, "2021-08-11",
                  "KABUL -- Hundreds of Afghan forces surrendered Wednesday to the Taliban in "
                  "northern Afghanistan.")
    assert on(run([dateline]), KABUL, "2021-08-11").state == "government"
    named = ev("capture", "taliban", KABUL, "2021-08-15",
               "KABUL (Reuters) - The Taliban entered Kabul on Sunday.", doc="r2")
    assert on(run([dateline, named]), KABUL, "2021-08-15").state == "taliban"


# --- salient places ------------------------------------------------------------------------------


def test_a_capital_needs_an_admission_or_two_independent_sources() -> None:
    one = ev("capture", "taliban", ZARANJ, "2021-08-06",
             "Zaranj became the first provincial capital to fall to the Taliban.", doc="r1")
    alone = on(run([one], geography=CAPITALS), ZARANJ, "2021-08-06")
    assert (alone.state, alone.status) == ("taliban", CLAIMED)
    assert "a capital needs an admission by Afghan government or two independent" in alone.reason
    # The same report about an ordinary district is assessed.
    assert on(run([one]), ZARANJ, "2021-08-06").status == ASSESSED
    second = ev("capture", "taliban", ZARANJ, "2021-08-06", "The Taliban took Zaranj on Friday.",
                doc="r2")
    assert on(run([one, second], geography=CAPITALS), ZARANJ, "2021-08-06").status == ASSESSED
    copy = replace(second, evidence=replace(second.evidence, document_id="r3"), id="r3#0")
    one_story = {"r1": DocumentInfo("r1", "a.example", copy_cluster="r1"),
                 "r3": DocumentInfo("r3", "b.example", copy_cluster="r1")}
    assert on(run([one, copy], one_story, geography=CAPITALS), ZARANJ,
              "2021-08-06").status == CLAIMED
    admitted = ev("capture", "taliban", ZARANJ, "2021-08-06",
                  "Zaranj has fallen, the provincial police chief said.",
                  certainty="confirmed", side="government")
    assert on(run([admitted], geography=CAPITALS), ZARANJ, "2021-08-06").status == ASSESSED


# --- larger areas ----------------------------------------------------------------------------------

BADGHIS_LIKE = "The Taliban captured the whole of Kunduz province on Wednesday, officials said."


def test_a_province_reported_taken_as_a_whole_is_inferred_for_its_districts() -> None:
    province = area_ev("capture", "taliban", "AF19", "Kunduz", "2021-08-11", BADGHIS_LIKE,
                       side="government", certainty="confirmed")
    timeline = run([province])
    for unit in (IMAM_SAHIB, KHAN_ABAD, KUNDUZ):  # no unit here is a capital
        inferred = on(timeline, unit, "2021-08-11")
        assert (inferred.state, inferred.status, inferred.rule) == ("taliban", INFERRED, RULE_AREA)
        assert inferred.event_ids == (province.id,) and "rule: larger area" in inferred.reason
        assert on(timeline, unit, "2021-08-10").status == BASELINE
    assert on(timeline, DOSHI, "2021-08-11").state == "government"  # another province
    inferred = on(timeline, KHAN_ABAD, "2021-08-11")
    assert on(timeline, DOSHI, "2021-08-11").confidence < inferred.confidence <= 0.6


def test_a_units_own_reports_win_over_the_report_about_its_province() -> None:
    province = area_ev("capture", "taliban", "AF19", "Kunduz", "2021-08-11", BADGHIS_LIKE)
    held_that_day = ev("recapture", "government", KHAN_ABAD, "2021-08-11",
                       "Commandos still hold Khan Abad.", doc="r2")
    retaken_later = ev("recapture", "government", IMAM_SAHIB, "2021-08-13",
                       "Government forces retook Imam Sahib on Friday.", doc="r3")
    earlier = ev("recapture", "government", KUNDUZ, "2021-08-01",
                 "The army pushed the Taliban out of Kunduz city.", doc="r4")
    timeline = run([province, held_that_day, retaken_later, earlier])
    assert on(timeline, KHAN_ABAD, "2021-08-11").state == "government"
    assert on(timeline, IMAM_SAHIB, "2021-08-12").status == INFERRED
    assert on(timeline, IMAM_SAHIB, "2021-08-13").state == "government"
    assert on(timeline, KUNDUZ, "2021-08-11").status == INFERRED  # the newer report wins
    # A unit the gaining side already held on its own evidence keeps it.
    taken = ev("capture", "taliban", KHAN_ABAD, "2021-07-01", "Khan Abad fell.", doc="r5")
    kept = on(run([taken, province]), KHAN_ABAD, "2021-08-11")
    assert (kept.status, kept.since) == (ASSESSED, D("2021-07-01"))


def test_capitals_are_never_inferred_from_their_province() -> None:
    rest = area_ev("capture", "taliban", "AF19", "Kunduz", "2021-07-09",
                   "The rest of Kunduz province is in the hands of the Taliban.")
    timeline = run([rest], geography=CAPITALS)
    assert on(timeline, KUNDUZ, "2021-07-09").state == "government"
    assert on(timeline, KHAN_ABAD, "2021-07-09").state == "taliban"


def test_what_is_not_a_takeover_of_an_area_infers_nothing() -> None:
    denied = area_ev("capture", "taliban", "AF19", "Kunduz", "2021-08-11",
                     "Officials denied that Kunduz province had fallen.", certainty="denied")
    negated = area_ev("capture", "taliban", "AF19", "Kunduz", "2021-08-11",
                      "The Taliban have not captured Kunduz province.", negated=True, doc="r2")
    split = [area_ev("capture", "taliban", "AF19", "Kunduz", "2021-08-12", BADGHIS_LIKE,
                     doc="r3"),
             area_ev("recapture", "government", "AF19", "Kunduz", "2021-08-12",
                     "Government forces hold all of Kunduz province.", doc="r4")]
    timeline = run([denied, negated, *split])
    assert on(timeline, KHAN_ABAD, "2021-08-13").status == BASELINE


def test_a_report_about_the_whole_country_reaches_every_unit() -> None:
    country = area_ev("capture", "taliban", None, "Afghanistan", "2021-08-20",
                      "The Taliban have taken control of the entire country.")
    timeline = run([country], geography=CAPITALS)
    assert on(timeline, DOSHI, "2021-08-20").status == INFERRED
    assert on(timeline, KABUL, "2021-08-20").state == "government"  # capitals never inferred


# --- the national collapse ---------------------------------------------------------------------

ENTERED_KABUL = "The Taliban entered Kabul on Sunday, a government official said."
GHANI_FLED = "President Ashraf Ghani fled the country, and the government collapsed."


def collapse(day: str, doc: str = "c1", **kwargs: Any) -> Event:
    return area_ev("collapse", "government", None, "Afghanistan", day, GHANI_FLED, doc=doc,
                   **kwargs)


def kabul_falls(day: str = "2021-08-15") -> Event:
    return ev("capture", "taliban", KABUL, day, ENTERED_KABUL, doc="k1", certainty="confirmed",
              side="government")


def test_when_the_capital_falls_and_the_government_is_gone_its_units_go_to_the_winner() -> None:
    third_side = ev("capture", "resistance", DOSHI, "2021-08-10",
                    "Anti-Taliban fighters captured Doshi district.", doc="d1")
    timeline = run([kabul_falls(), collapse("2021-08-15"), third_side], geography=CAPITALS)
    assert on(timeline, KHAN_ABAD, "2021-08-14").state == "government"
    gone = on(timeline, KHAN_ABAD, "2021-08-15")
    assert (gone.state, gone.status, gone.rule) == ("taliban", INFERRED, RULE_COLLAPSE)
    assert "c1#0" in gone.event_ids and "k1#0" in gone.event_ids
    assert "rule: national collapse" in gone.reason and "Kabul (AF0101)" in gone.reason
    assert on(timeline, DOSHI, "2021-08-15").state == "resistance"  # a third side keeps it
    assert on(timeline, KUNDUZ, "2021-08-15").state == "government"  # a provincial capital
    assert on(timeline, KABUL, "2021-08-15").status == ASSESSED  # its own reports


def test_the_collapse_needs_both_the_capital_and_a_report_that_the_government_is_gone() -> None:
    assert on(run([kabul_falls()], geography=CAPITALS), KHAN_ABAD,
              "2021-08-20").state == "government"
    assert on(run([collapse("2021-08-15")], geography=CAPITALS), KHAN_ABAD,
              "2021-08-20").state == "government"
    # Reported gone first: the rule takes effect when the capital falls, not before.
    early = run([collapse("2021-08-13"), kabul_falls("2021-08-15")], geography=CAPITALS)
    assert on(early, KHAN_ABAD, "2021-08-14").state == "government"
    assert on(early, KHAN_ABAD, "2021-08-15").rule == RULE_COLLAPSE
    # A denied or negated collapse is no signal.
    denied = run([kabul_falls(), collapse("2021-08-15", certainty="denied")], geography=CAPITALS)
    assert on(denied, KHAN_ABAD, "2021-08-20").state == "government"
    # Later reports about a unit move it as usual.
    retaken = ev("recapture", "resistance", KHAN_ABAD, "2021-08-20",
                 "Resistance fighters retook Khan Abad.", doc="r9")
    after = run([kabul_falls(), collapse("2021-08-15"), retaken], geography=CAPITALS)
    assert on(after, KHAN_ABAD, "2021-08-20").state == "resistance"


def test_the_collapse_also_works_when_the_capital_is_not_being_computed() -> None:
    """An incremental recompute of some units still sees the capital (`Geography.capital`)."""
    events = [kabul_falls(), collapse("2021-08-15")]
    docs = {e.evidence.document_id: DocumentInfo(e.evidence.document_id) for e in events}
    some = [u for u in UNITS if u.id == KHAN_ABAD]
    geography = replace(CAPITALS, capital=next(u for u in UNITS if u.id == KABUL))
    alone = compute_timeline(some, events, PROFILE, docs, geography=geography)
    assert alone[KHAN_ABAD] == run(events, docs, geography=CAPITALS)[KHAN_ABAD]


# --- aggregation of statuses ---------------------------------------------------------------------


def test_a_province_is_as_sure_as_the_least_sure_district_of_its_majority() -> None:
    falls = [ev("capture", "taliban", IMAM_SAHIB, "2021-06-21", "Imam Sahib fell.",
                certainty="confirmed", side="government"),
             ev("capture", "taliban", KHAN_ABAD, "2021-07-01", "Khan Abad fell.", doc="r2",
                certainty="confirmed", side="government")]
    timeline = run(falls)
    members = {u: timeline[u] for u in (IMAM_SAHIB, KUNDUZ, KHAN_ABAD)}
    assert interval_on(aggregate_timeline("AF19", members), D("2021-06-01")).status == BASELINE  # type: ignore[union-attr]
    assert interval_on(aggregate_timeline("AF19", members), D("2021-07-02")).status == ASSESSED  # type: ignore[union-attr]
    province = area_ev("capture", "taliban", "AF19", "Kunduz", "2021-07-05", BADGHIS_LIKE,
                       doc="r3")
    mixed = run([*falls, province])
    members = {u: mixed[u] for u in (IMAM_SAHIB, KUNDUZ, KHAN_ABAD)}
    assert interval_on(aggregate_timeline("AF19", members), D("2021-07-05")).status == INFERRED  # type: ignore[union-attr]


# --- analyst decisions -------------------------------------------------------------------


def test_a_rejected_event_is_ignored_and_a_pin_forces_the_state() -> None:
    wrong = ev("capture", "taliban", KHAN_ABAD, "2021-06-22",
               "The Taliban captured Shir Khan port and the town.")
    assert on(run([wrong]), KHAN_ABAD, "2021-06-22").state == "taliban"
    rejected = run([wrong], decisions=[Decision("reject", event_id=wrong.id)])
    assert on(rejected, KHAN_ABAD, "2021-06-22").state == "government"

    pin = Decision("pin", unit_id=KHAN_ABAD, state="government", start=D("2021-06-20"),
                   end=D("2021-06-30"), note="field team confirms the district centre held", id=1)
    pinned = run([wrong], decisions=[pin])
    during = on(pinned, KHAN_ABAD, "2021-06-22")
    assert (during.state, during.status, during.confidence) == ("government", ASSESSED, 1.0)
    assert "field team" in during.reason
    after = on(pinned, KHAN_ABAD, "2021-07-01")
    assert after.state == "government" and "pin" in after.reason


# --- aggregation ---------------------------------------------------------------------------


def test_a_province_takes_its_majoritys_state_and_is_contested_when_split() -> None:
    kunduz_units = [IMAM_SAHIB, KUNDUZ, KHAN_ABAD]
    falls = [ev("capture", "taliban", IMAM_SAHIB, "2021-06-21", "Imam Sahib fell."),
             ev("capture", "taliban", KHAN_ABAD, "2021-07-01", "Khan Abad fell.", doc="r2")]
    timeline = run(falls)
    province = aggregate_timeline("AF19", {u: timeline[u] for u in kunduz_units})
    assert interval_on(province, D("2021-06-01")).state == "government"  # type: ignore[union-attr]
    assert interval_on(province, D("2021-06-25")).state == "government"  # type: ignore[union-attr]
    taken = interval_on(province, D("2021-07-02"))
    assert taken is not None and (taken.state, taken.since) == ("taliban", D("2021-07-01"))
    split = aggregate_timeline("AF19", {u: timeline[u] for u in (IMAM_SAHIB, KUNDUZ)})
    assert interval_on(split, D("2021-06-25")).state == CONTESTED  # type: ignore[union-attr]


# === through the store and the command line =====================================================

from frontlines.pipeline import StoreExtraction  # noqa: E402
from frontlines.store import (  # noqa: E402
    Workspace,
    add_document,
    documents,
    events,
    query_events,
    replace_events,
    set_meta,
)
from frontlines.timeline_store import (  # noqa: E402
    EVENTS_KEY,
    changes,
    check_level,
    ensure_timeline,
    explain,
    load_intervals,
    recompute_all,
    recompute_documents,
    stamp_events,
    stored_events_stamp,
    summary,
    timeline_is_fresh,
)

from .conftest import AfghanWorkspaces, copy_workspace, run_cli  # noqa: E402

# The store's half runs on both back ends (the pure engine's tests use no workspace).
pytestmark = pytest.mark.both_backends


def ingest_texts(ws: Workspace, folder: Path, reports: dict[str, str]) -> None:
    """Ingest reports (name → text) one by one through the real ingest path and our hook."""
    from frontlines.sources.ingest import ingest

    folder.mkdir(parents=True, exist_ok=True)
    extraction = StoreExtraction(ws)  # stores the events and calls `recompute_documents`
    for name, text in reports.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        summary = ingest(ws, [path], on_document=extraction)
        assert not summary.failed, summary.failed


@pytest.fixture(scope="module")
def seed_workspace(afghan_workspace: Workspace, shared: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The Afghan gazetteer plus ../shared/examples/seed-report.txt, ingested."""
    ws = copy_workspace(afghan_workspace, tmp_path_factory.mktemp("seed") / "ws")
    result = run_cli("ingest", str(shared / "examples" / "seed-report.txt"), workspace=ws.path)
    assert result.exit_code == 0, result.output
    return ws


def control_json(ws: Workspace, *args: str) -> list[dict[str, object]]:
    result = run_cli("control", *args, "--format", "json", workspace=ws.path)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_seed_report_gives_the_expected_map_on_june_22(seed_workspace: Workspace) -> None:
    rows = {r["place_id"]: r for r in control_json(seed_workspace, "--date", "2021-06-22")}
    assert len(rows) == 399
    assert set(rows["AF1905"]) == {"place_id", "place_name", "admin1", "state", "status",
                                   "since", "confidence", "evidence", "rule"}
    imam_sahib = rows["AF1905"]
    assert (imam_sahib["state"], imam_sahib["since"], imam_sahib["status"]) == (
        "taliban", "2021-06-21", "assessed")
    assert imam_sahib["evidence"] and imam_sahib["admin1"] == "AF19"
    assert rows["AF1901"]["state"] == "contested"
    assert (rows["AF0903"]["state"], rows["AF0903"]["status"]) == ("taliban", "claimed")
    moved = {"AF1905", "AF1901", "AF0903", "AF1906"}  # Dasht-e-Archi is named as taken too
    others = [r for pid, r in rows.items() if pid not in moved]
    # No report names them: the profile's start state, not evidence.
    assert {(r["state"], r["status"], r["rule"]) for r in others} == {
        ("government", "baseline", None)}
    assert {r["status"] for pid, r in rows.items() if pid in moved} <= {"assessed", "claimed"}


def test_control_csv_level_one_and_summary(seed_workspace: Workspace) -> None:
    result = run_cli("control", "--date", "2021-06-22", "--format", "csv",
                     workspace=seed_workspace.path)
    assert result.exit_code == 0
    header, *lines = result.output.strip().splitlines()
    assert header == "place_id,place_name,admin1,state,status,since,confidence,evidence,rule"
    assert len(lines) == 399
    provinces = {r["place_id"]: r for r in control_json(seed_workspace, "--date", "2021-06-22",
                                                        "--level", "1")}
    assert len(provinces) == 34 and provinces["AF19"]["state"] == "government"
    result = run_cli("summary", "--date", "2021-06-22", "--format", "json",
                     workspace=seed_workspace.path)
    counts = {(s["state"], s["status"]): s["count"] for s in json.loads(result.output)["states"]}
    # No report names the other 395 districts: they rest on the profile's start state.
    assert counts[("government", "baseline")] == 395 and sum(counts.values()) == 399
    table = run_cli("summary", "--date", "2021-06-22", workspace=seed_workspace.path)
    assert "395 of 399 districts" in table.output


def test_changes_lists_each_change_with_its_reports(seed_workspace: Workspace) -> None:
    result = run_cli("changes", "--since", "2021-06-01", "--until", "2021-06-30", "--format",
                     "json", workspace=seed_workspace.path)
    rows = json.loads(result.output)
    # The battles began late on Sunday (contested), the Taliban held it on Monday.
    imam_sahib = next(r for r in rows if r["place_id"] == "AF1905" and r["to"] == "taliban")
    assert set(imam_sahib) == {"place_id", "place_name", "from", "to", "status", "date",
                               "confidence", "events"}
    assert (imam_sahib["from"], imam_sahib["to"], imam_sahib["date"]) == (
        "contested", "taliban", "2021-06-21")
    table = run_cli("changes", "--since", "2021-06-01", workspace=seed_workspace.path)
    assert "Defence Redefined" in table.output and "Imam" in table.output


def test_explain_tells_the_story_of_a_district_by_name(seed_workspace: Workspace) -> None:
    result = run_cli("explain", "Imam Saheb", "--date", "2021-06-22",
                     workspace=seed_workspace.path)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Imam Sahib (AF1905)" in text
    assert "On 2021-06-22: taliban (assessed" in text
    assert "admitted by Afghan government" in text and "police spokesman" in text
    assert "Defence Redefined" in text and "published 2021-06-22" in text
    kunduz = run_cli("explain", "AF1901", workspace=seed_workspace.path).output
    assert "contested" in kunduz and "siege" in kunduz and "back to government" in kunduz


@pytest.mark.parametrize("args, message", [
    (("control", "--date", "22/06/2021"), "not a date"),
    (("control", "--date", "2020-01-01"), "before the timeline starts"),
    (("control", "--date", "2021-06-22", "--level", "3"), "level 3: this workspace's units"),
    (("changes", "--since", "2021-07-01", "--until", "2021-06-01"), "until comes before since"),
    (("explain", "Atlantis Prime"), "unknown place"),
    (("summary", "--date", "soon"), "not a date"),
])
def test_bad_input_is_a_one_line_error(seed_workspace: Workspace, args: tuple[str, ...],
                                       message: str) -> None:
    result = run_cli(*args, workspace=seed_workspace.path)
    assert result.exit_code != 0
    assert message in result.output


def test_bad_input_errors_have_types(seed_workspace: Workspace) -> None:
    """Callers (the API's status codes) tell errors apart by type, never by wording."""
    with seed_workspace.connect() as conn:
        with pytest.raises(UnknownPlace):
            explain(conn, seed_workspace.profile, "Atlantis Prime")
        with pytest.raises(BadLevel, match="level 3"):
            check_level(conn, 3)
        with pytest.raises(BadLevel):
            summary(conn, seed_workspace.profile, D("2021-06-22"), 0)
        assert check_level(conn, None) == 2 and check_level(conn, 1) == 1
        with pytest.raises(TimelineError, match="until comes before since") as caught:
            changes(conn, seed_workspace.profile, D("2021-07-01"), D("2021-06-01"))
        assert not isinstance(caught.value, UnknownPlace | BadLevel)


def test_decisions_from_the_command_line_are_respected(afghan_workspace: Workspace,
                                                       shared: Path, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    run_cli("ingest", str(shared / "examples" / "seed-report.txt"), workspace=ws.path)
    doshi = {r["place_id"]: r for r in control_json(ws, "--date", "2021-06-22")}["AF0903"]
    result = run_cli("decide", "reject", doshi["evidence"][0], "--note", "hearsay",
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert {r["place_id"]: r for r in control_json(ws, "--date", "2021-06-22")}[
        "AF0903"]["state"] == "government"
    assert "hearsay" in run_cli("explain", "Doshi", workspace=ws.path).output
    result = run_cli("decide", "pin", "AF1901", "taliban", "--from", "2021-06-22",
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    kunduz = {r["place_id"]: r for r in control_json(ws, "--date", "2021-07-01")}["AF1901"]
    assert (kunduz["state"], kunduz["confidence"]) == ("taliban", 1.0)
    assert run_cli("decide", "pin", "AF1901", "martians", "--from", "2021-06-22",
                   workspace=ws.path).exit_code != 0


# Short reports of our own, about real places, for the end-to-end rules.
OWN_REPORTS = {
    "zaranj-falls": (
        "Zaranj falls to the Taliban\nPublished 2021-08-07\n\n"
        "The Taliban captured Zaranj, the capital of Nimroz province, on Friday, "
        "provincial council member Abdul Wahid said, adding that government forces had "
        "retreated towards the border.\n"),
    "zaranj-copy": (
        "Nimroz capital taken\nPublished 2021-08-07\n\n"
        "The Taliban captured Zaranj, the capital of Nimroz province, on Friday, "
        "provincial council member Abdul Wahid said, adding that government forces had "
        "retreated towards the border. Readers can share this article.\n"),
    "khan-abad-siege": (
        "Fighting near Kunduz\nPublished 2021-07-05\n\n"
        "Taliban fighters surrounded the Khan Abad district centre in Kunduz province on "
        "Sunday, a local official said.\n"),
    "doshi-claim": (
        "Group claims Doshi\nPublished 2021-06-24\n\n"
        "Taliban spokesman Zabihullah Mujahid said the group's fighters had captured "
        "Doshi district in Baghlan province on Wednesday.\n"),
}


def test_incremental_recompute_equals_a_full_recompute(afghan_workspace: Workspace,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import frontlines.timeline_store as timeline_store

    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    rebuilds = []
    full_rebuild = timeline_store.recompute_all

    def counting(conn, profile):  # type: ignore[no-untyped-def]
        rebuilds.append(1)
        return full_rebuild(conn, profile)

    monkeypatch.setattr(timeline_store, "recompute_all", counting)
    ingest_texts(ws, tmp_path / "reports", OWN_REPORTS)
    # Only the first report builds the cache whole; the others take the incremental path,
    # and the stamp they leave is the one a scan of every event gives.
    assert len(rebuilds) == 1
    with ws.connect() as conn:
        incremental = load_intervals(conn)
        assert stored_events_stamp(conn) == stamp_events(conn)
        assert timeline_is_fresh(conn, ws.profile)
    with ws.begin() as conn:
        full_rebuild(conn, ws.profile)
    with ws.connect() as conn:
        full = load_intervals(conn)
    assert incremental == full
    assert len(full) == 399
    zaranj = interval_on(full["AF3401"], D("2021-08-06"))
    assert zaranj is not None and zaranj.state == "taliban"
    # A repeated call for a document the cache already covers rebuilds nothing.
    with ws.begin() as conn:
        doc_id = conn.execute(select(documents.c.id).limit(1)).scalar_one()
        recompute_documents(conn, ws.profile, [doc_id])
        assert len(rebuilds) == 1 and timeline_is_fresh(conn, ws.profile)


def test_on_postgresql_a_recompute_waits_for_events_being_written_and_then_covers_them(
        afghan_workspaces: AfghanWorkspaces, tmp_path: Path) -> None:
    """Each statement of a PostgreSQL transaction sees what others committed until then:
    a rebuild must not read some events before another writer commits and the rest
    after. It waits for the writer's lock instead, then sees all of its events."""
    import threading

    ws = copy_workspace(afghan_workspaces.on("postgresql"), tmp_path / "ws")
    ingest_texts(ws, tmp_path / "reports", OWN_REPORTS)
    with ws.begin() as conn:
        template = query_events(conn)[0]
        set_meta(conn, EVENTS_KEY, "")  # the cache is stale: the next read rebuilds it
    with ws.engine.connect() as writer:
        with writer.begin():
            add_document(writer, Document(id="late", text="A late report.", content_hash="late"))
            replace_events(writer, "late", [replace(template, id=None)])
            rebuilt: list[bool] = []

            def read_control() -> None:
                with ws.begin() as conn:
                    rebuilt.append(ensure_timeline(conn, ws.profile))

            reader = threading.Thread(target=read_control)
            reader.start()
            reader.join(timeout=1.0)
            assert reader.is_alive()  # waiting for the writer
        reader.join(timeout=60)
    assert rebuilt == [True]
    with ws.connect() as conn:
        assert len(query_events(conn, document_id="late")) == 1
        assert stored_events_stamp(conn) == stamp_events(conn)
        assert timeline_is_fresh(conn, ws.profile)


def _changed(event: Event) -> Event:
    return replace(event, certainty="denied" if event.certainty != "denied" else "reported")


@pytest.mark.parametrize("write", [
    "re-extract the newest report",  # same count of rows, newest report again
    "re-extract an older report unchanged",
    "re-extract the newest report, then an older one unchanged",
    "add a report",
    "delete a report",
    "re-judge the newest report with another probability",  # same claims, new weights
])
def test_a_write_behind_the_cache_is_noticed(afghan_workspace: Workspace, tmp_path: Path,
                                             write: str) -> None:
    """Events written without the hook make the cache stale; a read rebuilds it."""
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    ingest_texts(ws, tmp_path / "reports", OWN_REPORTS)
    with ws.begin() as conn:
        order = [r[0] for r in conn.execute(
            select(events.c.document_id).order_by(events.c.seq))]
        newest, oldest = order[-1], order[0]
        assert timeline_is_fresh(conn, ws.profile)
        if write.startswith("re-extract the newest"):
            mine = query_events(conn, document_id=newest)
            replace_events(conn, newest, [_changed(mine[0]), *mine[1:]])
            assert (conn.execute(select(func.count()).select_from(events)).scalar_one()
                    == stored_events_stamp(conn).count)  # type: ignore[union-attr]
        if write.endswith("an older report unchanged") or write.endswith("an older one unchanged"):
            replace_events(conn, oldest, query_events(conn, document_id=oldest))
        if write.startswith("re-judge"):
            replace_events(conn, newest, [replace(e, probability=e.probability / 2)
                                          for e in query_events(conn, document_id=newest)])
        if write == "add a report":
            add_document(conn, Document(id="extra", text="Extra report.", content_hash="extra"))
            replace_events(conn, "extra", [replace(query_events(conn, document_id=oldest)[0],
                                                   id=None)])
        if write == "delete a report":
            conn.execute(delete(documents).where(documents.c.id == oldest))
        assert not timeline_is_fresh(conn, ws.profile)
        assert ensure_timeline(conn, ws.profile)
        assert timeline_is_fresh(conn, ws.profile)
        assert stored_events_stamp(conn) == stamp_events(conn)


def test_ingest_order_does_not_change_the_timeline(afghan_workspace: Workspace,
                                                   tmp_path: Path) -> None:
    timelines = []
    for name, order in (("forward", list(OWN_REPORTS)), ("backward", list(OWN_REPORTS)[::-1])):
        ws = copy_workspace(afghan_workspace, tmp_path / name)
        ingest_texts(ws, tmp_path / f"{name}-reports", {k: OWN_REPORTS[k] for k in order})
        with ws.connect() as conn:
            timelines.append({u: [iv.answer() for iv in ivs]
                              for u, ivs in load_intervals(conn).items()})
    assert timelines[0] == timelines[1]


def test_wire_copies_are_one_source(afghan_workspace: Workspace, tmp_path: Path) -> None:
    from frontlines.store import document_copies

    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    ingest_texts(ws, tmp_path / "reports", OWN_REPORTS)
    with ws.connect() as conn:
        clusters = dict(conn.execute(document_copies.select().with_only_columns(
            document_copies.c.document_id, document_copies.c.cluster_id)).all())
    assert len(clusters) == 4 and len(set(clusters.values())) == 3


@pytest.mark.slow
def test_dev_corpus_capitals_fall_on_the_day_the_reports_say(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    result = run_cli("ingest", str(shared / "examples"), str(shared / "eval/dev/corpus.jsonl"),
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    falls: dict[str, str] = {}
    for line in (shared / "eval/dev/gold.jsonl").read_text(encoding="utf-8").splitlines():
        for event in json.loads(line)["events"]:
            if (event["place_type"] == "provincial_capital" and event["admin2"] and event["date"]
                    and event["kind"] in ("capture", "surrender", "withdrawal")):
                falls[event["admin2"]] = min(event["date"], falls.get(event["admin2"], "9"))
    with ws.begin() as conn:
        recompute_all(conn, ws.profile)
    with ws.connect() as conn:
        timeline = load_intervals(conn)
    wrong = {}
    for capital, fall in falls.items():
        first = next((iv.start for iv in timeline[capital] if iv.state == "taliban"), None)
        on_fall = interval_on(timeline[capital], D(fall))
        if first != D(fall) or on_fall is None or on_fall.state != "taliban":
            wrong[capital] = f"gold {fall}, first taliban {first}"
    assert falls["AF3401"] == "2021-08-06" and falls["AF1901"] == "2021-08-08"
    assert not wrong, wrong


def test_inferred_units_say_which_rule_set_them_and_on_what(afghan_workspace: Workspace,
                                                            tmp_path: Path) -> None:
    """Through the store, `control`, `explain` and the API: a province reported taken as a
    whole, then the capital's fall and the government's collapse."""
    from fastapi.testclient import TestClient

    from frontlines.api import create_app

    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    reports = {
        "nimroz": ("Nimroz falls", "2021-08-07", [
            area_ev("capture", "taliban", "AF34", "Nimroz", "2021-08-07",
                    "The Taliban captured the whole of Nimroz province on Saturday.",
                    doc="nimroz")]),
        "kabul": ("Kabul falls", "2021-08-15", [
            replace(kabul_falls(), evidence=Evidence("kabul", ENTERED_KABUL, 0, 60),
                    id=None),
            replace(collapse("2021-08-15", doc="kabul"), id=None)]),
    }
    for doc_id, (title, published, found) in reports.items():
        with ws.begin() as conn:
            add_document(conn, Document(id=doc_id, text=title + " " + doc_id * 40,
                                        content_hash=doc_id, title=title, outlet=f"{doc_id}.example",
                                        published=published))
            replace_events(conn, doc_id, found)
            recompute_documents(conn, ws.profile, [doc_id])
    chakhansur = "AF3403"  # a district of Nimroz, not its capital
    on_the_8th = {r["place_id"]: r for r in control_json(ws, "--date", "2021-08-08")}
    assert (on_the_8th[chakhansur]["status"], on_the_8th[chakhansur]["rule"]) == (
        "inferred", "larger-area")
    assert on_the_8th[ZARANJ]["state"] == "government"  # its capital is never inferred
    after = {r["place_id"]: r for r in control_json(ws, "--date", "2021-08-15")}
    assert (after[DOSHI]["state"], after[DOSHI]["rule"]) == ("taliban", "national-collapse")
    # One report, but an admission by the side that lost it: the capital is assessed.
    assert (after[KABUL]["state"], after[KABUL]["status"]) == ("taliban", "assessed")
    story = run_cli("explain", DOSHI, "--date", "2021-08-15", workspace=ws.path).output
    assert "rule: national-collapse" in story and GHANI_FLED in story and ENTERED_KABUL in story
    with TestClient(create_app(ws.path)) as client:
        current = client.get(f"/api/places/{chakhansur}/timeline",
                             params={"date": "2021-08-08"}).json()["current"]
        styles = {s["key"] for s in client.get("/api/meta").json()["styles"]}
    assert current["rule"] == "larger-area" and current["status"] == "inferred"
    assert [e["event_id"] for e in current["evidence"]] == ["nimroz#1"]
    assert {"taliban:inferred", "government:baseline"} <= styles
