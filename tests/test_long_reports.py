"""Very long reports: extraction stays linear in time and bounded in memory (issue 12, point 6).

Specification:

- a report longer than a window (`windows.WINDOW_CHARS`) is read in windows
  of paragraphs; `window_spans` covers the text, cuts at paragraph breaks
  where it can, and leaves a text no longer than a window whole;
- a long text made of reports is read as those reports are, one by one: its
  events are theirs, with offsets into the whole text, merged as one
  report's duplicate claims are; one report repeated gives that report's
  events (the first copy's evidence);
- the time per character does not grow with the length of the text, and
  the memory of reading it stays that of one window;
- splitting a hard-wrapped text into sentences is linear (it used to copy the
  rest of the text at every line break).

These run on real reports (../shared/eval) and the real Afghan gazetteer.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from frontlines.extract import get_extractor
from frontlines.extract.sentences import split_sentences
from frontlines.extract.staged import merge_duplicates
from frontlines.extract.windows import WINDOW_CHARS, shifted_event, window_spans
from frontlines.models import Document, Event
from frontlines.profile import load_profile

PUBLISHED = "2021-08-16"


def reports(shared: Path) -> list[str]:
    texts = []
    for name in ("dev", "dev-b"):
        with open(shared / "eval" / name / "corpus.jsonl", encoding="utf-8") as lines:
            texts += [json.loads(line)["text"].strip() for line in lines if line.strip()]
    return texts


def document(text: str, doc_id: str = "long") -> Document:
    return Document(id=doc_id, text=text, content_hash=doc_id, published=PUBLISHED)


@pytest.fixture(scope="module")
def extractor(afghan_gazetteer: Any) -> Any:
    return get_extractor("staged.v1", afghan_gazetteer, load_profile("afghanistan-2021"))


def events_of(extractor: Any, text: str, window: int = WINDOW_CHARS) -> list[Event]:
    extractor.window_chars = window
    try:
        return list(extractor.extract_batch([document(text)])[0])
    finally:
        extractor.window_chars = WINDOW_CHARS


def as_dicts(events: list[Event]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in events]


# --- windows ----------------------------------------------------------------------------


def test_a_text_no_longer_than_a_window_is_one_window() -> None:
    assert list(window_spans("a" * 10, 10)) == [(0, 10)]
    assert list(window_spans("", 10)) == [(0, 0)]


def test_windows_cover_the_text_and_cut_at_paragraph_breaks() -> None:
    paragraphs = [f"Paragraph {n} says something." + " More." * (n % 7) for n in range(200)]
    text = "\n\n".join(paragraphs)
    spans = list(window_spans(text, 300))
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(0 < end - start <= 300 for start, end in spans)
    assert all(text[end - 2:end] == "\n\n" for _, end in spans[:-1])


def test_a_text_without_breaks_is_cut_at_spaces_or_else_anywhere() -> None:
    spaced = " ".join(["word"] * 100)
    assert all(spaced[end - 1] == " " for _, end in list(window_spans(spaced, 50))[:-1])
    solid = "x" * 125
    assert list(window_spans(solid, 50)) == [(0, 50), (50, 100), (100, 125)]
    with pytest.raises(ValueError, match="at least one character"):
        list(window_spans(solid, 0))


# --- a long text is read as its parts ----------------------------------------------------


def test_one_report_repeated_gives_that_reports_events(extractor: Any, shared: Path) -> None:
    report = max(reports(shared), key=len)
    alone = events_of(extractor, report)
    assert alone, "the report states events"
    repeated = "\n\n".join([report] * 5)
    windows = list(window_spans(repeated, len(report) + 2))
    assert len(windows) == 5, "each copy is a window of its own"
    assert as_dicts(events_of(extractor, repeated, len(report) + 2)) == as_dicts(alone)


def test_a_long_text_of_reports_gives_the_union_of_their_events(extractor: Any, shared: Path) -> None:
    # Reports of 1,002 to 2,000 characters, their paragraphs on lines of their own,
    # joined by blank lines, with a window of 2,002: each report is one window.
    parts = [t.replace("\n\n", "\n") for t in reports(shared) if 1002 <= len(t) <= 2000][:12]
    assert len(parts) >= 8
    window = 2002
    text = "\n\n".join(parts)
    offsets = [sum(len(p) + 2 for p in parts[:n]) for n in range(len(parts))]
    spans = [(o, o + len(p) + 2) for o, p in zip(offsets, parts, strict=True)]
    assert list(window_spans(text, window)) == [*spans[:-1], (offsets[-1], len(text))]

    expected: list[Event] = []
    for offset, part in zip(offsets, parts, strict=True):
        expected += [shifted_event(e, offset) for e in events_of(extractor, part)]
    whole = events_of(extractor, text, window)
    assert as_dicts(whole) == as_dicts(merge_duplicates(expected))
    assert len({(e.kind, e.place_id) for e in whole}) >= 10, "the parts state many different events"
    for event in whole:  # each event's evidence is a sentence of the whole text, where it says
        assert text[event.evidence.start:event.evidence.end] == event.evidence.sentence


def test_statements_of_a_long_text_have_offsets_in_it(extractor: Any, shared: Path) -> None:
    text = "\n\n".join(reports(shared))
    extractor.window_chars = 4000
    try:
        doc = document(text)
        extractor.extract_batch([doc])
        statements = extractor.extract_statements([doc])[0]
    finally:
        extractor.window_chars = WINDOW_CHARS
    assert statements, "the reports state the share of an area someone holds"
    for statement in statements:
        evidence = statement.evidence
        assert text[evidence.start:evidence.end] == evidence.sentence


# --- linear in time, bounded in memory ----------------------------------------------------


def text_of(shared: Path, chars: int) -> str:
    """Real reports joined, round after round, to `chars` characters."""
    texts = reports(shared)
    pieces: list[str] = []
    length = n = 0
    while length < chars:
        pieces.append(texts[n % len(texts)])
        length += len(pieces[-1]) + 2
        n += 1
    return "\n\n".join(pieces)[:chars]


def cpu_seconds(extractor: Any, text: str) -> float:
    gc.collect()
    began = time.process_time()
    extractor.extract_batch([document(text)])
    return time.process_time() - began


def test_extraction_time_per_character_does_not_grow_with_length(extractor: Any, shared: Path) -> None:
    """CPU time, not wall time (the machine is shared), and a generous bound: a cost
    that grew with the square of the length would be eight times as much per
    character at eight times the length."""
    small = text_of(shared, 120_000)
    large = text_of(shared, 8 * 120_000)
    cpu_seconds(extractor, small)  # warm the caches
    per_char_small = min(cpu_seconds(extractor, small) for _ in range(2)) / len(small)
    per_char_large = cpu_seconds(extractor, large) / len(large)
    assert per_char_large < 2.0 * per_char_small, (per_char_small, per_char_large)


def peak_bytes(extractor: Any, text: str) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        extractor.extract_batch([document(text)])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_of_reading_a_long_text_stays_that_of_a_window(extractor: Any, shared: Path) -> None:
    """Three times the windows, about the same peak: each window's frames are decided
    and dropped before the next is read (only the text itself and the distinct
    claims grow)."""
    window = 30_000
    extractor.window_chars = window
    try:
        extractor.extract_batch([document(text_of(shared, window // 2))])  # warm the caches
        two = peak_bytes(extractor, text_of(shared, 2 * window))
        six = peak_bytes(extractor, text_of(shared, 6 * window))
    finally:
        extractor.window_chars = WINDOW_CHARS
    assert six < 1.5 * two, (two, six)


def test_splitting_a_hard_wrapped_text_is_linear() -> None:
    """A wrapped paragraph has a line break every 70 characters; each used to copy
    the rest of the text."""
    line = "the district was quiet on Monday, officials said, and the roads were open to"
    paragraph = "\n".join([line] * 12) + " all."
    small = "\n\n".join([paragraph] * 60)
    large = "\n\n".join([paragraph] * 60 * 16)

    def seconds(text: str) -> float:
        began = time.process_time()
        spans = list(split_sentences(text))
        elapsed = time.process_time() - began
        assert len(spans) == text.count("\n\n") + 1, "each wrapped paragraph is one sentence"
        return elapsed

    per_char_small = min(seconds(small) for _ in range(3)) / len(small)
    per_char_large = seconds(large) / len(large)
    assert per_char_large < 3.0 * per_char_small, (per_char_small, per_char_large)


def test_shifted_events_keep_everything_but_the_offsets() -> None:
    from frontlines.models import Evidence

    event = Event(kind="capture", actor="taliban", place_id="AF01", place_name="Kabul",
                  evidence=Evidence("d", "Kabul fell.", 3, 14))
    moved = shifted_event(event, 100)
    assert (moved.evidence.start, moved.evidence.end) == (103, 114)
    assert dataclasses.replace(moved, evidence=event.evidence) == event


# --- reading and signing a long text -------------------------------------------------------


def test_content_hash_taken_piece_by_piece_is_the_hash_of_the_whole(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    """Pieces start at white space, which no normalisation joins to what is before
    it: the same hash however small the pieces."""
    import hashlib

    from frontlines.sources import documents

    def whole(text: str) -> str:
        return hashlib.sha256(documents.normalise_for_hash(text).encode("utf-8")).hexdigest()

    texts = [
        reports(shared)[0],
        "",
        "  ",
        "Straße \u00a0 STRASSE\u3000ﬁne",
        "Ä\u0308 b\u00a8 c\u2028e \u00b4f\u0301",
        "one\n\n  two\tthree ",
    ]
    for piece in (1, 2, 5, 64):
        monkeypatch.setattr(documents, "HASH_PIECE_CHARS", piece)
        assert [documents.content_hash(t) for t in texts] == [whole(t) for t in texts]


def test_signature_taken_in_batches_is_that_of_all_shingles(
    monkeypatch: pytest.MonkeyPatch, shared: Path
) -> None:
    """A MinHash keeps the least hash of each permutation: batches, and a shingle
    hashed twice, change nothing."""
    import numpy as np
    from datasketch import MinHash

    from frontlines import timeline_store

    text = "\n\n".join(reports(shared)[:5] * 2)
    everything = MinHash(num_perm=timeline_store.NUM_PERM, seed=1)
    everything.update_batch(sorted(timeline_store.shingles(text)))
    monkeypatch.setattr(timeline_store, "SIGN_BATCH", 7)
    monkeypatch.setattr(timeline_store, "SIGN_SEEN_LIMIT", 50)
    monkeypatch.setattr(timeline_store, "SIGN_PIECE_CHARS", 10)
    signed = timeline_store.signature(text)
    assert signed is not None
    assert np.array_equal(signed, np.asarray(everything.hashvalues, dtype=np.uint64))
    assert timeline_store.signature("too short a text") is None
