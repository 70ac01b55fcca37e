"""`frontlines gazetteer import | add-places | search`: thin shells over `frontlines.places`."""

from __future__ import annotations

from pathlib import Path

import click

from ..pipeline import ExtractionChoiceError, refresh_after_gazetteer_change
from ..places.layers import LayerChoiceError
from ..places.workspace import add_places, import_boundary_files, load_gazetteer, missing_alias_units
from ..store import Workspace
from .base import State, apply_profile_baseline_or_fail, cli, emit, output_format, pass_state


@cli.group("gazetteer")
def gazetteer_group() -> None:
    """Places: administrative boundaries, populated places and name search."""


@gazetteer_group.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--layer", "layers", multiple=True, type=click.Path(path_type=Path),
              help="Import this file for its level, whatever else the batch holds there "
                   "(repeat for other levels).")
@click.option("--simplified/--full", default=None,
              help="Which copy of a layer to keep when a folder has both "
                   "(default: the profile's [levels] geometry, else full).")
@pass_state
def import_command(state: State, paths: tuple[Path, ...], layers: tuple[Path, ...],
                   simplified: bool | None) -> None:
    """Import boundary files (COD-AB or geoBoundaries; zip, GeoJSON, GeoPackage), settlement
    files (GeoNames exports, or tables with geonameid, name, latitude, longitude), or folders.

    One layer is kept per level (the one whose codes nest with the other levels,
    full geometry over simplified) and each file skipped is named with the reason.
    Settlements are tied to their unit at every level by point in polygon.
    """
    if not paths and not layers:
        raise click.UsageError("name files or folders to import (or --layer FILE)")
    ws = state.workspace()
    failed = 0
    try:
        for outcome in import_boundary_files(ws, paths, layers=layers, simplified=simplified):
            click.echo(outcome.describe() if outcome.ok else f"error: {outcome.error}", err=not outcome.ok)
            failed += not outcome.ok
    except LayerChoiceError as exc:
        raise click.UsageError(str(exc)) from exc
    _refresh_events(ws)
    apply_profile_baseline_or_fail(ws)
    if failed:
        raise SystemExit(1)


@gazetteer_group.command("add-places")
@pass_state
def add_places_command(state: State) -> None:
    """Add the country's populated places from GeoNames and the profile's own (re-running replaces them)."""
    ws = state.workspace()
    with ws.begin() as conn:
        count = add_places(conn, ws.profile)
        missing = missing_alias_units(conn, ws.profile)
    own = len(ws.profile.places)
    click.echo(f"added {count - own} populated places of {ws.profile.country_name} from GeoNames"
               + (f" and {own} of the profile's own" if own else ""))
    if missing:
        click.echo(f"warning: profile field 'names.aliases' names units this gazetteer lacks "
                   f"(their names were not added): {', '.join(missing)}", err=True)
    _refresh_events(ws)


def _refresh_events(ws: Workspace) -> None:
    try:
        result = refresh_after_gazetteer_change(ws)
    except ExtractionChoiceError as exc:  # the places are stored; the events wait
        raise click.ClickException(
            f"places stored, but the stored documents could not be re-extracted: {exc}; "
            "choose an extractor with 'frontlines reextract --extractor NAME'") from exc
    if result is not None:
        click.echo(f"re-extracted {result.documents} stored documents against the new gazetteer: "
                   f"{result.events} events")
        for event_id in result.orphaned_decisions:
            click.echo(f"warning: decision on {event_id}: that event is no longer extracted", err=True)


@gazetteer_group.command("search")
@click.argument("name")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@output_format("table", "json")
@pass_state
def search_command(state: State, name: str, limit: int, fmt: str) -> None:
    """Look a place up by name; transliteration variants and typos are found too."""
    workspace = state.workspace()
    with workspace.connect() as conn:
        hits = load_gazetteer(conn, workspace.profile).search(name, limit)
    emit([h.to_dict() for h in hits], fmt, columns=["id", "name", "level", "parents", "score"])
