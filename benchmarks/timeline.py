"""Timeline speed (issues 4 and 9; run by `make bench`).

Builds a throw-away workspace with 399 districts in 34 provinces and 10,000
stored events from 2,000 reports (a quarter of them copies of a few wire
stories), with the inference rules at work: one event in twenty is about a
whole province, each province's first district is its capital, the national
capital falls near the end and a few reports say the government collapsed.
Then times:

- a full recompute (`recompute_all`): first with every report still to be
  signed for the copy clusters (MinHash), then again with signatures cached —
  target under 10 s;
- `control` for one day over the 399 districts (the freshness check the
  command makes first, plus the query) — target under 50 ms — and at level 1;
- the incremental path for one new report (`recompute_documents`), and for
  one about a whole province;
- importing a 399-row baseline CSV (`import_baseline`: reading, checking
  every row, storing, recomputing the districts it names) — target under
  1 s — into a workspace of the 399 districts with no events, and into the
  10,000-event one.

On PostgreSQL (`--postgres SERVER_URL`: `make bench` runs it beside a
throw-away server, `.ci/with-postgres`) the same work is timed in databases
made on that server; the target for `control` there is under 100 ms.

The units are synthetic (P-code-like ids): the engine reads nothing but ids
and names, and generating them keeps the benchmark free of the boundary
files. Events are random but seeded, so every run times the same work.

A benchmark, not a test: it prints figures and exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from frontlines.models import Document, Event, Evidence, Place
from frontlines.places.workspace import CAPITALS_META_KEY
from frontlines.store import (
    Workspace,
    add_document,
    database_url,
    make_engine,
    replace_events,
    set_meta,
    upsert_places,
)
from frontlines.timeline_store import (
    control,
    import_baseline,
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
AREA_SHARE = 0.05
"""The share of events about a whole province (inferred for its districts)."""


def district_ids() -> list[str]:
    ids = []
    for i in range(DISTRICTS):
        province = i % PROVINCES + 1
        ids.append(f"AF{province:02d}{i // PROVINCES + 1:02d}")
    return ids


CONSONANTS = "bdfglmnrst"


def district_name(unit: str) -> str:
    """A made-up name, distinct under any name folding (three of ten consonants)."""
    number = district_ids().index(unit)
    return "".join(CONSONANTS[int(d)] + "a" for d in f"{number:03d}").capitalize()


def build(root: Path, n_events: int, per_report: int, rng: random.Random,
          with_events: bool = True, database: str | None = None) -> Workspace:
    ws = Workspace.init(root / "ws", "afghanistan-2021", database=database)
    units = district_ids()
    start = ws.profile.start_date
    wires = [" ".join(f"wire{w}word{k}" for k in range(120)) for w in range(25)]
    with ws.begin() as conn:
        upsert_places(conn, [Place(f"AF{p:02d}", f"Province {p}", "admin1", admin1=f"AF{p:02d}")
                             for p in range(1, PROVINCES + 1)])
        upsert_places(conn, [Place(u, district_name(u), "admin2", parent_id=u[:4],
                                   admin1=u[:4], admin2=u) for u in units])
        set_meta(conn, CAPITALS_META_KEY, json.dumps({f"AF{p:02d}": f"AF{p:02d}01"
                                                      for p in range(1, PROVINCES + 1)}))
        if not with_events:
            return ws
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
        # The national capital falls, and the government is reported gone.
        fall = start + timedelta(days=105)
        for r in range(3):
            doc_id = f"fall{r}"
            add_document(conn, Document(id=doc_id, text=f"The capital fell {r} " * 30,
                                        content_hash=doc_id, outlet=f"fall{r}.example",
                                        published=fall.isoformat()))
            replace_events(conn, doc_id, [
                Event(kind="capture", actor="taliban", place_id="AF0101", place_name="Capital",
                      admin1="AF01", admin2="AF0101", date=fall.isoformat(),
                      evidence=Evidence(doc_id, "The capital fell.", 0, 17)),
                Event(kind="collapse", actor="government", place_id="AF", place_name="Country",
                      date=fall.isoformat(), geo_precision=3,
                      evidence=Evidence(doc_id, "The president fled.", 20, 39))])
    return ws


def random_event(rng: random.Random, units: list[str], published: date, doc_id: str,
                 index: int) -> Event:
    unit = rng.choice(units)
    actor = rng.choice(("taliban", "taliban", "government"))
    day = published - timedelta(days=rng.randrange(5))
    if rng.random() < AREA_SHARE:  # about a whole province
        return Event(kind=rng.choice(KINDS), actor=actor, place_id=unit[:4],
                     place_name=f"Province {unit[:4]}", admin1=unit[:4], geo_precision=3,
                     date=day.isoformat(), certainty=rng.choice(CERTAINTIES),
                     source_side=rng.choice(SIDES), source="a spokesman",
                     evidence=Evidence(doc_id, f"Sentence {index} about {unit[:4]}.", index * 50,
                                       index * 50 + 30))
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


@contextmanager
def databases(server: str | None) -> Iterator[Callable[[], str | None]]:
    """Hands out a new database for each workspace: on the PostgreSQL `server` (all
    dropped at the end), or None (the workspace folder's SQLite file)."""
    if server is None:
        yield lambda: None
        return
    url = database_url(server)
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new() -> str:
        made.append(f"frontlines_bench_{len(made)}")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{made[-1]}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{made[-1]}"')
        return url.set(database=made[-1]).render_as_string(hide_password=False)

    try:
        yield new
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--per-report", type=int, default=5)
    parser.add_argument("--postgres", metavar="SERVER_URL", default=None,
                        help="time the workspaces in databases made on this PostgreSQL server")
    args = parser.parse_args(argv)
    rng = random.Random(20210815)
    target = 0.1 if args.postgres else 0.05
    with tempfile.TemporaryDirectory() as tmp, databases(args.postgres) as new_database:
        began = time.perf_counter()
        ws = build(Path(tmp), args.events, args.per_report, rng, database=new_database())
        backend = ws.database.get_backend_name()
        print(f"[{backend}] setup: {args.events} events in {args.events // args.per_report} "
              f"reports, {DISTRICTS} districts ({time.perf_counter() - began:.1f} s, not timed)")
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
        print(f"[{backend}] control --date {day} over {rows} districts, inference on: "
              f"{answer * 1000:.0f} ms (freshness check + query; the query alone "
              f"{query * 1000:.0f} ms; target < {target * 1000:.0f} ms on {backend}: "
              f"{'met' if answer < target else 'NOT met'})")
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

        def one_province_report() -> int:
            doc_id = f"province{rng.randrange(10**9)}"
            published = profile.start_date + timedelta(days=60)
            with ws.begin() as conn:
                add_document(conn, Document(id=doc_id, text=f"A province report {doc_id} " * 20,
                                            content_hash=doc_id, outlet="new.example",
                                            published=published.isoformat()))
                replace_events(conn, doc_id, [Event(
                    kind="capture", actor="taliban", place_id="AF07", place_name="Province 7",
                    admin1="AF07", geo_precision=3, date=published.isoformat(),
                    evidence=Evidence(doc_id, "The whole province fell.", 0, 24))])
                return len(recompute_documents(conn, profile, [doc_id]))

        province, reached = timed(one_province_report, repeat=3)
        print(f"incremental recompute after a report about a whole province ({reached} units): "
              f"{province * 1000:.0f} ms")

        csv_path = Path(tmp) / "baseline-399.csv"
        write_baseline_csv(csv_path, profile.start_date)
        busy = timed_import(ws, csv_path)
        empty = build(Path(tmp) / "empty", 0, 1, rng, with_events=False, database=new_database())
        fresh = timed_import(empty, csv_path)
        print(f"baseline import of {DISTRICTS} rows (read, check every row, store, recompute): "
              f"{fresh:.2f} s into a workspace of {DISTRICTS} districts and no events, "
              f"{busy:.2f} s into the {args.events}-event one "
              f"(target < 1 s: {'met' if max(fresh, busy) < 1 else 'NOT met'})")
        ws.engine.dispose()
        empty.engine.dispose()
    return 0


def write_baseline_csv(path: Path, day: date) -> None:
    """399 rows, half by unit id and half by name, of the states a start map might give."""
    lines = ["unit,state,date,source"]
    for i, unit in enumerate(district_ids()):
        state = ("taliban", "government", "government", "contested")[i % 4]
        lines.append(f"{unit if i % 2 else district_name(unit)},{state},{day},benchmark map")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed_import(ws: Workspace, path: Path) -> float:
    """Seconds to import the baseline file (its own transaction), then take it back out."""
    from frontlines.timeline_store import remove_baseline

    began = time.perf_counter()
    with ws.begin() as conn:
        found = import_baseline(conn, ws.profile, path)
    seconds = time.perf_counter() - began
    with ws.begin() as conn:
        remove_baseline(conn, ws.profile, found.id)
    return seconds


if __name__ == "__main__":
    sys.exit(main())
