"""Name matching: one normaliser under which transliteration variants meet.

Place names reach us romanised by many hands: `Kunduz`, `Qunduz` and `Kondoz`;
`Sar-e-Pul`, `Sar-i-Pul` and `Sari Pul`; `Dawlat Abad` and `Dawlatabad`. The
normaliser maps each spelling to a *key* on which such variants are equal.
It works in three layers, each kept as named, documented data below rather
than as regexes scattered through the code:

1. **Words.** A text or a name is cut into words (letters and digits; hyphens,
   spaces and punctuation separate words; an apostrophe inside a word does
   not; a trailing possessive `'s` is not part of the word).
2. **Particles.** Izafa particles (`-e-`, `-i-`, `-ye-`) and the "and" words
   (`wa`, `o`) carry no identity: `Dasht-e-Archi` is `Dasht Archi`. In a name,
   an izafa glued to the end of a word (`Dashte Archi`, `Sari Pul`) is cut off
   too (see `IZAFA_ENDINGS`).
3. **Letters.** Each word is transliterated to ASCII (unidecode, so diacritics
   and other scripts go), lower-cased, and rewritten by `WORD_RULES`, an
   ordered table of rewrite rules (vowel classes, `q`/`k`, final `h`, ...).

`normalize_name` glues a name's words together before folding them, so spacing
never matters for equality (`Lashkar Gah` = `Lashkargah`). Running text is
matched with `normalize_text`, which folds word by word, keeps word boundaries
(a single space between word keys) and a map back to the original character
offsets; `text_patterns` turns a name into the few ways its words may be
grouped in a text (spaced, glued, with a glued izafa).

Folding is deliberately coarse (all vowels are one class), so it can over-fold;
`tests/places/test_names.py` measures it on the real district and province
names, and the matcher guards against English words with `COMMON_WORDS` and by
requiring a capitalised first letter in cased text (see `gazetteer.Gazetteer`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, product, repeat
from operator import add
from typing import cast

from unidecode import unidecode


@dataclass(frozen=True)
class FoldRule:
    """One rewrite applied to every (already ASCII, lower-case) word key."""

    name: str
    pattern: re.Pattern[str]
    replacement: str
    why: str


def _rule(name: str, pattern: str, replacement: str, why: str) -> FoldRule:
    return FoldRule(name, re.compile(pattern), replacement, why)


# Applied in this order to each word after unidecode + lower-case + dropping
# everything but [a-z0-9]. Order matters: doubled letters go first, glides and
# `y` are settled before vowels are merged, and the final `h` comes last.
WORD_RULES: tuple[FoldRule, ...] = (
    _rule("doubled-letters", r"(.)\1+", r"\1",
          "Doubled letters are written single or double: Hassas/Hasas, Sayyad/Sayad, "
          "Nooristan/Nuristan. First, so the rules below see single letters."),
    _rule("q-is-k", r"q", "k",
          "Arabic qaf is romanised q or k: Qunduz/Kunduz, Taloqan/Taluqan."),
    _rule("ph-is-f", r"ph", "f",
          "Older English romanisations write f as ph."),
    _rule("v-is-w", r"v", "w",
          "Waw and Cyrillic v are romanised v or w: Vardak/Wardak, Kharkiv/Kharkov."),
    _rule("iy-glide", r"[ie]y(?=[aeiou])", "y",
          "An i written before a consonantal y adds nothing: Bamiyan/Bamyan, Paktiya/Paktya."),
    _rule("intervocalic-y", r"(?<=[aeiou])y(?=[aeiou])", "",
          "A y between vowels is a weak glide, written or not: Sayed/Said (Saydabad/"
          "Sayeed Abad), Panjwayi/Panjwai, Mandozayi/Mandozai."),
    _rule("i-glide", r"(?<=[^aeiou])i(?=[aeou])", "y",
          "i between a consonant and a vowel is the glide y: Paktia/Paktya, Nazian/Nazyan, "
          "Kiev/Kyev (so Paryan and Parun stay apart)."),
    _rule("inner-y-is-vowel", r"(?<=.)y(?![aeiou])", "i",
          "Not before a vowel, y after the first letter is a vowel: Maymana/Maimana, "
          "Shinkay/Shinkai, Fayzabad/Faizabad, Sayghan/Saighan."),
    _rule("one-vowel-class", r"[aeiou]+", "a",
          "Short and long vowels are written every way: Kunduz/Kondoz, Herat/Hirat, "
          "Helmand/Hilmand, Nooristan/Nuristan, Urozgan/Oruzgan, Jawzjan/Jowzjan."),
    _rule("epenthetic-vowel-after-w", r"awa(?=[^a])", "aw",
          "A vowel is sometimes inserted after w before a consonant: Dawalat/Dawlat."),
    _rule("final-vowel-takes-h", r"a$", "ah",
          "A final vowel is often written with a silent h: Dara/Darah, Maymana/Meymaneh, "
          "Dako/Dukoh. Adding the h (rather than dropping it) keeps one-syllable words "
          "such as Deh apart: Deh-e-Shu is not Doshi."),
)

# Whole words (after unidecode + lower-case) that are grammatical particles in
# names: izafa ("of") and the conjunctions "and". Dropped from names and texts
# alike, so `Dasht-e-Archi` = `Dasht Archi` and `Dand Wa Patan` = `Dand-o-Patan`.
IZAFA_PARTICLES: frozenset[str] = frozenset({"e", "i", "y", "ye", "yi"})
CONJUNCTION_PARTICLES: frozenset[str] = frozenset({"wa", "va", "o", "u"})
PARTICLES: frozenset[str] = IZAFA_PARTICLES | CONJUNCTION_PARTICLES

# An izafa glued to a word (`Dashte Archi`, `Sari Pul`, `Qalai Zal`): in a
# multi-word name, a non-final word of at least `IZAFA_MIN_WORD` letters that
# ends in one of these letters loses it. Short words (`Ali Abad`) keep theirs.
IZAFA_ENDINGS: tuple[str, ...] = ("e", "i")
IZAFA_MIN_WORD = 4

# Single-word names often appear split before one of these endings in text
# (`Lashkargah` as `Lashkar Gah`, `Dawlatabad` as `Dawlat Abad`). Multi-word
# names are matched glued as well, so this only needs the common compounds.
SPLITTABLE_SUFFIXES: tuple[str, ...] = (
    "abad", "gah", "shahr", "kot", "qala", "bagh", "khel", "zai", "rod", "tepa", "dara",
)

# Common English words, and words that news about a conflict uses all the time.
# A name whose words all fold to one of these never matches in a text (the
# place is still found by `search`): GeoNames lists "Center", "Now", "Bazar" and
# the like as alternate names, and COD-AB gives "Centre" as an alternate name
# of dozens of district capitals.
COMMON_WORDS: frozenset[str] = frozenset({
    "a", "about", "above", "across", "after", "again", "against", "ago", "ahead", "air", "all",
    "along", "also", "although", "among", "an", "and", "another", "any", "april", "are", "area",
    "areas", "around", "as", "at", "august", "away", "back", "base", "based", "bases", "be",
    "because", "been", "before", "behind", "being", "below", "between", "big", "border", "both",
    "bridge", "but", "by", "called", "came", "camp", "can", "capital", "center", "central",
    "centre", "checkpoint", "checkpoints", "city", "claim", "claimed", "come", "control", "could",
    "country", "day", "days", "december", "did", "district", "districts", "do", "does", "down",
    "during", "each", "early", "east", "eastern", "either", "end", "even", "every", "fall", "far",
    "february", "few", "fight", "fighting", "first", "five", "for", "force", "forces", "four",
    "friday", "from", "front", "further", "gate", "gates", "get", "government", "group", "had",
    "half", "has", "have", "he", "her", "here", "high", "him", "his", "hold", "hospital", "house",
    "how", "however", "if", "in", "inside", "into", "is", "it", "its", "january", "july", "june",
    "just", "key", "killed", "km", "known", "large", "last", "late", "later", "least", "left",
    "less", "like", "line", "local", "long", "lost", "low", "lower", "made", "main", "many",
    "march", "market", "may", "me", "middle", "might", "mile", "miles", "monday", "more", "most",
    "mountain", "much", "must", "my", "near", "new", "next", "night", "nine", "no", "north",
    "northern", "not", "november", "now", "october", "of", "off", "office", "official",
    "officials", "old", "on", "once", "one", "only", "or", "other", "our", "out", "over", "own",
    "part", "past", "people", "place", "police", "post", "power", "province", "provinces",
    "rather", "region", "report", "reported", "river", "road", "said", "same", "saturday", "say",
    "says", "second", "security", "september", "seven", "several", "she", "should", "side",
    "since", "six", "so", "some", "south", "southern", "spokesman", "state", "still", "such",
    "sunday", "take", "taken", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "third", "this", "those", "three", "through", "thursday", "to", "today", "told", "too",
    "town", "towns", "tuesday", "two", "under", "until", "up", "upper", "us", "valley", "very",
    "village", "villages", "was", "water", "way", "we", "wednesday", "week", "weeks", "well",
    "were", "west", "western", "what", "when", "where", "which", "while", "who", "whole", "will",
    "with", "within", "without", "would", "year", "years", "yet", "you",
})

# Generic words of the region's toponymy (bazaar, centre, bridge, fort, valley,
# new, upper, district office...) that GeoNames gives as whole alternate names
# of many places. They are never matched on their own for populated places; an
# administrative unit of that name (district `Dara`) still is.
GENERIC_PLACE_WORDS: frozenset[str] = frozenset({
    "ab", "bagh", "bala", "band", "bandar", "bazaar", "bazar", "chahar", "chak", "char", "dara",
    "darra", "deh", "dih", "hukumati", "jadid", "kala", "kalai", "kalan", "kalay", "karez",
    "kariz", "kelay", "khel", "khord", "khurd", "kili", "koh", "kohna", "kuh", "markaz", "nau",
    "naw", "nawabad", "now", "olya", "pain", "payin", "pul", "qala", "qalah", "qarya", "rod",
    "rud", "sar", "shahr", "shahrak", "sufla", "tappa", "tepa", "uluswali", "ulya", "woluswali",
    "wuleswali",
})

# Names with fewer letters than this are never matched in text ("Ab", "Do").
MIN_NAME_LETTERS = 3


# --- words ------------------------------------------------------------------

# Letters/digits (plus combining marks, Arabic harakat and the Persian ZWNJ,
# which belong inside words); an underscore is dropped by the folding.
# Apostrophes (and the ayn/hamza marks GeoNames writes: Qal‘ah, Ma'ruf) join
# the letters around them into one word.
_APOSTROPHES = "['’‘ʼʻ`´]"
_WORD_CHARS = r"[\w\u0300-\u036f\u064b-\u065f\u0670\u200c]+"
WORD_RE = re.compile(_WORD_CHARS + r"(?:" + _APOSTROPHES + _WORD_CHARS + r")*")
_POSSESSIVE = ("'s", "’s", "ʼs", "'S", "’S")
_NON_KEY = re.compile(r"[^a-z0-9]+")

_fold_cache: dict[str, str] = {}
_FOLD_CACHE_LIMIT = 200_000


def ascii_word(word: str) -> str:
    """Transliterate to lower-case ASCII letters and digits only."""
    return _NON_KEY.sub("", unidecode(word).lower())


@lru_cache(maxsize=1 << 18)
def fold_ascii(word: str) -> str:
    """Apply `WORD_RULES` to an already transliterated word."""
    for rule in WORD_RULES:
        word = rule.pattern.sub(rule.replacement, word)
    return word


def fold_word(word: str) -> str:
    """The key of one word of a text ('' for particles). Cached: texts repeat words."""
    key = _fold_cache.get(word)
    if key is None:
        plain = ascii_word(word[:-2] if word.endswith(_POSSESSIVE) else word)
        key = "" if plain in PARTICLES else fold_ascii(plain)
        if len(_fold_cache) >= _FOLD_CACHE_LIMIT:
            _fold_cache.clear()
        _fold_cache[word] = key
    return key


def words(text: str) -> list[str]:
    """The words of a name or text, possessive `'s` removed."""
    found = []
    for match in WORD_RE.finditer(text):
        word = match.group()
        if word.endswith(_POSSESSIVE):
            word = word[:-2]
        found.append(word)
    return found


# --- names ------------------------------------------------------------------


@lru_cache(maxsize=1 << 18)
def name_words(name: str) -> tuple[str, ...]:
    """A name's words in lower-case ASCII, particles dropped and glued izafas cut off."""
    plain = [w for w in (ascii_word(x) for x in words(name)) if w]
    if len(plain) > 1:
        plain = [w for w in plain if w not in PARTICLES] or plain
    return tuple(
        w[:-1] if i < len(plain) - 1 and len(w) >= IZAFA_MIN_WORD and w.endswith(IZAFA_ENDINGS)
        else w
        for i, w in enumerate(plain)
    )


def name_tokens(name: str) -> tuple[str, ...]:
    """The key of each word of a name, as the words would fold in a text."""
    return tuple(k for k in (fold_ascii(w) for w in name_words(name)) if k)


@lru_cache(maxsize=1 << 18)
def normalize_name(name: str) -> str:
    """The matching key of a name: equal for transliteration variants.

    The name's words are glued before folding, so spacing never matters
    (`Lashkar Gah` = `Lashkargah`, `Musa Qala` = `Musaqala`).

    >>> normalize_name("Dasht-e-Archi") == normalize_name("Dashte Archi")
    True
    """
    return fold_ascii("".join(name_words(name)))


_MAX_PATTERN_WORDS = 4


def text_patterns(name: str) -> set[str]:
    """The spellings a name may take in a normalised text (see `normalize_text`).

    A text's words fold one by one and are joined by single spaces, so a
    pattern is one way of grouping the name's words into text words: spaced as
    written, glued (`Dawlatabad` for `Dawlat Abad`), with an izafa glued on
    (`Dashte Archi`, `Sari Pul`); a single-word name is also matched split
    before a common ending (`Lashkar Gah` for `Lashkargah`).
    """
    name_parts = name_words(name)
    if not name_parts:
        return set()
    if len(name_parts) == 1:
        word = name_parts[0]
        found = {fold_ascii(word)}
        for suffix in SPLITTABLE_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                found.add(fold_ascii(word[: -len(suffix)]) + " " + fold_ascii(suffix))
        return {f for f in found if f.strip()}
    if len(name_parts) > _MAX_PATTERN_WORDS:
        return {" ".join(name_tokens(name))}
    # Each non-final word, with or without a glued izafa, followed by a space
    # (a new text word) or by nothing (glued to the next word).
    choices = [
        tuple((form, glue) for form in dict.fromkeys((w, w + "e")) for glue in (" ", ""))
        for w in name_parts[:-1]
    ]
    found = set()
    for combination in product(*choices):
        spelled = "".join(form + glue for form, glue in combination) + name_parts[-1]
        found.add(" ".join(k for k in (fold_ascii(w) for w in spelled.split(" ")) if k))
    return {f for f in found if f}


@lru_cache(maxsize=65536)
def light_form(name: str) -> str:
    """A name as spelled, only transliterated and lower-cased: `Dasht-e Archī` -> `dasht e archi`."""
    return " ".join(w for w in (ascii_word(x) for x in words(name)) if w)


def letter_count(name: str) -> int:
    return sum(1 for ch in name if ch.isalpha())


@lru_cache(maxsize=1 << 16)
def scripts_of(name: str) -> frozenset[str]:
    """Unicode scripts of a name's letters (LATIN, ARABIC, CYRILLIC, ...)."""
    found = set()
    for ch in name:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
            if script != "MODIFIER":
                found.add(script)
    return frozenset(found)


def is_machine_romanisation(name: str) -> bool:
    """All lower-case Latin (`kndwz`, `ka bu er`): a romanisation of a name in
    another script, which GeoNames lists among alternate names."""
    return name == name.lower() and name != name.upper() and scripts_of(name) <= {"LATIN"}


def is_code(name: str) -> bool:
    """Short all-capital codes (`KBL`, `UND`: airport codes among GeoNames names)."""
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) <= 4 and name == name.upper() and name != name.lower()


_COMMON_KEYS: frozenset[str] = frozenset(normalize_name(w) for w in COMMON_WORDS)
_GENERIC_KEYS: frozenset[str] = frozenset(normalize_name(w) for w in GENERIC_PLACE_WORDS)


def is_common_words(name: str, *, generic_too: bool = False, as_spelled: bool = False) -> bool:
    """True when every word of the name is a common English (or generic place) word.

    By default words are compared folded, so `Andar` counts (it folds like
    "under"); `as_spelled=True` compares the words as written (`Centre`).
    """
    if as_spelled:
        spelled = light_form(name).split()
        stop_words = COMMON_WORDS | GENERIC_PLACE_WORDS if generic_too else COMMON_WORDS
        return all(w in stop_words for w in spelled)
    tokens = [fold_word(w) for w in words(name)]
    tokens = [t for t in tokens if t] or list(name_tokens(name))
    if not tokens:
        return True
    stop = _COMMON_KEYS | _GENERIC_KEYS if generic_too else _COMMON_KEYS
    return all(t in stop for t in tokens)


# --- texts ------------------------------------------------------------------

# Splitting on a capturing word pattern gives [separator, word, separator, ...];
# offsets then follow from summed lengths, with no Python object per word. The
# plain `\w` pattern is several times faster than one with extra ranges, so it
# serves NFC text (nearly all text); decomposed text takes the full pattern.
_TEXT_SPLIT_FAST = re.compile(r"(\w+(?:" + _APOSTROPHES + r"\w+)*)")
_TEXT_SPLIT_FULL = re.compile("(" + WORD_RE.pattern + ")")


class NormalizedText:
    """A text's key string plus the map back to the original characters.

    `key` holds the keys of the text's words joined by single spaces (particles
    dropped, so they take no room). The offsets are only worked out when a
    match needs them, which keeps a scan that finds nothing cheap.
    """

    __slots__ = ("text", "key", "_parts", "_word_keys", "_offsets", "_key_ends", "_keyed")

    def __init__(self, text: str, key: str, parts: list[str], word_keys: list[str]):
        self.text = text
        self.key = key
        self._parts = parts
        self._word_keys = word_keys
        self._offsets: list[int] = []
        self._key_ends: list[int] = []
        self._keyed: list[int] = []

    def _index(self) -> None:
        # Word i is parts[2i + 1]; its key occupies key[end(i-1) : end(i) - 1].
        self._offsets = list(accumulate(map(len, self._parts), initial=0))
        self._keyed = list(compress(range(len(self._word_keys)), self._word_keys))
        kept = filter(None, self._word_keys)
        self._key_ends = list(accumulate(map(add, map(len, kept), repeat(1))))

    @property
    def word_count(self) -> int:
        return len(self._word_keys)

    def word_span(self, index: int) -> tuple[int, int]:
        """Original (start, end) of word `index`, without a possessive `'s`."""
        if not self._offsets:
            self._index()
        start, end = self._offsets[2 * index + 1], self._offsets[2 * index + 2]
        if self.text.endswith(_POSSESSIVE, start, end):
            end -= 2
        return start, end

    def word_at(self, key_pos: int) -> int:
        """Index of the word whose key covers `key_pos` (a separator counts with
        the word before it)."""
        if not self._offsets:
            self._index()
        return self._keyed[min(bisect_right(self._key_ends, key_pos), len(self._keyed) - 1)]

    def original_span(self, key_start: int, key_end: int) -> tuple[int, int]:
        """Original (start, end) of the words covering key[key_start:key_end].

        Called for every candidate match, so it is written out flat.
        """
        if not self._offsets:
            self._index()
        keyed, key_ends, offsets = self._keyed, self._key_ends, self._offsets
        last_word = len(keyed) - 1
        first = keyed[min(bisect_right(key_ends, key_start), last_word)]
        last = keyed[min(bisect_right(key_ends, max(key_start, key_end - 1)), last_word)]
        start, end = offsets[2 * first + 1], offsets[2 * last + 2]
        if self.text.endswith(_POSSESSIVE, start, end):
            end -= 2
        return start, end

    def is_word_boundary(self, key_start: int, key_end: int) -> bool:
        key = self.key
        return (key_start == 0 or key[key_start - 1] == " ") and (
            key_end == len(key) or key[key_end] == " "
        )


def normalize_text(text: str) -> NormalizedText:
    """Tokenise a text into word keys, keeping where each word came from."""
    splitter = _TEXT_SPLIT_FAST if unicodedata.is_normalized("NFC", text) else _TEXT_SPLIT_FULL
    parts = splitter.split(text)
    words_of_text = parts[1::2]
    cached = list(map(_fold_cache.get, words_of_text))
    keys = (
        [k if k is not None else fold_word(w) for k, w in zip(cached, words_of_text, strict=True)]
        if None in cached else cast(list[str], cached)
    )
    return NormalizedText(text, " ".join(filter(None, keys)), parts, keys)


def collisions(names: Iterable[str]) -> dict[str, list[str]]:
    """Keys shared by names that were different before normalising."""
    by_key: dict[str, set[str]] = {}
    for name in names:
        by_key.setdefault(normalize_name(name), set()).add(name)
    return {key: sorted(group) for key, group in by_key.items() if len(group) > 1}
