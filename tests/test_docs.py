"""Docs that cannot drift: every command is in the README with its help text."""

from __future__ import annotations

import click

from frontlines.cli.base import cli

from .conftest import ROOT


def _commands(group: click.Group, prefix: str = "frontlines") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
        else:
            found.append((path, command))
    return found


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [path for path, _ in _commands(cli) if f"`{path}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_has_help_text_that_the_readme_repeats() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for path, command in _commands(cli):
        summary = command.get_short_help_str(limit=200).rstrip(".")
        assert summary, f"{path} has no help text"
        assert summary in readme, f"README.md lacks the help line of {path}: {summary!r}"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:400]
    assert "make demo" in head and "make test" in head
