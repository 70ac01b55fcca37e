"""The workspace store: versioned schema, WAL, foreign keys, idempotent init."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from frontlines.store import SCHEMA_VERSION, Workspace, WorkspaceError, get_meta

from .conftest import run_cli


def test_init_creates_database_and_profile_and_is_harmless_twice(tmp_path: Path) -> None:
    ws_path = tmp_path / "ws"
    first = run_cli("init", workspace=ws_path)
    assert first.exit_code == 0, first.output
    assert (ws_path / "frontlines.db").exists() and (ws_path / "profile.toml").exists()
    second = run_cli("init", workspace=ws_path)
    assert second.exit_code == 0, second.output
    ws = Workspace.open(ws_path)
    assert ws.profile.name == "afghanistan-2021"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(workspace: Workspace) -> None:
    with workspace.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert get_meta(conn, "schema_version") == str(SCHEMA_VERSION)


def test_workspace_env_variable_selects_the_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINES_WORKSPACE", str(tmp_path / "envws"))
    result = run_cli("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "envws" / "frontlines.db").exists()


def test_opening_a_folder_that_is_not_a_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="init"):
        Workspace.open(tmp_path)


def test_a_newer_schema_is_refused_rather_than_damaged(workspace: Workspace) -> None:
    with workspace.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(WorkspaceError, match="newer"):
        Workspace.open(workspace.path)


def test_bad_profile_at_init_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("init", "--profile", "atlantis", workspace=tmp_path / "ws")
    assert result.exit_code != 0
    assert "unknown profile" in result.output
    assert not (tmp_path / "ws" / "frontlines.db").exists()
