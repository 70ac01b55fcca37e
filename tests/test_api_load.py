"""The API under load and its cached answers (issue 12, points 1 and 7).

- Answers that depend only on the data carry an ETag of the data version; the
  same version answers If-None-Match with 304, and any write (through the API,
  or by another workspace handle as `frontlines ingest` in another process
  makes it) changes both the ETag and the answer.
- The real server (`frontlines serve` in a child process, on loopback) answers
  every one of 80 concurrent clients' requests, uncached ones included, while
  a report is posted; and answers at once after the load.
- Past its bounded queue, a request gets 503 with Retry-After, never a wait
  without end.
- /docs runs no inline script and is served under the app's CSP.

The pool deadlock this guards against: the server used to stop answering for
minutes at about 60 concurrent requests.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from frontlines.api import CSP, create_app
from frontlines.pipeline import StoreExtraction
from frontlines.serving import AdmissionLimit
from frontlines.sources.ingest import ingest
from frontlines.store import Workspace
from frontlines.tokens import create_token

from .test_api import IMAM_SAHIB, KHAN_ABAD, KHAN_ABAD_FALLS, build_report_workspace

pytestmark = pytest.mark.both_backends

LAUNCH = "import sys; from frontlines.cli import main; sys.argv[0] = 'frontlines'; sys.exit(main())"


@pytest.fixture
def writable(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    return build_report_workspace(afghan_workspace, tmp_path / "ws")


def khan_abad_on(client: TestClient, day: str, etag: str | None = None) -> httpx.Response:
    headers = {"If-None-Match": etag} if etag else {}
    return client.get("/api/control", params={"date": day}, headers=headers)


def state_of(response: httpx.Response, unit: str) -> str:
    return str(next(r["state"] for r in response.json()["units"] if r["place_id"] == unit))


# --- ETags ---------------------------------------------------------------------------------


def test_a_cached_answer_has_an_etag_and_the_same_version_gets_304(writable: Workspace) -> None:
    with TestClient(create_app(writable.path), raise_server_exceptions=True) as client:
        first = khan_abad_on(client, "2021-06-26")
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
        again = khan_abad_on(client, "2021-06-26", etag)
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        # Another ETag, or another day's URL with none, gets the whole answer.
        assert khan_abad_on(client, "2021-06-26", 'W/"stale"').json() == first.json()
        assert khan_abad_on(client, "2021-06-27").status_code == 200
        # Errors are not cached and have no ETag.
        bad = client.get("/api/control", params={"date": "not a date"}, headers={
            "If-None-Match": etag})
        assert bad.status_code == 400 and "etag" not in bad.headers
        for path in ("/api/meta", "/api/places", "/api/summary?date=2021-06-26", "/api/series",
                     "/api/frontline?date=2021-06-26", "/api/statements?date=2021-06-26"):
            answer = client.get(path)
            assert answer.status_code == 200 and answer.headers.get("etag"), path
            assert client.get(path, headers={"If-None-Match": answer.headers["etag"]}
                              ).status_code == 304, path


def test_a_posted_report_changes_the_etag_and_the_answer(writable: Workspace) -> None:
    with writable.begin() as conn:
        token = create_token(conn, "tests")
    with TestClient(create_app(writable.path), raise_server_exceptions=True) as client:
        before = khan_abad_on(client, "2021-06-26")
        places = client.get("/api/places").headers["etag"]
        assert state_of(before, KHAN_ABAD) == "contested"
        posted = client.post("/api/documents", json=KHAN_ABAD_FALLS,
                             headers={"Authorization": f"Bearer {token}"})
        assert posted.status_code == 201, posted.text
        after = khan_abad_on(client, "2021-06-26", before.headers["etag"])
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert state_of(after, KHAN_ABAD) == "taliban"
        # The places did not change: their answer stays valid.
        assert client.get("/api/places", headers={"If-None-Match": places}).status_code == 304


def test_a_write_by_another_process_changes_the_etag_and_the_answer(writable: Workspace) -> None:
    with TestClient(create_app(writable.path), raise_server_exceptions=True) as client:
        before = khan_abad_on(client, "2021-06-26")
        assert state_of(before, KHAN_ABAD) == "contested"
        # What `frontlines ingest` does, through a workspace handle of its own (its own
        # engine and connections): the server learns of it from the database alone.
        other = Workspace.open(writable.path)
        corpus = writable.path.parent / "falls.json"
        corpus.write_text(json.dumps([KHAN_ABAD_FALLS]), encoding="utf-8")
        assert ingest(other, [corpus], on_document=StoreExtraction(other)).added
        other.engine.dispose()
        after = khan_abad_on(client, "2021-06-26", before.headers["etag"])
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert state_of(after, KHAN_ABAD) == "taliban"


# --- the bounded queue ------------------------------------------------------------------------


def test_past_the_bounded_queue_a_request_gets_503_with_retry_after() -> None:
    """One request at a time, one waiting at most, for at most 0.3 s: the rest get 503."""
    release = asyncio.Event()
    entered: list[str] = []

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        entered.append(scope["path"])
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    limit = AdmissionLimit(slow_app, limit=1, queue=1, wait=0.3)

    async def call(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await limit({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
        return sent[0]["status"], dict(sent[0]["headers"]), b"".join(
            m.get("body", b"") for m in sent[1:])

    async def scenario() -> None:
        first = asyncio.create_task(call("/api/first"))
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(call("/api/waiting"))
        await asyncio.sleep(0.05)
        status, headers, body = await call("/api/third")  # the queue is full: at once
        assert status == 503 and headers[b"retry-after"] == b"1"
        assert json.loads(body)["status"] == 503
        status, headers, _ = await waiting  # waited 0.3 s for a place: too long
        assert status == 503 and b"retry-after" in headers
        release.set()
        assert (await first)[0] == 200
        assert (await call("/api/after"))[0] == 200  # the place was given back
        assert (await call("/static/x"))[0] == 200  # outside /api: never queued
        assert entered == ["/api/first", "/api/after", "/static/x"]
        assert limit.active == 0 and limit.waiting == 0

    asyncio.run(asyncio.wait_for(scenario(), 10))


# --- the real server under load -----------------------------------------------------------


@pytest.fixture
def served(afghan_workspace: Workspace, tmp_path: Path) -> Iterator[tuple[str, Workspace]]:
    """`frontlines serve` in a child process on a free loopback port: (its URL, the workspace)."""
    ws = build_report_workspace(afghan_workspace, tmp_path / "ws")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "server.log").open("w")
    child = subprocess.Popen([sys.executable, "-c", LAUNCH, "--workspace", str(ws.path), "serve",
                              "--port", str(port)], stdin=subprocess.DEVNULL, stdout=log,
                             stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert child.poll() is None and time.monotonic() < deadline, (
                (tmp_path / "server.log").read_text())
            try:
                if httpx.get(url + "/api/meta", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url, ws
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        log.close()


@pytest.mark.slow
def test_80_concurrent_clients_all_get_answers_and_the_server_recovers_at_once(
        served: tuple[str, Workspace]) -> None:
    url, ws = served
    with ws.begin() as conn:
        token = create_token(conn, "load test")
    clients, seconds = 80, 4.0
    outcomes: Counter[str] = Counter()
    problems: list[str] = []

    async def client(n: int, http: httpx.AsyncClient, until: float) -> None:
        # Mostly answers that are not cached, or not yet, and differ from client to client:
        # nearly every request takes a connection from the pool.
        day = f"2021-{6 + n % 3:02d}-{1 + n % 28:02d}"
        mine = [f"/api/events?page=1&page_size={10 + n}", f"/api/control?date={day}",
                f"/api/places/{IMAM_SAHIB}/timeline?date={day}", f"/api/changes?since={day}",
                f"/api/events?since={day}&page_size={10 + n}", "/api/places"]
        turn = n
        while time.monotonic() < until:
            path = mine[turn % len(mine)]
            turn += 1
            try:
                answer = await http.get(path)
            except httpx.HTTPError as exc:  # a refused or broken connection, or no answer
                problems.append(f"{path}: {type(exc).__name__}")
                continue
            outcomes[str(answer.status_code)] += 1
            if answer.status_code == 503:  # the bounded queue: allowed, with Retry-After
                assert answer.headers["retry-after"].isdigit(), path
            elif answer.status_code != 200:
                problems.append(f"{path}: {answer.status_code} {answer.text[:200]}")

    async def writer(http: httpx.AsyncClient) -> None:
        posted = await http.post("/api/documents", json=KHAN_ABAD_FALLS,
                                 headers={"Authorization": f"Bearer {token}"})
        outcomes[f"POST {posted.status_code}"] += 1

    async def load() -> None:
        limits = httpx.Limits(max_connections=clients + 1)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
            until = time.monotonic() + seconds
            await asyncio.gather(writer(http), *(client(n, http, until) for n in range(clients)))

    asyncio.run(load())
    assert not problems, problems[:10]
    assert outcomes["200"] >= clients and outcomes["POST 201"] == 1, outcomes
    # Once the load has stopped, a new question is answered at once.
    began = time.monotonic()
    answer = httpx.get(url + "/api/control", params={"date": "2021-09-30"}, timeout=10)
    assert answer.status_code == 200 and time.monotonic() - began < 5
    assert state_of(answer, KHAN_ABAD) == "taliban"  # the posted report is in


# --- /docs ------------------------------------------------------------------------------------


class ScriptFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def test_docs_run_no_inline_script_under_the_apps_csp(afghan_workspace: Workspace) -> None:
    with TestClient(create_app(afghan_workspace.path), raise_server_exceptions=True) as client:
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert docs.headers["content-security-policy"] == CSP
        assert client.get("/").headers["content-security-policy"] == CSP
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        found = ScriptFinder()
        found.feed(docs.text)
        assert not found.inline, found.inline
        sources = [s.get("src") for s in found.scripts]
        assert sources == ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/docs.js"]
        for src in sources:
            assert client.get(str(src)).status_code == 200, src
        assert "/openapi.json" in client.get("/static/docs.js").text
