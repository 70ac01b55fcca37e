"""The units' polygons as the web map draws them, and the work done before its first visitor.

The map asks for every unit of a level as GeoJSON (`/api/places?level=…&format=geojson`).
Simplifying and encoding a country's polygons takes a good part of a second
(Afghanistan's 399 districts) to several seconds (Ukraine's hromadas), and so
does building the front line's coverage for a fresh workspace. Done on the
first request, the first visitor's map waited for all of it (2–4.6 s to the
map drawn, against 0.7–1.1 s once warm).

`UnitGeometry` keeps the simplified geometry per level until the gazetteer
changes; `prepare_map` fills it (and the front line's coverage) for the levels
the page asks for first. `frontlines serve` calls it before accepting requests.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import shapely

from ..places.workspace import VERSION_META_KEY as GAZETTEER_VERSION_KEY
from ..profile import Profile
from ..store import Connection, get_meta

SIMPLIFY_DEGREES = 0.002
"""Tolerance of the map's polygons (about 200 m): finer than a pixel at the zoom a country fits."""
PRECISION_DEGREES = 1e-4
"""Coordinates are rounded to this grid (about 10 m): shorter GeoJSON, same drawing."""


def simplified_geojson(wkb: bytes | None) -> dict[str, Any] | None:
    """A unit's polygon (WKB) simplified and rounded for the map, as a GeoJSON geometry."""
    if not wkb:
        return None
    geometry = shapely.simplify(shapely.from_wkb(wkb), SIMPLIFY_DEGREES, preserve_topology=True)
    geometry = shapely.set_precision(geometry, PRECISION_DEGREES)
    found: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return found


class UnitGeometry:
    """The map's geometry of every unit, per level, kept until the gazetteer changes.

    Keyed, like `load_gazetteer`, on the gazetteer's change counter (bumped by
    every import) and the number of units, so boundaries imported while serving
    show up. Thread-safe: a caller asking while another builds a level waits for
    that build instead of doing it twice.
    """

    def __init__(self) -> None:
        # level → (the gazetteer's stamp when built, unit id → simplified GeoJSON geometry)
        self._levels: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def of_level(self, conn: Connection, level: int) -> dict[str, Any]:
        """Unit id → simplified GeoJSON geometry (None without a polygon) for `level`."""
        from ..timeline_store import count_units, unit_shapes

        stamp = (get_meta(conn, GAZETTEER_VERSION_KEY), count_units(conn, level))
        with self._lock:
            cached = self._levels.get(level)
            if cached is None or cached[0] != stamp:
                cached = (stamp, {unit.id: simplified_geojson(unit.geometry)
                                  for unit in unit_shapes(conn, level)})
                self._levels[level] = cached
            return cached[1]

    def levels(self) -> list[int]:
        """The levels built so far."""
        with self._lock:
            return sorted(self._levels)


@dataclass(frozen=True)
class MapPrepared:
    """What `prepare_map` did: the levels whose polygons are ready, units, seconds taken."""

    levels: tuple[int, ...]
    units: int
    seconds: float


def prepare_map(conn: Connection, profile: Profile, shapes: UnitGeometry,
                level: int | None = None) -> MapPrepared:
    """Do now what the first map drawn at `level` (default: the profile's map level) waits on.

    The polygons of that level and of the provinces (the borders drawn over a
    finer level), simplified into `shapes`; and the front line's coverage of
    the level (read from the workspace's cache folder, or built and written
    there). The timeline should be up to date first (`ensure_timeline`), as
    for any read. A workspace without boundaries yet has nothing to prepare.
    """
    from ..timeline_store import check_level, has_admin_units
    from .frontline import coverage_for

    started = time.perf_counter()
    if not has_admin_units(conn):
        return MapPrepared((), 0, time.perf_counter() - started)
    chosen = check_level(conn, level, profile)
    levels = (chosen, 1) if chosen > 1 else (chosen,)
    units = sum(len(shapes.of_level(conn, each)) for each in levels)
    coverage_for(conn, chosen)
    return MapPrepared(levels, units, time.perf_counter() - started)
