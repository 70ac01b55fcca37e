"""The questions the API, the exports and the maps ask the store about places,
documents and events: one typed function each, so none of them writes SQL.

(The timeline's own questions — units, intervals, control — are answered by
`timeline_store`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from . import Connection, documents, events, in_chunks, places


@dataclass(frozen=True)
class PlaceRow:
    """A stored place as the API lists it (no names, no polygon)."""

    id: str
    name: str
    level: str
    parent_id: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class PlacePoint:
    """A place's name and point: what an exported event row says of where it was."""

    name: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class DocumentFacts:
    """What an exported event row says of its report."""

    id: str
    url: str | None
    published: str | None
    outlet: str | None


PLACE_ROW_COLUMNS = (places.c.id, places.c.name, places.c.level, places.c.parent_id,
                     places.c.admin1, places.c.admin2, places.c.lat, places.c.lon)


def place_row(row: Any) -> PlaceRow:
    return PlaceRow(row.id, row.name, row.level, row.parent_id, row.admin1, row.admin2,
                    row.lat, row.lon)


def list_places(conn: Connection, levels: Sequence[str] | None = None,
                ids: Sequence[str] | None = None) -> list[PlaceRow]:
    """Stored places (of these levels, or with these ids; all when neither), by id."""
    query = select(*PLACE_ROW_COLUMNS)
    if levels is not None:
        query = query.where(places.c.level.in_(list(levels)))
    if ids is None:
        return [place_row(row) for row in conn.execute(query.order_by(places.c.id))]
    found: list[PlaceRow] = []
    for chunk in in_chunks(sorted(set(ids))):
        found.extend(place_row(row) for row in conn.execute(
            query.where(places.c.id.in_(list(chunk))).order_by(places.c.id)))
    return sorted(found, key=lambda p: p.id)


def place_row_of(conn: Connection, place_id: str) -> PlaceRow | None:
    """The stored place with this id, if any."""
    row = conn.execute(select(*PLACE_ROW_COLUMNS).where(places.c.id == place_id)).first()
    return place_row(row) if row else None


def place_points(conn: Connection) -> dict[str, PlacePoint]:
    """Every place's name and point, by id."""
    query = select(places.c.id, places.c.name, places.c.lat, places.c.lon)
    return {row.id: PlacePoint(row.name, row.lat, row.lon) for row in conn.execute(query)}


def boundary_source(conn: Connection) -> str | None:
    """Where the finest stored boundaries came from (the districts', else the provinces')."""
    for level in ("admin2", "admin1"):
        row = conn.execute(select(places.c.source).where(places.c.level == level).limit(1)).first()
        if row is not None:
            return str(row[0]) if row[0] else None
    return None


def count_places_of_levels(conn: Connection, levels: Iterable[str]) -> int:
    """How many places of these levels are stored."""
    return int(conn.execute(select(func.count()).select_from(places)
                            .where(places.c.level.in_(list(levels)))).scalar_one())


def document_urls(conn: Connection, doc_ids: Iterable[str]) -> dict[str, str | None]:
    """The URL of each of these stored documents (None where it has none), by id."""
    found: dict[str, str | None] = {}
    for chunk in in_chunks(sorted(set(doc_ids))):
        query = select(documents.c.id, documents.c.url).where(documents.c.id.in_(list(chunk)))
        found.update({row.id: row.url for row in conn.execute(query)})
    return found


def document_facts(conn: Connection, doc_ids: Iterable[str]) -> dict[str, DocumentFacts]:
    """URL, publication date and outlet of each of these stored documents, by id."""
    found: dict[str, DocumentFacts] = {}
    for chunk in in_chunks(sorted(set(doc_ids))):
        query = select(documents.c.id, documents.c.url, documents.c.published,
                       documents.c.outlet).where(documents.c.id.in_(list(chunk)))
        found.update({row.id: DocumentFacts(row.id, row.url, row.published, row.outlet)
                      for row in conn.execute(query)})
    return found


def latest_event_date(conn: Connection) -> str | None:
    """The latest `date` of any stored event, as stored (None when no event has one)."""
    raw = conn.execute(select(func.max(events.c.date))).scalar()
    return str(raw) if raw else None


def reports_behind(conn: Connection, day: date) -> tuple[int, int]:
    """(reports, events) with an event dated on or before `day`: what a map of `day` rests on."""
    query = select(func.count(func.distinct(events.c.document_id)), func.count()).where(
        events.c.date <= day.isoformat())
    reports, count = conn.execute(query).one()
    return int(reports), int(count)
