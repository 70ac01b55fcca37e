"""The HTTP API: every route over a workspace built from our own short reports.

The reports below are written for these tests (real Afghan places, invented
wording and outlets). One of them is hostile: markup in its title, outlet,
URL and sentence, which every consumer must treat as text. The module also
provides `build_report_workspace`, used by the render, export and browser
tests, so all of them look at the same data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from frontlines.api import create_app
from frontlines.models import Document, Event, Evidence
from frontlines.pipeline import StoreExtraction
from frontlines.render import MAX_SERIES_DAYS
from frontlines.sources.ingest import ingest
from frontlines.store import Workspace, add_document, api_tokens, query_events, replace_events
from frontlines.timeline import TimelineError, UnknownPlace
from frontlines.timeline_store import ensure_timeline
from frontlines.tokens import create_token, hash_token, revoke_token

from .conftest import copy_workspace, run_cli

pytestmark = pytest.mark.both_backends

IMAM_SAHIB = "AF1905"
YAMGAN = "AF1718"
KHAN_ABAD = "AF1904"
ZARANJ = "AF3401"
IMAM_SAHIB_SENTENCE = ("Taliban fighters captured the centre of Imam Sahib district in Kunduz "
                       "province on Monday after a night of heavy fighting")
HOSTILE_MARKUP = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"

OWN_REPORTS: list[dict[str, Any]] = [
    {"id": "own-imam-sahib", "published": "2021-06-22", "outlet": "Kunduz Daily Test",
     "title": "Imam Sahib district centre falls after overnight battle",
     "url": "https://news.example.org/kunduz/imam-sahib-falls",
     "text": IMAM_SAHIB_SENTENCE + ", a police spokesman in Kunduz told reporters.\n\n"
             "Residents said shops in the district bazaar stayed closed and many families had "
             "left for the provincial capital."},
    {"id": "own-hostile", "published": "2021-06-22", "outlet": HOSTILE_SCRIPT + "Wire",
     "title": HOSTILE_MARKUP + "Breaking", "url": "javascript:window.__pwned=1",
     "text": f"The Taliban took control of Imam Sahib {HOSTILE_MARKUP} district on Monday, a local "
             f"official said {HOSTILE_SCRIPT}.\n\nNo further details were given."},
    {"id": "own-doshi", "published": "2021-06-24", "outlet": "Baghlan Test Radio",
     "title": "Group claims Doshi",
     "text": "A Taliban spokesman said on Thursday that the group's fighters had overrun Doshi "
             "district in Baghlan province the day before.\n\nGovernment officials could not be "
             "reached for comment."},
    {"id": "own-khan-abad-siege", "published": "2021-06-20", "outlet": "Northern Test Agency",
     "title": "Khan Abad under siege",
     "text": "Taliban fighters surrounded the Khan Abad district centre in Kunduz province on "
             "Saturday, a provincial council member said.\n\nReinforcements were said to be on "
             "their way."},
    {"id": "own-yamgan", "published": "2021-07-03", "outlet": "Badakhshan Test Weekly",
     "title": "Troops leave Yamgan",
     "text": "Government forces withdrew from Yamgan district in Badakhshan province on Friday and "
             "handed it to the Taliban without a fight, local elders said.\n\nThe district had "
             "been besieged for weeks."},
    {"id": "own-zaranj", "published": "2021-08-07", "outlet": "Nimroz Test Post",
     "title": "Zaranj taken",
     "text": "The Taliban seized Zaranj, the capital of Nimroz province, on Friday, a provincial "
             "official admitted, saying security forces had pulled back towards the Iranian "
             "border.\n\nIt is the first provincial capital to fall."},
]

# Posted through the API in the write tests: Khan Abad falls a few days after the siege.
KHAN_ABAD_FALLS = {
    "id": "own-khan-abad-falls", "published": "2021-06-26", "outlet": "Kunduz Daily Test",
    "title": "Khan Abad falls",
    "text": "The Taliban captured Khan Abad district in Kunduz province on Friday, a provincial "
            "council member admitted.\n\nFighting was reported on the road to the provincial "
            "capital.",
}


def build_report_workspace(source: Workspace, target: Path,
                           reports: list[dict[str, Any]] | None = None) -> Workspace:
    """A private copy of the Afghan gazetteer workspace with our reports ingested.

    Through the real ingest path (a JSON corpus file) with the command line's
    extraction hook, then the timeline brought up to date.
    """
    ws = copy_workspace(source, target)
    corpus = target.parent / f"{target.name}-reports.json"
    corpus.write_text(json.dumps(reports or OWN_REPORTS, ensure_ascii=False), encoding="utf-8")
    summary = ingest(ws, [corpus], on_document=StoreExtraction(ws))
    assert not summary.failed and len(summary.added) == len(reports or OWN_REPORTS), summary
    with ws.begin() as conn:
        ensure_timeline(conn, ws.profile)
    return ws


@pytest.fixture(scope="module")
def reports_workspace(afghan_workspace: Workspace,
                      tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("api") / "ws")


@pytest.fixture(scope="module")
def client(reports_workspace: Workspace) -> Iterator[TestClient]:
    # raise_server_exceptions: any 500 fails the test with its traceback.
    with TestClient(create_app(reports_workspace.path), raise_server_exceptions=True) as c:
        yield c


@pytest.fixture
def writable(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    return build_report_workspace(afghan_workspace, tmp_path / "ws")


def error_of(response: Any, status: int) -> str:
    """The JSON error message of a response that must have `status`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and isinstance(body["error"], str) and body["error"]
    return str(body["error"])


# --- reads ---------------------------------------------------------------------------------


def test_meta_describes_the_profile_dates_and_styles(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    assert (meta["start"], meta["latest"], meta["level"], meta["levels"]) == (
        "2021-05-01", "2021-08-06", 2, [1, 2])
    assert meta["documents"] == len(OWN_REPORTS) and meta["events"] >= len(OWN_REPORTS)
    assert {a["id"] for a in meta["actors"]} >= {"taliban", "government"}
    keys = [s["key"] for s in meta["styles"]]
    assert {"taliban", "taliban:claimed", "contested", "unknown", "government"} <= set(keys)
    assert meta["contested_days"] == 14  # the profile's [timeline] setting (the default here)


def test_places_as_json_and_as_geojson(client: TestClient) -> None:
    admin = client.get("/api/places").json()
    assert len(admin) == 34 + 399
    districts = client.get("/api/places", params={"level": 2}).json()
    imam_sahib = next(p for p in districts if p["id"] == IMAM_SAHIB)
    assert (imam_sahib["name"], imam_sahib["admin1"]) == ("Imam Sahib", "AF19")
    towns = client.get("/api/places", params={"kind": "populated_place"}).json()
    assert towns and all(t["level"] == "populated_place" for t in towns)
    geo = client.get("/api/places", params={"level": 2, "format": "geojson"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert len(features) == 399
    feature = next(f for f in features if f["id"] == IMAM_SAHIB)
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert feature["properties"]["name"] == "Imam Sahib"
    error_of(client.get("/api/places", params={"format": "geojson"}), 400)
    error_of(client.get("/api/places", params={"level": 3}), 400)


def test_events_filter_and_paginate(client: TestClient, reports_workspace: Workspace) -> None:
    everything = client.get("/api/events", params={"page_size": 500}).json()
    with reports_workspace.connect() as conn:
        stored = query_events(conn)
    assert everything["total"] == len(stored) == len(everything["items"])
    at_imam_sahib = client.get("/api/events", params={"place": IMAM_SAHIB}).json()["items"]
    assert {e["document"] for e in at_imam_sahib} == {"own-imam-sahib", "own-hostile"}
    assert any(IMAM_SAHIB_SENTENCE in e["sentence"] for e in at_imam_sahib)
    province = client.get("/api/events", params={"place": "AF19"}).json()["items"]
    assert {e["admin2"] for e in province} == {IMAM_SAHIB, KHAN_ABAD}
    sieges = client.get("/api/events", params={"kind": "siege"}).json()["items"]
    # Khan Abad surrounded; Yamgan "had been besieged for weeks" before its troops left.
    assert sorted(e["place_id"] for e in sieges) == sorted([KHAN_ABAD, YAMGAN])
    june = client.get("/api/events", params={"since": "2021-06-21", "until": "2021-06-30",
                                             "actor": "taliban"}).json()["items"]
    assert june and all("2021-06-21" <= e["date"] <= "2021-06-30" for e in june)
    first = client.get("/api/events", params={"page_size": 2}).json()
    second = client.get("/api/events", params={"page_size": 2, "page": 2}).json()
    assert first["pages"] == (first["total"] + 1) // 2 and len(first["items"]) == 2
    assert {e["id"] for e in first["items"]}.isdisjoint({e["id"] for e in second["items"]})


@pytest.mark.parametrize("params, status, message", [
    ({"page": 99}, 404, "out of range"),
    ({"page": 0}, 422, "page"),
    ({"page_size": 501}, 422, "page_size"),
    ({"page": "two"}, 422, "page"),
    ({"since": "yesterday"}, 400, "not a date"),
    ({"until": "2021-02-30"}, 400, "not a date"),
    ({"since": "2021-07-01", "until": "2021-06-01"}, 400, "until comes before since"),
    ({"place": "AF9999"}, 404, "unknown place"),
    ({"actor": "martians"}, 400, "unknown actor"),
    ({"kind": "invasion"}, 400, "unknown kind"),
])
def test_bad_event_queries_are_4xx_with_a_json_error(client: TestClient, params: dict[str, Any],
                                                     status: int, message: str) -> None:
    assert message in error_of(client.get("/api/events", params=params), status)


def test_control_for_a_day_as_json_and_geojson(client: TestClient) -> None:
    body = client.get("/api/control", params={"date": "2021-06-22"}).json()
    assert (body["date"], body["level"], body["unit_word"]) == ("2021-06-22", 2, "districts")
    rows = {r["place_id"]: r for r in body["units"]}
    assert len(rows) == 399
    imam_sahib = rows[IMAM_SAHIB]
    assert (imam_sahib["state"], imam_sahib["since"]) == ("taliban", "2021-06-21")
    assert {"own-imam-sahib#1", "own-hostile#1"} <= set(imam_sahib["evidence"])
    assert rows[KHAN_ABAD]["state"] == "contested"
    assert rows[ZARANJ]["state"] == "government"
    geo = client.get("/api/control", params={"date": "2021-08-07", "format": "geojson"}).json()
    zaranj = next(f for f in geo["features"] if f["id"] == ZARANJ)
    assert zaranj["properties"]["state"] == "taliban" and zaranj["geometry"]["coordinates"]
    provinces = client.get("/api/control", params={"date": "2021-06-22", "level": 1}).json()
    assert len(provinces["units"]) == 34 and provinces["unit_word"] == "provinces"


@pytest.mark.parametrize("params, status, message", [
    ({}, 422, "date"),
    ({"date": "22/06/2021"}, 400, "not a date"),
    ({"date": "2021-06-31"}, 400, "not a date"),
    ({"date": "2020-01-01"}, 400, "before the timeline starts"),
    ({"date": "2021-06-22", "level": 3}, 400, "level 3"),
    ({"date": "2021-06-22", "level": "x"}, 422, "level"),
    ({"date": "2021-06-22", "format": "kml"}, 422, "format"),
])
def test_bad_control_queries_are_4xx(client: TestClient, params: dict[str, Any], status: int,
                                     message: str) -> None:
    assert message in error_of(client.get("/api/control", params=params), status)


def test_changes_carry_their_evidence(client: TestClient) -> None:
    rows = client.get("/api/changes", params={"since": "2021-06-01", "until": "2021-06-30"}).json()
    imam_sahib = next(r for r in rows if r["place_id"] == IMAM_SAHIB)
    assert (imam_sahib["from"], imam_sahib["to"], imam_sahib["date"]) == (
        "government", "taliban", "2021-06-21")
    sentences = [e["sentence"] for e in imam_sahib["evidence"]]
    assert any(IMAM_SAHIB_SENTENCE in s for s in sentences)
    assert all(e["outlet"] and e["document_id"] for e in imam_sahib["evidence"])
    assert "until comes before" in error_of(
        client.get("/api/changes", params={"since": "2021-07-01", "until": "2021-06-01"}), 400)
    error_of(client.get("/api/changes"), 422)


def test_a_units_timeline_with_evidence_and_the_state_on_a_day(client: TestClient) -> None:
    story = client.get(f"/api/places/{IMAM_SAHIB}/timeline", params={"date": "2021-06-22"}).json()
    assert story["place"]["name"] == "Imam Sahib" and story["unit_id"] == IMAM_SAHIB
    current = story["current"]
    assert (current["state"], current["since"], current["status"]) == (
        "taliban", "2021-06-21", "assessed")
    by_doc = {e["document_id"]: e for e in current["evidence"]}
    mine = by_doc["own-imam-sahib"]
    assert IMAM_SAHIB_SENTENCE in mine["sentence"]
    assert (mine["outlet"], mine["published"], mine["url"]) == (
        "Kunduz Daily Test", "2021-06-22", "https://news.example.org/kunduz/imam-sahib-falls")
    assert HOSTILE_MARKUP in by_doc["own-hostile"]["sentence"]  # stored and served verbatim
    assert [iv["state"] for iv in story["intervals"]] == ["government", "taliban"]
    before = client.get(f"/api/places/{IMAM_SAHIB}/timeline", params={"date": "2021-06-01"}).json()
    assert before["current"]["state"] == "government" and len(before["intervals"]) == 1
    province = client.get("/api/places/AF19/timeline").json()
    assert province["current"] is not None and province["place"]["level"] == "admin1"
    assert "unknown place" in error_of(client.get("/api/places/AF0000/timeline"), 404)
    assert "not a date" in error_of(
        client.get(f"/api/places/{IMAM_SAHIB}/timeline", params={"date": "soon"}), 400)


def test_documents_and_summary_and_series(client: TestClient) -> None:
    doc = client.get("/api/documents/own-zaranj").json()
    assert doc["outlet"] == "Nimroz Test Post" and "Zaranj" in doc["text"]
    assert {e["place_id"] for e in doc["events"]} == {ZARANJ}
    assert "capture" in {e["kind"] for e in doc["events"]}
    assert "unknown document" in error_of(client.get("/api/documents/nope"), 404)
    summary = client.get("/api/summary", params={"date": "2021-06-22"}).json()
    assert sum(s["count"] for s in summary["states"]) == summary["units"] == 399
    series = client.get("/api/series").json()
    assert series["days"][0] == "2021-05-01" and series["days"][-1] == "2021-08-06"
    day = series["days"].index("2021-06-22")
    assert sum(s["counts"][day] for s in series["series"]) == 399
    taliban = next(s for s in series["series"] if s["key"] == "taliban")["counts"]
    assert taliban[series["days"].index("2021-06-20")] < taliban[day]
    error_of(client.get("/api/series", params={"since": "2021-07-01", "until": "2021-06-01"}), 400)


def test_series_end_at_the_latest_event_and_stay_short(client: TestClient,
                                                       writable: Workspace) -> None:
    # Nothing changes after the latest event: an open-ended `until` stops there.
    series = client.get("/api/series", params={"until": "9999-12-31"}).json()
    assert series["days"][0] == "2021-05-01" and series["days"][-1] == "2021-08-06"
    later = client.get("/api/series", params={"since": "2021-09-01", "until": "9999-12-31"}).json()
    assert later["days"] == ["2021-09-01"]
    # A report about a day years later: the series keeps to its last ten years or so.
    with writable.begin() as conn:
        add_document(conn, Document(id="far", text="Far ahead.", content_hash="far"))
        replace_events(conn, "far", [Event(
            kind="clash", actor="taliban", place_id=KHAN_ABAD, place_name="Khan Abad",
            admin1="AF19", admin2=KHAN_ABAD, date="2035-06-01",
            evidence=Evidence("far", "Far ahead.", 0, 10))])
    with TestClient(create_app(writable.path)) as far_client:
        recent = far_client.get("/api/series", params={"until": "9999-12-31"}).json()
        assert len(recent["days"]) == MAX_SERIES_DAYS and recent["days"][-1] == "2035-06-01"
        assert f"at most {MAX_SERIES_DAYS}" in error_of(
            far_client.get("/api/series", params={"since": "2021-05-01"}), 400)


def test_map_geometry_follows_a_gazetteer_import(writable: Workspace) -> None:
    import shapely

    from frontlines.places.workspace import mark_gazetteer_changed
    from frontlines.store import places

    def imam_sahib(client: TestClient) -> dict[str, Any]:
        features = client.get("/api/places", params={"level": 2, "format": "geojson"}).json()
        return next(f["geometry"] for f in features["features"] if f["id"] == IMAM_SAHIB)

    with TestClient(create_app(writable.path)) as client:
        before = imam_sahib(client)
        square = shapely.to_wkb(shapely.box(68.0, 37.0, 68.5, 37.5))
        with writable.begin() as conn:  # what a re-import of changed boundaries does
            conn.execute(update(places).where(places.c.id == IMAM_SAHIB).values(geometry=square))
            mark_gazetteer_changed(conn)
        after = imam_sahib(client)
    assert after != before
    assert shapely.equals(shapely.from_geojson(json.dumps(after)), shapely.box(68, 37, 68.5, 37.5))


def test_error_status_follows_the_error_type_not_its_wording(reports_workspace: Workspace) -> None:
    app = create_app(reports_workspace.path)

    @app.get("/test/unknown-place")
    def unknown() -> None:
        raise UnknownPlace("no such place as Atlantis")

    @app.get("/test/other")
    def other() -> None:
        raise TimelineError("unknown place, says this message, but it is a bad request")

    with TestClient(app) as client:
        assert "Atlantis" in error_of(client.get("/test/unknown-place"), 404)
        error_of(client.get("/test/other"), 400)


def test_docs_the_page_and_its_static_files(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()  # the docs work offline too
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/api/places", "/api/events", "/api/control", "/api/changes",
                  "/api/places/{place_id}/timeline", "/api/documents/{document_id}",
                  "/api/summary", "/api/documents"):
        assert route in paths
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/static/app.js">' in page.text and "//" not in page.text.split(
        "<script")[1].split(">")[0].replace('"/static', "")  # no CDN
    assert client.get("/static/app.js").status_code == 200
    assert "no such route" in error_of(client.get("/api/nothing-here"), 404)


def test_no_query_string_gives_a_500(client: TestClient) -> None:
    """A sweep of odd values over every read route: each answer is a 2xx or a JSON 4xx."""
    odd = ["", " ", "0", "-1", "9" * 30, "2021-06-22T10:00", "%00", "AF1905'; drop table events",
           "<script>", "2021-6-2", "null"]
    routes = ["/api/events?since={v}", "/api/events?page={v}", "/api/events?place={v}",
              "/api/control?date={v}", "/api/control?date=2021-06-22&level={v}",
              "/api/changes?since={v}", "/api/summary?date={v}", "/api/series?until={v}",
              "/api/places/{v}/timeline", "/api/documents/{v}", "/api/places?level={v}"]
    for route in routes:
        for value in odd:
            response = client.get(route.format(v=value))
            assert response.status_code < 500, (route, value, response.text)
            if response.status_code >= 400:
                assert "error" in response.json()


# --- the one write -------------------------------------------------------------------------


def test_posting_a_report_needs_a_valid_token(writable: Workspace) -> None:
    with writable.begin() as conn:
        token = create_token(conn, "tests")
        revoked = create_token(conn, "old")
        old_id = conn.execute(select(api_tokens.c.id).where(
            api_tokens.c.token_hash == hash_token(revoked))).scalar_one()
        assert revoke_token(conn, old_id)
    with TestClient(create_app(writable.path)) as client:
        missing = client.post("/api/documents", json=KHAN_ABAD_FALLS)
        assert "bearer token" in error_of(missing, 401)
        assert missing.headers["www-authenticate"] == "Bearer"
        for bad in ("fl_wrong", token + "x", revoked, ""):
            response = client.post("/api/documents", json=KHAN_ABAD_FALLS,
                                   headers={"Authorization": f"Bearer {bad}"})
            error_of(response, 401)
        error_of(client.post("/api/documents", json=KHAN_ABAD_FALLS,
                             headers={"Authorization": f"Basic {token}"}), 401)
        assert client.get("/api/documents/own-khan-abad-falls").status_code == 404
    # Only the digest is stored.
    with writable.connect() as conn:
        stored = [r.token_hash for r in conn.execute(select(api_tokens))]
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_a_posted_report_is_ingested_extracted_and_moves_the_map(writable: Workspace) -> None:
    with writable.begin() as conn:
        token = create_token(conn, "tests")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(writable.path), raise_server_exceptions=True) as client:
        before = {r["place_id"]: r for r in client.get(
            "/api/control", params={"date": "2021-06-26"}).json()["units"]}
        assert before[KHAN_ABAD]["state"] == "contested"
        posted = client.post("/api/documents", json=KHAN_ABAD_FALLS, headers=auth)
        assert posted.status_code == 201, posted.text
        body = posted.json()
        assert (body["id"], body["added"], body["duplicate"]) == ("own-khan-abad-falls", True, False)
        assert body["events"] == 1
        after = {r["place_id"]: r for r in client.get(
            "/api/control", params={"date": "2021-06-26"}).json()["units"]}
        assert (after[KHAN_ABAD]["state"], after[KHAN_ABAD]["since"]) == ("taliban", "2021-06-25")
        again = client.post("/api/documents", json=KHAN_ABAD_FALLS, headers=auth)
        assert again.status_code == 200 and again.json()["added"] is False
        assert again.json()["duplicate"] is True
        doc = client.get("/api/documents/own-khan-abad-falls").json()
        assert doc["events"][0]["place_id"] == KHAN_ABAD
    with writable.connect() as conn:
        assert len(query_events(conn, document_id="own-khan-abad-falls")) == 1


def test_bad_posts_are_4xx(afghan_workspace: Workspace, tmp_path: Path) -> None:
    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    with ws.begin() as conn:
        token = create_token(conn, "tests")
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(ws.path, max_body_bytes=4096),
                    raise_server_exceptions=True) as client:
        big = {"text": "The Taliban captured Imam Sahib. " * 400}
        assert "limit" in error_of(client.post("/api/documents", json=big, headers=auth), 413)

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"text": "'
            for _ in range(50):
                yield b"x" * 200
            yield b'"}'

        chunked = client.post("/api/documents", content=chunks(),
                              headers={**auth, "Content-Type": "application/json"})
        error_of(chunked, 413)
        error_of(client.post("/api/documents", content=b"{not json",
                             headers={**auth, "Content-Type": "application/json"}), 422)
        error_of(client.post("/api/documents", json={"text": ""}, headers=auth), 422)
        error_of(client.post("/api/documents", json={"title": "no text"}, headers=auth), 422)
        error_of(client.post("/api/documents", json={"text": 5}, headers=auth), 422)
        error_of(client.post("/api/documents", json=[1, 2], headers=auth), 422)
        short = client.post("/api/documents", json={"text": "Too short."}, headers=auth)
        assert short.status_code in (201, 422)  # stored, or refused with a reason — never a 500
        error_of(client.get("/api/documents", headers=auth), 405)


# --- the command line ----------------------------------------------------------------------


def test_token_commands(reports_workspace: Workspace, tmp_path: Path) -> None:
    ws = copy_workspace(reports_workspace, tmp_path / "ws")
    created = run_cli("token", "create", "--name", "newsroom bot", workspace=ws.path)
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[0]
    assert token.startswith("fl_") and len(token) > 40
    listed = run_cli("token", "list", "--format", "json", workspace=ws.path)
    rows = json.loads(listed.output)
    assert [r["name"] for r in rows] == ["newsroom bot"] and token not in listed.output
    assert run_cli("token", "revoke", str(rows[0]["id"]), workspace=ws.path).exit_code == 0
    assert run_cli("token", "revoke", str(rows[0]["id"]), workspace=ws.path).exit_code != 0
    assert run_cli("token", "create", "--name", " ", workspace=ws.path).exit_code != 0


def test_serve_command_runs_uvicorn_on_the_workspace(reports_workspace: Workspace,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, host: str, port: int, **kwargs: Any) -> None:
        seen.update(app=app, host=host, port=port)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = run_cli("serve", "--port", "8123", workspace=reports_workspace.path)
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    # The map was prepared before listening: the districts and the provinces over them.
    assert "map prepared: 433 polygons" in result.output
    shapes = seen["app"].state.frontlines.shapes
    assert shapes.levels() == [1, 2]
    with TestClient(seen["app"]) as client:
        assert client.get("/api/summary", params={"date": date(2021, 6, 22).isoformat()}).json()[
            "units"] == 399
        drawn = client.get("/api/places", params={"level": 2, "format": "geojson"}).json()
        with reports_workspace.connect() as conn:
            prepared = shapes.of_level(conn, 2)
        assert {f["properties"]["id"]: f["geometry"] for f in drawn["features"]} == prepared

    # A workspace without boundaries yet has no map to prepare, and is served all the same.
    assert run_cli("init", workspace=tmp_path / "empty").exit_code == 0
    seen.clear()
    result = run_cli("serve", workspace=tmp_path / "empty")
    assert result.exit_code == 0, result.output
    assert "map not prepared" in result.output and seen["port"] == 8000


def test_prepare_map_fills_the_cache_the_map_reads(afghan_workspace: Workspace,
                                                    tmp_path: Path) -> None:
    from frontlines.outputs.map_shapes import UnitGeometry, prepare_map

    ws = copy_workspace(afghan_workspace, tmp_path / "ws")
    shapes = UnitGeometry()
    with ws.connect() as conn:
        done = prepare_map(conn, ws.profile, shapes)
        assert done.levels == (2, 1) and done.units == 399 + 34 and done.seconds > 0
        assert shapes.levels() == [1, 2]
        districts = shapes.of_level(conn, 2)
        assert shapes.of_level(conn, 2) is districts  # kept, not built again
        assert len(districts) == 399
        assert all(g is None or g["type"] in ("Polygon", "MultiPolygon")
                   for g in districts.values())
        provinces_only = prepare_map(conn, ws.profile, UnitGeometry(), level=1)
        assert provinces_only.levels == (1,) and provinces_only.units == 34
