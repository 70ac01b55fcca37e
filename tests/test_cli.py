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
