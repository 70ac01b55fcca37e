"""Document → Events, behind a small component interface.

Extractors are registered by versioned name in the same registry a plug-in
uses: a third-party package exposes a factory under the
`frontlines.extractors` entry-point group, or calls `register`. A factory
takes the gazetteer and the profile and returns an `Extractor`: an object
with a `name` and `extract_batch(documents, config)`, which returns one list
of events per document, in order.

Importing this package pulls in neither the database nor the GIS stack:
extraction is a pure step (Document → Events).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from ..models import Document, Event
from ..profile import Profile

DEFAULT_EXTRACTOR = "staged.v1"


@dataclass(frozen=True)
class ExtractionConfig:
    """How to extract, beyond which extractor: the workspace's choice, or a caller's.

    - `model`: path of a decision-model artifact (`frontlines train`); None
      means the extractor's built-in model.
    - `threshold`: the least probability an event needs to be kept; None
      means the model's own.
    - `stages`: stage implementations to use instead of the built-in ones, by
      stage and registered name (`{"decision": "mymodel.v1"}`).
    """

    model: str | None = None
    threshold: float | None = None
    stages: Mapping[str, str] = field(default_factory=dict)


DEFAULT_CONFIG = ExtractionConfig()


class Extractor(Protocol):
    name: str

    def extract_batch(
        self, documents: Sequence[Document], config: ExtractionConfig = DEFAULT_CONFIG
    ) -> list[list[Event]]: ...


ExtractorFactory = Callable[[Any, Profile], Extractor]
_REGISTRY: dict[str, ExtractorFactory] = {}


def register(name: str) -> Callable[[ExtractorFactory], ExtractorFactory]:
    """Register an extractor factory under a versioned name (e.g. `llm.v1`)."""

    def decorator(factory: ExtractorFactory) -> ExtractorFactory:
        _REGISTRY[name] = factory
        return factory

    return decorator


def _load_plugins() -> None:
    for entry in entry_points(group="frontlines.extractors"):
        if entry.name not in _REGISTRY:
            _REGISTRY[entry.name] = entry.load()


def available_extractors() -> list[str]:
    _load_plugins()
    return sorted(_REGISTRY)


def get_extractor(name: str, gazetteer: Any, profile: Profile) -> Extractor:
    if name not in _REGISTRY:
        _load_plugins()
    if name not in _REGISTRY:
        raise KeyError(f"unknown extractor {name!r} (available: {', '.join(available_extractors())})")
    return _REGISTRY[name](gazetteer, profile)


@register("staged.v1")
def _staged_v1(gazetteer: Any, profile: Profile) -> Extractor:
    """The built-in extractor: deterministic stages propose frames, a model fitted
    on gold decides (see `staged`)."""
    from .staged import StagedExtractor

    return StagedExtractor(gazetteer, profile)


def extract_documents(
    documents: Sequence[Document],
    gazetteer: Any,
    profile: Profile,
    extractor: str = DEFAULT_EXTRACTOR,
    config: ExtractionConfig = DEFAULT_CONFIG,
) -> list[list[Event]]:
    """Events of each document, in order (one batch)."""
    return get_extractor(extractor, gazetteer, profile).extract_batch(documents, config)


def extract_document(
    doc: Document,
    gazetteer: Any,
    profile: Profile,
    extractor: str = DEFAULT_EXTRACTOR,
    config: ExtractionConfig = DEFAULT_CONFIG,
) -> list[Event]:
    return extract_documents([doc], gazetteer, profile, extractor, config)[0]


def read_corpus(path: Path, on_problem: Callable[[Any], None] | None = None) -> Iterator[Document]:
    """Documents from a corpus JSONL file in the ../shared/eval layout.

    Lines that cannot be read are not dropped silently: each problem (a
    `documents.SourceError` or `SourceWarning`, naming the file and line) goes
    to `on_problem`.
    """
    from ..sources.documents import read_source

    for item in read_source(path):
        if isinstance(item, Document):
            yield item
        elif on_problem is not None:
            on_problem(item)


def in_batches(items: Iterable[Document], size: int = 64) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_corpus(
    path: Path,
    gazetteer: Any,
    profile: Profile,
    extractor: str = DEFAULT_EXTRACTOR,
    on_problem: Callable[[Any], None] | None = None,
    config: ExtractionConfig = DEFAULT_CONFIG,
) -> Iterator[tuple[str, list[Event]]]:
    """(document id, events) for every report of a corpus file, in file order."""
    component = get_extractor(extractor, gazetteer, profile)
    for batch in in_batches(read_corpus(path, on_problem)):
        for doc, events in zip(batch, component.extract_batch(batch, config), strict=True):
            yield doc.id, events


def events_to_jsonl(results: Iterator[tuple[str, list[Event]]]) -> Iterator[str]:
    for doc_id, events in results:
        yield json.dumps({"document": doc_id, "events": [e.to_dict() for e in events]}, ensure_ascii=False)
