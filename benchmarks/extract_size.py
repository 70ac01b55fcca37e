"""Whole-process `frontlines ingest` of one very long text: 1, 5 and 50 MB (issue 12, point 6; `make bench`).

Extraction time and memory should grow linearly with a report's length. This
builds one plain-text report of each size by joining the real reports of
../shared/eval/dev and ../shared/eval/dev-b (and ../shared/examples), read at
run time, in a seeded order, round after round, until the size is reached
(nothing of ../shared is copied into the repository). Each text is ingested
by the real command line in a child process, into a fresh copy of a
workspace with the Afghan provinces, districts and GeoNames places (see
`whole_process.py`):

    frontlines --workspace WS ingest TEXT --max-size SIZE+10

timed from start to exit (interpreter start, imports, reading, extraction,
storing, signing and the timeline recompute all count). The child's peak
resident memory comes from `os.wait4`. A first run ingests one report alone
(start-up, imports, gazetteer): the table gives, beyond it, seconds and
megabytes per MB of text, and the ratio of each size's seconds per MB to the
smallest size's: about 1 when the cost is linear. The targets are a 50 MB
text in under 60 s and 1 GB.

Bounded: a run that takes longer than `--timeout` seconds is stopped and
reported as such. A benchmark, not a test: it prints figures and exits 0
whatever they are (exit 1 only when it cannot run at all).

    .venv/bin/python benchmarks/extract_size.py [--sizes 1,5,50] [--timeout 900] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from whole_process import (
    LAUNCH,
    add_shared_option,
    build_workspace_apart,
    child_environment,
    missing_inputs,
    read_records,
)

TARGET_SECONDS_50MB = 60.0
TARGET_PEAK_MB_50MB = 1024.0
MB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, start to exit
    cpu_seconds: float
    peak_mb: float
    finished: bool  # False: stopped at the timeout
    error: str = ""


def report_texts(shared: Path) -> list[str]:
    """The real reports' texts (the Afghan gold corpora and the example report)."""
    texts = [str(record["text"]).strip() for record in read_records(shared)]
    texts += [p.read_text(encoding="utf-8").strip() for p in sorted((shared / "examples").glob("*.txt"))]
    return [t for t in texts if t]


def write_text(texts: list[str], megabytes: float, path: Path) -> int:
    """One text of at least `megabytes` MB (UTF-8): the reports joined by blank
    lines, round after round, each round in its own seeded order. Its length in characters."""
    rng = random.Random(20211215)
    target = int(megabytes * MB)
    size = chars = 0
    with open(path, "w", encoding="utf-8") as out:
        while size < target:
            order = list(texts)
            rng.shuffle(order)
            for text in order:
                piece = text + "\n\n"
                out.write(piece)
                size += len(piece.encode("utf-8"))
                chars += len(piece)
                if size >= target:
                    break
    return chars


def run_ingest(workspace: Path, text: Path, max_mb: float, env: dict[str, str], timeout: float) -> Run:
    """One whole `frontlines ingest` process, stopped after `timeout` seconds."""
    argv = [sys.executable, "-c", LAUNCH, "--workspace", str(workspace), "ingest", str(text),
            "--max-size", f"{max_mb:g}"]
    with tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=errors, env=env)
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    peak = usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)
    finished = seconds < timeout
    error = "" if child.returncode == 0 or not finished else f"exit {child.returncode}: " + " / ".join(tail)
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak, finished, error)


def stored(workspace: Path) -> tuple[int, int]:
    """(documents, events) in a workspace's database."""
    with sqlite3.connect(workspace / "frontlines.db") as db:
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    return documents, events


def parse_sizes(text: str) -> list[float]:
    try:
        sizes = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes: not a list of numbers: {text!r}") from None
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("--sizes: give positive sizes in MB, e.g. 1,5,50")
    return sorted(sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[1.0, 5.0, 50.0],
                        help="text sizes in MB, comma-separated (default: 1,5,50)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds after which one run is stopped (default: 900)")
    add_shared_option(parser)
    args = parser.parse_args(argv)
    missing = missing_inputs(args.shared)
    if missing:
        print(f"error: {', '.join(map(str, missing))} not found (use --shared)", file=sys.stderr)
        return 1
    if args.timeout <= 0:
        print("error: --timeout must be positive", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="frontlines-size-") as tmp:
        folder = Path(tmp)
        built = folder / "built"
        build_workspace_apart(args.shared, built)
        texts = report_texts(args.shared)
        env = child_environment(folder / "bytecode")
        print(f"frontlines ingest, whole process, of one text joined from {len(texts)} real reports "
              f"({sum(len(t) for t in texts) / 1024:.0f} kB of distinct text), "
              f"on {os.cpu_count()} cores; timeout {args.timeout:g} s a run")
        print(f"{'size':>8} {'chars':>12} {'seconds':>9} {'cpu s':>8} {'peak MB':>8} "
              f"{'+s/MB':>7} {'+cpu/MB':>7} {'+MB/MB':>7} {'ratio':>6} {'events':>7} {'load':>5}")
        workspace = folder / "ws"
        one = folder / "one-report.txt"
        one.write_text(texts[0] + "\n", encoding="utf-8")
        for _ in range(2):  # the first run fills the bytecode cache
            if workspace.exists():
                shutil.rmtree(workspace)
            shutil.copytree(built, workspace)
            base = run_ingest(workspace, one, 1, env, args.timeout)
        print(f"{'1 report':>8} {len(texts[0]):>12,} {base.seconds:9.1f} {base.cpu_seconds:8.1f} "
              f"{base.peak_mb:8.0f} {'':>7} {'':>7} {'':>7} {'':>6} {stored(workspace)[1]:>7} "
              f"{os.getloadavg()[0]:5.1f}")
        first_rate: float | None = None
        results: dict[float, Run] = {}
        for size in args.sizes:
            text = folder / f"report-{size:g}MB.txt"
            chars = write_text(texts, size, text)
            shutil.rmtree(workspace)
            shutil.copytree(built, workspace)
            load = os.getloadavg()[0]
            run = run_ingest(workspace, text, size + 10, env, args.timeout)
            text.unlink()
            results[size] = run
            # Beyond the start-up of a one-report ingest: what the text's length costs.
            rate = max(run.seconds - base.seconds, 0.0) / size
            first_rate = first_rate or rate or 1.0
            documents, events = stored(workspace) if run.finished and not run.error else (0, 0)
            shown = f"{run.seconds:9.1f}" if run.finished else f"{'>' + format(args.timeout, 'g'):>9}"
            print(f"{size:>6g}MB {chars:>12,} {shown} {run.cpu_seconds:8.1f} {run.peak_mb:8.0f} "
                  f"{rate:7.2f} {(run.cpu_seconds - base.cpu_seconds) / size:7.2f} "
                  f"{(run.peak_mb - base.peak_mb) / size:7.1f} {rate / first_rate:6.2f} "
                  f"{events:>7} {load:5.1f}")
            if run.error:
                print(f"  failed: {run.error}")
            elif run.finished and documents != 1:
                print(f"  expected 1 stored document, found {documents}")
        largest = max(results)
        run = results[largest]
        if largest >= 50:
            met = run.finished and not run.error and run.seconds < TARGET_SECONDS_50MB \
                and run.peak_mb < TARGET_PEAK_MB_50MB
            print(f"target for {largest:g} MB: < {TARGET_SECONDS_50MB:g} s and "
                  f"< {TARGET_PEAK_MB_50MB:g} MB: {'met' if met else 'NOT met'} "
                  f"({run.seconds:.1f} s, {run.peak_mb:.0f} MB; load {os.getloadavg()[0]:.1f} "
                  f"on {os.cpu_count()} cores at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
