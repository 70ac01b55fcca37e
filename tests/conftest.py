"""Shared fixtures: the ../shared data folder, fresh workspaces and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from frontlines.cli import main as _main  # noqa: F401  (registers every command)
from frontlines.cli.base import cli
from frontlines.store import Workspace

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
