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
