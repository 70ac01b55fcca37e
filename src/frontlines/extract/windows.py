"""Windows of a very long report: read piece by piece, so that the cost stays linear.

A report is read whole: its sentences share what the reader remembers (the
last province named, the side "the troops" refers back to, the provinces the
whole report names). Some of that memory, and the first stage's index of a
report's words, grows with the report; for a text of tens of megabytes (a
book, a whole archive pasted as one file) it would take gigabytes, and a look
back over all of the text before a sentence, cheap in a report, would make
the reading quadratic.

So a report longer than `WINDOW_CHARS` is read in windows of paragraphs,
each as a report of its own (same id, date and title), and their events are
put together with offsets into the whole text. A report shorter than a
window, which is every report a news outlet publishes, is read exactly as
before: its result cannot change. In a long text a window starts with an
empty memory, as a new report would: a sentence that refers back across a
window's edge ("the city" of a paragraph before) is read without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from ..models import Document, Event, Evidence, Statement

# A window's size in characters: some 150 times the longest report of the
# gold sets, and small enough that one window's reading stays within tens of
# megabytes whatever the length of the text.
WINDOW_CHARS = 1_000_000


def window_spans(text: str, size: int = WINDOW_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive windows covering `text`, each at most `size` long.

    A window ends at a paragraph break if there is one in its second half,
    else at a line break, else after a sentence's full stop, else at a space;
    only a text with none of them is cut inside a word. A text of at most
    `size` characters is one window.
    """
    if size < 1:
        raise ValueError(f"a window holds at least one character, not {size}")
    start, length = 0, len(text)
    while length - start > size:
        limit, half = start + size, start + max(1, size // 2)
        for separator in ("\n\n", "\n", ". ", " "):
            found = text.rfind(separator, half, limit)
            if found >= 0:
                cut = found + len(separator)
                break
        else:
            cut = limit
        yield start, cut
        start = cut
    yield start, length


def window_document(doc: Document, start: int, end: int) -> Document:
    """The window `start:end` of a report, as a report of its own (same id, date, title)."""
    return dataclasses.replace(doc, text=doc.text[start:end])


def shifted_evidence(evidence: Evidence, offset: int) -> Evidence:
    return dataclasses.replace(evidence, start=evidence.start + offset, end=evidence.end + offset)


def shifted_event(event: Event, offset: int) -> Event:
    """An event read in a window, with its evidence's offsets in the whole text."""
    return dataclasses.replace(event, evidence=shifted_evidence(event.evidence, offset))


def shifted_statement(statement: Statement, offset: int) -> Statement:
    """A statement read in a window, with its evidence's offsets in the whole text."""
    return dataclasses.replace(statement, evidence=shifted_evidence(statement.evidence, offset))
