"""Fuzzy matching: the place names that no folding rule foresaw.

Reports spell names in ways no rule set can predict: "Khuwaja Ghar" for
Khwaja Ghar, "Hazar Somch" for Hazar Sumuch, "Andhoy" for Andkhoy. The exact
pass (`Gazetteer.find_mentions`) misses them, or worse, finds only a shorter
name inside ("Ghar" in "Khuwaja Ghar"). This module holds the two halves of
the second, fuzzy pass that `Gazetteer.fuzzy_mentions` runs:

- `candidate_runs` and `run_segments` find what in a text looks like a name
  nobody matched: a run of capitalised words (hyphenated parts and
  lower-case particles inside: "Kuran-wo-Munjan", "Qala-i-Naw"), broken at
  common English words and the spans a caller already explained (actors,
  dates), and taken whole;
- `FuzzyIndex` scores a candidate's folded key against the folded keys of
  the gazetteer's names (rapidfuzz's Indel distance, fewer edits allowed
  for short keys), keeping every place within `FUZZY_BAND` of the best.

Fuzzy matching finds names, and also people, news agencies and headline
words that happen to look like a village. Each guard below is a general fact
of English news text that removed such false matches on the development
reports (measured figures in `tests/places/test_fuzzy.py`):

- a run is tried whole, never a word out of its middle: "Ashraf Ghani" is
  no "Ghazni", "Abdul Ahmad Benawa" no "Anawa";
- a run after a title ("spokesman Omer Sirzad") or with one in apposition
  ("Masoud Bakhtwar, Farah governor"), before or after a verb of saying
  ("Suhail Shaheen told", "said Khoja Yaya Alawi") is a person;
- a run after "the" is a thing ("the Buddhas of Bamyan", "the Shirhan
  border") unless a level word follows ("the Deh Rawood district"); one
  before "River", "Airport" and the like names that feature; one after a
  number names a unit ("209th Shaheen corps"); a sentence's first word
  followed by "this", "the"... is a verb ("Share this");
- a word glued to a lower-case word by a hyphen is an adjective
  ("Hazara-dominated"), a word that is a known name plus an ending a
  demonym ("Panjshiri"), and a country's name is never a village;
- the first letter of every word must agree with the name's ("Dasht-e-Barchi"
  is not Dasht-e-Archi): misspellings keep the first letters;
- a headline (most words capitalised) and an ordinary word that starts a
  sentence (it occurs in lower case elsewhere in the text) are no names.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Indel

from .names import COMMON_WORDS, WORD_TAIL, NameFolding, ascii_word

# How many letters a candidate's key may differ from a name's key (Indel
# distance: one letter added or left out counts 1, one replaced 2), by the
# length of the candidate's key: (shortest key, most edits), longest first.
# Short keys are many and close together ("Farah" must not match every
# "Farahi"), so a key of 6 to 8 letters may only lose or gain one letter
# (Andhoy/Andkhoy, Kaldara/Kaldar, Mehtalam/Mehtarlam); a longer one may differ
# by two (Khuwaja Ghar/Khwaja Ghar, Dawjat Abad/Dawlat Abad), a long one by
# three. Keys shorter than the last entry are never matched fuzzily. Measured
# on the development reports (tests/places/test_fuzzy.py): one edit on keys
# of 5 letters matched "Giran" (a resident) to Gulran and "Qasaan" to Kohsan.
MAX_EDITS: tuple[tuple[int, int], ...] = ((15, 3), (9, 2), (6, 1))
# A key that names only populated places (no admin unit) is allowed this many
# edits fewer. GeoNames lists thousands of villages, each with many spellings;
# a misspelt person ("Karimi"), a foreign word or a village missing from the
# gazetteer lands near one of them far more often than near one of the few
# hundred admin units, which are what reports name most. Measured on the
# development reports: without it, 6 of 13 matches to towns alone were wrong
# (Karimi/Kiraman, Blahodativka/Blahodarivka, "Che Guevara"/Chagsarai); with
# it none, at the cost of two right ones (Lysyhansk, and Farahi meant as Farah).
TOWN_FEWER_EDITS = 1
# A candidate whose key equals a name's key is a match however short, down to
# this length: its words were only grouped otherwise ("Du Ab" for Duab).
MIN_EXACT_KEY = 3
# Keys at most this many edits farther than the closest are candidates too:
# the ambiguity is the linker's to settle, as in the exact pass ("Kuran-wo-
# Munjan" is one edit from the town Kuran wa Munjan, two from the district
# Koran Wa Monjan).
FUZZY_BAND = 1
# Longest run of name words tried as one name; longer runs are titles,
# lists or headlines.
MAX_CANDIDATE_WORDS = 4

# Words before a run of capitalised words that make it a person or an office
# ("Governor Abdul Sattar", "spokesman Omer Sirzad"), in any case.
PERSON_TITLES: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "general", "col", "colonel", "maj", "major", "lt",
    "lieutenant", "capt", "captain", "sgt", "sergeant", "commander", "cmdr", "president",
    "vice", "minister", "governor", "gov", "spokesman", "spokesperson", "spokeswoman",
    "chief", "mayor", "senator", "sen", "prince", "king", "queen", "sir", "lord", "judge",
    "ambassador", "envoy", "secretary", "director", "head", "leader", "deputy", "mullah",
    "mawlawi", "maulvi", "qari", "mufti", "lawmaker", "mp", "journalist", "reporter",
    "correspondent", "analyst", "founder", "son", "daughter", "brother", "father",
})

# A run followed by a verb of saying is who spoke ("Abdul Farahi said") ...
SPEECH_AFTER = re.compile(
    r"[ \t]*(?:,[ \t]*)?(?:has[ \t]+|had[ \t]+|also[ \t]+)?(?:said|says|told|added|stated|"
    r"tweeted|wrote|explained|noted|insisted|warned|confirmed\s+to)\b",
    re.IGNORECASE,
)
# ... and so is one after it ("said Khoja Yaya Alawi", "according to ...").
SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|told|according[ \t]+to|quoted|quoting|by)[ \t]*$", re.IGNORECASE
)

# A title in apposition: "Masoud Bakhtwar, Farah governor", "the spokesman of
# the governor, Zalmai Karimi". Filled from `PERSON_TITLES` below.
_TITLE_WORDS = "|".join(sorted(PERSON_TITLES, key=len, reverse=True))
TITLE_APPOSITION_AFTER = re.compile(
    r"[ \t]*,[ \t]*(?:(?:a|an|the)[ \t]+)?(?:[\w'’-]+[ \t]+){0,3}?(?:" + _TITLE_WORDS + r")\b",
    re.IGNORECASE,
)
TITLE_BEFORE = re.compile(r"\b(?:" + _TITLE_WORDS + r")\.?[ \t]+$", re.IGNORECASE)
TITLE_APPOSITION_BEFORE = re.compile(r"\b(?:" + _TITLE_WORDS + r")[ \t]*,[ \t]*$", re.IGNORECASE)

# "the" before a run, unless a word for a kind of place follows it.
ARTICLE_BEFORE = re.compile(r"\bthe[ \t]+$", re.IGNORECASE)
LEVEL_AFTER = re.compile(
    r"[ \t]*-?[ \t]*(?:district|province|city|town|village|region|oblast|raion|hromada|"
    r"area|valley|county|municipality|settlement)s?\b",
    re.IGNORECASE,
)
# A run before one of these names a feature, not a settlement.
FEATURE_AFTER = re.compile(
    r"[ \t]+(?:river|lake|sea|mountains?|hills?|street|avenue|square|bridge|dam|canal|"
    r"airport|airbase|station|stadium|university|school|hospital|mosque|hotel|agency|"
    r"news|tv|radio|corps|brigade|battalion|division|regiment|army)\b",
    re.IGNORECASE,
)
# A number before a run ("209th Shaheen corps", "3 Kilo"): a unit or a count.
NUMBER_BEFORE = re.compile(r"\d\w*[ \t]+$")
# After a sentence's first word, these make it a verb ("Share this with ...").
OBJECT_AFTER = re.compile(
    r"[ \t]+(?:this|that|these|those|the|a|an|your|our|their|his|her|its|it|them|us|me|you)\b"
)

# Endings that make a demonym or an adjective of a place name: "Panjshiri",
# "Kabulis", "Ukrainian", "Heratis". A word that is a known name plus one of
# these is not a place.
DERIVED_ENDINGS: tuple[str, ...] = ("i", "is", "s", "n", "an", "ans", "ian", "ians", "ese")

# What ends a sentence before a word (with closing quotes and brackets skipped).
_SENTENCE_END = frozenset(".!?")
_CLOSERS = frozenset("\"'”’)]")
# What may join two words of one name: spaces or a hyphen (with spaces).
_JOINER = re.compile(r"[ \t]*-[ \t]*|[ \t]+")
# A lower-case word between hyphens is a particle of a compound name
# ("Kuran-wo-Munjan", "Qala-i-Naw", "Rostov-na-Donu") when this short.
_MAX_HYPHEN_PARTICLE = 3
_PARTICLE_GAP = re.compile(r"[ \t]*(-)?[ \t]*([^\W\d_]+)[ \t]*(-)?[ \t]*")
_HYPHEN_WORD = re.compile(r"-([^\W\d_]+)")
_HAS_DIGIT = re.compile(r"\d").search
_POSSESSIVE = ("'s", "’s")
# A word that starts with a capital letter (Latin, Greek or Cyrillic), with
# the inner apostrophes and marks `names.WORD_RE` allows.
_UPPER = "".join(
    ch for low, high in ((0x41, 0x250), (0x370, 0x530), (0x1E00, 0x1F00))
    for ch in map(chr, range(low, high)) if ch.isupper()
)
_CAPITALISED = re.compile(r"(?<![\w'’])[" + re.escape(_UPPER) + "]" + WORD_TAIL)
# A line is a headline when it has at least `HEADLINE_WORDS` words of four
# letters or more and this share of them are capitalised ("Taliban Capture
# Strategic Afghan-Iran Border Crossing"); a short sentence full of names
# ("Fighting continued in Hazar Somch") is not one.
HEADLINE_SHARE = 0.7
HEADLINE_WORDS = 5
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True, slots=True)
class Run:
    """Capitalised words that may form one name.

    `parts[i]` is the (start, end) span of name word i; particles joining two
    name words belong to the run but are no parts (a candidate never starts
    or ends with one). `sentence_start` says the first word opens a
    sentence, where any word is capitalised.
    """

    parts: tuple[tuple[int, int], ...]
    sentence_start: bool


def _opens_sentence(text: str, start: int, position: int) -> bool:
    """Does the word at `position` open a sentence: the searched text's start, a
    line's start, or after . ! ? (and closing quotes or brackets) and a space?"""
    i = position - 1
    while i >= start and text[i] in " \t":
        i -= 1
    if i < start or text[i] in "\r\n":
        return True
    if i == position - 1:
        return False  # no space before the word
    while i >= start and text[i] in _CLOSERS:
        i -= 1
    return i >= start and text[i] in _SENTENCE_END


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def candidate_runs(text: str, folding: NameFolding, taken: Iterable[tuple[int, int]] = (),
                   start: int = 0, end: int | None = None) -> list[Run]:
    """The runs of capitalised words in `text[start:end]` that may be names.

    Two capitalised words belong to one run when only spaces, a hyphen, or a
    particle of the folding or a short lower-case word between hyphens
    ("Kuran-wo-Munjan", "Qala-i-Naw") stand between them. A capitalised word
    breaks a run when it is a common English word (`COMMON_WORDS`, months and
    weekdays included), holds a digit, or overlaps a `taken` span (what the
    caller has already explained: actors, dates, trigger phrases); a
    possessive ends a run. The cues of context (`context_says_no`) are left
    to the runs that match a name: most runs match none.

    Only capitalised words are visited (one regex finds them), so a sentence
    costs little however long it is.
    """
    taken_spans = sorted(taken)
    stop = len(text) if end is None else end
    runs: list[Run] = []
    parts: list[tuple[int, int]] = []
    opens_sentence = False
    previous_end = start

    def close() -> None:
        nonlocal parts
        if parts:
            runs.append(Run(tuple(parts), opens_sentence))
        parts = []

    for match in _CAPITALISED.finditer(text, start, stop):
        w_start, w_end = match.span()
        word = match.group()
        if parts and not _joins(text[previous_end:w_start], folding.particles):
            close()
        previous_end = w_end
        possessive = word.endswith(_POSSESSIVE)
        bare = word[:-2] if possessive else word
        lower = bare.lower()
        if lower in PERSON_TITLES:
            parts = []  # "Prime Minister", "Deputy Governor": part of the office
            continue
        if (lower in COMMON_WORDS or _HAS_DIGIT(bare)
                or (taken_spans and _overlaps(w_start, w_end, taken_spans))):
            close()
            continue
        if not parts:
            opens_sentence = _opens_sentence(text, start, w_start)
        parts.append((w_start, w_start + len(bare)))
        if possessive:
            close()
    close()
    return runs


def _joins(gap: str, particles: frozenset[str]) -> bool:
    """May the text between two capitalised words join them into one name?"""
    if _JOINER.fullmatch(gap):
        return True
    found = _PARTICLE_GAP.fullmatch(gap)
    if found is None:
        return False
    word = found.group(2)
    if not word.islower():
        return False
    if word in particles:
        return True
    return bool(found.group(1) and found.group(3)) and len(word) <= _MAX_HYPHEN_PARTICLE


def context_says_no(text: str, run: Run) -> bool:
    """Do the words around a run say it is a person, a thing or a verb (see the
    module docstring)? Asked only of a run that matched: it costs a few regexes."""
    parts, opens_sentence = run.parts, run.sentence_start
    start, end = parts[0][0], parts[-1][1]
    before = text[max(0, start - 30):start]
    hyphen = _HYPHEN_WORD.match(text, end)
    return bool(
        TITLE_BEFORE.search(before) or (hyphen and hyphen.group(1)[0].islower())
        or SPEECH_AFTER.match(text, end) or SPEECH_BEFORE.search(before)
        or TITLE_APPOSITION_AFTER.match(text, end) or TITLE_APPOSITION_BEFORE.search(before)
        or FEATURE_AFTER.match(text, end) or NUMBER_BEFORE.search(before)
        or (ARTICLE_BEFORE.search(before) and not LEVEL_AFTER.match(text, end))
        or (opens_sentence and len(parts) == 1 and OBJECT_AFTER.match(text, end))
    )


def run_segments(run: Run) -> list[tuple[int, int]]:
    """The word range (first, last) of a run to try as a name: the run whole.

    Never a word out of a run: a capitalised word next to a name is far more
    often a person's other name ("Suhail Shaheen", "Masoud Bakhtwar") than
    another place, and a run longer than `MAX_CANDIDATE_WORDS` is a title or
    a list.
    """
    count = len(run.parts)
    return [(0, count)] if count <= MAX_CANDIDATE_WORDS else []


def is_headline(text: str, position: int) -> bool:
    """Is the line holding `position` written in title case (a headline, a caption)?"""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    long_words = _LONG_WORD.findall(line)
    if len(long_words) < HEADLINE_WORDS:
        return False
    return sum(w[0].isupper() for w in long_words) >= HEADLINE_SHARE * len(long_words)


def is_ordinary_word(text: str, word: str) -> bool:
    """Does the word occur in lower case elsewhere in the text ("Capture ... captured")?"""
    lower = word.lower()
    return lower != word and re.search(r"\b" + re.escape(lower) + r"\b", text) is not None


def initials(folding: NameFolding, name: str) -> tuple[str, ...]:
    """First letters of a name's words as folded, particles and one-letter words left out."""
    return tuple(k[0] for k in (folding.fold_ascii(w) for w in folding.name_words(name)
                                if len(w) > 1) if k)


def initials_agree(candidate: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Misspellings keep the first letters: word by word when both have as many
    words, else the first letter only ("Du Ab" may be "Duab")."""
    if not candidate or not name:
        return False
    if len(candidate) == len(name):
        return candidate == name
    return candidate[0] == name[0]


def is_derived_word(folding: NameFolding, word: str, known_keys: Mapping[str, object]) -> bool:
    """Is the word a known name plus a demonym ending ("Panjshiri", "Heratis")?"""
    plain = ascii_word(word)
    return any(
        plain.endswith(ending) and len(plain) - len(ending) >= 4
        and any(folding.normalize_name(plain[: -len(ending)] + vowel) in known_keys
                for vowel in ("", "a", "e"))
        for ending in DERIVED_ENDINGS
    )


def compared_form(key: str) -> str:
    """The form of a key that fuzzy matching compares: without a final h after a
    vowel, silent and written or not (and added by the persian final-vowel rule):
    Kaldara/Kaldar."""
    return key[:-1] if len(key) > 3 and key[-1] == "h" and key[-2] in "aeiou" else key


def max_edits_for(key: str) -> int | None:
    """Most edits allowed for a candidate key (None: too short to match fuzzily)."""
    length = len(key)
    for shortest, edits in MAX_EDITS:
        if length >= shortest:
            return edits
    return None


class FuzzyIndex:
    """Folded name keys, each with the places that bear it, for fuzzy look-ups.

    Keys are sorted by length, so a look-up compares only keys whose length
    is within the edits allowed. `initials` holds, per key, the word initials
    of the names that gave it (see `initials_agree`); `unit_keys` are those
    that name an admin unit (the others are allowed `TOWN_FEWER_EDITS` fewer
    edits). `Gazetteer` caches the results per candidate string.
    """

    def __init__(self, ids_by_key: Mapping[str, Iterable[str]],
                 initials_by_key: Mapping[str, Iterable[tuple[str, ...]]],
                 unit_keys: Iterable[str] = ()):
        self.unit_keys: frozenset[str] = frozenset(unit_keys)
        forms: dict[str, set[str]] = {}
        for key in ids_by_key:
            if max_edits_for(key) is not None:
                forms.setdefault(compared_form(key), set()).add(key)
        self.forms: list[str] = sorted(forms, key=lambda f: (len(f), f))
        self._keys_of_form = [tuple(sorted(forms[f])) for f in self.forms]
        self._lengths = [len(f) for f in self.forms]
        self.ids_by_key: dict[str, tuple[str, ...]] = {
            k: tuple(sorted(v)) for k, v in ids_by_key.items()
        }
        self.initials: dict[str, frozenset[tuple[str, ...]]] = {
            k: frozenset(initials_by_key.get(k, ())) for k in ids_by_key
        }

    def __len__(self) -> int:
        return len(self.ids_by_key)

    def lookup(self, key: str, key_initials: tuple[str, ...]
               ) -> tuple[tuple[str, ...], float] | None:
        """The place ids of the keys closest to `key` (all those within
        `FUZZY_BAND` of the least distance, with agreeing initials) and the
        similarity of the closest (rapidfuzz ratio, 100 for equal keys); None
        when no key is within the edits allowed."""
        exact = self.ids_by_key.get(key)
        if exact is not None and len(key) >= MIN_EXACT_KEY:
            return exact, 100.0
        edits = max_edits_for(key)
        if edits is None:
            return None
        form = compared_form(key)
        lo = bisect_left(self._lengths, len(form) - edits)
        hi = bisect_right(self._lengths, len(form) + edits)
        best: int | None = None
        closest = form
        ids: set[str] = set()
        for choice, distance, index in process.extract(
            form, self.forms[lo:hi], scorer=Indel.distance, score_cutoff=edits, limit=None
        ):
            if best is not None and distance > best + FUZZY_BAND:
                break  # sorted by distance: the rest are farther
            agreeing = [k for k in self._keys_of_form[lo + index]
                        if (k in self.unit_keys or distance <= edits - TOWN_FEWER_EDITS)
                        and any(initials_agree(key_initials, n) for n in self.initials[k])]
            if agreeing:
                if best is None:
                    best, closest = int(distance), choice
                for k in agreeing:
                    ids.update(self.ids_by_key[k])
        if best is None:
            return None
        return tuple(sorted(ids)), round(100.0 * Indel.normalized_similarity(form, closest), 1)
