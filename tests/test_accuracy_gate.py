"""The accuracy gate: `make test` fails if extraction gets worse on reports it was not fitted on.

Every figure here is cross-validated by report (`frontlines evaluate --folds 5`):
the decision model that judges a report was fitted on the other folds only.
The floors are pinned just under the measured figures. Raise them when the
extractor improves; never lower them silently (say why in the commit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from frontlines.extract.staged import StagedExtractor
from frontlines.extract.training import CrossValidatedScores, GoldSet, evaluate_by_folds
from frontlines.places.gazetteer import Gazetteer
from frontlines.store import Workspace

from .conftest import Imported

FOLDS = 5
# Afghanistan, dev + dev-b together (138 reports, 480 gold events), measured 2026-12-07:
# F1 0.801, captures 0.907, dates within one day 0.909 (0.775 / 0.886 / 0.902 earlier that
# day; 0.726 / 0.847 / 0.888 on 2026-12-06).
AFGHAN_F1_FLOOR = 0.80
AFGHAN_CAPTURE_F1_FLOOR = 0.90
AFGHAN_DATE_WITHIN_ONE_DAY_FLOOR = 0.90
# Ukraine, ukraine-dev scored at the hromada (50 reports, 116 gold events), measured
# 2026-12-07: F1 0.640 (0.578 earlier that day, 0.287 on 2026-12-06).
UKRAINE_F1_FLOOR = 0.62


@pytest.fixture(scope="module")
def afghan_scores(afghan_workspace: Workspace, afghan_gazetteer: Gazetteer,
                  shared: Path) -> CrossValidatedScores:
    sets = [GoldSet.beside(shared / "eval" / name / "gold.jsonl") for name in ("dev", "dev-b")]
    extractor = StagedExtractor(afghan_gazetteer, afghan_workspace.profile)
    return evaluate_by_folds(extractor, sets, FOLDS)


def test_no_report_is_scored_by_a_model_that_saw_it(afghan_scores: CrossValidatedScores) -> None:
    folds = afghan_scores.fold_reports
    every = [report for fold in folds for report in fold]
    assert len(folds) == FOLDS and all(folds)
    assert len(every) == len(set(every)) == afghan_scores.overall.reports == 138


def test_cross_validated_f1_stays_above_the_floor(afghan_scores: CrossValidatedScores) -> None:
    f1 = afghan_scores.overall.overall.f1
    assert f1 >= AFGHAN_F1_FLOOR, f"cross-validated F1 {f1:.3f} < {AFGHAN_F1_FLOOR}"


def test_capture_f1_stays_above_the_floor(afghan_scores: CrossValidatedScores) -> None:
    captures = afghan_scores.overall.per_kind["capture"].f1
    assert captures >= AFGHAN_CAPTURE_F1_FLOOR, f"captures {captures:.3f} < {AFGHAN_CAPTURE_F1_FLOOR}"


def test_dates_within_one_day_stay_above_the_floor(afghan_scores: CrossValidatedScores) -> None:
    near = afghan_scores.overall.date_within_one_day
    assert near is not None and near >= AFGHAN_DATE_WITHIN_ONE_DAY_FLOOR


def test_probabilities_are_calibrated(afghan_scores: CrossValidatedScores) -> None:
    """Better than a coin (0.25), and well above chance at the top: events the
    model is sure of are right most of the time."""
    calibration = afghan_scores.calibration
    assert calibration.brier is not None and calibration.brier < 0.15
    top = calibration.bins[-1]
    assert top.events and top.observed is not None and top.observed >= 0.8


@pytest.fixture(scope="module")
def ukraine_scores(ukraine_folder: Imported, shared: Path) -> CrossValidatedScores:
    workspace = ukraine_folder.workspace()
    extractor = StagedExtractor(ukraine_folder.gazetteer(), workspace.profile)
    return evaluate_by_folds(extractor, [GoldSet.beside(shared / "eval/ukraine-dev/gold.jsonl")], FOLDS)


def test_ukraine_cross_validated_f1_stays_above_the_floor(ukraine_scores: CrossValidatedScores) -> None:
    """The second conflict has its own floor: nothing tuned for Afghanistan may
    quietly cost Ukraine (scored at the hromada, the profile's map level)."""
    assert ukraine_scores.overall.reports == 50
    f1 = ukraine_scores.overall.overall.f1
    assert f1 >= UKRAINE_F1_FLOOR, f"Ukraine cross-validated F1 {f1:.3f} < {UKRAINE_F1_FLOOR}"

