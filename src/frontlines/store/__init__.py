"""The workspace and its store (SQLAlchemy 2 Core, SQLite or PostgreSQL): the store layer.

A workspace is a folder holding `profile.toml` and, by default, its SQLite
database `frontlines.db`. A workspace made with a database URL
(`--database postgresql://...` or `FRONTLINES_DATABASE`) keeps its data in
that server's database instead, and the folder records the URL (without any
password) in `database.url`. The tables below are today's schema; its history
is the alembic migrations in `store/migrations/`, and `migrate` brings any
older database (one made before alembic included) up to date inside one
transaction, so a workspace is never left half-migrated.

The store layer is the only place that writes SQL (`../shared/DESIGN.md`, "A
layout that reads like the flow"): this module (the schema, the workspace,
documents, events, places), `store.queries` (the questions the API, the
exports and the maps ask), `store.tokens` (the API's bearer tokens) and the
timeline's own store queries (`timeline_store`). Everything else asks them
through typed functions, holding a `Connection` (re-exported here) only to
pass it on; `tests/test_store_layer.py` fails the build on SQL anywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict, TypeVar, Unpack

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError

from ..models import Document, Event, Evidence, Place, Statement, day_out_of_range
from ..profile import Profile, ProfileError, parse_profile, read_profile_text

StoreConflict = IntegrityError
"""A write refused by a uniqueness rule: another process stored the same row first."""
StoreUnavailable = OperationalError
"""The database cannot do what was asked: its disk is full, it is read-only, another
writer holds its lock past the busy timeout, or its server went away. Nothing of the
transaction in hand was kept, and the next document would fail the same way."""

BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite connection waits for another writer's lock before giving up."""

DB_NAME = "frontlines.db"
PROFILE_NAME = "profile.toml"
WORKSPACE_ENV = "FRONTLINES_WORKSPACE"

T = TypeVar("T")

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

places = Table(
    "places",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("level", String, nullable=False),
    Column("parent_id", String, nullable=True),
    Column("admin1", String),
    Column("admin2", String),
    Column("admin3", String),
    Column("lat", Float),
    Column("lon", Float),
    Column("population", Integer),
    Column("source", String),
    Column("geometry", LargeBinary),
    Index("ix_places_level", "level"),
    Index("ix_places_parent", "parent_id"),
)

place_names = Table(
    "place_names",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("place_id", String, ForeignKey("places.id", ondelete="CASCADE"), nullable=False),
    Column("name", String, nullable=False),
    UniqueConstraint("place_id", "name"),
    Index("ix_place_names_place", "place_id"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String, primary_key=True),
    Column("content_hash", String, nullable=False, unique=True),
    Column("url", String, unique=True, nullable=True),
    Column("title", Text),
    Column("published", String),
    Column("outlet", String),
    Column("language", String),
    Column("text", Text, nullable=False),
    Column("related", JSON, nullable=False, default=list),
    Column("origin", Text),
    Column("ingested_at", String, nullable=False),
    # Added in revision 0009, the audit trail of the API's writes: the name of the token a
    # document was posted with and the client's address (NULL: not posted through the API).
    Column("posted_by", String, nullable=True),
    Column("posted_from", String, nullable=True),
    Index("ix_documents_published", "published"),
)

events = Table(
    "events",
    metadata,
    Column("id", String, primary_key=True),
    Column("document_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("extractor", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("opponent", String),
    Column("place_id", String, nullable=False),
    Column("place_name", String, nullable=False),
    Column("admin1", String),
    Column("admin2", String),
    Column("admin3", String),
    Column("geo_precision", Integer, nullable=False),
    Column("date", String),
    Column("date_precision", String, nullable=False),
    Column("date_basis", String, nullable=False),
    Column("source", Text),
    Column("source_side", String, nullable=False),
    Column("certainty", String, nullable=False),
    Column("negated", Boolean, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("explanation", Text),
    # Added in revision 0004: how likely the sentence states the event (calibrated;
    # 1.0 for extractors that give no probability, and for events stored before),
    # and the decision model's version id (NULL: none).
    Column("probability", Float, nullable=False, default=1.0, server_default=text("1.0")),
    Column("model", String, nullable=True),
    # Added in revision 0007: the order the rows were written in, numbered by the
    # store from the meta counter `events.seq` (never reused; see `replace_events`).
    Column("seq", Integer, nullable=False),
    Index("ix_events_document", "document_id"),
    Index("ix_events_place", "place_id"),
    Index("ix_events_admin2", "admin2"),
    Index("ix_events_date", "date"),
    Index("ix_events_seq", "seq", unique=True),
)

EVENT_SEQUENCE_KEY = "events.seq"
"""Meta key: the last `events.seq` given out."""


# --- the timeline's tables (issue 4; used by timeline_store.py) ----------------
# Cached intervals are derived data: `timeline_store.recompute_all` rebuilds
# them from events + decisions at any time. Decisions are the analyst's input
# and are never derived. Copy clusters cache the MinHash signature and LSH
# buckets of each document so a new report is matched without rereading all.

timeline_intervals = Table(
    "timeline_intervals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", String, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("state", String, nullable=False),
    Column("holder", String, nullable=False),
    Column("status", String, nullable=False),
    Column("start", String, nullable=False),  # YYYY-MM-DD
    Column("end", String, nullable=True),  # YYYY-MM-DD, inclusive; NULL = still holds
    Column("since", String, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("event_ids", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    # Added in revision 0005: the inference rule behind an `inferred` state.
    Column("rule", String, nullable=True),
    UniqueConstraint("unit_id", "seq"),
    Index("ix_timeline_intervals_span", "start", "end"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String, nullable=False),  # reject | pin
    Column("event_id", String),
    Column("unit_id", String),
    Column("state", String),
    Column("start", String),
    Column("end", String),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", String, nullable=False),
    Index("ix_decisions_unit", "unit_id"),
    Index("ix_decisions_event", "event_id"),
)

# The audit trail of the analyst's decisions (revision 0008): one row per act (reject,
# restore, pin, remove), from the command line or the API, never updated or deleted.
# `decisions` holds the decisions in force; this says who made or withdrew each,
# when, why, and what the units' states were just before and just after.
decision_log = Table(
    "decision_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", Integer, nullable=True),
    Column("action", String, nullable=False),  # reject | restore | pin | remove
    Column("who", String, nullable=False),
    Column("at", String, nullable=False),
    Column("event_id", String, nullable=True),
    Column("unit_id", String, nullable=True),
    Column("state", String, nullable=True),
    Column("start", String, nullable=True),
    Column("end", String, nullable=True),
    Column("why", Text, nullable=False, default=""),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Index("ix_decision_log_unit", "unit_id"),
    Index("ix_decision_log_event", "event_id"),
)

document_copies = Table(
    "document_copies",
    metadata,
    Column("document_id", String, ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("cluster_id", String, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Index("ix_document_copies_cluster", "cluster_id"),
)

document_buckets = Table(
    "document_buckets",
    metadata,
    Column("document_id", String, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False),
    Column("bucket", String, nullable=False),
    Index("ix_document_buckets_bucket", "bucket"),
    Index("ix_document_buckets_document", "document_id"),
)


# --- API tokens (issue 5; used by api.py) -------------------------------------------
# Only a SHA-256 digest of each bearer token is kept: a leaked database does
# not leak write access. Tokens are 256-bit random strings, so a fast hash is
# enough (no salt or key stretching needed, unlike passwords).

api_tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False),
    Column("token_hash", String, nullable=False, unique=True),
    Column("created_at", String, nullable=False),
    Column("revoked_at", String, nullable=True),
    # Added in revision 0008: what the token may do (`tokens.ROLES`); older tokens write.
    Column("role", String, nullable=False, server_default="writer"),
)


# --- event provenance (issue 8) ----------------------------------------------------
# Each event keeps the probability its extractor gave it and the decision model
# that judged it; the workspace records which extractor and model it uses
# (meta keys below, read and written by `get_extraction_choice` and
# `set_extraction_choice`).

EXTRACTOR_KEY = "extract.extractor"
EXTRACT_MODEL_KEY = "extract.model"


# --- imported baselines (issue 9; used by baseline.py and timeline_store.py) ---------
# A baseline file (CSV or GeoJSON) gives units a state as of a date, with a source:
# the state a unit rests on until a report moves it. Each import is kept whole (its
# file, its digest, its rows), so that `baseline remove` takes back exactly one file.

baseline_imports = Table(
    "baseline_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file", Text, nullable=False),  # as given (shown as the evidence)
    Column("sha256", String, nullable=False),
    Column("origin", String, nullable=False),  # "command" | "profile"
    Column("imported_at", String, nullable=False),
)

baseline_rows = Table(
    "baseline_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, ForeignKey("baseline_imports.id", ondelete="CASCADE"),
           nullable=False),
    Column("row", Integer, nullable=False),  # the row's number in its file (1 = first data row)
    Column("unit_id", String, nullable=False),
    Column("state", String, nullable=False),
    Column("as_of", String, nullable=False),  # YYYY-MM-DD
    Column("source", Text, nullable=False),
    Index("ix_baseline_rows_import", "import_id"),
    Index("ix_baseline_rows_unit", "unit_id"),
)

BASELINE_VERSION_KEY = "baseline.version"
"""Meta key bumped by every baseline import or removal: part of the timeline's fingerprint."""


# --- area statements (issue 9) -----------------------------------------------------
# "The Taliban control 10 of Badakhshan's 28 districts": a claim about a whole area that
# names no unit. Stored with its evidence like an event, one document's at a time (a
# re-extraction replaces them), shown beside the map and never painted onto units.

statements = Table(
    "statements",
    metadata,
    Column("id", String, primary_key=True),
    Column("document_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("extractor", String, nullable=False),
    Column("actor", String, nullable=True),
    Column("area_id", String, nullable=True),  # NULL: the whole country
    Column("area_name", String, nullable=True),
    Column("count", Integer, nullable=True),
    Column("total", Integer, nullable=True),
    Column("percent", Float, nullable=True),
    Column("unit_word", String, nullable=True),
    Column("date", String, nullable=True),  # YYYY-MM-DD
    Column("date_basis", String, nullable=False),
    Column("source", Text, nullable=True),
    Column("source_side", String, nullable=False),
    Column("certainty", String, nullable=False),
    Column("probability", Float, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Index("ix_statements_document", "document_id"),
    Index("ix_statements_area", "area_id"),
    Index("ix_statements_date", "date"),
)


SCHEMA_HEAD = "0009"
"""The newest alembic revision (`store/migrations/versions/`)."""
SCHEMA_VERSION = int(SCHEMA_HEAD)
"""The same as a number, kept in the meta table's `schema_version` for frontlines
versions made before alembic (whose last was 6, revision 0006), which refuse a
database newer than they are."""

DATABASE_ENV = "FRONTLINES_DATABASE"
DATABASE_RECORD = "database.url"
BACKENDS = ("sqlite", "postgresql")


class WorkspaceError(RuntimeError):
    """The workspace folder is missing, not initialised, or unusable."""


def _enable_sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def database_url(text: str) -> URL:
    """A database URL as frontlines uses it; `postgresql://` means the psycopg (3) driver.

    Only SQLite and PostgreSQL are supported: anything else raises `WorkspaceError`.
    """
    try:
        url = make_url(text)
    except ArgumentError:
        raise WorkspaceError(f"{text!r} is not a database URL (expected postgresql://USER@HOST/NAME "
                             "or sqlite:///FILE)") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in BACKENDS:
        raise WorkspaceError(f"{url.get_backend_name()!r} databases are not supported "
                             f"(supported: {', '.join(BACKENDS)})")
    return url


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite", database=str(path))


def read_only_sqlite_url(url: URL) -> URL | None:
    """For a SQLite file this process cannot write (on a read-only mount, or not its
    own), a URL that opens it read-only; None when it can write (or it is no file).

    SQLite opens such a file read-write all the same and fails later, and a WAL
    database in a folder it cannot write to (no room for its `-shm` index) does not
    even open: "unable to open database file". Read-only, the maps and queries of
    a workspace on a read-only mount work, and a write fails saying the database is
    read-only. In a folder nothing can write to, the file is opened `immutable`
    (SQLite then needs no `-shm` and takes no locks): right for a read-only mount.
    """
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database)
    if not path.is_file() or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    query = {"mode": "ro", "uri": "true"}
    if not os.access(path.parent, os.W_OK):
        query["immutable"] = "1"
    return url.set(database=f"file:{path}", query=query)


def shown_url(url: URL) -> str:
    """A URL fit to print: its password hidden."""
    return url.render_as_string(hide_password=True)


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _postgres_text(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                   executemany: bool) -> tuple[str, Any]:
    """PostgreSQL's text cannot hold a NUL character, which SQLite's can: a NUL in a value
    sent to the server becomes U+FFFD. Stored text has no NUL (documents are cleaned of
    control characters), so a value with one is looked up and, as on SQLite, found
    nowhere, instead of failing the query."""
    def clean(params: Any) -> Any:
        if isinstance(params, dict):
            return {key: _without_nul(value) for key, value in params.items()}
        if isinstance(params, list | tuple):
            return type(params)(_without_nul(value) for value in params)
        return params

    if executemany:
        return statement, [clean(p) for p in parameters]
    return statement, clean(parameters)


POOL_TIMEOUT_SECONDS = 10.0
"""How long a caller waits for a pooled connection before an error (SQLAlchemy's default
is 30 s): a pool sized to its callers never makes one wait; if one does, it fails soon."""


def make_engine(url: str | URL, folder: Path | None = None, connections: int | None = None) -> Engine:
    """An engine for a database URL; `folder`, the workspace folder, is where the caches
    of a server's database are kept (`database_file`).

    `connections`: how many connections its callers may hold at once (the pool keeps
    that many open and makes as many again on demand). A server sizes it to the
    requests it admits at a time, so that none waits on another for a connection;
    None keeps SQLAlchemy's pool (5, and 10 more on demand), plenty for a command.
    """
    url = database_url(url) if isinstance(url, str) else url
    sized: dict[str, Any] = {}
    if connections is not None:
        sized = {"pool_size": connections, "max_overflow": connections,
                 "pool_timeout": POOL_TIMEOUT_SECONDS}
    # A server may have restarted, or ended idle connections, since one was pooled.
    engine = create_engine(url, pool_pre_ping=url.get_backend_name() != "sqlite", **sized)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_pragmas)
    else:
        event.listen(engine, "before_cursor_execute", _postgres_text, retval=True)
    if engine.dialect.name != "sqlite" and folder is not None:
        engine = engine.execution_options(frontlines_record=str(folder / DATABASE_RECORD))
    return engine


alembic_version = Table("alembic_version", MetaData(), Column("version_num", String(32)))
"""alembic's own record of a database's revision (not part of `metadata`)."""
MIGRATION_LOCK = 7_266_010
"""PostgreSQL advisory lock held while a database is migrated: one process at a time."""


def schema_revision(conn: Connection) -> str | None:
    """The database's schema revision: alembic's record, or for a database made before
    alembic the revision of its `schema_version`; None for an empty database."""
    if conn.dialect.has_table(conn, alembic_version.name):
        return conn.execute(select(alembic_version.c.version_num)).scalar()
    if not conn.dialect.has_table(conn, "meta"):
        return None
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return f"{int(row[0]):04d}" if row and int(row[0]) else None


def migrate(engine: Engine) -> int:
    """Apply every pending migration in one transaction; return the schema's version.

    A database made before alembic (no `alembic_version` table) is first stamped
    with the revision of its `schema_version`. One made by a newer frontlines
    is refused, untouched.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        current = schema_revision(conn)
        if current == SCHEMA_HEAD:
            return SCHEMA_VERSION
        from . import migrations

        if current is not None and current not in migrations.known_revisions():
            raise WorkspaceError(f"the database's schema (revision {current}) is newer than this "
                                 f"frontlines (revision {SCHEMA_HEAD})")
        before_alembic = current is not None and not conn.dialect.has_table(conn,
                                                                            alembic_version.name)
        migrations.upgrade(conn, stamp=current if before_alembic else None)
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))
    return SCHEMA_VERSION


def database_file(conn: Connection) -> str | None:
    """The file that stands for a connection's database, beside which caches are kept: its
    SQLite file (None or ":memory:" for one in memory), or for a server's database the
    workspace folder's `database.url` (None when no workspace made the engine)."""
    url = conn.engine.url
    if url.get_backend_name() == "sqlite":
        return url.database
    record = conn.get_execution_options().get("frontlines_record")
    return str(record) if record else None


def stored_document_count(url: URL) -> int:
    """How many documents the database holds (0 if it has no documents table yet),
    without migrating it."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not conn.dialect.has_table(conn, "documents"):
                return 0
            return count_documents(conn)
    except OperationalError as exc:
        raise WorkspaceError(_unreachable(url, exc)) from exc
    finally:
        engine.dispose()


def store_failure(exc: OperationalError) -> str:
    """What went wrong with the database, in one line a user can act on."""
    lines = str(exc.orig or exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    lowered = reason.lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return f"the disk holding the database is full ({reason}): free some space"
    if "readonly database" in lowered or "read-only" in lowered:
        return (f"the database is read-only ({reason}): frontlines needs to write to the "
                "workspace folder and its database file")
    if "database is locked" in lowered or "database is busy" in lowered:
        return (f"another process held the database's write lock for longer than "
                f"{BUSY_TIMEOUT_MS // 1000} s ({reason}): try again when it is done")
    if any(sign in lowered for sign in ("server closed the connection", "terminating connection",
                                        "connection refused", "connection is closed",
                                        "consuming input failed", "the connection is lost")):
        return (f"the database server went away ({reason}): what was stored before is "
                "intact; try again when it is back")
    if "unable to open database file" in lowered:
        return f"the database file cannot be opened ({reason})"
    return f"the database failed: {reason}"


def _unreachable(url: URL, exc: OperationalError) -> str:
    reason = str(exc.orig or exc).strip().splitlines()
    return f"cannot open the database {shown_url(url)}: {reason[0] if reason else exc}"


def recorded_database(path: Path) -> str | None:
    """The database URL recorded in a workspace folder (None: its SQLite file)."""
    record = path / DATABASE_RECORD
    if not record.exists():
        return None
    return record.read_text(encoding="utf-8").strip() or None


def workspace_database(path: Path, database: str | None = None) -> URL:
    """The database of the workspace folder `path`: `database` if given (`--database` or
    `FRONTLINES_DATABASE`), else the one recorded in the folder, else its SQLite file."""
    given = database or recorded_database(path)
    return database_url(given) if given else sqlite_url(path / DB_NAME)


def set_meta(conn: Connection, key: str, value: str) -> None:
    if conn.execute(select(meta.c.key).where(meta.c.key == key)).first():
        conn.execute(update(meta).where(meta.c.key == key).values(value=value))
    else:
        conn.execute(insert(meta).values(key=key, value=value))


def get_meta(conn: Connection, key: str) -> str | None:
    row = conn.execute(select(meta.c.value).where(meta.c.key == key)).first()
    return row[0] if row else None


def delete_meta(conn: Connection, key: str) -> None:
    conn.execute(delete(meta).where(meta.c.key == key))


@dataclass(frozen=True)
class ExtractionChoice:
    """Which extractor a workspace extracts with, and which decision-model artifact.

    `model` is the path of a model file (`ExtractionConfig.model`); None means
    the extractor's built-in model.
    """

    extractor: str
    model: str | None = None

    def describe(self) -> str:
        """`NAME (model: PATH)`, or `NAME (model: built-in)`: how `status` shows it."""
        return f"{self.extractor} (model: {self.model or 'built-in'})"


def recorded_extraction_choice(conn: Connection) -> ExtractionChoice | None:
    """The extraction choice recorded in the workspace, or None if it never made one."""
    extractor = get_meta(conn, EXTRACTOR_KEY)
    if extractor is None:
        return None
    return ExtractionChoice(extractor, get_meta(conn, EXTRACT_MODEL_KEY))


def get_extraction_choice(conn: Connection, default_extractor: str) -> ExtractionChoice:
    """The workspace's extraction choice; `default_extractor` (built-in model) when none is recorded.

    The caller supplies the default (`extract.DEFAULT_EXTRACTOR`): the store
    knows nothing of the extractors.
    """
    return recorded_extraction_choice(conn) or ExtractionChoice(default_extractor)


def set_extraction_choice(conn: Connection, choice: ExtractionChoice) -> None:
    """Record the workspace's extraction choice (unchecked: the caller validates the name)."""
    set_meta(conn, EXTRACTOR_KEY, choice.extractor)
    if choice.model is None:
        delete_meta(conn, EXTRACT_MODEL_KEY)
    else:
        set_meta(conn, EXTRACT_MODEL_KEY, choice.model)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Workspace:
    """A folder with a profile and a database. Open it with `Workspace.open`."""

    def __init__(self, path: Path, engine: Engine, profile: Profile):
        self.path = path
        self.engine = engine
        self.profile = profile

    @property
    def database(self) -> URL:
        return self.engine.url

    @classmethod
    def init(cls, path: Path, profile: str | None = None,
             database: str | None = None) -> Workspace:
        """Create (or re-open) a workspace. Running it again is harmless.

        On an existing workspace, a profile is only replaced when one is given
        explicitly. `database` (a URL) puts the workspace's data in that
        database rather than the folder's SQLite file, and the folder records it
        (without its password: give that again with `--database`, or through
        `PGPASSWORD` or `~/.pgpass`).
        """
        profile_file = path / PROFILE_NAME
        text = None
        if profile is not None or not profile_file.exists():
            text, origin = read_profile_text(profile or "afghanistan-2021")
            parse_profile(text, origin)  # validate before writing anything
        url = workspace_database(path, database)
        path.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url, path)
        try:
            migrate(engine)
        except OperationalError as exc:
            raise WorkspaceError(_unreachable(url, exc)) from exc
        finally:
            engine.dispose()
        if text is not None:
            tmp = profile_file.with_suffix(".toml.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(profile_file)
        if database is not None:
            record = URL.create(url.drivername, url.username, None, url.host, url.port,
                                url.database, url.query).render_as_string(hide_password=False)
            if url.get_backend_name() == "sqlite" and url.database == str(path / DB_NAME):
                (path / DATABASE_RECORD).unlink(missing_ok=True)
            elif recorded_database(path) != record:
                (path / DATABASE_RECORD).write_text(record + "\n", encoding="utf-8")
        return cls.open(path, database)

    @classmethod
    def open(cls, path: Path, database: str | None = None, *,
             connections: int | None = None) -> Workspace:
        """The workspace at `path` (its database migrated if need be); `connections` sizes
        its connection pool (see `make_engine`)."""
        url = workspace_database(path, database)
        profile_file = path / PROFILE_NAME
        in_folder = url.get_backend_name() == "sqlite" and url.database == str(path / DB_NAME)
        if not profile_file.exists() or (in_folder and not (path / DB_NAME).exists()):
            raise WorkspaceError(
                f"{path}: not a frontlines workspace (run 'frontlines --workspace {path} init')"
            )
        try:
            profile = parse_profile(profile_file.read_text(encoding="utf-8"), str(profile_file))
        except ProfileError as exc:
            raise WorkspaceError(str(exc)) from exc
        engine = make_engine(read_only_sqlite_url(url) or url, path, connections)
        try:
            migrate(engine)
        except OperationalError as exc:
            engine.dispose()
            raise WorkspaceError(_unreachable(url, exc)) from exc
        return cls(path, engine, profile)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed on success, rolled back on any error or Ctrl-C."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn


# --- places -----------------------------------------------------------------


def upsert_places(conn: Connection, items: Iterable[Place]) -> int:
    """Insert or replace places (and their names). Returns how many were written."""
    count = 0
    for place in items:
        row = _place_row(place)
        if conn.execute(select(places.c.id).where(places.c.id == place.id)).first():
            conn.execute(update(places).where(places.c.id == place.id).values(**row))
            conn.execute(delete(place_names).where(place_names.c.place_id == place.id))
        else:
            conn.execute(insert(places).values(**row))
        names = dict.fromkeys(n.strip() for n in (place.name, *place.alt_names) if n and n.strip())
        if names:
            conn.execute(
                insert(place_names), [{"place_id": place.id, "name": n} for n in names]
            )
        count += 1
    return count


def load_places(conn: Connection, levels: Sequence[str] | None = None,
                with_geometry: bool = False, with_names: bool = True) -> list[Place]:
    """All places (optionally of some levels), with their alternate names.

    `places.name` is a place's main name; its other `place_names` rows are its
    alternate names (`Place.alt_names`). `with_names=False` skips reading
    those (tens of thousands for a country's settlements) when only where
    places lie matters.
    """
    # The geometry blobs are most of the table's bytes: read them only when asked.
    query = select(places) if with_geometry else select(*(c for c in places.c if c.key != "geometry"))
    if levels:
        query = query.where(places.c.level.in_(list(levels)))
    names: dict[str, list[str]] = {}
    name_query = select(place_names.c.place_id, place_names.c.name)
    if levels:
        name_query = name_query.where(place_names.c.place_id.in_(
            select(places.c.id).where(places.c.level.in_(list(levels))).scalar_subquery()))
    for place_id, name in conn.execute(name_query) if with_names else ():
        names.setdefault(place_id, []).append(name)
    result = []
    for row in conn.execute(query.order_by(places.c.id)):
        result.append(
            Place(
                id=row.id,
                name=row.name,
                level=row.level,
                parent_id=row.parent_id,
                admin1=row.admin1,
                admin2=row.admin2,
                admin3=row.admin3,
                alt_names=tuple(n for n in names.get(row.id, []) if n != row.name),
                lat=row.lat,
                lon=row.lon,
                population=row.population,
                source=row.source,
                geometry_wkb=row.geometry if with_geometry else None,
            )
        )
    return result


def count_places(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(places.c.level, func.count()).group_by(places.c.level))
    return {level: n for level, n in rows}


# --- documents --------------------------------------------------------------


def find_duplicate(conn: Connection, doc: Document) -> str | None:
    """The id of a stored document with the same content hash, URL or id, if any."""
    conditions = [documents.c.content_hash == doc.content_hash, documents.c.id == doc.id]
    if doc.url:
        conditions.append(documents.c.url == doc.url)
    from sqlalchemy import or_

    row = conn.execute(select(documents.c.id).where(or_(*conditions))).first()
    return row[0] if row else None


def add_document(conn: Connection, doc: Document) -> bool:
    """Store a document unless it is already there. Returns True when it was added."""
    if find_duplicate(conn, doc):
        return False
    conn.execute(
        insert(documents).values(
            id=doc.id,
            content_hash=doc.content_hash,
            url=doc.url,
            title=doc.title,
            published=doc.published,
            outlet=doc.outlet,
            language=doc.language,
            text=doc.text,
            related=list(doc.related),
            origin=doc.origin,
            ingested_at=now_iso(),
            posted_by=doc.posted_by,
            posted_from=doc.posted_from,
        )
    )
    return True


def document_with_url(conn: Connection, url: str) -> str | None:
    """The id of the stored document with this URL, if any."""
    row = conn.execute(select(documents.c.id).where(documents.c.url == url)).first()
    return row[0] if row else None


def document_identity(conn: Connection, doc_id: str) -> tuple[str, str | None] | None:
    """(content hash, URL) of the stored document with this id, if any."""
    row = conn.execute(select(documents.c.content_hash, documents.c.url)
                       .where(documents.c.id == doc_id)).first()
    return (row.content_hash, row.url) if row else None


def has_documents(conn: Connection) -> bool:
    """Whether the store holds any document at all."""
    return conn.execute(select(documents.c.id).limit(1)).first() is not None


def _row_to_document(row: Any) -> Document:
    return Document(
        id=row.id,
        text=row.text,
        content_hash=row.content_hash,
        title=row.title,
        published=row.published,
        outlet=row.outlet,
        url=row.url,
        language=row.language,
        related=tuple(row.related or ()),
        origin=row.origin,
        posted_by=row.posted_by,
        posted_from=row.posted_from,
    )


def get_document(conn: Connection, doc_id: str) -> Document | None:
    row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
    return _row_to_document(row) if row else None


def document_ingested_at(conn: Connection, doc_id: str) -> str | None:
    """When the document with this id was stored (ISO 8601, UTC), if it is."""
    return conn.execute(select(documents.c.ingested_at).where(documents.c.id == doc_id)).scalar()


def iter_documents(conn: Connection, ids: Sequence[str] | None = None) -> Iterator[Document]:
    query = select(documents).order_by(nulls_first(conn, documents.c.published), documents.c.id)
    if ids is not None:
        query = query.where(documents.c.id.in_(list(ids)))
    for row in conn.execute(query):
        yield _row_to_document(row)


def nulls_first(conn: Connection, column: Any) -> Any:
    """An ascending order with NULL first, as SQLite sorts (PostgreSQL puts NULL last)."""
    return column if conn.dialect.name == "sqlite" else column.nulls_first()


# SQLite allows only so many bound parameters in one statement: long
# `IN (...)` lists are sent in chunks of this many ids.
IN_CHUNK = 500


def in_chunks(ids: Sequence[T]) -> Iterator[Sequence[T]]:
    """Consecutive slices of `ids`, each short enough for one `IN (...)`."""
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


# --- events -----------------------------------------------------------------

EVENT_FIELDS = (
    "kind", "actor", "opponent", "place_id", "place_name", "admin1", "admin2", "admin3",
    "geo_precision", "date", "date_precision", "date_basis", "source", "source_side",
    "certainty", "negated", "extractor", "explanation", "probability", "model",
)


def event_id(doc_id: str, number: int) -> str:
    """An event's id: its document's id and a number within that document."""
    return f"{doc_id}#{number}"


def _event_number(event_id_text: str, doc_id: str) -> int | None:
    prefix = f"{doc_id}#"
    if event_id_text.startswith(prefix) and event_id_text[len(prefix):].isdigit():
        return int(event_id_text[len(prefix):])
    return None


def claim_signature(ev: Event) -> tuple[Any, ...]:
    """What makes two extractions of a document the same claim: re-extracting
    keeps an event's id as long as this does not change."""
    return (ev.kind, ev.actor, ev.place_id, ev.evidence.start, ev.evidence.end, bool(ev.negated),
            ev.certainty == "denied")


def _reserve_event_numbers(conn: Connection, count: int) -> int:
    """Take `count` new `events.seq` numbers from the meta counter; return the first.

    One UPDATE that adds to the counter: on PostgreSQL it locks the counter's row
    until the transaction ends (`lock_events`), so writers number their rows in the
    order they commit.
    """
    conn.execute(update(meta).where(meta.c.key == EVENT_SEQUENCE_KEY)
                 .values(value=cast(cast(meta.c.value, Integer) + count, String)))
    last = get_meta(conn, EVENT_SEQUENCE_KEY)
    if last is None:
        raise WorkspaceError(f"the meta table has no {EVENT_SEQUENCE_KEY!r} (migrate first)")
    return int(last) - count + 1


def lock_events(conn: Connection) -> None:
    """Hold the events' write lock until the transaction ends.

    Every write of events takes it first (`replace_events`), and so does every
    recompute of the timeline before it reads them: on PostgreSQL, where each
    statement of a transaction sees what others committed until then, the events
    cannot change under a recompute, and the cache it saves is of one state of
    them. (SQLite's writers take turns anyway; there it costs nothing.)
    """
    _reserve_event_numbers(conn, 0)


def replace_events(conn: Connection, doc_id: str, items: Sequence[Event]) -> list[str]:
    """Store the events extracted from one document, replacing earlier ones.

    Ids are stable across re-extraction: an event that was already there (same
    `claim_signature`) keeps its id, so analyst decisions that name it still
    apply; a new event gets a number never used in this document before (nor
    named by any decision), so a decision never silently moves to another claim.
    Every row written gets a new `seq`, above any given before.
    """
    previous = {claim_signature(e): e.id for e in query_events(conn, document_id=doc_id)}
    used = [n for n in (_event_number(i or "", doc_id) for i in previous.values()) if n]
    decided = conn.execute(
        select(decisions.c.event_id).where(decisions.c.event_id.like(f"{doc_id}#%"))
    ).scalars()
    used += [n for n in (_event_number(i or "", doc_id) for i in decided) if n]
    next_number = max(used, default=0) + 1
    first = _reserve_event_numbers(conn, len(items))  # also `lock_events`, before any change
    conn.execute(delete(events).where(events.c.document_id == doc_id))
    ids: list[str] = []
    rows = []
    for ev in items:
        if not 0.0 <= ev.probability <= 1.0:  # also refuses NaN
            raise ValueError(f"event of {doc_id} at {ev.evidence.start}: probability "
                             f"{ev.probability!r} is not between 0 and 1 (from {ev.extractor})")
        kept = previous.pop(claim_signature(ev), None)
        if kept is None or kept in ids:
            kept = event_id(doc_id, next_number)
            next_number += 1
        ev.id = kept
        ids.append(ev.id)
        row = {f: getattr(ev, f) for f in EVENT_FIELDS}
        row.update(
            id=ev.id,
            document_id=doc_id,
            sentence=ev.evidence.sentence,
            start=ev.evidence.start,
            end=ev.evidence.end,
        )
        rows.append(row)
    if rows:
        for number, row in enumerate(rows, start=first):
            row["seq"] = number
        conn.execute(insert(events), rows)
    return ids


STATEMENTS_VERSION_KEY = "statements.version"
"""Meta key bumped by every `replace_statements`: that statements may have changed."""

STATEMENT_FIELDS = (
    "extractor", "actor", "area_id", "area_name", "count", "total", "percent", "unit_word",
    "date", "date_basis", "source", "source_side", "certainty", "probability",
)


def replace_statements(conn: Connection, doc_id: str, items: Sequence[Statement]) -> list[str]:
    """Store the area statements read from one document, replacing earlier ones.

    Their ids are the document's id and `s` plus a number (`a019#s1`): nothing
    decides about statements, so a re-extraction simply renumbers them.
    """
    conn.execute(delete(statements).where(statements.c.document_id == doc_id))
    # The events' `seq` tells readers that events changed; this counter does the same for
    # statements (`timeline_store.data_version`), which a re-extraction may change alone.
    # Under the events' lock, like every write of a document's findings: two writers never
    # both make the counter's row.
    lock_events(conn)
    set_meta(conn, STATEMENTS_VERSION_KEY, str(int(get_meta(conn, STATEMENTS_VERSION_KEY) or 0) + 1))
    rows = []
    for number, item in enumerate(items, start=1):
        if not 0.0 <= item.probability <= 1.0:  # also refuses NaN
            raise ValueError(f"statement of {doc_id} at {item.evidence.start}: probability "
                             f"{item.probability!r} is not between 0 and 1 (from {item.extractor})")
        item.id = f"{doc_id}#s{number}"
        row = {f: getattr(item, f) for f in STATEMENT_FIELDS}
        row.update(id=item.id, document_id=doc_id, sentence=item.evidence.sentence,
                   start=item.evidence.start, end=item.evidence.end)
        rows.append(row)
    if rows:
        conn.execute(insert(statements), rows)
    return [str(r["id"]) for r in rows]


def row_to_statement(row: Any) -> Statement:
    return Statement(evidence=Evidence(row.document_id, row.sentence, row.start, row.end),
                     id=row.id, **{f: getattr(row, f) for f in STATEMENT_FIELDS})


def query_statements(conn: Connection, *, since: str | None = None, until: str | None = None,
                     areas: Sequence[str | None] | None = None,
                     document_id: str | None = None) -> list[tuple[Statement, Any]]:
    """Area statements (with their document's outlet, published date, title and URL),
    oldest first; `areas` lists the area ids wanted (None in it: the whole country)."""
    from sqlalchemy import or_

    query = (select(statements, documents.c.outlet, documents.c.published, documents.c.title,
                    documents.c.url)
             .select_from(statements.join(documents, documents.c.id == statements.c.document_id)))
    if since:
        query = query.where(statements.c.date >= since)
    if until:
        query = query.where(statements.c.date <= until)
    if areas is not None:
        named = [a for a in areas if a is not None]
        wanted = [statements.c.area_id.in_(named)] if named else []
        if None in areas:
            wanted.append(statements.c.area_id.is_(None))
        query = query.where(or_(*wanted)) if wanted else query.where(statements.c.id.is_(None))
    if document_id:
        query = query.where(statements.c.document_id == document_id)
    query = query.order_by(nulls_first(conn, statements.c.date), statements.c.id)
    return [(row_to_statement(row), row) for row in conn.execute(query)]


def orphaned_decisions(conn: Connection) -> list[str]:
    """Event ids named by decisions that no stored event has any more (after a
    re-extraction dropped or changed the claim): the analyst must look again."""
    query = select(decisions.c.event_id).where(
        decisions.c.event_id.is_not(None), decisions.c.event_id.not_in(select(events.c.id))
    )
    return sorted(set(conn.execute(query).scalars()))


def row_to_event(row: Any) -> Event:
    # One dict of the row, not one attribute lookup per field: the timeline reads every
    # event of the store this way on a full recompute.
    values = row._asdict()
    return Event(
        id=values["id"],
        evidence=Evidence(values["document_id"], values["sentence"], values["start"],
                          values["end"]),
        **{f: values[f] for f in EVENT_FIELDS},
    )


def _event_conditions(
    since: str | None,
    until: str | None,
    place: str | None,
    actor: str | None,
    kind: str | None,
    document_id: str | None = None,
) -> list[Any]:
    """The WHERE clauses of an event query: one definition for lists and counts."""
    from sqlalchemy import or_

    conditions: list[Any] = []
    if since:
        conditions.append(events.c.date >= since)
    if until:
        conditions.append(events.c.date <= until)
    if place:
        conditions.append(
            or_(
                events.c.place_id == place,
                events.c.admin1 == place,
                events.c.admin2 == place,
                events.c.admin3 == place,
            )
        )
    if actor:
        conditions.append(events.c.actor == actor)
    if kind:
        conditions.append(events.c.kind == kind)
    if document_id:
        conditions.append(events.c.document_id == document_id)
    return conditions


class EventFilters(TypedDict, total=False):
    """What `query_events` and `iter_events` filter and page by."""

    since: str | None
    until: str | None
    place: str | None
    actor: str | None
    kind: str | None
    document_id: str | None
    limit: int | None
    offset: int


def query_events(conn: Connection, **filters: Unpack[EventFilters]) -> list[Event]:
    """Events filtered by date range, place (any admin level), actor and kind."""
    return list(iter_events(conn, **filters))


EVENTS_PER_FETCH = 1000
"""Rows `iter_events` holds at a time: memory stays flat whatever the store's size."""


def iter_events(conn: Connection, **filters: Unpack[EventFilters]) -> Iterator[Event]:
    """`query_events`, one event at a time, fetched in batches: listing or
    exporting every event of a store of 100,000 never holds them all."""
    since, until, place = filters.get("since"), filters.get("until"), filters.get("place")
    actor, kind, document_id = filters.get("actor"), filters.get("kind"), filters.get("document_id")
    limit, offset = filters.get("limit"), filters.get("offset", 0)
    query = select(events).where(*_event_conditions(since, until, place, actor, kind, document_id))
    query = query.order_by(nulls_first(conn, events.c.date), events.c.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    # Per statement: options set on the connection would stay on it, and make
    # every later statement (an UPDATE too) a server-side cursor on PostgreSQL.
    result = conn.execute(query, execution_options={"yield_per": EVENTS_PER_FETCH})
    for row in result:
        yield row_to_event(row)


def count_events(
    conn: Connection,
    *,
    since: str | None = None,
    until: str | None = None,
    place: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
) -> int:
    """How many events `query_events` returns for the same filters (for pagination)."""
    query = select(func.count()).select_from(events)
    query = query.where(*_event_conditions(since, until, place, actor, kind))
    return int(conn.execute(query).scalar_one())


# --- gazetteer helpers --------------------------------------------------------
# Bulk writes for the gazetteer: GeoNames brings thousands of places with tens of
# thousands of names, too many for `upsert_places`' row-by-row checks.


def _place_row(place: Place) -> dict[str, Any]:
    return {
        "id": place.id,
        "name": place.name,
        "level": place.level,
        "parent_id": place.parent_id,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "admin3": place.admin3,
        "lat": place.lat,
        "lon": place.lon,
        "population": place.population,
        "source": place.source,
        "geometry": place.geometry_wkb,
    }


def insert_places(conn: Connection, items: Sequence[Place]) -> int:
    """Insert places that are not stored yet (and their names) in bulk."""
    if not items:
        return 0
    conn.execute(insert(places), [_place_row(p) for p in items])
    name_rows: list[dict[str, str]] = []
    for place in items:
        names = dict.fromkeys(n.strip() for n in (place.name, *place.alt_names) if n and n.strip())
        name_rows.extend({"place_id": place.id, "name": n} for n in names)
    if name_rows:
        conn.execute(insert(place_names), name_rows)
    return len(items)


def add_place_names(conn: Connection, names: Mapping[str, Sequence[str]]) -> list[str]:
    """Give stored places more names (place id -> names); a name a place already
    has is not added again, so re-running adds nothing. Returns the ids that no
    stored place has (nothing is written for them)."""
    wanted = {pid: [n.strip() for n in ns if n and n.strip()] for pid, ns in names.items()}
    if not wanted:
        return []
    known = {row[0] for row in conn.execute(select(places.c.id).where(places.c.id.in_(list(wanted))))}
    stored = {
        (row[0], row[1].casefold())
        for row in conn.execute(
            select(place_names.c.place_id, place_names.c.name).where(place_names.c.place_id.in_(list(known)))
        )
    }
    rows = []
    for pid in sorted(known):
        for name in dict.fromkeys(wanted[pid]):
            if (pid, name.casefold()) not in stored:
                rows.append({"place_id": pid, "name": name})
                stored.add((pid, name.casefold()))
    if rows:
        conn.execute(insert(place_names), rows)
    return sorted(set(wanted) - known)


def delete_places(conn: Connection, *, source: str | None = None,
                  level: str | None = None) -> int:
    """Delete the places (and their names) of one source and/or level."""
    if source is None and level is None:
        raise ValueError("delete_places needs a source or a level")
    ids = select(places.c.id)
    if source is not None:
        ids = ids.where(places.c.source == source)
    if level is not None:
        ids = ids.where(places.c.level == level)
    conn.execute(delete(place_names).where(place_names.c.place_id.in_(ids.scalar_subquery())))
    result = conn.execute(delete(places).where(places.c.id.in_(ids.scalar_subquery())))
    return int(result.rowcount or 0)


def set_place_parents(conn: Connection, items: Iterable[Place]) -> None:
    """Rewrite where places lie (parent and admin codes), nothing else."""
    rows = [
        {"pid": p.id, "parent_id": p.parent_id, "admin1": p.admin1, "admin2": p.admin2,
         "admin3": p.admin3}
        for p in items
    ]
    if rows:
        from sqlalchemy import bindparam

        conn.execute(
            update(places)
            .where(places.c.id == bindparam("pid"))
            .values(parent_id=bindparam("parent_id"), admin1=bindparam("admin1"),
                    admin2=bindparam("admin2"), admin3=bindparam("admin3")),
            rows,
        )


# --- queries for the command line and the API ------------------------------------
# (appended: one library function per question, so the CLI and the API ask it alike)


def list_documents_sorted(conn: Connection) -> list[dict[str, Any]]:
    """Every document (`id`, `title`, `published`, `outlet`, `url`, and where it came from:
    `origin`, `ingested_at`, `posted_by`, `posted_from`), oldest publication first, undated
    ones last, ties by id."""
    query = select(
        documents.c.id, documents.c.title, documents.c.published, documents.c.outlet,
        documents.c.url, documents.c.origin, documents.c.ingested_at, documents.c.posted_by,
        documents.c.posted_from,
    ).order_by(documents.c.published.is_(None), documents.c.published, documents.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def count_documents(conn: Connection) -> int:
    """How many documents the store holds."""
    return int(conn.execute(select(func.count()).select_from(documents)).scalar_one())


def workspace_status(conn: Connection) -> dict[str, Any]:
    """What the store holds: places per level, documents and events with their date spans.

    Keys: `places` ({level: count}, sorted), `documents`, `documents_undated`,
    `published_from`, `published_to`, `events`, `events_from`, `events_to`.
    """
    n_docs, first, last = conn.execute(
        select(func.count(), func.min(documents.c.published), func.max(documents.c.published))
    ).one()
    undated = conn.execute(
        select(func.count()).where(documents.c.published.is_(None))
    ).scalar_one()
    n_events, ev_first, ev_last = conn.execute(
        select(func.count(), func.min(events.c.date), func.max(events.c.date))
    ).one()
    return {
        "places": dict(sorted(count_places(conn).items())),
        "documents": int(n_docs),
        "documents_undated": int(undated),
        "published_from": first,
        "published_to": last,
        "events": int(n_events),
        "events_from": ev_first,
        "events_to": ev_last,
    }


class EventFilterError(ValueError):
    """A bad event filter; `option` names it ("since", "until", "kind", "actor", "place")."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option


def _filter_day(value: str, option: str) -> str:
    import re
    from datetime import date

    text = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise EventFilterError(
            option, f"{option} {value!r} is not a date (expected YYYY-MM-DD)"
        ) from None
    problem = day_out_of_range(day, option)
    if problem:
        raise EventFilterError(option, problem)
    return day.isoformat()


def validate_event_filters(
    profile: Profile,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    actor: str | None = None,
    *,
    place: str | None = None,
    conn: Connection | None = None,
) -> dict[str, Any]:
    """Check the filters of an event query; raise `EventFilterError` naming the bad one.

    Dates must be YYYY-MM-DD and `until` not before `since`; `kind` one of
    `models.EVENT_KINDS`; `actor` an actor id of the profile; `place` (checked
    only when a `conn` is given) a stored place id. Returns the filters,
    normalised, ready for `query_events(conn, **filters)`: `since`, `until`,
    `place`, `actor`, `kind`.
    """
    from ..models import EVENT_KINDS

    first = _filter_day(since, "since") if since is not None else None
    last = _filter_day(until, "until") if until is not None else None
    if first and last and last < first:
        raise EventFilterError("until", f"until comes before since ({last} < {first})")
    if kind is not None and kind not in EVENT_KINDS:
        raise EventFilterError("kind", f"unknown kind {kind!r} (known: {', '.join(EVENT_KINDS)})")
    if actor is not None and actor not in profile.actor_ids:
        raise EventFilterError(
            "actor", f"unknown actor {actor!r} (known: {', '.join(profile.actor_ids)})"
        )
    if place is not None and conn is not None:
        found = conn.execute(select(places.c.id).where(places.c.id == place)).first()
        if found is None:
            raise EventFilterError(
                "place", f"unknown place {place!r} (see 'frontlines gazetteer search')"
            )
    return {"since": first, "until": last, "place": place, "actor": actor, "kind": kind}
