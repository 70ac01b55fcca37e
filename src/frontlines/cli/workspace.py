"""`frontlines init`: create a workspace."""

from __future__ import annotations

import click

from ..profile import ProfileError
from ..store import Workspace, WorkspaceError
from .base import State, cli, console, pass_state


@cli.command("init")
@click.option(
    "--profile",
    default=None,
    help="Built-in profile name (e.g. afghanistan-2021) or path to a profile TOML file.",
)
@pass_state
def init_command(state: State, profile: str | None) -> None:
    """Create the workspace (database and profile); running it again is harmless."""
    try:
        ws = Workspace.init(state.workspace_path, profile)
    except (ProfileError, WorkspaceError) as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(
        f"Workspace [bold]{ws.path}[/] ready: profile {ws.profile.name} "
        f"({ws.profile.country_name}), start {ws.profile.start_date}"
    )
