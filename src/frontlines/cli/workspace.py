"""`frontlines init`: create a workspace and choose its extractor."""

from __future__ import annotations

from pathlib import Path

import click

from ..pipeline import ExtractionChoiceError, init_workspace, workspace_extraction
from ..profile import ProfileError, parse_profile, read_profile_text
from ..store import DB_NAME, PROFILE_NAME, WorkspaceError, stored_document_count, workspace_database
from .base import State, apply_profile_baseline_or_fail, cli, console, pass_state


def _profile_name(text: str, origin: str) -> str:
    try:
        return repr(parse_profile(text, origin).name)
    except ProfileError:
        return f"in {origin}"


def check_profile_change(path: Path, profile: str, database: str | None = None) -> None:
    """Refuse to swap the profile of a workspace that already holds documents.

    Its events, places and timeline were made under the current profile (its
    actors, its country); replacing it silently would mix two conflicts in one
    store. Giving the same profile again is harmless and allowed.
    """
    current_file, url = path / PROFILE_NAME, workspace_database(path, database)
    if not current_file.exists() or (url.database == str(path / DB_NAME)
                                     and not (path / DB_NAME).exists()):
        return
    new_text, new_origin = read_profile_text(profile)
    current_text = current_file.read_text(encoding="utf-8")
    if new_text == current_text:
        return
    held = stored_document_count(url)
    if held:
        raise click.ClickException(
            f"{path} already holds {held} document(s) read under profile "
            f"{_profile_name(current_text, str(current_file))}; refusing to replace it with "
            f"{_profile_name(new_text, new_origin)} (use --force to replace it anyway, "
            "then 'frontlines reextract')"
        )


@cli.command("init")
@click.option(
    "--profile",
    default=None,
    help="Built-in profile name (e.g. afghanistan-2021) or path to a profile TOML file.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the profile even if the workspace already holds documents.",
)
@click.option(
    "--extractor",
    default=None,
    help="Registered extractor the workspace extracts with (default: the built-in one; "
    "re-running init without it keeps the current choice).",
)
@pass_state
def init_command(state: State, profile: str | None, force: bool, extractor: str | None) -> None:
    """Create the workspace (database and profile); running it again is harmless.

    On a workspace that already holds documents, a different --profile is
    refused unless --force is given. --extractor chooses the extractor (with
    its built-in model) that ingest, the API and reextract use; events already
    stored stay as they are until 'frontlines reextract'.
    """
    try:
        if profile is not None and not force:
            check_profile_change(state.workspace_path, profile, state.database)
        ws = init_workspace(state.workspace_path, profile, extractor, state.database)
    except (ProfileError, WorkspaceError, ExtractionChoiceError) as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(
        f"Workspace [bold]{ws.path}[/] ready: profile {ws.profile.name} "
        f"({ws.profile.country_name}), start {ws.profile.start_date}"
    )
    # Plain text: a name or a path is never read as markup, nor wrapped.
    click.echo(f"extractor {workspace_extraction(ws).describe()}")
    apply_profile_baseline_or_fail(ws)
