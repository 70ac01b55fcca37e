"""The command line's lazy registry: every command is where `COMMAND_MODULES` says."""

from __future__ import annotations

import click

from frontlines.cli.base import COMMAND_MODULES, cli, load_commands

from .conftest import run_cli


def test_the_command_table_names_every_command_and_its_module() -> None:
    load_commands()
    assert set(cli.commands) == set(COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback is not None or isinstance(command, click.Group), name
        defined_in = (command.callback or command).__module__
        assert defined_in == f"frontlines.cli.{COMMAND_MODULES[name]}", name


def test_help_lists_every_command_and_an_unknown_one_is_refused() -> None:
    listed = run_cli("--help")
    assert listed.exit_code == 0
    assert all(name in listed.output for name in COMMAND_MODULES)
    # Its error still suggests the commands of modules not yet imported.
    unknown = run_cli("extrac")
    assert unknown.exit_code == 2
    assert "No such command 'extrac'. (Did you mean one of: 'extract', 'reextract'?)" in unknown.output


def test_a_table_shortens_a_long_list_and_json_keeps_it(capsys) -> None:  # type: ignore[no-untyped-def]
    """A unit reported on for months cites hundreds of events: a table shows the
    first few and how many in all, so it stays readable (and quick to draw)."""
    import json

    from frontlines.cli.base import emit

    rows = [{"place_id": "XX0102", "evidence": [f"e{n}" for n in range(300)]}]
    emit(rows, "table")
    table = capsys.readouterr().out
    assert "e0" in table and "300 in all" in table and "e299" not in table
    emit(iter(rows), "json")
    assert json.loads(capsys.readouterr().out) == rows
    emit(iter([]), "json")
    assert json.loads(capsys.readouterr().out) == []
