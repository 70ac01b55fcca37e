"""A fast rule-based sentence splitter that keeps character offsets.

A trained pipeline is not needed to find sentence ends in news text, and is
far too slow for the cheap first pass; a handful of rules about
abbreviations and line breaks does the job at regex speed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Abbreviations that end with a period but rarely end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "brig",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "no",
        "jr",
        "sr",
        "prof",
        "vs",
        "etc",
        "u.s",
        "u.n",
        "u.k",
        "a.m",
        "p.m",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
    ]
)

# Words no sentence ends on: a line stopping on one goes on below.
_CONTINUES = re.compile(
    r"(?:[,;]|\b(?:said|told|and|or|but|of|in|on|at|by|for|from|with|to|the|a|an|that|which|"
    r"who|as|into|near|after|before|late|early)\b)$"
)

# What follows a line break: white space, then a lower-case word or a bracket.
_GOES_ON_LOWER = re.compile(r"\s*[a-z(]")

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*\S)")


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) spans of sentences; spans exclude surrounding white space."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.start()
        before = text[start:cut]
        if match.group(0).strip(" \t") == "\n" and _wrapped(text, cut):
            continue
        if before.endswith((".",)) and "\n" not in match.group(0):
            word = re.search(r"([A-Za-z.]+)\.$", before)
            if word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        yield from _trimmed(text, start, cut)
        start = match.end()
    yield from _trimmed(text, start, len(text))


def _wrapped(text: str, cut: int) -> bool:
    """A single line break inside a hard-wrapped paragraph is no sentence end.

    Headlines end on capitalised words; a long line that stops on a lower-case
    word or a comma and goes on in lower case is one sentence wrapped.
    """
    line_start = text.rfind("\n", 0, cut) + 1
    line = text[line_start:cut]
    # Matched in place: a copy of the rest of the text at every line break
    # would make splitting a long report quadratic.
    return (
        len(line) >= 60
        and bool(re.search(r"[a-z,;]$", line))
        and bool(_GOES_ON_LOWER.match(text, cut) or _CONTINUES.search(line))
    )


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end
