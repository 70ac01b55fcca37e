"""No input gets a server error: every route of the API, fuzzed from its own OpenAPI schema.

schemathesis reads `/openapi.json` of the app and has hypothesis generate
requests for every operation (valid and invalid parameters, bodies and
headers), sent to the app in-process; the write is fuzzed with a valid token as
well as without one. Blind fuzzing seldom writes a valid date, so a second
property sends every date parameter of every route days drawn from the whole
calendar (0001-01-01 to 9999-12-31): a day outside `models.EARLIEST_DAY` ..
`LATEST_DAY` is a 400 naming the parameter, any other an answer. Every answer
is below 500, and every 4xx is the API's JSON error. Bounded: the examples per
operation are fixed, and the module runs in under a minute (40 s on 2 busy cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from frontlines.api import create_app
from frontlines.models import EARLIEST_DAY, LATEST_DAY
from frontlines.store import Workspace
from frontlines.tokens import create_token

from .test_api import IMAM_SAHIB, build_report_workspace

FUZZ_SETTINGS = settings(max_examples=20, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzzed(afghan_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Workspace, str]]:
    """A workspace of our reports (the fuzzer's posts land here too) and a live token."""
    ws = build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("fuzz") / "ws")
    with ws.begin() as conn:
        token = create_token(conn, "fuzzer")
    yield ws, token


def assert_answered(response: Any, what: object) -> None:
    """Below 500; a 4xx carries the API's JSON error naming what was wrong."""
    assert response.status_code < 500, (what, response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert body["status"] == response.status_code and body["error"], (what, body)


def test_no_generated_request_gets_a_server_error(fuzzed: tuple[Workspace, str]) -> None:
    ws, token = fuzzed
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(ws.path))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12  # every route of the API is fuzzed, the write included
    auth = {"Authorization": f"Bearer {token}"}
    fuzzed_ways: list[str] = []
    for operation in operations:
        # Negative: values the schema forbids (wrong types, out of bounds, missing, malformed).
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(mode))
            @FUZZ_SETTINGS
            def answered(case: Any) -> None:
                assert_answered(case.call(), case)
                if case.method == "POST":  # past the token check: the body itself is fuzzed
                    assert_answered(case.call(headers=auth), (case, "with a token"))

            try:
                answered()
            except Unsatisfiable:
                # Nothing to negate: no parameter (/api/meta), or only a path segment that
                # any string fills (/api/documents/{id}).
                assert mode == GenerationMode.NEGATIVE, operation.label
            else:
                fuzzed_ways.append(f"{operation.label} {mode.value}")
    assert len(fuzzed_ways) >= len(operations) + 10, fuzzed_ways


@pytest.fixture(scope="module")
def client(fuzzed: tuple[Workspace, str]) -> Iterator[TestClient]:
    with TestClient(create_app(fuzzed[0].path), raise_server_exceptions=False) as c:
        yield c


# Every date parameter of every route, with the other parameters it needs.
DATE_ROUTES = [
    ("/api/control", "date", {}), ("/api/control", "date", {"format": "geojson"}),
    ("/api/frontline", "date", {}), ("/api/summary", "date", {}),
    ("/api/changes", "since", {}), ("/api/changes", "until", {"since": "2021-06-01"}),
    (f"/api/places/{IMAM_SAHIB}/timeline", "date", {}),
    ("/api/statements", "date", {}), ("/api/statements", "since", {}),
    ("/api/statements", "until", {}),
    ("/api/series", "since", {}), ("/api/series", "until", {}),
    ("/api/series", "until", {"since": "2021-06-01"}),
    ("/api/events", "since", {}), ("/api/events", "until", {}),
]


@given(day=st.dates())
@example(day=date.min)
@example(day=date(1799, 12, 31))
@example(day=EARLIEST_DAY)
@example(day=date(9999, 12, 30))
@example(day=date.max)
@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_day_in_any_date_parameter_is_an_answer_or_a_400(client: TestClient,
                                                             day: date) -> None:
    for route, name, others in DATE_ROUTES:
        response = client.get(route, params={**others, name: day.isoformat()})
        assert_answered(response, (route, name, day))
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            assert response.status_code == 400, (route, name, day, response.text)
            assert "out of range" in response.json()["error"]


def test_the_day_from_the_issue_is_a_400_on_a_connection_that_stays_usable(
        client: TestClient) -> None:
    """`/api/series?until=0001-01-01` was a 500 (an OverflowError in the renderer)."""
    response = client.get("/api/series", params={"until": "0001-01-01"})
    assert response.status_code == 400
    assert response.json()["error"] == ("until 0001-01-01 is out of range (days from 1800-01-01 "
                                        "to 9999-12-31)")
    assert client.get("/api/meta").status_code == 200


def test_the_chart_command_refuses_the_day_as_a_usage_error(fuzzed: tuple[Workspace, str],
                                                           tmp_path: Path) -> None:
    from .conftest import run_cli

    result = run_cli("chart", "--until", "0001-01-01", "--out", str(tmp_path / "c.png"),
                     workspace=fuzzed[0].path)
    assert result.exit_code == 2, result.output
    assert "--until 0001-01-01 is out of range" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "c.png").exists()


@contextmanager
def uvicorn_server(ws: Workspace) -> Iterator[int]:
    """The real app over `ws` under uvicorn on a free loopback port; yields the port."""
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(ws.path), log_level="critical",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.05)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def served(fuzzed: tuple[Workspace, str], tmp_path: Path) -> Iterator[tuple[Workspace, int]]:
    """A private copy of the workspace under a real uvicorn."""
    from .conftest import copy_workspace

    ws = copy_workspace(fuzzed[0], tmp_path / "ws")
    with uvicorn_server(ws) as port:
        yield ws, port


def test_a_server_error_keeps_the_keep_alive_connection_usable(
        served: tuple[Workspace, int]) -> None:
    """A real fault (the tokens table gone from under the server: every write's token check
    fails) is a JSON 500, and the reads that follow on the same connection are answered."""
    import http.client
    import json

    from frontlines.store import api_tokens

    ws, port = served
    with ws.begin() as conn:
        api_tokens.drop(conn)
    post = json.dumps({"text": "The Taliban captured Khan Abad district on Friday."})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.connect()
        first = connection.sock
        for _ in range(5):
            connection.request("POST", "/api/documents", body=post, headers={
                "Content-Type": "application/json", "Authorization": "Bearer fl_whatever"})
            failed = connection.getresponse()
            body = failed.read()
            assert failed.status == 500 and b'"internal error: ' in body, body
            assert failed.getheader("connection", "keep-alive").lower() != "close"
            connection.request("GET", "/api/events?page_size=1")
            fine = connection.getresponse()
            assert fine.status == 200 and fine.read()
        assert connection.sock is first  # never reconnected: one socket throughout
    finally:
        connection.close()
