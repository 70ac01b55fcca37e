"""The accuracy gate: `make test` fails if extraction gets worse on ../shared/eval/dev.

The floors are pinned just under the measured figures. Raise them when the
extractor improves; never lower them silently (say why in the commit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from frontlines.evaluate import score_files
from frontlines.extract import extract_corpus
from frontlines.places.gazetteer import Gazetteer
from frontlines.store import Workspace

F1_FLOOR = 0.81
DATE_WITHIN_ONE_DAY_FLOOR = 0.88
SEED_CAPTURE_FLOOR = 0.85  # per-kind F1 for captures, the kind that colours the map


@pytest.fixture(scope="module")
def dev_report(afghan_workspace: Workspace, afghan_gazetteer: Gazetteer, shared: Path):  # type: ignore[no-untyped-def]
    dev = shared / "eval" / "dev"
    predictions = extract_corpus(dev / "corpus.jsonl", afghan_gazetteer, afghan_workspace.profile)
    return score_files(predictions, dev / "gold.jsonl")


def test_overall_f1_stays_above_the_floor(dev_report) -> None:  # type: ignore[no-untyped-def]
    assert dev_report.overall.f1 >= F1_FLOOR, f"F1 {dev_report.overall.f1:.3f} < {F1_FLOOR}"


def test_capture_f1_stays_above_the_floor(dev_report) -> None:  # type: ignore[no-untyped-def]
    assert dev_report.per_kind["capture"].f1 >= SEED_CAPTURE_FLOOR


def test_dates_within_one_day_stay_above_the_floor(dev_report) -> None:  # type: ignore[no-untyped-def]
    assert dev_report.date_within_one_day is not None
    assert dev_report.date_within_one_day >= DATE_WITHIN_ONE_DAY_FLOOR
