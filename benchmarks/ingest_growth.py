"""Does ingest slow down as the store grows? (review item: ingest rescanned every event).

Builds a throw-away workspace with the real Afghan boundaries (OCHA COD-AB
provinces and districts from ../shared/geo), then ingests generated short
reports through the library's `ingest(...)` with the command line's hook
(`pipeline.StoreExtraction`: extract, store the events, recompute the units
they touch), in two equal batches: the first fills the empty store with N
reports, the second brings it to 2N. It prints the rate of each batch and
their ratio. A per-report cost that grows with the whole store (such as
rehashing every stored event on each ingest) shows as a second batch much
slower than the first. Some slowdown remains by design: recomputing a unit
reads all of that unit's events, and with places drawn at random every
district holds twice as many events in the second batch.

The reports are seeded and short: a headline sentence naming a real district
and a trigger ("captured", "besieged", "retook" ...), a spokesman, a date, and
some filler words so that the copy detector (MinHash) sees distinct texts —
one report in five is a near-copy of an earlier one, as wire stories are.

A benchmark, not a test: it prints figures and exits 0 whatever they are.
    .venv/bin/python benchmarks/ingest_growth.py [--reports N] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from frontlines.pipeline import StoreExtraction
from frontlines.places.workspace import import_boundary_files
from frontlines.sources.ingest import ingest
from frontlines.store import Workspace, events, places
from frontlines.timeline_store import load_intervals, recompute_all

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ("afg_admbnda_adm1_agcho_20180522.zip", "afg_admbnda_adm2_agcho_20180522.zip")
SENTENCES = (
    "The Taliban captured {district} district of {province} province on {weekday}, "
    "{source} said.",
    "Taliban fighters besieged the centre of {district} district in {province} province "
    "on {weekday}, {source} said.",
    "Afghan forces retook {district} district of {province} province from the Taliban "
    "on {weekday}, {source} said.",
    "Government forces and the Taliban clashed heavily in {district} "
    "district of {province} province on {weekday}, according to {source}.",
    "Government forces withdrew from {district} district of {province} province on "
    "{weekday} after days of fighting, {source} said.",
)
SOURCES = ("provincial police spokesman Abdul Rahman", "the Ministry of Defence",
           "Taliban spokesman Zabihullah Mujahid", "a local official who asked not to be named",
           "provincial council member Ahmad Shah")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FILLER = ("residents", "market", "road", "families", "fled", "officials", "security",
          "reinforcements", "airport", "checkpoints", "villages", "highway", "elders",
          "talks", "province", "governor", "police", "army", "casualties", "wounded")


def units(ws: Workspace) -> list[tuple[str, str]]:
    """(district name, province name) of every district."""
    with ws.connect() as conn:
        provinces = dict(conn.execute(select(places.c.id, places.c.name)
                                      .where(places.c.level == "admin1")).all())
        return [(row.name, provinces.get(row.admin1, row.admin1)) for row in conn.execute(
            select(places.c.name, places.c.admin1).where(places.c.level == "admin2")
            .order_by(places.c.id))]


def report(rng: random.Random, index: int, districts: list[tuple[str, str]],
           start: date, earlier: list[dict[str, str]]) -> dict[str, str]:
    published = start + timedelta(days=rng.randrange(110))
    if earlier and rng.random() < 0.2:
        # A wire story's copy: the same text under another outlet, a word changed.
        original = rng.choice(earlier)
        text = original["text"].replace(" said.", " told reporters.", 1)
        return {"id": f"r{index:05d}", "text": text, "published": original["published"],
                "outlet": f"outlet{rng.randrange(30)}.example",
                "title": f"Report {index}", "url": f"https://news.example/{index}"}
    lines = []
    for _ in range(rng.randint(2, 4)):
        district, province = rng.choice(districts)
        lines.append(rng.choice(SENTENCES).format(
            district=district, province=province, weekday=rng.choice(WEEKDAYS),
            source=rng.choice(SOURCES)))
        lines.append(" ".join(rng.choice(FILLER) for _ in range(rng.randint(12, 30))) + ".")
    return {"id": f"r{index:05d}", "text": "\n\n".join(lines), "published": published.isoformat(),
            "outlet": f"outlet{rng.randrange(30)}.example", "title": f"Report {index}",
            "url": f"https://news.example/{index}"}


def ingest_batch(ws: Workspace, records: list[dict[str, str]], folder: Path,
                 name: str) -> tuple[float, int]:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    hook = StoreExtraction(ws)
    began = time.perf_counter()
    outcome = ingest(ws, [path], on_document=hook)
    seconds = time.perf_counter() - began
    if outcome.failed:
        raise SystemExit(f"ingest failed: {outcome.failed[:3]}")
    return seconds, hook.events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=400, help="reports per batch (N)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--check", action="store_true",
                        help="also check the incremental timeline against a full recompute")
    args = parser.parse_args(argv)
    geo = args.shared / "geo"
    if not all((geo / name).exists() for name in BOUNDARIES):
        print(f"{geo}: the Afghan boundary files are missing", file=sys.stderr)
        return 1
    rng = random.Random(20210815)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        ws = Workspace.init(folder / "ws", "afghanistan-2021")
        outcomes = list(import_boundary_files(ws, [geo / name for name in BOUNDARIES]))
        if not all(o.ok for o in outcomes):
            print("; ".join(o.describe() for o in outcomes), file=sys.stderr)
            return 1
        districts = units(ws)
        records: list[dict[str, str]] = []
        for i in range(2 * args.reports):
            records.append(report(rng, i, districts, ws.profile.start_date, records[-50:]))
        print(f"setup: {len(districts)} districts, {len(records)} generated reports "
              f"({time.perf_counter() - began:.1f} s, not timed)")
        rates = []
        for batch, chunk in enumerate((records[:args.reports], records[args.reports:]), 1):
            seconds, n_events = ingest_batch(ws, chunk, folder, f"batch{batch}")
            with ws.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(events)).scalar_one()
            rates.append(len(chunk) / seconds)
            print(f"batch {batch}: {len(chunk)} reports ({n_events} events) in {seconds:.1f} s "
                  f"= {rates[-1]:.1f} reports/s; the store now holds {stored} events")
        print(f"second batch / first batch rate: {rates[1] / rates[0]:.2f} "
              "(1.00 = ingest does not slow down as the store grows)")
        if args.check:
            with ws.connect() as conn:
                incremental = load_intervals(conn)
            with ws.begin() as conn:
                recompute_all(conn, ws.profile)
            with ws.connect() as conn:
                full = load_intervals(conn)
            same = {k: [iv.answer() for iv in v] for k, v in incremental.items()} == {
                k: [iv.answer() for iv in v] for k, v in full.items()}
            print(f"incremental timeline equals a full recompute: {'yes' if same else 'NO'}")
        ws.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
