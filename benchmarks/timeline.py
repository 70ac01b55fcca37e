"""Timeline speed (issue 4; run by `make bench`).

Builds a throw-away workspace with 399 districts in 34 provinces and 10,000
stored events from 2,000 reports (a quarter of them copies of a few wire
stories), then times:

- a full recompute (`recompute_all`): first with every report still to be
  signed for the copy clusters (MinHash), then again with signatures cached —
  target under 10 s;
- `control` for one day over the 399 districts (the freshness check the
  command makes first, plus the query) — target under 1 s — and at level 1;
- the incremental path for one new report (`recompute_documents`).

The units are synthetic (P-code-like ids): the engine reads nothing but ids
and names, and generating them keeps the benchmark free of the boundary
files. Events are random but seeded, so every run times the same work.

A benchmark, not a test: it prints figures and exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from frontlines.models import Document, Event, Evidence, Place
from frontlines.store import Workspace, add_document, replace_events, upsert_places
from frontlines.timeline_store import (
    control,
    recompute_all,
    recompute_documents,
    timeline_is_fresh,
)

PROVINCES = 34
DISTRICTS = 399
KINDS = ("capture", "capture", "capture", "siege", "clash", "clash", "recapture", "withdrawal",
         "surrender")
CERTAINTIES = ("confirmed", "reported", "reported", "claimed", "unverified", "denied")
SIDES = ("government", "taliban", "unnamed", "independent")
OUTLETS = tuple(f"outlet{i}.example" for i in range(40))


def district_ids() -> list[str]:
    ids = []
    for i in range(DISTRICTS):
        province = i % PROVINCES + 1
        ids.append(f"AF{province:02d}{i // PROVINCES + 1:02d}")
    return ids


def build(root: Path, n_events: int, per_report: int, rng: random.Random) -> Workspace:
    ws = Workspace.init(root / "ws", "afghanistan-2021")
    units = district_ids()
    start = ws.profile.start_date
    wires = [" ".join(f"wire{w}word{k}" for k in range(120)) for w in range(25)]
    with ws.begin() as conn:
        upsert_places(conn, [Place(f"AF{p:02d}", f"Province {p}", "admin1", admin1=f"AF{p:02d}")
                             for p in range(1, PROVINCES + 1)])
        upsert_places(conn, [Place(u, f"District {u}", "admin2", parent_id=u[:4], admin1=u[:4],
                                   admin2=u) for u in units])
        for r in range(n_events // per_report):
            doc_id = f"doc{r:05d}"
            text = (wires[r % len(wires)] + f" copy {r}" if r % 4 == 0
                    else " ".join(f"r{r}w{rng.randrange(10_000)}" for _ in range(150)))
            published = start + timedelta(days=rng.randrange(120))
            add_document(conn, Document(id=doc_id, text=text, content_hash=f"h{r}",
                                        outlet=rng.choice(OUTLETS),
                                        published=published.isoformat()))
            replace_events(conn, doc_id, [random_event(rng, units, published, doc_id, k)
                                          for k in range(per_report)])
    return ws


def random_event(rng: random.Random, units: list[str], published: date, doc_id: str,
                 index: int) -> Event:
    unit = rng.choice(units)
    actor = rng.choice(("taliban", "taliban", "government"))
    day = published - timedelta(days=rng.randrange(5))
    return Event(kind=rng.choice(KINDS), actor=actor,
                 opponent="government" if actor == "taliban" else "taliban",
                 place_id=unit, place_name=f"District {unit}", admin1=unit[:4], admin2=unit,
                 date=day.isoformat(), certainty=rng.choice(CERTAINTIES),
                 source_side=rng.choice(SIDES), negated=rng.random() < 0.05,
                 source="a spokesman",
                 evidence=Evidence(doc_id, f"Sentence {index} about {unit}.", index * 50,
                                   index * 50 + 30))


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    durations = []
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = func()
        durations.append(time.perf_counter() - began)
    return statistics.median(durations), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--per-report", type=int, default=5)
    args = parser.parse_args(argv)
    rng = random.Random(20210815)
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        ws = build(Path(tmp), args.events, args.per_report, rng)
        print(f"setup: {args.events} events in {args.events // args.per_report} reports, "
              f"{DISTRICTS} districts ({time.perf_counter() - began:.1f} s, not timed)")
        profile = ws.profile

        def full() -> int:
            with ws.begin() as conn:
                return recompute_all(conn, profile)

        first, _ = timed(full)
        again, units = timed(full, repeat=3)
        print(f"full recompute, signing every report first: {first:.2f} s")
        print(f"full recompute of {args.events} events ({units} units): {again:.2f} s "
              f"(target < 10 s: {'met' if again < 10 else 'NOT met'})")

        day = profile.start_date + timedelta(days=90)

        def control_command() -> int:
            with ws.connect() as conn:
                assert timeline_is_fresh(conn, profile)
                return len(control(conn, profile, day))

        def query_only() -> int:
            with ws.connect() as conn:
                return len(control(conn, profile, day))

        def provinces() -> int:
            with ws.connect() as conn:
                return len(control(conn, profile, day, level=1))

        answer, rows = timed(control_command, repeat=5)
        query, _ = timed(query_only, repeat=5)
        level1, n_provinces = timed(provinces, repeat=5)
        print(f"control --date {day} over {rows} districts: {answer * 1000:.0f} ms "
              f"(freshness check + query; the query alone {query * 1000:.0f} ms; "
              f"target < 1 s: {'met' if answer < 1 else 'NOT met'})")
        print(f"control --level 1 ({n_provinces} provinces): {level1 * 1000:.0f} ms")

        def one_more_report() -> int:
            doc_id = f"new{rng.randrange(10**9)}"
            published = profile.start_date + timedelta(days=60)
            with ws.begin() as conn:
                add_document(conn, Document(id=doc_id, text=f"A new report {doc_id} " * 20,
                                            content_hash=doc_id, outlet="new.example",
                                            published=published.isoformat()))
                replace_events(conn, doc_id, [random_event(rng, district_ids(), published,
                                                           doc_id, k) for k in range(5)])
                return len(recompute_documents(conn, profile, [doc_id]))

        incremental, touched = timed(one_more_report, repeat=3)
        print(f"incremental recompute after one new report ({touched} units): "
              f"{incremental * 1000:.0f} ms")
        ws.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
