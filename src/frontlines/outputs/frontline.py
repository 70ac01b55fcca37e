"""The front line: where units held by different sides meet, drawn as a line.

ISW's and the Long War Journal's maps show who holds what by colour and
where the sides meet by one bold line. That line is not a separate fact: it
follows from the control of each unit on a day. For a day:

- each unit falls in a *category*: the side its state's actor fights on
  (`Profile.side_of`, so a militia on the government's side is the
  government's side), whatever the status (`baseline`, `claimed` and
  `inferred` units count for their state, as the map paints them);
  `contested` units are a category of their own; `unknown` units are in
  none (not knowing who holds a unit is no front);
- the front line is every boundary piece shared by two neighbouring units of
  different categories, grouped by the pair of categories.

Contested units: the line runs *around* them. A contested unit is where the
sides fight, so the boundary between a side and a contested unit is drawn
too, as a piece of kind `contested`; between two sides the kind is `front`.
A user who wants only the line between held areas keeps kind `front`.

The geometry is worked out once per set of boundaries (`Coverage`): the units
are simplified together (`shapely.coverage_simplify`, which keeps shared
edges shared, the way the simplified boundary layers of ../shared were made)
and every pair of neighbours gets the piece of boundary it shares. Neighbours
closer than `GAP_DEGREES` count as touching, so hairline gaps and overlaps
in real boundary files (snapping, hand-made gap-fills) do not break the
line. A day's front line is then only a selection of those pieces: cheap
enough for the web app to ask for it at every step of the slider. The
coverage of a workspace is cached in memory and in a file beside its
database (`coverage_for`), like the gazetteer's name indexes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.errors import GEOSException

from ..profile import Profile
from ..store import Connection, database_file, get_meta
from ..timeline import CONTESTED

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

DISPLAY_DEGREES = 0.001
"""Tolerance of the simplified unit geometry (about 70-110 m), the one of the simplified
layers in ../shared/geo/ukraine: invisible on a country map, four times fewer vertices."""
GAP_DEGREES = 0.0005
"""Units closer than this (about 50 m) are neighbours: real coverages have hairline gaps."""
FRONT = "front"
"""Kind of a piece between two sides."""
CONTESTED_EDGE = "contested"
"""Kind of a piece between a side and a contested unit."""
CACHE_FORMAT = 1
CACHE_FOLDER = "cache"
CACHE_PREFIX = "coverage-"


class FrontLineError(ValueError):
    """A front line that cannot be worked out as asked."""


# --- the geometry: units and the boundaries neighbours share ---------------------------------


@dataclass(frozen=True)
class Coverage:
    """Units' simplified polygons and, for each pair of neighbours, the boundary they share.

    `left[k]`, `right[k]` index `ids`; `edges[k]` is the (multi)line along
    which they meet (taken from the left unit's boundary).
    """

    ids: tuple[str, ...]
    geometries: np.ndarray
    left: np.ndarray
    right: np.ndarray
    edges: np.ndarray

    def geometry_of(self) -> dict[str, BaseGeometry]:
        return dict(zip(self.ids, self.geometries, strict=True))


def simplify_coverage(geometries: Sequence[Any], tolerance: float = DISPLAY_DEGREES) -> np.ndarray:
    """Polygons simplified together, so that shared edges stay shared.

    `coverage_simplify` needs polygons; a set it cannot take (GEOS refuses
    some invalid coverages) is simplified unit by unit instead, which keeps
    each polygon valid but may open hairline gaps that `GAP_DEGREES` bridges.
    """
    array = np.array([g if g is not None else shapely.Polygon() for g in geometries], dtype=object)
    if not len(array) or tolerance <= 0:
        return array
    try:
        return np.asarray(shapely.coverage_simplify(array, tolerance))
    except (GEOSException, ValueError):
        return np.asarray(shapely.simplify(array, tolerance, preserve_topology=True))


def build_coverage(ids: Sequence[str], geometries: Sequence[Any],
                   tolerance: float = DISPLAY_DEGREES, gap: float = GAP_DEGREES) -> Coverage:
    """Simplify the units together and find the boundary each pair of neighbours shares.

    A shared piece is the part of one unit's boundary within `gap` of the
    other: exactly the common edge where the two polygons share it, and the
    near side of a hairline gap where they do not. Two units meeting at a
    corner share no line (pieces shorter than `2 * gap` are dropped).
    """
    if len(ids) != len(geometries):
        raise FrontLineError("ids and geometries differ in length")
    simplified = simplify_coverage(geometries, tolerance)
    if not len(simplified):
        empty = np.array([], dtype=np.int64)
        return Coverage(tuple(ids), simplified, empty, empty, np.array([], dtype=object))
    tree = shapely.STRtree(simplified)
    left, right = tree.query(simplified, predicate="dwithin", distance=gap)
    keep = left < right
    left, right = left[keep], right[keep]
    touching = shapely.intersection(shapely.boundary(simplified[left]),
                                    shapely.buffer(simplified[right], gap))
    edges = np.array([_lines_only(g, 2 * gap) for g in touching], dtype=object)
    found = ~shapely.is_empty(edges) if len(edges) else np.array([], dtype=bool)
    return Coverage(tuple(ids), simplified, left[found].astype(np.int64),
                    right[found].astype(np.int64), edges[found])


def _lines_only(geometry: Any, min_length: float) -> Any:
    """The line parts of an intersection (points dropped), merged, without the short stubs."""
    parts = [p for p in shapely.get_parts(geometry)
             if p.geom_type in ("LineString", "LinearRing") and p.length > 0]
    if not parts:
        return shapely.MultiLineString()
    merged = shapely.line_merge(shapely.MultiLineString([shapely.LineString(p.coords)
                                                         for p in parts]))
    kept = [p for p in shapely.get_parts(merged) if p.length >= min_length]
    return shapely.MultiLineString(kept) if kept else shapely.MultiLineString()


# --- a day's front line --------------------------------------------------------------------


@dataclass(frozen=True)
class FrontSegment:
    """The line along which two categories meet on a day: two sides, or a side and a
    contested zone (`kind`)."""

    sides: tuple[str, str]
    kind: str
    geometry: Any  # a MultiLineString
    units: int  # how many unit boundaries it runs along

    @property
    def length_km(self) -> float:
        return line_length_km(self.geometry)


@dataclass(frozen=True)
class FrontLine:
    """Every piece of the front line on a day, at one admin level."""

    day: date
    level: int
    segments: tuple[FrontSegment, ...]

    @property
    def empty(self) -> bool:
        return not self.segments

    def geometry(self, kinds: Iterable[str] = (FRONT, CONTESTED_EDGE)) -> Any:
        """All the pieces of these kinds as one MultiLineString."""
        wanted = set(kinds)
        lines = [p for s in self.segments if s.kind in wanted
                 for p in shapely.get_parts(s.geometry)]
        return shapely.MultiLineString(lines) if lines else shapely.MultiLineString()

    def features(self, profile: Profile) -> list[dict[str, Any]]:
        """GeoJSON features, one per pair of categories (see `feature`)."""
        return [feature(segment, self.day, self.level, profile) for segment in self.segments]

    def geojson(self, profile: Profile) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features(profile)}


def category_of(state: str | None, profile: Profile) -> str | None:
    """The category a unit in `state` counts for: its side, `contested`, or None
    (`unknown`, or a state that is no actor of the profile)."""
    if state == CONTESTED:
        return CONTESTED
    if state in profile.actor_ids:
        return profile.side_of(state)
    return None


def unit_categories(rows: Iterable[Mapping[str, Any]], profile: Profile) -> dict[str, str]:
    """Unit id → category, for control rows (`place_id`, `state`)."""
    found: dict[str, str] = {}
    for row in rows:
        category = category_of(row.get("state"), profile)
        if category is not None:
            found[str(row["place_id"])] = category
    return found


def front_line(coverage: Coverage, categories: Mapping[str, str], day: date, level: int,
               order: Sequence[str] = ()) -> FrontLine:
    """The pieces of `coverage` between units of different categories, one segment per pair.

    `order` (the profile's sides) orders the two categories of a segment and
    the segments: sides in that order, `contested` after them, others by name.
    """
    rank = {name: i for i, name in enumerate(order)}

    def key(name: str) -> tuple[int, int, str]:
        return (name == CONTESTED, rank.get(name, len(rank)), name)

    ids = coverage.ids
    pieces: dict[tuple[str, str], list[Any]] = defaultdict(list)
    units: dict[tuple[str, str], set[str]] = defaultdict(set)
    for left, right, edge in zip(coverage.left, coverage.right, coverage.edges, strict=True):
        a, b = categories.get(ids[left]), categories.get(ids[right])
        if a is None or b is None or a == b or (a == CONTESTED and b == CONTESTED):
            continue
        pair = (a, b) if key(a) <= key(b) else (b, a)
        pieces[pair].extend(shapely.get_parts(edge))
        units[pair].update((ids[left], ids[right]))
    segments = []
    for pair in sorted(pieces, key=lambda p: (key(p[0]), key(p[1]))):
        merged = shapely.line_merge(shapely.MultiLineString(pieces[pair]))
        lines = shapely.MultiLineString(list(shapely.get_parts(merged)))
        kind = CONTESTED_EDGE if CONTESTED in pair else FRONT
        segments.append(FrontSegment(pair, kind, lines, len(units[pair])))
    return FrontLine(day, level, tuple(segments))


def line_length_km(geometry: Any) -> float:
    """Length of lon/lat lines in km (local equirectangular: fine at a unit's scale)."""
    total = 0.0
    for part in shapely.get_parts(geometry):
        coords = np.asarray(part.coords)
        if len(coords) < 2:
            continue
        lat = np.radians((coords[1:, 1] + coords[:-1, 1]) / 2)
        dx = np.diff(coords[:, 0]) * np.cos(lat)
        dy = np.diff(coords[:, 1])
        total += float(np.sum(np.hypot(dx, dy))) * 111.32
    return round(total, 1)


def feature(segment: FrontSegment, day: date, level: int, profile: Profile) -> dict[str, Any]:
    """A GeoJSON feature: the MultiLineString and what a GIS user filters on (`kind`,
    the two sides by id and by name, the date, the length)."""

    def name(category: str) -> str:
        if category == CONTESTED:
            return "Contested"
        try:
            return profile.actor(category).name
        except KeyError:
            return category

    coordinates = [[[round(x, 5), round(y, 5)] for x, y in part.coords]
                   for part in shapely.get_parts(segment.geometry)]
    return {
        "type": "Feature",
        "properties": {
            "layer": "frontline", "date": day.isoformat(), "level": level, "kind": segment.kind,
            "side_a": segment.sides[0], "side_b": segment.sides[1],
            "side_a_name": name(segment.sides[0]), "side_b_name": name(segment.sides[1]),
            "units": segment.units, "length_km": segment.length_km,
        },
        "geometry": {"type": "MultiLineString", "coordinates": coordinates},
    }


# --- a workspace's coverage, cached ----------------------------------------------------------

# (database, level, stamp) -> coverage: one process draws many days of one workspace.
_memory: dict[tuple[str, int], tuple[str, Coverage]] = {}


def coverage_for(conn: Connection, level: int, tolerance: float = DISPLAY_DEGREES) -> Coverage:
    """The coverage of a workspace's units of `level` (stand-ins included).

    Built on first use, then kept in memory and in `cache/coverage-<state>-L<level>.npz`
    beside the database (plain arrays and WKB, loaded without pickle: a workspace
    folder may come from someone else). The state hashes the gazetteer's change
    counter and token, so boundaries imported later are never drawn from a stale file.
    """
    from ..export import unit_geometries
    from ..places.workspace import TOKEN_META_KEY, VERSION_META_KEY

    database = database_file(conn) or ""
    stamp = json.dumps([CACHE_FORMAT, shapely.__version__, tolerance, GAP_DEGREES, level,
                        get_meta(conn, VERSION_META_KEY), get_meta(conn, TOKEN_META_KEY)])
    state = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    cached = _memory.get((database, level))
    if cached is not None and cached[0] == state:
        return cached[1]
    keep = bool(database) and database != ":memory:"
    file = Path(database).parent / CACHE_FOLDER / f"{CACHE_PREFIX}{state}-L{level}.npz"
    coverage = _read(file) if keep else None
    if coverage is None:
        units = unit_geometries(conn, level)
        coverage = build_coverage(list(units["place_id"]), list(units.geometry), tolerance)
        if keep:
            _write(file, coverage)
    if keep:
        _memory[(database, level)] = (state, coverage)
    return coverage


def _pack(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    blobs = [shapely.to_wkb(g) for g in geometries]
    offsets = np.cumsum([0, *(len(b) for b in blobs)]).astype(np.int64)
    return np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets


def _unpack(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    raw = data.tobytes()
    blobs = [raw[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
    return np.asarray(shapely.from_wkb(blobs)) if blobs else np.array([], dtype=object)


def _write(file: Path, coverage: Coverage) -> None:
    """Write the cache file (atomically); a folder that cannot be written is no error."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        polygons, polygon_offsets = _pack(coverage.geometries)
        edges, edge_offsets = _pack(coverage.edges)
        temporary = file.with_name(f"{file.stem}.{os.getpid()}.tmp.npz")
        np.savez(temporary, ids=np.array(coverage.ids, dtype=str), polygons=polygons,
                 polygon_offsets=polygon_offsets, left=coverage.left, right=coverage.right,
                 edges=edges, edge_offsets=edge_offsets)
        os.replace(temporary, file)
        for other in file.parent.glob(f"{CACHE_PREFIX}*-L{file.stem.rsplit('-L', 1)[-1]}.npz"):
            if other != file:
                other.unlink(missing_ok=True)
    except OSError:
        pass


def _read(file: Path) -> Coverage | None:
    """The cached coverage, or None when there is none or it cannot be read."""
    try:
        with np.load(file, allow_pickle=False) as data:
            return Coverage(tuple(str(i) for i in data["ids"]),
                            _unpack(data["polygons"], data["polygon_offsets"]),
                            data["left"].astype(np.int64), data["right"].astype(np.int64),
                            _unpack(data["edges"], data["edge_offsets"]))
    except (OSError, ValueError, KeyError, GEOSException):
        return None


def forget_coverages() -> None:
    """Forget the coverages kept in memory (tests, or after editing boundaries by hand)."""
    _memory.clear()


def frontline(conn: Connection, profile: Profile, day: date, level: int | None = None) -> FrontLine:
    """The front line on `day` at `level` (default the profile's map level).

    Call `timeline_store.ensure_timeline` first if the store may have changed.
    """
    from ..timeline_store import check_level, control

    chosen = check_level(conn, level, profile)
    rows = control(conn, profile, day, chosen)
    return front_line(coverage_for(conn, chosen), unit_categories(rows, profile), day, chosen,
                      profile.sides)
