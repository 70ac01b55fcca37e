"""`frontlines ingest`, `frontlines documents list|show` and `frontlines status`.

Thin shells over `frontlines.sources.ingest` and the store. Report text is untrusted,
so it is printed with click (never through rich markup), and error lines are
printed unwrapped: one line per problem, whatever the terminal width.
"""

from __future__ import annotations

import json
import sys
from types import TracebackType
from typing import Any

import click
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ..pipeline import (
    ExtractionChoiceError,
    ExtractionWorkers,
    StoreExtraction,
    check_extractor,
    workspace_extraction,
)
from ..sources.documents import DEFAULT_MAX_BYTES, replace_control_chars
from ..sources.ingest import CLI_BATCH_SIZE, IngestInterrupted, IngestStopped, IngestSummary, ingest
from ..sources.ingest import Progress as IngestProgress
from ..store import ExtractionChoice, document_ingested_at, get_document, list_documents_sorted
from ..store import workspace_status as store_status
from .base import State, cli, emit, err_console, output_format, pass_state


class _ProgressBar:
    """Progress on stderr while ingesting; only on a terminal (in logs and pipes it is noise).

    Several units (files, URLs): a bar over them. One unit, such as a large
    JSONL corpus or a feed: a spinner counting the records read, shown once
    there is more than one. Either way the description counts the records
    added, duplicate and failed so far.
    """

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __call__(self, p: IngestProgress) -> None:
        if not err_console.is_terminal:
            return
        several = p.total > 1
        if self._bar is None:
            if not several and p.records < 2:
                return  # one small file: done before a bar would help
            columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
            if several:
                columns += [BarColumn(), MofNCompleteColumn()]
            self._bar = Progress(*columns, TimeElapsedColumn(), console=err_console,
                                 transient=True)
            self._bar.start()
            self._task = self._bar.add_task("ingesting", total=p.total if several else None)
        label = p.current.rsplit("/", 1)[-1][-40:]
        self._bar.update(
            self._task,
            completed=p.done if several else p.records,
            description=(f"{p.records} records (+{p.added} ={p.duplicates} !{p.failed})"
                         f" {escape(label)}"),
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()


def extraction_workers(workers: int | None, dask_address: str | None) -> ExtractionWorkers | None:
    """The workers `--workers` / `--dask` ask for (None: extract in this process)."""
    from ..parallel import DaskWorkers, ProcessWorkers, default_workers

    if dask_address is not None:
        return DaskWorkers(dask_address)
    count = default_workers() if workers is None else workers
    return ProcessWorkers(count) if count > 0 else None


def _print_summary(summary: IngestSummary) -> None:
    click.echo(summary.headline())
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for failure in summary.failed:
        click.echo(f"error: {failure}", err=True)


@cli.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow URLs on loopback, private or link-local addresses (refused by default).",
)
@click.option(
    "--max-size",
    "max_mb",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_BYTES / (1024 * 1024),
    show_default=True,
    help="Size cap in MB for a file, a JSONL record or a download.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=CLI_BATCH_SIZE,
    show_default=True,
    help="New documents stored per transaction (with one timeline recompute).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes that extract while this one stores (0: extract here; "
         "default: one per core beyond the first, at least one).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="local:N|tcp://SCHEDULER",
    help="Extract on a Dask cluster: N local worker processes, or a running scheduler's workers.",
)
@pass_state
def ingest_command(state: State, sources: tuple[str, ...], allow_private: bool,
                   max_mb: float, batch_size: int, workers: int | None,
                   dask_address: str | None) -> None:
    """Read reports from files, directories, JSON/JSONL corpora, URLs and feeds.

    New documents are stored in batches, one transaction each; duplicates
    (same normalised text or URL) are skipped. Extraction runs in worker
    processes (or on a Dask cluster) while the batches are written; the
    events are the same as with --workers 0. Exits non-zero if anything failed.
    """
    ws = state.workspace()
    if dask_address is not None and workers is not None:
        raise click.UsageError("--dask and --workers exclude each other")
    try:
        pool = extraction_workers(workers, dask_address)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        extraction = StoreExtraction(ws, workers=pool)  # the workspace's extractor, checked now
    except ExtractionChoiceError as exc:
        raise click.ClickException(f"{exc}; choose one with 'frontlines reextract "
                                   "--extractor NAME'") from exc
    try:
        with extraction, _ProgressBar() as bar:
            summary = ingest(
                ws,
                sources,
                allow_private=allow_private,
                max_bytes=int(max_mb * 1024 * 1024),
                on_progress=bar,
                # Events are extracted and stored in each batch's transaction, and the
                # timeline recomputed once per batch.
                on_document=extraction,
                batch_size=batch_size,
            )
    except IngestInterrupted as exc:
        _print_summary(exc.summary)
        click.echo("interrupted: the documents in progress were not stored (run the same "
                   "ingest again to finish)", err=True)
        sys.exit(130)
    except IngestStopped as exc:
        _print_summary(exc.summary)
        click.echo(f"error: {exc.reason}", err=True)
        click.echo("stopped: the documents in progress were not stored, and what was stored "
                   "before is intact (run the same ingest again to finish)", err=True)
        sys.exit(1)
    _print_summary(summary)
    click.echo(f"events extracted: {extraction.events}")
    if not summary.ok:
        sys.exit(1)


@cli.group("documents")
def documents_group() -> None:
    """The reports held in the workspace."""


@documents_group.command("list")
@output_format("table", "json")
@pass_state
def documents_list(state: State, fmt: str) -> None:
    """Every stored document, oldest publication first (undated last), and who posted it."""
    with state.workspace().connect() as conn:
        rows = list_documents_sorted(conn)
    if fmt == "table":
        # The table leaves out URLs and file paths (long, and wrapped into unreadable
        # columns); JSON has them. `posted`: who posted it through the API, from where, when.
        table = [{**row, "posted": posted_text(row["posted_by"], row["posted_from"],
                                               row["ingested_at"])} for row in rows]
        emit(table, fmt, columns=["id", "published", "outlet", "title", "posted"])
        return
    emit(rows, fmt)


def posted_text(by: str | None, client: str | None, at: str | None) -> str | None:
    """`NAME from ADDRESS at TIME` for a document posted through the API; None otherwise."""
    if by is None:
        return None
    return f"{by} from {client or 'an unknown address'} at {at}"


@documents_group.command("show")
@click.argument("doc_id")
@output_format("text", "json")
@pass_state
def documents_show(state: State, doc_id: str, fmt: str) -> None:
    """One document: its metadata, related headlines and full text."""
    with state.workspace().connect() as conn:
        doc = get_document(conn, doc_id)
        ingested_at = document_ingested_at(conn, doc_id)
    if doc is None:
        raise click.ClickException(
            f"no document with id {doc_id!r} (see 'frontlines documents list')"
        )
    if fmt == "json":
        data = {
            "id": doc.id, "title": doc.title, "published": doc.published, "outlet": doc.outlet,
            "url": doc.url, "language": doc.language, "origin": doc.origin,
            "ingested_at": ingested_at, "posted_by": doc.posted_by,
            "posted_from": doc.posted_from,
            "content_hash": doc.content_hash, "related": list(doc.related), "text": doc.text,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    fields = [
        ("id", doc.id), ("title", doc.title), ("published", doc.published),
        ("outlet", doc.outlet), ("url", doc.url), ("language", doc.language),
        ("origin", doc.origin), ("ingested", ingested_at),
        ("posted", posted_text(doc.posted_by, doc.posted_from, ingested_at)),
    ]
    # New documents hold no control characters (see `documents.make_document`);
    # ones stored by older versions are cleaned here, so no escape reaches the terminal.
    for name, value in fields:
        click.echo(f"{name + ':':<11}{replace_control_chars(value) if value is not None else '-'}")
    if doc.related:
        click.echo("related:")
        for headline in doc.related:
            click.echo(f"  - {replace_control_chars(headline)}")
    click.echo("")
    click.echo(replace_control_chars(doc.text))


def workspace_status(state: State) -> dict[str, Any]:
    """The data behind `frontlines status`: the workspace, its profile and `store.workspace_status`."""
    ws = state.workspace()
    with ws.connect() as conn:
        held = store_status(conn)
    choice = workspace_extraction(ws)
    try:
        check_extractor(choice.extractor)
        problem = None
    except ExtractionChoiceError as exc:  # e.g. a workspace made with an extractor since removed
        problem = str(exc)
    return {"workspace": str(ws.path), "profile": ws.profile.name,
            "country": ws.profile.country_name, "extractor": choice.extractor,
            "model": choice.model, "extractor_problem": problem, **held}


@cli.command("status")
@output_format("text", "json")
@pass_state
def status_command(state: State, fmt: str) -> None:
    """What the workspace holds: profile, extractor, places, documents and events."""
    info = workspace_status(state)
    if fmt == "json":
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"workspace  {info['workspace']}")
    click.echo(f"profile    {info['profile']} ({info['country']})")
    click.echo(f"extractor  {ExtractionChoice(info['extractor'], info['model']).describe()}")
    if info["extractor_problem"]:
        click.echo(f"           {info['extractor_problem']}: choose one with "
                   "'frontlines reextract --extractor NAME'")
    places = info["places"]
    if places:
        per_level = ", ".join(f"{level} {n}" for level, n in places.items())
        click.echo(f"places     {sum(places.values())} ({per_level})")
    else:
        click.echo("places     none (run 'frontlines gazetteer import')")
    line = f"documents  {info['documents']}"
    if info["published_from"]:
        line += f" (published {info['published_from']} … {info['published_to']}"
        line += f"; {info['documents_undated']} undated)" if info["documents_undated"] else ")"
    click.echo(line)
    if info["events"]:
        span = f" ({info['events_from']} … {info['events_to']})" if info["events_from"] else ""
        click.echo(f"events     {info['events']}{span}")
    else:
        click.echo("events     none")
