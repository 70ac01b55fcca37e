"""Scoring extracted events against gold, as ../shared/eval/README.md specifies it.

Every gold and prediction set here is small and written for the test, so each
test states one rule of the scoring.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.evaluate import (
    EvalError,
    EventRef,
    GoldReport,
    can_pair,
    dates_agree,
    dates_within_one_day,
    format_text,
    gold_report,
    gold_to_predictions,
    load_gold,
    load_predictions,
    match_report,
    predicted_event,
    score,
    score_files,
)
from frontlines.models import Event, Evidence

from .conftest import run_cli


def gold_event(
    kind: str = "capture",
    actor: str = "taliban",
    admin1: str = "AF19",
    admin2: str | None = "AF1905",
    admin3: str | None = None,
    date: str | None = "2021-06-21",
    certainty: str = "confirmed",
    place: str = "Imam Sahib",
    quote: str = "The Taliban captured Imam Sahib district.",
) -> dict[str, Any]:
    event = {
        "kind": kind, "actor": actor, "place": place, "place_type": "district",
        "admin1": admin1, "admin2": admin2, "date": date, "date_basis": "relative",
        "certainty": certainty, "source": "police spokesman", "quote": quote,
    }
    if admin3 is not None:
        event["admin3"] = admin3
    return event


def predicted(
    kind: str = "capture",
    actor: str = "taliban",
    admin1: str | None = "AF19",
    admin2: str | None = "AF1905",
    admin3: str | None = None,
    date: str | None = "2021-06-21",
    certainty: str = "confirmed",
    place_id: str | None = None,
    sentence: str = "The Taliban captured Imam Sahib district.",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "kind": kind, "actor": actor, "place_id": place_id or admin3 or admin2 or admin1,
        "place_name": "Imam Sahib", "admin1": admin1, "admin2": admin2, "admin3": admin3,
        "date": date, "certainty": certainty, "sentence": sentence, "negated": False, **extra,
    }


def gold_of(*reports: tuple[str, list[dict[str, Any]]]) -> dict[str, GoldReport]:
    """Gold reports through the loader's own checks, without a file."""
    return {rid: gold_report({"id": rid, "events": events}) for rid, events in reports}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- pairing rules --------------------------------------------------------------


def test_perfect_predictions_score_one() -> None:
    gold = gold_of(("r1", [gold_event(), gold_event(kind="siege", admin2="AF1901")]))
    report = score(gold, {"r1": [predicted(), predicted(kind="siege", admin2="AF1901")]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (2, 0, 0)
    assert report.overall.precision == report.overall.recall == report.overall.f1 == 1.0
    assert report.date_accuracy == report.certainty_accuracy == 1.0
    assert report.misses == [] and report.false_alarms == []


@pytest.mark.parametrize(
    "wrong",
    [
        {"actor": "government"},
        {"kind": "clash"},
        {"admin2": "AF1906"},
        {"admin1": "AF09", "admin2": "AF0905"},
    ],
    ids=["actor", "kind", "admin2", "province"],
)
def test_a_wrong_kind_actor_or_place_is_one_false_alarm_and_one_miss(
    wrong: dict[str, str],
) -> None:
    gold = gold_of(("r1", [gold_event()]))
    report = score(gold, {"r1": [predicted(**wrong)]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (0, 1, 1)
    assert report.overall.f1 == 0.0
    assert report.misses[0].report == "r1" and report.false_alarms[0].report == "r1"


def test_province_level_gold_pairs_with_any_place_in_that_province() -> None:
    gold = gold_of(("r1", [gold_event(admin2=None, place="Kunduz province")]))
    assert score(gold, {"r1": [predicted(admin2="AF1906")]}).overall.tp == 1
    assert score(gold, {"r1": [predicted(admin2=None)]}).overall.tp == 1
    assert score(gold, {"r1": [predicted(admin1="AF09", admin2="AF0906")]}).overall.tp == 0


def test_a_province_level_prediction_does_not_pair_with_district_gold() -> None:
    gold = gold_of(("r1", [gold_event(admin2="AF1905")]))
    report = score(gold, {"r1": [predicted(admin2=None)]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (0, 1, 1)


def test_admin3_gold_needs_the_same_admin3() -> None:
    ukraine = {"admin1": "UA14", "admin2": "UA1412"}
    gold = gold_of(("r1", [gold_event(**ukraine, admin3="UA1412003")]))
    assert score(gold, {"r1": [predicted(**ukraine, admin3="UA1412003")]}).overall.tp == 1
    other_hromada = score(gold, {"r1": [predicted(**ukraine, admin3="UA1412005")]})
    assert (other_hromada.overall.fp, other_hromada.overall.fn) == (1, 1)
    # Same raion is not enough when gold names the hromada.
    assert score(gold, {"r1": [predicted(**ukraine)]}).overall.tp == 0


def test_place_id_stands_in_for_a_missing_admin_field() -> None:
    gold = gold_of(("r1", [gold_event()]))
    bare = {"kind": "capture", "actor": "taliban", "place_id": "AF1905"}
    assert score(gold, {"r1": [bare]}).overall.tp == 1


def test_other_gold_events_are_not_scored() -> None:
    gold = gold_of(("r1", [gold_event(kind="other"), gold_event(admin2="AF1906")]))
    report = score(gold, {"r1": [predicted(admin2="AF1906")]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 0, 0)
    assert "other" not in report.per_kind
    assert report.not_scored == {"gold_other": 1}
    # A capture predicted where gold only has an ambiguous `other` is still a false alarm.
    alarm = score(gold, {"r1": [predicted(admin2="AF1906"), predicted()]})
    assert (alarm.overall.tp, alarm.overall.fp) == (1, 1)


def test_negated_and_other_predictions_are_not_scored_but_counted() -> None:
    gold = gold_of(("r1", [gold_event()]))
    report = score(
        gold,
        {"r1": [predicted(), predicted(admin2="AF1901", negated=True), predicted(kind="other")]},
    )
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 0, 0)
    assert report.not_scored == {"predicted_negated": 1, "predicted_other": 1}


def test_the_same_claim_predicted_twice_is_one_true_and_one_false_event() -> None:
    gold = gold_of(("r1", [gold_event()]))
    report = score(gold, {"r1": [predicted(), predicted()]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 1, 0)
    assert report.overall.precision == 0.5 and report.overall.recall == 1.0


def test_reports_are_scored_separately() -> None:
    """Copies of one wire story are separate reports: a pair never crosses reports."""
    gold = gold_of(("r1", [gold_event()]), ("r2", []))
    report = score(gold, {"r1": [], "r2": [predicted()]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (0, 1, 1)


def test_a_kind_missing_from_gold_counts_as_false_alarms() -> None:
    gold = gold_of(("r1", [gold_event()]))
    report = score(gold, {"r1": [predicted(), predicted(kind="handover")]})
    assert report.per_kind["handover"].fp == 1
    assert report.per_kind["handover"].precision == 0.0


def test_predictions_may_lack_fields() -> None:
    gold = gold_of(("r1", [gold_event()]))
    report = score(gold, {"r1": [{}, {"kind": "capture"}, {"actor": None, "date": "garbage"}]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (0, 3, 1)
    assert "(missing)" in report.per_kind
    format_text(report)  # must not crash on holes either


# --- maximum matching -------------------------------------------------------------


def test_maximum_matching_beats_pairing_in_order() -> None:
    """Greedy pairing would give the Imam Sahib prediction to the province-level
    gold event (listed first) and leave the district gold event unpaired."""
    gold = gold_of(
        ("r1", [gold_event(admin2=None, place="Kunduz"), gold_event(admin2="AF1905")])
    )
    preds = [predicted(admin2="AF1905"), predicted(admin2="AF1906")]
    greedy: list[int] = []
    golds = list(gold["r1"].events)
    refs = [predicted_event("r1", i, p) for i, p in enumerate(preds)]
    taken: set[int] = set()
    for ref in refs:
        for g, gold_ref in enumerate(golds):
            if g not in taken and can_pair(gold_ref, ref):
                taken.add(g)
                greedy.append(g)
                break
    assert len(greedy) == 1  # the trap is real
    report = score(gold, {"r1": preds})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (2, 0, 0)


def test_among_equal_matchings_pairs_with_agreeing_dates_are_preferred() -> None:
    gold = gold_of(
        ("r1", [gold_event(date="2021-06-20", certainty="claimed"),
                gold_event(date="2021-07-01", certainty="confirmed")])
    )
    preds = [predicted(date="2021-07-01", certainty="claimed"),
             predicted(date="2021-06-20", certainty="confirmed")]
    report = score(gold, {"r1": preds})
    assert report.overall.tp == 2
    assert report.date_accuracy == 1.0  # dates outrank certainty as the tie-breaker
    assert report.certainty_accuracy == 0.0


def test_among_equal_date_agreement_certainty_decides() -> None:
    gold = gold_of(("r1", [gold_event(certainty="claimed"), gold_event(certainty="confirmed")]))
    preds = [predicted(certainty="confirmed"), predicted(certainty="claimed")]
    assert score(gold, {"r1": preds}).certainty_accuracy == 1.0


# --- dates and certainty ------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_date", "pred_date", "agree", "within"),
    [
        ("2021-06-21", "2021-06-21", True, True),
        ("2021-06-21", "2021-06-20", False, True),
        ("2021-06-21", "2021-06-22", False, True),
        ("2021-06-21", "2021-06-23", False, False),
        ("2021-06-30", "2021-07-01", False, True),
        (None, None, True, True),
        (None, "2021-06-21", False, False),
        ("2021-06-21", None, False, False),
    ],
)
def test_date_agreement_and_within_one_day(
    gold_date: str | None, pred_date: str | None, agree: bool, within: bool
) -> None:
    gold = gold_of(("r1", [gold_event(date=gold_date)]))
    report = score(gold, {"r1": [predicted(date=pred_date)]})
    assert report.overall.tp == 1  # a wrong date never prevents the pair
    assert report.date_accuracy == float(agree)
    assert report.date_within_one_day == float(within)
    assert len(report.date_disagreements) == (0 if agree else 1)
    ref_g, ref_p = report.pairs[0].gold, report.pairs[0].predicted
    assert dates_agree(ref_g, ref_p) is agree and dates_within_one_day(ref_g, ref_p) is within


def test_date_and_certainty_accuracies_are_shares_of_pairs() -> None:
    gold = gold_of(
        ("r1", [gold_event(admin2=f"AF190{i}", certainty="reported") for i in range(1, 5)])
    )
    preds = [
        predicted(admin2="AF1901", certainty="reported"),
        predicted(admin2="AF1902", certainty="claimed", date="2021-06-22"),
        predicted(admin2="AF1903", certainty="reported", date="2021-06-25"),
        predicted(admin2="AF1904", certainty="unverified"),
        predicted(admin2="AF1906"),  # false alarm: not in the denominators
    ]
    report = score(gold, {"r1": preds})
    assert len(report.pairs) == 4
    assert report.date_accuracy == 0.5
    assert report.date_within_one_day == 0.75
    assert report.certainty_accuracy == 0.5
    assert [p.predicted.certainty for p in report.certainty_disagreements] == [
        "claimed", "unverified",
    ]


def test_accuracies_are_none_without_pairs() -> None:
    report = score(gold_of(("r1", [gold_event()])), {"r1": []})
    assert report.date_accuracy is None and report.certainty_accuracy is None
    assert report.overall.precision == 1.0 and report.overall.recall == 0.0
    assert report.overall.f1 == 0.0


# --- per kind ---------------------------------------------------------------------


def test_per_kind_figures() -> None:
    gold = gold_of(
        ("r1", [gold_event(), gold_event(admin2="AF1906"), gold_event(kind="siege",
                                                                       admin2="AF1901")]),
        ("r2", [gold_event(kind="recapture", actor="government")]),
    )
    report = score(
        gold,
        {
            "r1": [predicted(), predicted(kind="siege", admin2="AF1901"),
                   predicted(kind="siege", admin2="AF1902")],
            "r2": [predicted(kind="recapture", actor="government")],
        },
    )
    capture, siege, recapture = (report.per_kind[k] for k in ("capture", "siege", "recapture"))
    assert (capture.tp, capture.fp, capture.fn) == (1, 0, 1)
    assert capture.recall == 0.5 and capture.precision == 1.0
    assert (siege.tp, siege.fp, siege.fn) == (1, 1, 0)
    assert siege.precision == 0.5 and siege.f1 == pytest.approx(2 / 3)
    assert (recapture.tp, recapture.fp, recapture.fn) == (1, 0, 0)
    assert list(report.per_kind) == ["capture", "recapture", "siege"]
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (3, 1, 1)


# --- inputs ----------------------------------------------------------------------


def test_predictions_for_unknown_reports_are_ignored_with_a_warning() -> None:
    gold = gold_of(("r1", [gold_event()]), ("r2", [gold_event()]))
    report = score(gold, {"r1": [predicted()], "zz": [predicted()]})
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 0, 1)
    assert any("zz" in w and "not in the gold" in w for w in report.warnings)
    assert any("r2" in w and "no predictions" in w for w in report.warnings)


def test_events_and_pairs_of_ids_are_accepted(tmp_path: Path) -> None:
    gold_path = write_jsonl(tmp_path / "gold.jsonl", [{"id": "r1", "events": [gold_event()]}])
    event = Event(
        kind="capture", actor="taliban", place_id="AF1905", place_name="Imam Sahib",
        evidence=Evidence("r1", "The Taliban captured Imam Sahib.", 0, 31),
        admin1="AF19", admin2="AF1905", date="2021-06-21", certainty="confirmed",
    )
    assert score_files(iter([("r1", [event])]), gold_path).overall.f1 == 1.0
    preds_path = write_jsonl(tmp_path / "p.jsonl", [{"document": "r1", "events": [predicted()]}])
    assert score_files(preds_path, gold_path).overall.f1 == 1.0
    assert score_files(str(preds_path), str(gold_path)).overall.f1 == 1.0


def test_a_report_predicted_twice_is_an_error(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [{"document": "r1", "events": []}, {"document": "r1", "events": []}],
    )
    with pytest.raises(EvalError, match=r"p\.jsonl:2: .*'r1'.*line 1"):
        load_predictions(path)
    with pytest.raises(EvalError, match="twice"):
        score(gold_of(("r1", [])), iter([("r1", []), ("r1", [])]))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["r2"]', "expected a JSON object"),
        ('{"events": []}', "missing report 'id'"),
        ('{"id": "r2", "events": {}}', "'events' must be a list"),
        ('{"id": "r2", "events": [{"kind": "captured", "actor": "taliban", "admin1": "AF19"}]}',
         r"events\[0\]\.kind 'captured'"),
        ('{"id": "r2", "events": [{"kind": "capture", "actor": "taliban"}]}', "has no admin1"),
        ('{"id": "r2", "events": [{"kind": "siege", "admin1": "AF19"}]}', "has no actor"),
        ('{"id": "r2", "events": [{"kind": "capture", "actor": "taliban", "admin1": "AF19", '
         '"date": "21 June"}]}', "not a YYYY-MM-DD date"),
        ('{"id": "r2", "events": [{"kind": "capture", "actor": "taliban", "admin1": 19}]}',
         "admin1 must be a string"),
        ('{"id": "r1", "events": []}', "'r1' already given on line 1"),
    ],
)
def test_a_malformed_gold_line_names_file_and_line(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "gold.jsonl"
    good = json.dumps({"id": "r1", "events": [gold_event()]})
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(EvalError, match=rf"gold\.jsonl:3: .*{message}"):
        load_gold(path)


def test_gold_other_events_need_no_place(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": "r1", "events": [{"kind": "other"}], "notes": "x"}]
    )
    gold = load_gold(path)
    assert gold["r1"].notes == "x" and gold["r1"].events[0].kind == "other"


def test_unreadable_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="cannot read"):
        load_gold(tmp_path / "missing.jsonl")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"id": "caf\xe9", "events": []}\n')
    with pytest.raises(EvalError, match="not UTF-8"):
        load_gold(tmp_path / "latin1.jsonl")


# --- output ----------------------------------------------------------------------


@pytest.fixture
def scored_files(tmp_path: Path) -> tuple[Path, Path]:
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"id": "r1", "notes": "Imam Sahib fell on Monday.", "events": [
                gold_event(),
                gold_event(admin2="AF1906", place="Dasht-e-Archi",
                           quote="Dasht-e-Archi district also fell."),
            ]},
            {"id": "r2", "events": [gold_event(kind="siege", admin2="AF1901", place="Kunduz",
                                               date="2021-06-22", certainty="reported")]},
        ],
    )
    preds = write_jsonl(
        tmp_path / "pred.jsonl",
        [
            {"document": "r1", "events": [
                predicted(date="2021-06-19"),
                predicted(kind="clash", admin2="AF1906",
                          sentence="Fighting raged near Dasht-e-Archi.",
                          explanation="trigger 'fighting'"),
            ]},
            {"document": "r2", "events": [predicted(kind="siege", admin2="AF1901",
                                                    date="2021-06-22", certainty="claimed")]},
        ],
    )
    return gold, preds


def test_text_output_shows_scores_misses_and_false_alarms(
    scored_files: tuple[Path, Path],
) -> None:
    gold, preds = scored_files
    result = run_cli("evaluate", "--predictions", str(preds), "--gold", str(gold))
    assert result.exit_code == 0, result.output
    out = result.output
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    assert overall.split() == ["overall", "3", "3", "2", "1", "1", "0.667", "0.667", "0.667"]
    assert any(line.startswith("clash") for line in out.splitlines())
    assert "date accuracy" in out and "(1/2)" in out
    assert "certainty accuracy" in out
    assert "[r1] 1 missed, 1 false" in out
    assert "gold notes: Imam Sahib fell on Monday." in out
    assert '"Dasht-e-Archi district also fell."' in out  # the miss, with its quote
    assert '"Fighting raged near Dasht-e-Archi."' in out  # the false alarm, with its sentence
    assert "same place as missed gold: capture by taliban" in out
    assert "why: trigger 'fighting'" in out
    assert "gold 2021-06-21 (relative), predicted 2021-06-19" in out
    assert "off by -2 day(s)" in out
    assert "gold reported" in out and "predicted claimed" in out
    # Sections come in reading order: scores, misses/false alarms, dates, certainty.
    order = [out.index(s) for s in ("overall", "== Misses", "== Date", "== Certainty")]
    assert order == sorted(order)


def test_json_output(scored_files: tuple[Path, Path]) -> None:
    gold, preds = scored_files
    result = run_cli(
        "evaluate", "--predictions", str(preds), "--gold", str(gold), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"] == {
        "gold": 3, "predicted": 3, "tp": 2, "fp": 1, "fn": 1,
        "precision": pytest.approx(2 / 3), "recall": pytest.approx(2 / 3),
        "f1": pytest.approx(2 / 3),
    }
    assert data["per_kind"]["siege"]["tp"] == 1 and data["per_kind"]["clash"]["fp"] == 1
    assert data["pairs"] == 2
    assert data["date_accuracy"] == 0.5 and data["date_within_one_day"] == 0.5
    assert data["certainty_accuracy"] == 0.5
    assert data["misses"][0]["report"] == "r1"
    assert data["misses"][0]["evidence"] == "Dasht-e-Archi district also fell."
    assert data["false_alarms"][0]["evidence"] == "Fighting raged near Dasht-e-Archi."
    assert data["date_disagreements"][0]["date_delta_days"] == -2
    assert data["certainty_disagreements"][0]["predicted"]["certainty"] == "claimed"


def test_cli_needs_exactly_one_source_of_predictions(scored_files: tuple[Path, Path]) -> None:
    gold, preds = scored_files
    neither = run_cli("evaluate", "--gold", str(gold))
    assert neither.exit_code == 2 and "exactly one of --corpus and --predictions" in neither.output
    both = run_cli("evaluate", "--gold", str(gold), "--predictions", str(preds),
                   "--corpus", str(preds))
    assert both.exit_code == 2


def test_cli_reports_a_malformed_gold_line(tmp_path: Path,
                                           scored_files: tuple[Path, Path]) -> None:
    _, preds = scored_files
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "r1", "events": []}\n{"id": "r2"\n', encoding="utf-8")
    result = run_cli("evaluate", "--predictions", str(preds), "--gold", str(bad))
    assert result.exit_code == 1
    assert "bad.jsonl:2: not valid JSON" in result.output


def test_cli_corpus_mode_needs_a_workspace(tmp_path: Path,
                                           scored_files: tuple[Path, Path]) -> None:
    gold, _ = scored_files
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [{"id": "r1", "text": "x"}])
    result = run_cli("evaluate", "--corpus", str(corpus), "--gold", str(gold),
                     workspace=tmp_path / "nowhere")
    assert result.exit_code == 1 and "not a frontlines workspace" in result.output


# --- properties ------------------------------------------------------------------

KINDS = ("capture", "siege", "recapture", "other")
ACTORS = ("taliban", "government")
DISTRICTS = ("AF1901", "AF1905", None)
DATES = ("2021-06-20", "2021-06-21", "2021-06-23", None)
CERTAINTIES = ("confirmed", "claimed")

gold_events = st.builds(
    gold_event,
    kind=st.sampled_from(KINDS),
    actor=st.sampled_from(ACTORS),
    admin2=st.sampled_from(DISTRICTS),
    date=st.sampled_from(DATES),
    certainty=st.sampled_from(CERTAINTIES),
)
predicted_events = st.builds(
    predicted,
    kind=st.sampled_from(KINDS[:3]),
    actor=st.sampled_from(ACTORS),
    admin2=st.sampled_from(DISTRICTS),
    date=st.sampled_from(DATES),
    certainty=st.sampled_from(CERTAINTIES),
)
report_ids = st.sampled_from(("r1", "r2", "r3"))


@settings(max_examples=150, deadline=None)
@given(
    gold=st.dictionaries(report_ids, st.lists(gold_events, max_size=6), max_size=3),
    preds=st.dictionaries(report_ids, st.lists(predicted_events, max_size=6), max_size=3),
)
def test_scores_are_ratios_and_gold_scores_perfectly_against_itself(
    gold: dict[str, list[dict[str, Any]]], preds: dict[str, list[dict[str, Any]]]
) -> None:
    reports = gold_of(*gold.items())
    report = score(reports, preds)
    for s in (report.overall, *report.per_kind.values()):
        assert 0.0 <= s.precision <= 1.0 and 0.0 <= s.recall <= 1.0 and 0.0 <= s.f1 <= 1.0
    for value in (report.date_accuracy, report.date_within_one_day, report.certainty_accuracy):
        assert value is None or 0.0 <= value <= 1.0
    assert report.overall.tp + report.overall.fn == sum(
        e["kind"] != "other" for events in gold.values() for e in events
    )

    itself = score(reports, gold_to_predictions(reports))
    assert itself.overall.f1 == 1.0
    assert itself.misses == [] and itself.false_alarms == []
    assert itself.date_accuracy in (None, 1.0) and itself.certainty_accuracy in (None, 1.0)
    format_text(report)


def _best_by_brute_force(gold: list[EventRef], preds: list[EventRef]) -> tuple[int, ...]:
    """The lexicographically best (pairs, exact dates, near dates, certainty) over all matchings."""
    best = (0, 0, 0, 0)
    for size in range(min(len(gold), len(preds)), 0, -1):
        for gs in itertools.combinations(range(len(gold)), size):
            for ps in itertools.permutations(range(len(preds)), size):
                pairs = list(zip(gs, ps, strict=True))
                if all(can_pair(gold[g], preds[p]) for g, p in pairs):
                    best = max(best, _quality(gold, preds, pairs))
        if best[0]:
            return best
    return best


def _quality(gold: list[EventRef], preds: list[EventRef],
             pairs: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    return (
        len(pairs),
        sum(dates_agree(gold[g], preds[p]) for g, p in pairs),
        sum(dates_within_one_day(gold[g], preds[p]) for g, p in pairs),
        sum(gold[g].certainty == preds[p].certainty for g, p in pairs),
    )


@settings(max_examples=200, deadline=None)
@given(
    gold=st.lists(gold_events.filter(lambda e: e["kind"] != "other"), max_size=5),
    preds=st.lists(predicted_events, max_size=5),
)
def test_matching_is_the_best_possible(
    gold: list[dict[str, Any]], preds: list[dict[str, Any]]
) -> None:
    gold_refs = list(gold_of(("r", gold))["r"].events)
    pred_refs = [predicted_event("r", i, p) for i, p in enumerate(preds)]
    pairs = match_report(gold_refs, pred_refs)
    assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
    assert all(can_pair(gold_refs[g], pred_refs[p]) for g, p in pairs)
    assert _quality(gold_refs, pred_refs, pairs) == _best_by_brute_force(gold_refs, pred_refs)


def test_unreadable_corpus_lines_are_reported_and_fail_the_run(afghan_workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import run_cli

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "r1", "published": "2021-07-05", "text": "The Taliban captured Chal district of Takhar province on Sunday."}\n'
        "{not json\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "r1", "events": []}\n', encoding="utf-8")
    result = run_cli("evaluate", "--corpus", str(corpus), "--gold", str(gold),
                     workspace=afghan_workspace.path)
    assert result.exit_code == 1
    assert "corpus.jsonl:2" in result.output
