"""Fetching reports over HTTP(S): single pages and RSS/Atom feeds.

Fetching is where untrusted input meets the network, so every request is
bounded: a timeout per step and a deadline per response, a size cap enforced
while streaming (a server can lie about or omit Content-Length), at most N
redirects, each followed by hand so that its target is checked again. Hosts
are resolved and every address checked before connecting: loopback, private,
link-local and other non-public addresses are refused unless the caller allows
them, so a feed cannot point the tool at services on the user's own network.
The connection resolves the name again, so the address it actually reached is
checked too, before any of the body is read (a DNS server that answers with a
public address first and a private one the second time gains nothing).

Pages go through the same trafilatura path as HTML files
(`documents.document_from_html`); feed items are fetched as pages.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx

from .. import __version__
from .documents import (
    DEFAULT_MAX_BYTES,
    InputError,
    ReadItem,
    SourceError,
    SourceWarning,
    decode_text,
    document_from_html,
    format_size,
    html_charset,
    parse_date,
)

USER_AGENT = f"frontlines/{__version__} (conflict news ingestion)"
DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 60.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_MAX_FEED_ITEMS = 200

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml",
})
# Types whose body we sniff, because servers label feeds and pages with them too.
SNIFF_TYPES = frozenset({"", "text/plain", "text/xml", "application/xml",
                         "application/octet-stream"})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchOptions:
    """Limits for one ingest run's network access."""

    allow_private: bool = False
    timeout: float = DEFAULT_TIMEOUT  # connect / read / write, each
    deadline: float = DEFAULT_DEADLINE  # a whole response, slow-drip servers included
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    max_feed_items: int = DEFAULT_MAX_FEED_ITEMS
    user_agent: str = USER_AGENT


class FetchError(Exception):
    """A URL could not be fetched or is not a page or feed; the message says why.

    `status` is the HTTP status when the server answered with an error, and
    `retry_after` the seconds its Retry-After header asked for, if any.
    """

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    """A fetched response body. `url` is the final URL, after redirects."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names


@dataclass(frozen=True)
class KnownURL:
    """A page whose URL is already stored: not downloaded again (a duplicate)."""

    url: str


@dataclass(frozen=True)
class FeedItem:
    link: str
    title: str | None
    published: str | None


def is_url(source: str) -> bool:
    """True for http(s) URLs; anything else is treated as a path."""
    return urlsplit(source).scheme.lower() in ("http", "https")


# --- address checks ----------------------------------------------------------

Resolver = Callable[[str, int], list[str]]


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _address_kind(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> str | None:
    """Why an address must not be fetched from by default, or None if it is public."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_multicast:
        return "multicast"
    if addr.is_reserved:
        return "reserved"
    if addr.is_private:
        return "private"
    if not addr.is_global:
        return "non-public"
    return None


def check_url(url: str, *, allow_private: bool, resolver: Resolver = _resolve) -> None:
    """Refuse non-http(s) URLs and hosts that resolve to non-public addresses.

    Every address the host resolves to is checked: a name with one public and
    one private address is refused. The connection itself resolves again, so
    `fetch_url` also checks the address it connected to (`check_peer`): a DNS
    server that answers differently the second time is caught there.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"not an http(s) URL: {url}")
    host = parts.hostname
    if not host:
        raise FetchError(f"URL without a host: {url}")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"bad port in URL: {url}") from exc
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            raw = resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve host {host!r}: {exc}") from exc
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in raw]
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    for addr in addresses:
        kind = _address_kind(addr)
        if kind is not None:
            raise FetchError(
                f"refused: {host} is a {kind} address ({addr}); "
                "use --allow-private to fetch from local or private networks"
            )


def _behind_proxy(client: httpx.Client, url: str) -> bool:
    """Whether the client reaches `url` through a proxy from the environment.

    Then the socket's peer is the proxy, not the site (and a proxy on the LAN
    is normal), so only the site's name can be checked, by `check_url`. The
    same environment variables as httpx's are read (HTTP(S)_PROXY, ALL_PROXY,
    NO_PROXY).
    """
    if not client.trust_env:
        return False
    parts = urlsplit(url)
    proxies = getproxies()
    if not (proxies.get(parts.scheme.lower()) or proxies.get("all")):
        return False
    return not proxy_bypass(parts.hostname or "")


def check_peer(response: httpx.Response, url: str, *, allow_private: bool) -> None:
    """Refuse a response whose connection reached a non-public address.

    Call it as soon as the response's headers are in, before reading the body:
    `check_url` checked the addresses the name had a moment before, but the
    connection resolved it again. Responses that did not come over a socket
    (test transports) carry no peer address and pass.
    """
    if allow_private:
        return
    stream = response.extensions.get("network_stream")
    if stream is None:
        return
    peer = stream.get_extra_info("server_addr")
    if not peer:
        return
    host = peer[0] if isinstance(peer, tuple) else peer
    try:
        addr = ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return  # a Unix socket path or the like: not an IP peer
    kind = _address_kind(addr)
    if kind is not None:
        name = urlsplit(url).hostname or url
        raise FetchError(
            f"refused: {name} connected to a {kind} address ({addr}); "
            "use --allow-private to fetch from local or private networks"
        )


# --- fetching ----------------------------------------------------------------


def make_client(options: FetchOptions) -> httpx.Client:
    """An httpx client that never follows redirects by itself (we check each hop)."""
    return httpx.Client(
        timeout=httpx.Timeout(options.timeout),
        follow_redirects=False,
        headers={
            "User-Agent": options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                      "application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
        },
    )


def fetch_url(
    client: httpx.Client,
    url: str,
    options: FetchOptions,
    *,
    resolver: Resolver = _resolve,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """GET `url` within the limits of `options`; raises FetchError with the reason.

    `headers` go with the request (a conditional GET's validators, say); a
    304 Not Modified comes back as a `Fetched` with status 304 and no body.
    """
    current = url
    for _hop in range(options.max_redirects + 1):
        check_url(current, allow_private=options.allow_private, resolver=resolver)
        peer_check = not options.allow_private and not _behind_proxy(client, current)
        try:
            with client.stream("GET", current, headers=headers) as response:
                if peer_check:
                    check_peer(response, current, allow_private=False)
                if response.status_code in REDIRECT_CODES and "location" in response.headers:
                    current = urljoin(str(response.url), response.headers["location"])
                    continue
                if response.status_code >= 400:
                    reason = response.reason_phrase
                    raise FetchError(f"HTTP {response.status_code} {reason}".strip(),
                                     status=response.status_code,
                                     retry_after=retry_after(response.headers.get("retry-after")))
                return _read_body(response, options)
        except httpx.TimeoutException as exc:
            kind = type(exc).__name__
            raise FetchError(f"timed out after {options.timeout:g} s ({kind})") from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"cannot connect: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"HTTP error: {exc}") from exc
    raise FetchError(f"too many redirects (more than {options.max_redirects})")


def _read_body(response: httpx.Response, options: FetchOptions) -> Fetched:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > options.max_bytes:
        announced, cap = format_size(int(declared)), format_size(options.max_bytes)
        raise FetchError(f"response is {announced}, over the {cap} size cap")
    started = time.monotonic()
    chunks: list[bytes] = []
    size = 0
    # Decoded bytes are counted, so a small compressed bomb cannot blow past the cap.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > options.max_bytes:
            raise FetchError(f"response over the {format_size(options.max_bytes)} size cap")
        if time.monotonic() - started > options.deadline:
            raise FetchError(f"response took longer than {options.deadline:g} s")
        chunks.append(chunk)
    content_type, _, params = response.headers.get("content-type", "").partition(";")
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.I)
    return Fetched(
        url=str(response.url),
        status=response.status_code,
        content_type=content_type.strip().lower(),
        charset=match.group(1) if match else None,
        body=b"".join(chunks),
        headers={name.lower(): value for name, value in response.headers.items()},
    )


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """The seconds a Retry-After header asks to wait (a number, or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


_FEED_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<\?xml-stylesheet[^>]*>\s*|<!--.*?-->\s*)*"
    rb"<(?:rss|feed|rdf:rdf)\b",
    re.I | re.S,
)
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.I | re.S)


def classify(fetched: Fetched) -> Literal["html", "feed"]:
    """Whether a response is a page or a feed; anything else is a FetchError."""
    head = fetched.body[:2048]
    ctype = fetched.content_type
    if ctype in FEED_TYPES:
        return "feed"
    if ctype in HTML_TYPES or ctype in SNIFF_TYPES:
        if _FEED_START.match(head):
            return "feed"
        if ctype in HTML_TYPES or _HTML_START.match(head):
            return "html"
    raise FetchError(f"not an HTML page or a feed (content type {ctype or 'missing'})")


def parse_feed(body: bytes, url: str, content_type: str = "application/xml") -> list[FeedItem]:
    """The items of an RSS/Atom feed, with links made absolute against `url`.

    feedparser only ever sees these bytes: it is never handed a URL, so it
    cannot fetch anything past our checks.
    """
    import feedparser

    parsed = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": content_type}
    )
    if not parsed.entries:
        if not parsed.get("version"):  # not recognised as RSS or Atom at all
            raise FetchError(f"malformed feed: {parsed.get('bozo_exception') or 'no items'}")
        return []
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        raw_date = entry.get("published") or entry.get("updated") or ""
        items.append(FeedItem(
            link=urljoin(url, link) if link else "",
            title=(entry.get("title") or "").strip() or None,
            published=parse_date(raw_date) if raw_date else None,
        ))
    return items


def _page_document(
    fetched: Fetched, *, origin: str, title: str | None = None, published: str | None = None
) -> Iterator[ReadItem]:
    charset = fetched.charset or html_charset(fetched.body)
    try:
        html, warning = decode_text(fetched.body, charset)
        if warning:
            yield SourceWarning(origin, warning)
        yield document_from_html(
            html, origin=origin, url=fetched.url, fallback_title=title, fallback_published=published
        )
    except InputError as exc:
        yield SourceError(origin, exc.message)


def read_url(
    url: str,
    options: FetchOptions | None = None,
    *,
    client: httpx.Client | None = None,
    is_known: Callable[[str], bool] | None = None,
    resolver: Resolver = _resolve,
) -> Iterator[ReadItem | KnownURL]:
    """The Document(s) at a URL: the page itself, or each item of a feed.

    Problems come out as SourceError items naming the URL, never as
    exceptions, so one dead link does not stop a feed. `is_known(url)` lets
    the caller skip pages it already holds without downloading them again.
    """
    options = options or FetchOptions()
    own_client = client is None
    http = client or make_client(options)
    try:
        if is_known is not None and is_known(url):
            yield KnownURL(url)
            return
        try:
            fetched = fetch_url(http, url, options, resolver=resolver)
            kind = classify(fetched)
        except FetchError as exc:
            yield SourceError(url, str(exc))
            return
        if kind == "html":
            yield from _page_document(fetched, origin=url)
            return
        try:
            items = parse_feed(fetched.body, fetched.url, fetched.content_type or "application/xml")
        except FetchError as exc:
            yield SourceError(url, str(exc))
            return
        if not items:
            yield SourceWarning(url, "feed has no items")
            return
        yield from read_feed_items(url, items, options, client=http, is_known=is_known,
                                   resolver=resolver)
    finally:
        if own_client:
            http.close()


def read_feed_items(
    feed_url: str,
    items: list[FeedItem],
    options: FetchOptions,
    *,
    client: httpx.Client,
    is_known: Callable[[str], bool] | None = None,
    resolver: Resolver = _resolve,
) -> Iterator[ReadItem | KnownURL]:
    """The Document of each item of a feed, its page fetched (at most `max_feed_items`).

    Pages whose URL `is_known` are not downloaded (a `KnownURL` each); a dead
    link is a SourceError naming it, and the other items go on. The feed's
    title and date of an item stand in for the page's when it has none.
    """
    if len(items) > options.max_feed_items:
        yield SourceWarning(
            feed_url, f"feed has {len(items)} items; only the first {options.max_feed_items} fetched"
        )
        items = items[: options.max_feed_items]
    for n, item in enumerate(items, start=1):
        if not item.link:
            yield SourceError(feed_url, f"feed item {n} has no link")
            continue
        if is_known is not None and is_known(item.link):
            yield KnownURL(item.link)
            continue
        try:
            page = fetch_url(client, item.link, options, resolver=resolver)
            if classify(page) != "html":
                raise FetchError("feed item links to another feed, not a page")
        except FetchError as exc:
            yield SourceError(item.link, str(exc))
            continue
        yield from _page_document(
            page, origin=item.link, title=item.title, published=item.published
        )
