"""Whole-process `frontlines ingest` of new, unique, real-length reports (issue 11, point 5; `make bench`).

Builds a throw-away workspace with the real Afghan provinces and districts
(OCHA COD-AB, from ../shared/geo) and the GeoNames populated places, and a
corpus JSONL of `--reports` new reports made from the real ones of
../shared/eval/dev and ../shared/eval/dev-b, read at run time (nothing of
../shared is copied into the repository). Each report joins the opening
paragraphs of one real report to the closing paragraphs of another (a
seeded choice), so every report is of real length and real wording, its
content hash is its own, and the copy detector (MinHash) sees mostly distinct
stories rather than 2,000 copies of 138. Each has its own id and URL.

It then runs the real command line in a child process, for each run on a
fresh copy of the workspace (so every report is new to it),

    frontlines --workspace WS ingest CORPUS

and times it from start to exit: interpreter start, imports, gazetteer and
model load, extraction, the write transactions and the timeline recompute all
count, as they do for a user. The child's peak resident memory comes from
`os.wait4` (the workspace is built in a process of its own so that this one
stays small). It checks that every report was stored.
The target is >= 150 reports/second.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(exit 1 only when it cannot run at all), so a slow machine never fails a build.
    .venv/bin/python benchmarks/ingest_whole_process.py [--reports N] [--runs 3] [--shared ../shared]
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from whole_process import (
    CORPORA,
    LAUNCH,
    build_workspace_apart,
    child_environment,
    parse_arguments,
    read_records,
)

TARGET_REPORTS_PER_SECOND = 150


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, start to exit
    cpu_seconds: float
    peak_mb: float
    output: str




def paragraphs(record: dict[str, object]) -> list[str]:
    return [p for p in str(record["text"]).split("\n\n") if p.strip()]


def new_report(records: list[dict[str, object]], n: int, rng: random.Random) -> dict[str, object]:
    """Report `n`: the opening of one real report and the close of another, about as long."""
    first, second = rng.sample(records, 2)
    head, tail = paragraphs(first), paragraphs(second)
    cut = max(1, (len(head) + 1) // 2)
    text = "\n\n".join(head[:cut] + tail[len(tail) // 2:])
    return {"id": f"w{n:05d}", "url": f"https://wire.example/{n:05d}",
            "published": first.get("published"), "outlet": first.get("outlet"),
            "title": first.get("title"), "text": f"{text}\n\nRef. FLW-{n:06d}"}


def write_corpus(records: list[dict[str, object]], count: int, path: Path) -> int:
    """`count` new reports recombined from `records` (seeded); their words."""
    rng = random.Random(20211101)
    words = 0
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            record = new_report(records, n, rng)
            words += len(str(record["text"]).split())
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words



def fresh_copy(workspace: Path, target: Path) -> Path:
    """A copy of the built workspace, so that every run ingests into the same empty store."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(workspace, target)
    return target


def run_ingest(workspace: Path, corpus: Path, env: dict[str, str],
               options: Sequence[str] = ()) -> Run:
    """One whole `frontlines ingest [options]` process: wall seconds, cpu (its worker
    processes' included) and peak RSS (of the largest of its processes)."""
    return run_child([sys.executable, "-c", LAUNCH, "--workspace", str(workspace), "ingest",
                      str(corpus), *options], env, "frontlines ingest")


def run_child(argv: Sequence[str], env: dict[str, str], what: str) -> Run:
    """One child process, timed from start to exit, its CPU and peak RSS from `os.wait4`;
    exits (with the end of its stderr) when the child fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        child = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=errors,
                                 env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise SystemExit(f"{what} exited with {code}:\n" + "\n".join(tail))
        out.seek(0)
        output = out.read().decode("utf-8", "replace").strip()
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak, output)


def stored(workspace: Path) -> tuple[int, int, int]:
    """(documents, events, timeline intervals) in a workspace's database."""
    with sqlite3.connect(workspace / "frontlines.db") as db:
        return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[return-value]
                     for table in ("documents", "events", "timeline_intervals"))


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(
        __doc__ or "", argv, reports_help="new reports", runs=3, runs_help="timed runs"
    )
    if args is None:
        return 1

    with tempfile.TemporaryDirectory(prefix="frontlines-bench-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        built = folder / "built"
        build_workspace_apart(args.shared, built)
        records = read_records(args.shared)
        corpus = folder / "corpus.jsonl"
        words = write_corpus(records, args.reports, corpus)
        print(f"frontlines ingest, whole process: {args.reports:,} new reports recombined from "
              f"the {len(records)} of {' + '.join(CORPORA)} (each with its own id, URL and "
              f"text), {words:,} words, {corpus.stat().st_size / 1e6:.1f} MB")
        print(f"python {platform.python_version()} on {os.cpu_count()} CPUs; setup (workspace, "
              f"gazetteer import, corpus; not timed): {time.perf_counter() - began:.1f} s")
        env = child_environment(folder / "bytecode")
        warm = folder / "warm.jsonl"
        write_corpus(records, 1, warm)
        run_ingest(fresh_copy(built, folder / "warm"), warm, env)  # fills the bytecode cache
        runs = []
        for i in range(args.runs):
            workspace = fresh_copy(built, folder / "ws")
            run = run_ingest(workspace, corpus, env)
            documents, events, intervals = stored(workspace)
            runs.append(run)
            print(f"run {i + 1}: {run.seconds:6.2f} s  {args.reports / run.seconds:6.1f} reports/s  "
                  f"peak {run.peak_mb:4.0f} MB  (cpu {run.cpu_seconds:.2f} s); stored "
                  f"{documents} documents, {events} events, {intervals} timeline intervals")
            if documents != args.reports:
                print(f"error: {documents} of {args.reports} reports stored:\n{run.output}",
                      file=sys.stderr)
                return 1
        print(f"last run said: {' / '.join(runs[-1].output.splitlines())}")

    seconds = statistics.median(r.seconds for r in runs)
    rate = args.reports / seconds
    print(f"median: {seconds:.2f} s = {rate:.1f} reports/s ({1000 * seconds / args.reports:.2f} "
          f"ms/report); peak memory {max(r.peak_mb for r in runs):.0f} MB")
    if hasattr(os, "getloadavg"):
        print(f"load average now {os.getloadavg()[0]:.2f} (other work on this machine slows the runs)")
    print(f"target >= {TARGET_REPORTS_PER_SECOND} reports/s: "
          f"{'met' if rate >= TARGET_REPORTS_PER_SECOND else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
