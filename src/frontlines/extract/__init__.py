"""Document → Events, behind a small component interface.

Extractors are registered by versioned name (`rules.v1` is the built-in one)
in the same registry a plug-in uses: a third-party package exposes a factory
under the `frontlines.extractors` entry-point group, or calls `register`.
A factory takes the gazetteer and the profile and returns an object with a
`name` and an `extract(document) -> list[Event]` method.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from ..models import Document, Event
from ..profile import Profile

DEFAULT_EXTRACTOR = "rules.v1"


class Extractor(Protocol):
    name: str

    def extract(self, doc: Document) -> list[Event]: ...


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


@register("rules.v1")
def _rules_v1(gazetteer: Any, profile: Profile) -> Extractor:
    from .rules import RulesExtractor

    return RulesExtractor(gazetteer, profile)


def extract_document(
    doc: Document, gazetteer: Any, profile: Profile, extractor: str = DEFAULT_EXTRACTOR
) -> list[Event]:
    return get_extractor(extractor, gazetteer, profile).extract(doc)


def read_corpus(path: Path, on_problem: Callable[[Any], None] | None = None) -> Iterator[Document]:
    """Documents from a corpus JSONL file in the ../shared/eval layout.

    Lines that cannot be read are not dropped silently: each problem (a
    `documents.SourceError` or `SourceWarning`, naming the file and line) goes
    to `on_problem`.
    """
    from ..documents import read_source

    for item in read_source(path):
        if isinstance(item, Document):
            yield item
        elif on_problem is not None:
            on_problem(item)


def extract_corpus(
    path: Path,
    gazetteer: Any,
    profile: Profile,
    extractor: str = DEFAULT_EXTRACTOR,
    on_problem: Callable[[Any], None] | None = None,
) -> Iterator[tuple[str, list[Event]]]:
    """(document id, events) for every report of a corpus file, in file order."""
    component = get_extractor(extractor, gazetteer, profile)
    for doc in read_corpus(path, on_problem):
        yield doc.id, component.extract(doc)


def events_to_jsonl(results: Iterator[tuple[str, list[Event]]]) -> Iterator[str]:
    for doc_id, events in results:
        yield json.dumps({"document": doc_id, "events": [e.to_dict() for e in events]}, ensure_ascii=False)
