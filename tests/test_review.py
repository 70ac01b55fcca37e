"""Finding places by name and reviewing the timeline over the API, the command line alike.

Search ranks exact names first, then names the query begins (type-ahead), then
close spellings, at every level, with the parents. An analyst token may reject
an event with a reason, restore it and pin a unit's state; a writer token may
not. Every decision, from the API or the command line, lands in one audit trail
(who, when, why, before and after) that `/api/decisions`, the unit's timeline
and `frontlines explain` show, and that survives `reextract`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from frontlines.api import create_app
from frontlines.store import Workspace
from frontlines.timeline import TimelineError
from frontlines.timeline_store import control, pin_state, reject_event
from frontlines.tokens import ANALYST, create_token

from .conftest import run_cli
from .test_api import IMAM_SAHIB, IMAM_SAHIB_SENTENCE, build_report_workspace, error_of

pytestmark = pytest.mark.both_backends


@pytest.fixture(scope="module")
def ws(afghan_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("review") / "ws")


@pytest.fixture(scope="module")
def client(ws: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(ws.path), raise_server_exceptions=True) as c:
        yield c


@pytest.fixture(scope="module")
def tokens(ws: Workspace) -> dict[str, str]:
    with ws.begin() as conn:
        return {"analyst": create_token(conn, "ana", ANALYST), "writer": create_token(conn, "wri")}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- search -------------------------------------------------------------------------------


def test_search_ranks_exact_then_prefix_then_fuzzy_with_parents(client: TestClient) -> None:
    exact = client.get("/api/places", params={"q": "Imam Sahib"}).json()
    assert exact[0]["id"] == IMAM_SAHIB and exact[0]["match"] == "exact"
    assert [p["name"] for p in exact[0]["parents"]] == ["Kunduz"]
    assert exact[0]["parents"][0] == {"id": "AF19", "name": "Kunduz", "level": "admin1"}

    typed = client.get("/api/places", params={"q": "imam sa"}).json()
    assert typed[0]["id"] == IMAM_SAHIB and typed[0]["match"] == "prefix"
    inner = client.get("/api/places", params={"q": "sahib", "limit": 50}).json()
    assert IMAM_SAHIB in [h["id"] for h in inner if h["match"] == "prefix"]

    misspelt = client.get("/api/places", params={"q": "Imam Saheeb"}).json()
    assert misspelt[0]["id"] == IMAM_SAHIB and misspelt[0]["match"] in {"exact", "fuzzy"}
    tiers = [h["match"] for h in client.get("/api/places", params={"q": "Kunduz"}).json()]
    assert tiers == sorted(tiers, key=["exact", "prefix", "fuzzy"].index)

    # Every level: a province, and a town with its district and province.
    kinds = {h["level"] for h in client.get("/api/places", params={"q": "Kunduz",
                                                                   "limit": 20}).json()}
    assert {"admin1", "admin2"} <= kinds
    assert error_of(client.get("/api/places", params={"q": " "}), 400).startswith("q:")


def test_events_accept_an_unambiguous_name(client: TestClient) -> None:
    by_id = client.get("/api/events", params={"place": IMAM_SAHIB}).json()
    by_name = client.get("/api/events", params={"place": "Imam Sahib"}).json()
    assert by_name["total"] == by_id["total"] > 0
    # "Kunduz" is a province, a district and a city inside it: the province is meant.
    kunduz = client.get("/api/events", params={"place": "kunduz"}).json()
    assert kunduz["total"] == client.get("/api/events", params={"place": "AF19"}).json()["total"]
    assert "unknown place" in error_of(client.get("/api/events",
                                                  params={"place": "Nowhere Atall"}), 404)


def test_head_of_the_page_answers(client: TestClient) -> None:
    assert client.head("/").status_code == 200


# --- review -------------------------------------------------------------------------------


def imam_sahib_event(client: TestClient) -> str:
    found = client.get("/api/events", params={"place": IMAM_SAHIB}).json()["items"]
    return next(e["id"] for e in found if e["sentence"].strip() == IMAM_SAHIB_SENTENCE.strip()
                or IMAM_SAHIB_SENTENCE in e["sentence"])


def test_reviewing_needs_an_analyst_token(client: TestClient, tokens: dict[str, str]) -> None:
    event_id = imam_sahib_event(client)
    url = f"/api/events/{quote(event_id, safe='')}/reject"
    assert "bearer token" in error_of(client.post(url, json={"reason": "x"}), 401)
    assert "analyst" in error_of(client.post(url, json={"reason": "x"},
                                             headers=bearer(tokens["writer"])), 403)
    assert client.get("/api/whoami", headers=bearer(tokens["writer"])).json() == {
        "name": "wri", "role": "writer", "may_review": False}
    assert client.get("/api/whoami", headers=bearer(tokens["analyst"])).json()["may_review"]
    # A reason is required, and named when missing.
    assert "reason" in error_of(client.post(url, json={"reason": ""},
                                            headers=bearer(tokens["analyst"])), 422)


def test_reject_restore_and_pin_leave_one_trail(ws: Workspace, client: TestClient,
                                                 tokens: dict[str, str]) -> None:
    event_id = imam_sahib_event(client)
    analyst = bearer(tokens["analyst"])
    before = client.get("/api/control", params={"date": "2021-06-22"}).json()
    state_of = {u["place_id"]: u["state"] for u in before["units"]}
    assert state_of[IMAM_SAHIB] == "taliban"

    made = client.post(f"/api/events/{quote(event_id, safe='')}/reject", json={"reason": "misread: old news"},
                       headers=analyst)
    assert made.status_code == 201, made.text
    entry = made.json()
    assert (entry["action"], entry["who"], entry["why"]) == ("reject", "ana", "misread: old news")
    assert entry["before"][IMAM_SAHIB].startswith("taliban")
    story = client.get(f"/api/places/{IMAM_SAHIB}/timeline", params={"date": "2021-06-22"}).json()
    assert event_id in [r["event_id"] for r in story["rejected"]]
    assert event_id not in [e["event_id"] for e in story["current"]["evidence"]]
    assert "already rejected" in error_of(client.post(
        f"/api/events/{quote(event_id, safe='')}/reject", json={"reason": "again"}, headers=analyst), 400)

    restored = client.post(f"/api/events/{quote(event_id, safe='')}/restore", json={"reason": "it was right"},
                           headers=analyst).json()
    assert restored["action"] == "restore" and restored["after"][IMAM_SAHIB].startswith("taliban")

    pinned = client.post(f"/api/places/{IMAM_SAHIB}/pin", headers=analyst, json={
        "state": "government", "start": "2021-06-21", "end": "2021-06-23",
        "note": "retaken the same night (local sources)"})
    assert pinned.status_code == 201, pinned.text
    assert pinned.json()["after"][IMAM_SAHIB].startswith("government")
    with ws.connect() as conn:
        rows = {r["place_id"]: r for r in control(conn, ws.profile, date(2021, 6, 22))}
    assert rows[IMAM_SAHIB]["state"] == "government"
    assert "start" in error_of(client.post(f"/api/places/{IMAM_SAHIB}/pin", headers=analyst,
                                           json={"state": "taliban", "start": "June",
                                                 "note": "x"}), 400)

    # The command line writes to the same trail, under its user's name.
    result = run_cli("decide", "reject", event_id, "--note", "second look", workspace=ws.path)
    assert result.exit_code == 0, result.output
    trail = client.get("/api/decisions", params={"unit": IMAM_SAHIB}).json()
    assert [e["action"] for e in trail] == ["reject", "restore", "pin", "reject"]
    assert trail[-1]["who"].startswith("cli:") and trail[-1]["why"] == "second look"
    assert [e["action"] for e in client.get(f"/api/places/{IMAM_SAHIB}/timeline").json()
            ["trail"]] == ["reject", "restore", "pin", "reject"]

    explained = run_cli("explain", IMAM_SAHIB, workspace=ws.path)
    assert "Decision trail" in explained.output
    assert "by ana: misread: old news" in explained.output
    assert "retaken the same night" in explained.output

    # Re-extraction keeps the decisions and their trail.
    assert run_cli("reextract", workspace=ws.path).exit_code == 0
    again = client.get(f"/api/places/{IMAM_SAHIB}/timeline", params={"date": "2021-06-22"}).json()
    assert again["current"]["state"] == "government"
    assert event_id in [r["event_id"] for r in again["rejected"]]
    listed = json.loads(run_cli("decide", "trail", "--unit", IMAM_SAHIB, "--format", "json",
                                workspace=ws.path).output)
    assert len(listed) == 4


def test_restoring_an_event_not_rejected_is_refused(ws: Workspace) -> None:
    with ws.begin() as conn, pytest.raises(TimelineError, match="no event"):
        reject_event(conn, ws.profile, "no-such#1", "x")


def test_changes_follow_the_level_asked_for(ws: Workspace, client: TestClient) -> None:
    """Provinces change when a majority of their districts do; the list names provinces then."""
    districts = [p["id"] for p in client.get("/api/places", params={"level": 2}).json()
                 if p["admin1"] == "AF19"]
    with ws.begin() as conn:
        for unit in districts[: len(districts) // 2 + 1]:
            pin_state(conn, ws.profile, unit, "taliban", date(2021, 7, 1), note="majority")
    by_district = client.get("/api/changes", params={"since": "2021-07-01",
                                                     "until": "2021-07-01"}).json()
    assert {c["place_id"] for c in by_district} <= set(districts) and by_district
    by_province = client.get("/api/changes", params={"since": "2021-07-01", "until": "2021-07-01",
                                                     "level": 1}).json()
    assert [(c["place_id"], c["to"]) for c in by_province] == [("AF19", "taliban")]
