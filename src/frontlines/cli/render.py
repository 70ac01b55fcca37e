"""`frontlines map`, `chart`, `export events|control`, `serve` and `token create|list|revoke`.

Thin shells: bring the cached timeline up to date, call one function of
`render`, `export`, `tokens` or `api`, print one line saying what was written.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..export import (
    CONTROL_FORMATS,
    EVENT_FORMATS,
    ExportError,
    control_frame,
    event_records,
    latest_event_day,
    write_control,
    write_events,
)
from ..models import EVENT_KINDS
from ..outputs.frontline import frontline as front_line_of
from ..reference import ReferenceError, read_reference
from ..render import RenderError, render_chart, render_map
from ..store import EventFilterError, validate_event_filters
from ..timeline import TimelineError
from ..tokens import ROLES, WRITER, create_token, list_tokens, revoke_token
from .base import (
    State,
    cli,
    emit,
    frontline_option,
    level_option,
    output_format,
    parse_day_option,
    pass_state,
    reference_option,
    timeline_connection,
)

OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)
ERRORS = (ExportError, RenderError, ReferenceError)
"""Library errors that become one-line CLI errors (besides TimelineError)."""


@cli.command("map")
@click.option("--date", "day_text", default=None,
              help="The day (YYYY-MM-DD); default the latest day with an event.")
@click.option("--out", required=True, type=OUTPUT, help="A .png or .svg file to write.")
@level_option
@frontline_option
@pass_state
def map_command(state: State, day_text: str | None, out: Path, level: int | None,
                frontline: bool) -> None:
    """Draw the control map of a day: one colour per actor, with the evidence counted."""
    with timeline_connection(state, *ERRORS) as (conn, profile):
        day = parse_day_option(day_text, "--date") or latest_event_day(conn, profile)
        drawn = render_map(conn, profile, day, out, level, frontline=frontline)
    counts = ", ".join(f"{key} {n}" for key, n in sorted(drawn.counts.items(),
                                                         key=lambda kv: -kv[1]))
    line = ""
    if drawn.frontline is not None:
        line = "; front line " + (", ".join(
            f"{'/'.join(s.sides)} {s.length_km:,.0f} km" for s in drawn.frontline.segments)
            or "none")
    click.echo(f"wrote {out} ({drawn.day.isoformat()}: {counts}; {drawn.reports} reports; "
               f"{len(drawn.capital_changes)} capitals changed hands in the last week{line}; "
               f"{drawn.seconds:.1f} s)")


@cli.command("chart")
@click.option("--out", required=True, type=OUTPUT, help="A .png or .svg file to write.")
@click.option("--since", "since_text", default=None,
              help="First day (YYYY-MM-DD); default the profile's start.")
@click.option("--until", "until_text", default=None,
              help="Last day (YYYY-MM-DD); default the latest day with an event.")
@level_option
@reference_option
@pass_state
def chart_command(state: State, out: Path, since_text: str | None, until_text: str | None,
                  level: int | None, reference: Path | None) -> None:
    """Draw units per state per day: the curve of the offensive, with published counts over it."""
    since, until = parse_day_option(since_text, "--since"), parse_day_option(until_text, "--until")
    with timeline_connection(state, *ERRORS) as (conn, profile):
        points = read_reference(reference, profile) if reference else []
        drawn = render_chart(conn, profile, out, since, until, level, points)
    final = ", ".join(f"{key} {n}" for key, n in drawn.final.items() if n)
    click.echo(f"wrote {out} ({drawn.since.isoformat()} … {drawn.until.isoformat()}; "
               f"on the last day: {final})")


@cli.group("export")
def export_group() -> None:
    """Files for QGIS, pandas and Excel: events (ACLED-like) and control layers."""


@export_group.command("events")
@click.option("--format", "fmt", type=click.Choice(EVENT_FORMATS), default="csv",
              show_default=True, help="Output format.")
@click.option("--out", required=True, type=OUTPUT, help="The file to write.")
@click.option("--since", "since_text", default=None, help="First event day (YYYY-MM-DD).")
@click.option("--until", "until_text", default=None, help="Last event day (YYYY-MM-DD).")
@click.option("--place", default=None, help="A place id (any admin level).")
@click.option("--actor", default=None, help="An actor id of the profile.")
@click.option("--kind", type=click.Choice(EVENT_KINDS), default=None, help="An event kind.")
@pass_state
def export_events(state: State, fmt: str, out: Path, since_text: str | None,
                  until_text: str | None, place: str | None, actor: str | None,
                  kind: str | None) -> None:
    """Every stored event with ACLED-compatible columns, plus certainty and provenance."""
    ws = state.workspace()
    with ws.connect() as conn:
        try:
            filters = validate_event_filters(ws.profile, since_text, until_text, kind, actor,
                                             place=place, conn=conn)
        except EventFilterError as exc:
            raise click.BadParameter(str(exc), param_hint=f"--{exc.option}") from exc
        rows = event_records(conn, ws.profile, **filters)
    try:
        written = write_events(rows, fmt, out)
    except (ExportError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {written} events to {out}")


@export_group.command("control")
@click.option("--date", "day_text", default=None,
              help="The day (YYYY-MM-DD); default the latest day with an event.")
@click.option("--format", "fmt", type=click.Choice(CONTROL_FORMATS), default="geojson",
              show_default=True, help="Output format.")
@click.option("--out", required=True, type=OUTPUT, help="The file to write.")
@level_option
@click.option("--frontline", is_flag=True, default=False,
              help="Add the front line (where units held by different sides meet): in GeoJSON "
                   "as line features after the units, in a GeoPackage as a layer 'frontline'; "
                   "each feature has a 'layer' property (control or frontline).")
@pass_state
def export_control(state: State, day_text: str | None, fmt: str, out: Path,
                   level: int | None, frontline: bool) -> None:
    """One feature per unit with its state, status, since and confidence on a day."""
    if frontline and fmt == "csv":
        raise click.BadParameter("needs --format geojson or gpkg (a CSV holds no lines)",
                                 param_hint="--frontline")
    with timeline_connection(state, *ERRORS) as (conn, profile):
        day = parse_day_option(day_text, "--date") or latest_event_day(conn, profile)
        frame = control_frame(conn, profile, day, level)
        line = front_line_of(conn, profile, day, level) if frontline else None
    try:
        written = write_control(frame, fmt, out, line.features(profile) if line else None)
    except (ExportError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    tail = ""
    if line is not None:
        tail = " with the front line (" + (", ".join(
            f"{'/'.join(s.sides)} {s.length_km:,.0f} km" for s in line.segments) or "none") + ")"
    click.echo(f"wrote {written} units ({day.isoformat()}){tail} to {out}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@pass_state
def serve_command(state: State, host: str, port: int) -> None:
    """Serve the API (docs at /docs) and the web map (at /) for this workspace."""
    import uvicorn

    from ..api import create_app

    ws = state.workspace()
    app = create_app(ws.path, database=state.database)
    # Before listening: what the first map would otherwise wait on (the polygons simplified,
    # the front line's coverage), so the first visitor's map is drawn as fast as the next.
    try:
        done = app.state.frontlines.prepare()
        click.echo(f"map prepared: {done.units} polygons in {done.seconds:.1f} s")
    except TimelineError as exc:  # the page will say what is wrong; the API still serves
        click.echo(f"map not prepared: {exc}", err=True)
    click.echo(f"serving {ws.path} on http://{host}:{port}/ (API docs: /docs); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="info")


@cli.group("token")
def token_group() -> None:
    """Bearer tokens for the API's write endpoint (stored hashed)."""


@token_group.command("create")
@click.option("--name", required=True, help="Who or what will use the token.")
@click.option("--role", type=click.Choice(ROLES), default=WRITER, show_default=True,
              help="writer: ingest reports; analyst: also reject, restore and pin in the web app.")
@pass_state
def token_create(state: State, name: str, role: str) -> None:
    """Make a token; it is printed once and only its hash is kept."""
    ws = state.workspace()
    try:
        with ws.begin() as conn:
            token = create_token(conn, name, role)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--name") from exc
    click.echo(token)
    click.echo("Keep it now: only its hash is stored. Send it as 'Authorization: Bearer <token>'.",
               err=True)


@token_group.command("list")
@output_format("table", "json")
@pass_state
def token_list(state: State, fmt: str) -> None:
    """The tokens made so far (names and dates; the tokens themselves are not kept)."""
    with state.workspace().connect() as conn:
        rows = list_tokens(conn)
    emit(rows, fmt, ("id", "name", "role", "created_at", "revoked_at"))


@token_group.command("revoke")
@click.argument("token_id", type=int)
@pass_state
def token_revoke(state: State, token_id: int) -> None:
    """Revoke a token by its id (see 'token list')."""
    with state.workspace().begin() as conn:
        if not revoke_token(conn, token_id):
            raise click.ClickException(f"no live token with id {token_id}")
    click.echo(f"token {token_id} revoked")
