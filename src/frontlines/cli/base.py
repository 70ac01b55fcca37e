"""The root command group, the global `--workspace` and `--database` options and shared output
helpers."""

from __future__ import annotations

import csv
import importlib
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..profile import Profile
from ..store import DATABASE_ENV, WORKSPACE_ENV, Connection, Workspace, WorkspaceError

if TYPE_CHECKING:
    from rich.console import Console

    # Made on first use (see `__getattr__`): importing rich costs every command.
    console: Console
    err_console: Console

F = TypeVar("F", bound=Callable[..., Any])

# Each top-level command, and the module of this package that defines it. A
# command's module is imported only when that command runs (or when a listing
# such as --help needs them all), so that `frontlines extract` does not import
# the HTTP client, the renderers or the web stack that other commands use.
# tests/test_cli.py checks this table against the commands the modules define.
COMMAND_MODULES: dict[str, str] = {
    "init": "workspace",
    "ingest": "documents",
    "documents": "documents",
    "status": "documents",
    "watch": "watch",
    "gazetteer": "gazetteer",
    "extract": "extract",
    "events": "extract",
    "reextract": "extract",
    "evaluate": "evaluate",
    "train": "evaluate",
    "control": "timeline",
    "changes": "timeline",
    "explain": "timeline",
    "summary": "timeline",
    "decide": "timeline",
    "baseline": "timeline",
    "map": "render",
    "chart": "render",
    "export": "render",
    "serve": "render",
    "token": "render",
}


def load_commands() -> None:
    """Register every command (each module registers its own on import)."""
    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"{__package__}.{module}")


class _LazyGroup(click.Group):
    """The root group: a command's module is imported when that command is asked for."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = COMMAND_MODULES.get(cmd_name)
            if module is None:
                load_commands()  # an unknown name: its error suggests the known ones
            else:
                importlib.import_module(f"{__package__}.{module}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)


@cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def __getattr__(name: str) -> Any:
    """`console` (standard output) and `err_console` (standard error), made on first use."""
    if name == "console":
        return _console(False)
    if name == "err_console":
        return _console(True)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class State:
    """What the root group hands to every command."""

    def __init__(self, workspace_path: Path, database: str | None = None):
        self.workspace_path = workspace_path
        self.database = database
        self._workspace: Workspace | None = None

    def close(self) -> None:
        """Let go of the workspace's database connections (when the command is done)."""
        if self._workspace is not None:
            self._workspace.engine.dispose()
            self._workspace = None

    def workspace(self) -> Workspace:
        if self._workspace is None:
            try:
                self._workspace = Workspace.open(self.workspace_path, self.database)
            except WorkspaceError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._workspace


pass_state = click.make_pass_decorator(State)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    "workspace_path",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=WORKSPACE_ENV,
    default=".",
    show_default=True,
    help="Folder holding frontlines.db and profile.toml (or set FRONTLINES_WORKSPACE).",
)
@click.option(
    "--database",
    envvar=DATABASE_ENV,
    default=None,
    metavar="URL",
    help="Keep the workspace's data in this database, e.g. postgresql://USER@HOST/NAME "
    "(or set FRONTLINES_DATABASE; default: the folder's SQLite file, or the database the "
    "folder's 'init' recorded).",
)
@click.version_option(package_name="frontlines")
@click.pass_context
def cli(ctx: click.Context, workspace_path: Path, database: str | None) -> None:
    """frontlines: who controls what, day by day, from conflict news reports."""
    ctx.obj = State(workspace_path, database or None)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    cli(prog_name="frontlines")


def output_format(*choices: str, default: str | None = None) -> Callable[[F], F]:
    """The shared `--format` option; the first choice is the default."""

    def decorator(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=default or choices[0],
            show_default=True,
            help="Output format.",
        )(func)

    return decorator


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


TABLE_LIST_ITEMS = 4
"""A list longer than this shows its first items and a count in a table (a unit
reported on for months cites hundreds of events); JSON and CSV keep every one."""


def _table_cell(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) > TABLE_LIST_ITEMS:
        shown = ", ".join(str(v) for v in value[:TABLE_LIST_ITEMS - 1])
        return f"{shown} … ({len(value)} in all)"
    return _cell(value)


def _csv_cell(value: Any) -> str:
    """A CSV cell: text that a spreadsheet would run as a formula is quoted with `'`."""
    from ..export import spreadsheet_safe

    text = _cell(value)
    return spreadsheet_safe(text) if isinstance(value, str | list | tuple) else text


def emit(
    rows: Sequence[dict[str, Any]] | Iterable[dict[str, Any]] | Any,
    fmt: str,
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Print rows as a table, JSON, JSON lines or CSV on standard output.

    `rows` may be a list, or any iterable of rows (or, for JSON, any value).
    An iterable is written as it comes for JSON, JSON lines and CSV, so that
    listing every event of a large store never holds the whole output.
    """
    if fmt == "json":
        if isinstance(rows, dict | list | tuple) or not isinstance(rows, Iterable):
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        else:
            _write_json_array(rows)
        return
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if fmt == "csv":
        stream = iter(rows)
        first = next(stream, None)
        cols = list(columns or (first.keys() if first is not None else []))
        writer = csv.DictWriter(sys.stdout, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for row in itertools.chain([first] if first is not None else [], stream):
            writer.writerow({c: _csv_cell(row.get(c)) for c in cols})
        return
    rows = list(rows)
    cols = list(columns or (rows[0].keys() if rows else []))
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in cols:
        table.add_column(col, overflow="fold")
    for row in rows:
        # Report text is untrusted: rich markup in it must print as text.
        table.add_row(*(_escape(_table_cell(row.get(c))) for c in cols))
    _console(False).print(table)


def _write_json_array(rows: Iterable[Any]) -> None:
    """A JSON array written element by element, shaped as `json.dumps(indent=2)` writes one."""
    out = sys.stdout
    empty = True
    for row in rows:
        item = json.dumps(row, ensure_ascii=False, indent=2, default=str).replace("\n", "\n  ")
        out.write(("[\n  " if empty else ",\n  ") + item)
        empty = False
    out.write("[]\n" if empty else "\n]\n")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def fail(message: str) -> None:
    raise click.ClickException(message)


# --- the timeline, for the commands that read it ----------------------------------


@contextmanager
def timeline_connection(
    state: State, *errors: type[Exception]
) -> Iterator[tuple[Connection, Profile]]:
    """A read connection over an up-to-date timeline, with the workspace's profile.

    The cached timeline is first brought up to date (in its own write
    transaction) if the store changed behind its back. A `TimelineError`, or
    any of the extra `errors` types, raised inside the block becomes a
    one-line CLI error.
    """
    from ..timeline import TimelineError
    from ..timeline_store import ensure_timeline

    ws = state.workspace()
    caught: tuple[type[Exception], ...] = (TimelineError, *errors)
    try:
        with ws.begin() as conn:
            ensure_timeline(conn, ws.profile)
        with ws.connect() as conn:
            yield conn, ws.profile
    except caught as exc:
        raise click.ClickException(str(exc)) from exc


def level_option(func: F) -> F:
    """The shared `--level N` option: which admin level's units to show."""
    return click.option(
        "--level", type=click.IntRange(1, 3), default=None,
        help="Admin level: 1 = the coarsest units (provinces, oblasts), 2 and 3 finer ones; "
             "default the profile's map level ([levels] map), else the finest imported.")(func)


def frontline_option(func: F) -> F:
    """The shared `--frontline` flag: the line where units held by different sides meet."""
    return click.option(
        "--frontline", is_flag=True, default=False,
        help="Also the front line: the boundary between units held by different sides "
             "(dashed around contested units).")(func)


def reference_option(func: F) -> F:
    """The shared `--reference FILE` option: published counts to compare with."""
    return click.option(
        "--reference", type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="A CSV of published counts (date,state,count[,source]) to compare with.")(func)


def apply_profile_baseline_or_fail(ws: Workspace) -> None:
    """Import the profile's `[start] baseline` if it names one not imported yet (and the
    workspace has units); say so, or fail with the file's problems."""
    from ..timeline import TimelineError
    from ..timeline_store import apply_profile_baseline

    try:
        found = apply_profile_baseline(ws)
    except TimelineError as exc:
        raise click.ClickException(f"the profile's baseline: {exc}") from exc
    if found is not None:
        click.echo(f"baseline #{found.id}: {found.rows} rows imported from {found.file} "
                   "(the profile's)")


def parse_day_option(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value (None when not given); a bad one is a usage error naming `option`."""
    from ..timeline import TimelineError
    from ..timeline_store import parse_day

    if value is None:
        return None
    try:
        return parse_day(value, option)
    except TimelineError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc
