"""Shared fixtures: the ../shared data folder, fresh workspaces and a CLI runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from frontlines.cli import load_commands
from frontlines.cli.base import cli
from frontlines.places.gazetteer import Gazetteer
from frontlines.places.workspace import load_gazetteer
from frontlines.store import Workspace

load_commands()  # every command registered, for the tests that walk `cli.commands`

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FRONTLINES_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder (real boundaries, examples, eval corpus)."""
    assert SHARED.is_dir(), f"../shared not found at {SHARED}"
    return SHARED


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.init(tmp_path / "ws")


def run_cli(*args: str, workspace: Path | None = None, input: str | None = None) -> Result:
    """Invoke the real command line in-process and return its result."""
    argv = (["--workspace", str(workspace)] if workspace else []) + list(args)
    return CliRunner().invoke(cli, argv, input=input, catch_exceptions=False)


@pytest.fixture(scope="session")
def afghan_workspace(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Workspace:
    """A workspace with the real Afghan provinces, districts and GeoNames places.

    Built once per test session: importing the district shapefile takes seconds.
    Tests must not write to it; copy it (`copy_workspace`) to change things.
    """
    from frontlines.places.workspace import add_places, import_boundary_files

    ws = Workspace.init(tmp_path_factory.mktemp("afghan") / "ws", "afghanistan-2021")
    geo = shared / "geo"
    outcomes = list(import_boundary_files(ws, [geo / "afg_admbnda_adm1_agcho_20180522.zip",
                                               geo / "afg_admbnda_adm2_agcho_20180522.zip"]))
    assert all(o.ok for o in outcomes), [o.describe() for o in outcomes]
    with ws.begin() as conn:
        add_places(conn, ws.profile)
    return ws


@pytest.fixture(scope="session")
def afghan_gazetteer(afghan_workspace: Workspace):  # type: ignore[no-untyped-def]
    from frontlines.places.workspace import load_gazetteer

    with afghan_workspace.connect() as conn:
        return load_gazetteer(conn, afghan_workspace.profile)


def copy_workspace(source: Workspace, target: Path) -> Workspace:
    """A private copy of a prepared workspace, for tests that write."""
    import shutil

    with source.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(source.path, target)
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
