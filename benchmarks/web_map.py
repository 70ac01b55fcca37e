"""The web map in a real browser: time from navigation to the map drawn (issue 13; `make bench`).

Builds a throw-away workspace like `make demo`'s (the Afghan provinces and
districts, the GeoNames places, the example report and the dev corpus
ingested), serves it with `frontlines serve` in a child process, and opens
the page in Debian's chromium through Playwright, a fresh browser context
(empty cache) each time. It reads the page's own `frontlines:map-drawn`
performance mark: milliseconds from the start of navigation to the units
painted in their colours for the day (the chart and the rest of the sidebar
come after). The first load is the server's first request: `frontlines
serve` prepares the map's polygons and the front line's coverage before it
listens (`map_shapes.prepare_map`), but every API answer is still computed
then for the first time. The others are warm (answers kept per data
version). Also printed: how long the server took from its start to
answering. Target: both the first load and the warm median under 1.5 s.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(1 when ../shared or chromium is missing).

    .venv/bin/python benchmarks/web_map.py [--shared ../shared] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from whole_process import add_shared_option

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
TARGET_SECONDS = 1.5
LAUNCH = "import sys; from frontlines.cli import main; sys.argv[0] = 'frontlines'; sys.exit(main())"


def frontlines(workspace: Path, *argv: str) -> None:
    """One frontlines command in a child process, as a user runs it."""
    done = subprocess.run([sys.executable, "-c", LAUNCH, "--workspace", str(workspace), *argv],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"frontlines {' '.join(argv)} failed:\n{done.stderr.strip()}")


def build_demo(shared: Path, workspace: Path) -> None:
    """The Afghan half of `make demo`."""
    frontlines(workspace, "init")
    frontlines(workspace, "gazetteer", "import", str(shared / "geo"))
    frontlines(workspace, "gazetteer", "add-places")
    frontlines(workspace, "ingest", str(shared / "examples"),
               str(shared / "eval" / "dev" / "corpus.jsonl"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(workspace: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """`frontlines serve` in a child process, once it answers; and seconds it took to."""
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-c", LAUNCH, "--workspace", str(workspace),
                               "serve", "--port", str(port)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server, time.perf_counter() - started
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.05)


def time_loads(url: str, runs: int) -> list[float]:
    """Seconds from navigation to the map drawn, one fresh browser context per load."""
    from playwright.sync_api import sync_playwright

    found: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector("body[data-map-drawn='true']", timeout=60_000)
                found.append(page.evaluate(
                    "performance.getEntriesByName('frontlines:map-drawn')[0].startTime") / 1000)
                context.close()
        finally:
            browser.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--runs", type=int, default=8,
                        help="Loads of the page (the first is the server's first request)")
    args = parser.parse_args()
    if not (args.shared / "geo").is_dir():
        print(f"{args.shared}/geo is missing: nothing to benchmark", file=sys.stderr)
        return 1
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing ('make install' puts it there)", file=sys.stderr)
        return 1
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="frontlines-bench-web-") as folder:
        workspace = Path(folder) / "demo"
        started = time.perf_counter()
        build_demo(args.shared, workspace)
        print(f"demo-like workspace built in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server, ready = serve(workspace, port)
        try:
            times = time_loads(f"http://127.0.0.1:{port}/", max(1, args.runs))
        finally:
            server.terminate()
            server.wait(timeout=30)
    first, warm = times[0], times[1:]
    print(f"web map, navigation to map drawn (chromium, 1600x1000, load average {load:.1f} "
          f"on {os.cpu_count()} cores):")
    print(f"  server ready (start to first answer, map prepared): {ready:.2f} s")
    print(f"  first load after the server started: {first:.2f} s")
    if warm:
        print(f"  warm: median {statistics.median(warm):.2f} s, best {min(warm):.2f} s, "
              f"worst {max(warm):.2f} s over {len(warm)} loads")
    worst = max(first, statistics.median(warm)) if warm else first
    verdict = "within" if worst < TARGET_SECONDS else "over"
    print(f"  target {TARGET_SECONDS:.1f} s (first load and warm median): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
