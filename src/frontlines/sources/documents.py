"""Reading sources into Documents: files, directories, JSON/JSONL corpora, HTML.

This step is pure: it reads files and returns `Document`s (or precise errors),
and never touches the database or the network (`fetch.py` does the network,
`ingest.py` the storing). Keeping it pure lets it be tested on small strings
and run in parallel over large archives.

A source yields a stream of `ReadItem`s: a `Document`, a `SourceError` (the
document is lost; the batch goes on) or a `SourceWarning` (something was
repaired, e.g. invalid UTF-8; the document that follows is still ingested).
Every problem names the file and, for line-oriented formats, the line, so a
user can find and fix the input.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ..models import Document, document_id_problem

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Files larger than this are refused (for JSONL: any single record line).

Real reports are a few kB to a few hundred kB; anything in the tens of MB is
almost always a mistake (a database dump, a video) and would only slow the
run down. JSONL corpora may be large as a whole, so there the cap applies to
each record, and the file is streamed.
"""

MIN_BODY_WORDS = 8
"""Fewer words than this is not an article body (a cookie wall, a nav bar)."""

WRAPPED_LINE_MIN_CHARS = 60
"""Lines at least this long that stop mid-sentence are taken as hard-wrapped."""

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl",)
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES


# --- results ---------------------------------------------------------------


@dataclass(frozen=True)
class SourceProblem:
    """Something wrong with one input, located precisely enough to fix it."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        """`file:line: message` on one line, whatever the message carried."""
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {' '.join(self.message.split())}"


@dataclass(frozen=True)
class SourceError(SourceProblem):
    """The input could not become a Document; the rest of the batch goes on."""


@dataclass(frozen=True)
class SourceWarning(SourceProblem):
    """The input was repaired or partly ignored; its Document is still ingested."""


ReadItem = Document | SourceError | SourceWarning


class InputError(ValueError):
    """Raised by the parsing helpers; `read_source` turns it into a `SourceError`."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# --- hashing, ids, language ------------------------------------------------


def normalise_for_hash(text: str) -> str:
    """Case-folded, NFKC, whitespace collapsed: trivial copy differences vanish."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# The piece of a text normalised at a time for its hash (see `content_hash`).
HASH_PIECE_CHARS = 1 << 20
_SPACE = re.compile(r"\s")


def content_hash(text: str) -> str:
    """sha256 (hex) of the normalised body (`normalise_for_hash`); the key for deduplication.

    Hashed piece by piece, so that a long text is never held as a list of its
    words (that takes ten times the text's memory). Each piece after the first
    starts at a white space character, which no normalisation joins to what is
    before it nor turns into anything but white space: the pieces' words,
    joined by single spaces, are exactly the whole text's.
    """
    digest = hashlib.sha256()
    start, length, first = 0, len(text), True
    while start < length:
        gap = _SPACE.search(text, start + HASH_PIECE_CHARS)
        end = gap.start() if gap else length
        words = unicodedata.normalize("NFKC", text[start:end]).casefold().split()
        if words:
            digest.update(("" if first else " ").encode("utf-8") + " ".join(words).encode("utf-8"))
            first = False
        start = end
    return digest.hexdigest()


def document_id_for(hash_hex: str) -> str:
    """A short stable id for documents whose source has none (`d` + 11 hex)."""
    return "d" + hash_hex[:11]


_EN_STOPWORDS = frozenset({
    "the", "and", "of", "to", "in", "a", "is", "was", "were", "that", "said", "for", "on",
    "with", "by", "from", "has", "have", "had",
})


def detect_language(text: str) -> str | None:
    """'en' for clearly English text, else None (unknown).

    A dependency-free heuristic is enough here: the extractor only needs to know
    whether its English phrase lists apply. English needs mostly ASCII letters
    and a normal share of very common function words.
    """
    letters = [c for c in text[:20000] if c.isalpha()]
    if len(letters) < 20:
        return None
    ascii_share = sum(1 for c in letters if c.isascii()) / len(letters)
    words = re.findall(r"[a-z]+", text[:20000].lower())
    if not words:
        return None
    stop_share = sum(1 for w in words if w in _EN_STOPWORDS) / len(words)
    return "en" if ascii_share >= 0.95 and stop_share >= 0.08 else None


# --- dates -----------------------------------------------------------------
# A small parser of our own rather than dateutil's fuzzy mode: we must know
# whether a time was actually written (dateutil silently fills in midnight),
# apply the day-first rule for slashed dates, and refuse to read a date into
# stray numbers. Every form is anchored on a four-digit year.

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 2021-06-22, 2021-06-22T08:18:00+04:30, 2021-06-22 08:18
    ("iso", re.compile(
        r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2}))?(?!\d)")),
    # 22/06/2021, 22.06.2021, 22-06-2021 (day first unless impossible)
    ("numeric", re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?P<y>\d{4})(?!\d)")),
    # June 22, 2021 / Jun. 22nd 2021
    ("month_first", re.compile(
        rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})(?!\d)", re.I)),
    # 22 June 2021 / 11th August, 2021 / 22nd of June 2021
    ("day_first", re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)",
        re.I)),
)
# A time written right after the date: "at 08:18", "| 12:35 PM", "- 07:59", ", 5:25:43 pm".
_TIME_AFTER = re.compile(
    r"(?:[\s,|@–—-]|\bat\b)*(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?",
    re.I,
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: its ISO form and where it was written."""

    iso: str
    start: int
    end: int


def _month_number(token: str) -> int:
    return _MONTHS[token.strip(".").lower()[:3]]


def _date_from_match(kind: str, m: re.Match[str]) -> tuple[int, int, int] | None:
    year = int(m["y"])
    if kind == "numeric":
        first, second = int(m["a"]), int(m["b"])
        # Day first, as most of the world writes it, unless that is impossible.
        day, month = (second, first) if second > 12 >= first else (first, second)
    elif kind == "iso":
        day, month = int(m["d"]), int(m["m"])
    else:
        day, month = int(m["d"]), _month_number(m["m"])
    if not 1900 <= year <= 2100:
        return None
    try:
        date(year, month, day)
    except ValueError:
        return None
    return year, month, day


def _time_from(match: re.Match[str] | None) -> tuple[int, int] | None:
    if match is None:
        return None
    hour, minute = int(match["H"]), int(match["M"])
    ampm = (match.groupdict().get("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def find_date(text: str) -> DateMatch | None:
    """The first date (with its time, when one is written next to it) in `text`."""
    best: DateMatch | None = None
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best.start:
                break
            ymd = _date_from_match(kind, m)
            if ymd is None:
                continue
            end = m.end()
            hm: tuple[int, int] | None = None
            if kind == "iso" and m["H"] is not None:
                hm = _time_from(m)
            else:
                tm = _TIME_AFTER.match(text, m.end())
                hm = _time_from(tm)
                if tm is not None and hm is not None:
                    end = tm.end()
            iso = "{:04d}-{:02d}-{:02d}".format(*ymd)
            if hm is not None:
                iso += "T{:02d}:{:02d}".format(*hm)
            best = DateMatch(iso, m.start(), end)
            break
    return best


def parse_date(text: str) -> str | None:
    """ISO `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` for the first date written in `text`.

    Handles ISO, "22/06/2021" (day first unless impossible), "June 22, 2021",
    "3 May 2021", "Thu 5th August 2021 | 09:10 AM", with or without a time.
    """
    found = find_date(text)
    return found.iso if found else None


# --- boilerplate: named, documented data -----------------------------------


@dataclass(frozen=True)
class LineRule:
    """A whole line that is page furniture, not report text.

    `where` is "anywhere" or "header" (only before the first paragraph, where
    e.g. a byline is furniture but a sentence starting with "By" is not).
    Patterns match the whole line, case-insensitively, after trailing
    punctuation and spaces are stripped.
    """

    name: str
    pattern: re.Pattern[str]
    why: str
    where: Literal["anywhere", "header"] = "anywhere"


def _rule(
    name: str, pattern: str, why: str, where: Literal["anywhere", "header"] = "anywhere"
) -> LineRule:
    return LineRule(name, re.compile(rf"(?:{pattern})", re.I), why, where)


BOILERPLATE_RULES: tuple[LineRule, ...] = (
    _rule("newsletter",
          r"(?:newsletter(?:\s+subscription|\s+sign[\s-]?up)?|subscribe(?:\s+(?:now|today|to\s.*))?"
          r"|sign\s+up(?:\s+for\s.*)?|join\s+our\s+(?:newsletter|mailing\s+list).*"
          r"|get\s+(?:our|the)\s.*newsletter.*)",
          "calls to subscribe to a newsletter"),
    _rule("comments",
          r"(?:comments?|\d+\s+comments?|no\s+comments(?:\s+yet)?|leave\s+a\s+(?:comment|reply)"
          r"|post\s+a\s+comment|add\s+(?:a\s+)?comment|(?:view|show|hide)\s+comments"
          r"|comments?\s+\(\d+\))",
          "comment-section headers and counters"),
    _rule("share",
          r"(?:share(?:\s+(?:this|it|now))?(?:\s+(?:article|story|post|page))?"
          r"(?:\s+(?:with|on)\s.*)?|share\s+via\s.*|tweet(?:\s+this)?|print(?:\s+this)?"
          r"|e-?mail(?:\s+this)?|copy\s+link|whatsapp|facebook|twitter|linkedin|telegram|reddit"
          r"|pin\s+it(?:\s+on\s+pinterest)?|follow\s+us(?:\s+on\s.*)?|like\s+us\s+on\s.*)",
          "social-media sharing and follow buttons"),
    _rule("navigation",
          r"(?:read\s+more|recently|recent(?:\s+(?:posts|news|articles))?|popular(?:\s+posts)?"
          r"|trending(?:\s+now)?|most\s+(?:read|popular|viewed)|latest(?:\s+(?:news|posts))?"
          r"|more\s+(?:stories|news)|more\s+from\s.*|you\s+may\s+also\s+like|recommended(?:\s+for\s+you)?"
          r"|related\s+(?:posts|articles|stories|news)|previous(?:\s+(?:article|post))?"
          r"|next(?:\s+(?:article|post))?|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content"
          r"|menu|home|search|quick\s+read|must\s+read|live|developing\s+story|loading\.*)",
          "navigation links and teaser-list headings"),
    _rule("breadcrumb", r"home\s*[>/»›|].*", "breadcrumb trails (Home > World > Asia)"),
    _rule("advertising",
          r"(?:advertisement|sponsored(?:\s+content)?|ad|story\s+continues\s+below.*)",
          "advertising slots"),
    _rule("cookies",
          r"(?:we\s+use\s+cookies.*|accept(?:\s+all)?(?:\s+cookies)?|cookie\s+(?:policy|settings))",
          "cookie banners"),
    _rule("notifications",
          r"(?:stay\s+up\s+to\s+date\s+with\s+notifications.*|notifications\s+can\s+be\s+managed.*"
          r"|allow\s+notifications)",
          "browser-notification prompts"),
    _rule("photo_credit",
          r"(?:file\s+)?(?:photo|image|picture)(?:\s*(?:credit|courtesy|by|:)\s*.*)?"
          r"|(?:photo|image)\s+credit\s*:?.*|credit\s*:.*",
          "photo and image credits"),
    _rule("byline", r"by\s+[^.!?]{1,60}", "author bylines in the page header", where="header"),
)
"""Lines dropped wherever they appear. Generic, not tied to any one site."""

RELATED_PATTERN = re.compile(
    r"(?:also\s+read|read\s+also|read\s+more|related(?:\s+(?:story|article|news|link))?"
    r"|see\s+also|more\s+on\s+this(?:\s+story)?|more\s+on|recommended)"
    r"\s*[:：|–—»>-]+\s*(?P<headline>\S.*)",
    re.I,
)
"""A link to another story ("Also read: …"): kept as a related headline, outside the body."""


def boilerplate_rule(line: str, *, in_header: bool = False) -> LineRule | None:
    """The rule under which `line` is page furniture, or None if it is text."""
    core = line.strip(" \t.:!|»›>•*·-–—")
    if not core:
        return None
    for rule in BOILERPLATE_RULES:
        if rule.where == "header" and not in_header:
            continue
        if rule.pattern.fullmatch(core):
            return rule
    return None


def related_headline(line: str) -> str | None:
    """The headline of an "Also read: …" style line, or None."""
    m = RELATED_PATTERN.fullmatch(line.strip())
    return m["headline"].strip() if m else None


# --- plain-text pages --------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_WORD = re.compile(r"\w+", re.UNICODE)
# Words that may stand next to a date on a date line without making it text.
_DATELINE_WORDS = frozenset({
    "published", "posted", "updated", "last", "modified", "on", "at", "date", "time", "by",
    "pm", "am", "gmt", "utc", "ist", "pkt", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})
FOOTER_MAX_WORDS = 4
"""Trailing non-sentence lines this short ("Go to top", "Source: X") are page footer."""
HEADER_MAX_LINES = 15
"""Only this many lines at the top can be a page header (title, outlet, date)."""


@dataclass
class CleanPage:
    """What was found in a scraped plain-text page."""

    body: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    related: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (rule name, line)


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _has_words(text: str, count: int) -> bool:
    """Does `text` hold at least `count` words? Counted no further than that, so a
    long text's words are never listed."""
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), count)) >= count


def _is_paragraph(line: str) -> bool:
    """A line of running text: a sentence-length line that ends like a sentence."""
    n = len(_words(line))
    return (n >= 8 and bool(_SENTENCE_END.search(line))) or n >= 25


def _starts_body(line: str) -> bool:
    """The page header ends at running text: a paragraph, or any sentence (not a date line)."""
    if _is_paragraph(line):
        return True
    return bool(_SENTENCE_END.search(line)) and _is_dateline(line) is None


def _is_section_label(line: str) -> bool:
    """A short all-caps line such as "INTERNATIONAL RELATIONS" or "WORLD NEWS"."""
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 3
        and all(c.isupper() for c in letters)
        and len(_words(line)) <= 6
        and not _SENTENCE_END.search(line)
    )


def _is_dateline(line: str) -> str | None:
    """The ISO date when `line` is a publication-date line ("Published on 22/06/2021")."""
    if len(line) > 100:
        return None
    found = find_date(line)
    if found is None:
        return None
    rest = line[: found.start] + " " + line[found.end :]
    leftover = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in _DATELINE_WORDS]
    return found.iso if len(leftover) <= 2 else None


def _looks_like_outlet(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= 5
        and len(line) <= 40
        and not _SENTENCE_END.search(line)
        and (line[0].isupper() or "." in line)
        and not _is_section_label(line)
    )


def _squash(line: str) -> str:
    return " ".join(re.findall(r"\w+", line.casefold()))


def _normalise_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return _unwrap([line.replace("\xa0", " ").strip() for line in text.split("\n")])


# Words no sentence or headline ends on: the line goes on below.
_CONTINUES = re.compile(
    r"(?:[,;]|\b(?:said|told|and|or|but|of|in|on|at|by|for|from|with|to|the|a|an|that|which|"
    r"who|as|into|near|after|before|late|early)\b)$"
)


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped paragraphs back into one line each.

    A long line that stops mid-sentence (on a lower-case word or a comma) and
    is followed by a line going on in lower case, or stops on a word no
    sentence ends on ("said", "of", "late"), is the first part of a wrapped
    paragraph; left alone, the header detection would take it for a
    headline and drop it. Headlines end on capitalised words, so they stay.
    """
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            line
            and len(previous) >= WRAPPED_LINE_MIN_CHARS
            and re.search(r"[a-z,;]$", previous)
            and (re.match(r"[a-z(]", line) or _CONTINUES.search(previous))
        ):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def clean_text_page(text: str) -> CleanPage:
    """Split a scraped plain-text page into title, outlet, date, body and related links.

    The page header is the run of lines before the first sentence of running
    text: there the date line, the outlet next to it and the title (the first
    line of four or more words) are picked out, and section labels, bylines and
    repeated lines are dropped. Throughout the page, boilerplate lines (see
    `BOILERPLATE_RULES`) are dropped and "Also read: …" lines become `related`.
    Short non-sentence lines trailing after the last paragraph are footer.
    """
    lines = _normalise_lines(text)
    page = CleanPage(body="")
    kept: list[tuple[int, str]] = []  # (index in `lines`, text); blanks are kept as ""
    for i, line in enumerate(lines):
        if not line:
            kept.append((i, ""))
            continue
        headline = related_headline(line)
        if headline is not None:
            if headline not in page.related:
                page.related.append(headline)
            kept.append((i, ""))
            continue
        if not any(c.isalnum() for c in line):
            kept.append((i, ""))
            continue
        rule = boilerplate_rule(line)
        if rule is not None:
            page.dropped.append((rule.name, line))
            kept.append((i, ""))
            continue
        kept.append((i, line))

    content = [(i, line) for i, line in kept if line]
    first_para = next((k for k, (_, line) in enumerate(content) if _starts_body(line)), None)
    header: list[str] = []
    if first_para is not None and first_para <= HEADER_MAX_LINES:
        header = [line for _, line in content[:first_para]]
        body_start = content[first_para][0]
    else:
        body_start = content[0][0] if content else 0
    _read_header(header, page)

    body_lines = [line for i, line in kept if i >= body_start]
    page.body = _assemble_body(body_lines, page)
    return page


_DATELINE_KEYWORD = re.compile(r"\b(?:published|posted|updated|date)\b", re.I)


def _read_header(header: list[str], page: CleanPage) -> None:
    """Pick title, outlet and publication date out of the lines above the body.

    Entries are (line, ISO date or None); date lines stay in the list so that
    "next to the date line" keeps its meaning when choosing the outlet.
    """
    seen: set[str] = set()
    entries: list[tuple[str, str | None]] = []
    for line in header:
        key = _squash(line)
        if key in seen:
            page.dropped.append(("repeated_header", line))
            continue
        seen.add(key)
        iso = _is_dateline(line)
        if iso is None:
            if _is_section_label(line):
                page.dropped.append(("section_label", line))
                continue
            rule = boilerplate_rule(line, in_header=True)
            if rule is not None:
                page.dropped.append((rule.name, line))
                continue
        entries.append((line, iso))
    # A section label repeated above the headline is dropped in every copy.
    repeated = {_squash(line) for name, line in page.dropped if name == "repeated_header"}
    entries = [
        (line, iso) for line, iso in entries
        if not (_squash(line) in repeated and (_is_section_label(line) or len(_words(line)) <= 3))
    ]
    texts = [k for k, (line, iso) in enumerate(entries) if iso is None]
    # The headline comes first; kickers, captions and standfirsts follow it.
    title_at = next((k for k in texts if len(_words(entries[k][0])) >= 4), None)
    if title_at is None and texts:
        title_at = max(texts, key=lambda k: len(_words(entries[k][0])))
        if len(_words(entries[title_at][0])) < 3:
            title_at = None
    if title_at is not None:
        page.title = entries[title_at][0]
    # The publication date: one labelled as such, else the first after the
    # headline (a date above it is often the site's "today" widget), else any.
    dates = [k for k, (_, iso) in enumerate(entries) if iso is not None]
    labelled = [k for k in dates if _DATELINE_KEYWORD.search(entries[k][0])]
    after = [k for k in dates if title_at is not None and k > title_at]
    date_at = (labelled or after or dates)[0] if dates else None
    if date_at is not None:
        page.published = entries[date_at][1]
    # The outlet sits right next to the date line, or right below the title.
    if date_at is not None:
        neighbours = [date_at - 1, date_at + 1]
    elif title_at is not None:
        neighbours = [title_at + 1]
    else:
        neighbours = []
    for k in neighbours:
        if (0 <= k < len(entries) and k != title_at and entries[k][1] is None
                and _looks_like_outlet(entries[k][0])):
            page.outlet = entries[k][0]
            break


def _assemble_body(body_lines: list[str], page: CleanPage) -> str:
    title_key = _squash(page.title) if page.title else None
    seen_short: set[str] = set()
    cleaned: list[str] = []
    for line in body_lines:
        if not line:
            cleaned.append("")
            continue
        key = _squash(line)
        if title_key and key == title_key:
            page.dropped.append(("repeated_title", line))
            continue
        if _is_section_label(line):
            page.dropped.append(("section_label", line))
            continue
        if not _is_paragraph(line):
            if key in seen_short:
                page.dropped.append(("repeated_line", line))
                continue
            seen_short.add(key)
        cleaned.append(line)
    # Footer: short non-sentence lines after the last paragraph ("Go to top").
    # If anything longer follows, it is text after all and everything stays.
    last_para = max((k for k, line in enumerate(cleaned) if line and _is_paragraph(line)),
                    default=None)
    if last_para is not None:
        trailing = [line for line in cleaned[last_para + 1 :] if line]
        if all(len(_words(line)) <= FOOTER_MAX_WORDS and not _SENTENCE_END.search(line)
               for line in trailing):
            page.dropped.extend(("footer", line) for line in trailing)
            cleaned = cleaned[: last_para + 1]
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*cleaned, ""]:
        if line:
            block.append(line)
        elif block:
            paragraphs.append("\n".join(block))
            block = []
    return "\n\n".join(paragraphs)


# --- decoding ----------------------------------------------------------------


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.05


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str | None]:
    """Decode bytes to text; returns (text, warning message or None).

    UTF-8 (with or without BOM) unless a BOM or a declared `encoding` says
    otherwise. Invalid bytes are replaced rather than refused, because one bad
    byte should not cost a whole report, but the caller is told so it can warn.
    Raises InputError for binary data.
    """
    if looks_binary(data):
        raise InputError("binary file, not text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    else:
        codec = "utf-8"
        # An unknown declared charset is ignored: UTF-8 is then the best guess.
        with contextlib.suppress(LookupError):
            codec = codecs.lookup(encoding).name if encoding else "utf-8"
    try:
        return data.decode(codec), None
    except UnicodeDecodeError as exc:
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        if bad > max(16, len(text) // 4):
            raise InputError("binary file, not text") from exc
        return text, (
            f"invalid {codec.upper()} (first bad byte at offset {exc.start}); "
            f"{bad} character(s) replaced"
        )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


# --- building Documents ------------------------------------------------------


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters (and DEL), except tab and newline."""


def replace_control_chars(text: str) -> str:
    """`text` with every control character but tab and newline replaced by a space.

    Report text is untrusted and ends up on users' terminals: an ESC or OSC
    sequence in a report could recolour the screen, rewrite earlier lines or
    set the terminal's title and clipboard. A space per character keeps the
    length, so character offsets into the text (gold files, evidence spans)
    stay valid.
    """
    return _CONTROL_CHARS.sub(" ", text)


def _clean_field(value: str | None) -> str | None:
    """A one-line metadata field (title, outlet, url) without control characters."""
    if value is None:
        return None
    return replace_control_chars(value).strip() or None


def _related_headlines(related: Iterable[str]) -> tuple[str, ...]:
    """Related headlines, cleaned; a single string (not a list of them) is an InputError."""
    if isinstance(related, str | bytes):
        raise InputError("field 'related' must be a list of strings, not a string")
    items = list(related)
    if not all(isinstance(r, str) for r in items):
        raise InputError("field 'related' must be a list of strings")
    cleaned = (_clean_field(r) for r in items)
    return tuple(r for r in cleaned if r)


def make_document(
    body: str,
    *,
    origin: str,
    doc_id: str | None = None,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    related: Iterable[str] = (),
) -> Document:
    """A Document with its content hash, derived id (when none) and language.

    Control characters are replaced (see `replace_control_chars`) in the body
    and metadata; an id containing one is refused, and so is any id outside
    `models.DOCUMENT_ID_PATTERN` (one that could not be fetched by URL, say).
    `related` must be a list (or other collection) of strings, never a single string.
    """
    body = replace_control_chars(body)
    if not _has_words(body, 1):
        raise InputError("no text")
    if doc_id is not None and _CONTROL_CHARS.search(doc_id):
        raise InputError("field 'id' contains control characters")
    if doc_id is not None and (problem := document_id_problem(doc_id)):
        raise InputError(problem)
    related_headlines = _related_headlines(related)
    hash_hex = content_hash(body)
    return Document(
        id=doc_id or document_id_for(hash_hex),
        text=body,
        content_hash=hash_hex,
        title=_clean_field(title),
        published=published,
        outlet=_clean_field(outlet),
        url=_clean_field(url),
        language=detect_language(body),
        related=related_headlines,
        origin=origin,
    )


def document_from_text(text: str, *, origin: str, url: str | None = None) -> Document:
    """A Document from a scraped plain-text page (see `clean_text_page`)."""
    if not text.strip():
        raise InputError("empty file")
    page = clean_text_page(text)
    if not _has_words(page.body, MIN_BODY_WORDS):
        raise InputError("no body text found")
    return make_document(
        page.body,
        origin=origin,
        title=page.title,
        published=page.published,
        outlet=page.outlet,
        url=url,
        related=page.related,
    )


def _host_outlet(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def document_from_html(
    html: str,
    *,
    origin: str,
    url: str | None = None,
    fallback_title: str | None = None,
    fallback_published: str | None = None,
) -> Document:
    """A Document from an HTML page: trafilatura finds the text and metadata.

    The extracted text then goes through the same line rules as plain text
    (boilerplate dropped, "Also read" lines kept as related headlines), since
    trafilatura keeps such lines when they sit inside the article element.
    """
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - an install problem, reported plainly
        raise InputError(f"cannot read HTML: trafilatura is unusable ({exc})") from exc
    if not html.strip():
        raise InputError("empty file")
    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={
            "outputformat": "%Y-%m-%dT%H:%M",
            "original_date": True,
            "extensive_search": True,
        },
    )
    text = getattr(result, "text", None) or ""
    title = getattr(result, "title", None) or fallback_title
    lines: list[str] = []
    related: list[str] = []
    for line in _normalise_lines(text):
        if not line:
            continue
        headline = related_headline(line)
        if headline is not None:
            related.append(headline)
            continue
        if boilerplate_rule(line) is not None or not any(c.isalnum() for c in line):
            continue
        if title and not lines and _squash(line) == _squash(title):
            continue  # the headline repeated as the first line of the article
        lines.append(line)
    body = "\n\n".join(lines)
    if not _has_words(body, MIN_BODY_WORDS):
        raise InputError("HTML without an article body")
    published = getattr(result, "date", None) or None
    if published and published.endswith("T00:00"):
        # htmldate writes midnight when only the day is known; a real 00:00
        # publication loses its time, which is harmless at day precision.
        published = published[:10]
    if published:
        published = parse_date(published)
    return make_document(
        body,
        origin=origin,
        title=title,
        published=published or fallback_published,
        outlet=getattr(result, "sitename", None) or _host_outlet(url),
        url=url,
        related=dict.fromkeys(related),
    )


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and key == "id":
        return str(value)
    raise InputError(f"field '{key}' must be a string, not {type(value).__name__}")


def document_from_record(
    record: Any, *, origin: str, warnings: list[str] | None = None
) -> Document:
    """A Document from one corpus record (`id`, `url`, `published`, `outlet`, `title`, `text`).

    The record's text is kept exactly as given, so character offsets that a
    gold file or an analyst recorded against it stay valid; its `id` is kept as
    the document id, and `published` as given (null stays null). A `published`
    in another date format is converted to ISO; one that cannot be read is
    dropped with a warning.
    """
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError(f"field 'text' must be a string, not {type(text).__name__}")
    if not text or not text.strip():
        raise InputError("record without text")
    raw_published = _opt_str(record, "published")
    published = parse_date(raw_published) if raw_published else None
    if raw_published and published is None and warnings is not None:
        warnings.append(f"unreadable published date {raw_published!r}; stored without a date")
    return make_document(
        text,
        origin=origin,
        doc_id=_opt_str(record, "id"),
        title=_opt_str(record, "title"),
        published=published,
        outlet=_opt_str(record, "outlet"),
        url=_opt_str(record, "url"),
        related=_record_related(record),
    )


def _record_related(record: dict[str, Any]) -> list[str]:
    """A record's `related` headlines: null/absent, or a JSON list of strings."""
    value = record.get("related")
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise InputError(
            f"field 'related' must be a list of strings, not {_json_type_name(value)}"
        )
    return value


def _json_type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list with non-string items"
    return {str: "a string", dict: "an object", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


# --- reading files and directories -----------------------------------------


def format_size(n: int) -> str:
    """A byte count for messages: "512 B", "48.8 kB", "20 MB"."""
    for unit, scale in (("MB", 1024 * 1024), ("kB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} B"


def read_source(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadItem]:
    """Everything in a file or a directory tree, as Documents, errors and warnings.

    Directories are walked recursively in sorted order (hidden entries are
    skipped; files of unknown type inside a directory are skipped with a
    warning, since folders often hold READMEs and the like). A file named
    explicitly with an unknown type is an error.
    """
    p = Path(path)
    if p.is_dir():
        for file in walk_files(p):
            if file.suffix.lower() not in KNOWN_SUFFIXES:
                yield SourceWarning(str(file), "skipped: unknown file type")
                continue
            yield from read_file(file, max_bytes=max_bytes)
    else:
        yield from read_file(p, max_bytes=max_bytes)


def walk_files(root: Path) -> Iterator[Path]:
    """Files under `root`, recursively, without hidden files or folders.

    Sorted by path components (as `find | sort` would list them), so a run over
    the same folder always stores documents in the same order.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath) / name for name in filenames if not name.startswith("."))
    yield from sorted(found, key=lambda p: p.relative_to(root).parts)


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadItem]:
    """One file, by its type; problems come out as items, never as exceptions."""
    source = str(path)
    suffix = path.suffix.lower()
    if not path.exists():
        yield SourceError(source, "no such file or directory")
        return
    if suffix not in KNOWN_SUFFIXES:
        expected = ", ".join(KNOWN_SUFFIXES)
        yield SourceError(source, f"unknown file type {suffix or '(none)'!r} (expected {expected})")
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield SourceError(source, "empty file")
            return
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, max_bytes)
            return
        if size > max_bytes:
            yield SourceError(
                source, f"file is {format_size(size)}, over the {format_size(max_bytes)} size cap"
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield SourceError(source, f"cannot read: {exc.strerror or exc}")
        return
    try:
        if suffix in HTML_SUFFIXES:
            html, warning = decode_text(data, html_charset(data))
            if warning:
                yield SourceWarning(source, warning)
            yield document_from_html(html, origin=source)
            return
        text, warning = decode_text(data)
        # This generator waits at `yield` while the report is stored and read: it
        # holds no second copy of a long file then.
        del data
        if warning:
            yield SourceWarning(source, warning)
        if not text.strip():
            raise InputError("empty file")
        if suffix in TEXT_SUFFIXES:
            doc = document_from_text(text, origin=source)
            del text
            yield doc
        else:
            yield from _read_json(text, source)
    except InputError as exc:
        yield SourceError(source, exc.message, exc.line)


def _read_json(text: str, source: str) -> Iterator[ReadItem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    records = data if isinstance(data, list) else [data]
    if not records:
        raise InputError("empty JSON list")
    for n, record in enumerate(records, start=1):
        where = f"record {n}: " if isinstance(data, list) else ""
        warnings: list[str] = []
        try:
            doc = document_from_record(record, origin=source, warnings=warnings)
        except InputError as exc:
            yield SourceError(source, where + exc.message)
            continue
        for message in warnings:
            yield SourceWarning(source, where + message)
        yield doc


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[ReadItem]:
    source = str(path)
    seen_record = False
    with path.open("rb") as fh:
        for lineno in itertools.count(1):
            raw = fh.readline(max_bytes + 1)
            if not raw:
                break
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                while (chunk := fh.readline(1 << 20)) and not chunk.endswith(b"\n"):
                    pass
                cap = format_size(max_bytes)
                yield SourceError(source, f"record over the {cap} size cap", lineno)
                continue
            if not raw.strip():
                continue
            seen_record = True
            try:
                line, warning = decode_text(raw)
            except InputError as exc:
                yield SourceError(source, exc.message, lineno)
                continue
            if warning:
                yield SourceWarning(source, warning, lineno)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield SourceError(source, f"malformed JSON line: {exc.msg} (column {exc.colno})",
                                  lineno)
                continue
            warnings: list[str] = []
            try:
                doc = document_from_record(record, origin=f"{source}:{lineno}", warnings=warnings)
            except InputError as exc:
                yield SourceError(source, exc.message, lineno)
                continue
            for message in warnings:
                yield SourceWarning(source, message, lineno)
            yield doc
    if not seen_record:
        yield SourceError(source, "empty file")
