"""Shared fixtures: the ../shared data folder, fresh workspaces and a CLI runner.

Back ends: a workspace keeps its data in SQLite by default. The tests of the
store, the timeline, the API and ingest run against PostgreSQL as well (their
modules say `pytestmark = pytest.mark.both_backends`; a test that is about
SQLite itself says `pytest.mark.sqlite_only`): each of their tests that uses a
workspace runs once per back end, `test_x[sqlite]` and `test_x[postgresql]`.
The PostgreSQL runs need a server on which the tests may create and drop
databases: its URL in `FRONTLINES_TEST_POSTGRES` (`.ci/run` starts one and sets
it). Without one they are skipped, except in CI (`CI` set), where that fails.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from frontlines.cli import load_commands
from frontlines.cli.base import cli
from frontlines.places.gazetteer import Gazetteer
from frontlines.places.workspace import load_gazetteer
from frontlines.store import DATABASE_RECORD, Workspace, database_url, make_engine

load_commands()  # every command registered, for the tests that walk `cli.commands`

POSTGRES_ENV = "FRONTLINES_TEST_POSTGRES"
BACKENDS = ("sqlite", "postgresql")


class PostgresServer:
    """A PostgreSQL server the tests make databases on (one per workspace), all dropped
    at the end of the session."""

    def __init__(self, url: str):
        self.url = database_url(url)
        self.admin = make_engine(self.url).execution_options(isolation_level="AUTOCOMMIT")
        self.names = (f"frontlines_test_{os.getpid()}_{n}" for n in itertools.count())
        self.made: list[str] = []

    def create(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`), as a URL."""
        name = next(self.names)
        with self.admin.connect() as conn:
            if template is not None:
                # A template must have no other connection while it is copied.
                conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = %(db)s AND pid <> pg_backend_pid()",
                                     {"db": template})
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE '
                                 f'"{template or "template0"}"')
        self.made.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in reversed(self.made):
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
        self.admin.dispose()


_server: PostgresServer | None = None


def postgres_server() -> PostgresServer:
    """The session's PostgreSQL server; skips the test without one (fails it in CI)."""
    global _server
    if _server is None:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            if os.environ.get("CI"):
                pytest.fail(f"CI runs the PostgreSQL tests: set {POSTGRES_ENV} (.ci/run does)")
            pytest.skip(f"no PostgreSQL server to test on (set {POSTGRES_ENV})")
        _server = PostgresServer(url)
    return _server


def new_database(backend: str) -> str | None:
    """A fresh database for a workspace on `backend` (None: the folder's SQLite file)."""
    return postgres_server().create() if backend == "postgresql" else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_backends") and not \
            metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("backend", BACKENDS, indirect=True, scope="module")


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """The back end the test's workspaces keep their data in."""
    name: str = getattr(request, "param", "sqlite")
    if name == "postgresql":
        postgres_server()
    return name


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases() -> Iterator[None]:
    yield
    if _server is not None:
        _server.drop_all()

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTLINES_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder (real boundaries, examples, eval corpus)."""
    assert SHARED.is_dir(), f"../shared not found at {SHARED}"
    return SHARED


@pytest.fixture
def workspace(tmp_path: Path, backend: str) -> Workspace:
    return Workspace.init(tmp_path / "ws", database=new_database(backend))


def run_cli(*args: str, workspace: Path | None = None, input: str | None = None) -> Result:
    """Invoke the real command line in-process and return its result."""
    argv = (["--workspace", str(workspace)] if workspace else []) + list(args)
    return CliRunner().invoke(cli, argv, input=input, catch_exceptions=False)


class AfghanWorkspaces:
    """Workspaces with the real Afghan provinces, districts and GeoNames places, one per
    back end, each built on first use: importing the district shapefile takes seconds."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, shared: Path):
        self.tmp_path_factory = tmp_path_factory
        self.shared = shared
        self.built: dict[str, Workspace] = {}

    def on(self, backend: str) -> Workspace:
        if backend not in self.built:
            from frontlines.places.workspace import add_places, import_boundary_files

            ws = Workspace.init(self.tmp_path_factory.mktemp(f"afghan-{backend}") / "ws",
                                "afghanistan-2021", database=new_database(backend))
            geo = self.shared / "geo"
            outcomes = list(import_boundary_files(
                ws, [geo / "afg_admbnda_adm1_agcho_20180522.zip",
                     geo / "afg_admbnda_adm2_agcho_20180522.zip"]))
            assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
            with ws.begin() as conn:
                add_places(conn, ws.profile)
            self.built[backend] = ws
        return self.built[backend]


@pytest.fixture(scope="session")
def afghan_workspaces(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> AfghanWorkspaces:
    return AfghanWorkspaces(tmp_path_factory, shared)


@pytest.fixture(scope="module")
def afghan_workspace(afghan_workspaces: AfghanWorkspaces, backend: str) -> Workspace:
    """A workspace with the real Afghan provinces, districts and GeoNames places.

    Built once per test session and back end. Tests must not write to it; copy it
    (`copy_workspace`) to change things.
    """
    return afghan_workspaces.on(backend)


@pytest.fixture(scope="session")
def afghan_gazetteer(afghan_workspaces: AfghanWorkspaces):  # type: ignore[no-untyped-def]
    from frontlines.places.workspace import load_gazetteer

    ws = afghan_workspaces.on("sqlite")
    with ws.connect() as conn:
        return load_gazetteer(conn, ws.profile)


def copy_workspace(source: Workspace, target: Path) -> Workspace:
    """A private copy of a prepared workspace, for tests that write (its folder, and its
    database on the same back end)."""
    import shutil

    if source.database.get_backend_name() == "sqlite":
        with source.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copytree(source.path, target)
        return Workspace.open(target)
    source.engine.dispose()
    copy = postgres_server().create(template=source.database.database)
    shutil.copytree(source.path, target)
    (target / DATABASE_RECORD).write_text(copy + "\n", encoding="utf-8")
    return Workspace.open(target)


@dataclass
class Imported:
    path: Path
    import_result: Result
    places_result: Result

    def workspace(self) -> Workspace:
        return Workspace.open(self.path)

    def gazetteer(self) -> Gazetteer:
        workspace = self.workspace()
        with workspace.connect() as conn:
            return load_gazetteer(conn, workspace.profile)


@pytest.fixture(scope="session")
def afghanistan(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Imported:
    """A workspace with ../shared/geo and the GeoNames places imported through the CLI."""
    path = tmp_path_factory.mktemp("afghanistan") / "ws"
    assert run_cli("init", workspace=path).exit_code == 0
    imported = run_cli("gazetteer", "import", str(shared / "geo"), workspace=path)
    places = run_cli("gazetteer", "add-places", workspace=path)
    return Imported(path, imported, places)


@pytest.fixture(scope="session")
def ukraine_folder(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Imported:
    """A workspace with the whole ../shared/geo/ukraine folder imported through the CLI:
    boundaries of three levels (one layer each) and the GeoNames settlements."""
    path = tmp_path_factory.mktemp("ukraine-folder") / "ws"
    assert run_cli("init", "--profile", "ukraine-2022", workspace=path).exit_code == 0
    imported = run_cli("gazetteer", "import", str(shared / "geo" / "ukraine"), workspace=path)
    return Imported(path, imported, imported)
