"""Ingestion: sources → Documents → store, with a summary of what happened.

Each document is stored in its own transaction, together with whatever the
`on_document` hook writes for it (event extraction plugs in there). So a
failure or a Ctrl-C costs at most the document in hand: everything before it
is committed, nothing of it is left half-written. Duplicates (same normalised
content, same URL or same id) are counted, not stored, so ingesting the same
thing twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

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
from .models import Document
from .store import Workspace, add_document, documents, find_duplicate

DocumentHook = Callable[[Connection, Document], None]
"""Called inside a new document's transaction, right after it was added."""


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


def _url_known(workspace: Workspace, url: str) -> bool:
    with workspace.connect() as conn:
        row = conn.execute(select(documents.c.id).where(documents.c.url == url)).first()
    return row is not None


def ingest(
    workspace: Workspace,
    sources: Iterable[str | Path],
    *,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch_options: FetchOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_document: DocumentHook | None = None,
) -> IngestSummary:
    """Read every source and store each new document in its own transaction.

    Bad input never stops the batch: each problem is recorded in the summary
    with its file (and line) or URL. On Ctrl-C the current document is rolled
    back and `IngestInterrupted` (a KeyboardInterrupt) is raised carrying the
    summary so far. `fetch_options`, when given, sets every network limit
    (and then overrides `allow_private` and `max_bytes` for URLs).
    """
    options = fetch_options or FetchOptions(allow_private=allow_private, max_bytes=max_bytes)
    units = plan(sources)
    summary = IngestSummary()
    client: httpx.Client | None = None

    def report(done: int, current: str) -> None:
        if on_progress is not None:
            added, duplicates, failed = (len(summary.added), len(summary.duplicates),
                                         len(summary.failed))
            on_progress(Progress(done, len(units), current, added, duplicates, failed,
                                 records=added + duplicates + failed))

    try:
        for done, unit in enumerate(units):
            report(done, unit.target)
            items: Iterator[ReadItem | KnownURL]
            if unit.kind == "url":
                client = client or make_client(options)
                items = read_url(unit.target, options, client=client,
                                 is_known=lambda url: _url_known(workspace, url))
            elif unit.kind == "file":
                items = read_file(Path(unit.target), max_bytes=max_bytes)
            elif unit.kind == "skip":
                items = iter([SourceWarning(unit.target, "skipped: unknown file type")])
            else:
                items = iter([SourceError(unit.target, "no such file or directory")])
            for item in items:
                if isinstance(item, Document):
                    _store(workspace, item, on_document, summary)
                elif isinstance(item, KnownURL):
                    summary.duplicates.append(item.url)
                elif isinstance(item, SourceError):
                    summary.failed.append(item)
                else:
                    summary.warnings.append(item)
                report(done, unit.target)
        report(len(units), "")
    except KeyboardInterrupt:
        summary.interrupted = True
        raise IngestInterrupted(summary) from None
    finally:
        if client is not None:
            client.close()
    return summary


def _store(
    workspace: Workspace, doc: Document, on_document: DocumentHook | None, summary: IngestSummary
) -> None:
    """One document, one transaction (with whatever the hook adds)."""
    source = doc.origin or doc.url or doc.id
    try:
        with workspace.begin() as conn:
            if add_document(conn, doc):
                if on_document is not None:
                    on_document(conn, doc)
                summary.added.append(doc.id)
                return
            clash = _id_clash(conn, doc)
    except IntegrityError:
        # Another process stored the same document between our check and insert.
        summary.duplicates.append(source)
        return
    except Exception as exc:  # the hook or the database failed: this document only
        summary.failed.append(
            SourceError(source, f"document {doc.id} not stored: {type(exc).__name__}: {exc}")
        )
        return
    if clash:
        summary.failed.append(SourceError(
            source, f"id {doc.id!r} already holds a different document; not stored"
        ))
    else:
        summary.duplicates.append(source)


def _id_clash(conn: Connection, doc: Document) -> bool:
    """True when the stored document sharing this id is a different report.

    Same id, different text and URL means the input reuses an id: refusing it
    loudly beats silently keeping one of the two.
    """
    existing = find_duplicate(conn, doc)
    if existing != doc.id:
        return False
    row = conn.execute(
        select(documents.c.content_hash, documents.c.url).where(documents.c.id == doc.id)
    ).first()
    if row is None:
        return False
    same_text = row.content_hash == doc.content_hash
    same_url = doc.url is not None and row.url == doc.url
    return not (same_text or same_url)
