"""Extraction over the store: stable event ids, re-extraction, gazetteer changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from frontlines.extract import register
from frontlines.extract.staged import StagedExtractor
from frontlines.models import Document, Event, Evidence
from frontlines.pipeline import reextract_all
from frontlines.store import Workspace, query_events
from frontlines.timeline_store import reject_event

from .conftest import copy_workspace, run_cli

REPORT = (
    "Khan Abad district falls\n\n"
    "Published on 29/06/2021 at 10:05\n\n"
    "The Taliban captured Khan Abad district of Kunduz province on Monday, a provincial "
    "council member said.\n"
)


class _EarlierClashFirst(StagedExtractor):
    """A changed extractor: it finds one more event, placed before the others."""

    name = "test-earlier-clash.v1"

    def extract_batch(self, documents: Sequence[Document], config: Any = None) -> list[list[Event]]:
        found = super().extract_batch(documents, config)
        return [
            [Event(kind="clash", actor="taliban", place_id="AF1901", place_name="Kunduz",
                   admin1="AF19", admin2="AF1901", evidence=Evidence(doc.id, doc.text[:10], 0, 10)),
             *events]
            for doc, events in zip(documents, found, strict=True)
        ]


register("test-earlier-clash.v1")(lambda gazetteer, profile: _EarlierClashFirst(gazetteer, profile))


@pytest.fixture
def ws(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    report = tmp_path / "khan-abad.txt"
    report.write_text(REPORT, encoding="utf-8")
    assert run_cli("ingest", str(report), workspace=ws.path).exit_code == 0
    return ws


def _capture_ids(ws: Workspace) -> list[str]:
    with ws.connect() as conn:
        return [e.id or "" for e in query_events(conn, kind="capture", place="AF1904")]


def test_a_decision_stays_on_its_claim_when_extraction_changes(ws: Workspace) -> None:
    [capture] = _capture_ids(ws)
    with ws.begin() as conn:
        reject_event(conn, ws.profile, capture, "misread")
    result = reextract_all(ws, "test-earlier-clash.v1")
    assert result.orphaned_decisions == []
    assert _capture_ids(ws) == [capture]  # same claim, same id
    with ws.connect() as conn:
        clash = query_events(conn, kind="clash")[0]
    assert clash.id != capture  # the new claim never takes a decided id


def test_a_decision_whose_claim_is_gone_is_reported(ws: Workspace) -> None:
    [capture] = _capture_ids(ws)
    with ws.begin() as conn:
        reject_event(conn, ws.profile, capture)
        conn.exec_driver_sql("UPDATE documents SET text = 'Nothing happened in the valley today.'")
    result = run_cli("reextract", workspace=ws.path)
    assert result.exit_code == 0
    assert f"decision on {capture}" in result.output


def test_reports_ingested_before_the_boundaries_reach_the_map(tmp_path: Path, shared: Path) -> None:
    ws_path = tmp_path / "ws"
    run_cli("init", workspace=ws_path)
    report = tmp_path / "khan-abad.txt"
    report.write_text(REPORT, encoding="utf-8")
    assert run_cli("ingest", str(report), workspace=ws_path).exit_code == 0
    geo = shared / "geo"
    result = run_cli("gazetteer", "import", str(geo / "afg_admbnda_adm1_agcho_20180522.zip"),
                     str(geo / "afg_admbnda_adm2_agcho_20180522.zip"), workspace=ws_path)
    assert result.exit_code == 0, result.output
    assert "re-extracted 1 stored documents" in result.output
    control = run_cli("control", "--date", "2021-07-01", "--format", "json", workspace=ws_path)
    rows = {r["place_id"]: r for r in json.loads(control.output)}
    assert rows["AF1904"]["state"] == "taliban"


def test_ctrl_c_during_reextract_says_how_far_it_got(ws: Workspace) -> None:
    from frontlines.pipeline import ReextractInterrupted

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(ReextractInterrupted) as caught:
        reextract_all(ws, on_progress=interrupt)
    assert (caught.value.done, caught.value.total) == (1, 1)
    assert _capture_ids(ws)  # the document finished stays extracted
