"""Extraction throughput in one process (issue 3, point 5; run by `make bench`).

Repeats ../shared/eval/dev/corpus.jsonl until there are at least `--reports`
reports, extracts events from all of them in this one process and prints
reports/second, words/second and milliseconds per report. The target is
≥ 200 reports/second on the project's 2-core machine.

Only extraction is timed. Building the throw-away workspace and gazetteer,
reading the corpus and constructing the extractor are setup: they happen once
per run in real use too, and timing them would make the figure depend on the
boundary files rather than the extractor.

A benchmark, not a test: it prints figures and exits 0 whatever they are
(exit 1 only when it cannot run at all), so a slow machine never fails a build.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whole_process import add_shared_option

from frontlines.models import Document
from frontlines.profile import Profile

BOUNDARIES = ("afg_admbnda_adm1_agcho_20180522.zip", "afg_admbnda_adm2_agcho_20180522.zip")
TARGET_REPORTS_PER_SECOND = 200


def setup_gazetteer(shared: Path, workdir: Path) -> tuple[Any, Profile]:
    """A temporary workspace with the dev corpus's gazetteer: provinces, districts, places.

    The only code here that touches the gazetteer and store APIs, so a change
    of names there is a change in this one function.
    """
    from frontlines.places.boundaries import import_boundaries
    from frontlines.places.workspace import add_places, load_gazetteer
    from frontlines.store import Workspace, upsert_places

    workspace = Workspace.init(workdir / "workspace")
    with workspace.begin() as conn:
        for name in BOUNDARIES:
            upsert_places(conn, import_boundaries(shared / "geo" / name))
        add_places(conn, workspace.profile)
    with workspace.connect() as conn:
        return load_gazetteer(conn, workspace.profile), workspace.profile


def make_extractor(name: str, gazetteer: Any, profile: Profile) -> Any:
    """The extractor component (anything with `extract(Document) -> list[Event]`)."""
    from frontlines.extract import get_extractor

    return get_extractor(name, gazetteer, profile)


def load_reports(corpus: Path, at_least: int) -> tuple[list[Document], int]:
    """The corpus repeated whole until there are `at_least` reports; also the distinct count.

    Copies get their own ids (`a004.2`) so nothing keyed on the id can
    shortcut a repeat; their text is the same, as with wire-story copies.
    """
    from frontlines.extract import read_corpus

    originals = list(read_corpus(corpus))
    if not originals:
        raise SystemExit(f"{corpus}: no reports")
    rounds = max(1, math.ceil(at_least / len(originals)))
    reports = [
        doc if n == 0 else dataclasses.replace(doc, id=f"{doc.id}.{n + 1}")
        for n in range(rounds)
        for doc in originals
    ]
    return reports, len(originals)


def time_extraction(extractor: Any, reports: Sequence[Document]) -> tuple[float, int]:
    """Seconds spent extracting every report, and how many events came out."""
    events = 0
    start = time.perf_counter()
    for doc in reports:
        events += len(extractor.extract_batch([doc])[0])
    return time.perf_counter() - start, events


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000,
                        help="extract at least this many reports (default: 2000)")
    add_shared_option(parser)
    parser.add_argument("--extractor", default="staged.v1", help="extractor name")
    args = parser.parse_args(argv)
    corpus = args.shared / "eval" / "dev" / "corpus.jsonl"
    if not corpus.is_file():
        print(f"error: {corpus} not found (use --shared)", file=sys.stderr)
        return 1

    setup_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="frontlines-bench-") as tmp:
        gazetteer, profile = setup_gazetteer(args.shared, Path(tmp))
        extractor = make_extractor(args.extractor, gazetteer, profile)
        reports, distinct = load_reports(corpus, args.reports)
        words = sum(len(doc.text.split()) for doc in reports)
        setup_seconds = time.perf_counter() - setup_start
        seconds, events = time_extraction(extractor, reports)

    per_second = len(reports) / seconds if seconds else math.inf
    print(f"extractor {args.extractor}: {len(reports):,} reports "
          f"({distinct} distinct, repeated {len(reports) // distinct}x), "
          f"{words:,} words, one process")
    print(f"setup (workspace, gazetteer, corpus, extractor; not timed): {setup_seconds:.2f} s")
    print(f"extraction: {seconds:.2f} s, {events:,} events")
    print(f"  {per_second:,.1f} reports/second")
    print(f"  {words / seconds if seconds else math.inf:,.0f} words/second")
    print(f"  {1000 * seconds / len(reports):.2f} ms/report")
    verdict = "met" if per_second >= TARGET_REPORTS_PER_SECOND else "NOT met"
    print(f"target >= {TARGET_REPORTS_PER_SECOND} reports/second: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
