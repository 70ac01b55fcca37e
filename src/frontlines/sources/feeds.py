"""Following RSS/Atom feeds: poll each on a schedule and ingest what is new (`frontlines watch`).

Each round polls every feed that is due with a conditional GET: the ETag and
Last-Modified the feed last sent go back as If-None-Match and
If-Modified-Since, so an unchanged feed costs one 304 and no parsing. A feed
that changed is parsed and its items go through the same path as
`frontlines ingest` (`ingest.ingest_items`): pages already held (by URL) are
not downloaded again, new ones are stored in batches with their events and
the timeline is recomputed once per batch.

A feed that fails (no answer, an HTTP error, not a feed) backs off: it is
polled again after `every × 2^failures` (at most `MAX_BACKOFF_SECONDS`), or
later if the server's Retry-After asks for more, while the other feeds go on.
A success resets it. A dead link inside a feed costs that page only.

Fetching goes through `fetch.py`, with its limits and its refusal of
loopback and private addresses unless `FetchOptions.allow_private` (the
`--allow-private` flag) says otherwise. The validators and back-off live in
memory: a restarted watcher downloads each feed once more, and finds its
pages already held.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from ..store import Workspace
from .documents import SourceError
from .fetch import (
    FeedItem,
    FetchError,
    FetchOptions,
    classify,
    fetch_url,
    is_url,
    make_client,
    parse_feed,
    read_feed_items,
)
from .ingest import (
    DocumentHook,
    IngestInterrupted,
    IngestStopped,
    IngestSummary,
    ingest_items,
    url_known,
)

# The longest a failing feed is left alone before it is tried again.
MAX_BACKOFF_SECONDS = 24 * 3600.0

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class FeedListError(ValueError):
    """A feed list that cannot be read, or a line of it that is no feed URL."""


def parse_interval(text: str) -> float:
    """Seconds in `30s`, `10m`, `1.5h`, `1d` or a bare number of seconds; > 0."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"not an interval: {text!r} (say 30s, 10m, 2h or 1d)")
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"the interval must be more than nothing, not {text!r}")
    return seconds


def format_interval(seconds: float) -> str:
    """`45s`, `10m`, `2h 5m`: a wait as a person says it."""
    if seconds < 60:
        return f"{seconds:.0f}s" if seconds >= 1 else f"{seconds:.1f}s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest}m" if rest else f"{hours}h"


def read_feed_list(path: Path) -> list[str]:
    """The feed URLs in a text file: one a line; blank lines and `#` comments are skipped.

    A line that is not an http(s) URL is refused with its line number, and a
    URL listed twice is polled once.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError) as exc:
        raise FeedListError(f"cannot read the feed list {path}: {exc}") from exc
    feeds: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not text:
            continue
        if not is_url(text):
            raise FeedListError(f"{path}:{number}: not an http(s) URL: {text!r}")
        if text not in feeds:
            feeds.append(text)
    if not feeds:
        raise FeedListError(f"{path}: no feed URLs in it")
    return feeds


@dataclass
class FeedState:
    """What the watcher remembers of one feed between rounds."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # in a row
    next_poll: float = 0.0  # on the watcher's clock: not before then

    def validators(self) -> dict[str, str]:
        """The headers of a conditional GET: what the feed last said it was."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


PollOutcome = Literal["changed", "not modified", "failed", "backing off"]


@dataclass(frozen=True)
class FeedPoll:
    """One feed in one round: what its server answered."""

    url: str
    outcome: PollOutcome
    items: int = 0  # items in the feed, when it changed
    error: str | None = None
    retry_in: float | None = None  # when failed or backing off: seconds to its next poll

    def describe(self) -> str:
        if self.outcome == "changed":
            return f"{self.url}: {self.items} items"
        if self.outcome == "not modified":
            return f"{self.url}: not modified"
        wait = f"next poll in {format_interval(self.retry_in or 0)}"
        if self.outcome == "failed":
            return f"{self.url}: {self.error} (backing off, {wait})"
        return f"{self.url}: backing off ({wait})"


@dataclass
class Round:
    """What one round did: each feed's poll and what was ingested from them."""

    number: int
    started: float  # time.time() at its start
    polls: list[FeedPoll]
    summary: IngestSummary
    events: int = 0  # stored by this round

    def count(self, outcome: PollOutcome) -> int:
        return sum(1 for p in self.polls if p.outcome == outcome)

    def headline(self) -> str:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))
        feeds = ", ".join(f"{self.count(o)} {o}" for o in
                          ("changed", "not modified", "failed", "backing off") if self.count(o))
        return (f"{stamp} round {self.number}: {len(self.polls)} feeds ({feeds}); "
                f"{self.summary.headline()}; events {self.events}")


@dataclass
class WatchSummary:
    """All the rounds of a watch, until it was stopped."""

    rounds: int = 0
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    events: int = 0
    interrupted: bool = False
    last: list[Round] = field(default_factory=list)  # the latest round, if any

    def headline(self) -> str:
        return (f"{self.rounds} rounds: added {self.added}, duplicates {self.duplicates}, "
                f"failed {self.failed}; events {self.events}")


class Watcher:
    """Polls a list of feeds round after round and ingests what is new.

    `on_document` is the ingest hook (`pipeline.StoreExtraction` for events;
    its `events` count, if it has one, is read for each round's figure).
    `clock` is the monotonic clock that back-off is measured on.
    """

    def __init__(
        self,
        workspace: Workspace,
        feeds: Sequence[str],
        *,
        every: float,
        options: FetchOptions | None = None,
        on_document: DocumentHook | None = None,
        batch_size: int = 100,
        clock: Callable[[], float] = time.monotonic,
    ):
        if every <= 0:
            raise ValueError(f"every must be more than 0 seconds, not {every}")
        self.workspace = workspace
        self.feeds = [FeedState(url) for url in feeds]
        self.every = every
        self.options = options or FetchOptions()
        self.on_document = on_document
        self.batch_size = batch_size
        self.clock = clock
        self.rounds = 0

    def backoff(self, feed: FeedState, retry_after: float | None) -> float:
        """Seconds until a feed that just failed (`feed.failures` times in a row) is polled again."""
        delay = min(self.every * 2 ** feed.failures, max(self.every, MAX_BACKOFF_SECONDS))
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_BACKOFF_SECONDS))
        return delay

    def poll(self, client: httpx.Client, feed: FeedState) -> tuple[FeedPoll, list[FeedItem]]:
        """One conditional GET of one due feed: its poll, and its items if it changed."""
        try:
            fetched = fetch_url(client, feed.url, self.options, headers=feed.validators())
            if fetched.status == 304:
                feed.failures = 0
                return FeedPoll(feed.url, "not modified"), []
            if classify(fetched) != "feed":
                raise FetchError("not a feed (an HTML page)")
            items = parse_feed(fetched.body, fetched.url, fetched.content_type or "application/xml")
        except FetchError as exc:
            delay = self.backoff(feed, exc.retry_after)
            feed.failures += 1
            feed.next_poll = self.clock() + delay
            return FeedPoll(feed.url, "failed", error=str(exc), retry_in=delay), []
        feed.failures = 0
        feed.etag = fetched.headers.get("etag")
        feed.last_modified = fetched.headers.get("last-modified")
        return FeedPoll(feed.url, "changed", items=len(items)), items

    def round(self) -> Round:
        """Poll every due feed once and ingest the new items of those that changed.

        Ctrl-C in the middle raises `IngestInterrupted` (the batch in hand is
        rolled back; its pages are fetched again next time).
        """
        self.rounds += 1
        started = time.time()
        polls: list[FeedPoll] = []
        streams = []
        events_before = getattr(self.on_document, "events", 0)
        with make_client(self.options) as client:
            for feed in self.feeds:
                now = self.clock()
                if feed.next_poll > now:
                    polls.append(FeedPoll(feed.url, "backing off", retry_in=feed.next_poll - now))
                    continue
                poll, items = self.poll(client, feed)
                polls.append(poll)
                if items:
                    streams.append((feed.url, read_feed_items(
                        feed.url, items, self.options, client=client,
                        is_known=lambda url: url_known(self.workspace, url))))
            try:
                summary = ingest_items(self.workspace, streams, on_document=self.on_document,
                                       batch_size=self.batch_size)
            except IngestStopped as exc:
                # The database cannot write now (full, read-only, locked, its server gone):
                # the round ends with the error, and the feeds it read are read whole
                # again next round (no conditional GET), so no item is skipped for good.
                summary = exc.summary
                summary.failed.append(SourceError("database", f"{exc.reason}; this round's "
                                                              "feeds are read again next round"))
                for feed in self.feeds:
                    if any(url == feed.url for url, _ in streams):
                        feed.etag = feed.last_modified = None
        events = getattr(self.on_document, "events", 0) - events_before
        return Round(self.rounds, started, polls, summary, events)

    def run(
        self,
        *,
        rounds: int | None = None,
        on_round: Callable[[Round], None] | None = None,
        stop: threading.Event | None = None,
    ) -> WatchSummary:
        """Round after round, one every `every` seconds, until `rounds` are done, `stop`
        is set or Ctrl-C: then it returns what was done (`interrupted` for Ctrl-C).

        A round that takes longer than `every` is followed by the next at once.
        """
        stop = stop or threading.Event()
        total = WatchSummary()
        try:
            while not stop.is_set() and (rounds is None or total.rounds < rounds):
                began = self.clock()
                try:
                    done = self.round()
                except IngestInterrupted as exc:
                    self._count(total, exc.summary, 0)
                    raise KeyboardInterrupt from None
                self._count(total, done.summary, done.events)
                total.last = [done]
                if on_round is not None:
                    on_round(done)
                if rounds is not None and total.rounds >= rounds:
                    break
                stop.wait(max(0.0, began + self.every - self.clock()))
        except KeyboardInterrupt:
            total.interrupted = True
        return total

    @staticmethod
    def _count(total: WatchSummary, summary: IngestSummary, events: int) -> None:
        total.rounds += 1
        total.added += len(summary.added)
        total.duplicates += len(summary.duplicates)
        total.failed += len(summary.failed)
        total.events += events
