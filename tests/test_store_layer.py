"""One store layer: SQL is written in the store layer and nowhere else.

The store layer is the `frontlines.store` package (the schema, the workspace,
documents, events and places; `store.queries`, the questions the API, the
exports and the maps ask; `store.tokens`) and the timeline's store queries
(`timeline_store`). Every other module (the API, exports, maps, explanations,
ingest, the command line) asks them through typed functions: it may hold a
`Connection` (re-exported by `frontlines.store`) to pass it on, but it builds
no query, names no table, and imports nothing of SQLAlchemy. This test greps
the source tree for the signs of SQL, so a query written outside the layer
fails the build with its file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import frontlines

PACKAGE = Path(frontlines.__file__).resolve().parent
STORE_LAYER = ("store/", "timeline_store.py")

SIGNS_OF_SQL = {
    "imports SQLAlchemy": re.compile(r"^\s*(from|import)\s+sqlalchemy\b", re.MULTILINE),
    "imports sqlite3": re.compile(r"^\s*(from|import)\s+sqlite3\b", re.MULTILINE),
    "runs a statement": re.compile(r"\.execute(many)?\("),
    "builds a SELECT": re.compile(r"\bselect\("),
    "names a table's columns": re.compile(r"\b[a-z_]+\.c\.[a-z_]+"),
    "reaches the database engine": re.compile(r"\bconn\.(engine|dialect)\b"),
    "writes SQL text": re.compile(
        r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TABLE|INDEX)"
        r"|PRAGMA)\b"),
}


def in_store_layer(path: Path) -> bool:
    relative = path.relative_to(PACKAGE).as_posix()
    return any(relative == part or relative.startswith(part) for part in STORE_LAYER)


def sql_outside_the_store_layer() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if in_store_layer(path):
            continue
        text = path.read_text(encoding="utf-8")
        for what, pattern in SIGNS_OF_SQL.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {what}: {match.group(0)!r}")
    return found


def test_no_module_outside_the_store_layer_writes_sql() -> None:
    assert sql_outside_the_store_layer() == []


def test_the_grep_sees_sql_where_there_is_some() -> None:
    """The patterns do find what they look for: the store layer itself is full of it."""
    store = (PACKAGE / "store" / "__init__.py").read_text(encoding="utf-8")
    for what in ("imports SQLAlchemy", "runs a statement", "builds a SELECT",
                 "names a table's columns"):
        assert SIGNS_OF_SQL[what].search(store), what
    assert SIGNS_OF_SQL["writes SQL text"].search('cursor.execute("PRAGMA journal_mode=WAL")')
    assert SIGNS_OF_SQL["writes SQL text"].search("SELECT count(*) FROM events")
    assert SIGNS_OF_SQL["reaches the database engine"].search("conn.engine.url")
    # Words of English prose are not SQL.
    assert not SIGNS_OF_SQL["writes SQL text"].search("select the sentences from a report")


def test_the_store_layer_answers_the_outputs_questions() -> None:
    """The API, the exports and the maps import their questions from the store layer."""
    for module in ("api.py", "export.py", "render.py", "explain.py", "tokens.py",
                   "outputs/frontline.py"):
        text = (PACKAGE / module).read_text(encoding="utf-8")
        assert re.search(r"^from \.+(store|timeline_store)\b", text, re.MULTILINE), module
