"""`frontlines extract`, `events` and `reextract`."""

from __future__ import annotations

from pathlib import Path

import click

from ..extract import DEFAULT_EXTRACTOR, events_to_jsonl, extract_corpus
from ..pipeline import extract_file, reextract_all, workspace_gazetteer
from ..store import query_events
from .base import State, cli, console, emit, output_format, pass_state

EVENT_COLUMNS = ("id", "date", "kind", "actor", "place_name", "admin2", "certainty", "negated",
                 "source")


@cli.command("extract")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A corpus JSONL file (../shared/eval layout): one result line per report.")
@click.option("--published", help="Publication date (YYYY-MM-DD) when the report lacks one.")
@click.option("--extractor", default=DEFAULT_EXTRACTOR, show_default=True,
              help="Registered extractor name.")
@output_format("table", "json", "jsonl")
@pass_state
def extract_command(state: State, file: Path | None, corpus: Path | None, published: str | None,
                    extractor: str, fmt: str) -> None:
    """Extract events from one report FILE (or a --corpus) without storing them."""
    if (file is None) == (corpus is None):
        raise click.UsageError("give either FILE or --corpus")
    ws = state.workspace()
    gazetteer = workspace_gazetteer(ws)
    if corpus is not None:
        for line in events_to_jsonl(extract_corpus(corpus, gazetteer, ws.profile, extractor)):
            click.echo(line)
        return
    assert file is not None
    try:
        events = extract_file(file, gazetteer, ws.profile, published=published, extractor=extractor)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = [e.to_dict() for e in events]
    if fmt == "jsonl":
        for line in events_to_jsonl(iter([(file.name, events)])):
            click.echo(line)
    else:
        emit(rows, fmt, EVENT_COLUMNS if fmt == "table" else None)


@cli.command("events")
@click.option("--since", help="Events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Events on or before this date (YYYY-MM-DD).")
@click.option("--place", help="A place id (any admin level, e.g. AF19 or AF1905).")
@click.option("--actor", help="An actor id from the profile.")
@click.option("--kind", help="capture, recapture, siege, clash, surrender, withdrawal, handover.")
@output_format("table", "json", "csv")
@pass_state
def events_command(state: State, since: str | None, until: str | None, place: str | None,
                   actor: str | None, kind: str | None, fmt: str) -> None:
    """List the stored events, filtered."""
    ws = state.workspace()
    with ws.connect() as conn:
        events = query_events(conn, since=since, until=until, place=place, actor=actor, kind=kind)
    rows = [e.to_dict() for e in events]
    emit(rows, fmt, EVENT_COLUMNS if fmt == "table" else None)


@cli.command("reextract")
@click.option("--extractor", default=DEFAULT_EXTRACTOR, show_default=True)
@pass_state
def reextract_command(state: State, extractor: str) -> None:
    """Re-run extraction over every stored document (after the extractor changed)."""
    ws = state.workspace()
    result = reextract_all(ws, extractor)
    console.print(f"re-extracted {result.documents} documents: {result.events} events")
    for event_id in result.orphaned_decisions:
        click.echo(f"warning: decision on {event_id}: that event is no longer extracted", err=True)
