"""`model`: the decision model, its JSON artifact, and fitting it.

Specification:

- a model is two linear layers (is it an event; which kind), a threshold and a
  record of what it was trained on; its version is a digest of its weights;
- saved and loaded again it gives every probability exactly as before;
- an artifact that cannot be used is refused with a `ModelError` saying why:
  not a model, another format version, not JSON, damaged (missing fields,
  wrong shapes, unexpected classes), or weights that do not match the version
  (tampered with);
- `train` refuses too little data (too few reports, too few labelled events of
  full weight) and says which;
- the built-in model loads from the package, with no network.
"""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path
from typing import Any

import pytest

import frontlines.extract.model as model_module
from frontlines.extract.frames import FRAME_CLASSES
from frontlines.extract.model import (
    FORMAT,
    FORMAT_VERSION,
    MIN_POSITIVE_EXAMPLES,
    MIN_REPORTS,
    NONE_CLASS,
    DecisionModel,
    LinearLayer,
    ModelError,
    builtin_model,
    load_model,
    model_from_json,
    train,
)

from .conftest import tiny_model

FEATURE_SETS = [
    [],
    ["bias"],
    ["bias", "selected=1"],
    ["bias", "selected=1", "tkind=capture"],
    ["bias", "selected=1", "tkind=siege", "hedge"],
    ["bias", "tkind=withdrawal", "never-seen-feature"],
]


def synthetic_examples(n: int = 300, seed: int = 5) -> list[tuple[list[str], str]]:
    """Frames whose class their features tell, with some noise."""
    rng = random.Random(seed)
    examples = []
    for _ in range(n):
        label = rng.choice(["none", "none", "gain", "siege", "withdrawal"])
        selected = label != "none" if rng.random() < 0.9 else label == "none"
        tkind = {"gain": "capture", "siege": "siege", "withdrawal": "withdrawal"}.get(label) or rng.choice(
            ["capture", "siege", "withdrawal"]
        )
        features = ["bias", f"selected={int(selected)}", f"tkind={tkind}"]
        if rng.random() < 0.2:
            features.append("hedge")
        examples.append((features, label))
    return examples


@pytest.fixture(scope="module")
def trained() -> DecisionModel:
    return train(synthetic_examples(), reports=MIN_REPORTS, threshold=0.45, training={"purpose": "tests"})


# --- the model -----------------------------------------------------------------------------


def test_probabilities_are_none_then_each_kind_and_sum_to_one() -> None:
    model = tiny_model()
    assert model.classes == (NONE_CLASS, "gain", "siege", "withdrawal")
    for features in FEATURE_SETS:
        probabilities = model.probabilities(features)
        assert len(probabilities) == len(model.classes)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert sum(probabilities) == pytest.approx(1.0)


def test_unknown_features_weigh_nothing() -> None:
    model = tiny_model()
    assert model.probabilities(["bias", "selected=1", "words-never-seen"]) == model.probabilities(
        ["bias", "selected=1"]
    )


def test_the_version_is_a_digest_of_the_weights() -> None:
    assert tiny_model().version == tiny_model().version
    assert tiny_model().version.startswith(f"decision.v{FORMAT_VERSION}@")
    other = tiny_model()
    other.event.weights["selected=1"] = [-1.0, 1.0]
    assert DecisionModel(other.event, other.kind, other.threshold).version != tiny_model().version
    assert tiny_model(threshold=0.6).version != tiny_model(threshold=0.5).version


# --- the artifact ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["by hand", "trained"])
def test_a_saved_model_loads_with_every_probability_kept(tmp_path: Path, trained: DecisionModel,
                                                         which: str) -> None:
    model = tiny_model() if which == "by hand" else trained
    path = tmp_path / "models" / "decision.json"
    model.save(path)
    assert not list(path.parent.glob("*.tmp"))
    loaded = load_model(path)
    assert loaded.version == model.version
    assert loaded.threshold == model.threshold
    assert loaded.classes == model.classes
    assert loaded.training == json.loads(json.dumps(model.training))
    features = FEATURE_SETS + [list(model.event.weights)] + [[f] for f in model.kind.weights]
    for feature_set in features:
        assert loaded.probabilities(feature_set) == model.probabilities(feature_set)
    assert loaded.to_json() == json.loads(path.read_text(encoding="utf-8"))


def artifact(tmp_path: Path, change: Any = None) -> Path:
    """A saved model, its JSON changed by `change` (a function of the dict)."""
    data = tiny_model().to_json()
    if change is not None:
        change(data)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_artifact_of_another_format_version_is_refused(tmp_path: Path) -> None:
    path = artifact(tmp_path, lambda d: d.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelError, match=rf"format version {FORMAT_VERSION + 1}.*reads version {FORMAT_VERSION}"):
        load_model(path)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": "frontlines.decision-model", "weights": [1, 2', encoding="utf-8")
    with pytest.raises(ModelError, match=r"model\.json: damaged decision model \(not JSON"):
        load_model(path)


@pytest.mark.parametrize("data", [[1, 2, 3], {"format": "something-else"}, {"event": {}}])
def test_json_that_is_no_decision_model_is_refused(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match=f"not a frontlines decision model.*{FORMAT}"):
        load_model(path)


def test_a_tampered_weight_is_refused_for_not_matching_the_version(tmp_path: Path) -> None:
    def tamper(data: dict[str, Any]) -> None:
        data["event"]["weights"]["selected=1"][1] += 0.25

    with pytest.raises(ModelError, match="weights do not match its version"):
        load_model(artifact(tmp_path, tamper))


def test_a_tampered_threshold_is_refused_too(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="weights do not match its version"):
        load_model(artifact(tmp_path, lambda d: d.update(threshold=0.1)))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d.pop("event"), "KeyError: 'event'"),
        (lambda d: d.pop("kind"), "KeyError: 'kind'"),
        (lambda d: d.pop("version"), "KeyError: 'version'"),
        (lambda d: d["kind"].pop("intercept"), "KeyError: 'intercept'"),
        (lambda d: d["event"]["weights"].update({"bias": [1.0]}), "wrong length"),
        (lambda d: d["event"].update(weights=[1, 2]), "AttributeError"),
        (lambda d: d["event"]["intercept"].__setitem__(0, "heavy"), "ValueError"),
        (lambda d: d["event"].update(classes=["none", "gain"], intercept=[0, 0]), "unexpected classes"),
    ],
)
def test_a_damaged_artifact_is_refused_saying_what_is_wrong(tmp_path: Path, change: Any, says: str) -> None:
    with pytest.raises(ModelError, match="damaged decision model") as error:
        load_model(artifact(tmp_path, change))
    assert says in str(error.value)
    assert str(tmp_path / "model.json") in str(error.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read decision model"):
        load_model(tmp_path / "nowhere.json")


def test_model_from_json_names_the_origin_it_is_given() -> None:
    with pytest.raises(ModelError, match="^<somewhere>: "):
        model_from_json({"format": "other"}, "<somewhere>")


# --- training ----------------------------------------------------------------------------------


def test_train_fits_both_layers_and_records_what_it_learnt_from(trained: DecisionModel) -> None:
    assert set(trained.event.classes) == {NONE_CLASS, "event"}
    assert set(trained.kind.classes) == {"gain", "siege", "withdrawal"}
    assert trained.threshold == 0.45
    record = trained.training
    assert record["reports"] == MIN_REPORTS and record["examples"] == 300
    assert record["events"] == sum(1 for _, label in synthetic_examples() if label != NONE_CLASS)
    assert record["purpose"] == "tests" and "created" in record
    # It learnt what the features tell.
    siege = dict(zip(trained.classes, trained.probabilities(["bias", "selected=1", "tkind=siege"]), strict=True))
    assert max(siege, key=lambda c: siege[c]) == "siege"
    none = dict(zip(trained.classes, trained.probabilities(["bias", "selected=0", "tkind=siege"]), strict=True))
    assert none[NONE_CLASS] > 0.5


def test_train_is_deterministic() -> None:
    first = train(synthetic_examples(), reports=MIN_REPORTS)
    second = train(synthetic_examples(), reports=MIN_REPORTS)
    assert first.to_json()["event"] == second.to_json()["event"]
    assert first.version == second.version


def test_a_feature_seen_once_is_not_learnt() -> None:
    examples = synthetic_examples()
    examples[0] = ([*examples[0][0], "seen-once"], examples[0][1])
    model = train(examples, reports=MIN_REPORTS)
    assert "seen-once" not in model.event.weights and "seen-once" not in model.kind.weights


def test_one_kind_only_needs_no_kind_layer_fitted() -> None:
    examples = [(["bias", "selected=1"], "gain")] * MIN_POSITIVE_EXAMPLES + [(["bias", "selected=0"], "none")] * 40
    model = train(examples, reports=MIN_REPORTS)
    assert model.kind.classes == ("gain",)
    assert model.classes == (NONE_CLASS, "gain")


def test_too_few_reports_are_refused() -> None:
    with pytest.raises(ModelError, match=rf"too little training data: {MIN_REPORTS - 1} report\(s\)") as error:
        train(synthetic_examples(), reports=MIN_REPORTS - 1)
    assert f"at least {MIN_REPORTS} reports" in str(error.value)


def test_too_few_events_are_refused() -> None:
    examples = [(["bias", "selected=1"], "gain")] * (MIN_POSITIVE_EXAMPLES - 1)
    examples += [(["bias", "selected=0"], "none")] * 200
    with pytest.raises(ModelError, match=rf"{MIN_POSITIVE_EXAMPLES - 1} labelled event frame\(s\)") as error:
        train(examples, reports=50)
    assert f"{MIN_POSITIVE_EXAMPLES} events" in str(error.value)


def test_teaching_examples_do_not_count_as_enough_data() -> None:
    gold = [(["bias", "selected=1"], "gain")] * 5 + [(["bias", "selected=0"], "none")] * 20
    taught = synthetic_examples()
    examples = gold + taught
    weights = [1.0] * len(gold) + [1.0] * len(taught)
    with pytest.raises(ModelError, match="5 labelled event frame"):
        train(examples, reports=50, weights=weights, taught=len(taught))
    model = train(synthetic_examples() + taught, reports=50, taught=len(taught))
    assert model.training["examples"] == 300 and model.training["teaching_examples"] == len(taught)


# --- the built-in model ----------------------------------------------------------------------


def test_the_builtin_model_loads_from_the_package_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the built-in model must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(model_module, "_builtin", None)  # read it afresh
    model = builtin_model()
    assert model.version.startswith(f"decision.v{FORMAT_VERSION}@")
    assert set(model.classes) == {NONE_CLASS, *FRAME_CLASSES}
    assert 0.0 < model.threshold < 1.0
    assert model.training.get("reports", 0) >= MIN_REPORTS
    assert builtin_model() is model  # read once


def test_a_linear_layer_is_a_softmax() -> None:
    layer = LinearLayer(("a", "b"), {"x": [1.0, -1.0]}, [0.0, 0.0])
    assert layer.softmax([]) == [0.5, 0.5]
    a, b = layer.softmax(["x"])
    assert a > b and a + b == pytest.approx(1.0)
    # Large scores do not overflow.
    big = LinearLayer(("a", "b"), {"x": [800.0, 0.0]}, [0.0, 0.0])
    assert big.softmax(["x"]) == pytest.approx([1.0, 0.0])
