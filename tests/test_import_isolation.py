"""Extraction is a pure step: importing it pulls in neither the database nor the GIS stack.

The extractor and the gazetteer's name search run where no workspace need
exist (a plug-in's tests, scoring a corpus), and their import time is paid by
every short command. One top-level import of the store, shapely or pandas
anywhere on their import path would undo that without a sound; this test
makes it loud. It runs in a fresh interpreter, since this one has long since
imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import frontlines

PURE_MODULES = (
    "frontlines.extract",
    "frontlines.extract.staged",
    "frontlines.extract.training",
    "frontlines.extract.dates",
    "frontlines.places.gazetteer",
)
FORBIDDEN = (
    "sqlalchemy",
    "frontlines.store",
    "shapely",
    "pyogrio",
    "geopandas",
    "pandas",
    "matplotlib",
    "sklearn",
)


def test_extraction_imports_neither_the_database_nor_the_gis_stack() -> None:
    code = (
        "import json, sys, frontlines, " + ", ".join(PURE_MODULES) + "\n"
        "print(json.dumps({'file': frontlines.__file__, 'modules': sorted(sys.modules)}))"
    )
    # The child must import the very code under test, not another install of it.
    source_root = str(Path(frontlines.__file__).resolve().parents[1])
    path = [source_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert Path(loaded["file"]).resolve() == Path(frontlines.__file__).resolve()
    modules = set(loaded["modules"])
    ours = sorted(m for m in modules if m.startswith("frontlines"))
    assert [m for m in FORBIDDEN if m in modules] == [], f"frontlines modules loaded: {ours}"


# What `frontlines extract` never uses: the commands' other modules, the HTTP
# client, the web stack, the renderers and the progress display.
NOT_FOR_EXTRACT = (
    "frontlines.api",
    "frontlines.evaluate",
    "frontlines.export",
    "frontlines.sources.fetch",
    "frontlines.sources.ingest",
    "frontlines.render",
    "frontlines.timeline_store",
    "frontlines.cli.documents",
    "frontlines.cli.render",
    "frontlines.cli.timeline",
    "fastapi",
    "httpx",
    # Reading boundary files needs the GIS stack; loading a stored gazetteer does not.
    "pyogrio",
    "shapely",
    "geopandas",
    "pandas",
    "matplotlib",
    "rich",
)


def test_the_extract_command_imports_only_what_it_uses(tmp_path: Path) -> None:
    from frontlines.store import Workspace

    workspace = Workspace.init(tmp_path / "ws").path
    report = tmp_path / "report.txt"
    report.write_text("The Taliban captured Zaranj, the capital of Nimruz province, on Friday.\n",
                      encoding="utf-8")
    code = (
        "import json, sys\n"
        "from frontlines.cli import main\n"
        f"sys.argv = ['frontlines', '--workspace', {str(workspace)!r}, 'extract', {str(report)!r},"
        " '--published', '2021-08-06', '--format', 'jsonl']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    source_root = str(Path(frontlines.__file__).resolve().parents[1])
    path = [source_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert json.loads(lines[0])["document"], lines  # it did extract
    modules = set(json.loads(lines[-1]))
    assert [m for m in NOT_FOR_EXTRACT if m in modules] == []
