"""The `frontlines` command line: thin shells over the library.

Each command opens the workspace, calls one library function and prints the
result through `emit`, so every command shares the same `--format` handling.
Commands live in one module per concept, imported only when one of its
commands runs (`base.COMMAND_MODULES`): a command pays only for what it uses.
"""

from __future__ import annotations

from .base import load_commands, main

__all__ = ["load_commands", "main"]  # `main`: the console-script entry point
