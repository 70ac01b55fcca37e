"""Glue between the pure steps and the store: extraction over documents.

Extraction itself needs no database (Document → Events); these functions
fetch what it needs from a workspace and write its results back, each
document in the caller's transaction so nothing is half-written.

Which extractor (and which decision-model artifact) a workspace extracts
with is the workspace's choice, recorded in its store (`store.ExtractionChoice`):
ingest, the API's upload and `reextract` all read it, so one workspace never
mixes extractors by accident. Only `init_workspace` and `reextract_all` change it;
ingest records it in a workspace that never chose (see `StoreExtraction`).
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .extract import DEFAULT_EXTRACTOR, ExtractionConfig, available_extractors, get_extractor
from .models import Document, Event, Statement
from .places.gazetteer import Gazetteer
from .places.workspace import load_gazetteer
from .profile import Profile
from .store import (
    Connection,
    ExtractionChoice,
    Workspace,
    get_extraction_choice,
    has_documents,
    iter_documents,
    orphaned_decisions,
    recorded_extraction_choice,
    replace_events,
    replace_statements,
    set_extraction_choice,
)

if TYPE_CHECKING:
    from .sources.documents import SourceProblem


class ExtractionChoiceError(ValueError):
    """An extractor name nobody registered, or a model file that is not there."""


def check_extractor(name: str) -> None:
    """Raise `ExtractionChoiceError` naming `name` and the registered extractors if it is unknown."""
    known = available_extractors()
    if name not in known:
        raise ExtractionChoiceError(f"unknown extractor {name!r} (available: {', '.join(known)})")


def resolve_choice(current: ExtractionChoice, extractor: str | None = None,
                   model: str | Path | None = None) -> ExtractionChoice:
    """The extraction choice the options `--extractor` and `--model` ask for, checked.

    What the options say is what you get: `extractor` alone means that
    extractor with its built-in model; `model` alone keeps the current
    extractor with that model file; neither keeps `current`. A model path is
    made absolute, so the workspace finds it from any folder. Raises
    `ExtractionChoiceError` for an unknown extractor or a missing model file.
    """
    if extractor is None and model is None:
        chosen = current
    else:
        path = None
        if model is not None:
            resolved = Path(model).expanduser().resolve()
            if not resolved.is_file():
                raise ExtractionChoiceError(f"model file {str(model)!r} not found")
            path = str(resolved)
        chosen = ExtractionChoice(extractor or current.extractor, path)
    check_extractor(chosen.extractor)
    return chosen


def workspace_extraction(ws: Workspace) -> ExtractionChoice:
    """The extractor and model the workspace extracts with (`DEFAULT_EXTRACTOR` if it never chose)."""
    with ws.connect() as conn:
        return get_extraction_choice(conn, DEFAULT_EXTRACTOR)


def init_workspace(path: Path, profile: str | None = None,
                   extractor: str | None = None, database: str | None = None) -> Workspace:
    """Create (or re-open) a workspace and record its extractor (`frontlines init`).

    `extractor` (with its built-in model) replaces the recorded choice; without
    one, the current choice is kept, and a new workspace records
    `DEFAULT_EXTRACTOR`, so that a later change of the default does not move it.
    An unknown extractor raises `ExtractionChoiceError` before anything is written.
    `database` is `Workspace.init`'s.
    """
    if extractor is not None:
        check_extractor(extractor)
    ws = Workspace.init(path, profile, database)
    with ws.begin() as conn:
        if extractor is not None:
            set_extraction_choice(conn, ExtractionChoice(extractor))
        elif recorded_extraction_choice(conn) is None:
            set_extraction_choice(conn, ExtractionChoice(DEFAULT_EXTRACTOR))
    return ws


def workspace_gazetteer(ws: Workspace) -> Gazetteer:
    with ws.connect() as conn:
        return load_gazetteer(conn, ws.profile)


def extract_file(
    path: Path,
    gazetteer: Any,
    profile: Profile,
    *,
    published: str | None = None,
    choice: ExtractionChoice | None = None,
    on_problem: Callable[[SourceProblem], None] | None = None,
    workers: ExtractionWorkers | None = None,
) -> Iterator[tuple[Document, list[Event]]]:
    """(document, events) for every report in one file, in file order (`frontlines extract`).

    With `workers` (a process pool, a Dask cluster), chunks of reports are
    extracted there, a few chunks ahead, and given back in file order: the
    events are the same as in this process. A file of fewer than
    `EXTRACT_CHUNK` reports never starts them.

    Any file `documents.read_source` reads works: one report, or a JSON/JSONL
    corpus of many. `published` (ISO) dates the reports that carry no date of
    their own. Nothing is dropped silently: each report that cannot be read
    (a `SourceError`) and each repair (a `SourceWarning`) goes to
    `on_problem`, and the rest of the file goes on. `choice` says which
    extractor and model (`workspace_extraction` gives the workspace's);
    None means `DEFAULT_EXTRACTOR` with its built-in model.
    """
    from .sources.documents import SourceProblem, read_source

    choice = choice or ExtractionChoice(DEFAULT_EXTRACTOR)
    component = get_extractor(choice.extractor, gazetteer, profile)
    config = ExtractionConfig(model=choice.model)
    chunk: list[Document] = []
    pending: deque[tuple[list[Document], ResultHandle]] = deque()
    started = False
    try:
        for item in read_source(path):
            if isinstance(item, SourceProblem):
                if on_problem is not None:
                    on_problem(item)
                continue
            doc = item if item.published or not published else replace(item, published=published)
            if workers is None:
                yield doc, component.extract_batch([doc], config)[0]
                continue
            chunk.append(doc)
            if len(chunk) < EXTRACT_CHUNK:
                continue
            if not started:
                workers.start(component, config)
                started = True
            pending.append((chunk, workers.submit(chunk)))
            chunk = []
            while len(pending) > EXTRACT_AHEAD:
                yield from _results_of(*pending.popleft())
        while pending:
            yield from _results_of(*pending.popleft())
        for doc in chunk:  # the tail, or a file too small for workers
            yield doc, component.extract_batch([doc], config)[0]
    finally:
        if started and workers is not None:
            workers.close()


# `frontlines extract` with workers: reports per chunk sent out, and chunks kept
# in flight (enough to keep every worker busy while results are printed).
EXTRACT_CHUNK = 16
EXTRACT_AHEAD = 8


def _results_of(docs: list[Document], handle: ResultHandle) -> Iterator[tuple[Document, list[Event]]]:
    for doc, extracted in zip(docs, handle.result(), strict=True):
        yield doc, extracted.events


def statements_of(component: Any, doc: Document,
                  config: ExtractionConfig) -> list[Statement] | None:
    """The area statements an extractor reads in a report, or None if it reads none.

    `extract_statements(documents, config)` is optional for an extractor: the
    ones that have it give statements ("10 of Badakhshan's 28 districts"). A
    statement with no date of its own is as of its report's publication day.
    """
    if not hasattr(component, "extract_statements"):
        return None
    found: list[Statement] = list(component.extract_statements([doc], config)[0])
    day = doc.published_date
    return [replace(s, date=day.isoformat()) if s.date is None and day else s for s in found]


@dataclass(frozen=True)
class Extracted:
    """What extraction reads in one report: its events and its area statements."""

    events: list[Event]
    statements: list[Statement]


def extract_document(component: Any, doc: Document, config: ExtractionConfig) -> Extracted:
    """One report through an extractor, exactly as ingest stores it (in this process or a worker).

    An extractor that reads no statements gives the document none, so a
    re-extraction never keeps another extractor's.
    """
    events = component.extract_batch([doc], config)[0]
    return Extracted(events, statements_of(component, doc, config) or [])


class ResultHandle(Protocol):
    """A chunk of documents being extracted elsewhere (a `concurrent.futures` or Dask future)."""

    def result(self) -> list[Extracted]: ...


class ExtractionWorkers(Protocol):
    """Somewhere other than this process to extract in: a local process pool, a Dask cluster
    (`frontlines.parallel`). Extraction is pure (Document → Events), so a worker needs only
    the extractor component, never the store."""

    def start(self, component: Any, config: ExtractionConfig) -> None:
        """Get ready to extract with `component` (called once, before the first `submit`)."""

    def submit(self, docs: Sequence[Document]) -> ResultHandle:
        """Start extracting `docs`; the handle gives one `Extracted` per document, in order."""

    def close(self) -> None:
        """Stop the workers; handles not yet read may never finish."""


# The fewest documents worth starting workers for: until ingest has offered this many
# (one report, a small file), they are extracted here; the whole ingest would be over
# before a worker process was ready.
MIN_DOCUMENTS_FOR_WORKERS = 16


class StoreExtraction:
    """The ingest hook (an `ingest.BatchHook`): extract each new document's events (and its
    area statements, when the extractor reads them) and store them with it; then, once
    per batch, recompute the timeline of the units the batch's events touch. All of it
    happens in the batch's transaction, so a re-extraction replaces both at once and an
    interrupted batch leaves nothing behind. `recompute=False` leaves the timeline for
    one full rebuild.

    It extracts with `choice`, by default the workspace's own (read once, when
    the hook is made); an unknown extractor raises `ExtractionChoiceError`
    then, before any document is read. `events` and `statements` count what
    was stored by the batches that finished (`after_batch`).

    With `workers` (`frontlines.parallel`), ingest hands the hook documents as it
    reads them (`prepare`), and they are extracted there while this process reads
    and stores the ones before; `__call__` then only waits for, and stores, what
    the workers found. A document that was not prepared (or whose batch is stored
    again after a failure) is extracted here, by the same `extract_document`, so
    the events are the same either way. Close the hook (`close`, or `with`) to
    stop the workers.
    """

    def __init__(self, ws: Workspace, choice: ExtractionChoice | None = None,
                 recompute: bool = True, workers: ExtractionWorkers | None = None):
        self.ws = ws
        self.recompute = recompute
        self.choice = choice or workspace_extraction(ws)
        check_extractor(self.choice.extractor)
        self.config = ExtractionConfig(model=self.choice.model)
        self.workers = workers
        self._workers_started = False
        self._offered = 0
        self.extracted_by_workers = 0  # documents whose extraction came back from the workers
        self._component: Any = None
        self.events = 0
        self.statements = 0
        # (events, statements) of each document of the batch in hand: counted once the
        # batch is through (a batch rolled back and stored again is not counted twice).
        self._batch: dict[str, tuple[int, int]] = {}
        # Documents handed to the workers, and where their results will be. Weak keys: a
        # document never stored (a duplicate) leaves nothing behind once ingest drops it.
        self._prepared: weakref.WeakKeyDictionary[Document, tuple[ResultHandle, int]] = (
            weakref.WeakKeyDictionary())

    def _extractor(self, conn: Connection | None = None) -> Any:
        if self._component is None:
            if conn is None:
                with self.ws.connect() as own:
                    gazetteer = load_gazetteer(own, self.ws.profile)
            else:
                gazetteer = load_gazetteer(conn, self.ws.profile)
            self._component = get_extractor(self.choice.extractor, gazetteer, self.ws.profile)
        return self._component

    def prepare(self, docs: Sequence[Document]) -> None:
        """Start extracting `docs` on the workers, if the hook has any (else nothing happens).

        The workers are started once `MIN_DOCUMENTS_FOR_WORKERS` documents
        were offered; the ones offered before are left to `__call__`.
        """
        if self.workers is None or not docs:
            return
        if not self._workers_started:
            self._offered += len(docs)
            if self._offered < MIN_DOCUMENTS_FOR_WORKERS:
                return
            self.workers.start(self._extractor(), self.config)
            self._workers_started = True
        try:
            handle = self.workers.submit(list(docs))
        except Exception:
            # The workers are gone (a worker process died, the cluster went away): this
            # process extracts the rest itself, as if it had never had any.
            self.close()
            self.workers = None
            return
        for n, doc in enumerate(docs):
            self._prepared[doc] = (handle, n)

    def __call__(self, conn: Connection, doc: Document) -> None:
        slot = self._prepared.pop(doc, None)
        if slot is not None:
            handle, n = slot
            # A worker that failed raises here: the batch is rolled back and stored again,
            # each document extracted in this process then (its slot is gone).
            found = handle.result()[n]
            self.extracted_by_workers += 1
        else:
            found = extract_document(self._extractor(conn), doc, self.config)
        replace_events(conn, doc.id, found.events)
        replace_statements(conn, doc.id, found.statements)
        self._batch[doc.id] = (len(found.events), len(found.statements))

    def after_batch(self, conn: Connection, doc_ids: Sequence[str]) -> None:
        """The batch's documents are stored: recompute the units their events touch."""
        from .timeline_store import has_admin_units, recompute_documents  # not for `extract`

        if doc_ids and recorded_extraction_choice(conn) is None:
            # A workspace that holds events records what made them (one made by
            # `Workspace.init` alone has no choice yet), so that a later change of the
            # default extractor does not mix two extractors' events in it. Recorded in
            # the batch's transaction: a batch that fails rolls its record back with it.
            set_extraction_choice(conn, self.choice)
        if self.recompute and doc_ids and has_admin_units(conn):
            # Without boundaries there is no map to keep: events are stored all the
            # same, and the timeline is built once units are imported.
            recompute_documents(conn, self.ws.profile, doc_ids)
        for doc_id in doc_ids:
            events, statements = self._batch.get(doc_id, (0, 0))
            self.events += events
            self.statements += statements
        self._batch.clear()

    def close(self) -> None:
        """Stop the workers, if the hook has any."""
        if self.workers is not None:
            self.workers.close()
        self._prepared.clear()

    def __enter__(self) -> StoreExtraction:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
    extractor: str | None = None,
    *,
    model: str | Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Reextraction:
    """Re-run extraction over every stored document, one transaction each, then
    rebuild the timeline once. Decisions whose event is gone are reported.

    `extractor` and `model` change the workspace's choice first (as
    `resolve_choice` reads them); without them the current choice is used. The
    new choice is recorded before the first document, so that an interrupted
    run, started again without options, finishes with the same extractor. An
    unknown extractor or a missing model file raises `ExtractionChoiceError`
    and changes nothing.
    """
    from .timeline_store import has_admin_units, recompute_all

    choice = resolve_choice(workspace_extraction(ws), extractor, model)
    hook = StoreExtraction(ws, choice, recompute=False)
    with ws.begin() as conn:
        set_extraction_choice(conn, choice)
        ids = [d.id for d in iter_documents(conn)]
    count = 0
    try:
        for doc_id in ids:
            with ws.begin() as conn:
                doc = next(iter_documents(conn, [doc_id]))
                hook(conn, doc)
                hook.after_batch(conn, [doc_id])
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
        if not has_documents(conn):
            return None
    return reextract_all(ws)
