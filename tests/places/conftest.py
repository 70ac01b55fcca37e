"""Fixtures for the place tests: real Afghan and Ukrainian workspaces built through the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from frontlines.places.gazetteer import Gazetteer
from frontlines.places.workspace import load_gazetteer
from frontlines.store import Workspace

from ..conftest import run_cli


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
