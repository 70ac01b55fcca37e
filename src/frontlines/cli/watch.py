"""`frontlines watch`: a thin shell over `sources.feeds.Watcher`."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType

import click

from ..pipeline import ExtractionChoiceError, StoreExtraction
from ..sources.documents import DEFAULT_MAX_BYTES
from ..sources.feeds import FeedListError, Round, Watcher, format_interval, parse_interval, read_feed_list
from ..sources.fetch import FetchOptions
from .base import State, cli, pass_state


class _Interval(click.ParamType):
    name = "interval"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        try:
            return parse_interval(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _print_round(done: Round) -> None:
    click.echo(done.headline())
    for poll in done.polls:
        if poll.outcome in ("failed", "backing off"):
            click.echo(f"  feed {poll.describe()}")
    for failure in done.summary.failed:
        click.echo(f"  error: {failure}")
    for warning in done.summary.warnings:
        click.echo(f"  warning: {warning}")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # a service manager's stop is a Ctrl-C: the batch in hand rolls back


@cli.command("watch")
@click.argument("feed_list", metavar="FEEDS.txt",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--every", type=_Interval(), default="10m", show_default=True,
              help="Time from the start of one round to the next (30s, 10m, 2h).")
@click.option("--rounds", type=click.IntRange(min=1), default=None,
              help="Stop after this many rounds (default: until Ctrl-C).")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow feeds and pages on loopback, private or link-local addresses (refused by default).",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=100, show_default=True,
              help="New documents stored per transaction (with one timeline recompute).")
@pass_state
def watch_command(state: State, feed_list: Path, every: float, rounds: int | None,
                  allow_private: bool, batch_size: int) -> None:
    """Follow RSS/Atom feeds: poll them every interval and ingest the new items.

    FEEDS.txt lists one feed URL a line (# starts a comment). Each round sends
    the feed's ETag and Last-Modified back (an unchanged feed answers 304), stores
    the items whose pages are new, with their events, and prints one summary
    line; a failing feed backs off (twice as long each time). Ctrl-C stops it
    cleanly: what was stored stays, the batch in hand is rolled back.
    """
    try:
        feeds = read_feed_list(feed_list)
    except FeedListError as exc:
        raise click.ClickException(str(exc)) from exc
    ws = state.workspace()
    try:
        extraction = StoreExtraction(ws)
    except ExtractionChoiceError as exc:
        raise click.ClickException(f"{exc}; choose one with 'frontlines reextract "
                                   "--extractor NAME'") from exc
    options = FetchOptions(allow_private=allow_private, max_bytes=DEFAULT_MAX_BYTES)
    watcher = Watcher(ws, feeds, every=every, options=options, on_document=extraction,
                      batch_size=batch_size)
    click.echo(f"watching {len(feeds)} feeds, a round every {format_interval(every)} (Ctrl-C stops)")
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        total = watcher.run(rounds=rounds, on_round=_print_round)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if total.interrupted:
        click.echo(f"stopped: {total.headline()} (the documents in progress were not stored; "
                   "the next watch fetches them)")
    else:
        click.echo(f"done: {total.headline()}")
    sys.stdout.flush()
