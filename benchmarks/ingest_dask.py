"""`frontlines ingest --dask local:N`: what 2 Dask workers gain (issue 11, point 4; `make bench`).

The same workspace and corpus as `ingest_whole_process.py` (the real Afghan
districts, 2,000 new real-length reports recombined from ../shared/eval/dev
and dev-b), the same whole-process timing of the real command line, run as

    frontlines --workspace WS ingest CORPUS --workers 0          (extraction in the main process)
    frontlines --workspace WS ingest CORPUS                      (the default: worker processes)
    frontlines --workspace WS ingest CORPUS --dask local:1       (a LocalCluster of one worker)
    frontlines --workspace WS ingest CORPUS --dask local:2       (… of two)

each on a fresh copy of the workspace. The speed-up is local:2 over local:1
(what a second Dask worker adds) and over --workers 0. Starting the cluster
(worker processes, their imports) is in the time, as it is for a user. Every
run must store the same events as the first: the check is a hash of the
events table.

This machine has few cores (often 2): with two workers beside the main
process, which reads, writes and recomputes the timeline, the workers share
the cores with it, so the speed-up here is a floor; on a cluster each worker
has its own machine.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(exit 1 only when it cannot run at all).
    .venv/bin/python benchmarks/ingest_dask.py [--reports N] [--runs 2] [--shared ../shared]
"""

from __future__ import annotations

import hashlib
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ingest_whole_process import fresh_copy, run_ingest, write_corpus
from whole_process import build_workspace_apart, child_environment, parse_arguments, read_records

SETUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("--workers 0", ("--workers", "0")),
    ("(default)", ()),
    ("--dask local:1", ("--dask", "local:1")),
    ("--dask local:2", ("--dask", "local:2")),
)


def events_digest(workspace: Path) -> tuple[int, str]:
    """(events, a hash of every stored event row in id order)."""
    digest = hashlib.sha256()
    with sqlite3.connect(workspace / "frontlines.db") as db:
        rows = db.execute("SELECT * FROM events ORDER BY id").fetchall()
    for row in rows:
        digest.update(repr(row).encode())
    return len(rows), digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(
        __doc__ or "", argv, reports_help="new reports", runs=2, runs_help="timed runs of each setup"
    )
    if args is None:
        return 1
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("error: dask.distributed is not installed (make install)", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="frontlines-bench-") as tmp:
        folder = Path(tmp)
        built = folder / "built"
        build_workspace_apart(args.shared, built)
        records = read_records(args.shared)
        corpus = folder / "corpus.jsonl"
        write_corpus(records, args.reports, corpus)
        print(f"frontlines ingest on Dask, whole process: {args.reports:,} new real-length reports; "
              f"python {platform.python_version()} on {os.cpu_count()} CPUs")
        env = child_environment(folder / "bytecode")
        warm = folder / "warm.jsonl"
        write_corpus(records, 1, warm)
        run_ingest(fresh_copy(built, folder / "warm"), warm, env)  # fills the bytecode cache
        medians: dict[str, float] = {}
        reference: tuple[int, str] | None = None
        for label, options in SETUPS:
            times = []
            for _ in range(args.runs):
                workspace = fresh_copy(built, folder / "ws")
                began = time.perf_counter()
                run = run_ingest(workspace, corpus, env, options)
                times.append(time.perf_counter() - began)
                found = events_digest(workspace)
                reference = reference or found
                same = "same events" if found == reference else "DIFFERENT EVENTS"
                print(f"{label:<16} {run.seconds:6.2f} s  {args.reports / run.seconds:6.1f} reports/s  "
                      f"cpu {run.cpu_seconds:5.1f} s  peak {run.peak_mb:4.0f} MB  "
                      f"{found[0]} events ({same})")
                if found != reference:
                    print("error: the events differ from the first run's", file=sys.stderr)
                    return 1
            medians[label] = statistics.median(times)

    one, two, serial = medians["--dask local:1"], medians["--dask local:2"], medians["--workers 0"]
    print(f"speed-up of 2 Dask workers: x{one / two:.2f} over 1 Dask worker, "
          f"x{serial / two:.2f} over extraction in the main process "
          f"({args.reports / two:.1f} vs {args.reports / one:.1f} vs {args.reports / serial:.1f} "
          "reports/s, medians)")
    print(f"the default (local worker processes, no Dask): {args.reports / medians['(default)']:.1f} "
          f"reports/s, x{serial / medians['(default)']:.2f} over --workers 0")
    if hasattr(os, "getloadavg"):
        print(f"load average now {os.getloadavg()[0]:.2f} (other work on this machine slows the runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
