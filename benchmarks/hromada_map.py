"""The map at the hromada with the front line (issue 10; run by `make bench`).

Builds a throw-away Ukraine workspace from ../shared/geo/ukraine (27 oblasts,
138 raions, 1,472 hromadas, the GeoNames settlements) with the ukraine-dev
reports ingested, then times `frontlines map --frontline` at the hromada
level (1,482 units with Crimea's raions standing in), and the front line
alone:

- cold: the first map of a workspace, which simplifies the units as a
  coverage and finds every pair of neighbours' shared boundary (then kept in
  `cache/` beside the database) — target under 10 s;
- from the cache file, as every later `frontlines map` process does;
- the front line of one day once the coverage is loaded (what
  `GET /api/frontline` costs the web app per day).

A benchmark, not a test: it prints figures and exits 0 whatever they are
(1 when ../shared is missing).

    .venv/bin/python benchmarks/hromada_map.py [--shared ../shared] [--date 2022-11-15]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from whole_process import add_shared_option

from frontlines.cli import main as cli_main
from frontlines.outputs.frontline import forget_coverages, frontline
from frontlines.render import render_map
from frontlines.store import Workspace
from frontlines.timeline_store import ensure_timeline

TARGET_SECONDS = 10.0


def run(*argv: str) -> None:
    """One frontlines command, in this process, as the command line runs it."""
    sys.argv = ["frontlines", *argv]
    try:
        cli_main()
    except SystemExit as exc:
        if exc.code:
            raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_shared_option(parser)
    parser.add_argument("--date", default="2022-11-15", help="the day to draw")
    args = parser.parse_args(argv)
    geo, corpus = args.shared / "geo" / "ukraine", args.shared / "eval" / "ukraine-dev" / "corpus.jsonl"
    if not geo.is_dir() or not corpus.exists():
        print(f"error: {geo} or {corpus} not found (use --shared)", file=sys.stderr)
        return 1
    day = date.fromisoformat(args.date)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ws"
        started = time.perf_counter()
        run("--workspace", str(path), "init", "--profile", "ukraine-2022")
        run("--workspace", str(path), "gazetteer", "import", str(geo))
        run("--workspace", str(path), "ingest", str(corpus))
        print(f"setup (import the Ukrainian boundaries and settlements, ingest the reports): "
              f"{time.perf_counter() - started:.1f} s")
        ws = Workspace.open(path)
        with ws.begin() as conn:
            ensure_timeline(conn, ws.profile)
        timings = []
        for label in ("cold, building the coverage", "from the cache file"):
            forget_coverages()
            with ws.connect() as conn:
                started = time.perf_counter()
                drawn = render_map(conn, ws.profile, day, Path(tmp) / "map.png", frontline=True)
                seconds = time.perf_counter() - started
            timings.append(seconds)
            line = drawn.frontline
            km = sum(s.length_km for s in line.segments) if line else 0.0
            print(f"map --frontline at the hromada ({drawn.units} units, front line {km:,.0f} km), "
                  f"{label}: {seconds:.2f} s")
        with ws.connect() as conn:
            started = time.perf_counter()
            for _ in range(10):
                frontline(conn, ws.profile, day)
            per_day = (time.perf_counter() - started) / 10
        print(f"front line of one day, coverage loaded (GET /api/frontline): {per_day * 1000:.0f} ms")
        verdict = "met" if max(timings) < TARGET_SECONDS else "MISSED"
        print(f"target: map at the hromada with the front line under {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
