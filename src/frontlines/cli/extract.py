"""`frontlines extract`, `events` and `reextract`."""

from __future__ import annotations

import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from ..extract import events_to_jsonl
from ..pipeline import (
    ExtractionChoiceError,
    ExtractionWorkers,
    ReextractInterrupted,
    extract_file,
    reextract_all,
    resolve_choice,
    workspace_extraction,
    workspace_gazetteer,
)
from ..sources.documents import SourceError, SourceProblem
from ..store import EventFilterError, iter_events, validate_event_filters
from .base import State, cli, emit, output_format, pass_state

EVENT_COLUMNS = ("id", "date", "kind", "actor", "place_name", "admin2", "certainty", "negated", "source")
_MODEL_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _published_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """`--published` as ISO (YYYY-MM-DD or YYYY-MM-DDTHH:MM); anything else is a usage error."""
    if value is None:
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
            return datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        pass
    raise click.BadParameter(f"{value!r} is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)")


def corpus_workers(count: int | None, corpus: Path | None) -> ExtractionWorkers | None:
    """Worker processes for `extract`: as asked, or for a --corpus one per core when
    there are several (this process only reads and prints)."""
    from ..parallel import ProcessWorkers

    if count is None:
        cores = os.cpu_count() or 1
        count = cores if corpus is not None and cores > 1 else 0
    return ProcessWorkers(count) if count > 0 else None


@cli.command("extract")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--corpus",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A corpus JSONL file (../shared/eval layout): one result line per report.",
)
@click.option(
    "--published",
    callback=_published_option,
    help="Publication date (YYYY-MM-DD or YYYY-MM-DDTHH:MM), used only for reports "
    "that lack a date of their own.",
)
@click.option("--extractor", default=None, help="Registered extractor name (default: the workspace's).")
@click.option("--model", type=_MODEL_FILE, default=None, help="Decision-model file for the extractor.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes that extract a --corpus in chunks, in file order (0: extract here; "
    "default: one per core on a machine of several, a corpus of 16 reports or more).",
)
@output_format("table", "json", "jsonl")
@pass_state
def extract_command(
    state: State,
    file: Path | None,
    corpus: Path | None,
    published: str | None,
    extractor: str | None,
    model: Path | None,
    workers: int | None,
    fmt: str,
) -> None:
    """Extract events from one report FILE (or a --corpus) without storing them.

    FILE may hold several reports (JSON or JSONL); `--format jsonl` prints one
    line per report, `{"document": ID, "events": [...]}`, as --corpus does.
    Reports that cannot be read are named on stderr, one line each, the rest
    go on, and the exit status is then non-zero.
    """
    if (file is None) == (corpus is None):
        raise click.UsageError("give either FILE or --corpus")
    ws = state.workspace()
    try:
        choice = resolve_choice(workspace_extraction(ws), extractor, model)
    except ExtractionChoiceError as exc:
        raise click.BadParameter(str(exc), param_hint="--extractor") from exc
    gazetteer = workspace_gazetteer(ws)
    failed = 0

    def report(problem: SourceProblem) -> None:
        nonlocal failed
        is_error = isinstance(problem, SourceError)
        failed += is_error
        click.echo(f"{'error' if is_error else 'warning'}: {problem}", err=True)

    source = corpus or file
    assert source is not None
    results = extract_file(
        source,
        gazetteer,
        ws.profile,
        published=published,
        choice=choice,
        on_problem=report,
        workers=corpus_workers(workers, corpus),
    )
    if corpus is not None or fmt == "jsonl":
        # Streamed, a line per report as it is read: a corpus can be large.
        for line in events_to_jsonl((doc.id, events) for doc, events in results):
            click.echo(line)
    else:
        read = list(results)
        if read or not failed:
            rows: list[dict[str, Any]] = [e.to_dict() for _, events in read for e in events]
            emit(rows, fmt, EVENT_COLUMNS if fmt == "table" else None)
    if failed:
        sys.exit(1)


@cli.command("events")
@click.option("--since", help="Events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Events on or before this date (YYYY-MM-DD).")
@click.option("--place", help="A place id (any admin level, e.g. AF19 or AF1905).")
@click.option("--actor", help="An actor id from the profile.")
@click.option("--kind", help="capture, recapture, siege, clash, surrender, withdrawal, handover.")
@output_format("table", "json", "csv")
@pass_state
def events_command(
    state: State,
    since: str | None,
    until: str | None,
    place: str | None,
    actor: str | None,
    kind: str | None,
    fmt: str,
) -> None:
    """List the stored events, filtered."""
    ws = state.workspace()
    with ws.connect() as conn:
        try:
            filters = validate_event_filters(ws.profile, since, until, kind, actor, place=place, conn=conn)
        except EventFilterError as exc:
            raise click.BadParameter(str(exc), param_hint=f"--{exc.option}") from exc
        # Streamed from the store as they are printed: flat memory at any store size.
        rows = (e.to_dict() for e in iter_events(conn, **filters))
        emit(rows, fmt, EVENT_COLUMNS if fmt == "table" else None)


@cli.command("reextract")
@click.option("--extractor", default=None,
              help="Switch the workspace to this registered extractor (with its built-in model "
              "unless --model is given).")
@click.option("--model", type=_MODEL_FILE, default=None,
              help="Switch the workspace to this decision-model file.")
@pass_state
def reextract_command(state: State, extractor: str | None, model: Path | None) -> None:
    """Re-run extraction over every stored document, with the workspace's extractor or a new one.

    Without options the workspace's current choice is used (see 'frontlines
    status'); --extractor and --model change that choice first, for ingest and
    the API as well.
    """
    from rich.progress import Progress

    from .base import err_console

    ws = state.workspace()
    try:
        with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
            task = bar.add_task("re-extracting", total=None)
            result = reextract_all(
                ws, extractor, model=model,
                on_progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except ExtractionChoiceError as exc:
        raise click.ClickException(str(exc)) from exc
    except ReextractInterrupted as exc:
        click.echo(f"interrupted: {exc}; run 'frontlines reextract' again to finish", err=True)
        raise SystemExit(130) from None
    # Plain text: a model path is never read as markup, nor wrapped.
    click.echo(f"re-extracted {result.documents} documents with "
               f"{workspace_extraction(ws).describe()}: {result.events} events")
    for event_id in result.orphaned_decisions:
        click.echo(f"warning: decision on {event_id}: that event is no longer extracted", err=True)
