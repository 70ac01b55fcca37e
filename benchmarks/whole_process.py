"""What the whole-process benchmarks share: the Afghan workspace and real
reports they run on, how they start `frontlines` as a child and their options.

`build_workspace_apart` builds a workspace with the Afghan provinces, districts
and GeoNames places in a child process (running this file), so that the
benchmark's own process stays small: it imports nothing of frontlines and its
peak memory is the children's to measure.

    .venv/bin/python benchmarks/whole_process.py SHARED PATH   (what the child runs)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(os.environ.get("FRONTLINES_SHARED", ROOT.parent / "shared"))
# What the `frontlines` console script runs; through this interpreter so the
# child imports the same frontlines as this process (PYTHONPATH is inherited).
LAUNCH = "import sys; from frontlines.cli import main; sys.argv[0] = 'frontlines'; sys.exit(main())"
BOUNDARIES = ("afg_admbnda_adm1_agcho_20180522.zip", "afg_admbnda_adm2_agcho_20180522.zip")
CORPORA = ("dev", "dev-b")
PROFILE = "afghanistan-2021"


def build_workspace(shared: Path, path: Path) -> None:
    """A workspace with the Afghan provinces, districts and GeoNames places (as tests/conftest.py)."""
    from frontlines.places.workspace import add_places, import_boundary_files
    from frontlines.store import Workspace

    ws = Workspace.init(path, PROFILE)
    outcomes = list(import_boundary_files(ws, [shared / "geo" / name for name in BOUNDARIES]))
    if not all(o.ok for o in outcomes):
        raise SystemExit("; ".join(o.describe() for o in outcomes))
    with ws.begin() as conn:
        add_places(conn, ws.profile)
    ws.engine.dispose()


def build_workspace_apart(shared: Path, path: Path) -> None:
    """`build_workspace` in a child process, so that the caller stays small."""
    argv = [sys.executable, __file__, str(shared), str(path)]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"building the workspace failed:\n{done.stderr.strip()}")


def add_shared_option(parser: argparse.ArgumentParser) -> None:
    """The `--shared` option every benchmark takes: where ../shared is."""
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help=f"the ../shared folder (default: {DEFAULT_SHARED})")


def missing_inputs(shared: Path) -> list[Path]:
    """The boundary files and corpora the benchmarks read that are not there."""
    wanted = [shared / "geo" / n for n in BOUNDARIES]
    wanted += [shared / "eval" / n / "corpus.jsonl" for n in CORPORA]
    return [p for p in wanted if not p.is_file()]


def read_records(shared: Path) -> list[dict[str, object]]:
    """Every report of the Afghan gold corpora, as JSON records."""
    records: list[dict[str, object]] = []
    for name in CORPORA:
        with open(shared / "eval" / name / "corpus.jsonl", encoding="utf-8") as lines:
            records.extend(json.loads(line) for line in lines if line.strip())
    return records


def child_environment(bytecode: Path) -> dict[str, str]:
    """The children's environment: bytecode cached in `bytecode` (in the temporary folder).

    An installed program starts from cached bytecode; without a cache (a
    read-only tree, or PYTHONDONTWRITEBYTECODE set) every run would compile
    the modules it imports again and count that as start-up.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def parse_arguments(
    doc: str, argv: list[str] | None, *, reports_help: str, runs: int, runs_help: str
) -> argparse.Namespace | None:
    """`--reports`, `--runs` and `--shared`, checked: None (after saying why on
    stderr) when the inputs are missing or the counts make no sense."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000, help=f"{reports_help} (default: 2000)")
    parser.add_argument("--runs", type=int, default=runs, help=f"{runs_help} (default: {runs})")
    add_shared_option(parser)
    args = parser.parse_args(argv)
    missing = missing_inputs(args.shared)
    if missing:
        print(f"error: {', '.join(map(str, missing))} not found (use --shared)", file=sys.stderr)
        return None
    if args.reports < 1 or args.runs < 1:
        print("error: --reports and --runs must be at least 1", file=sys.stderr)
        return None
    return args


if __name__ == "__main__":
    build_workspace(Path(sys.argv[1]), Path(sys.argv[2]))
