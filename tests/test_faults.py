"""Faults of the machine under a workspace: each is a clear error, and nothing committed is lost.

- a full disk: the workspace on a small tmpfs the test mounts (we run as root;
  without the right to mount, the test is skipped saying so), filled up to a
  little room before an ingest;
- a read-only workspace: the folder seen through a read-only bind mount, as on
  a read-only volume (as root, chmod would not stop a write);
- a database locked by another writer (a real second connection holding
  `BEGIN IMMEDIATE`) for longer than the busy timeout;
- with PostgreSQL, the server ending the ingest's connection mid-batch
  (`pg_terminate_backend` from another connection).

Each time the ingest stops with an error saying which fault it met, and running
the same ingest again once the fault is gone stores exactly what was missing.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.models import Document
from frontlines.pipeline import StoreExtraction
from frontlines.sources.feeds import Watcher
from frontlines.sources.ingest import IngestStopped, ingest
from frontlines.store import (
    BUSY_TIMEOUT_MS,
    DB_NAME,
    Connection,
    Workspace,
    count_documents,
    list_documents_sorted,
    query_events,
)
from frontlines.timeline_store import timeline_is_fresh
from frontlines.tokens import create_token

from .conftest import copy_workspace, postgres_server, run_cli
from .test_api import KHAN_ABAD_FALLS
from .test_watch import LOCAL, FeedSite, site  # noqa: F401 (site: the feed server fixture)

CORPORA = ("eval/dev/corpus.jsonl", "eval/dev-b/corpus.jsonl")


def corpora(shared: Path) -> list[str]:
    return [str(shared / name) for name in CORPORA]


def record_ids(shared: Path) -> set[str]:
    return {json.loads(line)["id"] for name in CORPORA
            for line in (shared / name).read_text(encoding="utf-8").splitlines() if line.strip()}


def mount(*args: str) -> None:
    """Run `mount`; skip the test, saying why, where this machine does not let us."""
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({' '.join(args)}): {done.stderr.strip()}")


@contextmanager
def mounted(*args: str, target: Path) -> Iterator[Path]:
    target.mkdir(parents=True, exist_ok=True)
    mount(*args, str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "--lazy", str(target)], check=False)


def documents_and_events(ws: Workspace) -> dict[str, int]:
    """Each stored document's id and how many events it has."""
    with ws.connect() as conn:
        return {row["id"]: len(query_events(conn, document_id=row["id"]))
                for row in list_documents_sorted(conn)}


def integrity(db: Path) -> str:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_full_disk_stops_the_ingest_and_keeps_what_was_committed(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path) -> None:
    with mounted("-t", "tmpfs", "-o", "size=24m", "tmpfs", target=tmp_path / "disk") as disk:
        ws = copy_workspace(afghan_workspace, disk / "ws")
        # Fill the disk but for a little room: the gazetteer's cache (2 MB, which may fail
        # to be written: it is only a cache) and a few batches fit, then no more.
        room = 3500 * 1024
        free = _free_bytes(disk)
        assert free > room
        (disk / "filler").write_bytes(b"\0" * (free - room))

        full = run_cli("ingest", "--workers", "0", "--batch-size", "10", *corpora(shared),
                       workspace=ws.path)
        assert full.exit_code == 1, full.output
        assert "error: the disk holding the database is full (database or disk is full)" in \
            full.output
        assert "run the same ingest again" in full.output and "Traceback" not in full.output
        kept = documents_and_events(ws)
        assert 0 < len(kept) < len(record_ids(shared))
        assert integrity(ws.path / DB_NAME) == "ok"
        assert f"added {len(kept)}," in full.output

        (disk / "filler").unlink()  # room again
        again = run_cli("ingest", "--workers", "0", "--batch-size", "10", *corpora(shared),
                        workspace=ws.path)
        assert again.exit_code == 0, again.output
        assert f"added {len(record_ids(shared)) - len(kept)}, duplicates {len(kept)}, failed 0" \
            in again.output
        after = documents_and_events(ws)
        assert set(after) == record_ids(shared)
        assert {doc: after[doc] for doc in kept} == kept  # the first run's, untouched
        with ws.connect() as conn:
            assert timeline_is_fresh(conn, ws.profile)
        ws.engine.dispose()


def _free_bytes(path: Path) -> int:
    import os

    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def test_a_read_only_workspace_reads_and_refuses_writes_clearly(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "rw" / "ws")
    ingest(ws, [shared / CORPORA[0]], on_document=StoreExtraction(ws))
    before = documents_and_events(ws)
    with ws.begin() as conn:
        token = create_token(conn, "desk")
    ws.engine.dispose()
    with mounted("--bind", str(tmp_path / "rw"), target=tmp_path / "ro") as ro:
        mount("-o", "remount,bind,ro", str(ro))
        folder = ro / "ws"
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")  # really read-only, even for root

        # Reads work: a read-only volume of a finished workspace is still a map.
        status = run_cli("status", "--format", "json", workspace=folder)
        assert status.exit_code == 0, status.output
        assert json.loads(status.output)["documents"] == len(before)
        control = run_cli("control", "--date", "2021-08-01", "--format", "json", workspace=folder)
        assert control.exit_code == 0, control.output

        # Writes say why they cannot be done.
        write = run_cli("ingest", "--workers", "0", str(shared / CORPORA[1]), workspace=folder)
        assert write.exit_code == 1
        assert "error: the database is read-only (attempt to write a readonly database)" in \
            write.output
        assert "Traceback" not in write.output
        with TestClient(create_app(folder)) as client:
            assert client.get("/api/meta").json()["documents"] == len(before)
            posted = client.post("/api/documents", json=KHAN_ABAD_FALLS,
                                 headers={"Authorization": f"Bearer {token}"})
            assert posted.status_code == 503, posted.text
            assert "the database is read-only" in posted.json()["error"]
            assert posted.headers["retry-after"]
    assert documents_and_events(Workspace.open(tmp_path / "rw" / "ws")) == before


def test_a_database_locked_past_the_busy_timeout_stops_the_ingest(
        afghan_workspace: Workspace, shared: Path, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    ingest(ws, [shared / CORPORA[0]], on_document=StoreExtraction(ws))
    before = documents_and_events(ws)
    holder = sqlite3.connect(ws.path / DB_NAME, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock
        started = time.monotonic()
        locked = run_cli("ingest", "--workers", "0", *corpora(shared), workspace=ws.path)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert locked.exit_code == 1, locked.output
    assert ("error: another process held the database's write lock for longer than 10 s "
            "(database is locked)") in locked.output
    assert BUSY_TIMEOUT_MS / 1000 <= waited < 3 * BUSY_TIMEOUT_MS / 1000  # waited, then gave up
    assert documents_and_events(ws) == before
    again = run_cli("ingest", "--workers", "0", *corpora(shared), workspace=ws.path)
    assert again.exit_code == 0, again.output
    assert f"added {len(record_ids(shared)) - len(before)}, duplicates {len(before)}" in again.output


class TerminatedMidBatch:
    """The ingest's extraction hook, plus a second connection that ends the ingest's
    connection on the server (`pg_terminate_backend`) once `after` documents were
    handed to it, in the middle of a batch's transaction."""

    def __init__(self, ws: Workspace, after: int):
        self.extraction = StoreExtraction(ws)
        self.after = after
        self.seen = 0
        self.terminated = 0
        self.database = ws.database.database

    def __call__(self, conn: Connection, doc: Document) -> None:
        self.extraction(conn, doc)
        self.seen += 1
        if self.seen == self.after:
            self.terminated = _terminate_backends(self.database)

    def after_batch(self, conn: Connection, doc_ids: Sequence[str]) -> None:
        self.extraction.after_batch(conn, doc_ids)


def _terminate_backends(database: Any) -> int:
    server = postgres_server()
    with server.admin.connect() as admin:
        return len(admin.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %(db)s AND pid <> pg_backend_pid()", {"db": database}).all())


def test_postgres_going_away_mid_ingest_loses_only_the_batch_in_hand(
        afghan_workspaces: Any, shared: Path, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspaces.on("postgresql"), tmp_path / "ws")
    hook = TerminatedMidBatch(ws, after=25)
    with pytest.raises(IngestStopped) as stopped:
        ingest(ws, corpora(shared), on_document=hook, batch_size=10)
    assert hook.terminated >= 1
    assert stopped.value.reason.startswith("the database server went away (")
    # Two batches of ten were committed; the third, in hand when the server cut it off, was not.
    kept = documents_and_events(ws)
    assert len(kept) == len(stopped.value.summary.added) == 20
    again = ingest(ws, corpora(shared), on_document=StoreExtraction(ws), batch_size=10)
    assert again.ok and len(again.added) == len(record_ids(shared)) - 20
    assert len(again.duplicates) == 20
    after = documents_and_events(ws)
    assert set(after) == record_ids(shared) and {doc: after[doc] for doc in kept} == kept
    with ws.connect() as conn:
        assert count_documents(conn) == len(record_ids(shared))
        assert timeline_is_fresh(conn, ws.profile)



def test_a_watch_round_that_meets_a_locked_database_is_done_again_next_round(
        site: FeedSite, afghan_workspace: Workspace, tmp_path: Path) -> None:  # noqa: F811
    """The watch goes on; the feed read in the failed round is read whole next round (not
    answered 304), so its items are stored then."""
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    site.items = [1, 2]
    watcher = Watcher(ws, [f"{site.base}/feed.xml"], every=600, options=LOCAL,
                      on_document=StoreExtraction(ws))
    holder = sqlite3.connect(ws.path / DB_NAME, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        failed = watcher.round()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    [error] = failed.summary.failed
    assert str(error).startswith("database: another process held the database's write lock")
    assert "read again next round" in str(error) and not failed.summary.added
    again = watcher.round()
    assert len(again.summary.added) == 2 and not again.summary.failed
    assert site.feed_answers == [200, 200]
