"""The API under load (issue 12, points 1 and 4; `make bench`): many clients, an ingest beside them.

Builds a throw-away workspace as `make demo` does (the Afghan boundaries and
GeoNames places of ../shared/geo, the reports of ../shared/examples and
../shared/eval/dev), starts the real server on it (`frontlines serve`,
uvicorn, in a child process, on a free loopback port) and then:

- load (the default): `--clients` clients (200), each on its own keep-alive
  connection, ask for `/api/control?date=…` (a few dates) and `/api/places`
  in turn, as fast as they are answered, for `--seconds` (30), while
  `frontlines ingest` keeps adding new reports in other processes. It prints
  the requests answered, the errors (a status of 400 or more, a broken
  connection, or no answer within 10 s: a hang), requests per second, the
  50th/95th/99th percentile latency, and the recovery time: how long a single
  request for an answer not yet computed takes from the moment the clients
  stop. Targets on a 2-core machine: 0 errors, p99 < 1 s, >= 200 req/s,
  recovery < 1 s.
- soak (`--soak SECONDS`, e.g. 600): fewer clients (`--clients`, default 20
  here) on a mix of every read route, a writer posting a new report every
  second through `POST /api/documents` with a token (`frontlines token
  create`), and the ingest loop. It prints the server's resident memory (RSS)
  after a warm-up (a tenth of the time, at least 30 s) and at the end, its
  growth (target < 10 %), and the errors (target 0).

The clients speak HTTP/1.1 over asyncio streams directly (a few lines below)
rather than through an HTTP library, so that one process can drive 200
connections without being the bottleneck it measures. Bodies are read whole
and checked against their Content-Length; they are asked for gzipped, as a
browser does.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(1 only when it cannot run at all). Everything stops by itself: the load
after `--seconds`, each request after 10 s, the children at the end.

    .venv/bin/python benchmarks/api_load.py [--clients 200] [--seconds 30] [--soak 600]
        [--postgres SERVER_URL]

With `--postgres` the workspace keeps its data in a new database on that
server (`make bench` runs the load there too, under `.ci/with-postgres`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whole_process import LAUNCH, add_shared_option

REQUEST_TIMEOUT = 10.0
"""A request not answered by then counts as a hang (an error)."""
DATES = ("2021-06-01", "2021-07-15", "2021-08-10", "2021-08-20", "2021-09-10")
"""The days the load asks about (the web app's slider spends most time on a few)."""
FRESH_DATE = "2021-07-01"
"""The day the recovery request asks about: never asked during the load, so not cached."""
SOAK_INGEST_REPORTS = 10
TARGET_P99, TARGET_RATE, TARGET_RECOVERY, TARGET_GROWTH = 1.0, 200.0, 1.0, 0.10


# --- the clients ------------------------------------------------------------------------------


class HttpError(Exception):
    """A broken or malformed answer."""


class Client:
    """One HTTP/1.1 keep-alive connection to the server (opened again after an error)."""

    def __init__(self, port: int):
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        """(status, headers in lower case, body) of one request; HttpError if the connection breaks."""
        try:
            if self.streams is None:
                self.streams = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.streams
            lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                     "Accept-Encoding: gzip", f"Content-Length: {len(body)}",
                     *(f"{k}: {v}" for k, v in (headers or {}).items())]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            found = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    found[name.strip().lower()] = value.strip()
            if found.get("transfer-encoding") == "chunked":
                content = await _read_chunked(reader)
            else:
                content = await reader.readexactly(int(found.get("content-length", "0")))
            if found.get("connection") == "close":
                self.close()
            return status, found, content
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                IndexError) as exc:
            self.close()
            raise HttpError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        parts.append(await reader.readexactly(size + 2))
        if size == 0:
            return b"".join(parts)


@dataclass
class Tally:
    """What the clients saw."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    etags: set[str] = field(default_factory=set)
    slowest: dict[str, float] = field(default_factory=dict)

    def record(self, began: float, status: int | None, error: str | None = None,
               etag: str | None = None, route: str = "") -> None:
        took = time.monotonic() - began
        self.latencies.append(took)
        self.slowest[route] = max(took, self.slowest.get(route, 0.0))
        if status is not None:
            self.statuses[status] += 1
        if error is not None:
            self.errors[error] += 1
        if etag:
            self.etags.add(etag)


async def timed(client: Client, tally: Tally, method: str, path: str,
                headers: dict[str, str] | None = None, body: bytes = b"") -> int | None:
    began = time.monotonic()
    route = f"{method} {path.split('?')[0]}"
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            status, found, content = await client.request(method, path, headers, body)
    except TimeoutError:
        client.close()
        tally.record(began, None, f"no answer in {REQUEST_TIMEOUT:g} s to {route}", route=route)
        return None
    except HttpError as exc:
        tally.record(began, None, f"{str(exc).split(':')[0]} on {route}", route=route)
        return None
    if status >= 400:
        tally.record(began, status, f"HTTP {status} on {route}: {content[:120]!r}", route=route)
    else:
        tally.record(began, status, etag=found.get("etag"), route=route)
    return status


async def reader_client(port: int, paths: Sequence[str], until: float, tally: Tally,
                        seed: int) -> None:
    """One client asking for `paths` in turn (from a random start) until `until`."""
    client = Client(port)
    turn = random.Random(seed).randrange(len(paths))
    while time.monotonic() < until:
        await timed(client, tally, "GET", paths[turn % len(paths)])
        turn += 1
    client.close()


async def writer_client(port: int, token: str, reports: list[dict[str, object]], until: float,
                        tally: Tally) -> int:
    """Post a new report every second until `until`; return how many were stored."""
    client, stored, number = Client(port), 0, 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while time.monotonic() < until:
        began = time.monotonic()
        record = variant(reports[number % len(reports)], f"api{number}")
        number += 1
        status = await timed(client, tally, "POST", "/api/documents", headers,
                             json.dumps(record).encode())
        stored += status == 201
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    client.close()
    return stored


# --- the workspace, the server and the ingest beside it ---------------------------------------------


def frontlines(workspace: Path, *args: str) -> str:
    """Run the command line in a child process; its standard output (SystemExit if it fails)."""
    done = subprocess.run([sys.executable, "-c", LAUNCH, "--workspace", str(workspace), *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"frontlines {' '.join(args)} failed:\n{done.stderr.strip()[-2000:]}")
    return done.stdout


def build_workspace(shared: Path, path: Path, database: str | None) -> None:
    """The demo's Afghan workspace: boundaries, places and the example and dev reports
    (in `database`, which the workspace records, or in its own SQLite file)."""
    frontlines(path, *(("--database", database) if database else ()), "init")
    frontlines(path, "gazetteer", "import", str(shared / "geo"))
    frontlines(path, "gazetteer", "add-places")
    frontlines(path, "ingest", str(shared / "examples"), str(shared / "eval" / "dev" / "corpus.jsonl"))


def read_feed(shared: Path) -> list[dict[str, object]]:
    """The reports the ingest and the writer add (as new copies): those of eval/dev-b."""
    with open(shared / "eval" / "dev-b" / "corpus.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def variant(record: dict[str, object], tag: str) -> dict[str, object]:
    """A new report from a real one: its own id, URL and text (so never a duplicate)."""
    copy = dict(record)
    copy["id"] = f"{record['id']}-{tag}"
    copy["text"] = f"{record['text']}\n\n(Filed again as {tag}.)"
    if record.get("url"):
        copy["url"] = f"{record['url']}#{tag}"
    return copy


async def ingest_loop(workspace: Path, feed: list[dict[str, object]], folder: Path,
                      stop: asyncio.Event, per_run: int) -> tuple[int, int]:
    """`frontlines ingest` of `per_run` new reports at a time, one child after another,
    until `stop`: (runs finished, reports added)."""
    runs = added = 0
    while not stop.is_set():
        corpus = folder / f"feed-{runs}.jsonl"
        chosen = [feed[(runs * per_run + n) % len(feed)] for n in range(per_run)]
        corpus.write_text("".join(json.dumps(variant(r, f"ingest{runs}")) + "\n" for r in chosen),
                          encoding="utf-8")
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", LAUNCH, "--workspace", str(workspace), "ingest", str(corpus),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = await child.communicate()
        text = out.decode(errors="replace")
        if child.returncode != 0:
            print(f"  (an ingest failed: {text.strip()[-300:]})")
        added += next((int(line.split()[1].rstrip(",")) for line in text.splitlines()
                       if line.startswith("added ")), 0)
        runs += 1
    return runs, added


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`frontlines serve` on a free loopback port, in a child process."""

    def __init__(self, workspace: Path, log: Path):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "--workspace", str(workspace), "serve",
             "--host", "127.0.0.1", "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=log.open("w"), stderr=subprocess.STDOUT)

    async def ready(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, _, _ = await Client(self.port).request("GET", "/api/meta")
                if status == 200:
                    return
            except HttpError:
                pass
            await asyncio.sleep(0.2)
        raise SystemExit(f"the server did not start:\n{self.log.read_text()[-2000:]}")

    def rss_mb(self) -> float:
        """The server's resident memory now, in MB (Linux: /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- the two runs -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def print_tally(tally: Tally, seconds: float) -> None:
    lat = tally.latencies
    print(f"  requests {len(lat)}, errors {sum(tally.errors.values())}"
          + (f" ({', '.join(f'{k}: {n}' for k, n in tally.errors.most_common())})"
             if tally.errors else ""))
    print(f"  {len(lat) / seconds:.0f} req/s; latency p50 {percentile(lat, 0.50) * 1000:.0f} ms, "
          f"p95 {percentile(lat, 0.95) * 1000:.0f} ms, p99 {percentile(lat, 0.99) * 1000:.0f} ms, "
          f"max {max(lat, default=float('nan')) * 1000:.0f} ms")
    print(f"  statuses: {dict(sorted(tally.statuses.items()))}; data versions seen (ETags): "
          f"{len(tally.etags)}")
    slow = sorted(tally.slowest.items(), key=lambda item: -item[1])[:3]
    print(f"  slowest answers: {', '.join(f'{r} {t * 1000:.0f} ms' for r, t in slow)}")


async def recovery(port: int) -> float:
    """Seconds for one request of an answer not yet computed to be answered, from now."""
    began = time.monotonic()
    client = Client(port)
    async with asyncio.timeout(120):
        while True:
            try:
                status, _, _ = await client.request("GET", f"/api/control?date={FRESH_DATE}")
                if status == 200:
                    return time.monotonic() - began
            except HttpError:
                pass
            await asyncio.sleep(0.05)


async def load_run(server: Server, workspace: Path, feed: list[dict[str, object]], folder: Path,
                   clients: int, seconds: float) -> None:
    paths = [p for d in DATES for p in (f"/api/control?date={d}", "/api/places")]
    stop = asyncio.Event()
    ingesting = asyncio.create_task(ingest_loop(workspace, feed, folder, stop, len(feed)))
    await asyncio.sleep(1.0)  # the first ingest child is starting
    tally = Tally()
    began = time.monotonic()
    until = began + seconds
    load = [asyncio.create_task(reader_client(server.port, paths, until, tally, n))
            for n in range(clients)]
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    recovered = await recovery(server.port)  # while the last requests drain
    await asyncio.gather(*load)
    elapsed = time.monotonic() - began
    stop.set()
    runs, added = await ingesting
    print(f"load: {clients} clients for {seconds:g} s on /api/control (dates {', '.join(DATES)}) "
          f"and /api/places, while ingesting ({runs} ingest runs, {added} reports added)")
    print_tally(tally, elapsed)
    print(f"  recovery: a request for a new answer took {recovered * 1000:.0f} ms after the load "
          f"stopped")
    rate = len(tally.latencies) / elapsed
    ok = (not tally.errors and percentile(tally.latencies, 0.99) < TARGET_P99
          and rate >= TARGET_RATE and recovered < TARGET_RECOVERY)
    print(f"  targets (0 errors, p99 < {TARGET_P99:g} s, >= {TARGET_RATE:.0f} req/s, recovery < "
          f"{TARGET_RECOVERY:g} s): {'met' if ok else 'NOT met'}")


def soak_paths(document_ids: list[str]) -> list[str]:
    """A mix of every read route, as the web app and scripts use them."""
    paths = ["/api/meta", "/api/places", "/api/places?level=1&format=geojson",
             "/api/series", "/api/statements?date=2021-08-15", "/api/changes?since=2021-08-01",
             "/api/events?page=1&page_size=50", "/api/places/AF1905/timeline",
             "/api/frontline?date=2021-08-01"]
    for day in DATES:
        paths += [f"/api/control?date={day}", f"/api/summary?date={day}"]
    paths += [f"/api/documents/{d}" for d in document_ids[:10]]
    return paths


async def soak_run(server: Server, workspace: Path, feed: list[dict[str, object]], folder: Path,
                   clients: int, seconds: float) -> None:
    token = frontlines(workspace, "token", "create", "--name", "soak").strip().splitlines()[0]
    listed = json.loads(frontlines(workspace, "documents", "list", "--format", "json"))
    paths = soak_paths([str(d["id"]) for d in listed])
    stop = asyncio.Event()
    # Small ingests, one after another (as `frontlines watch` makes them): a run of all of
    # eval/dev-b holds the database's write lock for seconds, which the writer would wait out.
    ingesting = asyncio.create_task(ingest_loop(workspace, feed, folder, stop, SOAK_INGEST_REPORTS))
    tally = Tally()
    began = time.monotonic()
    until = began + seconds
    tasks = [asyncio.create_task(reader_client(server.port, paths, until, tally, n))
             for n in range(clients)]
    writing = asyncio.create_task(writer_client(server.port, token, feed, until, tally))
    warm = min(seconds, max(30.0, seconds / 10))
    await asyncio.sleep(warm)
    after_warm_up = server.rss_mb()
    samples = [after_warm_up]
    while time.monotonic() < until:
        await asyncio.sleep(min(10.0, max(0.0, until - time.monotonic())))
        samples.append(server.rss_mb())
    await asyncio.gather(*tasks)
    posted = await writing
    stop.set()
    runs, added = await ingesting
    at_end = server.rss_mb()
    elapsed = time.monotonic() - began
    growth = at_end / after_warm_up - 1
    print(f"soak: {seconds:g} s of {clients} readers on {len(paths)} read URLs, a writer "
          f"({posted} reports posted) and {runs} ingest runs ({added} reports added)")
    print_tally(tally, elapsed)
    print(f"  server RSS: {after_warm_up:.0f} MB after {warm:g} s of warm-up, {at_end:.0f} MB at the "
          f"end ({growth:+.1%}), peak {max(samples):.0f} MB")
    ok = not tally.errors and growth < TARGET_GROWTH
    print(f"  targets (0 errors, RSS growth < {TARGET_GROWTH:.0%}): {'met' if ok else 'NOT met'}")


async def run(args: argparse.Namespace, database: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="frontlines-api-load-") as name:
        folder = Path(name)
        workspace = folder / "ws"
        began = time.monotonic()
        build_workspace(args.shared, workspace, database)
        feed = read_feed(args.shared)
        print(f"{'PostgreSQL' if database else 'SQLite'} workspace built in "
              f"{time.monotonic() - began:.0f} s; load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        server = Server(workspace, folder / "server.log")
        try:
            await server.ready()
            if args.soak:
                await soak_run(server, workspace, feed, folder, args.clients or 20, args.soak)
            else:
                await load_run(server, workspace, feed, folder, args.clients or 200, args.seconds)
        finally:
            server.stop()
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        errors = [line for line in (folder / "server.log").read_text().splitlines()
                  if "Traceback" in line or " 500 " in line]
        if errors:
            print(f"  the server logged {len(errors)} errors, e.g. {errors[0]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=None,
                        help="concurrent clients (default: 200; with --soak, 20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load (30)")
    parser.add_argument("--soak", type=float, default=None, metavar="SECONDS",
                        help="run the soak instead, for this long (e.g. 600)")
    add_shared_option(parser)
    parser.add_argument("--postgres", metavar="SERVER_URL", default=None,
                        help="keep the workspace in a new database on this PostgreSQL server "
                             "(dropped at the end) instead of SQLite")
    args = parser.parse_args(argv)
    if not (args.shared / "geo").is_dir() or not (args.shared / "eval" / "dev-b").is_dir():
        print(f"error: {args.shared} has no geo/ or eval/dev-b/ (use --shared)", file=sys.stderr)
        return 1
    if (args.clients is not None and args.clients < 1) or args.seconds <= 0 or (
            args.soak is not None and args.soak <= 0):
        print("error: --clients, --seconds and --soak must be positive", file=sys.stderr)
        return 1
    from timeline import databases  # the PostgreSQL databases of the timeline benchmark

    with databases(args.postgres) as new_database:
        asyncio.run(run(args, new_database()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
