"""The decision model shipped with frontlines is the one `make model` makes today.

It is trained on ../shared/eval/dev and dev-b (and the teaching sentences) by
`frontlines train`; training is deterministic, so retraining here from the
same code and data must give the same weights. A change to the stages, the
features or the gold that is not followed by `make model` fails here.
"""

from __future__ import annotations

from pathlib import Path

from frontlines.extract.model import builtin_model, files_digest
from frontlines.extract.staged import StagedExtractor
from frontlines.extract.training import GoldSet, train_model
from frontlines.places.gazetteer import Gazetteer
from frontlines.store import Workspace


def _sets(shared: Path) -> list[GoldSet]:
    return [GoldSet.beside(shared / "eval" / name / "gold.jsonl") for name in ("dev", "dev-b")]


def test_the_builtin_model_records_the_data_it_learnt_from(shared: Path) -> None:
    model = builtin_model()
    files = [p for s in _sets(shared) for p in (s.gold, s.corpus)]
    assert model.training["data_sha256"] == files_digest(files), "gold changed: run `make model`"
    assert [s["name"] for s in model.training["sets"]] == ["dev", "dev-b"]
    assert model.training["reports"] == 138


def test_the_builtin_model_is_what_training_makes_today(afghan_workspace: Workspace,
                                                        afghan_gazetteer: Gazetteer, shared: Path) -> None:
    retrained = train_model(StagedExtractor(afghan_gazetteer, afghan_workspace.profile), _sets(shared))
    assert retrained.version == builtin_model().version, "stages or features changed: run `make model`"
