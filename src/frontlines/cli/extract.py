"""`frontlines extract`, `events` and `reextract`."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress

from ..documents import SourceError, SourceProblem
from ..extract import DEFAULT_EXTRACTOR, events_to_jsonl
from ..pipeline import ReextractInterrupted, extract_file, reextract_all, workspace_gazetteer
from ..store import EventFilterError, query_events, validate_event_filters
from .base import State, cli, console, emit, err_console, output_format, pass_state

EVENT_COLUMNS = ("id", "date", "kind", "actor", "place_name", "admin2", "certainty", "negated", "source")


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
@click.option("--extractor", default=DEFAULT_EXTRACTOR, show_default=True, help="Registered extractor name.")
@output_format("table", "json", "jsonl")
@pass_state
def extract_command(
    state: State, file: Path | None, corpus: Path | None, published: str | None, extractor: str, fmt: str
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
        source, gazetteer, ws.profile, published=published, extractor=extractor, on_problem=report
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
        events = query_events(conn, **filters)
    rows = [e.to_dict() for e in events]
    emit(rows, fmt, EVENT_COLUMNS if fmt == "table" else None)


@cli.command("reextract")
@click.option("--extractor", default=DEFAULT_EXTRACTOR, show_default=True)
@pass_state
def reextract_command(state: State, extractor: str) -> None:
    """Re-run extraction over every stored document (after the extractor changed)."""
    ws = state.workspace()
    try:
        with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
            task = bar.add_task("re-extracting", total=None)
            result = reextract_all(
                ws, extractor, on_progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    except ReextractInterrupted as exc:
        click.echo(f"interrupted: {exc}; run 'frontlines reextract' again to finish", err=True)
        raise SystemExit(130) from None
    console.print(f"re-extracted {result.documents} documents: {result.events} events")
    for event_id in result.orphaned_decisions:
        click.echo(f"warning: decision on {event_id}: that event is no longer extracted", err=True)
