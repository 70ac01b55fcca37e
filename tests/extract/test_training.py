"""`training`: learning the decision from gold, and measuring it on reports it never saw.

Specification:

- `read_gold_set` pairs each gold report with its document; a gold id the
  corpus lacks is an error naming the gold file's line;
- `label_candidates` labels a frame with the class of the gold event it states:
  its place is the gold event's unit and its sentence holds the gold quote (or
  it restates that event, selected, elsewhere); every other frame is "none";
- `make_folds` deals reports into K folds: never a report in two, every
  report in one, each gold set spread evenly over the folds, the same folds
  for the same seed;
- `Trainer.cross_validate` decides every report with a model fitted on the
  other folds only — thresholds included;
- `train_model` and `evaluate_by_folds` run the whole way on gold files.

The gold sets here are synthetic: reports written for the invented country,
with gold written alongside.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.evaluate import EvalError, GoldReport, gold_report
from frontlines.extract.decision import Candidate, DecisionStage, LogisticDecision
from frontlines.extract.model import NONE_CLASS, DecisionModel, ModelError
from frontlines.extract.staged import StagedExtractor
from frontlines.extract.training import (
    GoldSet,
    LabelledReport,
    Trainer,
    evaluate_by_folds,
    label_candidates,
    make_folds,
    read_gold_set,
    train_model,
)
from frontlines.models import Document, Event
from frontlines.places.gazetteer import Gazetteer
from frontlines.profile import Profile

from .conftest import PUBLISHED, document

# --- a synthetic gold set --------------------------------------------------------------------

# district id -> (name, province name, province id)
DISTRICTS = {
    "XX0102": ("Brennick", "Norvale", "XX01"),
    "XX0103": ("Sallow", "Norvale", "XX01"),
    "XX0202": ("Tarrow", "Kestria", "XX02"),
    "XX0203": ("Ivel", "Kestria", "XX02"),
    "XX0302": ("Pell", "Ardenne", "XX03"),
}
DAYS = ("Friday", "Saturday", "Sunday", "Monday")
# (template, gold kind, gold actor)
TEMPLATES = (
    ("Front fighters captured {D} district of {P} province on {day}.", "capture", "front"),
    ("{D} district fell to the Ash Front on {day}.", "capture", "front"),
    ("Soldiers retook {D} district on {day}, the army spokesman said.", "recapture", "government"),
    ("The Ash Front has laid siege to {D} district.", "siege", "front"),
    ("Soldiers withdrew from {D} district on {day}.", "withdrawal", "government"),
)
FILLERS = (
    "Insurgents vowed to capture {D} district.",
    "The governor of {P} province said schools in {D} district were open.",
    "Residents of {D} district said prices had risen.",
)


def synthetic_report(report_id: str, rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """A corpus record and its gold line: four events at four districts, and a sentence of no event."""
    places = rng.sample(sorted(DISTRICTS), 5)
    sentences, events = [], []
    for place_id, (template, kind, actor) in zip(places, rng.sample(TEMPLATES, 4), strict=False):
        name, province, province_id = DISTRICTS[place_id]
        sentence = template.format(D=name, P=province, day=rng.choice(DAYS))
        sentences.append(sentence)
        events.append({"kind": kind, "actor": actor, "place": name, "place_type": "district",
                       "admin1": province_id, "admin2": place_id, "date": None,
                       "certainty": "reported", "quote": sentence})
    name, province, _ = DISTRICTS[places[4]]
    sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(FILLERS).format(D=name, P=province))
    record = {"id": report_id, "url": f"https://example.invalid/{report_id}", "published": PUBLISHED,
              "outlet": "example.invalid", "title": None, "text": " ".join(sentences)}
    return record, {"id": report_id, "events": events, "notes": "synthetic"}


def write_set(folder: Path, ids: Sequence[str], seed: int) -> GoldSet:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    pairs = [synthetic_report(report_id, rng) for report_id in ids]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r, _ in pairs), encoding="utf-8")
    (folder / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for _, g in pairs), encoding="utf-8")
    return GoldSet.beside(folder / "gold.jsonl")


@pytest.fixture(scope="module")
def gold_sets(tmp_path_factory: pytest.TempPathFactory) -> list[GoldSet]:
    root = tmp_path_factory.mktemp("gold")
    return [
        write_set(root / "north", [f"n{i:02d}" for i in range(12)], seed=1),
        write_set(root / "south", [f"s{i:02d}" for i in range(12)], seed=2),
    ]


@pytest.fixture(scope="module")
def extractor(gazetteer: Gazetteer, profile: Profile) -> StagedExtractor:
    return StagedExtractor(gazetteer, profile)


# --- reading gold -------------------------------------------------------------------------------


def test_a_gold_set_is_named_after_its_folder(gold_sets: list[GoldSet]) -> None:
    north = gold_sets[0]
    assert north.name == "north" and north.corpus == north.gold.with_name("corpus.jsonl")
    pairs = read_gold_set(north)
    assert [doc.id for doc, _ in pairs] == [f"n{i:02d}" for i in range(12)]
    assert all(doc.id == gold.id for doc, gold in pairs)


def test_a_gold_id_the_corpus_lacks_is_named_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    gold_set = write_set(folder, ["r1", "r2"], seed=3)
    lines = gold_set.gold.read_text(encoding="utf-8").splitlines()
    missing = json.dumps({"id": "r-lost", "events": [], "notes": "no such report"})
    # A blank line counts: the missing id is on line 4.
    gold_set.gold.write_text("\n".join([lines[0], "", lines[1], missing]) + "\n", encoding="utf-8")
    with pytest.raises(EvalError) as error:
        read_gold_set(gold_set)
    message = str(error.value)
    assert message.startswith(f"{gold_set.gold}:4: ")
    assert "'r-lost'" in message and str(gold_set.corpus) in message


def test_a_gold_set_without_its_corpus_says_so(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "r1", "events": []}) + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match="does not exist"):
        read_gold_set(GoldSet.beside(gold))


def test_a_report_in_two_sets_is_refused(tmp_path: Path, extractor: StagedExtractor) -> None:
    one = write_set(tmp_path / "one", ["r1", "r2"], seed=4)
    two = write_set(tmp_path / "two", ["r2", "r3"], seed=5)
    with pytest.raises(EvalError, match="report 'r2' is also in set 'one'"):
        Trainer.prepare(extractor, [one, two])


# --- labelling ------------------------------------------------------------------------------------


def gold_of(report_id: str, *events: dict[str, Any]) -> GoldReport:
    return gold_report({"id": report_id, "events": list(events)})


def test_the_frame_at_the_gold_unit_in_the_quoted_sentence_is_labelled(extractor: StagedExtractor) -> None:
    text = (
        "Front fighters captured Tarrow district of Kestria province on Sunday. "
        "Soldiers retook Ivel district on Monday. "
        "Clashes were reported in Tarrow district last month."
    )
    doc = document(text)
    gold = gold_of("r1", {"kind": "capture", "actor": "front", "admin1": "XX02", "admin2": "XX0202",
                          "quote": "Front fighters captured Tarrow district"})
    candidates = extractor.candidates(doc)
    labels = label_candidates(doc, gold, candidates)
    labelled = [(c.frame.place.id, c.frame.sentence.index, label) for c, label in zip(candidates, labels, strict=True)]
    # The district in the quoted sentence is the gain; the province it lies in, the
    # district gold does not have, and the clash at the same place elsewhere are none.
    assert ("XX0202", 0, "gain") in labelled
    assert ("XX02", 0, NONE_CLASS) in labelled
    assert ("XX0203", 1, NONE_CLASS) in labelled
    assert [label for place, index, label in labelled if index == 2] in ([], [NONE_CLASS])
    assert Counter(labels)["gain"] == 1


def test_the_same_event_restated_elsewhere_is_labelled_too(extractor: StagedExtractor) -> None:
    text = "Tarrow district fell to the Ash Front on Sunday. Front fighters captured Tarrow district, residents said."
    doc = document(text)
    gold = gold_of("r1", {"kind": "capture", "actor": "front", "admin1": "XX02", "admin2": "XX0202",
                          "quote": "Tarrow district fell to the Ash Front on Sunday"})
    candidates = extractor.candidates(doc)
    assert label_candidates(doc, gold, candidates) == ["gain", "gain"]


def test_a_gold_event_of_another_place_or_an_unscored_kind_labels_nothing(extractor: StagedExtractor) -> None:
    doc = document("Front fighters captured Tarrow district on Sunday.")
    candidates = extractor.candidates(doc)
    elsewhere = gold_of("r1", {"kind": "capture", "actor": "front", "admin1": "XX02", "admin2": "XX0203",
                               "quote": "Front fighters captured Tarrow district"})
    other = gold_of("r1", {"kind": "other", "actor": "front", "admin1": "XX02", "admin2": "XX0202",
                           "quote": "Front fighters captured Tarrow district"})
    assert label_candidates(doc, elsewhere, candidates) == [NONE_CLASS]
    assert label_candidates(doc, other, candidates) == [NONE_CLASS]


def test_a_province_level_gold_event_labels_the_province(extractor: StagedExtractor) -> None:
    doc = document("Soldiers retook Norvale province on Monday.")
    gold = gold_of("r1", {"kind": "recapture", "actor": "government", "admin1": "XX01", "admin2": None,
                          "quote": "Soldiers retook Norvale province"})
    candidates = extractor.candidates(doc)
    assert [c.frame.place.id for c in candidates] == ["XX01"]
    assert label_candidates(doc, gold, candidates) == ["gain"]


def test_the_synthetic_reports_are_labelled_as_their_gold_says(gold_sets: list[GoldSet],
                                                               extractor: StagedExtractor) -> None:
    trainer = Trainer.prepare(extractor, gold_sets)
    assert len(trainer.reports) == 24
    for report in trainer.reports:
        wanted = Counter({"capture": "gain", "recapture": "gain"}.get(e.kind or "", e.kind) for e in report.gold.events)
        got = Counter(label for label in report.labels if label != NONE_CLASS)
        assert got == wanted, report.document.id


# --- folds ------------------------------------------------------------------------------------------


def labelled(set_names: Sequence[str]) -> list[LabelledReport]:
    reports = []
    for i, name in enumerate(set_names):
        doc = Document(id=f"{name}-{i}", text="x", content_hash=str(i))
        reports.append(LabelledReport(name, doc, GoldReport(doc.id, ()), [], []))
    return reports


@settings(max_examples=150, deadline=None)
@given(
    set_names=st.lists(st.sampled_from(["dev", "dev-b", "ukraine", "other"]), min_size=2, max_size=60),
    k=st.integers(min_value=2, max_value=10),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_folds_partition_the_reports_and_spread_every_set(set_names: list[str], k: int, seed: int) -> None:
    reports = labelled(set_names)
    if k > len(reports):
        with pytest.raises(ValueError, match="at most one fold per report"):
            make_folds(reports, k, seed)
        return
    folds = make_folds(reports, k, seed)
    assert len(folds) == k
    dealt = [i for fold in folds for i in fold]
    assert sorted(dealt) == list(range(len(reports)))  # every report once: never in two folds
    assert all(fold == sorted(fold) for fold in folds)
    sizes = [len(fold) for fold in folds]
    assert max(sizes) - min(sizes) <= 1
    for name in set(set_names):
        per_fold = [sum(1 for i in fold if reports[i].set_name == name) for fold in folds]
        assert max(per_fold) - min(per_fold) <= 1, (name, per_fold)  # each set spread evenly
    assert make_folds(reports, k, seed) == folds  # the same seed, the same folds


def test_another_seed_deals_other_folds() -> None:
    reports = labelled(["dev"] * 20)
    assert make_folds(reports, 4, seed=1) != make_folds(reports, 4, seed=2)


def test_fewer_than_two_folds_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 folds"):
        make_folds(labelled(["dev"] * 5), 1)


# --- cross-validation never looks at the held reports ---------------------------------------------


class RecordingExtractor(StagedExtractor):
    """The staged extractor, noting which model decided which report."""

    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        super().__init__(gazetteer, profile)
        self.decided: list[tuple[str, DecisionModel]] = []

    def events_from(self, doc: Document, candidates: Sequence[Candidate], decision: DecisionStage) -> list[Event]:
        model = getattr(decision, "model", None)
        if isinstance(model, DecisionModel):
            self.decided.append((doc.id, model))
        return super().events_from(doc, candidates, decision)


class RecordingTrainer(Trainer):
    """A trainer noting the reports each fitted model learnt from, and each fit asked for."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.trained: list[tuple[DecisionModel, frozenset[str]]] = []
        self.fits: list[frozenset[str]] = []

    def fit(self, indexes: Sequence[int] | None = None, **options: Any) -> DecisionModel:
        self.fits.append(frozenset(self.reports[i].document.id for i in (indexes or range(len(self.reports)))))
        return super().fit(indexes, **options)

    def _train(self, reports: Sequence[LabelledReport], **options: Any) -> DecisionModel:
        model = super()._train(reports, **options)
        self.trained.append((model, frozenset(r.document.id for r in reports)))
        return model

    def learnt_from(self, model: DecisionModel) -> frozenset[str]:
        return next(ids for m, ids in self.trained if m is model)


@pytest.mark.parametrize("threshold", [0.5, None], ids=["threshold-given", "threshold-chosen-inside"])
def test_cross_validation_never_scores_a_report_with_a_model_that_saw_it(
    gold_sets: list[GoldSet], gazetteer: Gazetteer, profile: Profile, threshold: float | None
) -> None:
    extractor = RecordingExtractor(gazetteer, profile)
    trainer = RecordingTrainer.prepare(extractor, gold_sets)
    assert isinstance(trainer, RecordingTrainer)
    everyone = {r.document.id for r in trainer.reports}
    k = 3
    result = trainer.cross_validate(k, threshold=threshold)

    assert len(result.folds) == k and len(trainer.fits) == k
    assert sorted(i for fold in result.folds for i in fold) == sorted(everyone)
    assert set(result.predictions) == everyone
    assert result.sets == {"north": [f"n{i:02d}" for i in range(12)], "south": [f"s{i:02d}" for i in range(12)]}
    # Each fold's model was fitted on exactly the other folds ...
    for held, fitted_on in zip(result.folds, trainer.fits, strict=True):
        assert fitted_on == everyone - set(held)
    # ... and every model trained along the way (the inner ones choosing the
    # threshold too) learnt from the reports of its fit only.
    assert trainer.trained
    fit_of_each = iter(trainer.fits)
    current = next(fit_of_each)
    for _, ids in trainer.trained:
        while not ids <= current:
            current = next(fit_of_each)
        assert ids <= current
    # Every report was decided, only by models that never saw it.
    decided = {doc_id for doc_id, _ in extractor.decided}
    assert decided == everyone
    for doc_id, model in extractor.decided:
        assert doc_id not in trainer.learnt_from(model), doc_id
    if threshold is None:
        assert len(trainer.trained) > k  # inner folds were fitted
        assert all(0.3 <= t <= 0.7 for t in result.thresholds)
    else:
        assert len(trainer.trained) == k and result.thresholds == [0.5] * k
    assert all(0.0 <= p <= 1.0 for p, _ in result.calibration)


def test_a_fit_of_all_reports_records_what_it_learnt_from(gold_sets: list[GoldSet], extractor: StagedExtractor) -> None:
    model = train_model(extractor, gold_sets, threshold=0.5)
    record = model.training
    assert record["reports"] == 24
    assert [s["name"] for s in record["sets"]] == ["north", "south"]
    assert len(record["data_sha256"]) == 64
    assert record["teaching_weight"] > 0
    # It decides the invented reports it learnt from as their gold says, mostly.
    doc = document("Front fighters captured Pell district of Ardenne province on Sunday.")
    decision = LogisticDecision(model)
    events = StagedExtractor(extractor.gazetteer, extractor.profile, decision=decision).extract_batch([doc])[0]
    assert ("capture", "XX0302") in [(e.kind, e.place_id) for e in events]


def test_scores_by_folds_per_set_and_overall(gold_sets: list[GoldSet], extractor: StagedExtractor) -> None:
    scores = evaluate_by_folds(extractor, gold_sets, k=3, threshold=0.5)
    assert scores.folds == 3 and scores.thresholds == [0.5, 0.5, 0.5]
    assert set(scores.per_set) == {"north", "south"}
    data = scores.to_dict()
    assert set(data) == {"folds", "fold_reports", "thresholds", "sets", "overall", "calibration"}
    assert sorted(i for fold in scores.fold_reports for i in fold) == sorted(
        [f"n{i:02d}" for i in range(12)] + [f"s{i:02d}" for i in range(12)]
    )
    assert 0.0 <= scores.overall.overall.f1 <= 1.0


def test_a_fit_on_too_few_reports_is_refused(gold_sets: list[GoldSet], extractor: StagedExtractor) -> None:
    trainer = Trainer.prepare(extractor, gold_sets)
    with pytest.raises(ModelError, match="too little training data: 9 report"):
        trainer.fit(list(range(9)), threshold=0.5)


def test_a_fit_on_gold_without_events_is_refused(gold_sets: list[GoldSet], extractor: StagedExtractor) -> None:
    # However many events the teaching sentences hold, they are not gold.
    trainer = Trainer.prepare(extractor, gold_sets)
    for report in trainer.reports:
        report.labels = [NONE_CLASS] * len(report.labels)
    with pytest.raises(ModelError, match="too little training data: 24 report.* 0 labelled event"):
        trainer.fit(threshold=0.5)
