"""Whole-process `frontlines extract --corpus` speed and memory (issue 8, point 6; run by `make bench`).

Builds a throw-away workspace with the real Afghan provinces and districts
(OCHA COD-AB, from ../shared/geo) and the GeoNames populated places, and a
corpus JSONL of `--reports` real-length reports made by repeating
../shared/eval/dev and ../shared/eval/dev-b. Each copy has its own id
(`a004.2`) and its own text (a trailing reference line), so nothing keyed on
the id or the text can shortcut a repeat. Workspace and corpus live in a
temporary folder only.

It then runs the real command line in a child process,

    frontlines --workspace WS extract --corpus CORPUS --format jsonl > /dev/null

and times it from start to exit: interpreter start, imports, gazetteer load
and model load all count, as they do for a user. Bytecode is cached, as for
an installed program (an untimed first run fills a cache in the temporary
folder). The child's peak resident memory comes from `os.wait4`; Linux counts
the parent's resident size at the fork in a child's peak, so the workspace is
built in a process of its own and this one stays small (it imports nothing of
frontlines). Three runs over the whole corpus give reports/second (reports ÷
wall seconds), ms/report and peak MB; runs over one report show the fixed
start-up cost, and its share of the whole.
The target is ≥ 250 reports/second with a peak under 500 MB.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(exit 1 only when it cannot run at all), so a slow machine never fails a build.
    .venv/bin/python benchmarks/extract_whole_process.py [--reports N] [--runs 3] [--shared ../shared]
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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

TARGET_REPORTS_PER_SECOND = 250
TARGET_PEAK_MB = 500


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, start to exit
    cpu_seconds: float  # user + system: less disturbed than the wall clock by other work
    peak_mb: float




def write_corpus(records: list[dict[str, object]], count: int, path: Path) -> int:
    """`count` reports cycling through `records`, each with a unique id and text; their words."""
    words = 0
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            record = dict(records[n % len(records)])
            copy = n // len(records)
            if copy:
                record["id"] = f"{record['id']}.{copy + 1}"
            record["text"] = f"{record['text']}\n\nRef. FLB-{n:06d}"
            words += len(str(record["text"]).split())
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words



def run_extract(workspace: Path, corpus: Path, env: dict[str, str]) -> Run:
    """One whole `frontlines extract --corpus` process: wall seconds and its own peak RSS."""
    argv = [sys.executable, "-c", LAUNCH, "--workspace", str(workspace),
            "extract", "--corpus", str(corpus), "--format", "jsonl"]
    with tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=errors, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise SystemExit(f"frontlines extract exited with {child.returncode}:\n" + "\n".join(tail))
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)  # KiB / bytes
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak)


def own_peak_mb() -> float:
    """This process's peak resident size: a floor under every child's reported peak."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(
        __doc__ or "", argv, reports_help="reports in the corpus", runs=3,
        runs_help="timed runs over the corpus",
    )
    if args is None:
        return 1

    with tempfile.TemporaryDirectory(prefix="frontlines-bench-") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        workspace = folder / "ws"
        build_workspace_apart(args.shared, workspace)
        records = read_records(args.shared)
        corpus, single = folder / "corpus.jsonl", folder / "one.jsonl"
        words = write_corpus(records, args.reports, corpus)
        write_corpus(records, 1, single)
        print(f"frontlines extract --corpus, whole process: {args.reports:,} reports "
              f"({len(records)} distinct from {' + '.join(CORPORA)}, each copy with its own id "
              f"and text), {words:,} words, {corpus.stat().st_size / 1e6:.1f} MB")
        print(f"python {platform.python_version()} on {os.cpu_count()} CPUs; setup (workspace, "
              f"gazetteer import, corpus; not timed): {time.perf_counter() - began:.1f} s; "
              f"this process {own_peak_mb():.0f} MB")
        env = child_environment(folder / "bytecode")
        run_extract(workspace, single, env)  # not timed: fills the bytecode and disk caches
        startup = [run_extract(workspace, single, env) for _ in range(args.runs)]
        start_s = statistics.median(r.seconds for r in startup)
        print(f"start-up (1 report), {args.runs} runs: "
              + ", ".join(f"{r.seconds:.2f} s" for r in startup)
              + f"; median {start_s:.2f} s (cpu {statistics.median(r.cpu_seconds for r in startup):.2f} s), "
              f"peak {max(r.peak_mb for r in startup):.0f} MB")
        runs = []
        for i in range(args.runs):
            run = run_extract(workspace, corpus, env)
            runs.append(run)
            print(f"run {i + 1}: {run.seconds:6.2f} s  {args.reports / run.seconds:6.1f} reports/s  "
                  f"{1000 * run.seconds / args.reports:5.2f} ms/report  peak {run.peak_mb:4.0f} MB  "
                  f"(cpu {run.cpu_seconds:.2f} s)")

    seconds = statistics.median(r.seconds for r in runs)
    peak = max(r.peak_mb for r in runs)
    rate = args.reports / seconds
    print(f"median: {seconds:.2f} s = {rate:.1f} reports/s, {1000 * seconds / args.reports:.2f} ms/report, "
          f"{words / seconds:,.0f} words/s; peak memory {peak:.0f} MB; "
          f"cpu {statistics.median(r.cpu_seconds for r in runs):.2f} s")
    steady = seconds - start_s
    marginal = (args.reports - 1) / steady if steady > 0 else math.inf
    print(f"start-up share: {start_s:.2f} s of {seconds:.2f} s = {100 * start_s / seconds:.0f}%; "
          f"after start-up {1000 * steady / max(args.reports - 1, 1):.2f} ms/report "
          f"({marginal:.1f} reports/s)")
    if hasattr(os, "getloadavg"):
        print(f"load average now {os.getloadavg()[0]:.2f} (other work on this machine slows the runs)")
    speed = "met" if rate >= TARGET_REPORTS_PER_SECOND else "NOT met"
    memory = "met" if peak < TARGET_PEAK_MB else "NOT met"
    print(f"target >= {TARGET_REPORTS_PER_SECOND} reports/s: {speed}; "
          f"target peak < {TARGET_PEAK_MB} MB: {memory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
