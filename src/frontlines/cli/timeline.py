"""`frontlines control`, `changes`, `explain`, `summary`, `decide` and `baseline`: the
timeline's commands.

Each is a few lines over `timeline_store`: bring the cached timeline up to
date if the store changed behind its back, run one query, print it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..explain import render_explanation
from ..profile import Profile
from ..store import Connection
from ..store.trail import read_trail
from ..timeline import TimelineError
from ..timeline_store import (
    BaselineImport,
    changes,
    control,
    event_details,
    explain,
    import_baseline,
    list_baselines,
    load_decisions,
    pin_state,
    profile_baseline_path,
    reject_event,
    remove_baseline,
    remove_decision,
    summary,
    sync_profile_baseline,
)
from .base import (
    State,
    cli,
    console,
    emit,
    level_option,
    output_format,
    parse_day_option,
    pass_state,
    reference_option,
    timeline_connection,
)

T = TypeVar("T")

CONTROL_COLUMNS = ("place_id", "place_name", "admin1", "state", "status", "since", "confidence",
                   "evidence", "rule")


def _run(state: State, query: Callable[[Connection, Profile], T]) -> T:
    with timeline_connection(state) as (conn, profile):
        try:
            return query(conn, profile)
        except TimelineError as exc:
            raise click.ClickException(str(exc)) from exc


@cli.command("control")
@click.option("--date", "day_text", required=True, help="The day (YYYY-MM-DD).")
@level_option
@output_format("table", "json", "csv")
@pass_state
def control_command(state: State, day_text: str, level: int | None, fmt: str) -> None:
    """Who holds each unit on a date, how sure we are and since when."""
    day = parse_day_option(day_text, "--date")
    assert day is not None
    rows = _run(state, lambda conn, profile: control(conn, profile, day, level))
    emit(rows, fmt, CONTROL_COLUMNS)


@cli.command("changes")
@click.option("--since", "since_text", required=True, help="First day (YYYY-MM-DD).")
@click.option("--until", "until_text", default=None, help="Last day (YYYY-MM-DD).")
@output_format("table", "json")
@pass_state
def changes_command(state: State, since_text: str, until_text: str | None, fmt: str) -> None:
    """Every change of state between two dates, with the reports behind it."""
    since = parse_day_option(since_text, "--since")
    until = parse_day_option(until_text, "--until")
    assert since is not None

    def query(conn: Connection, profile: Profile) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        rows = changes(conn, profile, since, until)
        details = event_details(conn, (e for r in rows for e in r["events"])) \
            if fmt == "table" else {}
        return rows, details

    rows, details = _run(state, query)
    if fmt == "json":
        emit(rows, fmt)
        return
    # The table form is a list of blocks: a rich table folds long sentences unreadably.
    click.echo(f"{len(rows)} change(s) of state")
    for row in rows:
        click.echo(f"{row['date']}  {row['place_name']} ({row['place_id']}): {row['from']} → "
                   f"{row['to']}  [{row['status']}, confidence {row['confidence']:.2f}]")
        for event_id in row["events"]:
            detail = details.get(event_id)
            if detail is None:
                continue
            ev = detail.event
            click.echo(f"    {detail.outlet or ev.evidence.document_id} — "
                       f"{ev.source or 'unattributed'} ({ev.certainty}"
                       f"{', negated' if ev.negated else ''}) [{event_id}]")
            click.echo(f"      “{ev.evidence.sentence.strip()}”")


@cli.command("explain")
@click.argument("place")
@click.option("--date", "day_text", default=None, help="History up to this day (YYYY-MM-DD).")
@pass_state
def explain_command(state: State, place: str, day_text: str | None) -> None:
    """A unit's whole history: each state, the reports behind it, and why."""
    day = parse_day_option(day_text, "--date")
    lines = _run(state, lambda conn, profile: render_explanation(
        explain(conn, profile, place, day), profile))
    for line in lines:
        click.echo(line)


@cli.command("summary")
@click.option("--date", "day_text", default=None,
              help="The day (YYYY-MM-DD); required unless --series.")
@level_option
@click.option("--series", is_flag=True,
              help="Units per state per day instead (with --reference: beside published counts).")
@click.option("--since", "since_text", default=None, help="--series: first day (YYYY-MM-DD).")
@click.option("--until", "until_text", default=None, help="--series: last day (YYYY-MM-DD).")
@reference_option
@output_format("table", "json")
@pass_state
def summary_command(state: State, day_text: str | None, level: int | None, series: bool,
                    since_text: str | None, until_text: str | None, reference: Path | None,
                    fmt: str) -> None:
    """How many units each state holds on a date, or (--series) on each day."""
    if series or reference:
        _series(state, level, since_text, until_text, reference, fmt)
        return
    day = parse_day_option(day_text, "--date")
    if day is None:
        raise click.UsageError("give --date D (or --series)")
    result = _run(state, lambda conn, profile: summary(conn, profile, day, level))
    if fmt == "json":
        emit(result, fmt)
        return
    total = result["units"]
    rows = [{"state": s["state"], "status": s["status"],
             "units": f"{s['count']} of {total} {result['unit_word']}",
             "share": f"{100 * s['count'] / total:.0f}%" if total else ""}
            for s in result["states"]]
    emit(rows, "table", ("state", "status", "units", "share"),
         title=f"Control on {result['date']}")
    _print_statements(result["statements"], result["date"])


def _series(state: State, level: int | None, since_text: str | None, until_text: str | None,
            reference: Path | None, fmt: str) -> None:
    """`summary --series`: our units per state per day, and the published counts beside."""
    from ..export import latest_event_day
    from ..reference import ReferenceError, read_reference, series_summary
    from ..render import RenderError, daily_state_counts

    since = parse_day_option(since_text, "--since")
    until = parse_day_option(until_text, "--until")
    with timeline_connection(state, ReferenceError, RenderError) as (conn, profile):
        points = read_reference(reference, profile) if reference else []
        if until is None and points:  # the series reaches the last published count
            until = max(latest_event_day(conn, profile), max(p.day for p in points))
        result = series_summary(daily_state_counts(conn, profile, since, until, level), points)
    if fmt == "json":
        emit(result, fmt)
        return
    if reference:
        rows = [{**r, "ours_by_status": ", ".join(f"{n} {s}" for s, n in
                                                  r["ours_by_status"].items())}
                for r in result["reference"]]
        emit(rows, "table", ("date", "state", "reference", "ours", "difference",
                             "ours_by_status", "source"), title="Published counts and ours")
        return
    states = list(result["states"])
    emit([{"date": day, **{s: result["states"][s][i] for s in states}}
          for i, day in enumerate(result["days"])], "table", ("date", *states),
         title=f"Units per state per day ({result['units']} units)")


def _print_statements(found: list[dict[str, Any]], day: str) -> None:
    """The area statements as of a day, each with who says so: beside the map, never on it."""
    if not found:
        return
    click.echo(f"\nWhat reports say of whole areas, as of {day} (never painted onto units):")
    for item in found:
        who = item["source"] or "unattributed"
        click.echo(f"  {item['date']}  {item['text']} — {who}, in "
                   f"{item['outlet'] or item['document']} ({item['certainty']}) [{item['id']}]")
        click.echo(f"      “{item['sentence'].strip()}”")


# --- analyst decisions ------------------------------------------------------------


@cli.group("decide")
def decide_group() -> None:
    """Correct the machine: reject an event or pin a state; the timeline respects both."""


@decide_group.command("reject")
@click.argument("event_id")
@click.option("--note", default="", help="Why (kept with the decision).")
@pass_state
def decide_reject(state: State, event_id: str, note: str) -> None:
    """Ignore one event everywhere (e.g. a misread sentence)."""
    ws = state.workspace()
    try:
        with ws.begin() as conn:
            decision = reject_event(conn, ws.profile, event_id, note, who=cli_author())
    except TimelineError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"decision #{decision.id}: event {event_id} rejected")


@decide_group.command("pin")
@click.argument("unit_id")
@click.argument("state_name", metavar="STATE")
@click.option("--from", "start_text", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "end_text", default=None, help="Last day (YYYY-MM-DD); default open.")
@click.option("--note", default="", help="Why (kept with the decision).")
@pass_state
def decide_pin(state: State, unit_id: str, state_name: str, start_text: str,
               end_text: str | None, note: str) -> None:
    """Force UNIT_ID's STATE over a date range."""
    start = parse_day_option(start_text, "--from")
    end = parse_day_option(end_text, "--to")
    assert start is not None
    ws = state.workspace()
    try:
        with ws.begin() as conn:
            decision = pin_state(conn, ws.profile, unit_id, state_name, start, end, note,
                                 who=cli_author())
    except TimelineError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"decision #{decision.id}: {unit_id} pinned to {state_name}")


@decide_group.command("list")
@output_format("table", "json")
@pass_state
def decide_list(state: State, fmt: str) -> None:
    """The analyst's decisions."""
    ws = state.workspace()
    with ws.connect() as conn:
        rows = [{"id": d.id, "kind": d.kind, "event_id": d.event_id, "unit_id": d.unit_id,
                 "state": d.state, "start": d.start.isoformat() if d.start else None,
                 "end": d.end.isoformat() if d.end else None, "note": d.note}
                for d in load_decisions(conn)]
    emit(rows, fmt, ("id", "kind", "event_id", "unit_id", "state", "start", "end", "note"))


@decide_group.command("trail")
@click.option("--unit", "unit_id", default=None, help="Only acts on this unit.")
@output_format("table", "json")
@pass_state
def decide_trail(state: State, unit_id: str | None, fmt: str) -> None:
    """The audit trail: every reject, restore, pin and remove, with who, when, why, before and after."""
    ws = state.workspace()
    with ws.connect() as conn:
        rows = [e.to_dict() for e in read_trail(conn, unit_ids=[unit_id] if unit_id else None)]
    emit(rows, fmt, ("id", "action", "decision_id", "who", "at", "event_id", "unit_id", "state",
                     "start", "end", "why"))


def cli_author() -> str:
    """Who a decision made at the command line is recorded as: the user running it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@decide_group.command("remove")
@click.argument("decision_id", type=int)
@click.option("--note", default="", help="Why (kept in the audit trail).")
@pass_state
def decide_remove(state: State, decision_id: int, note: str) -> None:
    """Withdraw a decision (a rejection withdrawn restores its event)."""
    ws = state.workspace()
    try:
        with ws.begin() as conn:
            remove_decision(conn, ws.profile, decision_id, note, who=cli_author())
    except TimelineError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"decision #{decision_id} removed")


# --- baselines -----------------------------------------------------------------------


@cli.group("baseline")
def baseline_group() -> None:
    """Who held each unit before any report: baseline files (CSV or GeoJSON) of unit, state, date, source."""


@baseline_group.command("import")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="The source of rows that name none.")
@pass_state
def baseline_import(state: State, file: Path | None, source: str | None) -> None:
    """Import a baseline file, checking every row first; without FILE, the profile's."""
    ws = state.workspace()
    try:
        with ws.begin() as conn:
            if file is not None:
                found: BaselineImport | None = import_baseline(conn, ws.profile, file, source)
            elif profile_baseline_path(ws.profile, ws.path) is None:
                raise click.UsageError("give a FILE: the profile names no [start] baseline")
            else:
                found = sync_profile_baseline(conn, ws.profile, ws.path)
    except TimelineError as exc:
        raise click.ClickException(str(exc)) from exc
    if found is None:
        click.echo("the profile's baseline is already imported, unchanged")
    else:
        click.echo(f"baseline #{found.id}: {found.rows} rows imported from {found.file}")


@baseline_group.command("list")
@output_format("table", "json")
@pass_state
def baseline_list(state: State, fmt: str) -> None:
    """The imported baseline files."""
    with state.workspace().connect() as conn:
        rows = list_baselines(conn)
    emit(rows, fmt, ("id", "file", "origin", "rows", "as_of", "states", "imported_at"))


@baseline_group.command("remove")
@click.argument("import_id", type=int)
@pass_state
def baseline_remove(state: State, import_id: int) -> None:
    """Withdraw an imported baseline file; its units go back to the profile's start state."""
    ws = state.workspace()
    try:
        with ws.begin() as conn:
            removed = remove_baseline(conn, ws.profile, import_id)
    except TimelineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"baseline #{removed.id} ({removed.file}) removed")
