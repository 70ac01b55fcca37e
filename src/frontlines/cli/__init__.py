"""The `frontlines` command line: thin shells over the library.

Each command opens the workspace, calls one library function and prints the
result through `emit`, so every command shares the same `--format` handling.
Commands live in one module per concept and are registered here.
"""

from __future__ import annotations

from . import documents as _documents  # noqa: F401  (registers commands)
from . import evaluate as _evaluate  # noqa: F401  (registers commands)
from . import extract as _extract  # noqa: F401  (registers commands)
from . import gazetteer as _gazetteer  # noqa: F401  (registers commands)
from . import render as _render  # noqa: F401  (registers commands)
from . import timeline as _timeline  # noqa: F401  (registers commands)
from . import workspace as _workspace  # noqa: F401  (registers commands)
from .base import main  # noqa: F401  (the console-script entry point)
