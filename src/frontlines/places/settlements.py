"""Reading settlement files: GeoNames dumps and settlement tables, as populated places.

A user brings the settlements of their country the way GeoNames exports them,
for any country and any size:

- **GeoNames' own export** (the "geoname" table of its `readme.txt`): the
  country extract `XX.txt` (in `XX.zip`), `cities500.txt`, `allCountries.txt`.
  Nineteen tab-separated columns, no header, no quoting; alternate names are
  one comma-separated column.
- **A settlement table** with a header (CSV or TSV), such as a GeoNames
  extract joined to boundaries: at least an id (`geonameid` or `id`), `name`,
  `latitude` and `longitude`; optionally `asciiname`, `alternatenames`,
  `feature_class`, `feature_code`, `population`, `country_code` and local-name
  columns `name_xx` (`name_uk`), which count as alternate names.

Only populated places are kept (GeoNames feature class `P`: `PPL`, the seats
`PPLA`..`PPLA5`, `PPLC`, sections `PPLX`, historical `PPLH`, destroyed `PPLW`
and so on; a report may name any of them). Rows of other countries are
skipped, so `cities500.txt` serves any workspace.

Alternate names are filtered to those worth matching: Latin-script names and
transliterations and names in the country's own scripts (the caller says
which), never airport codes (`IEV`) or machine romanisations in lower case
(`kyiva`). GeoNames lists up to a hundred names a city, in every script;
keeping all of them would cost memory for names no report in these
languages uses.

This module reads files and nothing more; `places.workspace` ties the
settlements to their units (point in polygon) and stores them. Every error
names the file, the line and the field, and nothing is returned half-read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from ..models import Place
from .names import is_code, is_machine_romanisation, scripts_of

# The columns of GeoNames' "geoname" table, in order (its readme.txt).
GEONAMES_COLUMNS: tuple[str, ...] = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone",
    "modification_date",
)
# Feature codes of administrative seats, most senior first, with the admin
# level whose seat each marks: the capital of a country (PPLC) is the seat of
# every level, PPLA of a first-order division, PPLA2 of a second-order one...
SEAT_LEVELS: dict[str, int] = {
    "PPLC": 0, "PPLG": 0, "PPLA": 1, "PPLA2": 2, "PPLA3": 3, "PPLA4": 4, "PPLA5": 5,
}
SETTLEMENT_SUFFIXES: tuple[str, ...] = (".txt", ".csv", ".tsv")
# Places from a settlement file carry `source = SOURCE_PREFIX + file name`.
SOURCE_PREFIX = "settlements:"

# Header names accepted for each field of a settlement table (lower-cased,
# spaces and dashes read as underscores).
_TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "geonameid": ("geonameid", "geoname_id", "id"),
    "name": ("name",),
    "asciiname": ("asciiname", "ascii_name"),
    "alternatenames": ("alternatenames", "alternate_names", "alt_names"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "feature_class": ("feature_class", "fclass"),
    "feature_code": ("feature_code", "fcode"),
    "population": ("population", "pop"),
    "country_code": ("country_code", "countrycode", "country"),
}
_REQUIRED_TABLE_FIELDS: tuple[str, ...] = ("geonameid", "name", "latitude", "longitude")
_LOCAL_NAME_COLUMN = re.compile(r"^name_[a-z]{2,3}$")


class SettlementFileError(ValueError):
    """A settlement file cannot be read; says which file, line and field, and why."""


@dataclass(frozen=True)
class SettlementSource:
    """A settlement file as recognised: where its rows are and how to read them."""

    path: Path
    member: str | None  # the file inside a zip, if zipped
    layout: str  # "geonames" (the 19-column export) or "table" (a header names the columns)
    delimiter: str
    header: tuple[str, ...] = ()  # a table's column names, as written

    @property
    def label(self) -> str:
        """The path, and the member inside a zip: `geonames_UA.zip!UA.txt`."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def has_alternate_names(self) -> bool:
        """Whether rows carry alternate names (old names such as Artemivsk for Bakhmut)."""
        if self.layout == "geonames":
            return True
        fields = _table_fields(self.header)
        return "alternatenames" in fields

    @property
    def source(self) -> str:
        """The `Place.source` of its settlements."""
        return SOURCE_PREFIX + (self.member or self.path.name)


@dataclass(frozen=True)
class SettlementRead:
    """What a settlement file gave: its populated places, the seat codes among
    them, and how many rows were left out and why."""

    source: SettlementSource
    places: list[Place]
    seats: dict[str, str]  # place id -> GeoNames seat code (PPLA, PPLC...), seats only
    rows: int
    skipped: Counter[str] = field(default_factory=Counter)


# --- recognising a settlement file ---------------------------------------------------


@contextmanager
def _open_text(path: Path, member: str | None) -> Iterator[io.TextIOBase]:
    if member is None:
        with open(path, encoding="utf-8", newline="") as handle:
            yield handle
        return
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        yield io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _first_line(path: Path, member: str | None) -> str:
    try:
        with _open_text(path, member) as handle:
            return handle.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        return ""


def _looks_like_geonames(line: str) -> bool:
    parts = line.split("\t")
    if len(parts) != len(GEONAMES_COLUMNS) or not parts[0].isdigit():
        return False
    try:
        float(parts[4]), float(parts[5])
    except ValueError:
        return False
    return True


@lru_cache(maxsize=16)
def _table_fields(header: tuple[str, ...]) -> dict[str, int]:
    """Field name (see `_TABLE_ALIASES`) -> column index, for the columns a header has."""
    normalised = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in header]
    found: dict[str, int] = {}
    for field_name, aliases in _TABLE_ALIASES.items():
        for alias in aliases:
            if alias in normalised:
                found[field_name] = normalised.index(alias)
                break
    return found


def _as_table(path: Path, member: str | None, line: str) -> SettlementSource | None:
    for delimiter in ("\t", ",", ";"):
        header = tuple(next(csv.reader([line], delimiter=delimiter)))
        if all(f in _table_fields(header) for f in _REQUIRED_TABLE_FIELDS):
            return SettlementSource(path, member, "table", delimiter, tuple(header))
    return None


def _recognise(path: Path, member: str | None) -> SettlementSource | None:
    line = _first_line(path, member)
    if not line:
        return None
    if _looks_like_geonames(line):
        return SettlementSource(path, member, "geonames", "\t")
    return _as_table(path, member, line)


def settlement_source(path: Path | str) -> SettlementSource | None:
    """The settlement rows in a file (or in the first file of a zip that holds
    them), or None when it holds none. Reads one line of each candidate."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        for member in sorted(members):
            name = PurePosixPath(member)
            if (name.suffix.lower() in SETTLEMENT_SUFFIXES and not member.startswith("__MACOSX/")
                    and not name.name.lower().startswith("readme")):
                found = _recognise(path, member)
                if found is not None:
                    return found
        return None
    if path.suffix.lower() in SETTLEMENT_SUFFIXES and path.is_file():
        return _recognise(path, None)
    return None


# --- alternate names ---------------------------------------------------------------------


def _scripts(name: str) -> frozenset[str]:
    # Most alternate names are plain ASCII: no need to ask unicodedata.
    if name.isascii():
        return frozenset({"LATIN"}) if any(ch.isalpha() for ch in name) else frozenset()
    return scripts_of(name)


def useful_alternate_names(name: str, alternates: Iterable[str],
                           scripts: frozenset[str] | None = None) -> tuple[str, ...]:
    """The alternate names worth keeping, each once, the main name left out.

    Kept: names whose letters are all in `scripts` (None: any script), that
    are neither an airport-style code (`IEV`) nor a machine romanisation in
    lower case (`kyiva`): such names are never how a report writes a place.
    """
    kept: dict[str, None] = {}
    for raw in alternates:
        alternate = raw.strip()
        if not alternate or alternate == name or alternate in kept:
            continue
        if is_code(alternate) or is_machine_romanisation(alternate):
            continue
        found = _scripts(alternate)
        if not found or (scripts is not None and not found <= scripts):
            continue
        kept[alternate] = None
    return tuple(kept)


# --- reading ------------------------------------------------------------------------------


def _number(value: str, kind: type, where: str, field_name: str) -> float | int:
    text = value.strip()
    try:
        return kind(text) if text else 0
    except ValueError:
        raise SettlementFileError(
            f"{where}: field '{field_name}': {value!r} is not a number"
        ) from None


def _coordinate(value: str, where: str, field_name: str, limit: float) -> float:
    number = float(_number(value, float, where, field_name)) if value.strip() else None
    if number is None or not -limit <= number <= limit:
        raise SettlementFileError(
            f"{where}: field '{field_name}': {value!r} is not a {field_name} (-{limit:g} to {limit:g})"
        )
    return number


def read_settlements(source: SettlementSource | Path | str, country: str | None = None,
                     scripts: frozenset[str] | None = None) -> SettlementRead:
    """The populated places of a settlement file.

    `country` (ISO alpha-2) keeps only its rows (a file without a country
    column is taken to be of that country); `scripts` are the scripts whose
    alternate names are kept (see `useful_alternate_names`). Raises
    `SettlementFileError` naming the file, line and field of the first bad
    row, or the file when it holds no populated place of the country.
    """
    if not isinstance(source, SettlementSource):
        found = settlement_source(source)
        if found is None:
            raise SettlementFileError(
                f"{source}: not a settlement file (expected a GeoNames export of 19 tab-separated "
                f"columns, or a table with geonameid, name, latitude and longitude columns)"
            )
        source = found
    wanted = country.upper() if country else None
    places: list[Place] = []
    seats: dict[str, str] = {}
    skipped: Counter[str] = Counter()
    rows = 0
    seen: set[str] = set()
    try:
        with _open_text(source.path, source.member) as handle:
            for line_number, fields in _rows(source, handle):
                rows += 1
                where = f"{source.label}: line {line_number}"
                row = _row_fields(source, fields, where)
                if wanted and row["country_code"] and row["country_code"].upper() != wanted:
                    skipped["rows of other countries"] += 1
                    continue
                if not _is_populated_place(row):
                    skipped["features other than populated places"] += 1
                    continue
                geonameid = row["geonameid"].strip()
                if not geonameid:
                    raise SettlementFileError(f"{where}: field 'geonameid' is empty")
                name = row["name"].strip()
                if not name:
                    raise SettlementFileError(f"{where}: field 'name' is empty")
                place_id = f"gn:{geonameid}"
                if place_id in seen:
                    raise SettlementFileError(f"{where}: field 'geonameid': {geonameid} appears twice")
                seen.add(place_id)
                latitude = _coordinate(row["latitude"], where, "latitude", 90)
                longitude = _coordinate(row["longitude"], where, "longitude", 180)
                population = int(_number(row["population"], int, where, "population"))
                code = row["feature_code"].strip().upper()
                if code in SEAT_LEVELS:
                    seats[place_id] = code
                alternates = [*row["alternatenames"].split(","), row["asciiname"], *row["local_names"]]
                places.append(Place(
                    id=place_id,
                    name=name,
                    level="populated_place",
                    alt_names=useful_alternate_names(name, alternates, scripts),
                    lat=latitude,
                    lon=longitude,
                    population=population,
                    source=source.source,
                ))
    except UnicodeDecodeError as exc:
        raise SettlementFileError(f"{source.label}: not UTF-8 text ({exc.reason})") from exc
    except (OSError, zipfile.BadZipFile) as exc:
        raise SettlementFileError(f"{source.label}: cannot be read ({exc})") from exc
    if not places:
        what = f" of {wanted}" if wanted else ""
        others = skipped["rows of other countries"]
        tail = f" ({others} rows of other countries)" if others else ""
        raise SettlementFileError(f"{source.label}: holds no populated place{what}{tail}")
    return SettlementRead(source, places, seats, rows, skipped)


def _rows(source: SettlementSource, handle: io.TextIOBase) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data row; a table's header is not one."""
    if source.layout == "geonames":
        # GeoNames quotes nothing: a name may hold a quote mark (Slov"yans'k).
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if text:
                yield number, text.split("\t")
        return
    reader = csv.reader(handle, delimiter=source.delimiter)
    next(reader, None)
    for fields in reader:
        if any(f.strip() for f in fields):
            yield reader.line_num, fields


def _row_fields(source: SettlementSource, fields: list[str], where: str) -> dict[str, Any]:
    """A row as a mapping of the fields `read_settlements` uses ('' when absent)."""
    if source.layout == "geonames":
        if len(fields) != len(GEONAMES_COLUMNS):
            raise SettlementFileError(
                f"{where}: {len(fields)} columns, a GeoNames export has {len(GEONAMES_COLUMNS)}"
            )
        row: dict[str, Any] = dict(zip(GEONAMES_COLUMNS, fields, strict=True))
        row["local_names"] = ()
        return row
    header = source.header
    if len(fields) != len(header):
        raise SettlementFileError(f"{where}: {len(fields)} columns, the header names {len(header)}")
    index = _table_fields(header)
    row = {name: (fields[i] if (i := index.get(name)) is not None else "") for name in _TABLE_ALIASES}
    row["local_names"] = tuple(
        fields[i] for i, column in enumerate(header) if _LOCAL_NAME_COLUMN.match(column.strip().lower())
    )
    return row


def _is_populated_place(row: Mapping[str, Any]) -> bool:
    feature_class = str(row["feature_class"]).strip().upper()
    if feature_class:
        return feature_class == "P"
    feature_code = str(row["feature_code"]).strip().upper()
    return not feature_code or feature_code.startswith("PPL")
