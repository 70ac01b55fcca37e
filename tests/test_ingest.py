"""Ingestion into the store: dedupe, per-document transactions, bad input, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, insert, select

from frontlines.models import Document, Event, Evidence
from frontlines.sources.ingest import IngestInterrupted, Progress, ingest, plan
from frontlines.store import (
    Workspace,
    documents,
    get_document,
    get_meta,
    iter_documents,
    meta,
    replace_events,
)

from .conftest import run_cli

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = (
    "Rebel fighters took the hill town of Aldmoor on Friday after a night of shelling, "
    "a military spokesman said.\n\n"
    "The spokesman said government troops had pulled back to the valley floor to regroup.\n"
)


def count(ws: Workspace) -> int:
    with ws.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(documents)).scalar_one())


def write_reports(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"report-{i}.txt"
        path.write_text(f"Report number {i} from {folder.name}.\n\n{REPORT}", encoding="utf-8")
        paths.append(path)
    return paths


# --- the acceptance cases --------------------------------------------------------------------


def test_seed_report_twice_is_stored_once(shared: Path, workspace: Workspace) -> None:
    seed = shared / "examples" / "seed-report.txt"
    first = run_cli("ingest", str(seed), workspace=workspace.path)
    assert first.exit_code == 0, first.output
    assert "added 1, duplicates 0, failed 0" in first.output
    second = run_cli("ingest", str(seed), workspace=workspace.path)
    assert second.exit_code == 0, second.output
    assert "added 0, duplicates 1, failed 0" in second.output
    assert count(workspace) == 1
    with workspace.connect() as conn:
        (doc,) = list(iter_documents(conn))
    assert doc.published == "2021-06-22T08:18"
    assert doc.outlet == "Defence Redefined"
    assert doc.title and doc.title.startswith("Afghanistan | The country is falling")
    for junk in ("Pin It", "NEWSLETTER", "Also read"):
        assert junk not in doc.text
    assert len(doc.related) == 2
    assert doc.origin == str(seed)


def test_the_dev_corpus_stores_53_documents_with_their_ids(
    shared: Path, workspace: Workspace
) -> None:
    corpus = shared / "eval" / "dev" / "corpus.jsonl"
    summary = ingest(workspace, [corpus])
    assert len(summary.added) == 53 and summary.ok
    assert count(workspace) == 53
    with workspace.connect() as conn:
        a004 = get_document(conn, "a004")
    assert a004 is not None and a004.published == "2021-08-06"
    assert a004.outlet == "urdupoint.com"
    again = ingest(workspace, [corpus])
    assert (len(again.added), len(again.duplicates), len(again.failed)) == (0, 53, 0)
    assert count(workspace) == 53


def test_whitespace_and_case_variants_are_duplicates(tmp_path: Path, workspace: Workspace) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(REPORT, encoding="utf-8")
    b.write_text("  " + REPORT.upper().replace(" ", "   ") + "\n\n\n", encoding="utf-8")
    summary = ingest(workspace, [a, b])
    assert (len(summary.added), summary.duplicates) == (1, [str(b)])


def test_a_directory_is_ingested_recursively(tmp_path: Path, workspace: Workspace) -> None:
    write_reports(tmp_path / "in" / "2021" / "june", 2)
    write_reports(tmp_path / "in" / "2021" / "july" / "late", 1)
    (tmp_path / "in" / "feed.jsonl").write_text(
        json.dumps({"id": "j1", "text": REPORT + " Extra."}) + "\n", encoding="utf-8")
    (tmp_path / "in" / "README.md").write_text("notes", encoding="utf-8")
    units = plan([tmp_path / "in"])
    assert [u.kind for u in units] == ["file", "file", "file", "skip", "file"]
    result = run_cli("ingest", str(tmp_path / "in"), workspace=workspace.path)
    assert result.exit_code == 0, result.output  # an unknown file in a folder only warns
    assert "added 4, duplicates 0, failed 0, warnings 1" in result.output
    assert "README.md: skipped: unknown file type" in result.output
    assert count(workspace) == 4


# --- bad input ------------------------------------------------------------------------------------


def test_bad_input_gives_one_line_errors_and_the_batch_goes_on(
    tmp_path: Path, workspace: Workspace
) -> None:
    d = tmp_path / "batch"
    good = write_reports(d, 2)
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 8)
    (d / "latin1.txt").write_bytes(("Caf\xe9 owners said: " + REPORT).encode("latin-1"))
    (d / "corpus.jsonl").write_text(
        "\n".join([
            json.dumps({"id": "r1", "text": REPORT + " One."}),
            "{not json",
            json.dumps({"id": "r3", "title": "no text"}),
            json.dumps({"id": "r4", "text": REPORT + " Four."}),
        ]) + "\n", encoding="utf-8")
    (d / "page.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (d / "huge.txt").write_text(REPORT * 2000, encoding="utf-8")
    (d / "slides.pdf").write_bytes(b"%PDF-1.7")
    sources = [str(p) for p in [*good, d / "empty.txt", d / "binary.txt", d / "latin1.txt",
                                d / "corpus.jsonl", d / "page.html", d / "huge.txt",
                                d / "slides.pdf", d / "missing.txt"]]
    result = run_cli("ingest", "--max-size", "0.1", *sources, workspace=workspace.path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "added 5, duplicates 0, failed 8, warnings 1" in lines
    expected = [
        f"error: {d / 'empty.txt'}: empty file",
        f"error: {d / 'binary.txt'}: binary file, not text",
        f"error: {d / 'corpus.jsonl'}:2: malformed JSON line: ",
        f"error: {d / 'corpus.jsonl'}:3: record without text",
        f"error: {d / 'page.html'}: HTML without an article body",
        f"error: {d / 'huge.txt'}: file is 380.9 kB, over the 102.4 kB size cap",
        f"error: {d / 'slides.pdf'}: unknown file type '.pdf'",
        f"error: {d / 'missing.txt'}: no such file or directory",
    ]
    for start in expected:
        assert sum(line.startswith(start) for line in lines) == 1, start
    assert sum(line.startswith("error: ") for line in lines) == 8
    assert any(line.startswith(f"warning: {d / 'latin1.txt'}: invalid UTF-8") for line in lines)
    with workspace.connect() as conn:
        stored = {doc.id: doc for doc in iter_documents(conn)}
    assert {"r1", "r4"} <= set(stored)
    assert any(doc.text.startswith("Caf\ufffd owners") for doc in stored.values())


def test_a_reused_id_with_different_text_fails_loudly(tmp_path: Path, workspace: Workspace) -> None:
    first = tmp_path / "one.jsonl"
    first.write_text(json.dumps({"id": "r1", "text": REPORT}) + "\n", encoding="utf-8")
    second = tmp_path / "two.jsonl"
    second.write_text(json.dumps({"id": "r1", "text": REPORT + " Changed."}) + "\n",
                      encoding="utf-8")
    ingest(workspace, [first])
    summary = ingest(workspace, [second])
    (failure,) = summary.failed
    assert str(failure) == f"{second}:1: id 'r1' already holds a different document; not stored"
    with workspace.connect() as conn:
        kept = get_document(conn, "r1")
    assert kept is not None and kept.text == REPORT


# --- transactions, hooks and Ctrl-C ------------------------------------------------------------


def test_the_hook_runs_inside_each_new_documents_transaction(
    tmp_path: Path, workspace: Workspace
) -> None:
    paths = write_reports(tmp_path / "in", 2)
    calls: list[str] = []

    def hook(conn: Connection, doc: Document) -> None:
        # The document is visible inside the transaction it was added in.
        assert get_document(conn, doc.id) is not None
        ev = Event(kind="capture", actor="rebels", place_id="X1", place_name="Aldmoor",
                   evidence=Evidence(doc.id, "Rebel fighters took the hill town", 0, 33),
                   date="2021-06-04")
        replace_events(conn, doc.id, [ev])
        calls.append(doc.id)

    summary = ingest(workspace, paths, on_document=hook)
    assert calls == summary.added and len(calls) == 2
    again = ingest(workspace, paths, on_document=hook)
    assert len(calls) == 2 and len(again.duplicates) == 2  # not called for duplicates
    status = run_cli("status", workspace=workspace.path)
    assert "documents  2" in status.output
    assert "events     2 (2021-06-04 … 2021-06-04)" in status.output


def test_a_failing_hook_rolls_back_its_document_only(tmp_path: Path, workspace: Workspace) -> None:
    paths = write_reports(tmp_path / "in", 3)

    def hook(conn: Connection, doc: Document) -> None:
        conn.execute(insert(meta).values(key=f"touched-{doc.id}", value="1"))
        if "number 1 " in doc.text:
            raise RuntimeError("extractor crashed")

    summary = ingest(workspace, paths, on_document=hook)
    assert len(summary.added) == 2
    (failure,) = summary.failed
    assert failure.source == str(paths[1])
    assert "not stored: RuntimeError: extractor crashed" in failure.message
    assert count(workspace) == 2
    with workspace.connect() as conn:
        touched = [row.key for row in conn.execute(select(meta.c.key)) if "touched" in row.key]
    assert len(touched) == 2  # the failed document's hook writes were rolled back too


def test_ctrl_c_keeps_committed_documents_and_rolls_back_the_current_one(
    tmp_path: Path, workspace: Workspace
) -> None:
    paths = write_reports(tmp_path / "in", 4)
    seen: list[str] = []

    def hook(conn: Connection, doc: Document) -> None:
        seen.append(doc.id)
        conn.execute(insert(meta).values(key=f"hook-{doc.id}", value="1"))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(IngestInterrupted) as caught:
        ingest(workspace, paths, on_document=hook)
    assert isinstance(caught.value, KeyboardInterrupt)
    summary = caught.value.summary
    assert summary.interrupted and summary.added == [seen[0]]
    assert "(interrupted)" in summary.headline()
    with workspace.connect() as conn:
        stored = [doc.id for doc in iter_documents(conn)]
        assert get_meta(conn, f"hook-{seen[0]}") == "1"
        assert get_meta(conn, f"hook-{seen[1]}") is None
    assert stored == [seen[0]]
    # A second run picks up where the first stopped, without duplicates.
    rerun = ingest(workspace, paths)
    assert (len(rerun.added), len(rerun.duplicates)) == (3, 1)


def test_progress_is_reported_per_unit(tmp_path: Path, workspace: Workspace) -> None:
    paths = write_reports(tmp_path / "in", 3)
    updates: list[Progress] = []
    ingest(workspace, paths, on_progress=updates.append)
    assert {u.total for u in updates} == {3}
    assert updates[-1].done == 3 and updates[-1].added == 3
    assert [u.done for u in updates] == sorted(u.done for u in updates)


# --- documents list / show, status ----------------------------------------------------------


def test_documents_list_and_show(shared: Path, workspace: Workspace) -> None:
    run_cli("ingest", str(shared / "examples" / "seed-report.txt"),
            str(shared / "eval" / "dev" / "corpus.jsonl"), workspace=workspace.path)
    listed = run_cli("documents", "list", "--format", "json", workspace=workspace.path)
    assert listed.exit_code == 0
    rows = json.loads(listed.output)
    assert len(rows) == 54
    assert all(set(row) == {"id", "title", "published", "outlet", "url", "origin", "ingested_at",
                            "posted_by", "posted_from"} for row in rows)
    # Read from files, not posted: where each came from, and no poster.
    a004 = next(row for row in rows if row["id"] == "a004")
    assert a004["origin"].startswith(str(shared / "eval" / "dev" / "corpus.jsonl") + ":")
    assert a004["ingested_at"] and (a004["posted_by"], a004["posted_from"]) == (None, None)
    dated = [row["published"] for row in rows if row["published"]]
    assert dated == sorted(dated)
    assert rows[-1]["published"] is None  # undated last
    seed = next(row for row in rows if row["outlet"] == "Defence Redefined")
    assert seed["published"] == "2021-06-22T08:18"

    table = run_cli("documents", "list", workspace=workspace.path)
    assert table.exit_code == 0 and "a004" in table.output

    shown = run_cli("documents", "show", seed["id"], workspace=workspace.path)
    assert shown.exit_code == 0
    assert "published: 2021-06-22T08:18" in shown.output
    assert "outlet:    Defence Redefined" in shown.output
    assert "  - Six more Afghan districts fall into the hands of Taliban" in shown.output
    assert "Taliban spokesman Zabihullah Mujahed confirmed" in shown.output

    missing = run_cli("documents", "show", "zzz", workspace=workspace.path)
    assert missing.exit_code != 0
    assert "no document with id 'zzz'" in missing.output


def test_status_summarises_the_workspace(shared: Path, workspace: Workspace) -> None:
    empty = run_cli("status", workspace=workspace.path)
    assert empty.exit_code == 0
    assert "profile    afghanistan-2021 (Afghanistan)" in empty.output
    assert "documents  0" in empty.output and "events     none" in empty.output
    ingest(workspace, [shared / "eval" / "dev" / "corpus.jsonl"])
    info = json.loads(run_cli("status", "--format", "json", workspace=workspace.path).output)
    assert info["documents"] == 53 and info["events"] == 0
    assert info["published_from"] == "2021-05-05" and info["published_to"] == "2021-08-31"


def write_corpus(path: Path, n: int) -> Path:
    rows = [{"id": f"c{i}", "published": "2021-07-01", "text": f"Report {i}. {REPORT}"}
            for i in range(n)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_progress_counts_records_inside_one_large_unit(tmp_path: Path,
                                                       workspace: Workspace) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 5)
    updates: list[Progress] = []
    ingest(workspace, [corpus], on_progress=updates.append)
    assert {u.total for u in updates} == {1}
    assert [u.records for u in updates if u.done == 0] == [0, 1, 2, 3, 4, 5]
    assert updates[-1].records == 5 and updates[-1].added == 5


def test_the_progress_display_moves_for_one_jsonl_corpus(
        tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """One big corpus.jsonl is one unit: a spinner counts its records (on a terminal only)."""
    import io

    from rich.console import Console

    from frontlines.cli import documents as cli_documents

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(cli_documents, "err_console", terminal)
    shown: list[tuple[float | None, float]] = []
    with cli_documents._ProgressBar() as bar:
        ingest(workspace, [write_corpus(tmp_path / "corpus.jsonl", 4)], on_progress=bar)
        assert bar._bar is not None
        task = bar._bar.tasks[0]
        shown.append((task.total, task.completed))
        assert "4 records (+4 =0 !0)" in task.description
    assert shown == [(None, 4)]
    # Not on a terminal (a log, a pipe): nothing at all.
    monkeypatch.setattr(cli_documents, "err_console", Console(file=io.StringIO()))
    with cli_documents._ProgressBar() as quiet:
        ingest(workspace, [write_corpus(tmp_path / "again.jsonl", 4)], on_progress=quiet)
        assert quiet._bar is None


def test_documents_show_never_prints_control_characters(tmp_path: Path,
                                                        workspace: Workspace) -> None:
    corpus = tmp_path / "hostile.jsonl"
    corpus.write_text(json.dumps({
        "id": "h1", "title": "\x1b]0;owned\x07Headline", "outlet": "\x1b[31mred",
        "related": ["\x1b[2Jclear"], "text": "\x1b[2J\x1b[H" + REPORT,
    }) + "\n", encoding="utf-8")
    assert run_cli("ingest", str(corpus), workspace=workspace.path).exit_code == 0
    for args in (("documents", "show", "h1"), ("documents", "list"),
                 ("documents", "list", "--format", "json")):
        result = run_cli(*args, workspace=workspace.path)
        assert result.exit_code == 0
        assert "\x1b" not in result.output and "\x07" not in result.output
    with workspace.connect() as conn:
        doc = get_document(conn, "h1")
    assert doc is not None and doc.text.startswith(" [2J [HRebel fighters")  # same length


def test_documents_list_sorts_in_the_store_undated_last(tmp_path: Path,
                                                        workspace: Workspace) -> None:
    from frontlines.store import list_documents_sorted

    rows = [{"id": "b", "published": None, "text": "B. " + REPORT},
            {"id": "a", "published": "2021-07-02", "text": "A. " + REPORT},
            {"id": "c", "published": "2021-07-01T09:00", "text": "C. " + REPORT},
            {"id": "d", "published": None, "text": "D. " + REPORT}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    ingest(workspace, [corpus])
    with workspace.connect() as conn:
        assert [r["id"] for r in list_documents_sorted(conn)] == ["c", "a", "b", "d"]
    listed = json.loads(run_cli("documents", "list", "--format", "json",
                                workspace=workspace.path).output)
    assert [r["id"] for r in listed] == ["c", "a", "b", "d"]


# --- batches: one transaction each, and what an interruption leaves ----------------------------


def test_a_batch_is_one_transaction_with_one_after_batch_call(tmp_path: Path,
                                                               workspace: Workspace) -> None:
    paths = write_reports(tmp_path / "in", 5)
    calls: list[tuple[str, ...]] = []

    class Hook:
        def __call__(self, conn: Connection, doc: Document) -> None:
            conn.execute(insert(meta).values(key=f"hook-{doc.id}", value="1"))

        def after_batch(self, conn: Connection, doc_ids: list[str]) -> None:
            # Every document of the batch is visible in the batch's transaction.
            assert all(get_document(conn, d) is not None for d in doc_ids)
            calls.append(tuple(doc_ids))

    summary = ingest(workspace, paths, on_document=Hook(), batch_size=2)
    assert [len(c) for c in calls] == [2, 2, 1]
    assert [d for c in calls for d in c] == summary.added and count(workspace) == 5
    again = ingest(workspace, paths, on_document=Hook(), batch_size=2)
    assert len(again.duplicates) == 5 and len(calls) == 3  # no batch of nothing new


def test_ctrl_c_rolls_back_the_batch_in_hand_only(tmp_path: Path, workspace: Workspace) -> None:
    paths = write_reports(tmp_path / "in", 7)
    seen: list[str] = []

    def hook(conn: Connection, doc: Document) -> None:
        seen.append(doc.id)
        if len(seen) == 5:  # the second document of the second batch
            raise KeyboardInterrupt

    with pytest.raises(IngestInterrupted) as caught:
        ingest(workspace, paths, on_document=hook, batch_size=3)
    assert caught.value.summary.added == seen[:3]
    with workspace.connect() as conn:
        assert [doc.id for doc in iter_documents(conn)] == sorted(seen[:3])
    rerun = ingest(workspace, paths, batch_size=3)
    assert (len(rerun.added), len(rerun.duplicates)) == (4, 3)


def test_a_failure_in_a_batch_costs_only_its_document(tmp_path: Path,
                                                      workspace: Workspace) -> None:
    paths = write_reports(tmp_path / "in", 4)
    finished: list[list[str]] = []

    class Hook:
        def __call__(self, conn: Connection, doc: Document) -> None:
            if "number 2 " in doc.text:
                raise RuntimeError("extractor crashed")

        def after_batch(self, conn: Connection, doc_ids: list[str]) -> None:
            finished.append(list(doc_ids))

    summary = ingest(workspace, paths, on_document=Hook(), batch_size=4)
    (failure,) = summary.failed
    assert failure.source == str(paths[2]) and "RuntimeError: extractor crashed" in failure.message
    assert len(summary.added) == 3 and count(workspace) == 3
    # The batch was rolled back whole, then stored one document to a transaction.
    assert [len(ids) for ids in finished] == [1, 1, 1]


# `frontlines ingest` in a child process, as a user runs it.
LAUNCH = "import sys; from frontlines.cli import main; sys.argv[0] = 'frontlines'; sys.exit(main())"


def _child_env() -> dict[str, str]:
    import os

    import frontlines

    source_root = str(Path(frontlines.__file__).resolve().parents[1])
    path = [source_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def ctrl_c_as_usual() -> None:
    """Run in a child before it starts: Ctrl-C (SIGINT) does what it does at a
    terminal. A test run started in the background (`pytest &`) ignores SIGINT,
    and a child would inherit that and never see the signal the test sends."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stored(ws: Workspace) -> tuple[list[str], list[tuple[str, str, str | None]], dict[str, object]]:
    """(document ids, (event id, kind, place) of every event, each unit's intervals)."""
    from frontlines.store import query_events
    from frontlines.timeline_store import load_intervals

    with ws.connect() as conn:
        docs = sorted(doc.id for doc in iter_documents(conn))
        found = sorted((e.id or "", e.kind, e.place_id) for e in query_events(conn))
        intervals = {unit: [iv.answer() for iv in ivs]
                     for unit, ivs in load_intervals(conn).items()}
    return docs, found, intervals


@pytest.mark.slow
@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGINT"])
def test_a_killed_ingest_loses_no_committed_batch_and_a_rerun_duplicates_nothing(
        afghan_workspace: Workspace, tmp_path: Path, signal_name: str) -> None:
    """`kill -9` (or Ctrl-C) in the middle of `frontlines ingest`: the batches committed
    before it are there whole, the one in hand is not there at all, and running the
    same ingest again stores exactly the rest: the documents, events and timeline
    then equal those of an ingest that was never interrupted."""
    import signal
    import subprocess
    import sys
    import time

    from .conftest import copy_workspace

    n, batch = 80, 10
    corpus = tmp_path / "corpus.jsonl"
    districts = ("Imam Sahib", "Khan Abad", "Chahar Dara", "Dasht-e-Archi", "Qala-e-Zal")
    rows = [{"id": f"k{i:03d}", "published": f"2021-07-{1 + i % 28:02d}",
             "text": f"Report {i}. The Taliban captured {districts[i % 5]} district of Kunduz "
                     f"province on Monday, a provincial council member said. Item {i} of {n}."}
            for i in range(n)]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    argv = [sys.executable, "-c", LAUNCH, "--workspace", str(ws.path), "ingest", str(corpus),
            "--batch-size", str(batch)]

    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=_child_env(), preexec_fn=ctrl_c_as_usual)
    deadline = time.monotonic() + 120
    committed = 0
    while committed < 2 * batch and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
        committed = count(ws)
    assert child.poll() is None, "the ingest ended before it could be interrupted"
    child.send_signal(getattr(signal, signal_name))
    _, errors = child.communicate(timeout=60)
    if signal_name == "SIGKILL":
        assert child.returncode == -signal.SIGKILL
    else:
        assert child.returncode == 130, errors
        assert b"interrupted: the documents in progress were not stored" in errors

    stored, events, _ = _stored(ws)
    assert 2 * batch <= len(stored) < n
    assert len(stored) % batch == 0  # whole batches only: nothing half-written
    assert {e[0].split("#")[0] for e in events} <= set(stored)

    rerun = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           env=_child_env(), timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"added {n - len(stored)}, duplicates {len(stored)}, failed 0" in rerun.stdout

    straight = copy_workspace(afghan_workspace, tmp_path / "straight")
    once = subprocess.run([*argv[:4], str(straight.path), *argv[5:]], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=_child_env(), timeout=300)
    assert once.returncode == 0, once.stderr
    after_kill, uninterrupted = _stored(ws), _stored(straight)
    assert len(after_kill[0]) == n and after_kill[1]  # every document, and events
    assert after_kill == uninterrupted
