"""`frontlines evaluate` and `frontlines train`: measure the extractor on gold, and fit its decision."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from ..evaluate import EvalError, format_calibration, format_sets, format_text, load_predictions, score
from ..extract import DEFAULT_EXTRACTOR, ExtractionConfig
from .base import State, cli, output_format, pass_state

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def gold_sets(gold: Sequence[Path], corpora: Sequence[Path]) -> list[Any]:
    """Pair each --gold with its --corpus (in order), or with `corpus.jsonl` beside it."""
    from ..extract.training import GoldSet

    if corpora and len(corpora) != len(gold):
        raise click.UsageError(
            f"give one --corpus per --gold ({len(gold)} gold, {len(corpora)} corpus), or none to use "
            "the corpus.jsonl beside each gold file"
        )
    return [GoldSet.beside(g, corpora[i] if corpora else None) for i, g in enumerate(gold)]


def staged_extractor(state: State) -> Any:
    """The workspace's staged extractor (the one whose decision can be fitted)."""
    from ..extract.staged import StagedExtractor
    from ..places.workspace import load_gazetteer

    workspace = state.workspace()
    with workspace.connect() as conn:
        gazetteer = load_gazetteer(conn, workspace.profile)
    return StagedExtractor(gazetteer, workspace.profile)


def predict_sets(
    state: State, sets: Sequence[Any], extractor: str, config: ExtractionConfig
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Run an extractor over the corpora of gold sets: (report id, public event dicts)."""
    from ..extract import get_extractor, in_batches, read_corpus
    from ..places.workspace import load_gazetteer

    workspace = state.workspace()
    with workspace.connect() as conn:
        gazetteer = load_gazetteer(conn, workspace.profile)
    component = get_extractor(extractor, gazetteer, workspace.profile)

    def report_problem(problem: Any) -> None:
        raise EvalError(str(problem))

    for gold_set in sets:
        for batch in in_batches(read_corpus(gold_set.corpus, report_problem)):
            for doc, events in zip(batch, component.extract_batch(batch, config), strict=True):
                yield doc.id, [event.to_dict() for event in events]


@cli.command("evaluate")
@click.option(
    "--gold",
    "gold_paths",
    type=_FILE,
    multiple=True,
    required=True,
    help="Gold events JSONL ({id, events, notes} a line); repeat for several sets.",
)
@click.option(
    "--corpus",
    "corpus_paths",
    type=_FILE,
    multiple=True,
    help="The reports of each --gold, in order (default: corpus.jsonl beside it).",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=None,
    help="Cross-validate by report: fit the decision on K-1 folds, score the held one.",
)
@click.option(
    "--predictions",
    "predictions_path",
    type=_FILE,
    default=None,
    help="Score saved predictions ({document, events} a line) instead of extracting.",
)
@click.option(
    "--extractor",
    default=DEFAULT_EXTRACTOR,
    show_default=True,
    help="Extractor to run (without --predictions).",
)
@click.option(
    "--model",
    "model_path",
    type=_FILE,
    default=None,
    help="Decision model artifact to use instead of the built-in one.",
)
@output_format("text", "json")
@pass_state
def evaluate_command(
    state: State,
    gold_paths: tuple[Path, ...],
    corpus_paths: tuple[Path, ...],
    folds: int | None,
    predictions_path: Path | None,
    extractor: str,
    model_path: Path | None,
    fmt: str,
) -> None:
    """Score extracted events against gold: P/R/F1 per set and kind, dates, certainty, calibration.

    With --folds K the figures are cross-validated by report: the decision model
    is fitted on K-1 folds of the gold reports and scores the held fold, so no
    figure comes from reports the model learnt from. Without it, the given
    extractor and model are scored as they are (say so when you quote it: a
    model trained on these reports scores them too well).
    """
    from ..extract.model import ModelError

    try:
        sets = gold_sets(gold_paths, corpus_paths)
        if folds is not None:
            if predictions_path is not None:
                raise click.UsageError("--folds fits models: it cannot score saved --predictions")
            from ..extract.training import evaluate_by_folds

            result = evaluate_by_folds(staged_extractor(state), sets, folds)
            if fmt == "json":
                click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
                return
            click.echo(
                f"Cross-validated by report, {folds} folds: each fold scored by a model fitted on "
                f"the others (thresholds {', '.join(f'{t:.2f}' for t in result.thresholds)}).\n"
            )
            click.echo(format_sets({**result.per_set, "all": result.overall}))
            click.echo(format_calibration(result.calibration))
            click.echo(format_text(result.overall), nl=False)
            return
        if not corpus_paths and predictions_path is None:
            raise click.UsageError(
                "give exactly one of --corpus and --predictions (or --folds, which finds each "
                "gold file's corpus.jsonl beside it)"
            )
        if corpus_paths and predictions_path is not None:
            raise click.UsageError("give exactly one of --corpus and --predictions")
        from ..evaluate import load_gold

        gold = {}
        for gold_set in sets:
            gold.update(load_gold(gold_set.gold))
        if predictions_path is not None:
            report = score(gold, load_predictions(predictions_path))
        else:
            config = ExtractionConfig(model=str(model_path) if model_path else None)
            report = score(gold, predict_sets(state, sets, extractor, config))
    except (EvalError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(report), nl=False)


@cli.command("train")
@click.option(
    "--gold",
    "gold_paths",
    type=_FILE,
    multiple=True,
    required=True,
    help="Gold events JSONL; repeat for several sets.",
)
@click.option(
    "--corpus",
    "corpus_paths",
    type=_FILE,
    multiple=True,
    help="The reports of each --gold, in order (default: corpus.jsonl beside it).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the workspace's models/ folder).",
)
@pass_state
def train_command(
    state: State, gold_paths: tuple[Path, ...], corpus_paths: tuple[Path, ...], out_path: Path | None
) -> None:
    """Fit the decision model on gold reports and write it as a versioned artifact.

    The artifact records the sha256 of the gold and corpus files it learnt from;
    it loads with no network. Too little data is refused, with the reason.
    """
    from ..extract.model import ModelError
    from ..extract.training import train_model

    try:
        model = train_model(staged_extractor(state), gold_sets(gold_paths, corpus_paths))
    except (EvalError, ModelError) as exc:
        raise click.ClickException(str(exc)) from exc
    target = out_path or state.workspace().path / "models" / f"{model.version.replace('@', '-')}.json"
    model.save(target)
    record = model.training
    click.echo(
        f"trained {model.version} on {record['reports']} reports ({record['events']} labelled event frames "
        f"of {record['examples']}); threshold {model.threshold:.2f}"
    )
    click.echo(f"wrote {target}")
