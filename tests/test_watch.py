"""Following feeds (`frontlines watch`), against a real feed server on 127.0.0.1.

The server's feed changes between rounds; it sends an ETag and a
Last-Modified and answers 304 when the client sends them back; it can be
told to fail (503 with Retry-After) to show the back-off.
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from frontlines.pipeline import StoreExtraction
from frontlines.sources.feeds import (
    FeedListError,
    Watcher,
    format_interval,
    parse_interval,
    read_feed_list,
)
from frontlines.sources.fetch import FetchOptions
from frontlines.store import Workspace, iter_documents, query_events

from .conftest import copy_workspace, run_cli
from .test_ingest import LAUNCH, _child_env, ctrl_c_as_usual

# Ingest tests: they run on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

LOCAL = FetchOptions(allow_private=True, timeout=5.0)

REPORTS = {
    1: ("Taliban take Imam Sahib", "The Taliban captured Imam Sahib district of Kunduz province "
        "on Monday, a provincial council member said."),
    2: ("Khan Abad falls", "Taliban fighters seized Khan Abad district in Kunduz province on "
        "Tuesday after government forces withdrew, a police spokesman said."),
    3: ("Chahar Dara overrun", "The Taliban overran Chahar Dara district of Kunduz on Wednesday, "
        "the district governor told reporters."),
}


class FeedSite:
    """A news site whose feed lists `items` (report numbers); pages at /news/N.html."""

    def __init__(self) -> None:
        self.items: list[int] = []
        self.failing = False  # answer the feed with 503 and Retry-After
        self.base = ""
        self.hits: Counter[str] = Counter()
        self.feed_answers: list[int] = []  # the status of each answer to /feed.xml
        self.lock = threading.Lock()

    def feed(self) -> tuple[bytes, str, str]:
        """The feed's body, its ETag and its Last-Modified (both change with its items)."""
        entries = "".join(
            f"<item><title>{REPORTS[n][0]}</title><link>{self.base}/news/{n}.html</link>"
            f"<pubDate>{formatdate(1625443200 + n * 86400, usegmt=True)}</pubDate></item>"
            for n in self.items)
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Kunduz wire</title>'
                f"<link>{self.base}/</link>{entries}</channel></rss>").encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
        modified = formatdate(1625443200 + 86400 * max(self.items or [0]), usegmt=True)
        return body, etag, modified


class Handler(BaseHTTPRequestHandler):
    site: FeedSite

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        with contextlib.suppress(BrokenPipeError, ConnectionResetError), self.site.lock:
            self._respond()

    def _respond(self) -> None:
        site = self.site
        site.hits[self.path] += 1
        if self.path == "/feed.xml":
            if site.failing:
                site.feed_answers.append(503)
                self._send(503, {"Retry-After": "120"}, b"busy")
                return
            body, etag, modified = site.feed()
            if (self.headers.get("If-None-Match") == etag
                    or (self.headers.get("If-None-Match") is None
                        and self.headers.get("If-Modified-Since") == modified)):
                site.feed_answers.append(304)
                self._send(304, {"ETag": etag, "Last-Modified": modified}, b"")
                return
            site.feed_answers.append(200)
            self._send(200, {"Content-Type": "application/rss+xml", "ETag": etag,
                             "Last-Modified": modified}, body)
            return
        if self.path.startswith("/news/") and self.path.endswith(".html"):
            number = int(self.path.removeprefix("/news/").removesuffix(".html"))
            title, text = REPORTS[number]
            page = (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
                    f"<h1>{title}</h1><p>{text}</p><p>Residents said the fighting had stopped "
                    "by the evening and shops were closed.</p></article></body></html>")
            self._send(200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
            return
        self._send(404, {"Content-Type": "text/plain"}, b"not found")

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def site() -> Iterator[FeedSite]:
    state = FeedSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("FeedHandler", (Handler,), {"site": state}))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def ws(afghan_workspace: Workspace, tmp_path: Path) -> Workspace:
    return copy_workspace(afghan_workspace, tmp_path / "ws")


def stored_urls(ws: Workspace) -> list[str]:
    with ws.connect() as conn:
        return sorted(doc.url or "" for doc in iter_documents(conn))


class Clock:
    """The watcher's monotonic clock, moved by hand (back-off is measured on it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_round_ingests_only_what_is_new_and_an_unchanged_feed_answers_304(
        site: FeedSite, ws: Workspace) -> None:
    site.items = [1, 2]
    hook = StoreExtraction(ws)
    watcher = Watcher(ws, [f"{site.base}/feed.xml"], every=600, options=LOCAL, on_document=hook)

    first = watcher.round()
    assert [p.outcome for p in first.polls] == ["changed"]
    assert len(first.summary.added) == 2 and first.events >= 2
    assert stored_urls(ws) == [f"{site.base}/news/1.html", f"{site.base}/news/2.html"]

    second = watcher.round()  # nothing new: the validators come back, the server says 304
    assert [p.outcome for p in second.polls] == ["not modified"]
    assert second.summary.headline() == "added 0, duplicates 0, failed 0"
    assert site.feed_answers == [200, 304]

    site.items = [3, 1, 2]  # a new item on top
    third = watcher.round()
    assert [p.outcome for p in third.polls] == ["changed"] and third.polls[0].items == 3
    assert len(third.summary.added) == 1 and len(third.summary.duplicates) == 2
    # The pages already held were not downloaded again.
    assert site.hits["/news/1.html"] == site.hits["/news/2.html"] == site.hits["/news/3.html"] == 1
    with ws.connect() as conn:  # each report was stored with its events
        captures = {e.evidence.document_id for e in query_events(conn) if e.kind == "capture"}
    assert len(captures) == 3
    assert "round 3: 1 feeds (1 changed); added 1, duplicates 2, failed 0" in third.headline()


def test_a_failing_feed_backs_off_twice_as_long_each_time_and_recovers(
        site: FeedSite, ws: Workspace) -> None:
    site.items, site.failing = [1], True
    clock = Clock()
    watcher = Watcher(ws, [f"{site.base}/feed.xml"], every=100, options=LOCAL, clock=clock)

    first = watcher.round()
    (poll,) = first.polls
    assert poll.outcome == "failed" and "HTTP 503" in (poll.error or "")
    assert poll.retry_in == 120  # the server's Retry-After beats the first back-off (100 s)

    clock.now += 100  # the next round comes before the feed is due: it is left alone
    assert [p.outcome for p in watcher.round().polls] == ["backing off"]
    assert site.feed_answers == [503]

    clock.now += 20
    second_failure = watcher.round().polls[0]
    assert second_failure.outcome == "failed" and second_failure.retry_in == 200  # 100 × 2

    clock.now += 200
    assert watcher.round().polls[0].retry_in == 400  # 100 × 4

    site.failing = False
    clock.now += 400
    recovered = watcher.round()
    assert recovered.polls[0].outcome == "changed" and len(recovered.summary.added) == 1
    assert watcher.feeds[0].failures == 0
    clock.now += 100
    assert watcher.round().polls[0].outcome == "not modified"  # due again after one interval


def test_one_dead_feed_does_not_stop_the_others(site: FeedSite, ws: Workspace) -> None:
    site.items = [1]
    watcher = Watcher(ws, [f"{site.base}/gone.xml", f"{site.base}/feed.xml"], every=60,
                      options=LOCAL)
    done = watcher.round()
    assert [p.outcome for p in done.polls] == ["failed", "changed"]
    assert "HTTP 404" in (done.polls[0].error or "") and len(done.summary.added) == 1


def test_loopback_feeds_are_refused_unless_allowed(site: FeedSite, ws: Workspace) -> None:
    site.items = [1]
    watcher = Watcher(ws, [f"{site.base}/feed.xml"], every=60)  # the default options
    (poll,) = watcher.round().polls
    assert poll.outcome == "failed" and "loopback" in (poll.error or "")
    assert site.hits["/feed.xml"] == 0 and stored_urls(ws) == []


def test_run_does_the_rounds_asked_for_every_interval(site: FeedSite, ws: Workspace) -> None:
    site.items = [1]
    seen = []

    def next_report(done: object) -> None:
        seen.append(done)
        site.items = [len(seen) + 1, *site.items]  # a new report before each next round

    watcher = Watcher(ws, [f"{site.base}/feed.xml"], every=0.05, options=LOCAL)
    total = watcher.run(rounds=3, on_round=next_report)
    assert (total.rounds, total.added, total.interrupted) == (3, 3, False)
    assert len(stored_urls(ws)) == 3


def test_frontlines_watch_runs_until_ctrl_c_and_stops_cleanly(
        site: FeedSite, ws: Workspace, tmp_path: Path) -> None:
    """The real command in a child process: a round a second, a new item between rounds,
    then SIGINT (Ctrl-C): it says what it did and exits 0."""
    site.items = [1]
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# the Kunduz wire\n{site.base}/feed.xml\n", encoding="utf-8")
    argv = [sys.executable, "-c", LAUNCH, "--workspace", str(ws.path), "watch", str(feeds),
            "--every", "1s", "--allow-private"]
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_child_env(),
                             preexec_fn=ctrl_c_as_usual)
    assert child.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "round 1:" in line:
                site.items = [2, 1]
            if "round 3:" in line:
                break
        child.send_signal(signal.SIGINT)
        rest, errors = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    output = "".join(lines) + rest
    assert child.returncode == 0, errors
    assert lines[0].startswith("watching 1 feeds, a round every 1s")
    assert "round 1: 1 feeds (1 changed); added 1, duplicates 0, failed 0" in output
    assert "round 2: 1 feeds (1 changed); added 1, duplicates 1, failed 0" in output
    assert "round 3: 1 feeds (1 not modified); added 0, duplicates 0, failed 0" in output
    assert "stopped: 3 rounds: added 2, duplicates 1, failed 0" in output
    assert "Traceback" not in errors
    assert stored_urls(ws) == [f"{site.base}/news/1.html", f"{site.base}/news/2.html"]


def test_watch_rounds_option_and_the_feed_list(site: FeedSite, ws: Workspace, tmp_path: Path) -> None:
    site.items = [1, 2]
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{site.base}/feed.xml  # inline comment\n\n{site.base}/feed.xml\n",
                     encoding="utf-8")
    result = run_cli("watch", str(feeds), "--every", "1s", "--rounds", "1", "--allow-private",
                     workspace=ws.path)
    assert result.exit_code == 0, result.output
    assert "round 1: 1 feeds (1 changed); added 2, duplicates 0, failed 0" in result.output
    assert "done: 1 rounds: added 2" in result.output


def test_a_feed_list_names_http_urls_only(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("# feeds\nhttps://a.example/rss\n\nhttp://b.example/atom # b\n", encoding="utf-8")
    assert read_feed_list(good) == ["https://a.example/rss", "http://b.example/atom"]
    bad = tmp_path / "bad.txt"
    bad.write_text("https://a.example/rss\nfeeds/local.xml\n", encoding="utf-8")
    with pytest.raises(FeedListError, match=r"bad.txt:2: not an http\(s\) URL"):
        read_feed_list(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(FeedListError, match="no feed URLs"):
        read_feed_list(empty)


def test_intervals_read_as_people_write_them() -> None:
    assert [parse_interval(t) for t in ("30s", "10m", "1.5h", "1d", "90")] == [
        30, 600, 5400, 86400, 90]
    for bad in ("0s", "ten minutes", "-5m", ""):
        with pytest.raises(ValueError):
            parse_interval(bad)
    assert [format_interval(s) for s in (0.5, 45, 600, 7500)] == ["0.5s", "45s", "10m", "2h 5m"]


def test_watch_refuses_a_bad_interval(tmp_path: Path, workspace: Workspace) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("https://a.example/rss\n", encoding="utf-8")
    result = run_cli("watch", str(feeds), "--every", "soon", workspace=workspace.path)
    assert result.exit_code == 2 and "not an interval" in result.output


