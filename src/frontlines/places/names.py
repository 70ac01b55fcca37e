"""Name matching: a normaliser under which transliteration variants meet.

Place names reach us romanised by many hands: `Kunduz`, `Qunduz` and `Kondoz`;
`Sar-e-Pul`, `Sar-i-Pul` and `Sari Pul`; `Kharkiv` and `Kharkov`. The
normaliser maps each spelling to a *key* on which such variants are equal.

Which variants may meet is a fact about a language and its romanisations,
not about names in general: an izafa `-e-` is Dari and Pashto grammar, and
Ukrainian `h` standing for Russian `g` means nothing in Kabul. So the rules
are named data, grouped in rule sets (`RULE_SETS`): a universal `BASE`
(ASCII transliteration, lower case, doubled letters) that every folding
applies, and named sets a profile chooses with `[names] folding = [...]`:
`"persian"` (Dari/Pashto) and `"east-slavic"` (Ukrainian/Russian). A
`NameFolding` is built from the chosen sets and does all the work; each
gazetteer holds one (`Gazetteer(..., folding=...)`).

A folding works in three layers, each kept as named, documented data below
rather than as regexes scattered through the code:

1. **Words.** A text or a name is cut into words (letters and digits; hyphens,
   spaces and punctuation separate words; an apostrophe inside a word does
   not; a trailing possessive `'s` is not part of the word). The same for
   every language, so these are module functions (`words`, `ascii_word`).
2. **Particles.** Words that carry no identity (the izafa `-e-`, `-i-` and
   the "and" words `wa`, `o` of the persian set) are dropped: `Dasht-e-Archi`
   is `Dasht Archi`. In a name, an izafa glued to the end of a word
   (`Dashte Archi`, `Sari Pul`) is cut off too (`RuleSet.izafa_endings`).
3. **Letters.** Each word is transliterated to ASCII (unidecode, so diacritics
   and other scripts go), lower-cased, and rewritten by the ordered rewrite
   rules of the chosen sets (`FoldRule`: vowel classes, `q`/`k`, `h`/`g`, ...).

`NameFolding.normalize_name` glues a name's words together before folding
them, so spacing never matters for equality (`Lashkar Gah` = `Lashkargah`).
Running text is matched with `NameFolding.normalize_text`, which folds word
by word, keeps word boundaries (a single space between word keys) and a map
back to the original character offsets; `NameFolding.text_patterns` turns a
name into the few ways its words may be grouped in a text (spaced, glued,
with a glued izafa).

Folding is deliberately coarse (in the persian set all vowels are one class),
so it can over-fold; `tests/places/test_names.py` measures it on the real
district and province names, and the matcher guards against English words
with `COMMON_WORDS` and by requiring a capitalised first letter in cased text
(see `gazetteer.Gazetteer`).
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
from typing import TypeVar, cast

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


@dataclass(frozen=True)
class RuleSet:
    """The romanisation facts of one language family, chosen by name in a profile.

    - `word_rules`: rewrites applied in order to each ASCII, lower-case word;
    - `particles`: whole words dropped from names and texts alike;
    - `izafa_endings`: letters cut from the end of a non-final word of a
      multi-word name (a glued izafa), when the word has at least
      `IZAFA_MIN_WORD` letters;
    - `splittable_suffixes`: endings before which a single-word name is also
      looked for split in two (`Lashkargah` as `Lashkar Gah`).
    """

    name: str
    why: str
    word_rules: tuple[FoldRule, ...] = ()
    particles: frozenset[str] = frozenset()
    izafa_endings: tuple[str, ...] = ()
    splittable_suffixes: tuple[str, ...] = ()


# Every folding starts with these, whatever the profile chooses.
BASE = RuleSet(
    "base",
    "Facts of spelling true of any romanised name: case, diacritics and scripts go "
    "(unidecode), and so do doubled letters.",
    word_rules=(
        _rule("doubled-letters", r"(.)\1+", r"\1",
              "Doubled letters are written single or double: Hassas/Hasas, Sayyad/Sayad, "
              "Odessa/Odesa. First, so the rules after it see single letters."),
    ),
)

# Dari and Pashto names, romanised by English, French and German hands.
# Applied in this order after `BASE`: glides and `y` are settled before
# vowels are merged, and the final `h` comes last.
PERSIAN = RuleSet(
    "persian",
    "Dari and Pashto (Afghanistan, Iran, Tajikistan): izafa particles, q/k, one vowel class.",
    word_rules=(
        _rule("q-is-k", r"q", "k",
              "Arabic qaf is romanised q or k: Qunduz/Kunduz, Taloqan/Taluqan."),
        _rule("ph-is-f", r"ph", "f",
              "Older English romanisations write f as ph."),
        _rule("gh-devoiced", r"gh(?=[cfkpst])", "kh",
              "Ghain before a voiceless consonant sounds, and is often written, as kh: "
              "Chaghcharan/Chakhcharan."),
        _rule("v-is-w", r"v", "w",
              "Waw is romanised v or w: Vardak/Wardak, Dand Va Patan/Dand Wa Patan."),
        _rule("iy-glide", r"[ie]y(?=[aeiou])", "y",
              "An i written before a consonantal y adds nothing: Bamiyan/Bamyan, "
              "Paktiya/Paktya."),
        _rule("intervocalic-y", r"(?<=[aeiou])y(?=[aeiou])", "",
              "A y between vowels is a weak glide, written or not: Sayed/Said (Saydabad/"
              "Sayeed Abad), Panjwayi/Panjwai, Mandozayi/Mandozai."),
        _rule("i-glide", r"(?<=[^aeiou])i(?=[aeou])", "y",
              "i between a consonant and a vowel is the glide y: Paktia/Paktya, "
              "Nazian/Nazyan (so Paryan and Parun stay apart)."),
        _rule("inner-y-is-vowel", r"(?<=.)y(?![aeiou])", "i",
              "Not before a vowel, y after the first letter is a vowel: Maymana/Maimana, "
              "Shinkay/Shinkai, Fayzabad/Faizabad, Sayghan/Saighan."),
        _rule("one-vowel-class", r"[aeiou]+", "a",
              "Short and long vowels are written every way: Kunduz/Kondoz, Herat/Hirat, "
              "Helmand/Hilmand, Nooristan/Nuristan, Urozgan/Oruzgan, Jawzjan/Jowzjan."),
        _rule("epenthetic-vowel-after-w", r"awa(?=[^a])", "aw",
              "A vowel is sometimes inserted after w before a consonant: Dawalat/Dawlat."),
        _rule("w-after-a-vowel-is-a-vowel", r"(?<=a)w(?=[^aw]|$)", "",
              "Waw after a vowel and before a consonant is the vowel o/au, written aw, ow or o: "
              "Dawlat/Dolat, Jawzjan/Jozjan, Awbeh/Obeh."),
        _rule("final-vowel-takes-h", r"a$", "ah",
              "A final vowel is often written with a silent h: Dara/Darah, "
              "Maymana/Meymaneh, Dako/Dukoh. Adding the h (rather than dropping it) keeps "
              "one-syllable words such as Deh apart: Deh-e-Shu is not Doshi."),
    ),
    # Izafa ("of": e, i, y, ye, yi) and the conjunctions "and" (wa, va, o, u):
    # `Dasht-e-Archi` = `Dasht Archi`, `Dand Wa Patan` = `Dand-o-Patan`.
    particles=frozenset({"e", "i", "y", "ye", "yi", "wa", "va", "o", "u"}),
    # An izafa glued to a word: `Dashte Archi`, `Sari Pul`, `Qalai Zal`.
    izafa_endings=("e", "i"),
    # Compounds often split in text: `Lashkar Gah`, `Dawlat Abad`.
    splittable_suffixes=(
        "abad", "gah", "shahr", "kot", "qala", "bagh", "khel", "zai", "rod", "tepa", "dara",
    ),
)

# Ukrainian and Russian names of one place, romanised by the Ukrainian
# national system (Kharkiv, Zaporizhzhia, Sievierodonetsk), the BGN/PCGN
# system for Russian (Khar'kov, Zaporozh'ye, Severodonetsk) and the press
# (Kiev, Nikolaev, Lugansk). Renamings (Bakhmut/Artemivsk, Dnipro/
# Dnipropetrovsk) are no spelling rule: they are alternate names. Unlike the
# persian set, vowels are not one class: measured on the 1,332 distinct
# hromada names of ../shared/geo/ukraine, one vowel class merges 47 groups of
# different hromadas (Bakhmutska/Bakhmatska, Mariupolska/Myropilska), these
# rules 8, and the GeoNames names they merge are mostly one name's Ukrainian
# and Russian forms (Martynivka/Martynovka, Vasylivka/Vasilyevka).
EAST_SLAVIC = RuleSet(
    "east-slavic",
    "Ukrainian and Russian (Ukraine, Belarus, Russia): h/g, y/i, soft vowels, i for o/e.",
    word_rules=(
        _rule("doubled-digraphs", r"(zh|kh|ch|sh|ts)\1", r"\1",
              "Ukrainian writes a long consonant twice, digraph and all: Zaporizhzhia/"
              "Zaporizhia, Zarichchia/Zarechye."),
        _rule("mykola-is-nikola", r"^m[iy]kola", "nikola",
              "The name Nicholas, Mykola in Ukrainian and Nikolai in Russian, is in many "
              "place names: Mykolaiv/Nikolaev, Mykolaivka/Nikolayevka."),
        _rule("oleks-is-aleks", r"^oleks", "aleks",
              "The name Alexander, Oleksandr in Ukrainian and Aleksandr in Russian: "
              "Oleksandriia/Aleksandriya, Oleksandrivka/Aleksandrovka."),
        _rule("h-is-g", r"(?<![kzcs])h", "g",
              "Ukrainian h is Russian g (one Cyrillic letter): Luhansk/Lugansk, "
              "Horlivka/Gorlovka, Chernihiv/Chernigov. Not the h of kh, zh, ch, sh."),
        _rule("y-is-i", r"y", "i",
              "Ukrainian y is Russian i (both и), and the soft vowels are written with "
              "y or i (ya/ia, yu/iu, ye/ie): Lyman/Liman, Kyiv/Kiev, Izyum/Izium."),
        _rule("glide-between-vowels", r"(?<=[aeiou])i(?=[aeiou])", "",
              "A j-glide between vowels is written or not: Nikolayev/Nikolaev, "
              "Mykolayiv/Mykolaiv, Makiyivka/Makiivka."),
        _rule("final-soft-a", r"(?<=[^aeiou])i?[ae]$", "a",
              "A final soft a is written ia in Ukrainian where Russian writes a or "
              "(after a soft sign) ye: Vinnytsia/Vinnitsa, Zaporizhzhia/Zaporozhye."),
        _rule("soft-vowel-after-consonant", r"(?<=[^aeiou])i(?=[aeou])", "",
              "A softened consonant before a vowel is written with i or not at all: "
              "Sievierodonetsk/Severodonetsk, Izium/Izum, Kiev/Kev (so Kyiv meets it)."),
        _rule("front-vowel-runs", r"[ei]{2,}", "i",
              "Russian -eye- and Ukrainian -ii- are one ending: Avdeyevka/Avdiivka, "
              "Andreyevka/Andriivka."),
        _rule("i-for-o-and-e", r"[oe](?=[^aeiou]+a?$)", "i",
              "In the last syllable, closed by a consonant, Ukrainian has i where Russian "
              "has o or e: Kharkiv/Kharkov, Lviv/Lvov, Kyiv/Kiev, Ternopil/Ternopol, "
              "Zaporizhzhia/Zaporozhye."),
    ),
)

RULE_SETS: dict[str, RuleSet] = {s.name: s for s in (PERSIAN, EAST_SLAVIC)}

# A non-final word of a multi-word name loses a glued izafa ending only when it
# has at least this many letters: short words (`Ali Abad`) keep theirs.
IZAFA_MIN_WORD = 4

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

_COMMON_OR_GENERIC: frozenset[str] = COMMON_WORDS | GENERIC_PLACE_WORDS

# Names with fewer letters than this are never matched in text ("Ab", "Do").
MIN_NAME_LETTERS = 3


# Names with fewer letters than this are never matched in text ("Ab", "Do").
MIN_NAME_LETTERS = 3


# --- words (the same for every folding) -------------------------------------

# Letters/digits (plus combining marks, Arabic harakat and the Persian ZWNJ,
# which belong inside words); an underscore is dropped by the folding.
# Apostrophes (and the ayn/hamza marks GeoNames writes: Qal‘ah, Ma'ruf) join
# the letters around them into one word.
_APOSTROPHES = "['’‘ʼʻ`´]"
_WORD_CHAR = r"[\w\u0300-\u036f\u064b-\u065f\u0670\u200c]"
# What may follow a word's first character (`fuzzy` finds capitalised words with it).
WORD_TAIL = _WORD_CHAR + r"*(?:" + _APOSTROPHES + _WORD_CHAR + r"+)*"
_WORD_CHARS = _WORD_CHAR + "+"
WORD_RE = re.compile(_WORD_CHARS + r"(?:" + _APOSTROPHES + _WORD_CHARS + r")*")
_POSSESSIVE = ("'s", "’s", "ʼs", "'S", "’S")
_NON_KEY = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 18)
def ascii_word(word: str) -> str:
    """Transliterate to lower-case ASCII letters and digits only."""
    return _NON_KEY.sub("", unidecode(word).lower())


def words(text: str) -> list[str]:
    """The words of a name or text, possessive `'s` removed."""
    found = []
    for match in WORD_RE.finditer(text):
        word = match.group()
        if word.endswith(_POSSESSIVE):
            word = word[:-2]
        found.append(word)
    return found


@lru_cache(maxsize=1 << 18)
def light_form(name: str) -> str:
    """A name as spelled, only transliterated and lower-cased: `Dasht-e Archī` -> `dasht e archi`."""
    return " ".join(w for w in (ascii_word(x) for x in words(name)) if w)


def letter_count(name: str) -> int:
    return sum(map(str.isalpha, name))


_LATIN_ONLY = frozenset({"LATIN"})
_NO_SCRIPT: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 16)
def scripts_of(name: str) -> frozenset[str]:
    """Unicode scripts of a name's letters (LATIN, ARABIC, CYRILLIC, ...)."""
    if name.isascii():  # most names: no need to ask unicodedata letter by letter
        return _LATIN_ONLY if any(ch.isalpha() for ch in name) else _NO_SCRIPT
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
    return name == name.upper() and name != name.lower() and letter_count(name) <= 4


# --- the folding ------------------------------------------------------------


_V = TypeVar("_V")


class UnknownRuleSet(ValueError):
    """A folding was asked for a rule set that `RULE_SETS` does not hold."""


_MAX_PATTERN_WORDS = 4
# Each cache of a folding is emptied when it reaches this size: texts bring
# an endless stream of new words, and a long-running server must not grow.
_CACHE_LIMIT = 200_000

# Splitting on a capturing word pattern gives [separator, word, separator, ...];
# offsets then follow from summed lengths, with no Python object per word. The
# plain `\w` pattern is several times faster than one with extra ranges, so it
# serves NFC text (nearly all text); decomposed text takes the full pattern.
_TEXT_SPLIT_FAST = re.compile(r"(\w+(?:" + _APOSTROPHES + r"\w+)*)")
_TEXT_SPLIT_FULL = re.compile("(" + WORD_RE.pattern + ")")


class NameFolding:
    """The normaliser of one profile: `BASE` plus the rule sets it names, in order.

    Equal (and hashing alike) when built from the same sets, so it can key a
    cache. Each instance keeps its own caches of word and name keys; build
    one per profile (`name_folding` shares them) rather than one per call.

    >>> persian = NameFolding(["persian"])
    >>> persian.normalize_name("Dasht-e-Archi") == persian.normalize_name("Dashte Archi")
    True
    >>> NameFolding().normalize_name("Sar-e-Pul") == NameFolding().normalize_name("Sarpul")
    False
    """

    def __init__(self, sets: Iterable[str] = ()):
        names = tuple(dict.fromkeys(sets))
        unknown = [n for n in names if n not in RULE_SETS]
        if unknown:
            raise UnknownRuleSet(
                f"unknown name folding {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(RULE_SETS)})"
            )
        self.sets: tuple[str, ...] = names
        self.rule_sets: tuple[RuleSet, ...] = (BASE, *(RULE_SETS[n] for n in names))
        self.word_rules: tuple[FoldRule, ...] = tuple(
            rule for rule_set in self.rule_sets for rule in rule_set.word_rules
        )
        self.particles: frozenset[str] = frozenset().union(
            *(s.particles for s in self.rule_sets)
        )
        self.izafa_endings: tuple[str, ...] = tuple(
            dict.fromkeys(e for s in self.rule_sets for e in s.izafa_endings)
        )
        self.splittable_suffixes: tuple[str, ...] = tuple(
            dict.fromkeys(x for s in self.rule_sets for x in s.splittable_suffixes)
        )
        self._ascii_keys: dict[str, str] = {}
        self._word_keys: dict[str, str] = {}
        self._name_words: dict[str, tuple[str, ...]] = {}
        self._name_keys: dict[str, str] = {}
        self._common_keys: frozenset[str] | None = None
        self._generic_keys: frozenset[str] = frozenset()
        self._common_or_generic_keys: frozenset[str] = frozenset()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameFolding) and other.sets == self.sets

    def __hash__(self) -> int:
        return hash(("NameFolding", self.sets))

    def __repr__(self) -> str:
        return f"NameFolding({list(self.sets)!r})"

    # --- words --------------------------------------------------------------

    def fold_ascii(self, word: str) -> str:
        """Apply the word rules to an already transliterated word."""
        key = self._ascii_keys.get(word)
        if key is None:
            key = word
            for rule in self.word_rules:
                key = rule.pattern.sub(rule.replacement, key)
            _remember(self._ascii_keys, word, key)
        return key

    def fold_word(self, word: str) -> str:
        """The key of one word of a text ('' for particles). Cached: texts repeat words."""
        key = self._word_keys.get(word)
        if key is None:
            plain = ascii_word(word[:-2] if word.endswith(_POSSESSIVE) else word)
            key = "" if plain in self.particles else self.fold_ascii(plain)
            _remember(self._word_keys, word, key)
        return key

    # --- names --------------------------------------------------------------

    def name_words(self, name: str) -> tuple[str, ...]:
        """A name's words in lower-case ASCII, particles dropped and glued izafas cut off."""
        found = self._name_words.get(name)
        if found is not None:
            return found
        plain = [w for w in (ascii_word(x) for x in words(name)) if w]
        if len(plain) > 1 and self.particles:
            plain = [w for w in plain if w not in self.particles] or plain
        endings = self.izafa_endings
        found = tuple(
            w[:-1] if endings and i < len(plain) - 1 and len(w) >= IZAFA_MIN_WORD
            and w.endswith(endings) else w
            for i, w in enumerate(plain)
        )
        _remember(self._name_words, name, found)
        return found

    def name_tokens(self, name: str) -> tuple[str, ...]:
        """The key of each word of a name, as the words would fold in a text."""
        return tuple(k for k in (self.fold_ascii(w) for w in self.name_words(name)) if k)

    def normalize_name(self, name: str) -> str:
        """The matching key of a name: equal for transliteration variants.

        The name's words are glued before folding, so spacing never matters
        (`Lashkar Gah` = `Lashkargah`, `Musa Qala` = `Musaqala`).
        """
        key = self._name_keys.get(name)
        if key is None:
            key = self.fold_ascii("".join(self.name_words(name)))
            _remember(self._name_keys, name, key)
        return key

    def text_patterns(self, name: str) -> set[str]:
        """The spellings a name may take in a normalised text (see `normalize_text`).

        A text's words fold one by one and are joined by single spaces, so a
        pattern is one way of grouping the name's words into text words: spaced
        as written, glued (`Dawlatabad` for `Dawlat Abad`), with an izafa glued
        on where the folding has izafas (`Dashte Archi`, `Sari Pul`); a
        single-word name is also matched split before one of the folding's
        splittable endings (`Lashkar Gah` for `Lashkargah`).
        """
        fold = self.fold_ascii
        name_parts = self.name_words(name)
        if not name_parts:
            return set()
        if len(name_parts) == 1:
            word = name_parts[0]
            found = {fold(word)}
            for suffix in self.splittable_suffixes:
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    found.add(fold(word[: -len(suffix)]) + " " + fold(suffix))
            return {f for f in found if f.strip()}
        if len(name_parts) > _MAX_PATTERN_WORDS:
            return {" ".join(self.name_tokens(name))}
        # Each non-final word, with or without a glued izafa, followed by a space
        # (a new text word) or by nothing (glued to the next word).
        # One glued izafa letter is enough: under a folding with izafas the
        # vowels are one class, so `Sari` and `Sare` fold alike.
        izafas = self.izafa_endings[:1]
        choices = [
            tuple((form, glue) for form in dict.fromkeys((w, *(w + e for e in izafas)))
                  for glue in (" ", ""))
            for w in name_parts[:-1]
        ]
        found = set()
        for combination in product(*choices):
            spelled = "".join(form + glue for form, glue in combination) + name_parts[-1]
            found.add(" ".join(k for k in (fold(w) for w in spelled.split(" ")) if k))
        return {f for f in found if f}

    def is_common_words(self, name: str, *, generic_too: bool = False,
                        as_spelled: bool = False) -> bool:
        """True when every word of the name is a common English (or generic place) word.

        By default words are compared folded, so under the persian folding
        `Andar` counts (it folds like "under"); `as_spelled=True` compares the
        words as written (`Centre`).
        """
        if as_spelled:
            stop_words = _COMMON_OR_GENERIC if generic_too else COMMON_WORDS
            first = name.split(None, 1)[0].lower() if name.strip() else ""
            if first.isalpha() and first.isascii() and first not in stop_words:
                return False  # most names: the first word as written settles it
            spelled = light_form(name).split()
            return all(w in stop_words for w in spelled)
        if self._common_keys is None:
            self._common_keys = frozenset(self.normalize_name(w) for w in COMMON_WORDS)
            self._generic_keys = frozenset(self.normalize_name(w) for w in GENERIC_PLACE_WORDS)
            self._common_or_generic_keys = self._common_keys | self._generic_keys
        tokens = [t for t in (self.fold_word(w) for w in words(name)) if t]
        tokens = tokens or list(self.name_tokens(name))
        if not tokens:
            return True
        stop = self._common_or_generic_keys if generic_too else self._common_keys
        return all(t in stop for t in tokens)

    def collisions(self, names: Iterable[str]) -> dict[str, list[str]]:
        """Keys shared by names that were different before normalising."""
        by_key: dict[str, set[str]] = {}
        for name in names:
            by_key.setdefault(self.normalize_name(name), set()).add(name)
        return {key: sorted(group) for key, group in by_key.items() if len(group) > 1}

    # --- texts --------------------------------------------------------------

    def normalize_text(self, text: str) -> NormalizedText:
        """Tokenise a text into word keys, keeping where each word came from."""
        splitter = _TEXT_SPLIT_FAST if unicodedata.is_normalized("NFC", text) else _TEXT_SPLIT_FULL
        parts = splitter.split(text)
        words_of_text = parts[1::2]
        cached = list(map(self._word_keys.get, words_of_text))
        keys = (
            [k if k is not None else self.fold_word(w)
             for k, w in zip(cached, words_of_text, strict=True)]
            if None in cached else cast(list[str], cached)
        )
        return NormalizedText(text, " ".join(filter(None, keys)), parts, keys)


def _remember(cache: dict[str, _V], key: str, value: _V) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


@lru_cache(maxsize=32)
def name_folding(sets: tuple[str, ...] = ()) -> NameFolding:
    """The shared `NameFolding` of these rule sets (a profile's `folding`).

    Shared so that every gazetteer of one profile uses the same warm caches.
    """
    return NameFolding(sets)


BASE_FOLDING = name_folding(())


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
