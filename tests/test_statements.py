"""Area statements ("the Taliban control 10 of Badakhshan's 28 districts"): stored with their
evidence in the document's transaction, replaced on re-extraction, shown by `summary`, by
`GET /api/statements` and in the web app's province view, never painted onto units.

The statements come from small registered test extractors that return hand-made ones, so
these tests specify the pipeline, the store and the outputs, not the extractor's reading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.extract import register
from frontlines.extract.staged import StagedExtractor
from frontlines.models import Document, Event, Evidence, Statement
from frontlines.pipeline import reextract_all
from frontlines.store import (
    Workspace,
    add_document,
    get_document,
    query_statements,
    replace_statements,
)

from .conftest import copy_workspace, run_cli

BADAKHSHAN = "AF17"
REPORT = (
    "Badakhshan under pressure\n\nPublished 2021-07-12\n\n"
    "The Taliban now control 10 of Badakhshan's 28 districts, a provincial council member said "
    "on Sunday. Across Afghanistan, the group claims 85 percent of the territory.\n"
)


def _said(doc: Document, needle: str, **fields: Any) -> Statement:
    start = doc.text.index(needle)
    return Statement(evidence=Evidence(doc.id, needle, start, start + len(needle)),
                     extractor="test-statements.v1", **fields)


class _WithStatements(StagedExtractor):
    """staged.v1's events, and two statements of our own for every report."""

    name = "test-statements.v1"

    def extract_statements(self, documents: Sequence[Document],
                           config: Any = None) -> list[list[Statement]]:
        return [[
            _said(doc, "The Taliban now control 10 of Badakhshan's 28 districts", actor="taliban",
                  area_id=BADAKHSHAN, area_name="Badakhshan", count=10, total=28,
                  unit_word="districts", date="2021-07-11", date_basis="relative",
                  source="a provincial council member", source_side="government",
                  certainty="confirmed"),
            _said(doc, "the group claims 85 percent of the territory", actor="taliban",
                  percent=85.0, unit_word="territory", source="the group",
                  source_side="taliban", certainty="claimed"),  # no date: its report's
        ] for doc in documents]


class _FewerStatements(_WithStatements):
    name = "test-statements-again.v1"

    def extract_statements(self, documents: Sequence[Document],
                           config: Any = None) -> list[list[Statement]]:
        return [found[:1] for found in super().extract_statements(documents, config)]


class _EventsOnly:
    """An extractor with no `extract_statements` at all (the method is optional)."""

    name = "test-events-only.v1"

    def __init__(self, gazetteer: Any, profile: Any):
        self.inner = StagedExtractor(gazetteer, profile)

    def extract_batch(self, documents: Sequence[Document], config: Any = None) -> list[list[Event]]:
        return self.inner.extract_batch(documents, config)


register("test-statements.v1")(lambda gazetteer, profile: _WithStatements(gazetteer, profile))
register("test-statements-again.v1")(
    lambda gazetteer, profile: _FewerStatements(gazetteer, profile))
register("test-events-only.v1")(lambda gazetteer, profile: _EventsOnly(gazetteer, profile))


@pytest.fixture
def ws(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    assert run_cli("init", "--extractor", "test-statements.v1", workspace=ws.path).exit_code == 0
    report = tmp_path / "badakhshan.txt"
    report.write_text(REPORT, encoding="utf-8")
    result = run_cli("ingest", str(report), workspace=ws.path)
    assert result.exit_code == 0, result.output
    return ws


def _stored(ws: Workspace) -> list[Statement]:
    with ws.connect() as conn:
        return [s for s, _ in query_statements(conn)]


def test_statements_are_stored_with_their_evidence(ws: Workspace) -> None:
    found = _stored(ws)
    assert [(s.area_id, s.count, s.total, s.percent) for s in found] == [
        (BADAKHSHAN, 10, 28, None), (None, None, None, 85.0)]
    districts, country = found
    assert districts.evidence.sentence.startswith("The Taliban now control 10")
    with ws.connect() as conn:
        text = get_document(conn, districts.evidence.document_id).text  # type: ignore[union-attr]
    assert text[districts.evidence.start:districts.evidence.end] == districts.evidence.sentence
    assert districts.id and districts.id.endswith("#s1")
    # A statement without a date of its own is as of its report's publication day.
    assert (country.date, country.date_basis) == ("2021-07-12", "publication")


def test_statements_are_never_painted_onto_units(ws: Workspace) -> None:
    result = run_cli("control", "--date", "2021-07-20", "--format", "json", workspace=ws.path)
    rows = [r for r in json.loads(result.output) if r["admin1"] == BADAKHSHAN]
    assert rows and {(r["state"], r["status"]) for r in rows} == {("government", "baseline")}


def test_summary_shows_the_statements_as_of_its_day(ws: Workspace) -> None:
    table = run_cli("summary", "--date", "2021-07-20", workspace=ws.path).output
    assert "What reports say of whole areas, as of 2021-07-20" in table
    assert "Taliban: 10 of 28 districts in Badakhshan — a provincial council member" in table
    assert "Taliban: 85% of the territory — the group" in table
    early = json.loads(run_cli("summary", "--date", "2021-07-11", "--format", "json",
                               workspace=ws.path).output)
    assert [s["text"] for s in early["statements"]] == [
        "Taliban: 10 of 28 districts in Badakhshan"]  # the other is dated the 12th


def test_the_api_lists_statements_by_day_range_and_area(ws: Workspace) -> None:
    with TestClient(create_app(ws.path)) as client:
        as_of = client.get("/api/statements", params={"date": "2021-07-20"}).json()
        province = client.get("/api/statements",
                              params={"date": "2021-07-20", "area": BADAKHSHAN}).json()
        country = client.get("/api/statements", params={"area": "AF"}).json()
        ranged = client.get("/api/statements", params={"since": "2021-07-12"}).json()
        unknown = client.get("/api/statements", params={"area": "Atlantis"})
        both = client.get("/api/statements", params={"date": "2021-07-20", "since": "2021-07-01"})
        summary = client.get("/api/summary", params={"date": "2021-07-20"}).json()
    assert len(as_of) == 2 and as_of[0]["outlet"] is None and as_of[0]["document"]
    assert [s["count"] for s in province] == [10]
    assert [s["percent"] for s in country] == [85.0]
    assert [s["percent"] for s in ranged] == [85.0]
    assert unknown.status_code == 404 and both.status_code == 400
    assert len(summary["statements"]) == 2


def test_reextraction_replaces_a_documents_statements(ws: Workspace) -> None:
    reextract_all(ws, "test-statements-again.v1")
    assert [s.count for s in _stored(ws)] == [10]
    reextract_all(ws, "test-events-only.v1")  # an extractor that reads none stores none
    assert _stored(ws) == []


def test_statements_go_with_their_document_and_bad_ones_are_refused(ws: Workspace) -> None:
    doc = Document(id="other", text="Some text about Badakhshan.", content_hash="other")
    bad = Statement(actor="taliban", evidence=Evidence("other", "Some text", 0, 9),
                    probability=1.5)
    with pytest.raises(ValueError, match="not between 0 and 1"), ws.begin() as conn:
        add_document(conn, doc)
        replace_statements(conn, "other", [bad])
    with ws.begin() as conn:
        conn.exec_driver_sql("DELETE FROM documents")
    assert _stored(ws) == []
