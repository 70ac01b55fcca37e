"""The workspace store: idempotent init, SQLite (WAL, foreign keys) or a database URL."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text

from frontlines.models import Event, Evidence
from frontlines.store import (
    DATABASE_ENV,
    DATABASE_RECORD,
    SCHEMA_VERSION,
    Workspace,
    WorkspaceError,
    get_meta,
)

from .conftest import new_database, postgres_server, run_cli

pytestmark = pytest.mark.both_backends


def test_init_creates_database_and_profile_and_is_harmless_twice(tmp_path: Path) -> None:
    ws_path = tmp_path / "ws"
    first = run_cli("init", workspace=ws_path)
    assert first.exit_code == 0, first.output
    assert (ws_path / "frontlines.db").exists() and (ws_path / "profile.toml").exists()
    second = run_cli("init", workspace=ws_path)
    assert second.exit_code == 0, second.output
    ws = Workspace.open(ws_path)
    assert ws.profile.name == "afghanistan-2021"


@pytest.mark.sqlite_only
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


def test_bad_profile_at_init_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("init", "--profile", "atlantis", workspace=tmp_path / "ws")
    assert result.exit_code != 0
    assert "unknown profile" in result.output
    assert not (tmp_path / "ws" / "frontlines.db").exists()


# --- init must not swap the profile under stored documents -----------------------------------


def _add_document(ws: Workspace) -> None:
    from frontlines.sources.documents import make_document
    from frontlines.store import add_document

    with ws.begin() as conn:
        add_document(conn, make_document("Fighters took the town on Friday, officials said.",
                                         origin="test"))


def test_init_refuses_to_swap_the_profile_of_a_workspace_with_documents(tmp_path: Path,
                                                                       backend: str) -> None:
    ws_path = tmp_path / "ws"
    database = new_database(backend)
    made = run_cli(*(["--database", database] if database else []), "init", "--profile",
                   "afghanistan-2021", workspace=ws_path)
    assert made.exit_code == 0, made.output
    # No documents yet: changing the profile is fine.
    assert run_cli("init", "--profile", "ukraine-2022", workspace=ws_path).exit_code == 0
    assert run_cli("init", "--profile", "afghanistan-2021", workspace=ws_path).exit_code == 0
    _add_document(Workspace.open(ws_path))

    refused = run_cli("init", "--profile", "ukraine-2022", workspace=ws_path)
    assert refused.exit_code == 1
    assert "already holds 1 document(s)" in refused.output and "--force" in refused.output
    assert "'afghanistan-2021'" in refused.output and "'ukraine-2022'" in refused.output
    assert Workspace.open(ws_path).profile.name == "afghanistan-2021"  # untouched

    # The same profile again, or no profile at all, stays harmless.
    assert run_cli("init", "--profile", "afghanistan-2021", workspace=ws_path).exit_code == 0
    assert run_cli("init", workspace=ws_path).exit_code == 0

    forced = run_cli("init", "--profile", "ukraine-2022", "--force", workspace=ws_path)
    assert forced.exit_code == 0, forced.output
    assert Workspace.open(ws_path).profile.name == "ukraine-2022"


# --- library queries shared by the command line and the API ------------------------------------


def test_workspace_status_counts_what_the_store_holds(workspace: Workspace) -> None:
    from frontlines.store import count_documents, workspace_status

    with workspace.connect() as conn:
        empty = workspace_status(conn)
    assert empty == {"places": {}, "documents": 0, "documents_undated": 0,
                     "published_from": None, "published_to": None, "events": 0,
                     "events_from": None, "events_to": None}
    _add_document(workspace)
    with workspace.connect() as conn:
        held = workspace_status(conn)
        assert count_documents(conn) == 1
    assert held["documents"] == 1 and held["documents_undated"] == 1


@pytest.mark.parametrize(("filters", "option", "message"), [
    ({"since": "garbage"}, "since", "since 'garbage' is not a date (expected YYYY-MM-DD)"),
    ({"until": "2021-02-30"}, "until", "until '2021-02-30' is not a date"),
    ({"since": "20210601"}, "since", "not a date"),
    ({"since": "2021-07-02", "until": "2021-07-01"}, "until", "comes before since"),
    ({"kind": "nonsense"}, "kind", "unknown kind 'nonsense' (known: capture, recapture"),
    ({"actor": "martians"}, "actor", "unknown actor 'martians' (known: taliban, government"),
])
def test_event_filters_are_validated_naming_the_option(
        workspace: Workspace, filters: dict[str, str], option: str, message: str) -> None:
    from frontlines.store import EventFilterError, validate_event_filters

    with pytest.raises(EventFilterError, match=re.escape(message)) as caught:
        validate_event_filters(workspace.profile, **filters)
    assert caught.value.option == option and isinstance(caught.value, ValueError)


def test_valid_event_filters_come_back_ready_for_query_events(workspace: Workspace) -> None:
    from frontlines.store import EventFilterError, query_events, validate_event_filters

    filters = validate_event_filters(workspace.profile, " 2021-06-01 ", "2021-06-30", "capture",
                                     "taliban")
    assert filters == {"since": "2021-06-01", "until": "2021-06-30", "place": None,
                       "actor": "taliban", "kind": "capture"}
    with workspace.connect() as conn:
        assert query_events(conn, **filters) == []
        with pytest.raises(EventFilterError, match="unknown place 'AF99'"):
            validate_event_filters(workspace.profile, place="AF99", conn=conn)


# --- API tokens (frontlines.tokens, without the web stack) ----------------------------------


def test_tokens_are_stored_hashed_verified_and_revoked(workspace: Workspace) -> None:
    from frontlines.store import api_tokens
    from frontlines.tokens import create_token, hash_token, list_tokens, verify_token

    created = run_cli("token", "create", "--name", "newsroom", workspace=workspace.path)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("fl_")
    with workspace.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalars().all()
        assert stored == [hash_token(token)] and token not in stored
        assert verify_token(conn, token) == "newsroom"
        assert verify_token(conn, token + "x") is None
        (row,) = list_tokens(conn)
    listed = run_cli("token", "list", "--format", "json", workspace=workspace.path)
    assert json.loads(listed.output)[0]["name"] == "newsroom"
    assert run_cli("token", "revoke", str(row["id"]), workspace=workspace.path).exit_code == 0
    again = run_cli("token", "revoke", str(row["id"]), workspace=workspace.path)
    assert again.exit_code == 1 and "no live token" in again.output
    with workspace.begin() as conn:
        assert verify_token(conn, token) is None
        assert create_token(conn, "second").startswith("fl_")
    with pytest.raises(ValueError, match="needs a name"), workspace.begin() as conn:
        create_token(conn, "  ")


def test_the_token_command_does_not_import_the_web_stack(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from frontlines.cli import main; from frontlines.cli.base import cli; "
            "from click.testing import CliRunner; "
            f"r = CliRunner().invoke(cli, ['--workspace', {str(tmp_path / 'ws')!r}, 'init']); "
            "assert r.exit_code == 0, r.output; "
            f"r = CliRunner().invoke(cli, ['--workspace', {str(tmp_path / 'ws')!r}, 'token', "
            "'create', '--name', 'x']); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('fastapi', 'frontlines.api') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- events keep their probability and the model that judged them (schema v4) -------------------


def _judged_event(doc_id: str, probability: float = 0.42,
                  model: str | None = "decision.v1@3fa2c9d1") -> Event:
    sentence = "Fighters took the town on Friday, officials said."
    return Event(kind="capture", actor="taliban", place_id="AF1904", place_name="Khan Abad",
                 admin1="AF19", admin2="AF1904", date="2021-06-25", extractor="test.v1",
                 probability=probability, model=model,
                 evidence=Evidence(doc_id, sentence, 0, len(sentence)))


def _stored_document_id(ws: Workspace) -> str:
    from frontlines.store import list_documents_sorted

    _add_document(ws)
    with ws.connect() as conn:
        return str(list_documents_sorted(conn)[0]["id"])


def test_an_events_probability_and_model_round_trip_through_the_store(workspace: Workspace) -> None:
    from frontlines.store import query_events, replace_events
    from frontlines.timeline_store import event_details

    doc_id = _stored_document_id(workspace)
    with workspace.begin() as conn:
        [event_id] = replace_events(conn, doc_id, [_judged_event(doc_id)])
    with workspace.connect() as conn:
        [stored] = query_events(conn)
        detailed = event_details(conn, [event_id])[event_id].event
    for event in (stored, detailed):
        assert (event.probability, event.model, event.extractor) == (
            0.42, "decision.v1@3fa2c9d1", "test.v1")
    assert stored.to_dict()["probability"] == 0.42


def test_a_probability_outside_zero_to_one_is_refused(workspace: Workspace) -> None:
    from frontlines.store import replace_events

    doc_id = _stored_document_id(workspace)
    for bad in (1.5, -0.1, float("nan")):
        with pytest.raises(ValueError, match="not between 0 and 1"), workspace.begin() as conn:
            replace_events(conn, doc_id, [_judged_event(doc_id, probability=bad)])


def test_the_extraction_choice_is_kept_in_the_meta_table(workspace: Workspace) -> None:
    from frontlines.store import ExtractionChoice, get_extraction_choice, set_extraction_choice

    with workspace.begin() as conn:
        set_extraction_choice(conn, ExtractionChoice("llm.v1", "/models/decision.json"))
        assert get_meta(conn, "extract.extractor") == "llm.v1"
        assert get_meta(conn, "extract.model") == "/models/decision.json"
        set_extraction_choice(conn, ExtractionChoice("rules.v1"))
        assert get_meta(conn, "extract.model") is None  # back to the built-in model
        assert get_extraction_choice(conn, "ignored.v9").describe() == "rules.v1 (model: built-in)"


# --- where the data lives: the folder's SQLite file, or a database URL ---------------------------


def test_a_database_url_keeps_the_data_there_and_the_folder_records_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = postgres_server().create().replace("postgres@", "postgres:s3cret@")
    made = run_cli("--database", url, "init", workspace=tmp_path / "ws")
    assert made.exit_code == 0, made.output
    assert (tmp_path / "ws" / "profile.toml").exists()
    assert not (tmp_path / "ws" / "frontlines.db").exists()
    record = (tmp_path / "ws" / DATABASE_RECORD).read_text(encoding="utf-8")
    assert record.startswith("postgresql+psycopg://postgres@/") and "s3cret" not in record
    # Later commands find the database through the folder alone.
    _add_document(Workspace.open(tmp_path / "ws"))
    status = run_cli("status", "--format", "json", workspace=tmp_path / "ws")
    assert status.exit_code == 0 and json.loads(status.output)["documents"] == 1
    # FRONTLINES_DATABASE does what --database does.
    monkeypatch.setenv(DATABASE_ENV, postgres_server().create())
    assert run_cli("init", workspace=tmp_path / "other").exit_code == 0
    assert (tmp_path / "other" / DATABASE_RECORD).read_text() == f"{os.environ[DATABASE_ENV]}\n" \
        .replace("postgresql://", "postgresql+psycopg://")


@pytest.mark.parametrize("url, message", [
    ("postgresql://nobody@/nowhere?host=/nonexistent-socket-folder", "cannot open the database"),
    ("mysql://someone@localhost/frontlines", "'mysql' databases are not supported"),
    ("not a url", "is not a database URL"),
])
def test_a_database_that_cannot_be_used_is_a_one_line_error_and_writes_nothing(
        tmp_path: Path, url: str, message: str) -> None:
    result = run_cli("--database", url, "init", workspace=tmp_path / "ws")
    assert result.exit_code == 1 and message in result.output, result.output
    assert not (tmp_path / "ws" / "profile.toml").exists()
    assert not (tmp_path / "ws" / DATABASE_RECORD).exists()


def test_undated_events_come_first_on_every_back_end(workspace: Workspace) -> None:
    from dataclasses import replace

    from frontlines.store import query_events, replace_events

    doc_id = _stored_document_id(workspace)
    dated = _judged_event(doc_id)
    undated = replace(dated, date=None, place_id="AF1905", place_name="Imam Sahib",
                      admin2="AF1905")
    with workspace.begin() as conn:
        replace_events(conn, doc_id, [dated, undated])
    with workspace.connect() as conn:
        assert [e.date for e in query_events(conn)] == [None, "2021-06-25"]


def test_events_are_streamed_and_the_connection_writes_on_after(workspace: Workspace) -> None:
    """Reading events in batches leaves the connection as it was: a write in the
    same transaction works on every back end (on PostgreSQL a batched read is a
    server-side cursor, which an UPDATE cannot be)."""
    from dataclasses import replace

    from frontlines.store import EVENTS_PER_FETCH, iter_events, replace_events

    doc_id = _stored_document_id(workspace)
    many = [replace(_judged_event(doc_id), date=f"2021-06-{1 + n % 28:02d}", place_id=f"AF19{n:02d}")
            for n in range(EVENTS_PER_FETCH // 100 + 3)]
    with workspace.begin() as conn:
        replace_events(conn, doc_id, many)
        streamed = list(iter_events(conn))
        replace_events(conn, doc_id, many[:2])  # deletes, inserts, updates the sequence
    assert len(streamed) == len(many)
    assert [e.date for e in streamed] == sorted(e.date for e in many)
    with workspace.connect() as conn:
        assert len(list(iter_events(conn))) == 2
