"""`frontlines evaluate`: score the extractor (or a saved predictions file) against gold."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..evaluate import EvalError, format_text, load_gold, load_predictions, score
from .base import State, cli, output_format, pass_state

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def predict_corpus(
    state: State, corpus: Path, extractor: str, problems: list[str] | None = None
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Run the extractor over a corpus JSONL: (report id, public event dicts) per report.

    The only place this command touches the extractor and the workspace (for
    its gazetteer and profile); no documents need to be ingested. Imported
    lazily so scoring a predictions file works without either.
    """
    workspace = state.workspace()
    extract = importlib.import_module("frontlines.extract")
    places = importlib.import_module("frontlines.places.workspace")
    with workspace.connect() as conn:
        gazetteer = places.load_gazetteer(conn, workspace.profile)
    from ..documents import SourceError

    def report_problem(problem: Any) -> None:
        is_error = isinstance(problem, SourceError)
        click.echo(f"{'error' if is_error else 'warning'}: {problem}", err=True)
        if problems is not None and is_error:
            problems.append(str(problem))

    for report_id, events in extract.extract_corpus(
        corpus, gazetteer, workspace.profile, extractor=extractor, on_problem=report_problem
    ):
        yield report_id, [event.to_dict() for event in events]


@cli.command("evaluate")
@click.option("--gold", "gold_path", type=_FILE, required=True,
              help="Gold events JSONL ({id, events, notes} a line).")
@click.option("--corpus", "corpus_path", type=_FILE, default=None,
              help="Reports JSONL to run the extractor over (needs the workspace gazetteer).")
@click.option("--predictions", "predictions_path", type=_FILE, default=None,
              help="Score saved predictions ({document, events} a line) instead of extracting.")
@click.option("--extractor", default="rules.v1", show_default=True,
              help="Extractor to run with --corpus.")
@output_format("text", "json")
@pass_state
def evaluate_command(
    state: State,
    gold_path: Path,
    corpus_path: Path | None,
    predictions_path: Path | None,
    extractor: str,
    fmt: str,
) -> None:
    """Score extracted events against gold: P/R/F1, dates, certainty, every miss and false alarm.

    Give either --corpus (run the extractor now) or --predictions (score a saved
    `frontlines extract --corpus … --format jsonl` output).
    """
    if (corpus_path is None) == (predictions_path is None):
        raise click.UsageError("give exactly one of --corpus and --predictions")
    problems: list[str] = []
    try:
        gold = load_gold(gold_path)
        if predictions_path is not None:
            report = score(gold, load_predictions(predictions_path))
        else:
            assert corpus_path is not None
            report = score(gold, predict_corpus(state, corpus_path, extractor, problems))
    except EvalError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(report), nl=False)
    if problems:
        raise SystemExit(1)  # the scores above leave out the reports that could not be read
