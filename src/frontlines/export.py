"""Exports: events as ACLED-like tables, control as GIS layers.

Analysts open our data in QGIS, pandas and Excel, and many of them already
have ACLED pipelines. So the event export keeps ACLED's column names and
vocabulary where a column means the same thing (`event_date`,
`time_precision`, `sub_event_type` …), then adds what only we have
(`certainty`, `negated`, the report's URL and publication date). The control
export is one feature per admin unit with its polygon, readable by any GIS.

Everything here is built on the store and the timeline's own queries
(`timeline_store.control`); nothing re-derives control.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import Event
from .profile import Profile
from .store import Connection, query_events
from .store.queries import DocumentFacts, PlacePoint, document_facts, latest_event_date, place_points
from .store.queries import reports_behind as _reports_behind
from .timeline import TimelineError, gained_by
from .timeline_store import BadLevel, check_level, control, unit_shapes

if TYPE_CHECKING:  # geopandas is imported lazily: the API's cold start does not need it
    import geopandas as gpd

# ACLED's event types and sub-event types (ACLED Codebook, "Battles" and
# "Strategic developments"), keyed by our event kinds.
BATTLES = "Battles"
STRATEGIC = "Strategic developments"
OVERTAKES = "Non-state actor overtakes territory"
REGAINS = "Government regains territory"
ARMED_CLASH = "Armed clash"
NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"

TIME_PRECISION = {"day": 1, "week": 2, "month": 3}
"""ACLED's time_precision: 1 = the day is known, 2 = the week, 3 = the month."""

EVENT_COLUMNS: tuple[str, ...] = (
    # ACLED-compatible, in ACLED's order
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "notes",
    # ours
    "certainty", "negated", "document_url", "published",
    "kind", "place_id", "attribution", "source_side", "document_id",
)
"""Columns of `frontlines export events`. `source` is the outlet, as in ACLED;
who said it ("provincial police spokesman …") is in `attribution`."""

EVENT_FORMATS = ("csv", "geojson", "jsonl")
CONTROL_FORMATS = ("geojson", "csv", "gpkg")
CONTROL_COLUMNS: tuple[str, ...] = (
    "place_id", "place_name", "admin1", "level", "state", "status", "since", "confidence",
    "evidence", "rule",
)


class ExportError(ValueError):
    """An export that cannot be written as asked (bad format, level or date)."""


# --- writing files safely ---------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel, LibreOffice or Google Sheets read a CSV cell as a
formula (CSV injection, OWASP): a report saying `=HYPERLINK(…)` must stay text."""


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula.

    Strings starting with `=`, `+`, `-`, `@` (or a tab or carriage return) get a
    leading `'`, which spreadsheets take as "this is text" and do not show.
    Numbers, booleans and None are returned unchanged, so a negative longitude
    stays a number. Every CSV writer of frontlines (`export`, and the command
    line's `--format csv`) passes its cells through this.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside `out`; moved over `out` only when the block succeeds.

    Readers of `out` (QGIS, a dashboard polling the file) see the old file or
    the new one, never half of one, and a failed export leaves the old file in
    place. The temporary name keeps `out`'s suffix, which some GDAL drivers read.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{secrets.token_hex(6)}.tmp{out.suffix}")
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def acled_types(event: Event, profile: Profile) -> tuple[str, str]:
    """(event_type, sub_event_type) of an event in ACLED's vocabulary.

    A capture or recapture by the government is ACLED's "Government regains
    territory", by anyone else "Non-state actor overtakes territory". A
    surrender, handover or withdrawal moves territory without a battle:
    "Non-violent transfer of territory". Sieges and clashes are armed clashes.
    """
    if event.kind in ("capture", "recapture"):
        return BATTLES, REGAINS if event.actor == profile.government else OVERTAKES
    if event.kind in ("surrender", "handover", "withdrawal"):
        return STRATEGIC, NON_VIOLENT_TRANSFER
    return BATTLES, ARMED_CLASH


def _actor_label(profile: Profile, actor_id: str | None) -> str | None:
    if not actor_id:
        return None
    try:
        return profile.actor(actor_id).name
    except KeyError:
        return actor_id


def acled_actors(event: Event, profile: Profile) -> tuple[str | None, str | None]:
    """(actor1, actor2) as ACLED codes them.

    For a withdrawal ACLED names the side that takes over as actor1, so the
    withdrawing side (our `actor`) becomes actor2; the timeline's
    `gained_by` says who takes over.
    """
    if event.kind == "withdrawal":
        taker = gained_by(event, profile)
        if taker and taker != event.actor:
            return _actor_label(profile, taker), _actor_label(profile, event.actor)
    return _actor_label(profile, event.actor), _actor_label(profile, event.opponent)


def event_records(conn: Connection, profile: Profile, *, since: str | None = None,
                  until: str | None = None, place: str | None = None,
                  actor: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Events (filtered as `query_events` does) as rows with `EVENT_COLUMNS`."""
    found = query_events(conn, since=since, until=until, place=place, actor=actor, kind=kind)
    docs = document_facts(conn, {e.evidence.document_id for e in found})
    facts = place_points(conn)
    return [_event_record(ev, profile, docs.get(ev.evidence.document_id), facts) for ev in found]


def _event_record(event: Event, profile: Profile, doc: DocumentFacts | None,
                  facts: dict[str, PlacePoint]) -> dict[str, Any]:
    event_type, sub_event_type = acled_types(event, profile)
    actor1, actor2 = acled_actors(event, profile)
    here = facts.get(event.place_id)
    # Without a point of its own (rare), an event sits at its district, then its province.
    located = next((f for f in (here, facts.get(event.admin2 or ""), facts.get(event.admin1 or ""))
                    if f is not None and f.lat is not None), None)
    admin1 = facts.get(event.admin1 or "")
    admin2 = facts.get(event.admin2 or "")
    return {
        "event_id": event.id,
        "event_date": event.date,
        "time_precision": TIME_PRECISION.get(event.date_precision, 3),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actor1,
        "actor2": actor2,
        "admin1": admin1.name if admin1 else event.admin1,
        "admin2": admin2.name if admin2 else event.admin2,
        "location": event.place_name,
        "latitude": located.lat if located else None,
        "longitude": located.lon if located else None,
        "geo_precision": event.geo_precision,
        "source": (doc.outlet if doc is not None else None) or event.evidence.document_id,
        "notes": event.evidence.sentence.strip(),
        "certainty": event.certainty,
        "negated": bool(event.negated),
        "document_url": doc.url if doc is not None else None,
        "published": doc.published if doc is not None else None,
        "kind": event.kind,
        "place_id": event.place_id,
        "attribution": event.source,
        "source_side": event.source_side,
        "document_id": event.evidence.document_id,
    }


def write_events(records: Sequence[dict[str, Any]], fmt: str, out: Path) -> int:
    """Write event rows as csv, jsonl or geojson (points); returns the rows written."""
    if fmt not in EVENT_FORMATS:
        raise ExportError(f"unknown format {fmt!r} (expected {', '.join(EVENT_FORMATS)})")
    if fmt == "jsonl":
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as fh:
            for row in records:
                fh.write(json.dumps({c: row[c] for c in EVENT_COLUMNS}, ensure_ascii=False) + "\n")
        return len(records)
    import pandas as pd

    frame = pd.DataFrame(list(records), columns=list(EVENT_COLUMNS))
    if fmt == "csv":
        _write_csv(frame, out)
        return len(frame)
    import geopandas as gpd

    points = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs="EPSG:4326")
    layer = gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")
    _write_vector(layer, out, "GeoJSON", "events")
    return len(layer)


def _write_csv(frame: Any, out: Path) -> None:
    """A frame as CSV for Excel: no cell runs as a formula, written atomically."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    safe = frame.copy()
    for column in safe.columns:
        if not (is_numeric_dtype(safe[column]) or is_bool_dtype(safe[column])):
            safe[column] = safe[column].map(spreadsheet_safe)
    with atomic_path(out) as tmp:
        # utf-8-sig: Excel reads Dari names right only with the byte-order mark.
        safe.to_csv(tmp, index=False, encoding="utf-8-sig")


def _write_vector(frame: gpd.GeoDataFrame, out: Path, driver: str, layer: str) -> None:
    # A fresh temporary file each time: GDAL would append a layer to an existing GeoPackage.
    with atomic_path(out) as tmp:
        if driver == "GPKG":
            frame.to_file(tmp, driver=driver, layer=layer, engine="pyogrio")
        else:
            frame.to_file(tmp, driver=driver, engine="pyogrio")


# --- control --------------------------------------------------------------------------


def unit_geometries(conn: Connection, level: int) -> gpd.GeoDataFrame:
    """The admin units of one level with their polygons (EPSG:4326), indexed by id.

    Coarser units standing in for missing finer ones (`standin_ids`: Crimea's
    raions at the hromada level) are units of the level too; `unit_level` says
    which level each row really is.
    """
    import geopandas as gpd
    import shapely

    rows = unit_shapes(conn, level)
    geometry = [shapely.from_wkb(r.geometry) if r.geometry else None for r in rows]
    frame = gpd.GeoDataFrame(
        {"place_id": [r.id for r in rows], "place_name": [r.name for r in rows],
         "admin1": [r.admin1 or (r.id if r.level == "admin1" else None) for r in rows],
         "lat": [r.lat for r in rows], "lon": [r.lon for r in rows],
         "unit_level": [r.level for r in rows]},
        geometry=geometry, crs="EPSG:4326",
    )
    return frame.set_index("place_id", drop=False)


def resolve_level(conn: Connection, level: int | None, profile: Profile | None = None) -> int:
    """The level asked for, or the profile's map level; an ExportError if too fine."""
    try:
        return check_level(conn, level, profile)
    except BadLevel as exc:
        raise ExportError(f"--{exc}") from exc


def control_frame(conn: Connection, profile: Profile, day: date,
                  level: int | None = None) -> gpd.GeoDataFrame:
    """One row per unit: its polygon and the timeline's answer for `day`.

    Call `timeline_store.ensure_timeline` first (in a write transaction) if the
    store may have changed since the cache was built.
    """
    chosen = resolve_level(conn, level, profile)
    try:
        rows = control(conn, profile, day, chosen)
    except TimelineError as exc:
        raise ExportError(str(exc)) from exc
    units = unit_geometries(conn, chosen)
    by_id = {row["place_id"]: row for row in rows}
    frame = units.copy()
    # Each unit's own level: a raion standing in for missing hromadas says admin2.
    frame["level"] = frame["unit_level"]
    for column in ("state", "status", "since"):
        frame[column] = [by_id.get(pid, {}).get(column) for pid in frame["place_id"]]
    frame["confidence"] = [by_id.get(pid, {}).get("confidence") for pid in frame["place_id"]]
    frame["evidence"] = [" ".join(by_id.get(pid, {}).get("evidence") or ())
                         for pid in frame["place_id"]]
    frame["rule"] = [by_id.get(pid, {}).get("rule") or "" for pid in frame["place_id"]]
    return frame


def write_control(frame: gpd.GeoDataFrame, fmt: str, out: Path,
                  frontline: Sequence[dict[str, Any]] | None = None) -> int:
    """Write a `control_frame` as geojson, gpkg (layer `control`) or csv; returns the units.

    `frontline`: GeoJSON features of the front line (`FrontLine.features`) to
    write beside the units, as a QGIS user opens them: a GeoPackage gets a
    second layer `frontline`; a GeoJSON file gets the lines after the unit
    polygons, every feature with a `layer` property (`control` or
    `frontline`), which QGIS offers as two layers (one per geometry type). A
    CSV has no lines: asking for them there is an error.
    """
    if fmt not in CONTROL_FORMATS:
        raise ExportError(f"unknown format {fmt!r} (expected {', '.join(CONTROL_FORMATS)})")
    if fmt == "csv":
        if frontline is not None:
            raise ExportError("--frontline needs --format geojson or gpkg (a CSV holds no lines)")
        table = frame[list(CONTROL_COLUMNS)].copy()
        table["latitude"] = frame["lat"]
        table["longitude"] = frame["lon"]
        _write_csv(table, out)
        return len(table)
    layer = frame[[*CONTROL_COLUMNS, "geometry"]].reset_index(drop=True)
    if frontline is None:
        _write_vector(layer, out, "GPKG" if fmt == "gpkg" else "GeoJSON", "control")
        return len(layer)
    layer.insert(0, "layer", "control")
    if fmt == "gpkg":
        import geopandas as gpd

        with atomic_path(out) as tmp:
            layer.to_file(tmp, driver="GPKG", layer="control", engine="pyogrio")
            lines = gpd.GeoDataFrame.from_features(list(frontline), crs="EPSG:4326") if frontline \
                else gpd.GeoDataFrame({"layer": []}, geometry=[], crs="EPSG:4326")
            lines.to_file(tmp, driver="GPKG", layer="frontline", engine="pyogrio", mode="a")
        return len(layer)
    collection = json.loads(layer.to_json(drop_id=True))
    collection["features"].extend(frontline)
    with atomic_path(out) as tmp:
        tmp.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return len(layer)


# --- small shared queries ------------------------------------------------------------------


def latest_event_day(conn: Connection, profile: Profile) -> date:
    """The date of the latest dated event (the profile's start date when there is none).

    Where a map or chart "ends" by default: the last day any report speaks of.
    """
    raw = latest_event_date(conn)
    try:
        found = date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        found = None
    return max(found, profile.start_date) if found else profile.start_date


def reports_behind(conn: Connection, day: date) -> tuple[int, int]:
    """(reports, events) with an event dated on or before `day`: what a map of `day` rests on."""
    return _reports_behind(conn, day)

