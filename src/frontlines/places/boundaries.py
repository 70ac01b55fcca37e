"""Reading boundary files: administrative units as `Place`s, with their polygons.

Two layouts are recognised, none of them tied to a country in code: OCHA
COD-AB (`ADMn_PCODE`, `ADMn_EN`, alternate and local-script names) and
geoBoundaries (`shapeName`, `shapeID`, `shapeType`), as zipped shapefiles,
GeoJSON or GeoPackage. A unit's id is its P-code (geoBoundaries: its shapeID).

This is the GIS side of the gazetteer (pyogrio, shapely) and nothing more: it
reads files and answers point-in-polygon questions, and leaves storing the
units to `places.workspace`.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pycountry

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# pyogrio and shapely (and, through pyogrio, pandas and geopandas: a third of a
# second and a hundred megabytes) are imported by the functions that read
# files or geometry, so that loading a stored gazetteer to extract events
# never pays for them.

from ..models import Place

# A file's admin level (ADM0..ADM3) -> the `Place.level` of its units.
LEVEL_NAMES: dict[int, str] = {0: "country", 1: "admin1", 2: "admin2", 3: "admin3"}
# A point just outside every polygon (coarse borders, river banks), such as a
# GeoNames town, is tied to the nearest unit within this many degrees (about 10 km).
NEAREST_UNIT_TOLERANCE = 0.1

# Words naming the kind of unit, stripped to give the bare name as an alternate
# ("Kherson Oblast" -> "Kherson", "Bakhmut Raion" -> "Bakhmut").
ADMIN_TYPE_WORDS: frozenset[str] = frozenset({
    "oblast", "raion", "rayon", "province", "district", "region", "governorate", "county",
    "municipality", "hromada", "prefecture", "state", "wilayat", "woluswali", "uluswali",
    "область", "район", "громада",
})

# Words that qualify a unit-type word ("Sloviansk urban hromada", "Slovechne
# Rural Hromada"): dropped with it, so the bare name is the town's.
ADMIN_QUALIFIER_WORDS: frozenset[str] = frozenset({
    "urban", "rural", "settlement", "city", "village", "territorial", "municipal",
    "міська", "сільська", "селищна", "територіальна",
})

BOUNDARY_SUFFIXES: tuple[str, ...] = (".zip", ".shp", ".geojson", ".json", ".gpkg")
# Inside a zip, the members that hold a layer (sidecars such as .dbf follow the .shp).
ZIPPED_LAYER_SUFFIXES: tuple[str, ...] = (".shp", ".geojson", ".json", ".gpkg")

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


def layer_uris(path: Path) -> list[str]:
    """What pyogrio opens for a file: the file itself, or each layer inside a zip."""
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
    import pyogrio
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
    import pyogrio
    import pyogrio.errors
    path = Path(path)
    if not path.exists():
        raise BoundaryFileError(f"{path}: no such file")
    uris = layer_uris(path)
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
    """The name without a leading or trailing unit-type word ("Kherson Oblast"),
    and without the words qualifying a trailing one ("Sloviansk urban hromada")."""
    parts = name.split()
    if len(parts) < 2:
        return []
    if parts[-1].casefold() in ADMIN_TYPE_WORDS:
        kept = parts[:-1]
        while len(kept) > 1 and kept[-1].casefold() in ADMIN_QUALIFIER_WORDS:
            kept = kept[:-1]
        return [" ".join(kept)]
    if parts[0].casefold() in ADMIN_TYPE_WORDS:
        return [" ".join(parts[1:])]
    return []


def alternate_names(primary: str, others: Iterable[str | None]) -> tuple[str, ...]:
    """A unit's other names, each once: those given, and every name without its
    unit-type word, so "Kherson Oblast" is also found as "Kherson"."""
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
    import pyogrio
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
        for unit, parent in zip(ordered, containing_units(points, parents), strict=True):
            if parent is not None:
                unit.parent_id = parent.id
                for k, code in ((1, parent.admin1), (2, parent.admin2), (3, parent.admin3)):
                    if code and k < level:
                        unit.admin[k] = code
    return list(units.values()), skipped


def _union(geometries: Sequence[BaseGeometry]) -> BaseGeometry:
    import shapely
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
                    country: str | None = None,
                    only_layers: Sequence[BoundaryLayer] | None = None) -> BoundaryImport:
    """Read the administrative layers of a file (see `import_boundaries`):
    every one, or `only_layers` (those of its layers a batch kept, as
    `boundary_layers` found them: listing a large GeoJSON's layers again
    would parse it again)."""
    import pyogrio
    import pyogrio.errors
    import shapely
    path = Path(path)
    layers = sorted(only_layers, key=lambda b: b.level) if only_layers is not None \
        else boundary_layers(path)
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
                alt_names=alternate_names(unit.name, unit.names),
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


# --- point in polygon ---------------------------------------------------------------


def containing_units(points: Sequence[BaseGeometry], units: Sequence[Place], *,
                     within: bool = True, nearest: bool = True) -> list[Place | None]:
    """The unit containing each point (`within`), else (`nearest`) the nearest
    unit within `NEAREST_UNIT_TOLERANCE`. Either pass can be asked alone, so a
    caller can try every level's polygons before snapping a point to a
    nearby unit."""
    import shapely
    from shapely import STRtree
    found: list[Place | None] = [None] * len(points)
    if not points or not units:
        return found
    geometries = [shapely.from_wkb(u.geometry_wkb) for u in units]
    tree = STRtree(geometries)
    point_array = list(points)
    if within:
        inside = tree.query(point_array, predicate="within")
        for point_index, unit_index in zip(inside[0], inside[1], strict=True):
            if found[point_index] is None:
                found[point_index] = units[unit_index]
    missing = [i for i, f in enumerate(found) if f is None]
    if nearest and missing:
        near = tree.query_nearest([point_array[i] for i in missing],
                                  max_distance=NEAREST_UNIT_TOLERANCE)
        for missing_index, unit_index in zip(near[0], near[1], strict=True):
            point_index = missing[missing_index]
            if found[point_index] is None:
                found[point_index] = units[unit_index]
    return found
