"""Baseline files: who held each unit as of a date, according to someone, before any report.

A baseline replaces the profile's start state for the units it names (for
example the Long War Journal's map of 1 May 2021, or a humanitarian access
team's own assessment). It is not evidence of a change: the timeline gives
its states the status `baseline` and cites the file and its source (see
`timeline.py`, "Baseline").

A file is a CSV (a header line, then one row per unit) or a GeoJSON feature
collection (one feature per unit; the geometry is ignored, the properties
are the columns). The columns, in any order and case:

- the unit: `unit`, `unit_id`, `id`, `place_id`, `pcode` (a unit id) or `name`,
  `unit_name`, `district` (its name, or any of its alternate names, matched
  under the profile's name folding);
- `state`: an actor id, an actor's name or alias, `contested` or `unknown`;
- `date` or `as_of`: YYYY-MM-DD;
- `source` (optional when the import names one for every row): who says so.

Everything is checked before anything is stored: an unknown unit, state or
date, a missing value or a unit given twice for one date is an error naming
the file and the row (CSV rows are numbered as a spreadsheet numbers them,
the header being row 1; GeoJSON features from 1). This module reads and
checks only; `timeline_store.import_baseline` stores.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .places.names import name_folding
from .profile import SPECIAL_STATES, Profile
from .timeline import TimelineError

UNIT_COLUMNS = ("unit", "unit_id", "id", "place_id", "pcode", "name", "unit_name", "district")
DATE_COLUMNS = ("date", "as_of")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
GEOJSON_SUFFIXES = (".geojson", ".json")
MAX_PROBLEMS_SHOWN = 20


class BaselineError(TimelineError):
    """A baseline file that cannot be read or has bad rows; nothing of it was stored."""


@dataclass(frozen=True)
class BaselineRow:
    """One checked row: `row` is its number in the file (see the module docstring)."""

    row: int
    unit_id: str
    state: str
    as_of: date
    source: str


@dataclass(frozen=True)
class BaselineFile:
    """A read and checked baseline file, ready to store."""

    path: str
    sha256: str
    rows: tuple[BaselineRow, ...]


@dataclass(frozen=True)
class UnitName:
    """A unit and one of its names (the store gives every name of every unit)."""

    unit_id: str
    name: str


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], bytes]:
    """The raw rows of a CSV or GeoJSON file ((row number, lower-cased column → text)) and
    its bytes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read ({exc.strerror})") from exc
    suffix = path.suffix.lower()
    if suffix in GEOJSON_SUFFIXES:
        return _geojson_rows(path, data), data
    if suffix in CSV_SUFFIXES:
        return _csv_rows(path, data), data
    raise BaselineError(f"{path}: a baseline file must be CSV ({', '.join(CSV_SUFFIXES)}) or "
                        f"GeoJSON ({', '.join(GEOJSON_SUFFIXES)})")


def _csv_rows(path: Path, data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")  # Excel writes a byte-order mark
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise BaselineError(f"{path}: the file is empty") from None
    columns = [c.strip().casefold() for c in header]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines
        if len(cells) > len(columns):
            raise BaselineError(f"{path}, row {number}: {len(cells)} cells for "
                                f"{len(columns)} columns")
        rows.append((number, {c: v.strip() for c, v in zip(columns, cells, strict=False)}))
    return rows


def _geojson_rows(path: Path, data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a GeoJSON file ({exc})") from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise BaselineError(f"{path}: not a GeoJSON feature collection (no 'features' list)")
    rows = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise BaselineError(f"{path}, feature {number}: no properties")
        rows.append((number, {str(k).strip().casefold(): "" if v is None else str(v).strip()
                              for k, v in props.items()}))
    return rows


def _state_names(profile: Profile) -> dict[str, str]:
    """Every way a file may write a state (folded) → the state."""
    names: dict[str, str] = {s: s for s in SPECIAL_STATES}
    for actor in profile.actors:
        for name in (actor.id, actor.name, *actor.aliases):
            names.setdefault(name.strip().casefold(), actor.id)
    return names


def check_rows(path: Path, raw: Sequence[tuple[int, dict[str, str]]], profile: Profile,
               units: Iterable[UnitName], source: str | None = None) -> list[BaselineRow]:
    """Check every raw row; raise one `BaselineError` listing the bad ones (none stored).

    `units` are the workspace's units at the timeline's level with all their
    names; `source` is the source of rows that have no `source` of their own.
    """
    what = "feature" if path.suffix.lower() in GEOJSON_SUFFIXES else "row"
    if not raw:
        raise BaselineError(f"{path}: no rows")
    present = set().union(*(r.keys() for _, r in raw))
    unit_column = next((c for c in UNIT_COLUMNS if c in present), None)
    date_column = next((c for c in DATE_COLUMNS if c in present), None)
    missing = [name for name, found in (("a unit column (" + ", ".join(UNIT_COLUMNS) + ")",
                                         unit_column),
                                        ("'state'", "state" if "state" in present else None),
                                        ("a date column (date or as_of)", date_column)) if not found]
    if missing:
        raise BaselineError(f"{path}: missing {' and '.join(missing)}")
    assert unit_column is not None and date_column is not None

    folding = name_folding(profile.folding)
    ids: dict[str, str] = {}
    by_name: dict[str, set[str]] = defaultdict(set)
    for unit in units:
        ids[unit.unit_id.casefold()] = unit.unit_id
        by_name[folding.normalize_name(unit.name)].add(unit.unit_id)
    states = _state_names(profile)
    problems: list[str] = []
    rows: list[BaselineRow] = []
    seen: dict[tuple[str, date], int] = {}
    for number, values in raw:
        where = f"{what} {number}"
        unit_text = values.get(unit_column, "")
        unit_id = ids.get(unit_text.casefold())
        if unit_id is None and unit_text:
            found = by_name.get(folding.normalize_name(unit_text), set())
            if len(found) > 1:
                problems.append(f"{where}: {unit_column} {unit_text!r} names several units "
                                f"({', '.join(sorted(found))}): give the unit id")
                continue
            unit_id = next(iter(found), None)
        if unit_id is None:
            problems.append(f"{where}: unknown unit {unit_text!r}" if unit_text
                            else f"{where}: no unit")
            continue
        state_text = values.get("state", "")
        state = states.get(state_text.casefold())
        if state is None:
            problems.append(f"{where}: unknown state {state_text!r} (an actor of the profile: "
                            f"{', '.join(profile.actor_ids)}, or {', '.join(SPECIAL_STATES)})")
            continue
        day_text = values.get(date_column, "")
        try:
            if len(day_text) != 10:
                raise ValueError(day_text)
            as_of = date.fromisoformat(day_text)
        except ValueError:
            problems.append(f"{where}: {date_column} {day_text!r} is not a date (YYYY-MM-DD)")
            continue
        row_source = values.get("source") or source or ""
        if not row_source:
            problems.append(f"{where}: no source (give a 'source' column or a source for "
                            "every row)")
            continue
        twice = seen.get((unit_id, as_of))
        if twice is not None:
            problems.append(f"{where}: {unit_id} as of {as_of.isoformat()} is given twice "
                            f"({what} {twice} too)")
            continue
        seen[(unit_id, as_of)] = number
        rows.append(BaselineRow(number, unit_id, state, as_of, row_source))
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise BaselineError(f"{path}: {len(problems)} bad {what}(s), nothing imported:\n  "
                            + "\n  ".join(shown) + (f"\n  … and {more} more" if more else ""))
    return rows


def read_baseline(path: Path, profile: Profile, units: Iterable[UnitName],
                  source: str | None = None) -> BaselineFile:
    """Read and check a baseline file (see the module docstring)."""
    raw, data = read_rows(path)
    rows = check_rows(path, raw, profile, units, source)
    return BaselineFile(str(path), hashlib.sha256(data).hexdigest(), tuple(rows))


def summarize_states(rows: Iterable[Mapping[str, str]]) -> str:
    """"taliban 73, government 300": how many rows give each state."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["state"]] += 1
    return ", ".join(f"{s} {n}" for s, n in sorted(counts.items(), key=lambda kv: -kv[1]))
