"""Glue between the pure steps and the store: extraction over documents.

Extraction itself needs no database (Document → Events); these functions
fetch what it needs from a workspace and write its results back, each
document in the caller's transaction so nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from .extract import DEFAULT_EXTRACTOR, get_extractor
from .models import Document, Event
from .places.gazetteer import Gazetteer
from .places.workspace import load_gazetteer
from .profile import Profile
from .store import Workspace, documents, iter_documents, orphaned_decisions, replace_events
from .timeline_store import has_admin_units, recompute_all, recompute_documents

if TYPE_CHECKING:
    from .documents import SourceProblem


def workspace_gazetteer(ws: Workspace) -> Gazetteer:
    with ws.connect() as conn:
        return load_gazetteer(conn, ws.profile)


def extract_file(
    path: Path,
    gazetteer: Any,
    profile: Profile,
    *,
    published: str | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    on_problem: Callable[[SourceProblem], None] | None = None,
) -> Iterator[tuple[Document, list[Event]]]:
    """(document, events) for every report in one file, in file order (`frontlines extract`).

    Any file `documents.read_source` reads works: one report, or a JSON/JSONL
    corpus of many. `published` (ISO) dates the reports that carry no date of
    their own. Nothing is dropped silently: each report that cannot be read
    (a `SourceError`) and each repair (a `SourceWarning`) goes to
    `on_problem`, and the rest of the file goes on.
    """
    from .documents import SourceProblem, read_source

    component = get_extractor(extractor, gazetteer, profile)
    for item in read_source(path):
        if isinstance(item, Document):
            doc = item if item.published or not published else replace(item, published=published)
            yield doc, component.extract_batch([doc])[0]
        elif isinstance(item, SourceProblem) and on_problem is not None:
            on_problem(item)


class StoreExtraction:
    """The ingest hook: extract a new document's events, store them with it, and
    recompute the timeline of the units they touch (all in the document's
    transaction). `recompute=False` leaves the timeline for one full rebuild."""

    def __init__(self, ws: Workspace, extractor: str = DEFAULT_EXTRACTOR, recompute: bool = True):
        self.ws = ws
        self.recompute = recompute
        self.extractor_name = extractor
        self._component: Any = None
        self.events = 0

    def __call__(self, conn: Connection, doc: Document) -> None:
        if self._component is None:
            gazetteer = load_gazetteer(conn, self.ws.profile)
            self._component = get_extractor(self.extractor_name, gazetteer, self.ws.profile)
        events = self._component.extract_batch([doc])[0]
        replace_events(conn, doc.id, events)
        self.events += len(events)
        if self.recompute and has_admin_units(conn):
            # Without boundaries there is no map to keep: events are stored all the
            # same, and the timeline is built once units are imported.
            recompute_documents(conn, self.ws.profile, [doc.id])


@dataclass(frozen=True)
class Reextraction:
    documents: int
    events: int
    orphaned_decisions: list[str]


class ReextractInterrupted(KeyboardInterrupt):
    """Ctrl-C during a re-extraction: the documents done so far keep their new
    events (each was its own transaction), the rest keep their old ones; running
    `reextract` again finishes the job, and the timeline rebuilds itself on the
    next read."""

    def __init__(self, done: int, total: int):
        super().__init__(f"re-extracted {done} of {total} documents")
        self.done = done
        self.total = total


def reextract_all(
    ws: Workspace,
    extractor: str = DEFAULT_EXTRACTOR,
    on_progress: Callable[[int, int], None] | None = None,
) -> Reextraction:
    """Re-run extraction over every stored document, one transaction each, then
    rebuild the timeline once. Decisions whose event is gone are reported."""
    hook = StoreExtraction(ws, extractor, recompute=False)
    with ws.connect() as conn:
        ids = [d.id for d in iter_documents(conn)]
    count = 0
    try:
        for doc_id in ids:
            with ws.begin() as conn:
                doc = next(iter_documents(conn, [doc_id]))
                hook(conn, doc)
            count += 1
            if on_progress is not None:
                on_progress(count, len(ids))
    except KeyboardInterrupt as exc:
        raise ReextractInterrupted(count, len(ids)) from exc
    with ws.begin() as conn:
        if has_admin_units(conn):
            recompute_all(conn, ws.profile)
        orphans = orphaned_decisions(conn)
    return Reextraction(count, hook.events, orphans)


def refresh_after_gazetteer_change(ws: Workspace) -> Reextraction | None:
    """Events name places of the gazetteer they were extracted with; when the
    gazetteer changes (boundaries imported, places added), stored documents are
    read again so that no event points at a place that is gone or misses one
    that came. Nothing to do in an empty workspace."""
    with ws.connect() as conn:
        if conn.execute(select(documents.c.id).limit(1)).first() is None:
            return None
    return reextract_all(ws)
