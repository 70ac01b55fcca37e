"""Peak memory of every whole-process command on a store of 100,000 events (issue 11, point 5; `make bench`).

The target: no command needs more than 1 GB while the store holds 100,000
events. The store is built in three steps, none of them timed:

1. a workspace with the real Afghan provinces, districts and GeoNames places
   (built in a child process, `whole_process.build_workspace_apart`);
2. a real ingest of `--reports` new reports recombined from the gold corpora
   (as `ingest_whole_process.py` makes them), through the command line;
3. copies of those documents under new ids, each copy carrying the events its
   original gave (ids, evidence and all renamed), until the store holds
   `--events` events; then a full timeline recompute. Copying keeps the real
   mix of places, dates, kinds and sentence lengths at any size without
   extracting 25,000 reports first. Each copy's text differs by a line, so
   the copy detector clusters the copies as a wire story's reprints, which
   is what the timeline must cope with at scale.

Then each command below runs as its own child process on that store, and its
peak resident memory comes from `os.wait4`: an ingest of `--reports` more new
reports, `control`, `summary --series`, `changes`, `explain`, `events`,
`export control --format geojson`, `export events`, `map` and `chart`. Step 3 runs in a child
too, so the recompute's own peak is reported as well.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(exit 1 only when it cannot run at all).
    .venv/bin/python benchmarks/store_memory.py [--events 100000] [--reports 2000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ingest_whole_process import run_child, stored, write_corpus
from whole_process import (
    LAUNCH,
    add_shared_option,
    build_workspace_apart,
    child_environment,
    missing_inputs,
    read_records,
)

TARGET_MB = 1024
QUERY_DAY = "2021-08-01"


def grow_store(workspace: Path, target_events: int) -> None:
    """Step 3, run in a child process: copy documents and their events up to `target_events`."""
    from frontlines.models import Evidence
    from frontlines.sources.documents import content_hash
    from frontlines.store import (
        Workspace,
        add_document,
        count_events,
        iter_documents,
        query_events,
        replace_events,
    )
    from frontlines.timeline_store import recompute_all

    ws = Workspace.open(workspace)
    with ws.connect() as conn:
        originals = list(iter_documents(conn))
        by_document: dict[str, list] = {}
        for event in query_events(conn):
            by_document.setdefault(event.evidence.document_id, []).append(event)
        total = count_events(conn)
    if total == 0:
        raise SystemExit("the real ingest stored no events: nothing to copy")
    copy_number = 0
    while total < target_events:
        copy_number += 1
        with ws.begin() as conn:
            for doc in originals:
                found = by_document.get(doc.id, [])
                if not found:
                    continue
                text = f"{doc.text}\n\nReprint {copy_number}."
                clone = replace(doc, id=f"{doc.id}-r{copy_number}", text=text,
                                content_hash=content_hash(text), url=None)
                if not add_document(conn, clone):
                    continue
                renamed = [replace(ev, id=None, evidence=Evidence(
                    clone.id, ev.evidence.sentence, ev.evidence.start, ev.evidence.end))
                    for ev in found]
                replace_events(conn, clone.id, renamed[: target_events - total])
                total += min(len(renamed), target_events - total)
                if total >= target_events:
                    break
    began = time.perf_counter()
    with ws.begin() as conn:
        recompute_all(conn, ws.profile)
    print(f"{time.perf_counter() - began:.1f}")
    ws.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events in the store (default: 100000)")
    parser.add_argument("--reports", type=int, default=2000,
                        help="new reports in the real ingests (default: 2000)")
    add_shared_option(parser)
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the store in this new folder and keep it (to profile commands on it)")
    parser.add_argument("--grow", nargs=2, metavar=("WORKSPACE", "EVENTS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.grow:  # what the child of step 3 runs
        grow_store(Path(args.grow[0]), int(args.grow[1]))
        return 0
    missing = missing_inputs(args.shared)
    if missing:
        print(f"error: {', '.join(map(str, missing))} not found (use --shared)", file=sys.stderr)
        return 1
    if args.events < 1 or args.reports < 2:
        print("error: --events must be at least 1 and --reports at least 2", file=sys.stderr)
        return 1

    if args.keep is not None and args.keep.exists():
        print(f"error: {args.keep} exists; --keep wants a new folder", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="frontlines-bench-") as tmp:
        folder = Path(tmp)
        workspace = args.keep.resolve() if args.keep is not None else folder / "ws"
        env = child_environment(folder / "bytecode")
        frontlines = [sys.executable, "-c", LAUNCH, "--workspace", str(workspace)]
        began = time.perf_counter()
        build_workspace_apart(args.shared, workspace)
        records = read_records(args.shared)
        first, second = folder / "first.jsonl", folder / "second.jsonl"
        write_corpus(records, 2 * args.reports, first)
        lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
        first.write_text("".join(lines[: args.reports]), encoding="utf-8")
        second.write_text("".join(lines[args.reports:]), encoding="utf-8")
        run_child([*frontlines, "ingest", str(first)], env, "the first ingest")
        grow = [sys.executable, __file__, "--grow", str(workspace), str(args.events)]
        grown = run_child(grow, env, "growing the store")
        documents, stored_events, _ = stored(workspace)
        size_mb = sum(p.stat().st_size for p in workspace.iterdir() if p.is_file()) / 1e6
        print(f"store: {stored_events:,} events from {documents:,} documents ({size_mb:.0f} MB on "
              f"disk), built in {time.perf_counter() - began:.0f} s (not timed); "
              f"python on {os.cpu_count()} CPUs")
        print(f"{'command':<44} {'seconds':>8} {'peak MB':>8}")
        rows = [("copy events and recompute the timeline (library)", grown.seconds, grown.peak_mb)]
        print(f"{rows[0][0]:<44} {float(grown.output or 0):8.1f} {grown.peak_mb:8.0f}   "
              f"(seconds: the full recompute alone)")
        commands = [
            (f"ingest {args.reports:,} new reports", ["ingest", str(second)]),
            ("control --date (a day, every district)", ["control", "--date", QUERY_DAY]),
            ("summary --series", ["summary", "--series"]),
            ("changes --since", ["changes", "--since", "2021-07-01"]),
            ("explain Kunduz", ["explain", "Kunduz", "--date", QUERY_DAY]),
            ("events --format json (all)", ["events", "--format", "json"]),
            ("export control --format geojson",
             ["export", "control", "--date", QUERY_DAY, "--format", "geojson",
              "--out", str(folder / "control.geojson")]),
            ("export events --format csv (all)",
             ["export", "events", "--format", "csv", "--out", str(folder / "events.csv")]),
            ("map", ["map", "--date", QUERY_DAY, "--out", str(folder / "map.png")]),
            ("chart", ["chart", "--out", str(folder / "chart.png")]),
        ]
        for label, command in commands:
            run = run_child([*frontlines, *command], env, label)
            rows.append((label, run.seconds, run.peak_mb))
            print(f"{label:<44} {run.seconds:8.1f} {run.peak_mb:8.0f}")
        documents, stored_events, _ = stored(workspace)
        worst = max(rows, key=lambda row: row[2])
        print(f"after the second ingest the store holds {stored_events:,} events from "
              f"{documents:,} documents")
        print(f"largest peak: {worst[2]:.0f} MB ({worst[0]}); target < {TARGET_MB} MB: "
              f"{'met' if worst[2] < TARGET_MB else 'NOT met'}")
        if hasattr(os, "getloadavg"):
            print(f"load average now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
