"""The fuzzy name pass: its cost per sentence, and every match it makes (issue 8).

Builds throw-away workspaces (Afghanistan: provinces, districts and GeoNames
towns; Ukraine: oblasts, raions, hromadas and towns), splits every report of
../shared/eval/{dev,dev-b} and ../shared/eval/ukraine-dev into sentences and
runs `Gazetteer.fuzzy_mentions` on each, the way the extractor does: the
whole report with its exact mentions, one sentence's span at a time. Prints
the cost per sentence with a cold and a warm cache, on all sentences and on
those holding a trigger word (the only ones the extractor asks about), and
with `--list` every fuzzy match (string -> places) for checking by eye.

The texts are read where they are; nothing of them is copied. A benchmark,
not a test: it prints figures and exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whole_process import add_shared_option

COUNTRIES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "af": ("afghanistan-2021",
           ("afg_admbnda_adm1_agcho_20180522.zip", "afg_admbnda_adm2_agcho_20180522.zip"),
           ("dev", "dev-b")),
    "ua": ("ukraine-2022",
           ("ukraine/ukr_adm1_oblasts_osm_simplified.zip",
            "ukraine/ukr_adm2_raions_osm_simplified.zip",
            "ukraine/ukr_adm3_hromadas_osm_simplified.zip"),
           ("ukraine-dev",)),
}


def setup_gazetteer(shared: Path, workdir: Path, country: str) -> Any:
    """A temporary workspace of one country's boundaries and towns, and its gazetteer."""
    from frontlines.places.workspace import add_places, import_boundary_files, load_gazetteer
    from frontlines.store import Workspace

    profile, files, _sets = COUNTRIES[country]
    workspace = Workspace.init(workdir / country, profile)
    outcomes = list(import_boundary_files(workspace, [shared / "geo" / f for f in files]))
    failed = [o.describe() for o in outcomes if not o.ok]
    if failed:
        raise SystemExit("\n".join(failed))
    with workspace.begin() as conn:
        add_places(conn, workspace.profile)
    with workspace.connect() as conn:
        return load_gazetteer(conn, workspace.profile)


def sentences_of(corpus: Path, gazetteer: Any) -> list[tuple[str, list[Any], tuple[int, int], bool]]:
    """(report text, its exact mentions, a sentence's span, holds a trigger word)."""
    from frontlines.extract.lexicon import TRIGGER_STEMS
    from frontlines.extract.sentences import split_sentences

    found = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("text") or ""
            exact = gazetteer.find_mentions(text)
            for start, end in split_sentences(text):
                found.append((text, exact, (start, end),
                              bool(TRIGGER_STEMS.search(text, start, end))))
    return found


def timed(gazetteer: Any, items: Sequence[tuple[str, list[Any], tuple[int, int], bool]],
          *, cold: bool) -> tuple[float, list[list[Any]]]:
    if cold:
        gazetteer.clear_fuzzy_cache()  # the results per string; the index stays built
    started = time.perf_counter()
    results = [gazetteer.fuzzy_mentions(text, exact, span=span) for text, exact, span, _ in items]
    return time.perf_counter() - started, results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_shared_option(parser)
    parser.add_argument("--countries", default="af,ua", help="af, ua or both (default)")
    parser.add_argument("--list", action="store_true", help="print every fuzzy match")
    args = parser.parse_args(argv)
    if not (args.shared / "eval").is_dir():
        print(f"error: {args.shared}/eval not found (use --shared)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="frontlines-fuzzy-") as tmp:
        for country in args.countries.split(","):
            started = time.perf_counter()
            gazetteer = setup_gazetteer(args.shared, Path(tmp), country)
            setup = time.perf_counter() - started
            started = time.perf_counter()
            keys = len(gazetteer.fuzzy_index)
            print(f"{country}: workspace {setup:.1f} s, fuzzy index "
                  f"{time.perf_counter() - started:.2f} s ({keys:,} keys)")
            for name in COUNTRIES[country][2]:
                items = sentences_of(args.shared / "eval" / name / "corpus.jsonl", gazetteer)
                triggered = [item for item in items if item[3]]
                cold, results = timed(gazetteer, items, cold=True)
                warm, _ = timed(gazetteer, items, cold=False)
                cold_triggered, _ = timed(gazetteer, triggered, cold=True)
                print(f"  {name}: {len(items)} sentences, {len(triggered)} with a trigger word; "
                      f"ms per sentence: cold {1000 * cold / len(items):.3f}, "
                      f"warm {1000 * warm / len(items):.3f}, "
                      f"trigger sentences cold {1000 * cold_triggered / max(1, len(triggered)):.3f}")
                matches: Counter[tuple[str, float, str]] = Counter()
                for (_text, exact, _span, _t), mentions in zip(items, results, strict=True):
                    spans = {(m.start, m.end) for m in exact}
                    for m in mentions:
                        if (m.start, m.end) not in spans:
                            places = "; ".join(
                                f"{gazetteer.places[p].name} ({gazetteer.places[p].level}, {p})"
                                for p in m.place_ids[:4])
                            matches[(m.text, m.score, places)] += 1
                print(f"    {sum(matches.values())} fuzzy matches ({len(matches)} distinct)")
                if args.list:
                    for (surface, score, places), count in sorted(matches.items(),
                                                                  key=lambda kv: -kv[0][1]):
                        print(f"    {count:3d} x {score:5.1f} {surface!r} -> {places}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
