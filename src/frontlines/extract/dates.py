"""Finding and resolving the dates of events against a report's publication date.

Written here rather than taken from a date-parsing library because news text
needs *relative* resolution with a precision ("late Sunday" in a report
published on Tuesday is the Sunday before, to the day; "last week" is only
known to the week) and must never yield a date after publication. General
parsers either guess forward in time or lose the precision.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"

# (name, pattern); the first that matches at a position wins. Order matters:
# longer, more specific forms first.
DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"\b(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})\b"),
    ("month-day", r"\b" + _MONTH + r"\s+" + _DAY + r"\b" + _YEAR),
    ("day-month", r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\b" + _YEAR),
    # "in October 2016", "in 2015": a month or a year gone by (often another
    # war's, which the extractor sets aside).
    ("month-year", r"\b" + _MONTH + r"\s+(?P<year>(?:19|20)\d{2})\b"),
    ("year", r"\b(?:in|since|during|by)\s+(?:early\s+|late\s+|mid-)?(?P<year>(?:19|20)\d{2})\b"),
    # "in August": a month of this year (or last year's, if it is still to come).
    ("month", r"\bin\s+(?:early\s+|late\s+|mid-)?" + _MONTH + r"(?!\s*\d)\b"),
    # "on the 12th": a day of the report's month (or the month before).
    ("ordinal-day", r"\bon\s+the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b"),
    (
        "weekday",
        r"\b(?P<modifier>last|late|early|earlier\s+on|on|this\s+past|past)?\s*"
        + _WEEKDAY
        + r"(?:\s+(?:night|morning|evening|afternoon))?\b",
    ),
    ("day-before-yesterday", r"\bthe\s+day\s+before\s+yesterday\b"),
    (
        "yesterday",
        r"\b(?:yesterday|last\s+night|overnight|the\s+previous\s+day|a\s+day\s+earlier|"
        r"the\s+day\s+before|(?:comes?|came)\s+a\s+day\s+after)\b",
    ),
    (
        "today",
        r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+in\s+the\s+day|"
        r"earlier\s+today|hours?\s+ago|an?\s+hour\s+ago|(?:in|over)\s+the\s+(?:past|last)\s+24\s+hours"
        r"|on\s+the\s+same\s+day|just\s+now)\b",
    ),
    (
        "days-ago",
        r"\b(?P<count>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+days?\s+"
        r"(?:ago|earlier|before)\b",
    ),
    (
        "weeks-ago",
        r"\b(?P<count>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+weeks?\s+(?:ago|earlier|before)\b",
    ),
    ("next-day", r"\b(?:the\s+next\s+day|the\s+following\s+day|a\s+day\s+later)\b"),
    (
        "last-week",
        r"\b(?:last\s+week|a\s+week\s+ago|earlier\s+this\s+week|this\s+week|the\s+past\s+"
        r"week|(?:in|over)\s+the\s+(?:past|last)\s+(?:few|several|two|three)\s+days|in\s+recent\s+days)\b",
    ),
    (
        "last-month",
        r"\b(?:last\s+month|a\s+month\s+ago|earlier\s+(?:this|in\s+the)\s+month|"
        r"this\s+month)\b",
    ),
)
# Lower-case patterns, run on the lower-cased text (several times faster than
# case-insensitive matching); the original text supplies what is shown.
_COMPILED = tuple((name, re.compile(p)) for name, p in DATE_PATTERNS)
_COMPILED_ANY_CASE = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in DATE_PATTERNS)
_BOUND = re.compile(r"\b(since|until|till|by)\s+$")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    kind: str
    text: str
    groups: dict[str, str | None]


@dataclass(frozen=True)
class ResolvedDate:
    date: date | None
    precision: str  # day / week / month
    basis: str  # explicit / relative / publication


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in `text`, left to right, without overlaps."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    lowered = text.lower()
    patterns = _COMPILED if len(lowered) == len(text) else _COMPILED_ANY_CASE
    subject = lowered if len(lowered) == len(text) else text
    for name, pattern in patterns:
        for match in pattern.finditer(subject):
            start, end = match.span()
            if name == "weekday":
                start = match.start("weekday") if not match.group("modifier") else start
            if any(start < e and s < end for s, e in taken):
                continue
            bound = _BOUND.search(subject[max(0, start - 8) : start])
            taken.append((start, end))
            if bound and bound.group(1) != "since":
                continue  # "until Friday" bounds a period; it dates no event
            kind = f"since-{name}" if bound else name
            found.append(DateMention(start, end, kind, text[start:end], match.groupdict()))
    found.sort(key=lambda d: d.start)
    # "on Monday, June 14", "Monday (14 June 2021)": the weekday names the day
    # its date gives; the date says it.
    return [
        d for i, d in enumerate(found)
        if not (
            d.kind == "weekday"
            and i + 1 < len(found)
            and found[i + 1].kind in ("month-day", "day-month", "iso")
            and _APPOSITION.fullmatch(text, d.end, found[i + 1].start)
        )
    ]


_APPOSITION = re.compile(r"\s*[,(]?\s*(?:the\s+)?")


def _explicit(groups: dict[str, str | None], published: date | None, default_year: int | None) -> date | None:
    if groups.get("iso"):
        try:
            return date.fromisoformat(str(groups["iso"]))
        except ValueError:
            return None
    month = MONTHS[str(groups["month"]).lower().rstrip(".")]
    day = int(str(groups["day"]))
    if groups.get("year"):
        year = int(str(groups["year"]))
    elif published:
        year = published.year
        # "December 30" in a report of 2 January is last year's.
        if month > published.month + 1:
            year -= 1
    elif default_year:
        year = default_year
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_relative_date(
    mention: DateMention,
    published: date | None,
    *,
    default_year: int | None = None,
    previous: date | None = None,
) -> ResolvedDate | None:
    """Turn one date expression into a date, a precision and a basis.

    `published` anchors relative expressions; `previous` is the last date the
    text established ("the next day" counts from it). Returns None when the
    expression cannot be resolved (relative date, no publication date) or
    would fall after publication, which for a report of what happened means
    it is not an event date ("the talks on Friday" in a Wednesday report).
    """
    kind = mention.kind
    groups = mention.groups
    if kind.startswith("since-"):
        # "has been under Taliban control since May 1": it happened between that
        # day and publication; the latest it can be is the publication date, and
        # the precision says how wide the window is.
        opened = resolve_relative_date(
            DateMention(mention.start, mention.end, kind[len("since-") :], mention.text, groups),
            published,
            default_year=default_year,
            previous=previous,
        )
        if published is None or opened is None or opened.date is None:
            return None
        span = (published - opened.date).days
        precision = "day" if span <= 1 else "week" if span <= 7 else "month"
        return ResolvedDate(published, precision, "relative")
    if kind in ("iso", "month-day", "day-month"):
        value = _explicit(groups, published, default_year)
        if value is None or (published and value > published):
            return None
        return ResolvedDate(value, "day", "explicit")
    if kind in ("month-year", "year"):
        # Only a month or year before the report's own is a date of use: "in
        # August 2021" in an August 2021 report says no more than the report's date.
        now = published or (date(default_year, 12, 31) if default_year else None)
        year = int(str(groups["year"]))
        month = MONTHS[str(groups["month"]).lower().rstrip(".")] if kind == "month-year" else 12
        if now is None or (year, month) >= (now.year, now.month):
            return None
        return ResolvedDate(_month_end(year, month), "month", "explicit")
    if kind == "month":
        if published is None:
            return None
        month = MONTHS[str(groups["month"]).lower().rstrip(".")]
        if month == published.month:
            return None  # the report's own month says no more than the report
        year = published.year - (1 if month > published.month else 0)
        return ResolvedDate(_month_end(year, month), "month", "explicit")
    if kind == "ordinal-day":
        if published is None:
            return None
        day = int(str(groups["day"]))
        year, month = published.year, published.month
        if day > published.day:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        try:
            return ResolvedDate(date(year, month, day), "day", "explicit")
        except ValueError:
            return None
    if published is None:
        return ResolvedDate(None, "day", "relative")
    if kind == "weekday":
        target = WEEKDAYS[str(groups["weekday"]).lower()]
        back = (published.weekday() - target) % 7
        modifier = (groups.get("modifier") or "").lower()
        if back == 0 and modifier == "last":
            back = 7
        return ResolvedDate(published - timedelta(days=back), "day", "relative")
    if kind == "yesterday":
        return ResolvedDate(published - timedelta(days=1), "day", "relative")
    if kind == "day-before-yesterday":
        return ResolvedDate(published - timedelta(days=2), "day", "relative")
    if kind == "weeks-ago":
        count_word = str(groups["count"]).lower()
        weeks = int(count_word) if count_word.isdigit() else NUMBER_WORDS.get(count_word, 1)
        return ResolvedDate(published - timedelta(days=7 * weeks), "week", "relative")
    if kind == "today":
        return ResolvedDate(published, "day", "relative")
    if kind == "days-ago":
        count_word = str(groups["count"]).lower()
        count = int(count_word) if count_word.isdigit() else NUMBER_WORDS.get(count_word, 1)
        return ResolvedDate(published - timedelta(days=count), "day", "relative")
    if kind == "next-day":
        if previous is None:
            return None
        value = previous + timedelta(days=1)
        return ResolvedDate(min(value, published), "day", "relative")
    if kind == "last-week":
        back = 7 if re.search(r"last\s+week|week\s+ago", mention.text, re.IGNORECASE) else 0
        return ResolvedDate(published - timedelta(days=back), "week", "relative")
    if kind == "last-month":
        back = 30 if re.search(r"last\s+month|month\s+ago", mention.text, re.IGNORECASE) else 0
        return ResolvedDate(published - timedelta(days=back), "month", "relative")
    return None


def publication_date(published: date | None) -> ResolvedDate:
    """The fallback: no date in the text, the report's own date is the latest it can be."""
    return ResolvedDate(published, "day", "publication")


def _month_end(year: int, month: int) -> date:
    """A month named without a day stands for its last day: by then, at the
    latest, it had happened (a timeline never shows it early)."""
    return date(year, month, calendar.monthrange(year, month)[1])
