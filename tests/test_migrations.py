"""The schema's migrations (alembic), on SQLite and PostgreSQL.

A database made by any older frontlines is upgraded in place when a workspace
is opened, keeping its data: `fixtures/v1-workspace` is a workspace made by the
last version before alembic (schema_version 6; `make_v1.py` beside it says
what it holds), and a database at each earlier revision is made here by the
migrations themselves. Whatever the path, the tables end as the store defines them.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, update

from frontlines.store import (
    SCHEMA_HEAD,
    SCHEMA_VERSION,
    Workspace,
    WorkspaceError,
    alembic_version,
    documents,
    events,
    get_extraction_choice,
    get_meta,
    load_places,
    make_engine,
    metadata,
    migrations,
    query_events,
    query_statements,
    replace_events,
    schema_revision,
    workspace_database,
)
from frontlines.store.tokens import token_rows
from frontlines.store.trail import read_trail
from frontlines.timeline import interval_on
from frontlines.timeline_store import (
    ensure_timeline,
    load_decisions,
    load_intervals,
    timeline_is_fresh,
)

from .conftest import new_database

pytestmark = pytest.mark.both_backends

V1_WORKSPACE = Path(__file__).parent / "fixtures" / "v1-workspace"


def drift(conn: Connection) -> list[object]:
    """What differs between the database's tables and the store's table definitions."""
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


def test_the_newest_revision_is_the_one_the_store_expects() -> None:
    assert migrations.head() == SCHEMA_HEAD and int(SCHEMA_HEAD) == SCHEMA_VERSION
    assert migrations.known_revisions() == {f"{n:04d}" for n in range(1, SCHEMA_VERSION + 1)}


def test_a_new_workspace_has_exactly_the_tables_the_store_defines(workspace: Workspace) -> None:
    with workspace.connect() as conn:
        assert schema_revision(conn) == SCHEMA_HEAD
        assert get_meta(conn, "schema_version") == str(SCHEMA_VERSION)
        assert drift(conn) == []


@pytest.mark.sqlite_only
def test_a_workspace_made_before_alembic_upgrades_in_place_keeping_its_data(tmp_path: Path) -> None:
    folder = shutil.copytree(V1_WORKSPACE, tmp_path / "ws")
    engine = make_engine(workspace_database(folder))
    with engine.connect() as conn:
        assert schema_revision(conn) == "0006"  # its schema_version, as a revision
        cached = load_intervals(conn)  # the timeline the old version computed
    engine.dispose()

    ws = Workspace.open(folder)
    with ws.connect() as conn:
        assert schema_revision(conn) == SCHEMA_HEAD
        # An older frontlines opening it now refuses a schema newer than its own.
        assert get_meta(conn, "schema_version") == str(SCHEMA_VERSION)
        assert drift(conn) == []
        places = {p.id: p for p in load_places(conn)}
        assert sorted(places) == ["AF19", "AF1901", "AF1904", "AF1905"]
        assert places["AF1905"].alt_names == ("Imam Saheb",)
        stored = {e.id: e for e in query_events(conn)}
        assert sorted(stored) == ["r-august#1", "r-august#2", "r-june#1", "r-june#2"]
        assert (stored["r-june#1"].probability, stored["r-june#1"].model) == (
            0.91, "decision.v1@fixture")
        assert stored["r-august#1"].certainty == "confirmed"
        # Its events are numbered in the order they were written.
        order = conn.execute(select(events.c.id).order_by(events.c.seq)).scalars().all()
        assert order == ["r-june#1", "r-june#2", "r-august#1", "r-august#2"]
        assert get_meta(conn, "events.seq") == "4"
        [(statement, _)] = query_statements(conn)
        assert (statement.count, statement.total, statement.area_id) == (3, 7, "AF19")
        assert [(d.kind, d.event_id) for d in load_decisions(conn)] == [("reject", "r-august#2")]
        assert [t["name"] for t in token_rows(conn)] == ["fixture-editor"]
        # Tokens made before roles existed keep writing; the decision in force starts the
        # audit trail, by an author nobody recorded.
        assert [t["role"] for t in token_rows(conn)] == ["writer"]
        [entry] = read_trail(conn)
        assert (entry.action, entry.event_id, entry.who) == (
            "reject", "r-august#2", "unknown (made before the audit trail)")
        assert get_extraction_choice(conn, "other.v9").extractor == "staged.v1"
        # The cache's freshness stamp was of the old kind: it is rebuilt, the same.
        assert not timeline_is_fresh(conn, ws.profile)
    with ws.begin() as conn:
        assert ensure_timeline(conn, ws.profile)
    with ws.connect() as conn:
        assert load_intervals(conn) == cached
        kunduz = interval_on(load_intervals(conn)["AF1901"], date(2021, 8, 9))
        assert kunduz is not None and kunduz.state == "taliban"
    # New events are numbered after the old ones.
    with ws.begin() as conn:
        [june] = [e for e in query_events(conn, document_id="r-june") if e.id == "r-june#1"]
        replace_events(conn, "r-june", [june])
        assert conn.execute(select(events.c.seq).where(events.c.id == "r-june#1")).scalar() == 5
    Workspace.open(folder)  # opening again is harmless


def _database_at(revision: str, backend: str, folder: Path) -> tuple[Path, str | None]:
    """A workspace folder whose database the migrations brought to `revision` only, holding
    one report and one event written as that revision's tables allow."""
    ws = Workspace.init(folder, database=new_database(backend))
    url = ws.database.render_as_string(hide_password=False)
    ws.engine.dispose()
    # Start again from an empty database, and go no further than `revision`.
    with ws.engine.begin() as conn:
        metadata.drop_all(conn)
        alembic_version.drop(conn)
    with ws.engine.begin() as conn:
        migrations.upgrade(conn, revision)
        # Posted through the API before revision 0009: its origin, a temporary file since deleted.
        conn.execute(insert(documents).values(
            id="r1", content_hash="h1", text="Taliban fighters captured Khan Abad.", related=[],
            origin="/tmp/frontlines-api-x1y2/report.json", ingested_at="2021-06-25T00:00:00+00:00"))
        row = {"id": "r1#1", "document_id": "r1", "extractor": "old.v1", "kind": "capture",
               "actor": "taliban", "place_id": "AF1904", "place_name": "Khan Abad",
               "admin1": "AF19", "admin2": "AF1904", "geo_precision": 1, "date": "2021-06-24",
               "date_precision": "day", "date_basis": "explicit", "source_side": "unnamed",
               "certainty": "reported", "negated": False,
               "sentence": "Taliban fighters captured Khan Abad.", "start": 0, "end": 36}
        # The columns every revision has (no probability or model; seq only from 0007 on).
        if revision >= "0007":
            row["seq"] = 1
        conn.execute(insert(table("events", *(column(key) for key in row))).values(**row))
    ws.engine.dispose()
    return folder, url if backend == "postgresql" else None


@pytest.mark.parametrize("revision", [f"{n:04d}" for n in range(1, SCHEMA_VERSION)])
def test_a_database_at_any_older_revision_upgrades_keeping_its_events(
        tmp_path: Path, backend: str, revision: str) -> None:
    folder, database = _database_at(revision, backend, tmp_path / "ws")
    ws = Workspace.open(folder, database)
    with ws.connect() as conn:
        assert schema_revision(conn) == SCHEMA_HEAD
        assert drift(conn) == []
        [event] = query_events(conn)
        # Stored before probabilities existed (or with none given): certain, no model.
        assert (event.id, event.kind, event.probability, event.model) == (
            "r1#1", "capture", 1.0, None)
        assert conn.execute(select(events.c.seq)).scalar() == 1
        # No token is known for a report posted before the audit trail: its origin says "api".
        stored = conn.execute(select(documents)).one()
        assert (stored.origin, stored.posted_by, stored.posted_from) == ("api", None, None)
        if revision < "0004":
            # It keeps extracting with the extractor its events came from.
            assert get_extraction_choice(conn, "new-default.v2").extractor == "old.v1"


def test_a_newer_schema_is_refused_rather_than_damaged(workspace: Workspace) -> None:
    with workspace.begin() as conn:
        conn.execute(update(alembic_version).values(version_num="0999"))
    with pytest.raises(WorkspaceError, match="newer"):
        Workspace.open(workspace.path)
