"""Serving many clients at once: bounded admission, one shared version probe, cached answers.

`api.create_app` wraps the API in two pieces of ASGI middleware from here:

- `ResponseCache` (outermost): the answers of the routes that depend only on
  the stored data and their query (`CACHED_PATHS`) are kept per *data version*
  (`timeline_store.data_version`, read from the database, so another
  process's writes count). Each is served with `ETag: W/"…"` and
  `Cache-Control: no-cache`; a request whose `If-None-Match` names the current
  version gets 304 without a body. A missing answer is computed once, by the
  first request that wants it, while the others that want it wait for that one
  (no stampede of identical recomputations each time an ingest commits).
- `AdmissionLimit`: at most `limit` requests under `/api` run in the app at a
  time; the others wait, first come first served, at most `wait` seconds and
  at most `queue` of them, and past either bound get 503 with `Retry-After`.

Why the limit: a route holds a pooled database connection while it moves
between threadpool threads, so once every thread waited for a connection the
requests holding them could never finish. At about 60 concurrent requests the
server used to deadlock that way (15 connections, 40 threads) and stay dead
for minutes. Admitted requests are now fewer than the pool's connections
(`Workspace.open(connections=…)`), so no request waits on the pool at all, and
waiting happens here, in the event loop, where it costs no thread and is
bounded in time.

The data version is read by `VersionProbe`: one query at a time, whose answer
serves every request that arrived before it started (a request never gets a
version read before it arrived, so it never misses a write that finished
before it was sent).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

log = logging.getLogger("frontlines.api")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CACHED_PATHS = {"/api/places": "places", "/api/meta": "data", "/api/control": "data",
                "/api/summary": "data", "/api/series": "data", "/api/frontline": "data",
                "/api/statements": "data"}
"""GET routes whose answer is a function of the stored data and the query string alone, and
which of the data versions (`timeline_store.data_version`) covers what it shows."""

RETRY_AFTER_SECONDS = 1


async def send_error(send: Send, status: int, message: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """An error answer in the API's format, `{"error": …, "status": …}`."""
    body = json.dumps({"error": message, "status": status}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


async def send_busy(send: Send, message: str) -> None:
    await send_error(send, 503, message, [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())])


class AdmissionLimit:
    """ASGI middleware: at most `limit` requests under `prefix` in the app at once.

    The others queue (first in, first out) for at most `wait` seconds, and at
    most `queue` may queue: past either bound a request gets 503 with
    `Retry-After`, never an endless wait.
    """

    def __init__(self, app: ASGIApp, limit: int, queue: int, wait: float, prefix: str = "/api"):
        if limit < 1 or queue < 0 or wait <= 0:
            raise ValueError(f"bad admission bounds: limit {limit}, queue {queue}, wait {wait}")
        self.app = app
        self.limit = limit
        self.queue = queue
        self.wait = wait
        self.prefix = prefix
        self.active = 0
        self.waiting = 0
        self._turns: deque[asyncio.Future[None]] = deque()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if not await self._enter():
            await send_busy(send, f"the server is busy (more than {self.queue} requests "
                                  f"waiting, or a wait over {self.wait:g} s): try again")
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    async def _enter(self) -> bool:
        """Take a place in the app; False if the queue is full or the wait runs out."""
        while self._turns and self._turns[0].done():  # requests that gave up waiting
            self._turns.popleft()
        if self.active < self.limit and not self._turns:
            self.active += 1
            return True
        if self.waiting >= self.queue:
            return False
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._turns.append(turn)
        self.waiting += 1
        try:
            async with asyncio.timeout(self.wait):
                await turn
            return True
        except TimeoutError:
            # The place may have been handed over just as the time ran out: then it is ours.
            return turn.done() and not turn.cancelled()
        finally:
            self.waiting -= 1

    def _leave(self) -> None:
        """Hand the place to the first request still waiting, or give it back."""
        while self._turns:
            turn = self._turns.popleft()
            if not turn.done():  # a cancelled one gave up waiting
                turn.set_result(None)
                return
        self.active -= 1


class VersionProbe:
    """The data version, read by one query at a time on behalf of every waiting request.

    `current()` answers with a read that started after it was called: a query
    already running when a request arrives might predate a write the client
    saw finish, so the request waits for the next one, which then serves
    everyone who arrived meanwhile. Under load that is one query per batch of
    requests instead of one per request; alone, a request costs one query.
    """

    def __init__(self, read: Callable[[], dict[str, str]], timeout: float):
        self.read = read
        self.timeout = timeout
        self._next: asyncio.Future[dict[str, str]] | None = None
        self._runner: asyncio.Task[None] | None = None

    async def current(self) -> dict[str, str]:
        """The data versions as of now (TimeoutError after `timeout` s; the read's errors)."""
        loop = asyncio.get_running_loop()
        if self._next is not None and self._next.get_loop() is not loop:
            self._next = self._runner = None  # left by an event loop that has ended
        if self._next is None:
            self._next = loop.create_future()
            # Nobody may be waiting any more when it fails: never an unretrieved exception.
            self._next.add_done_callback(lambda f: f.cancelled() or f.exception())
            if self._runner is None or self._runner.done():
                self._runner = asyncio.create_task(self._run())
        async with asyncio.timeout(self.timeout):
            return await asyncio.shield(self._next)

    async def _run(self) -> None:
        while self._next is not None:
            wanted, self._next = self._next, None
            try:
                value = await anyio.to_thread.run_sync(self.read)
            except Exception as exc:
                wanted.set_exception(exc)
            else:
                wanted.set_result(value)


@dataclass(frozen=True)
class Answer:
    """A whole response, as the app sent it."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


class ResponseCache:
    """ASGI middleware: answers of `paths` kept per data version, with `ETag` and 304.

    Keyed on the path, the query string as sent and whether the client takes
    gzip (the app compresses the large answers); each kept with the version it
    was computed at, and computed again when the version moves on. At most
    `max_bytes` of answers are kept (the oldest go first).
    `salt` (new for each server process) is part of every ETag, so that an
    answer computed by an older program is never taken for a current one.
    """

    def __init__(self, app: ASGIApp, probe: VersionProbe, salt: str,
                 paths: dict[str, str] | None = None, max_bytes: int = 64 * 1024 * 1024,
                 wait: float = 30.0):
        self.app = app
        self.probe = probe
        self.salt = salt
        self.paths = CACHED_PATHS if paths is None else paths
        self.max_bytes = max_bytes
        self.wait = wait
        self.size = 0
        self._answers: dict[tuple[str, bytes, bool], tuple[str, Answer]] = {}
        self._pending: dict[tuple[str, tuple[str, bytes, bool]], asyncio.Future[Answer | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET"
                or scope["path"] not in self.paths):
            await self.app(scope, receive, send)
            return
        try:
            version = (await self.probe.current())[self.paths[scope["path"]]]
        except TimeoutError:
            await send_busy(send, "the database did not answer in time: try again")
            return
        except Exception as exc:
            log.error("reading the data version failed: %s", exc)
            await send_busy(send, f"the database cannot be read ({type(exc).__name__}): try again")
            return
        headers = dict(scope.get("headers") or [])
        takes_gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        key = (scope["path"], scope.get("query_string", b""), takes_gzip)
        etag = f'W/"{self.salt}{version}"'.encode()
        kept = self._answers.get(key)
        answer = kept[1] if kept is not None and kept[0] == version else None
        if answer is None:
            answer = await self._compute(version, key, scope, receive, send)
            if answer is None:
                return  # answered by the app itself (an error, or a wait that ran out)
        if _matches(headers.get(b"if-none-match"), etag):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", etag), (b"cache-control", b"no-cache"),
                                    *[(k, v) for k, v in answer.headers if k.lower() == b"vary"]]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": [*answer.headers, (b"etag", etag), (b"cache-control", b"no-cache")]})
        await send({"type": "http.response.body", "body": answer.body})

    async def _compute(self, version: str, key: tuple[str, bytes, bool], scope: Scope,
                       receive: Receive, send: Send) -> Answer | None:
        """The answer for `key` at `version`, computed once for every request that wants it.

        None when this request was answered directly instead: the app's answer
        was not a 200 (errors are not kept), or another request's computation
        took longer than `wait` seconds.
        """
        pending = self._pending.get((version, key))
        if pending is not None and pending.get_loop() is not asyncio.get_running_loop():
            pending = None  # left by an event loop that has ended
        if pending is not None:
            try:
                async with asyncio.timeout(self.wait):
                    found = await asyncio.shield(pending)
            except TimeoutError:
                found = None
            if found is None:
                await self.app(scope, receive, send)
            return found
        wanted: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        self._pending[(version, key)] = wanted
        answer: Answer | None = None
        try:
            answer, complete = await self._capture(scope, receive)
            if answer.status != 200 or not complete:
                await _replay(answer, send)
                return None
            self._keep(version, key, answer)
            return answer
        finally:
            if self._pending.get((version, key)) is wanted:
                del self._pending[(version, key)]
            wanted.set_result(answer if answer is not None and answer.status == 200 else None)

    async def _capture(self, scope: Scope, receive: Receive) -> tuple[Answer, bool]:
        """Run the app, keeping what it sends: (the answer, whether it was sent whole)."""
        status, headers, chunks, complete = 500, [], [], False

        async def keep(message: Any) -> None:
            nonlocal status, headers, complete
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)

        try:
            await self.app(scope, receive, keep)
        except Exception:
            if not complete:
                raise
            # Starlette sends its 500 answer, then raises again: send the answer.
            log.debug("the app raised after answering", exc_info=True)
        return Answer(status, headers, b"".join(chunks)), complete

    def _keep(self, version: str, key: tuple[str, bytes, bool], answer: Answer) -> None:
        if len(answer.body) > self.max_bytes:
            return
        replaced = self._answers.pop(key, None)
        if replaced is not None:
            self.size -= len(replaced[1].body)
        self._answers[key] = (version, answer)
        self.size += len(answer.body)
        while self.size > self.max_bytes:  # the oldest first
            oldest = next(iter(self._answers))
            self.size -= len(self._answers.pop(oldest)[1].body)


async def _replay(answer: Answer, send: Send) -> None:
    await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
    await send({"type": "http.response.body", "body": answer.body})


def _matches(if_none_match: bytes | None, etag: bytes) -> bool:
    """Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix(b"W/")
    for tag in if_none_match.split(b","):
        tag = tag.strip()
        if tag == b"*" or tag.removeprefix(b"W/") == wanted:
            return True
    return False
