"""The decision model: a multinomial logistic regression over frame features.

It is fitted with scikit-learn (`train`, imported lazily: extraction never
needs it) and kept as a plain JSON artifact: the weights of every feature
for every class, the intercepts, the probability threshold, and a record of
what it was trained on (the sha256 of the gold and corpus files, how many
reports and examples). JSON rather than a pickle: loading an artifact must
never run code, and a reader can see what the model learnt.

An artifact names its format and format version; a file of another format or
version, or a damaged one, is refused with a `ModelError` saying which.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT = "frontlines.decision-model"
FORMAT_VERSION = 1
NONE_CLASS = "none"
EVENT_CLASS = "event"
BUILTIN_MODEL = "decision.v1.json"
# Fewer labelled events than this and a model learns the reports, not the language.
MIN_POSITIVE_EXAMPLES = 25
MIN_REPORTS = 10


class ModelError(ValueError):
    """A model artifact cannot be used, or training data cannot make one; says why."""


@dataclass
class LinearLayer:
    """A multinomial logistic regression: a weight per feature and class, an intercept per class."""

    classes: tuple[str, ...]
    weights: dict[str, list[float]]
    intercept: list[float]

    def softmax(self, features: Iterable[str]) -> list[float]:
        """Probabilities of the classes; unknown features weigh nothing."""
        scores = list(self.intercept)
        n = len(scores)
        weights = self.weights
        for feature in features:
            row = weights.get(feature)
            if row is not None:
                for i in range(n):
                    scores[i] += row[i]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "intercept": self.intercept,
            "weights": dict(sorted(self.weights.items())),
        }


@dataclass
class DecisionModel:
    """Two layers: is a frame an event (`event`: none / event), and if so of which
    class (`kind`, fitted on the events only). Split so that every labelled event
    teaches the first, however rare its kind, while the second learns what tells
    the kinds apart."""

    event: LinearLayer
    kind: LinearLayer
    threshold: float = 0.5
    training: dict[str, Any] = field(default_factory=dict)
    version: str = ""

    def __post_init__(self) -> None:
        if not self.version:
            self.version = f"decision.v{FORMAT_VERSION}@{self.digest()[:8]}"

    @property
    def classes(self) -> tuple[str, ...]:
        return (NONE_CLASS, *self.kind.classes)

    def digest(self) -> str:
        body = json.dumps([self.event.to_json(), self.kind.to_json(), self.threshold], sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()

    def probabilities(self, features: Sequence[str]) -> list[float]:
        """P(none), then P(kind) = P(event) x P(kind | event), in `classes` order."""
        p_event = self.event.softmax(features)[self.event.classes.index(EVENT_CLASS)]
        return [1.0 - p_event, *(p_event * p for p in self.kind.softmax(features))]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "threshold": self.threshold,
            "event": self.event.to_json(),
            "kind": self.kind.to_json(),
            "training": self.training,
        }

    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)  # never a half-written artifact


def _layer(data: Any) -> LinearLayer:
    classes = tuple(str(c) for c in data["classes"])
    intercept = [float(x) for x in data["intercept"]]
    weights = {str(k): [float(x) for x in v] for k, v in data["weights"].items()}
    if len(intercept) != len(classes) or any(len(row) != len(classes) for row in weights.values()):
        raise ValueError("a weight row has the wrong length")
    return LinearLayer(classes, weights, intercept)


def model_from_json(data: Any, origin: str) -> DecisionModel:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{origin}: not a frontlines decision model (no 'format': {FORMAT!r})")
    if data.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{origin}: decision model of format version {data.get('format_version')!r}; "
            f"this frontlines reads version {FORMAT_VERSION} (retrain it with 'frontlines train')"
        )
    try:
        event = _layer(data["event"])
        kind = _layer(data["kind"])
        threshold = float(data.get("threshold", 0.5))
        training = dict(data.get("training") or {})
        version = str(data["version"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(f"{origin}: damaged decision model ({exc.__class__.__name__}: {exc})") from exc
    if set(event.classes) != {NONE_CLASS, EVENT_CLASS} or NONE_CLASS in kind.classes:
        raise ModelError(f"{origin}: damaged decision model (unexpected classes)")
    model = DecisionModel(event, kind, threshold, training, version)
    expected = f"decision.v{FORMAT_VERSION}@{model.digest()[:8]}"
    if version != expected:
        raise ModelError(f"{origin}: damaged decision model (its weights do not match its version {version})")
    return model


def load_model(path: Path | str) -> DecisionModel:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{path}: cannot read decision model ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"{path}: damaged decision model (not JSON: {exc.msg} at line {exc.lineno})"
        ) from exc
    return model_from_json(data, str(path))


_builtin: DecisionModel | None = None


def builtin_model() -> DecisionModel:
    """The model shipped with frontlines (trained by `make model` on ../shared/eval)."""
    global _builtin
    if _builtin is None:
        resource = resources.files("frontlines.extract") / "models" / BUILTIN_MODEL
        try:
            data = json.loads(resource.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"built-in decision model {BUILTIN_MODEL}: cannot be read ({exc})") from exc
        _builtin = model_from_json(data, f"built-in {BUILTIN_MODEL}")
    return _builtin


def files_digest(paths: Sequence[Path]) -> str:
    """sha256 over the training files' bytes, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def train(
    examples: Sequence[tuple[Sequence[str], str]],
    *,
    reports: int,
    regularisation: float = 0.3,
    min_count: int = 2,
    threshold: float = 0.5,
    training: Mapping[str, Any] | None = None,
    class_weight: Any = None,
    weights: Sequence[float] | None = None,
    taught: int = 0,
) -> DecisionModel:
    """Fit the model on labelled frames (features, class); refuse too little data.

    Features seen fewer than `min_count` times are dropped: a feature seen once
    is a fact about one sentence. `regularisation` is scikit-learn's C (smaller
    is stronger). `weights` weigh each example (1.0 each by default); the
    last `taught` examples are teaching sentences, left out when judging
    whether there is enough data.
    """
    weights = list(weights) if weights is not None else [1.0] * len(examples)
    # Too little data is judged on the gold frames, not the teaching ones (the last `taught`).
    gold_examples = examples[: len(examples) - taught]
    positives = sum(1 for _, label in gold_examples if label != NONE_CLASS)
    if reports < MIN_REPORTS or positives < MIN_POSITIVE_EXAMPLES:
        raise ModelError(
            f"too little training data: {reports} report(s) and {positives} labelled event frame(s); "
            f"a model needs at least {MIN_REPORTS} reports and {MIN_POSITIVE_EXAMPLES} events"
        )
    kinds = sorted({label for _, label in examples} - {NONE_CLASS})
    event_layer = _fit_layer(
        [(f, EVENT_CLASS if label != NONE_CLASS else NONE_CLASS) for f, label in examples],
        weights,
        regularisation,
        min_count,
        class_weight,
    )
    events = [(i, f, label) for i, (f, label) in enumerate(examples) if label != NONE_CLASS]
    if len(kinds) == 1:
        kind_layer = LinearLayer((kinds[0],), {}, [0.0])
    else:
        kind_layer = _fit_layer(
            [(f, label) for _, f, label in events],
            [weights[i] for i, _, _ in events],
            regularisation,
            min_count,
            None,
        )
    record = {
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reports": reports,
        "examples": len(gold_examples),
        "events": positives,
        "teaching_examples": taught,
        "regularisation": regularisation,
        **(training or {}),
    }
    return DecisionModel(event_layer, kind_layer, threshold, record)


def _fit_layer(
    examples: Sequence[tuple[Sequence[str], str]],
    weights: Sequence[float],
    regularisation: float,
    min_count: int,
    class_weight: Any,
) -> LinearLayer:
    """One multinomial logistic regression, fitted by scikit-learn."""
    from collections import Counter

    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: Counter[str] = Counter(f for features, _ in examples for f in set(features))
    vocabulary = sorted(f for f, c in counts.items() if c >= min_count)
    index = {f: i for i, f in enumerate(vocabulary)}
    rows, cols = [], []
    for r, (features, _) in enumerate(examples):
        for f in set(features):
            i = index.get(f)
            if i is not None:
                rows.append(r)
                cols.append(i)
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(vocabulary)))
    y = [label for _, label in examples]
    fitted = LogisticRegression(C=regularisation, max_iter=5000, class_weight=class_weight)
    fitted.fit(matrix, y, sample_weight=np.asarray(weights, dtype=float))
    classes = tuple(str(c) for c in fitted.classes_)
    coef = fitted.coef_
    intercept = [round(float(x), 6) for x in fitted.intercept_]
    if len(classes) == 2:
        # scikit-learn keeps one row for two classes: expand it to a softmax over both.
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = [round(-intercept[0] / 2, 6), round(intercept[0] / 2, 6)]
    # Rounded once here, so the version digest is that of the weights saved.
    rows_by_feature = {
        feature: [round(float(coef[c][i]), 6) for c in range(len(classes))]
        for feature, i in index.items()
        if any(abs(coef[c][i]) > 1e-6 for c in range(len(classes)))
    }
    return LinearLayer(classes, rows_by_feature, intercept)
