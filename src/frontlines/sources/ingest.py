"""Ingestion: sources → Documents → store, with a summary of what happened.

New documents are stored in batches of `batch_size` (default one), each
batch in one transaction together with whatever the hook writes for its
documents: `on_document` for each new document (event extraction plugs in
there) and then, if the hook has one, its `after_batch` once for the batch
(the timeline recompute of the units the batch touched). So a Ctrl-C or a
`kill -9` costs at most the batch in hand: every batch before it is
committed, nothing of it is left half-written, and running the same ingest
again stores exactly what is missing. A failure inside a batch (a hook that
raises, a uniqueness clash) rolls the batch back and stores its documents again
one transaction each, so that it costs only the document that failed. A database
that cannot write at all (a full disk, a read-only file, a lock held past the busy
timeout, a server gone) stops the run with `IngestStopped`: the batch in hand is
rolled back and the rest would fail the same way.
A hook that can extract elsewhere (a `PreparingHook`, such as
`pipeline.StoreExtraction` with workers) is handed the documents as they are
read, in chunks, and a full batch is held until the next one is read, so the
workers extract one batch while this process reads the next and stores the
one before; documents are still stored in the order they were read (an
interruption then costs the two batches in hand).
Duplicates (same normalised content, same URL or same id) are counted, not
stored, so ingesting the same thing twice changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import httpx

from ..models import Document
from ..store import (
    Connection,
    StoreConflict,
    StoreUnavailable,
    Workspace,
    add_document,
    document_identity,
    document_with_url,
    find_duplicate,
    store_failure,
)
from .documents import (
    DEFAULT_MAX_BYTES,
    KNOWN_SUFFIXES,
    ReadItem,
    SourceError,
    SourceWarning,
    read_file,
    walk_files,
)
from .fetch import FetchOptions, KnownURL, is_url, make_client, read_url

DocumentHook = Callable[[Connection, Document], None]
"""Called inside a new document's transaction (its batch's), right after it was added."""


class BatchHook(Protocol):
    """A `DocumentHook` that also finishes each batch, in the batch's transaction."""

    def __call__(self, conn: Connection, doc: Document) -> None: ...

    def after_batch(self, conn: Connection, doc_ids: Sequence[str]) -> None:
        """Called once per batch, after `__call__` for each of its new documents."""


class PreparingHook(Protocol):
    """A hook that can start on documents before their batch is stored (extraction elsewhere)."""

    def __call__(self, conn: Connection, doc: Document) -> None: ...

    def prepare(self, docs: Sequence[Document]) -> None:
        """Called with each chunk of documents as they are read, before any is stored."""


# Documents handed to a `PreparingHook` at a time.
PREPARE_CHUNK = 25


@dataclass(frozen=True)
class Unit:
    """One thing to read: a file (named, or found in a directory) or a URL."""

    kind: Literal["file", "url", "skip", "missing"]
    target: str


@dataclass(frozen=True)
class Progress:
    """Where an ingest run stands; passed to `on_progress` after every item.

    `done`/`total` count units (files, URLs); `records` counts what was read
    from them (documents added or duplicate, and failures), so a run over one
    large JSONL corpus or one feed still shows it moving.
    """

    done: int  # units (files / URLs) finished
    total: int  # units in the run
    current: str  # the unit being read
    added: int
    duplicates: int
    failed: int
    records: int = 0  # records (documents, duplicates, failures) read so far


@dataclass
class IngestSummary:
    """What an ingest run did. `failed` and `warnings` carry their reasons."""

    added: list[str] = field(default_factory=list)  # ids of new documents
    duplicates: list[str] = field(default_factory=list)  # where each duplicate came from
    failed: list[SourceError] = field(default_factory=list)
    warnings: list[SourceWarning] = field(default_factory=list)
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def headline(self) -> str:
        text = (
            f"added {len(self.added)}, duplicates {len(self.duplicates)}, "
            f"failed {len(self.failed)}"
        )
        if self.warnings:
            text += f", warnings {len(self.warnings)}"
        if self.interrupted:
            text += " (interrupted)"
        return text


class IngestStopped(RuntimeError):
    """The database failed (full disk, read-only, locked, its server gone): the run stopped.

    The batch in hand was rolled back, every batch before it is committed, and
    nothing after it was tried (it would fail the same way). Running the same
    ingest again, once the cause is fixed, stores exactly what is missing.
    `summary` is what was done before; `reason` says what went wrong (`store_failure`).
    """

    def __init__(self, reason: str, summary: IngestSummary):
        super().__init__(reason)
        self.reason = reason
        self.summary = summary


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest: the document in hand was rolled back.

    A KeyboardInterrupt still (callers that do not look for it stop as
    usual), carrying the summary of what was committed before.
    """

    def __init__(self, summary: IngestSummary):
        super().__init__("ingest interrupted")
        self.summary = summary


def plan(sources: Iterable[str | Path]) -> list[Unit]:
    """The files and URLs a list of sources stands for, in a stable order.

    Directories are expanded recursively (sorted). Files of unknown type found
    in a directory become "skip" units (a warning), while a file named
    explicitly is read and refused with an error if its type is unknown.
    """
    units: list[Unit] = []
    for source in sources:
        text = str(source)
        if is_url(text):
            units.append(Unit("url", text))
            continue
        path = Path(text)
        if path.is_dir():
            for file in walk_files(path):
                kind: Literal["file", "skip"] = (
                    "file" if file.suffix.lower() in KNOWN_SUFFIXES else "skip"
                )
                units.append(Unit(kind, str(file)))
        elif path.exists():
            units.append(Unit("file", text))
        else:
            units.append(Unit("missing", text))
    return units


def url_known(workspace: Workspace, url: str) -> bool:
    """Whether the workspace holds a document from this URL (so it need not be downloaded)."""
    with workspace.connect() as conn:
        return document_with_url(conn, url) is not None


# Documents to a transaction for `frontlines ingest`: large enough that the
# timeline is recomputed once for many reports (most of the cost per report
# when each had its own), small enough that an interruption costs little and
# memory stays bounded.
CLI_BATCH_SIZE = 500

# How long a document may wait in a batch that is not full (a slow feed, a slow
# site): the batch is stored when the next document comes in after that.
MAX_BATCH_WAIT_SECONDS = 5.0


def ingest(
    workspace: Workspace,
    sources: Iterable[str | Path],
    *,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch_options: FetchOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_document: DocumentHook | None = None,
    batch_size: int = 1,
) -> IngestSummary:
    """Read every source and store the new documents, `batch_size` to a transaction.

    Bad input never stops the run: each problem is recorded in the summary
    with its file (and line) or URL. On Ctrl-C the batch in hand is rolled
    back and `IngestInterrupted` (a KeyboardInterrupt) is raised carrying the
    summary of what was committed. `on_document` runs for each new document
    inside its batch's transaction; a hook with an `after_batch(conn, ids)`
    method (a `BatchHook`) has it called once per batch, last, in the same
    transaction, with the ids added. A batch is stored when it is full, when
    a document has waited `MAX_BATCH_WAIT_SECONDS` in it, and at the end.
    `fetch_options`, when given, sets every network limit (and then
    overrides `allow_private` and `max_bytes` for URLs).
    """
    options = fetch_options or FetchOptions(allow_private=allow_private, max_bytes=max_bytes)
    units = plan(sources)
    client: httpx.Client | None = None

    def read(unit: Unit) -> Iterator[ReadItem | KnownURL]:
        nonlocal client
        if unit.kind == "url":
            client = client or make_client(options)
            yield from read_url(unit.target, options, client=client,
                                is_known=lambda url: url_known(workspace, url))
        elif unit.kind == "file":
            yield from read_file(Path(unit.target), max_bytes=max_bytes)
        elif unit.kind == "skip":
            yield SourceWarning(unit.target, "skipped: unknown file type")
        else:
            yield SourceError(unit.target, "no such file or directory")

    try:
        return ingest_items(workspace, [(unit.target, read(unit)) for unit in units],
                            on_progress=on_progress, on_document=on_document,
                            batch_size=batch_size)
    finally:
        if client is not None:
            client.close()


def ingest_items(
    workspace: Workspace,
    streams: Sequence[tuple[str, Iterable[ReadItem | KnownURL]]],
    *,
    on_progress: Callable[[Progress], None] | None = None,
    on_document: DocumentHook | None = None,
    batch_size: int = 1,
) -> IngestSummary:
    """Store what readers give: the path `ingest` takes once it knows what to read.

    `streams` are (what is read, its items) pairs, one per unit (a file, a
    URL, a feed's new items); they are read lazily, in order. Documents are
    stored in batches as `ingest` says; a `KnownURL` counts as a duplicate,
    errors and warnings go to the summary. On Ctrl-C, `IngestInterrupted`.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    summary = IngestSummary()
    batch = _Batch(workspace, on_document, summary)

    def report(done: int, current: str) -> None:
        if on_progress is not None:
            added, duplicates, failed = (len(summary.added), len(summary.duplicates),
                                         len(summary.failed))
            on_progress(Progress(done, len(streams), current, added, duplicates, failed,
                                 records=added + duplicates + failed + batch.in_hand))

    try:
        for done, (label, items) in enumerate(streams):
            report(done, label)
            for item in items:
                if batch.in_hand and time.monotonic() - batch.started > MAX_BATCH_WAIT_SECONDS:
                    batch.flush()
                if isinstance(item, Document):
                    batch.add(item)
                    if len(batch.pending) >= batch_size:
                        batch.full()
                elif isinstance(item, KnownURL):
                    summary.duplicates.append(item.url)
                elif isinstance(item, SourceError):
                    summary.failed.append(item)
                else:
                    summary.warnings.append(item)
                report(done, label)
        batch.flush()
        report(len(streams), "")
    except KeyboardInterrupt:
        summary.interrupted = True
        raise IngestInterrupted(summary) from None
    except StoreUnavailable as exc:
        raise IngestStopped(store_failure(exc), summary) from exc
    return summary


class _Batch:
    """The new documents read but not stored yet, and how to store them."""

    def __init__(self, workspace: Workspace, hook: DocumentHook | None,
                 summary: IngestSummary):
        self.workspace = workspace
        self.hook = hook
        self.after_batch: Callable[[Connection, Sequence[str]], None] | None = getattr(
            hook, "after_batch", None)
        self.summary = summary
        self.prepare: Callable[[Sequence[Document]], None] | None = getattr(hook, "prepare", None)
        self.pending: list[Document] = []
        self.prepared = 0  # how many of `pending` were handed to `prepare`
        self.held: list[Document] = []  # a full batch, stored when the next one is full
        self.started = 0.0

    @property
    def in_hand(self) -> int:
        """Documents read and not stored yet."""
        return len(self.pending) + len(self.held)

    def add(self, doc: Document) -> None:
        if not self.in_hand:
            self.started = time.monotonic()
        self.pending.append(doc)
        if self.prepare is not None and len(self.pending) - self.prepared >= PREPARE_CHUNK:
            self._prepare_rest()

    def _prepare_rest(self) -> None:
        if self.prepare is not None and self.prepared < len(self.pending):
            self.prepare(self.pending[self.prepared:])
        self.prepared = len(self.pending)

    def full(self) -> None:
        """The pending batch is full: store it, or, with a preparing hook, the one held
        before it, holding this one while the next is read."""
        if self.prepare is None:
            self.store(self._take())
            return
        self._prepare_rest()
        previous, self.held = self.held, self._take()
        self.started = time.monotonic()
        if previous:
            self.store(previous)

    def flush(self) -> None:
        """Store everything in hand, in the order it was read."""
        self._prepare_rest()
        previous, self.held = self.held, []
        if previous:
            self.store(previous)
        if self.pending:
            self.store(self._take())

    def _take(self) -> list[Document]:
        docs, self.pending, self.prepared = self.pending, [], 0
        return docs

    def store(self, docs: list[Document]) -> None:
        """Store `docs`: one transaction, or one each if that fails."""
        if len(docs) > 1:
            try:
                outcome = self._transaction(docs)
            except StoreUnavailable:
                raise  # the next documents would fail the same way: stop (`IngestStopped`)
            except Exception:
                # A hook failed (or another process stored one of these documents
                # meanwhile): rolled back whole, the batch is stored again one document
                # at a time, so that only the document at fault is lost.
                pass
            else:
                self._record(outcome)
                return
        for doc in docs:
            self._store_alone(doc)

    def _transaction(self, docs: Sequence[Document]) -> list[tuple[Document, str]]:
        """Add `docs` in one transaction; (document, "added" | "duplicate" | "clash") each."""
        outcome: list[tuple[Document, str]] = []
        with self.workspace.begin() as conn:
            added: list[str] = []
            for doc in docs:
                if add_document(conn, doc):
                    if self.hook is not None:
                        self.hook(conn, doc)
                    added.append(doc.id)
                    outcome.append((doc, "added"))
                else:
                    outcome.append((doc, "clash" if _id_clash(conn, doc) else "duplicate"))
            if added and self.after_batch is not None:
                self.after_batch(conn, added)
        return outcome

    def _record(self, outcome: Sequence[tuple[Document, str]]) -> None:
        for doc, what in outcome:
            source = doc.origin or doc.url or doc.id
            if what == "added":
                self.summary.added.append(doc.id)
            elif what == "clash":
                self.summary.failed.append(SourceError(
                    source, f"id {doc.id!r} already holds a different document; not stored"))
            else:
                self.summary.duplicates.append(source)

    def _store_alone(self, doc: Document) -> None:
        """One document, one transaction (with whatever the hook adds)."""
        source = doc.origin or doc.url or doc.id
        try:
            outcome = self._transaction([doc])
        except StoreConflict:
            # Another process stored the same document between our check and insert.
            self.summary.duplicates.append(source)
            return
        except StoreUnavailable:
            raise
        except Exception as exc:  # the hook failed: this document only
            self.summary.failed.append(
                SourceError(source, f"document {doc.id} not stored: {type(exc).__name__}: {exc}")
            )
            return
        self._record(outcome)


def _id_clash(conn: Connection, doc: Document) -> bool:
    """True when the stored document sharing this id is a different report.

    Same id, different text and URL means the input reuses an id: refusing it
    loudly beats silently keeping one of the two.
    """
    existing = find_duplicate(conn, doc)
    if existing != doc.id:
        return False
    stored = document_identity(conn, doc.id)
    if stored is None:
        return False
    content_hash, url = stored
    same_text = content_hash == doc.content_hash
    same_url = doc.url is not None and url == doc.url
    return not (same_text or same_url)
