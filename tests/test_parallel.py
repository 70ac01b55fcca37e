"""Extraction elsewhere: worker processes beside the main one, and a Dask cluster.

Whatever extracts, the store ends up the same: the same documents, events
(ids included), area statements, copy clusters and timeline as an ingest that
extracts every report in the main process, one after the other.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from frontlines.parallel import DaskWorkers, ProcessWorkers, parse_dask_address
from frontlines.pipeline import StoreExtraction
from frontlines.sources.ingest import ingest
from frontlines.store import Workspace, iter_documents, query_events, query_statements
from frontlines.timeline_store import load_intervals

from .conftest import copy_workspace, run_cli
from .test_ingest import LAUNCH, _child_env

# Ingest tests: they run on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends


def corpora(shared: Path) -> list[Path]:
    """138 real reports: the dev and dev-b corpora."""
    return [shared / "eval" / "dev" / "corpus.jsonl", shared / "eval" / "dev-b" / "corpus.jsonl"]


def everything(ws: Workspace) -> dict[str, Any]:
    """All that ingest stores, in a form two workspaces can be compared by."""
    with ws.connect() as conn:
        return {
            "documents": [dataclasses.asdict(d) for d in iter_documents(conn)],
            "events": sorted(repr(dataclasses.asdict(e)) for e in query_events(conn)),
            "statements": sorted(repr(dataclasses.asdict(s)) for s, _ in query_statements(conn)),
            "timeline": {unit: [iv.answer() for iv in ivs]
                         for unit, ivs in load_intervals(conn).items()},
        }


@pytest.fixture(scope="module")
def serial(afghan_workspace: Workspace, shared: Path,
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The reference: every report extracted in this process, batches of 20."""
    ws = copy_workspace(afghan_workspace, tmp_path_factory.mktemp("serial") / "ws")
    summary = ingest(ws, corpora(shared), on_document=StoreExtraction(ws), batch_size=20)
    assert len(summary.added) == 138 and summary.ok
    stored = everything(ws)
    assert len(stored["events"]) > 300 and stored["statements"] and stored["timeline"]
    return stored


def test_two_worker_processes_store_what_the_main_process_would(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path,
        serial: dict[str, Any]) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    with StoreExtraction(ws, workers=ProcessWorkers(2)) as extraction:
        summary = ingest(ws, corpora(shared), on_document=extraction, batch_size=20)
    assert len(summary.added) == 138
    assert extraction.extracted_by_workers == 138  # none was extracted here
    assert everything(ws) == serial


def test_a_dask_cluster_of_two_workers_stores_what_the_main_process_would(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path,
        serial: dict[str, Any]) -> None:
    """A real `LocalCluster` (two workers, threads of this process, to start fast)."""
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    workers = DaskWorkers("local:2", processes=False)
    with StoreExtraction(ws, workers=workers) as extraction:
        summary = ingest(ws, corpora(shared), on_document=extraction, batch_size=20)
        assert workers.workers == 2
    assert len(summary.added) == 138 and extraction.extracted_by_workers == 138
    assert everything(ws) == serial


@pytest.mark.slow
def test_frontlines_ingest_on_a_local_dask_cluster_of_processes(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path,
        serial: dict[str, Any]) -> None:
    """The real command, in a child process, starting a cluster of two worker processes."""
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    argv = [sys.executable, "-c", LAUNCH, "--workspace", str(ws.path), "ingest",
            *map(str, corpora(shared)), "--batch-size", "20", "--dask", "local:2"]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=_child_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "added 138, duplicates 0, failed 0" in done.stdout
    assert everything(Workspace.open(ws.path)) == serial


def test_frontlines_ingest_gives_the_same_events_with_and_without_workers(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path) -> None:
    outputs = {}
    for workers in ("0", "2"):
        ws = copy_workspace(afghan_workspace, tmp_path / f"ws{workers}")
        result = run_cli("ingest", str(corpora(shared)[0]), "--workers", workers,
                         "--batch-size", "25", workspace=ws.path)
        assert result.exit_code == 0, result.output
        outputs[workers] = (result.output, everything(ws))
    assert outputs["0"] == outputs["2"]
    assert "added 53, duplicates 0, failed 0" in outputs["2"][0]


def test_a_few_reports_are_extracted_without_starting_workers(
        afghan_workspace: Workspace, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    corpus = tmp_path / "few.jsonl"
    corpus.write_text("".join(json.dumps({
        "id": f"f{i}", "published": "2021-07-05",
        "text": f"The Taliban captured Imam Sahib district of Kunduz province on Monday ({i})."})
        + "\n" for i in range(5)), encoding="utf-8")
    workers = ProcessWorkers(1)
    with StoreExtraction(ws, workers=workers) as extraction:
        summary = ingest(ws, [corpus], on_document=extraction, batch_size=2)
    assert len(summary.added) == 5 and extraction.events >= 5
    assert extraction.extracted_by_workers == 0


def test_dask_addresses_are_local_n_or_a_scheduler() -> None:
    assert parse_dask_address("local:3") == ("local", 3)
    assert parse_dask_address("tcp://10.0.0.5:8786") == ("scheduler", "tcp://10.0.0.5:8786")
    for bad in ("local:0", "local:two", "10.0.0.5:8786", "tcp://"):
        with pytest.raises(ValueError, match="--dask"):
            parse_dask_address(bad)


def test_ingest_refuses_a_bad_dask_address_and_dask_with_workers(workspace: Workspace,
                                                                 shared: Path) -> None:
    bad = run_cli("ingest", str(shared / "examples"), "--dask", "somewhere", workspace=workspace.path)
    assert bad.exit_code == 2 and "expected local:N or a scheduler address" in bad.output
    both = run_cli("ingest", str(shared / "examples"), "--dask", "local:2", "--workers", "1",
                   workspace=workspace.path)
    assert both.exit_code == 2 and "--dask and --workers exclude each other" in both.output
