"""The Afghan workspace and the real reports the whole-process benchmarks share.

`build_workspace_apart` builds a workspace with the Afghan provinces, districts
and GeoNames places in a child process (running this file), so that the
benchmark's own process stays small: it imports nothing of frontlines and its
peak memory is the children's to measure.

    .venv/bin/python benchmarks/afghan_workspace.py SHARED PATH   (what the child runs)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


if __name__ == "__main__":
    build_workspace(Path(sys.argv[1]), Path(sys.argv[2]))
