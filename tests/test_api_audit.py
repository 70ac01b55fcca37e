"""The audit trail of the API's writes, and the character set of document ids.

A document posted through the API keeps who posted it (the token's name),
when, and from which client address; its origin reads `api:<token name>`.
`GET /api/documents/{id}`, `frontlines documents list` and `documents show` all
show it. Posted over a real uvicorn, so the address is the one the server saw.
Ids are 1-200 of `A-Z a-z 0-9 . _ : -` (`models.DOCUMENT_ID_PATTERN`): any
other is a 422 from the API and a named error from `frontlines ingest`, and
every id the ingest derives or reads from the shared corpora is of that set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from frontlines.models import DOCUMENT_ID_PATTERN
from frontlines.store import Workspace, get_document
from frontlines.tokens import create_token

from .conftest import copy_workspace, run_cli
from .test_api import KHAN_ABAD, KHAN_ABAD_FALLS, build_report_workspace
from .test_api_fuzz import uvicorn_server

pytestmark = pytest.mark.both_backends


@pytest.fixture
def posting(afghan_workspace: Workspace, tmp_path: Path) -> Iterator[tuple[Workspace, httpx.Client]]:
    """Our reports' workspace under uvicorn, and an HTTP client holding a token named
    'newsroom bot'."""
    ws = build_report_workspace(afghan_workspace, tmp_path / "ws")
    with ws.begin() as conn:
        token = create_token(conn, "newsroom bot")
    with uvicorn_server(ws) as port, httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=30,
            headers={"Authorization": f"Bearer {token}"}) as client:
        yield ws, client


def test_a_posted_document_shows_who_posted_it_when_and_from_where(
        posting: tuple[Workspace, httpx.Client]) -> None:
    ws, client = posting
    before = datetime.now(UTC).replace(microsecond=0)
    posted = client.post("/api/documents", json=KHAN_ABAD_FALLS)
    assert posted.status_code == 201, posted.text
    doc_id = posted.json()["id"]
    assert doc_id == "own-khan-abad-falls"

    shown = client.get(f"/api/documents/{doc_id}").json()
    assert shown["posted"]["by"] == "newsroom bot"
    assert shown["posted"]["from"] == "127.0.0.1"
    at = datetime.fromisoformat(shown["posted"]["at"])
    assert before <= at <= datetime.now(UTC) + timedelta(seconds=1)
    assert shown["ingested_at"] == shown["posted"]["at"]
    assert shown["events"][0]["place_id"] == KHAN_ABAD  # extracted as any report is
    # A report read from a file was posted by no one.
    read = client.get("/api/documents/own-imam-sahib").json()
    assert read["posted"] is None and read["ingested_at"]

    with ws.connect() as conn:
        stored = get_document(conn, doc_id)
    assert stored is not None and stored.origin == "api:newsroom bot"

    listed = json.loads(run_cli("documents", "list", "--format", "json", workspace=ws.path).output)
    row = next(r for r in listed if r["id"] == doc_id)
    assert (row["origin"], row["posted_by"], row["posted_from"]) == (
        "api:newsroom bot", "newsroom bot", "127.0.0.1")
    table = run_cli("documents", "list", workspace=ws.path)
    assert table.exit_code == 0
    assert "posted" in table.output and "127.0.0.1" in table.output  # wrapped in its column
    text = run_cli("documents", "show", doc_id, workspace=ws.path).output
    assert "origin:    api:newsroom bot" in text
    assert f"posted:    newsroom bot from 127.0.0.1 at {row['ingested_at']}" in text


@pytest.mark.parametrize("bad_id, message", [
    ("kunduz/khan-abad", "id"),
    ("khan abad", "id"),
    ("khan#abad", "id"),
    ("x" * 201, "id"),
    ("", "id"),
    ("Ḱhan", "id"),
])
def test_an_id_outside_the_safe_set_is_a_422_naming_the_field(
        posting: tuple[Workspace, httpx.Client], bad_id: str, message: str) -> None:
    ws, client = posting
    response = client.post("/api/documents", json={**KHAN_ABAD_FALLS, "id": bad_id})
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]
    with ws.connect() as conn:
        assert get_document(conn, bad_id) is None


def test_an_id_of_the_safe_set_is_kept_and_can_be_fetched(
        posting: tuple[Workspace, httpx.Client]) -> None:
    _, client = posting
    odd_but_fine = "Kunduz:2021-06-26_khan.abad-v2"
    posted = client.post("/api/documents", json={**KHAN_ABAD_FALLS, "id": odd_but_fine})
    assert posted.status_code == 201 and posted.json()["id"] == odd_but_fine
    assert client.get(f"/api/documents/{odd_but_fine}").json()["posted"]["by"] == "newsroom bot"


def test_the_command_line_refuses_a_bad_id_naming_the_record(afghan_workspace: Workspace,
                                                             tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({**KHAN_ABAD_FALLS, "id": "kunduz/khan-abad"}) + "\n"
                      + json.dumps({**KHAN_ABAD_FALLS, "id": "kunduz-khan-abad",
                                    "text": KHAN_ABAD_FALLS["text"] + " More later."}) + "\n",
                      encoding="utf-8")
    result = run_cli("ingest", "--workers", "0", str(corpus), workspace=ws.path)
    assert result.exit_code == 1
    assert (f"error: {corpus}:1: field 'id' 'kunduz/khan-abad' has characters ids cannot hold "
            "('/')") in result.output
    assert "added 1, duplicates 0, failed 1" in result.output
    with ws.connect() as conn:
        assert get_document(conn, "kunduz-khan-abad") is not None


def test_every_id_the_ingest_makes_or_reads_is_of_the_safe_set(shared: Path,
                                                               workspace: Workspace) -> None:
    """Derived ids (files, pages, feeds: `d` + hex) and the shared corpora's own ids."""
    run_cli("ingest", "--workers", "0", str(shared / "examples"),
            *map(str, sorted(shared.glob("eval/*/corpus.jsonl"))), workspace=workspace.path)
    listed = json.loads(run_cli("documents", "list", "--format", "json",
                                workspace=workspace.path).output)
    assert len(listed) > 150
    assert all(re.fullmatch(DOCUMENT_ID_PATTERN, row["id"]) for row in listed)


def test_a_document_stored_before_ids_were_checked_can_be_fetched_even_with_a_slash(
        afghan_workspace: Workspace, tmp_path: Path) -> None:
    """Older versions stored ids holding '/': they stay reachable (the issue found them not)."""
    from fastapi.testclient import TestClient

    from frontlines.api import create_app
    from frontlines.models import Document
    from frontlines.sources.documents import content_hash
    from frontlines.store import add_document

    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    text = "The Taliban captured Khan Abad district on Friday, officials said."
    with ws.begin() as conn:
        add_document(conn, Document(id="kunduz/khan-abad", text=text, content_hash=content_hash(text)))
    with TestClient(create_app(ws.path)) as client:
        found = client.get("/api/documents/kunduz/khan-abad")
        assert found.status_code == 200 and found.json()["id"] == "kunduz/khan-abad"
        assert client.get("/api/documents/kunduz").status_code == 404
