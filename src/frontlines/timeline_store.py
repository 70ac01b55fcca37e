"""The timeline's store layer: load the engine's inputs, cache its intervals, answer queries.

The engine (`timeline.py`) is pure; this module is the only place the
timeline touches the database. It keeps three kinds of derived data and one
kind of input:

- `timeline_intervals`: every unit's intervals, so `control` for a date is one
  indexed query instead of a recompute;
- `document_copies` / `document_buckets`: each document's MinHash signature
  (5-word shingles, 128 permutations) and its 16 LSH buckets of 8 rows, which
  put documents with an estimated Jaccard similarity of about 0.7 or more in a
  shared bucket. A new report is matched against the stored ones with an
  indexed lookup, not a rescan; documents whose signatures agree on at least
  `copy_threshold` of the permutations are copies of one story and share a
  `cluster_id` (the smallest document id of the connected group, so the
  clusters do not depend on the order in which reports arrive);
- meta keys `timeline.structure` and `timeline.events`: fingerprints of what
  the cache was built from. The first covers the engine version, settings,
  profile, units and decisions. The second is an `EventsStamp`: the number of
  events, an order-independent XOR digest of them, and the largest
  `events.seq` (the store's write order, the same on SQLite and PostgreSQL; see
  `EventsStamp` for why that makes a cheap freshness check sound). Ingesting
  a report updates the stamp from that report's events alone, and a read
  checks it with a few indexed queries, so neither rescans the events. A
  stale cache is rebuilt whole, so a missed hook costs time, never a wrong
  answer;
- `decisions` (input, never derived): the analyst's rejections and pins;
- `baseline_imports` / `baseline_rows` (input): imported baseline files.

Inference rules make a unit's timeline depend on more than its own events:
the events about the larger areas it lies in, every `collapse` event and,
once a collapse is reported, the national capital's events
(`_inference_events` loads them; `units_moved_by` says which units a
report can change, so the incremental path recomputes all of them).

Entry points for the ingest path: `recompute_documents(conn, profile, doc_ids)`
inside the transaction that stored the documents' events; `recompute_all`
after anything wholesale (re-extraction, a gazetteer import).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from .models import ADMIN_LEVELS, Event, Place, Statement, day_out_of_range
from .profile import Levels, Profile
from .store import (
    BASELINE_VERSION_KEY,
    EVENT_SEQUENCE_KEY,
    STATEMENTS_VERSION_KEY,
    baseline_imports,
    baseline_rows,
    decisions,
    document_buckets,
    document_copies,
    documents,
    events,
    get_meta,
    in_chunks,
    lock_events,
    meta,
    now_iso,
    place_names,
    places,
    query_statements,
    row_to_event,
    set_meta,
    statements,
    timeline_intervals,
)
from .store.queries import PLACE_ROW_COLUMNS, PlaceRow, place_row
from .store.trail import TrailEntry, append_trail, read_trail
from .timeline import (
    BASELINE_REF,
    CONTESTED,
    ENGINE_VERSION,
    BadLevel,
    BaselineEntry,
    Decision,
    DocumentInfo,
    Geography,
    Interval,
    TimelineError,
    TimelineSettings,
    Unit,
    UnknownPlace,
    aggregate_timeline,
    area_of_event,
    compute_timeline,
    event_day,
    interval_on,
    is_location_reference,
    profile_settings,
    unit_of_event,
    units_inside,
)

if TYPE_CHECKING:
    from .baseline import UnitName
    from .store import Workspace

LEVEL_NAMES = {1: "admin1", 2: "admin2", 3: "admin3"}
UNIT_WORDS = {1: "provinces", 2: "districts", 3: "sub-districts"}
STRUCTURE_KEY = "timeline.structure"
EVENTS_KEY = "timeline.events"

SHINGLE_WORDS = 5
NUM_PERM = 128
LSH_BANDS = 16
LSH_ROWS = NUM_PERM // LSH_BANDS
_WORD = re.compile(r"\w+", re.UNICODE)
PLACE_MATCH_MIN_SCORE = 85
"""A place name typed by a user matches a gazetteer name when their similarity
(0-100, `Gazetteer.search`) is at least this; below it `explain` lists the closest."""


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date from the command line or the API, or a one-line error (also for a
    day outside `models.EARLIEST_DAY`..`LATEST_DAY`)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise TimelineError(f"{what} {text!r} is not a date (expected YYYY-MM-DD)") from None
    problem = day_out_of_range(day, what)
    if problem:
        raise TimelineError(problem)
    return day


# --- units ----------------------------------------------------------------------


def unit_level(conn: Connection) -> int:
    """The finest admin level the workspace's boundaries have (3, 2 or 1)."""
    present = {row[0] for row in conn.execute(select(places.c.level).distinct())}
    for level in (3, 2, 1):
        if LEVEL_NAMES[level] in present:
            return level
    raise TimelineError("the workspace has no admin units: run 'frontlines gazetteer import' first")


def has_admin_units(conn: Connection) -> bool:
    """Whether any boundaries were imported (a timeline needs units to colour)."""
    levels = [LEVEL_NAMES[level] for level in (3, 2, 1)]
    return conn.execute(select(places.c.id).where(places.c.level.in_(levels)).limit(1)).first() is not None


def standin_ids(conn: Connection, level: int) -> list[str]:
    """Units of coarser levels that have no unit under them down to `level`.

    They stand in for the finer units the boundaries lack: Ukraine's hromada
    layer has none in Crimea, whose 10 raions are then units of the hromada
    level themselves, so the timeline, the map and the exports at that level
    still cover the whole country. Empty where every coarser unit has finer
    ones (Afghanistan's provinces and districts).
    """
    found: list[str] = []
    for coarser in range(1, level):
        column = places.c[LEVEL_NAMES[coarser]]
        finer = [LEVEL_NAMES[k] for k in range(coarser + 1, level + 1)]
        parents = select(column).where(places.c.level.in_(finer), column.is_not(None)).distinct()
        query = select(places.c.id).where(places.c.level == LEVEL_NAMES[coarser],
                                          places.c.id.not_in(parents))
        found.extend(row.id for row in conn.execute(query))
    return sorted(found)


def units_of_level(conn: Connection, level: int) -> Any:
    """A `places` filter for the units of `level`: its own, and the coarser ones
    standing in for missing finer units (`standin_ids`)."""
    condition = places.c.level == LEVEL_NAMES[level]
    standins = standin_ids(conn, level)
    return or_(condition, places.c.id.in_(standins)) if standins else condition


def unit_places(conn: Connection, level: int) -> list[PlaceRow]:
    """The units of `level` (stand-ins included) as places, by id."""
    query = select(*PLACE_ROW_COLUMNS).where(units_of_level(conn, level)).order_by(places.c.id)
    return [place_row(row) for row in conn.execute(query)]


@dataclass(frozen=True)
class UnitShape:
    """A unit of a level with its polygon (WKB), as the exports and the map draw it."""

    id: str
    name: str
    level: str  # the level it really is (a stand-in is of a coarser one)
    admin1: str | None
    lat: float | None
    lon: float | None
    geometry: bytes | None


def unit_shapes(conn: Connection, level: int) -> list[UnitShape]:
    """The units of `level` (stand-ins included) with their polygons, by id."""
    query = (select(places.c.id, places.c.name, places.c.level, places.c.admin1, places.c.lat,
                    places.c.lon, places.c.geometry)
             .where(units_of_level(conn, level)).order_by(places.c.id))
    return [UnitShape(r.id, r.name, r.level, r.admin1, r.lat, r.lon, r.geometry)
            for r in conn.execute(query)]


def count_units(conn: Connection, level: int) -> int:
    """How many units `level` has (stand-ins included)."""
    return int(conn.execute(select(func.count()).select_from(places)
                            .where(units_of_level(conn, level))).scalar_one())


def load_units(conn: Connection, level: int) -> list[Unit]:
    """The units the timeline is kept for at `level` (stand-ins included)."""
    query = (select(places.c.id, places.c.name, places.c.admin1, places.c.admin2, places.c.level)
             .where(units_of_level(conn, level)).order_by(places.c.id))
    return [Unit(row.id, row.name, row.admin1 or (row.id if row.level == "admin1" else None),
                 row.admin2 if row.level == "admin3" else None)
            for row in conn.execute(query)]


def load_geography(conn: Connection, profile: Profile,
                   level_units: tuple[int, Sequence[Unit]] | None = None) -> Geography:
    """What the inference rules need besides the units (see `timeline.Geography`).

    Salient: the units of the provincial capitals (the gazetteer's, worked out
    when places are imported, with the profile's `[capitals]` on top) and of
    the national capital. Countries: the profile's country code and the ids of
    the workspace's country-level places.
    """
    from .places.workspace import CAPITALS_META_KEY  # the gazetteer's own meta key

    _, units = level_units or _level_and_units(conn)
    by_id = {u.id: u for u in units}
    try:
        capitals = dict(json.loads(get_meta(conn, CAPITALS_META_KEY) or "{}"))
    except (ValueError, TypeError):
        capitals = {}
    capitals.update(profile.capitals)
    salient = {c for c in capitals.values() if c in by_id}
    if profile.national_capital in by_id:
        salient.add(profile.national_capital)
    countries = {profile.country, *(r[0] for r in conn.execute(
        select(places.c.id).where(places.c.level == "country")))}
    capital = by_id.get(profile.national_capital or "")
    return Geography(frozenset(salient), frozenset(countries), capital)


def _unit_parents(conn: Connection, finest: int, level: int) -> dict[str, str]:
    """Finest unit id → the id of its unit at a coarser `level`."""
    column = places.c[LEVEL_NAMES[level]]
    query = select(places.c.id, column, places.c.level).where(units_of_level(conn, finest))
    parents: dict[str, str] = {}
    for row in conn.execute(query):
        # A unit standing in for missing finer ones is its own unit at its level and finer.
        own = ADMIN_LEVELS.get(row.level, 0)
        parent = row.id if 0 < own <= level else row[1]
        if parent:
            parents[row.id] = parent
    return parents


# --- copies of one story (MinHash LSH) --------------------------------------------------


def shingles(text: str) -> set[bytes]:
    """5-word shingles of a text, lower-cased; too short a text has none."""
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode()
            for i in range(len(words) - SHINGLE_WORDS + 1)}


# Shingles hashed at a time (a batch costs NUM_PERM × 8 bytes each), and the most
# remembered as already hashed (repeats are skipped while the memory lasts).
SIGN_BATCH = 8192
SIGN_SEEN_LIMIT = 1 << 18
# The piece of a text lower-cased at a time; each piece after the first starts at
# white space, so no word is cut and no copy of a whole long text is made.
SIGN_PIECE_CHARS = 1 << 20
_SPACE = re.compile(r"\s")


def shingle_batches(text: str) -> Iterator[list[bytes]]:
    """The shingles of `shingles(text)` in batches of at most `SIGN_BATCH`.

    Each shingle comes at least once; one seen long before may come again
    (what is remembered is bounded), which changes no MinHash: it keeps the
    least hash of each permutation. So a long text is signed with its words
    and shingles never all held at once.
    """
    words: deque[str] = deque(maxlen=SHINGLE_WORDS)
    seen: set[bytes] = set()
    batch: list[bytes] = []
    start, length = 0, len(text)
    while start < length:
        gap = _SPACE.search(text, start + SIGN_PIECE_CHARS)
        end = gap.start() if gap else length
        for match in _WORD.finditer(text[start:end].casefold()):
            words.append(match.group())
            if len(words) < SHINGLE_WORDS:
                continue
            shingle = " ".join(words).encode()
            if shingle in seen:
                continue
            if len(seen) >= SIGN_SEEN_LIMIT:
                seen.clear()
            seen.add(shingle)
            batch.append(shingle)
            if len(batch) >= SIGN_BATCH:
                yield batch
                batch = []
        start = end
    if batch:
        yield batch


def signature(text: str) -> np.ndarray | None:
    """The MinHash of a text's shingles; None for a text too short to have any.

    Hashed batch by batch (`shingle_batches`): the minimum over batches is
    the minimum over all, and a batch's hashes (NUM_PERM per shingle) stay
    small whatever the length of the text.
    """
    minhash = None
    for batch in shingle_batches(text):
        if minhash is None:
            # Imported here, not at the top: datasketch pulls in scipy (about 0.3 s), which
            # every command would otherwise pay at start-up, most of them without signing.
            from datasketch import MinHash

            minhash = MinHash(num_perm=NUM_PERM, seed=1)
        minhash.update_batch(batch)
    if minhash is None:
        return None
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def _buckets(sig: np.ndarray) -> list[str]:
    return [
        f"{band}:" + hashlib.blake2b(sig[band * LSH_ROWS:(band + 1) * LSH_ROWS].tobytes(),
                                     digest_size=8).hexdigest()
        for band in range(LSH_BANDS)
    ]


def update_copy_clusters(conn: Connection, doc_ids: Iterable[str] | None = None,
                         threshold: float = 0.7) -> set[str]:
    """Sign the given (default: all unsigned) documents and merge their copy clusters.

    Returns every document whose cluster id was set or changed, so that the
    units of their events can be recomputed.
    """
    if doc_ids is None:
        signed = select(document_copies.c.document_id)
        todo = [r[0] for r in conn.execute(
            select(documents.c.id).where(documents.c.id.not_in(signed)).order_by(documents.c.id))]
    else:
        wanted = sorted(set(doc_ids))
        done = {r[0] for r in conn.execute(select(document_copies.c.document_id)
                                           .where(document_copies.c.document_id.in_(wanted)))}
        todo = [d for d in wanted if d not in done]
    changed: set[str] = set()
    for doc_id in todo:
        text = conn.execute(select(documents.c.text).where(documents.c.id == doc_id)).scalar()
        if text is None:
            continue
        sig = signature(text)
        cluster = doc_id
        if sig is not None:
            buckets = _buckets(sig)
            candidates = {r[0] for r in conn.execute(
                select(document_buckets.c.document_id)
                .where(document_buckets.c.bucket.in_(buckets)))} - {doc_id}
            merged: set[str] = set()
            for row in conn.execute(select(document_copies).where(
                    document_copies.c.document_id.in_(sorted(candidates)))):
                other = np.frombuffer(row.signature, dtype=np.uint64)
                if float(np.mean(other == sig)) >= threshold:
                    merged.add(row.cluster_id)
            cluster = min(merged | {doc_id})
            for old in sorted(merged - {cluster}):
                members = [r[0] for r in conn.execute(select(document_copies.c.document_id)
                                                      .where(document_copies.c.cluster_id == old))]
                changed.update(members)
                conn.execute(update(document_copies).where(document_copies.c.cluster_id == old)
                             .values(cluster_id=cluster))
            conn.execute(insert(document_buckets),
                         [{"document_id": doc_id, "bucket": b} for b in buckets])
        conn.execute(insert(document_copies).values(
            document_id=doc_id, cluster_id=cluster,
            signature=sig.tobytes() if sig is not None else b""))
        changed.add(doc_id)
    return changed


def load_document_infos(conn: Connection, doc_ids: Iterable[str]) -> dict[str, DocumentInfo]:
    ids = sorted(set(doc_ids))
    result: dict[str, DocumentInfo] = {}
    for chunk in in_chunks(ids):
        query = (select(documents.c.id, documents.c.outlet, documents.c.published,
                        documents.c.title, document_copies.c.cluster_id)
                 .select_from(documents.outerjoin(
                     document_copies, document_copies.c.document_id == documents.c.id))
                 .where(documents.c.id.in_(chunk)))
        for row in conn.execute(query):
            result[row.id] = DocumentInfo(row.id, row.outlet, row.published, row.title,
                                          row.cluster_id)
    return result


# --- decisions --------------------------------------------------------------------


def _row_to_decision(row: Any) -> Decision:
    return Decision(
        kind=row.kind, event_id=row.event_id, unit_id=row.unit_id, state=row.state,
        start=date.fromisoformat(row.start) if row.start else None,
        end=date.fromisoformat(row.end) if row.end else None,
        note=row.note or "", id=row.id,
    )


def _inserted_id(key: Any) -> int:
    return int(key[0])


def load_decisions(conn: Connection) -> list[Decision]:
    return [_row_to_decision(r) for r in conn.execute(select(decisions).order_by(decisions.c.id))]


UNKNOWN_AUTHOR = "unknown"


def reject_event(conn: Connection, profile: Profile, event_id: str, note: str = "", *,
                 who: str = UNKNOWN_AUTHOR) -> Decision:
    """Tell the timeline to ignore one event (a misread sentence, a false report).

    `who` (a token's name, or the command line's user) and `note` go to the
    audit trail with the states of the units the event moves, before and after.
    """
    row = conn.execute(select(events).where(events.c.id == event_id)).first()
    if row is None:
        raise TimelineError(f"no event {event_id!r}")
    standing = [d for d in load_decisions(conn) if d.kind == "reject" and d.event_id == event_id]
    if standing:
        raise TimelineError(f"event {event_id!r} is already rejected (decision #{standing[0].id})")
    event = row_to_event(row)
    units = sorted(units_moved_by(conn, profile, [event]))
    day = _decision_day(event.date)
    before = states_on(conn, units, day)
    new_id = _inserted_id(conn.execute(insert(decisions).values(
        kind="reject", event_id=event_id, note=note, created_at=now_iso())).inserted_primary_key)
    _after_decision(conn, profile, units)
    append_trail(conn, decision_id=new_id, action="reject", who=who, why=note, before=before,
                 after=states_on(conn, units, day), event_id=event_id,
                 unit_id=units[0] if len(units) == 1 else None)
    return Decision("reject", event_id=event_id, note=note, id=new_id)


def restore_event(conn: Connection, profile: Profile, event_id: str, note: str = "", *,
                  who: str = UNKNOWN_AUTHOR) -> list[int]:
    """Count a rejected event again: withdraw the rejections of it (their ids are returned)."""
    standing = [d for d in load_decisions(conn) if d.kind == "reject" and d.event_id == event_id]
    if not standing:
        raise TimelineError(f"event {event_id!r} is not rejected")
    for decision in standing:
        assert decision.id is not None
        remove_decision(conn, profile, decision.id, note, who=who)
    return [d.id for d in standing if d.id is not None]


def pin_state(conn: Connection, profile: Profile, unit_id: str, state: str, start: date,
              end: date | None = None, note: str = "", *, who: str = UNKNOWN_AUTHOR) -> Decision:
    """Force a unit's state over [start, end] (end inclusive; None = from then on)."""
    level = unit_level(conn)
    if unit_id not in {u.id for u in load_units(conn, level)}:
        raise TimelineError(f"{unit_id!r} is not a unit of this workspace ({LEVEL_NAMES[level]})")
    if state not in (*profile.actor_ids, CONTESTED, "unknown"):
        raise TimelineError(f"state {state!r} is neither an actor of the profile nor "
                            "'contested' or 'unknown'")
    if end is not None and end < start:
        raise TimelineError("a pin's end comes before its start")
    before = states_on(conn, [unit_id], start)
    new_id = _inserted_id(conn.execute(insert(decisions).values(
        kind="pin", unit_id=unit_id, state=state, start=start.isoformat(),
        end=end.isoformat() if end else None, note=note,
        created_at=now_iso())).inserted_primary_key)
    _after_decision(conn, profile, [unit_id])
    append_trail(conn, decision_id=new_id, action="pin", who=who, why=note, before=before,
                 after=states_on(conn, [unit_id], start), unit_id=unit_id, state=state,
                 start=start.isoformat(), end=end.isoformat() if end else None)
    return Decision("pin", unit_id=unit_id, state=state, start=start, end=end, note=note,
                    id=new_id)


def remove_decision(conn: Connection, profile: Profile, decision_id: int, note: str = "", *,
                    who: str = UNKNOWN_AUTHOR) -> None:
    """Withdraw a decision (a rejection withdrawn restores its event), keeping it in the trail."""
    row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).first()
    if row is None:
        raise TimelineError(f"no decision {decision_id}")
    units = {row.unit_id} if row.unit_id else set()
    day = _decision_day(row.start)
    if row.event_id:
        erow = conn.execute(select(events).where(events.c.id == row.event_id)).first()
        if erow is not None:
            event = row_to_event(erow)
            units |= units_moved_by(conn, profile, [event])
            day = _decision_day(event.date)
    ordered = sorted(units)
    before = states_on(conn, ordered, day)
    conn.execute(delete(decisions).where(decisions.c.id == decision_id))
    _after_decision(conn, profile, ordered)
    append_trail(conn, decision_id=decision_id,
                 action="restore" if row.kind == "reject" else "remove", who=who, why=note,
                 before=before, after=states_on(conn, ordered, day), event_id=row.event_id,
                 unit_id=row.unit_id or (ordered[0] if len(ordered) == 1 else None),
                 state=row.state, start=row.start, end=row.end)


def _decision_day(text: str | None) -> date | None:
    """The day a decision is about (an event's date, a pin's start), if it has a whole one."""
    try:
        return date.fromisoformat(text[:10]) if text and len(text) >= 10 else None
    except ValueError:
        return None


def states_on(conn: Connection, unit_ids: Sequence[str], day: date | None) -> dict[str, str]:
    """Each unit's cached state on `day` (None: its latest), as the audit trail words it."""
    found = load_intervals(conn, list(unit_ids)) if unit_ids else {}
    result: dict[str, str] = {}
    for unit_id in unit_ids:
        intervals = found.get(unit_id, [])
        iv = interval_on(intervals, day) if day else (intervals[-1] if intervals else None)
        result[unit_id] = (f"{iv.state} ({iv.status}) since {iv.since.isoformat()}"
                           if iv else "no state")
    return result


def _after_decision(conn: Connection, profile: Profile, unit_ids: Iterable[str]) -> None:
    """Recompute the units a decision touches, or everything if the cache was stale anyway."""
    stored = _stored_structure(conn)
    stamp = stored_events_stamp(conn)
    if (stored is not None and stamp is not None
            and stored.get("without_decisions") == _structure_fingerprints(conn, profile)[1]
            and _events_unchanged(conn, stamp) and not _unsigned_documents(conn)):
        _recompute_units(conn, profile, unit_ids)
        _save_structure(conn, profile)
    else:
        recompute_all(conn, profile)


# --- baselines -----------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineImport:
    """One imported baseline file, as `baseline list` shows it."""

    id: int
    file: str
    origin: str  # "command" | "profile"
    rows: int
    imported_at: str
    sha256: str


def unit_names(conn: Connection, level: int) -> list[UnitName]:
    """Every name (main and alternate) of every unit of `level`."""
    from .baseline import UnitName

    where = units_of_level(conn, level)
    found = [UnitName(r.id, r.name) for r in conn.execute(
        select(places.c.id, places.c.name).where(where))]
    query = (select(place_names.c.place_id, place_names.c.name)
             .select_from(place_names.join(places, places.c.id == place_names.c.place_id))
             .where(where))
    found += [UnitName(r.place_id, r.name) for r in conn.execute(query)]
    return found


def import_baseline(conn: Connection, profile: Profile, path: Path, source: str | None = None,
                    origin: str = "command") -> BaselineImport:
    """Check a baseline file whole, store it, and recompute the units it names.

    Raises `BaselineError` (naming the file and the bad rows) before
    anything is written. `source`: the source of rows that name none.
    """
    from .baseline import read_baseline

    fresh = timeline_is_fresh(conn, profile)
    level = unit_level(conn)
    checked = read_baseline(path, profile, unit_names(conn, level), source)
    imported_at = now_iso()
    new_id = _inserted_id(conn.execute(insert(baseline_imports).values(
        file=str(path), sha256=checked.sha256, origin=origin,
        imported_at=imported_at)).inserted_primary_key)
    conn.execute(insert(baseline_rows), [
        {"import_id": new_id, "row": r.row, "unit_id": r.unit_id, "state": r.state,
         "as_of": r.as_of.isoformat(), "source": r.source} for r in checked.rows])
    _after_baseline(conn, profile, fresh, {r.unit_id for r in checked.rows})
    return BaselineImport(new_id, str(path), origin, len(checked.rows), imported_at,
                          checked.sha256)


def list_baselines(conn: Connection) -> list[dict[str, Any]]:
    """Every imported baseline file: its rows, units, dates and states."""
    from .baseline import summarize_states

    rows: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(select(baseline_rows)):
        rows[row.import_id].append(row)
    found = []
    for imp in conn.execute(select(baseline_imports).order_by(baseline_imports.c.id)):
        mine = rows.get(imp.id, [])
        days = sorted(r.as_of for r in mine)
        found.append({
            "id": imp.id, "file": imp.file, "origin": imp.origin, "rows": len(mine),
            "as_of": (days[0] if days and days[0] == days[-1]
                      else f"{days[0]} … {days[-1]}" if days else None),
            "states": summarize_states({"state": r.state} for r in mine),
            "imported_at": imp.imported_at,
        })
    return found


def remove_baseline(conn: Connection, profile: Profile, import_id: int) -> BaselineImport:
    """Withdraw one imported baseline file; its units go back to what is left."""
    imp = conn.execute(select(baseline_imports).where(baseline_imports.c.id == import_id)).first()
    if imp is None:
        raise TimelineError(f"no baseline import {import_id} (see 'frontlines baseline list')")
    fresh = timeline_is_fresh(conn, profile)
    units = {r[0] for r in conn.execute(select(baseline_rows.c.unit_id)
                                        .where(baseline_rows.c.import_id == import_id))}
    conn.execute(delete(baseline_rows).where(baseline_rows.c.import_id == import_id))
    conn.execute(delete(baseline_imports).where(baseline_imports.c.id == import_id))
    _after_baseline(conn, profile, fresh, units)
    return BaselineImport(imp.id, imp.file, imp.origin, len(units), imp.imported_at, imp.sha256)


def profile_baseline_path(profile: Profile, folder: Path) -> Path | None:
    """The profile's `[start] baseline` file (a relative path is in the workspace folder)."""
    if not profile.baseline:
        return None
    path = Path(profile.baseline).expanduser()
    return path if path.is_absolute() else folder / path


def sync_profile_baseline(conn: Connection, profile: Profile,
                          folder: Path) -> BaselineImport | None:
    """Import the profile's baseline file unless that very file is already imported.

    An earlier import of the profile's baseline (another file, or this file
    before it changed) is replaced. Returns the new import, or None when there
    was nothing to do (no baseline in the profile, no units yet, or no change).
    """
    path = profile_baseline_path(profile, folder)
    if not has_admin_units(conn):
        return None
    previous = list(conn.execute(select(baseline_imports)
                                 .where(baseline_imports.c.origin == "profile")))
    if path is None:  # the profile names none (any more): its old one goes
        for old in previous:
            remove_baseline(conn, profile, old.id)
        return None
    from .baseline import read_rows

    _, data = read_rows(path)
    digest = hashlib.sha256(data).hexdigest()
    if [(p.file, p.sha256) for p in previous] == [(str(path), digest)]:
        return None
    found = import_baseline(conn, profile, path, profile.baseline_source, origin="profile")
    for old in previous:
        remove_baseline(conn, profile, old.id)
    return found


def apply_profile_baseline(ws: Workspace) -> BaselineImport | None:
    """`sync_profile_baseline` in its own transaction (after `init` or a gazetteer import)."""
    with ws.begin() as conn:
        return sync_profile_baseline(conn, ws.profile, ws.path)


def _after_baseline(conn: Connection, profile: Profile, was_fresh: bool,
                    unit_ids: set[str]) -> None:
    """Bump the baseline version, then recompute the units it names (all if the cache was
    stale anyway)."""
    version = int(get_meta(conn, BASELINE_VERSION_KEY) or 0) + 1
    set_meta(conn, BASELINE_VERSION_KEY, str(version))
    if was_fresh:
        _recompute_units(conn, profile, unit_ids)
        _save_structure(conn, profile)
    else:
        recompute_all(conn, profile)


# --- fingerprints -------------------------------------------------------------------


def _level_and_units(conn: Connection) -> tuple[int, list[Unit]]:
    level = unit_level(conn)
    return level, load_units(conn, level)


def _structure_fingerprints(conn: Connection, profile: Profile,
                            level_units: tuple[int, Sequence[Unit]] | None = None,
                            ) -> tuple[str, str]:
    """Fingerprints of everything but the events: (with the decisions, without them)."""
    level, units = level_units or _level_and_units(conn)
    unit_ids = [u.id for u in units]
    geography = load_geography(conn, profile, (level, units))
    base = [
        ENGINE_VERSION, profile_settings(profile).fingerprint(), profile.government,
        profile.start_date.isoformat(), profile.start_state, list(profile.actor_ids), level,
        hashlib.sha256("\n".join(unit_ids).encode()).hexdigest(),
        profile.country, profile.national_capital, sorted(geography.salient),
        sorted(geography.countries), get_meta(conn, BASELINE_VERSION_KEY),
        [a.side_id for a in profile.actors],
    ]
    decided = [(d.kind, d.event_id, d.unit_id, d.state, str(d.start), str(d.end), d.id)
               for d in load_decisions(conn)]

    def digest(payload: list[Any]) -> str:
        return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()

    return digest([*base, decided]), digest([*base, []])


def _stored_structure(conn: Connection) -> dict[str, Any] | None:
    raw = get_meta(conn, STRUCTURE_KEY)
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _save_structure(conn: Connection, profile: Profile) -> None:
    with_decisions, without_decisions = _structure_fingerprints(conn, profile)
    set_meta(conn, STRUCTURE_KEY, json.dumps({"with_decisions": with_decisions,
                                              "without_decisions": without_decisions}))


_EVENT_COLUMNS = (events.c.id, events.c.document_id, events.c.kind, events.c.actor,
                  events.c.opponent, events.c.place_id, events.c.admin1, events.c.admin2,
                  events.c.admin3, events.c.date, events.c.certainty, events.c.negated,
                  events.c.source_side, events.c.source, events.c.probability)


def _event_hash(row: Any) -> int:
    return int.from_bytes(hashlib.blake2b(repr(tuple(row)).encode(), digest_size=16).digest(),
                          "big")


@dataclass(frozen=True)
class EventsStamp:
    """What the cached intervals were computed from, as far as the events go.

    `count` and `digest` (the XOR of a hash of each event's row: order-free,
    and updated by XOR-ing in a new document's events) identify the events;
    `last_seq` is the largest `events.seq` among them (None: no events).
    `stamp_events` computes a stamp from scratch.

    Why the count and the largest `seq` are enough for a read to tell whether the
    events changed, without hashing them: the store gives every row it writes a
    `seq` above every one given before, on any back end (a counter in the meta
    table that only goes up; see `store.replace_events`), and never updates an
    event in place. So a row written after the stamp has a `seq` above
    `last_seq`, which moves the largest one up; and if no row was written, the
    rows are a subset of the stamped ones, which only the count can tell apart.
    On PostgreSQL the counter's row stays locked until the writer commits, so
    rows become visible in the order of their numbers; and a recompute takes
    that lock before it reads the events (`store.lock_events`), so the
    intervals it caches and the stamp it saves are of one state of them.
    """

    count: int
    digest: int
    last_seq: int | None

    def to_json(self) -> str:
        return json.dumps({"count": self.count, "digest": f"{self.digest:032x}",
                           "last_seq": self.last_seq})

    @classmethod
    def from_json(cls, raw: str) -> EventsStamp | None:
        """The stamp stored as `raw`, or None if it is missing or of an older format."""
        try:
            data = json.loads(raw)
            return cls(int(data["count"]), int(data["digest"], 16),
                       None if data["last_seq"] is None else int(data["last_seq"]))
        except (ValueError, TypeError, KeyError):
            return None

    def position(self) -> tuple[int, int | None]:
        return (self.count, self.last_seq)


def _documents_share(conn: Connection, doc_ids: Sequence[str]) -> tuple[int, int, int | None]:
    """(count, XOR digest, smallest seq) of the events of these documents (indexed)."""
    count, total, first = 0, 0, None
    for chunk in in_chunks(doc_ids):
        query = select(*_EVENT_COLUMNS, events.c.seq).where(
            events.c.document_id.in_(list(chunk)))
        for row in conn.execute(query):
            count += 1
            total ^= _event_hash(row[:len(_EVENT_COLUMNS)])
            first = row[-1] if first is None else min(first, row[-1])
    return count, total, first


def _count_events(conn: Connection) -> int:
    # A bare count: SQLite answers it from the smallest index, not the rows.
    return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def _last_seq(conn: Connection) -> int | None:
    return conn.execute(select(func.max(events.c.seq))).scalar()


def _position(conn: Connection) -> tuple[int, int | None]:
    """`EventsStamp.position` of the events as stored: a count and an indexed maximum."""
    return (_count_events(conn), _last_seq(conn))


def stamp_events(conn: Connection) -> EventsStamp:
    """The stamp of the events as stored, computed from scratch (hashes every event)."""
    count, total, last = 0, 0, None
    for row in conn.execute(select(*_EVENT_COLUMNS, events.c.seq)):
        count += 1
        total ^= _event_hash(row[:len(_EVENT_COLUMNS)])
        last = row[-1] if last is None else max(last, row[-1])
    return EventsStamp(count, total, last)


def stored_events_stamp(conn: Connection) -> EventsStamp | None:
    """The stamp saved with the cached intervals (None: never built, or an older format)."""
    raw = get_meta(conn, EVENTS_KEY)
    return EventsStamp.from_json(raw) if raw is not None else None


def _events_unchanged(conn: Connection, stamp: EventsStamp) -> bool:
    """Whether the stored events are those `stamp` was made from (see `EventsStamp`)."""
    return _position(conn) == stamp.position()


def _unsigned_documents(conn: Connection) -> int:
    signed = select(document_copies.c.document_id)
    return int(conn.execute(select(func.count()).select_from(documents)
                            .where(documents.c.id.not_in(signed))).scalar_one())


def timeline_is_fresh(conn: Connection, profile: Profile) -> bool:
    """True when the cached intervals were computed from exactly what the store holds now.

    Cheap: a few queries answered from indexes (about 3 ms at 20,000 events on
    SQLite); no event is hashed (see `EventsStamp`).
    """
    stored = _stored_structure(conn)
    if stored is None or stored.get("with_decisions") != _structure_fingerprints(conn,
                                                                                  profile)[0]:
        return False
    stamp = stored_events_stamp(conn)
    return stamp is not None and _events_unchanged(conn, stamp) and _unsigned_documents(conn) == 0


def data_version(conn: Connection) -> dict[str, str]:
    """Short digests that change whenever what a read shows may have changed.

    The API keys its cached answers and their `ETag` on them. Read from the
    database, not kept in memory, so that writes by another process (`frontlines
    ingest`, `decide`, a gazetteer import) count too; and cheap (a handful of
    indexed counts and meta rows, and the analyst's few decisions), so that
    they can be read for every request.

    Two of them: `places`, of the gazetteer alone (its change counter and token,
    and the number of places), for answers that show nothing else; and `data`,
    of everything: the gazetteer, the documents, the events (their count and
    largest `seq`, which every write moves; see `EventsStamp`), the statements
    (their count and the counter `replace_statements` bumps), the baselines
    (their counter and rows), the decisions (every row), and the timeline
    cache's own stamps, so that a rebuild of the cache counts too.
    """
    from .places.workspace import TOKEN_META_KEY, VERSION_META_KEY

    keys = (VERSION_META_KEY, TOKEN_META_KEY, EVENT_SEQUENCE_KEY, STATEMENTS_VERSION_KEY,
            BASELINE_VERSION_KEY, STRUCTURE_KEY, EVENTS_KEY)
    marks = dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(keys))).all())

    def count(table: Any) -> Any:
        return select(func.count()).select_from(table).scalar_subquery()

    counts = conn.execute(select(count(places), count(documents), count(events),
                                 count(statements), count(baseline_rows),
                                 select(func.max(events.c.seq)).scalar_subquery())).one()
    decided = conn.execute(select(decisions).order_by(decisions.c.id)).all()

    def digest(payload: list[Any]) -> str:
        return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()[:20]

    gazetteer = [marks.get(VERSION_META_KEY), marks.get(TOKEN_META_KEY), counts[0]]
    return {"places": digest(gazetteer),
            "data": digest([[marks.get(k) for k in keys], list(counts),
                            [list(row) for row in decided]])}


# --- computing and caching ---------------------------------------------------------------


def _unit_events(conn: Connection, level: int, unit_ids: Sequence[str]) -> list[Event]:
    column = events.c[LEVEL_NAMES[level]]
    found: list[Event] = []
    for chunk in in_chunks(unit_ids):
        # An event with no code of this level belongs to a unit standing in for the
        # missing finer ones through its coarser code (a Crimean town: its raion).
        coarser = [column.is_(None) & events.c[LEVEL_NAMES[k]].in_(list(chunk))
                   for k in range(1, level)]
        query = select(events).where(or_(column.in_(list(chunk)),
                                         (column.is_(None)) & events.c.place_id.in_(list(chunk)),
                                         *coarser))
        found.extend(row_to_event(r) for r in conn.execute(query))
    return found


def _write_intervals(conn: Connection, timeline: Mapping[str, Sequence[Interval]]) -> None:
    ids = sorted(timeline)
    for chunk in in_chunks(ids):
        conn.execute(delete(timeline_intervals)
                     .where(timeline_intervals.c.unit_id.in_(chunk)))
    rows = [
        {"unit_id": unit_id, "seq": seq, "state": iv.state, "holder": iv.holder,
         "status": iv.status, "start": iv.start.isoformat(),
         "end": iv.end.isoformat() if iv.end else None, "since": iv.since.isoformat(),
         "confidence": iv.confidence, "event_ids": list(iv.event_ids), "reason": iv.reason,
         "rule": iv.rule}
        for unit_id in ids for seq, iv in enumerate(timeline[unit_id])
    ]
    if rows:
        conn.execute(insert(timeline_intervals), rows)


def _inference_events(conn: Connection, level: int, units: Sequence[Unit],
                      geography: Geography) -> list[Event]:
    """The events the inference rules need to compute `units` (see `compute_timeline`):
    those about the larger areas they lie in, every collapse, and — when there is a
    collapse — the national capital's own events."""
    areas = sorted({a for u in units for a in u.areas} | geography.countries)
    finest = events.c[LEVEL_NAMES[level]]
    found: list[Event] = []
    for chunk in in_chunks(areas):
        query = select(events).where(events.c.place_id.in_(list(chunk)), finest.is_(None))
        found.extend(row_to_event(r) for r in conn.execute(query))
    collapses = [row_to_event(r) for r in conn.execute(
        select(events).where(events.c.kind == "collapse"))]
    found.extend(collapses)
    capital = geography.capital
    if collapses and capital is not None and capital.id not in {u.id for u in units}:
        found.extend(_unit_events(conn, level, [capital.id]))
    return found


def load_baselines(conn: Connection, unit_ids: Sequence[str] | None = None) -> list[BaselineEntry]:
    """The imported baseline rows (of some units), each with its file."""
    query = (select(baseline_rows, baseline_imports.c.file)
             .select_from(baseline_rows.join(baseline_imports,
                                             baseline_imports.c.id == baseline_rows.c.import_id))
             .order_by(baseline_rows.c.import_id, baseline_rows.c.row))
    rows = []
    if unit_ids is None:
        rows = list(conn.execute(query))
    else:
        for chunk in in_chunks(sorted(set(unit_ids))):
            rows.extend(conn.execute(query.where(baseline_rows.c.unit_id.in_(list(chunk)))))
    return [BaselineEntry(r.unit_id, r.state, date.fromisoformat(r.as_of), r.source, r.file,
                          r.import_id, r.row) for r in rows]


def _compute(conn: Connection, profile: Profile, level: int, units: Sequence[Unit],
             settings: TimelineSettings,
             level_units: tuple[int, Sequence[Unit]] | None = None) -> dict[str, list[Interval]]:
    geography = load_geography(conn, profile, level_units)
    found = _unit_events(conn, level, [u.id for u in units])
    seen = {e.id for e in found}
    found += [e for e in _inference_events(conn, level, units, geography) if e.id not in seen]
    infos = load_document_infos(conn, (e.evidence.document_id for e in found))
    baselines = load_baselines(conn, None if len(units) > 200 else [u.id for u in units])
    return compute_timeline(units, found, profile, infos, load_decisions(conn), level, settings,
                            baselines=baselines, geography=geography)


def recompute_all(conn: Connection, profile: Profile) -> int:
    """Rebuild every unit's intervals (and sign any unsigned document). Returns the unit count."""
    lock_events(conn)
    settings = profile_settings(profile)
    update_copy_clusters(conn, None, settings.copy_threshold)
    level = unit_level(conn)
    units = load_units(conn, level)
    timeline = _compute(conn, profile, level, units, settings, (level, units))
    conn.execute(delete(timeline_intervals))
    _write_intervals(conn, timeline)
    _save_structure(conn, profile)
    set_meta(conn, EVENTS_KEY, stamp_events(conn).to_json())
    return len(units)


def _recompute_units(conn: Connection, profile: Profile, unit_ids: Iterable[str],
                     level_units: tuple[int, Sequence[Unit]] | None = None) -> int:
    """Recompute these units' intervals; the fingerprints are the caller's business."""
    level, every_unit = level_units or _level_and_units(conn)
    wanted = set(unit_ids)
    units = [u for u in every_unit if u.id in wanted]
    if units:
        _write_intervals(conn, _compute(conn, profile, level, units, profile_settings(profile),
                                        (level, every_unit)))
    return len(units)


def recompute_units(conn: Connection, profile: Profile, unit_ids: Iterable[str],
                    *, trust: bool = False) -> int:
    """Recompute only these units; the caller vouches nothing else changed.

    Without `trust`, a cache built from other settings, units or decisions
    (or never built) is rebuilt whole instead. Returns the units recomputed.
    """
    lock_events(conn)
    stored = _stored_structure(conn)
    if not trust and (stored is None or stored.get("with_decisions")
                      != _structure_fingerprints(conn, profile)[0]):
        return recompute_all(conn, profile)
    count = _recompute_units(conn, profile, unit_ids)
    _save_structure(conn, profile)
    set_meta(conn, EVENTS_KEY, stamp_events(conn).to_json())
    return count


def units_of_documents(conn: Connection, profile: Profile, doc_ids: Iterable[str],
                       level_units: tuple[int, Sequence[Unit]] | None = None) -> set[str]:
    """The units the events of these documents move (see `units_moved_by`)."""
    ids = sorted(set(doc_ids))
    found: list[Event] = []
    for chunk in in_chunks(ids):
        query = select(events).where(events.c.document_id.in_(chunk))
        found.extend(row_to_event(row) for row in conn.execute(query))
    return units_moved_by(conn, profile, found, level_units)


def units_moved_by(conn: Connection, profile: Profile, found: Iterable[Event],
                   level_units: tuple[int, Sequence[Unit]] | None = None) -> set[str]:
    """The units whose timeline these events can change.

    Its own unit for an event about one; every unit inside the area for an
    event about a larger area; every unit for a collapse, and for an event
    about the national capital once a collapse has been reported (the
    capital's fall is half of the national collapse).
    """
    level, units = level_units or _level_and_units(conn)
    unit_ids = {u.id for u in units}
    geography = load_geography(conn, profile, (level, units))
    moved: set[str] = set()
    everything = False
    for event in found:
        unit = unit_of_event(event, level, unit_ids)
        if event.kind == "collapse":
            everything = True
        elif unit is not None:
            moved.add(unit)
            everything = everything or (unit == profile.national_capital
                                        and _any_collapse(conn))
        else:
            area = area_of_event(event, level, geography.countries)
            if area is not None:
                moved.update(u.id for u in units_inside(area, units, geography.countries))
        if everything:
            return unit_ids
    return moved


def _any_collapse(conn: Connection) -> bool:
    return conn.execute(select(events.c.id).where(events.c.kind == "collapse").limit(1)
                        ).first() is not None


def _only_these_are_new(conn: Connection, stamp: EventsStamp, doc_ids: Sequence[str],
                        ) -> tuple[int, int] | None:
    """(count, digest) of these documents' events if they are the only change since
    `stamp` — every other event is one the stamp covers; None otherwise.

    Costs a few indexed queries and hashing these documents' events, not the store's:
    every row above the stamp's `last_seq` is new (see `EventsStamp`); if those are
    exactly these documents' events and as many rows as the stamp counted remain
    at or below it, the rest are the stamped rows themselves.
    """
    count, digest, first = _documents_share(conn, doc_ids)
    last = stamp.last_seq or 0
    if count and (first is None or first <= last):
        return None  # these documents' events are not all newer than the stamp
    newer = conn.execute(select(func.count()).select_from(events)
                         .where(events.c.seq > last)).scalar_one()
    if newer != count or _count_events(conn) - newer != stamp.count:
        return None  # events of other documents were written, or older ones deleted
    return count, digest


def recompute_documents(conn: Connection, profile: Profile, doc_ids: Iterable[str]) -> set[str]:
    """The ingest hook: after new documents' events are stored, update only what they touch.

    Signs the documents (copy clusters), then recomputes the units moved by
    their events and by the events of any older document whose copy cluster
    they merged, and adds their events to the stamp (a document the cache
    already covers only has its units recomputed). If anything besides these
    documents changed since the cache was built (or it never was), rebuilds
    everything instead. Returns the units recomputed (all after a rebuild).
    """
    lock_events(conn)
    ids = sorted(set(doc_ids))
    settings = profile_settings(profile)
    level_units = _level_and_units(conn)
    stored = _stored_structure(conn)
    stamp = stored_events_stamp(conn)
    share = None
    covered = False  # the stamp already covers these documents' events (a repeated call)
    if (stamp is not None and stored is not None and stored.get("with_decisions")
            == _structure_fingerprints(conn, profile, level_units)[0]):
        share = _only_these_are_new(conn, stamp, ids)
        covered = share is None and _events_unchanged(conn, stamp)
    touched_docs = update_copy_clusters(conn, ids, settings.copy_threshold)
    if stamp is None or (share is None and not covered) or _unsigned_documents(conn):
        recompute_all(conn, profile)
        return {u.id for u in level_units[1]}
    units = units_of_documents(conn, profile, touched_docs | set(ids), level_units)
    _recompute_units(conn, profile, units, level_units)
    if share is None:
        return units
    count, digest = share
    set_meta(conn, EVENTS_KEY,
             EventsStamp(stamp.count + count, stamp.digest ^ digest, _last_seq(conn)).to_json())
    return units


def ensure_timeline(conn: Connection, profile: Profile) -> bool:
    """Rebuild the cache if it is stale (call in a write transaction). True if rebuilt."""
    if timeline_is_fresh(conn, profile):
        return False
    recompute_all(conn, profile)
    return True


def load_intervals(conn: Connection, unit_ids: Sequence[str] | None = None,
                   until: date | None = None) -> dict[str, list[Interval]]:
    """Cached intervals per unit, in order (optionally only those starting by `until`)."""
    query = select(timeline_intervals).order_by(timeline_intervals.c.unit_id,
                                                timeline_intervals.c.seq)
    if unit_ids is not None:
        query = query.where(timeline_intervals.c.unit_id.in_(list(unit_ids)))
    if until is not None:
        query = query.where(timeline_intervals.c.start <= until.isoformat())
    result: dict[str, list[Interval]] = defaultdict(list)
    for row in conn.execute(query):
        result[row.unit_id].append(_row_to_interval(row))
    return dict(result)


def _row_to_interval(row: Any) -> Interval:
    return Interval(
        unit_id=row.unit_id, state=row.state, status=row.status,
        start=date.fromisoformat(row.start), end=date.fromisoformat(row.end) if row.end else None,
        since=date.fromisoformat(row.since), confidence=row.confidence,
        event_ids=tuple(row.event_ids or ()), reason=row.reason, holder=row.holder,
        rule=row.rule,
    )


# --- queries behind the commands -------------------------------------------------------


def _check_day(profile: Profile, day: date) -> None:
    if day < profile.start_date:
        raise TimelineError(f"{day.isoformat()} is before the timeline starts "
                            f"({profile.start_date.isoformat()}, the profile's start date)")


def _names(conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    wanted = sorted(set(ids))
    found: dict[str, tuple[str, str | None]] = {}
    for chunk in in_chunks(wanted):
        query = select(places.c.id, places.c.name, places.c.admin1, places.c.level).where(
            places.c.id.in_(chunk))
        for row in conn.execute(query):
            found[row.id] = (row.name, row.admin1 or (row.id if row.level == "admin1" else None))
    return found


def _control_row(interval: Interval, names: Mapping[str, tuple[str, str | None]],
                 ) -> dict[str, Any]:
    name, admin1 = names.get(interval.unit_id, (interval.unit_id, None))
    return {
        "place_id": interval.unit_id, "place_name": name, "admin1": admin1,
        "state": interval.state, "status": interval.status,
        "since": interval.since.isoformat(), "confidence": interval.confidence,
        "evidence": list(interval.event_ids), "rule": interval.rule,
    }


def unit_word(profile: Profile | None, level: int, plural: bool = True) -> str:
    """The profile's word for the units of a level ("hromadas", "oblast"); without a
    profile, or for a level its `[levels]` table does not name, the default words
    ("provinces", "districts", "sub-districts")."""
    return (profile.levels if profile else Levels()).word(LEVEL_NAMES[level], plural)


def map_level(conn: Connection, profile: Profile) -> int:
    """The level maps, control tables and summaries show unless told otherwise: the
    profile's `[levels] map` (or the finest level imported above it), else the finest
    level imported."""
    present = {row[0] for row in conn.execute(select(places.c.level).distinct())}
    name = profile.levels.map_level(present)
    if name is None:
        raise TimelineError("the workspace has no admin units: run 'frontlines gazetteer import' first")
    return ADMIN_LEVELS[name]


def check_level(conn: Connection, level: int | None, profile: Profile | None = None) -> int:
    """The admin level asked for, or by default the profile's map level (`map_level`;
    the finest level the workspace's units have when no profile is given).

    Raises `BadLevel` for a level the units do not have.
    """
    finest = unit_level(conn)
    default = map_level(conn, profile) if profile is not None and level is None else finest
    chosen = default if level is None else level
    if chosen not in LEVEL_NAMES or chosen > finest:
        raise BadLevel(f"level {chosen}: this workspace's units go from 1 to {finest}")
    return chosen


def _aggregated_changes(conn: Connection, finest: int, level: int, since: date,
                        until: date | None) -> list[dict[str, Any]]:
    """The changes of the coarser units (provinces), from their aggregated histories."""
    found = []
    timelines = aggregated_intervals(conn, finest, level, until)
    names = _names(conn, timelines)
    for unit_id, intervals in timelines.items():
        for before, iv in zip(intervals, intervals[1:], strict=False):
            if iv.state == before.state or iv.start < since or (until and iv.start > until):
                continue
            found.append({"place_id": unit_id, "place_name": names.get(unit_id, (unit_id, None))[0],
                          "from": before.state, "to": iv.state, "status": iv.status,
                          "date": iv.start.isoformat(), "confidence": iv.confidence,
                          "events": list(iv.event_ids)})
    return sorted(found, key=lambda c: (c["date"], c["place_id"]))


def aggregated_intervals(conn: Connection, finest: int, level: int,
                         until: date | None = None) -> dict[str, list[Interval]]:
    parents = _unit_parents(conn, finest, level)
    members: dict[str, dict[str, list[Interval]]] = defaultdict(dict)
    for unit_id, ivs in load_intervals(conn, until=until).items():
        parent = parents.get(unit_id)
        if parent:
            members[parent][unit_id] = ivs
    return {parent: aggregate_timeline(parent, member) for parent, member in members.items()}


def control(conn: Connection, profile: Profile, day: date,
            level: int | None = None) -> list[dict[str, Any]]:
    """One row per unit of the level: the state on `day` (JSON shape of `frontlines control`)."""
    _check_day(profile, day)
    return _control_rows(conn, day, check_level(conn, level, profile))


def _control_rows(conn: Connection, day: date, chosen: int) -> list[dict[str, Any]]:
    finest = unit_level(conn)
    if chosen == finest:
        text = day.isoformat()
        query = select(timeline_intervals).where(
            timeline_intervals.c.start <= text,
            or_(timeline_intervals.c.end.is_(None), timeline_intervals.c.end >= text),
        ).order_by(timeline_intervals.c.unit_id)
        current = [_row_to_interval(r) for r in conn.execute(query)]
    else:
        found = (interval_on(ivs, day) for ivs in
                 aggregated_intervals(conn, finest, chosen, until=day).values())
        current = sorted((iv for iv in found if iv is not None), key=lambda iv: iv.unit_id)
    names = _names(conn, (iv.unit_id for iv in current))
    return [_control_row(iv, names) for iv in current]


def summary(conn: Connection, profile: Profile, day: date,
            level: int | None = None) -> dict[str, Any]:
    """Units per state and status on `day` ("N of 399 districts")."""
    _check_day(profile, day)
    chosen = check_level(conn, level, profile)
    rows = _control_rows(conn, day, chosen)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["state"], row["status"])] += 1
    return {
        "date": day.isoformat(), "level": chosen, "units": len(rows),
        "unit_word": unit_word(profile, chosen),
        "states": [{"state": s, "status": st, "count": n}
                   for (s, st), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
        "statements": statement_records(conn, profile, day=day),
    }


# --- area statements -----------------------------------------------------------------------


def describe_statement(statement: Statement, profile: Profile) -> str:
    """"Taliban: 10 of 28 districts in Badakhshan", "Taliban: 85% of the territory"."""
    who = _actor_label(profile, statement.actor)
    word = statement.unit_word or "territory"
    if statement.count is not None and statement.total is not None:
        amount = f"{statement.count} of {statement.total} {word}"
    elif statement.count is not None:
        amount = f"{statement.count} {word}"
    elif statement.percent is not None:
        amount = f"{statement.percent:g}% of the {word}"
    else:
        amount = word
    if statement.area_name:
        where = f" in {statement.area_name}"
    else:  # "85% of the territory" says where already; "20 of 34 provinces" does not
        where = "" if word in WHOLE_AREA_WORDS else " in the whole country"
    return f"{who}: {amount}{where}"


WHOLE_AREA_WORDS = frozenset({"territory", "country", "land", "the country", "the territory"})
"""Unit words that are the area itself: "85% of the territory" needs no "in the country"."""


def _actor_label(profile: Profile, actor: str | None) -> str:
    if not actor:
        return "someone"
    try:
        return profile.actor(actor).name
    except KeyError:
        return actor


def statement_records(conn: Connection, profile: Profile, *, day: date | None = None,
                      since: date | None = None, until: date | None = None,
                      area: str | None = None) -> list[dict[str, Any]]:
    """Area statements as records (`Statement.to_dict` plus `text`, `outlet`, `published`,
    `title`, `url`), oldest first.

    With `day`: as of that day, the latest statement about each area, side and
    kind of unit (dated on or before it). With `since`/`until`: every statement
    dated in the range. `area`: one area's (the country's code or unit: the
    statements about the whole country). Statements are never painted onto units.
    """
    areas: list[str | None] | None = None
    if area is not None:
        countries = load_geography(conn, profile).countries
        if area in countries:
            areas = [None, area]
        elif conn.execute(select(places.c.id).where(places.c.id == area)).first() is None:
            raise UnknownPlace(f"unknown place {area!r}")
        else:
            areas = [area]
    last = day or until
    found = query_statements(conn, since=since.isoformat() if since else None,
                             until=last.isoformat() if last else None, areas=areas)
    if day is not None:
        latest: dict[tuple[Any, ...], tuple[Statement, Any]] = {}
        for statement, row in found:  # oldest first: a later one replaces an earlier one
            key = (statement.area_id, statement.actor, statement.unit_word,
                   statement.percent is not None)
            kept = latest.get(key)
            if kept is None or (statement.date or "") > (kept[0].date or "") or (
                    statement.date == kept[0].date
                    and statement.probability > kept[0].probability):
                latest[key] = (statement, row)
        found = sorted(latest.values(), key=lambda p: (p[0].date or "", p[0].id or ""))
    return [{**statement.to_dict(), "text": describe_statement(statement, profile),
             "outlet": row.outlet, "published": row.published, "title": row.title,
             "url": row.url} for statement, row in found]


def changes(conn: Connection, profile: Profile, since: date,
            until: date | None = None, level: int | None = None) -> list[dict[str, Any]]:
    """Every change of state dated within [since, until] (JSON shape of `frontlines changes`),
    of the units of `level` (default: the finest; a coarser level's, as aggregated)."""
    if until is not None and until < since:
        raise TimelineError("until comes before since")
    finest = unit_level(conn)
    if level is not None and check_level(conn, level, profile) != finest:
        return _aggregated_changes(conn, finest, level, since, until)
    cur = timeline_intervals.alias("cur")
    prev = timeline_intervals.alias("prev")
    query = (select(cur, prev.c.state.label("before"))
             .select_from(cur.join(prev, (prev.c.unit_id == cur.c.unit_id)
                                   & (prev.c.seq == cur.c.seq - 1)))
             .where(cur.c.start >= since.isoformat(), prev.c.state != cur.c.state))
    if until is not None:
        query = query.where(cur.c.start <= until.isoformat())
    rows = list(conn.execute(query.order_by(cur.c.start, cur.c.unit_id)))
    names = _names(conn, (r.unit_id for r in rows))
    return [
        {"place_id": r.unit_id, "place_name": names.get(r.unit_id, (r.unit_id, None))[0],
         "from": r.before, "to": r.state, "status": r.status, "date": r.start,
         "confidence": r.confidence, "events": list(r.event_ids or ())}
        for r in rows
    ]


@dataclass(frozen=True)
class EventDetail:
    """An event with what a reader needs to judge it: sentence, outlet, source, dates."""

    event: Event
    outlet: str | None
    published: str | None
    title: str | None


def event_details(conn: Connection, ids: Iterable[str]) -> dict[str, EventDetail]:
    wanted = sorted(set(ids))
    found: dict[str, EventDetail] = {}
    for chunk in in_chunks(wanted):
        query = (select(events, documents.c.outlet, documents.c.published, documents.c.title)
                 .select_from(events.join(documents, documents.c.id == events.c.document_id))
                 .where(events.c.id.in_(chunk)))
        for row in conn.execute(query):
            found[row.id] = EventDetail(row_to_event(row), row.outlet, row.published, row.title)
    return found


# --- explain -------------------------------------------------------------------------------


@dataclass
class Explanation:
    """A unit's history as the engine saw it, with everything needed to print it."""

    place: Place
    level: int
    unit_word: str
    intervals: list[Interval]
    details: dict[str, EventDetail]
    day: date | None
    unplaced: list[tuple[EventDetail, str]] = field(default_factory=list)  # (event, why)
    rejected: list[tuple[Decision, EventDetail | None]] = field(default_factory=list)
    pins: list[Decision] = field(default_factory=list)
    members: dict[str, str] = field(default_factory=dict)  # aggregated: unit id → name
    note: str = ""
    contested_days: int = 14
    baselines: dict[str, BaselineEntry] = field(default_factory=dict)  # ref → baseline row
    trail: list[TrailEntry] = field(default_factory=list)  # the decisions' audit trail


def resolve_place(conn: Connection, text: str, profile: Profile | None = None) -> Place:
    """A place from a P-code or a name: the finest admin unit of that name first."""
    query = text.strip()
    if not query:
        raise TimelineError("no place given")
    row = conn.execute(select(places.c.id).where(func.upper(places.c.id) == query.upper())).first()
    if row is None:
        from .places.workspace import load_gazetteer

        hits = load_gazetteer(conn, profile).search(query, limit=10)
        if not hits:
            raise UnknownPlace(f"unknown place {query!r} (try 'frontlines gazetteer search')")
        top = max(h.score for h in hits)
        best = [h for h in hits if h.score == top]
        order = {"admin3": 0, "admin2": 1, "populated_place": 2, "admin1": 3}
        best.sort(key=lambda h: (order.get(h.level, 9), h.id))
        if top < PLACE_MATCH_MIN_SCORE:
            raise UnknownPlace(f"unknown place {query!r}; closest: "
                                + ", ".join(f"{h.name} ({h.id})" for h in hits[:3]))
        place_id = best[0].id
    else:
        place_id = row[0]
    found = load_places_by_id(conn, [place_id])
    return found[place_id]


def _unplaced_because(event: Event, profile: Profile, finest: int,
                      countries: frozenset[str]) -> str:
    """Why an event is left out of the timeline ("" when it is not)."""
    day = event_day(event)
    if day is None:
        return "no date"
    if day < profile.start_date:
        return "dated before the start"
    if is_location_reference(event):
        return "its place is only the report's dateline, a location reference"
    if (getattr(event, LEVEL_NAMES[finest]) is None
            and area_of_event(event, finest, countries) is None):
        return "only its province is known"
    return ""


def load_places_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, Place]:
    query = select(places).where(places.c.id.in_(list(ids)))
    return {r.id: Place(id=r.id, name=r.name, level=r.level, parent_id=r.parent_id,
                        admin1=r.admin1, admin2=r.admin2, admin3=r.admin3)
            for r in conn.execute(query)}


def explain(conn: Connection, profile: Profile, place_text: str,
            day: date | None = None) -> Explanation:
    """A unit's whole history (up to `day`) with the evidence and the reasons behind it."""
    if day is not None:
        _check_day(profile, day)
    finest = unit_level(conn)
    place = resolve_place(conn, place_text, profile)
    note = ""
    level = place.admin_level
    standins = set(standin_ids(conn, finest))
    if not level:  # a town, a crossing: explain the unit it lies in
        codes = [getattr(place, LEVEL_NAMES[k]) for k in range(finest, 0, -1)]
        unit_id = codes[0] or next((c for c in codes[1:] if c in standins), None)
        if not unit_id:
            raise TimelineError(f"{place.name} ({place.id}) lies in no "
                                f"{unit_word(profile, finest, plural=False)}")
        note = f"{place.name} ({place.id}, {place.level}) lies in this unit"
        place = load_places_by_id(conn, [unit_id])[unit_id]
        level = ADMIN_LEVELS[place.level]
    if level > finest:
        raise TimelineError(f"{place.id} is finer than this workspace's units")
    if place.id in standins:  # a unit standing in for missing finer ones is one of them
        level = finest
    members: dict[str, str] = {}
    if level == finest:
        intervals = load_intervals(conn, [place.id]).get(place.id, [])
        unit_events = _unit_events(conn, finest, [place.id])
    else:
        intervals = aggregated_intervals(conn, finest, level).get(place.id, [])
        column = places.c[LEVEL_NAMES[level]]
        members = {r.id: r.name for r in conn.execute(
            select(places.c.id, places.c.name).where(
                units_of_level(conn, finest), column == place.id))}
        unit_events = list(_unit_events(conn, finest, sorted(members)))
        # Events about the province as a whole (which move its units by inference), and
        # those about places in it tied to no unit (which move nothing).
        coarse = select(events).where(events.c[LEVEL_NAMES[level]] == place.id,
                                      events.c[LEVEL_NAMES[finest]].is_(None))
        unit_events += [row_to_event(r) for r in conn.execute(coarse)]
    if day is not None:
        intervals = [iv for iv in intervals if iv.start <= day]
    ids = {e for iv in intervals for e in iv.event_ids} | {e.id or "" for e in unit_events}
    details = event_details(conn, ids)
    decided = load_decisions(conn)
    countries = load_geography(conn, profile).countries
    unplaced = [(details[e.id], why) for e in unit_events if e.id in details
                and (why := _unplaced_because(e, profile, finest, countries))]
    rejected = [(d, details.get(d.event_id or "")) for d in decided
                if d.kind == "reject" and d.event_id in {e.id for e in unit_events}]
    pins = [d for d in decided if d.kind == "pin" and (d.unit_id == place.id
                                                       or d.unit_id in members)]
    cited = {e for iv in intervals for e in iv.event_ids if e.startswith(BASELINE_REF)}
    baselines = {b.ref: b for b in load_baselines(conn, sorted(members) or [place.id])
                 if b.ref in cited}
    trail = read_trail(conn, unit_ids=[place.id, *members],
                       event_ids=[e.id for e in unit_events if e.id])
    explanation = Explanation(place, level, unit_word(profile, level), intervals, details, day,
                              unplaced, rejected, pins, members, note,
                              profile_settings(profile).contested_days, baselines, trail)
    return explanation

