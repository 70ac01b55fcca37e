"""Fixtures for the place tests: the real Afghan and Ukrainian workspaces built
through the CLI live in `tests/conftest.py` (`afghanistan`, `ukraine_folder`),
shared with the extraction tests."""

from __future__ import annotations

from ..conftest import Imported

__all__ = ["Imported"]
