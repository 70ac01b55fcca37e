"""The extraction commands over a real workspace: extract, ingest → events, reextract.

Reports here are the project's own short texts; places are real so that the
real boundaries resolve them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from frontlines.store import Workspace

from .conftest import copy_workspace, run_cli

REPORT = """Taliban seize Khakrez district

Published on 30/06/2021 at 10:05

The Taliban took control of Khakrez district in Kandahar province
on Tuesday, said Ahmad Noori, a provincial police spokesman.

Government forces retook Kaldar district of Balkh province on Monday, the defence ministry said.
"""


@pytest.fixture
def ws(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    return copy_workspace(afghan_workspace, tmp_path / "ws")


def test_extract_one_file_as_json(ws: Workspace, tmp_path: Path) -> None:
    report = tmp_path / "khakrez.txt"
    report.write_text(REPORT, encoding="utf-8")
    result = run_cli("extract", str(report), "--format", "json", workspace=ws.path)
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)
    capture = [e for e in events if e["kind"] == "capture"]
    assert capture and capture[0]["admin2"] == "AF2707"
    assert capture[0]["date"] == "2021-06-29" and capture[0]["certainty"] == "confirmed"
    assert {"kind", "actor", "opponent", "place_id", "place_name", "admin1", "admin2", "admin3",
            "geo_precision", "date", "date_precision", "date_basis", "source", "source_side",
            "certainty", "negated", "sentence", "start", "end"} <= set(capture[0])
    recapture = [e for e in events if e["kind"] == "recapture"]
    assert recapture and recapture[0]["admin2"] == "AF2113" and recapture[0]["actor"] == "government"


def test_extract_published_option_dates_an_undated_report(ws: Workspace, tmp_path: Path) -> None:
    report = tmp_path / "undated.txt"
    report.write_text("The Taliban captured Chal district of Takhar province yesterday.\n", encoding="utf-8")
    result = run_cli("extract", str(report), "--published", "2021-07-02", "--format", "json",
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["date"] == "2021-07-01"


def test_extract_a_corpus_as_jsonl(ws: Workspace, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    records = [
        {"id": "r1", "published": "2021-07-05", "text": "The Taliban captured Chal district on Sunday."},
        {"id": "r2", "published": "2021-07-05", "text": "Nothing changed hands anywhere."},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = run_cli("extract", "--corpus", str(corpus), "--format", "jsonl", workspace=ws.path)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["document"] for line in lines] == ["r1", "r2"]
    assert lines[0]["events"][0]["date"] == "2021-07-04"
    assert lines[1]["events"] == []


def test_ingest_stores_events_that_events_lists_and_filters(ws: Workspace, tmp_path: Path) -> None:
    report = tmp_path / "khakrez.txt"
    report.write_text(REPORT, encoding="utf-8")
    assert run_cli("ingest", str(report), workspace=ws.path).exit_code == 0
    everything = json.loads(run_cli("events", "--format", "json", workspace=ws.path).output)
    assert {e["kind"] for e in everything} >= {"capture", "recapture"}
    only_kandahar = json.loads(
        run_cli("events", "--place", "AF27", "--format", "json", workspace=ws.path).output
    )
    assert only_kandahar and all(e["admin1"] == "AF27" for e in only_kandahar)
    government = run_cli("events", "--actor", "government", "--format", "csv", workspace=ws.path)
    rows = list(csv.DictReader(io.StringIO(government.output)))
    assert rows and all(r["actor"] == "government" for r in rows)
    late = json.loads(run_cli("events", "--since", "2021-06-30", "--format", "json",
                              workspace=ws.path).output)
    assert all(e["date"] >= "2021-06-30" for e in late)


def test_reextract_rebuilds_the_same_events(ws: Workspace, tmp_path: Path) -> None:
    report = tmp_path / "khakrez.txt"
    report.write_text(REPORT, encoding="utf-8")
    run_cli("ingest", str(report), workspace=ws.path)
    before = json.loads(run_cli("events", "--format", "json", workspace=ws.path).output)
    result = run_cli("reextract", workspace=ws.path)
    assert result.exit_code == 0 and "re-extracted 1 documents" in result.output
    after = json.loads(run_cli("events", "--format", "json", workspace=ws.path).output)
    assert before == after


def test_another_country_needs_only_another_profile(tmp_path: Path, shared: Path) -> None:
    """Ukraine: its own boundaries, actors and aliases; no line of code changes."""
    from frontlines.extract import extract_document
    from frontlines.models import Document
    from frontlines.places.workspace import add_places, import_boundary_files, load_gazetteer

    ws = Workspace.init(tmp_path / "ua", "ukraine-2022")
    geo = shared / "geo" / "ukraine"
    outcomes = list(import_boundary_files(ws, [geo / "ukr_adm1_oblasts_osm_simplified.zip",
                                               geo / "ukr_adm2_raions_osm_simplified.zip"]))
    assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
    with ws.begin() as conn:
        add_places(conn, ws.profile)
    with ws.connect() as conn:
        gazetteer = load_gazetteer(conn, ws.profile)
    text = ("Russian troops captured Izium on Friday, the Ukrainian General Staff said. "
            "Ukrainian forces liberated Kupiansk a week later.")
    doc = Document(id="ua1", text=text, content_hash="x", published="2022-04-02")
    events = extract_document(doc, gazetteer, ws.profile)
    capture = [e for e in events if e.kind == "capture" and e.actor == "russia"]
    assert capture and capture[0].admin2 == "UA6304" and capture[0].date == "2022-04-01"
    assert capture[0].certainty == "confirmed"
    assert [e for e in events if e.kind == "recapture" and e.actor == "ukraine"]


def test_extract_file_as_jsonl_names_each_document_by_its_id(ws: Workspace, tmp_path: Path) -> None:
    two = tmp_path / "two.jsonl"
    two.write_text("\n".join(json.dumps(r) for r in [
        {"id": "k1", "published": "2021-07-05", "text": "The Taliban captured Chal district on Sunday."},
        {"id": "k2", "published": "2021-07-05", "text": "Nothing changed hands anywhere."},
    ]) + "\n", encoding="utf-8")
    result = run_cli("extract", str(two), "--format", "jsonl", workspace=ws.path)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["document"] for line in lines] == ["k1", "k2"]
    assert lines[0]["events"] and lines[1]["events"] == []
    report = tmp_path / "khakrez.txt"
    report.write_text(REPORT, encoding="utf-8")
    (line,) = run_cli("extract", str(report), "--format", "jsonl", workspace=ws.path).output.splitlines()
    single = json.loads(line)
    assert single["document"] != "khakrez.txt" and single["document"].startswith("d")
    assert {e["document"] for e in single["events"]} == {single["document"]}


@pytest.mark.parametrize("value", ["garbage", "2021-02-30", "30/06/2021"])
def test_a_bad_published_option_is_a_usage_error_naming_it(ws: Workspace, tmp_path: Path,
                                                           value: str) -> None:
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    result = run_cli("extract", str(report), "--published", value, workspace=ws.path)
    assert result.exit_code == 2
    assert "Invalid value for '--published'" in result.output and "YYYY-MM-DD" in result.output
    assert "isoformat" not in result.output


def test_published_is_only_used_when_the_report_has_no_date(ws: Workspace, tmp_path: Path) -> None:
    help_text = run_cli("extract", "--help").output
    assert "lack a date" in help_text
    report = tmp_path / "dated.txt"
    report.write_text(REPORT, encoding="utf-8")  # published 30/06/2021 on the page
    result = run_cli("extract", str(report), "--published", "2021-08-01T10:00", "--format",
                     "json", workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert "2021-06-29" in {e["date"] for e in json.loads(result.output)}


def test_corpus_problems_are_one_line_each_on_stderr_and_fail_the_run(
        ws: Workspace, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join([
        json.dumps({"id": "r1", "published": "2021-07-05",
                    "text": "The Taliban captured Chal district on Sunday."}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "r3", "title": "no text"}),
        json.dumps({"id": "r4", "published": "2021-07-05", "text": "Nothing happened."}),
    ]) + "\n", encoding="utf-8")
    result = run_cli("extract", "--corpus", str(corpus), "--format", "jsonl", workspace=ws.path)
    assert result.exit_code == 1
    assert [json.loads(line)["document"] for line in result.stdout.splitlines()] == ["r1", "r4"]
    first, second = result.stderr.splitlines()
    assert first.startswith(f"error: {corpus}:2: malformed JSON line: ")
    assert second == f"error: {corpus}:3: record without text"


def test_extract_of_an_unreadable_file_fails_with_its_reason(ws: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run_cli("extract", str(empty), "--format", "json", workspace=ws.path)
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr.strip() == f"error: {empty}: empty file"


@pytest.mark.parametrize(("args", "option"), [
    (("--since", "garbage"), "--since"),
    (("--until", "2021-06-31"), "--until"),
    (("--kind", "nonsense"), "--kind"),
    (("--actor", "martians"), "--actor"),
    (("--place", "XX99"), "--place"),
])
def test_events_filters_are_validated(ws: Workspace, args: tuple[str, ...], option: str) -> None:
    result = run_cli("events", *args, "--format", "json", workspace=ws.path)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for {option}:" in result.output
    assert result.stdout == ""  # never a silent []


def test_worker_processes_give_a_corpus_the_same_lines_in_the_same_order(
        ws: Workspace, tmp_path: Path) -> None:
    """`extract --corpus` spreads chunks over worker processes (a real pool) and
    prints what they find in file order: the same as extracting here."""
    corpus = tmp_path / "c.jsonl"
    towns = ["Chal", "Nawa", "Kunduz", "Ghazni", "Zaranj"]
    records = [
        {"id": f"r{n:02}", "published": "2021-07-05",
         "text": f"The Taliban captured {towns[n % 5]} on Sunday." if n % 3 else "Nothing changed hands."}
        for n in range(40)
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    here = run_cli("extract", "--corpus", str(corpus), "--format", "jsonl", "--workers", "0",
                   workspace=ws.path)
    pooled = run_cli("extract", "--corpus", str(corpus), "--format", "jsonl", "--workers", "2",
                     workspace=ws.path)
    assert here.exit_code == 0 and pooled.exit_code == 0, pooled.output
    assert [json.loads(line)["document"] for line in pooled.output.splitlines()] == [r["id"] for r in records]
    assert pooled.output == here.output
    assert sum(bool(json.loads(line)["events"]) for line in here.output.splitlines()) >= 20
