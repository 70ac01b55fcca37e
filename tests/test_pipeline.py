"""Extraction over the store: stable event ids, re-extraction, gazetteer changes, and the
workspace's choice of extractor (used by ingest, the API's upload and reextract alike)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.extract import DEFAULT_CONFIG, DEFAULT_EXTRACTOR, ExtractionConfig, register
from frontlines.extract.model import builtin_model
from frontlines.extract.staged import StagedExtractor
from frontlines.models import Document, Event, Evidence
from frontlines.pipeline import reextract_all
from frontlines.store import Workspace, get_meta, query_events
from frontlines.timeline_store import reject_event
from frontlines.tokens import create_token

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


class _Judged(StagedExtractor):
    """An extractor with a decision model of its own, in miniature: staged.v1's events, each
    judged again by the model file it is given (JSON `{"version", "probability"}`), or by
    its built-in judgement."""

    name = "test-judged.v1"

    def extract_batch(self, documents: Sequence[Document],
                      config: ExtractionConfig = DEFAULT_CONFIG) -> list[list[Event]]:
        version, probability = "builtin", 0.9
        if config.model is not None:
            spec = json.loads(Path(config.model).read_text(encoding="utf-8"))
            version, probability = spec["version"], spec["probability"]
        batches = super().extract_batch(documents, DEFAULT_CONFIG)
        for event in (e for events in batches for e in events):
            event.extractor = self.name
            event.probability = probability
            event.model = f"decision.test@{version}"
        return batches


register("test-judged.v1")(lambda gazetteer, profile: _Judged(gazetteer, profile))

ANOTHER_REPORT = (
    "Imam Sahib district falls\n\n"
    "Published on 22/06/2021 at 09:00\n\n"
    "Taliban fighters captured the centre of Imam Sahib district in Kunduz province on Monday, "
    "a police spokesman said.\n"
)


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


# --- the workspace's choice of extractor -------------------------------------------------------


def _provenance(ws: Workspace) -> set[tuple[str, float, str | None]]:
    """(extractor, probability, model) of every stored event, as `events --format json` shows."""
    listed = run_cli("events", "--format", "json", workspace=ws.path)
    assert listed.exit_code == 0, listed.output
    return {(e["extractor"], e["probability"], e["model"]) for e in json.loads(listed.output)}


def _made_by(ws: Workspace) -> set[tuple[str, str | None]]:
    """(extractor, model) of every stored event."""
    return {(extractor, model) for extractor, _, model in _provenance(ws)}


BUILT_IN_MODEL = builtin_model().version  # the default extractor's own decision model


def _model_file(tmp_path: Path, version: str = "3fa2c9d1", probability: float = 0.6) -> Path:
    path = tmp_path / f"decision-{version}.json"
    path.write_text(json.dumps({"version": version, "probability": probability}), encoding="utf-8")
    return path


def _ingest(ws: Workspace, tmp_path: Path, text: str, name: str) -> None:
    report = tmp_path / name
    report.write_text(text, encoding="utf-8")
    result = run_cli("ingest", str(report), workspace=ws.path)
    assert result.exit_code == 0 and "events extracted: 0" not in result.output, result.output


def test_a_new_workspace_records_the_default_extractor(tmp_path: Path) -> None:
    assert run_cli("init", workspace=tmp_path / "ws").exit_code == 0
    with Workspace.open(tmp_path / "ws").connect() as conn:
        assert get_meta(conn, "extract.extractor") == DEFAULT_EXTRACTOR
        assert get_meta(conn, "extract.model") is None
    status = run_cli("status", workspace=tmp_path / "ws")
    assert f"extractor  {DEFAULT_EXTRACTOR} (model: built-in)" in status.output


def test_ingest_extracts_with_the_extractor_chosen_at_init(afghan_workspace: Workspace,
                                                           tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    chosen = run_cli("init", "--extractor", "test-judged.v1", workspace=ws.path)
    assert chosen.exit_code == 0 and "extractor test-judged.v1 (model: built-in)" in chosen.output, chosen.output
    _ingest(ws, tmp_path, REPORT, "khan-abad.txt")
    assert _provenance(ws) == {("test-judged.v1", 0.9, "decision.test@builtin")}
    # Running init again without --extractor keeps the choice.
    assert run_cli("init", workspace=ws.path).exit_code == 0
    status = run_cli("status", workspace=ws.path)
    assert "extractor  test-judged.v1 (model: built-in)" in status.output
    as_json = json.loads(run_cli("status", "--format", "json", workspace=ws.path).output)
    assert (as_json["extractor"], as_json["model"]) == ("test-judged.v1", None)


def test_reextract_switches_the_workspace_to_another_extractor_and_model(
        ws: Workspace, tmp_path: Path) -> None:
    assert _made_by(ws) == {(DEFAULT_EXTRACTOR, BUILT_IN_MODEL)}
    model = _model_file(tmp_path)
    switched = run_cli("reextract", "--extractor", "test-judged.v1", "--model", str(model),
                       workspace=ws.path)
    assert switched.exit_code == 0, switched.output
    assert f"with test-judged.v1 (model: {model.resolve()})" in switched.output
    assert _provenance(ws) == {("test-judged.v1", 0.6, "decision.test@3fa2c9d1")}
    status = run_cli("status", workspace=ws.path)
    assert f"extractor  test-judged.v1 (model: {model.resolve()})" in status.output

    # The new choice holds for what comes next: ingest, and reextract without options.
    _ingest(ws, tmp_path, ANOTHER_REPORT, "imam-sahib.txt")
    assert run_cli("reextract", workspace=ws.path).exit_code == 0
    assert _provenance(ws) == {("test-judged.v1", 0.6, "decision.test@3fa2c9d1")}

    # --model alone keeps the extractor; --extractor alone means its built-in model.
    newer = _model_file(tmp_path, "77aa0b12", 0.8)
    assert run_cli("reextract", "--model", str(newer), workspace=ws.path).exit_code == 0
    assert _provenance(ws) == {("test-judged.v1", 0.8, "decision.test@77aa0b12")}
    assert run_cli("reextract", "--extractor", DEFAULT_EXTRACTOR, workspace=ws.path).exit_code == 0
    assert _made_by(ws) == {(DEFAULT_EXTRACTOR, BUILT_IN_MODEL)}


def test_a_decision_model_file_reaches_the_default_extractor(ws: Workspace,
                                                            tmp_path: Path) -> None:
    shipped = builtin_model()
    # Keeps every event the shipped model keeps (and maybe more): another artifact, another id.
    lenient = dataclasses.replace(shipped, threshold=round(shipped.threshold - 0.05, 3),
                                  version="")  # a new version id, from its new content
    path = tmp_path / "lenient.json"
    lenient.save(path)
    assert lenient.version != shipped.version
    switched = run_cli("reextract", "--model", str(path), workspace=ws.path)
    assert switched.exit_code == 0, switched.output
    assert _made_by(ws) == {(DEFAULT_EXTRACTOR, lenient.version)}
    assert f"extractor  {DEFAULT_EXTRACTOR} (model: {path.resolve()})" in run_cli(
        "status", workspace=ws.path).output
    missing = run_cli("reextract", "--model", str(tmp_path / "gone.json"), workspace=ws.path)
    assert missing.exit_code != 0 and "gone.json" in missing.output
    assert _made_by(ws) == {(DEFAULT_EXTRACTOR, lenient.version)}


def test_an_api_upload_extracts_with_the_workspaces_choice(ws: Workspace, tmp_path: Path) -> None:
    model = _model_file(tmp_path)
    assert run_cli("reextract", "--extractor", "test-judged.v1", "--model", str(model),
                   workspace=ws.path).exit_code == 0
    with ws.begin() as conn:
        token = create_token(conn, "tests")
    with TestClient(create_app(ws.path), raise_server_exceptions=True) as client:
        posted = client.post("/api/documents", headers={"Authorization": f"Bearer {token}"},
                             json={"id": "imam-sahib", "text": ANOTHER_REPORT})
        assert posted.status_code == 201 and posted.json()["events"] >= 1, posted.text
        items: list[dict[str, Any]] = client.get("/api/events").json()["items"]
        uploaded = [e for e in items if e["document"] == "imam-sahib"]
        assert uploaded and all(
            (e["extractor"], e["probability"], e["model"])
            == ("test-judged.v1", 0.6, "decision.test@3fa2c9d1") for e in uploaded)


def test_extract_uses_the_workspaces_choice_unless_told_otherwise(ws: Workspace,
                                                                  tmp_path: Path) -> None:
    assert run_cli("init", "--extractor", "test-judged.v1", workspace=ws.path).exit_code == 0
    report = tmp_path / "imam-sahib.txt"
    report.write_text(ANOTHER_REPORT, encoding="utf-8")

    def extractors(*options: str) -> set[str]:
        result = run_cli("extract", str(report), "--format", "json", *options, workspace=ws.path)
        assert result.exit_code == 0, result.output
        return {e["extractor"] for e in json.loads(result.output)}

    assert extractors() == {"test-judged.v1"}
    assert extractors("--extractor", DEFAULT_EXTRACTOR) == {DEFAULT_EXTRACTOR}
    # Extracting without storing changes nothing: ingest still uses the workspace's choice.
    status = run_cli("status", workspace=ws.path)
    assert "extractor  test-judged.v1" in status.output


def test_an_unknown_extractor_is_refused_naming_the_known_ones_and_changes_nothing(
        ws: Workspace, tmp_path: Path) -> None:
    before = _capture_ids(ws)
    report = tmp_path / "khan-abad.txt"
    report.write_text(REPORT, encoding="utf-8")
    for command in (["init"], ["reextract"], ["extract", str(report)]):
        refused = run_cli(*command, "--extractor", "nope.v0", workspace=ws.path)
        assert refused.exit_code != 0, command
        assert "unknown extractor 'nope.v0'" in refused.output, refused.output
        assert DEFAULT_EXTRACTOR in refused.output and "test-judged.v1" in refused.output
    status = run_cli("status", workspace=ws.path)
    assert f"extractor  {DEFAULT_EXTRACTOR} (model: built-in)" in status.output
    assert _capture_ids(ws) == before and _made_by(ws) == {(DEFAULT_EXTRACTOR, BUILT_IN_MODEL)}
    # A folder that is not a workspace yet stays empty.
    fresh = run_cli("init", "--extractor", "nope.v0", workspace=tmp_path / "fresh")
    assert fresh.exit_code != 0 and not (tmp_path / "fresh" / "frontlines.db").exists()


def test_ingest_into_a_workspace_whose_extractor_is_gone_stores_nothing(
        ws: Workspace, tmp_path: Path) -> None:
    from frontlines.store import ExtractionChoice, count_documents, set_extraction_choice

    with ws.begin() as conn:  # e.g. the plug-in that provided it was uninstalled
        set_extraction_choice(conn, ExtractionChoice("uninstalled-plugin.v3"))
    report = tmp_path / "imam-sahib.txt"
    report.write_text(ANOTHER_REPORT, encoding="utf-8")
    refused = run_cli("ingest", str(report), workspace=ws.path)
    assert refused.exit_code == 1
    assert "unknown extractor 'uninstalled-plugin.v3'" in refused.output
    assert "reextract --extractor" in refused.output
    status = run_cli("status", workspace=ws.path)
    assert "extractor  uninstalled-plugin.v3 (model: built-in)" in status.output
    assert "unknown extractor 'uninstalled-plugin.v3'" in status.output
    with ws.connect() as conn:
        assert count_documents(conn) == 1


def test_the_timeline_weighs_stored_events_by_their_probability(ws: Workspace,
                                                                tmp_path: Path) -> None:
    def khan_abad() -> dict[str, Any]:
        result = run_cli("control", "--date", "2021-06-30", "--format", "json", workspace=ws.path)
        assert result.exit_code == 0, result.output
        return next(r for r in json.loads(result.output) if r["place_id"] == "AF1904")

    certain = khan_abad()
    model = _model_file(tmp_path, "0b5e77aa", 0.3)
    assert run_cli("reextract", "--extractor", "test-judged.v1", "--model", str(model),
                   workspace=ws.path).exit_code == 0
    doubtful = khan_abad()
    assert certain["state"] == doubtful["state"] == "taliban"
    assert (certain["status"], doubtful["status"]) == ("assessed", "claimed")
    assert doubtful["confidence"] < certain["confidence"]
    explained = run_cli("explain", "AF1904", workspace=ws.path)
    assert "probability 0.30" in explained.output


def test_the_first_ingest_records_the_extractor_of_a_workspace_that_never_chose(
        afghan_workspace: Workspace, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")  # made by Workspace.init alone
    with ws.connect() as conn:
        assert get_meta(conn, "extract.extractor") is None
    _ingest(ws, tmp_path, REPORT, "khan-abad.txt")
    with ws.connect() as conn:
        assert get_meta(conn, "extract.extractor") == DEFAULT_EXTRACTOR
