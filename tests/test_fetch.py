"""Fetching URLs and feeds, against a real HTTP server the tests start on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from frontlines.models import Document
from frontlines.sources.documents import SourceError, SourceWarning
from frontlines.sources.fetch import (
    FetchError,
    FetchOptions,
    KnownURL,
    check_url,
    fetch_url,
    is_url,
    read_url,
)
from frontlines.store import Workspace, iter_documents

from .conftest import run_cli

WEB = Path(__file__).parent / "fixtures" / "web"
LOCAL = FetchOptions(allow_private=True, timeout=5.0)


class Site:
    """A small news site: pages, feeds, redirects and misbehaving endpoints."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self.base = ""

    def route(self, path: str) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path.startswith("/news/") and (WEB / path.removeprefix("/news/")).is_file():
            return 200, html, (WEB / path.removeprefix("/news/")).read_bytes()
        if path == "/feed.xml":
            body = (WEB / "rss.xml").read_text(encoding="utf-8").replace("{base}", self.base)
            return 200, {"Content-Type": "application/rss+xml"}, body.encode()
        if path == "/atom":  # a feed labelled as generic XML: found by sniffing
            body = (WEB / "atom.xml").read_text(encoding="utf-8").replace("{base}", self.base)
            return 200, {"Content-Type": "application/xml"}, body.encode()
        if path == "/data.json":
            return 200, {"Content-Type": "application/json"}, b'{"text": "not a page"}'
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            target = f"/redirect/{left - 1}" if left > 1 else "/news/article.html"
            return 302, {"Location": target}, b""
        if path == "/loop":
            return 302, {"Location": "/loop"}, b""
        if path == "/big":
            return 200, html, b"<html><body>" + b"<p>filler text</p>" * 20000 + b"</body></html>"
        return 404, {"Content-Type": "text/plain"}, b"not found"


class Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        # The client hangs up on purpose in the size-cap and timeout tests.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._respond()

    def _respond(self) -> None:
        self.site.hits[self.path] += 1
        self.site.user_agents.add(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/big-unannounced":  # no Content-Length: read until the server closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b"<p>" + b"x" * 1000 + b"</p>")
            return
        status, headers, body = self.site.route(self.path)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    state = Site()
    handler = type("SiteHandler", (Handler,), {"site": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def docs(items: list) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def errors(items: list) -> list[SourceError]:
    return [i for i in items if isinstance(i, SourceError)]


# --- address checks (no network) --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.8.9.10:8080/x", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.10/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://240.0.0.1/", "reserved"),
    ],
)
def test_non_public_addresses_are_refused(url: str, kind: str) -> None:
    with pytest.raises(FetchError, match=f"is a {kind} address.*--allow-private"):
        check_url(url, allow_private=False)
    check_url(url, allow_private=True)  # allowed on request


def test_every_address_of_a_host_is_checked() -> None:
    check_url("https://news.example/a", allow_private=False,
              resolver=lambda host, port: ["93.184.215.14"])
    with pytest.raises(FetchError, match="private"):
        check_url("https://news.example/a", allow_private=False,
                  resolver=lambda host, port: ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(FetchError, match="loopback"):
        check_url("http://localhost:9/", allow_private=False)


def test_unresolvable_hosts_and_other_schemes_are_errors() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror("Name or service not known")

    with pytest.raises(FetchError, match="cannot resolve host 'nowhere.invalid'"):
        check_url("http://nowhere.invalid/", allow_private=False, resolver=fail)
    with pytest.raises(FetchError, match="not an http"):
        check_url("file:///etc/passwd", allow_private=True)
    assert is_url("https://x.example/a") and is_url("HTTP://x.example")
    assert not is_url("/tmp/a.txt") and not is_url("ftp://x.example/")


def test_each_redirect_target_is_checked_again() -> None:
    """A public page that redirects to a private address is refused at the second hop."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:8080/admin"})

    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=False)
    with pytest.raises(FetchError, match="refused: 127.0.0.1 is a loopback address"):
        fetch_url(client, "http://news.example/story", FetchOptions(),
                  resolver=lambda host, port: ["93.184.215.14"])
    assert seen == ["http://news.example/story"]  # the private target was never requested


# --- a real local server ---------------------------------------------------------------------


def test_an_html_page_becomes_a_document_with_its_url(site: Site) -> None:
    url = f"{site.base}/news/article.html"
    (doc,) = list(read_url(url, LOCAL))
    assert isinstance(doc, Document)
    assert doc.url == url and doc.origin == url
    assert doc.title == "Government forces retake Lower Varna district"
    assert doc.outlet == "Frontier Tribune"
    assert doc.published == "2025-04-11T09:30"
    assert doc.related == ("Flooding cuts the only road to the eastern valleys",)
    assert "Most read" not in doc.text
    assert any(ua.startswith("frontlines/") for ua in site.user_agents)


def test_loopback_urls_are_refused_without_allow_private(site: Site) -> None:
    url = f"{site.base}/news/article.html"
    before = site.hits[url.removeprefix(site.base)]
    (err,) = list(read_url(url, FetchOptions()))
    assert isinstance(err, SourceError)
    assert str(err) == (f"{url}: refused: 127.0.0.1 is a loopback address (127.0.0.1); "
                        "use --allow-private to fetch from local or private networks")
    assert site.hits["/news/article.html"] == before  # no request was made


def test_an_rss_feed_fetches_each_item_link(site: Site) -> None:
    items = list(read_url(f"{site.base}/feed.xml", LOCAL))
    found = docs(items)
    assert [d.url for d in found] == [
        f"{site.base}/news/feed-item-1.html",
        f"{site.base}/news/feed-item-2.html",  # a relative link, made absolute
    ]
    assert [d.title for d in found] == [
        "Insurgents surround the Hollin crossing", "Militia hands Tarn valley to the army",
    ]
    # The pages carry no date: the feed's pubDate is used.
    assert [d.published for d in found] == ["2025-04-12T18:05", "2025-04-13T07:40"]
    (err,) = errors(items)
    assert str(err) == f"{site.base}/news/missing.html: HTTP 404 Not Found"


def test_an_atom_feed_served_as_xml_is_sniffed(site: Site) -> None:
    (doc,) = list(read_url(f"{site.base}/atom", LOCAL))
    assert isinstance(doc, Document) and doc.url == f"{site.base}/news/feed-item-2.html"


def test_known_feed_items_are_not_downloaded_again(site: Site) -> None:
    known = {f"{site.base}/news/feed-item-1.html"}
    before = site.hits["/news/feed-item-1.html"]
    items = list(read_url(f"{site.base}/feed.xml", LOCAL, is_known=known.__contains__))
    assert KnownURL(f"{site.base}/news/feed-item-1.html") in items
    assert len(docs(items)) == 1
    assert site.hits["/news/feed-item-1.html"] == before


def test_non_html_urls_are_errors(site: Site) -> None:
    (err,) = list(read_url(f"{site.base}/data.json", LOCAL))
    assert isinstance(err, SourceError)
    assert err.message == "not an HTML page or a feed (content type application/json)"


def test_a_page_without_an_article_body_is_an_error(site: Site) -> None:
    (err,) = list(read_url(f"{site.base}/news/no-body.html", LOCAL))
    assert isinstance(err, SourceError) and err.message == "HTML without an article body"


def test_unreachable_urls_are_errors() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (err,) = list(read_url(f"http://127.0.0.1:{port}/", LOCAL))
    assert isinstance(err, SourceError) and err.message.startswith("cannot connect")


def test_redirects_are_followed_but_bounded(site: Site) -> None:
    (doc,) = list(read_url(f"{site.base}/redirect/3", LOCAL))
    assert isinstance(doc, Document) and doc.url == f"{site.base}/news/article.html"
    (err,) = list(read_url(f"{site.base}/loop", LOCAL))
    assert isinstance(err, SourceError) and err.message == "too many redirects (more than 5)"
    tight = FetchOptions(allow_private=True, max_redirects=2)
    (err,) = list(read_url(f"{site.base}/redirect/3", tight))
    assert isinstance(err, SourceError) and err.message == "too many redirects (more than 2)"


def test_the_size_cap_is_enforced_with_and_without_content_length(site: Site) -> None:
    small = FetchOptions(allow_private=True, max_bytes=100_000)
    (err,) = list(read_url(f"{site.base}/big", small))
    assert isinstance(err, SourceError)
    assert err.message == "response is 351.6 kB, over the 97.7 kB size cap"
    (err,) = list(read_url(f"{site.base}/big-unannounced", small))
    assert isinstance(err, SourceError) and err.message == "response over the 97.7 kB size cap"


def test_slow_servers_time_out(site: Site) -> None:
    started = time.monotonic()
    (err,) = list(read_url(f"{site.base}/slow", FetchOptions(allow_private=True, timeout=0.3)))
    assert isinstance(err, SourceError) and err.message.startswith("timed out after 0.3 s")
    assert time.monotonic() - started < 1.4


def test_empty_feeds_warn() -> None:
    """A feed with no items is not a failure, but worth a word."""
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers={"Content-Type": "application/rss+xml"},
                                       content=body))
    client = httpx.Client(transport=transport)
    (warn,) = list(read_url("http://127.0.0.1/feed", LOCAL, client=client))
    assert isinstance(warn, SourceWarning) and warn.message == "feed has no items"


# --- through the command line ------------------------------------------------------------------


def test_cli_ingests_urls_and_feeds_only_with_allow_private(
    site: Site, workspace: Workspace
) -> None:
    url = f"{site.base}/news/article.html"
    refused = run_cli("ingest", url, workspace=workspace.path)
    assert refused.exit_code == 1
    assert "added 0, duplicates 0, failed 1" in refused.output
    assert f"error: {url}: refused: 127.0.0.1 is a loopback address" in refused.output

    added = run_cli("ingest", "--allow-private", url, workspace=workspace.path)
    assert added.exit_code == 0, added.output
    assert "added 1, duplicates 0, failed 0" in added.output
    again = run_cli("ingest", "--allow-private", url, workspace=workspace.path)
    assert "added 0, duplicates 1, failed 0" in again.output

    feed = run_cli("ingest", "--allow-private", f"{site.base}/feed.xml", workspace=workspace.path)
    assert feed.exit_code == 1  # one item's link is dead
    assert "added 2, duplicates 0, failed 1" in feed.output
    assert f"error: {site.base}/news/missing.html: HTTP 404 Not Found" in feed.output
    with workspace.connect() as conn:
        urls = sorted(d.url or "" for d in iter_documents(conn))
    assert urls == sorted([url, f"{site.base}/news/feed-item-1.html",
                           f"{site.base}/news/feed-item-2.html"])


# --- the address actually connected to (DNS rebinding) ---------------------------------------


def test_the_address_connected_to_is_checked_too(site: Site) -> None:
    """A name that resolved to a public address at the check, but connects to loopback."""
    port = site.base.rsplit(":", 1)[1]
    url = f"http://localhost:{port}/news/article.html"

    def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]  # what a rebinding DNS server answers the first time

    with httpx.Client(timeout=5.0) as client:
        with pytest.raises(FetchError) as refused:
            fetch_url(client, url, FetchOptions(timeout=5.0), resolver=public)
        assert str(refused.value) == (
            "refused: localhost connected to a loopback address (127.0.0.1); "
            "use --allow-private to fetch from local or private networks")
        fetched = fetch_url(client, url, FetchOptions(allow_private=True, timeout=5.0),
                            resolver=public)
    assert fetched.status == 200 and b"Lower Varna" in fetched.body


def test_read_url_reports_a_rebound_address_as_a_source_error(site: Site) -> None:
    port = site.base.rsplit(":", 1)[1]
    url = f"http://localhost:{port}/feed.xml"
    (err,) = list(read_url(url, FetchOptions(timeout=5.0),
                           resolver=lambda host, port: ["93.184.215.14"]))
    assert isinstance(err, SourceError)
    assert err.message.startswith("refused: localhost connected to a loopback address")


def test_a_proxy_from_the_environment_is_not_taken_for_the_site(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from frontlines.sources.fetch import _behind_proxy

    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY",
                 "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with httpx.Client() as client:
        assert not _behind_proxy(client, "https://news.example/a")
        monkeypatch.setenv("HTTPS_PROXY", "http://10.0.0.2:3128")
        monkeypatch.setenv("NO_PROXY", "intranet.example")
        assert _behind_proxy(client, "https://news.example/a")
        assert not _behind_proxy(client, "https://intranet.example/a")
        assert not _behind_proxy(client, "http://news.example/a")  # no proxy for http
    with httpx.Client(trust_env=False) as client:
        assert not _behind_proxy(client, "https://news.example/a")
