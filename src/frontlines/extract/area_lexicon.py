"""Phrases of claims about a whole side or a whole area (English), as data.

Two kinds of sentence name no unit and still matter to a control map:

- a **national collapse**: the side holding the capital is gone as a power
  ("the government collapsed", "President X fled the country"); the
  timeline's collapse rule needs to know when reports say so;
- an **area statement**: a quantity of an area's units or territory held by a
  side ("10 of Badakhshan's 28 districts", "85 % of the country", "half of
  the provincial capitals"); kept beside the map, never painted on units.

Each is recognised by a general linguistic fact rather than by phrases of one
report: the collapse of a government is a finite, past, unmodalised verb (or
a noun after a temporal preposition: "after the collapse of") whose subject
is a national government or its head; a statement is a proportion (N of M,
N %, a fraction) of territorial units, next to words of control and an actor.
`tests/extract/test_area_lexicon.py` checks that every pattern compiles and
matches what its comment says.
"""

from __future__ import annotations

import re

# --- national collapse --------------------------------------------------------

# The heads of a national government's noun phrase.
GOVERNMENT_HEADS = r"(?:government|administration|regime|republic|cabinet)"
LEADER_HEADS = r"(?:president|head\s+of\s+state|prime\s+minister)"

# Modifiers that make a government local, not national ("the provincial
# administration", "the Russian-installed administration of Kherson").
LOCAL_GOVERNMENT_WORDS = frozenset(
    {
        "local", "provincial", "district", "regional", "city", "municipal", "county",
        "occupation", "occupying", "installed", "puppet", "military", "shadow", "state's",
        "separatist", "self-proclaimed", "breakaway", "oblast",
    }
)

# Up to five words ending in a government head, as the subject of a verb.
GOVERNMENT_SUBJECT_BEFORE = re.compile(
    r"(?P<np>\b(?:[\w’'-]+\s+){0,5}?" + GOVERNMENT_HEADS + r")"
    r"(?:\s+(?:in|of)\s+[A-Z][\w’'-]+)?\s+$",
    re.IGNORECASE,
)

# The finite, past, positive verb of a collapse ("collapsed", "has crumbled",
# "fell"). A modal or a negation between subject and verb ("could collapse",
# "has not collapsed") leaves no match, as the subject must end right before.
COLLAPSE_VERB = re.compile(
    r"\b(?:(?:has|had|have)\s+)?"
    r"(?:(?:now|effectively|finally|swiftly|quickly|rapidly|completely|already|then|all\s+but|"
    r"virtually|largely|reportedly|allegedly|apparently)\s+)?"
    r"(?P<verb>collapsed|crumbled|disintegrated|imploded|dissolved|ceased\s+to\s+exist|"
    r"fell(?!\s+(?:back|short|silent|behind|ill|into|under|by|to\s+\d)))\b",
    re.IGNORECASE,
)

# "prompting the government to collapse": a collapse caused, so it happened.
COLLAPSE_CAUSED = re.compile(
    r"\b(?:prompt(?:ed|ing)|caus(?:ed|ing)|forc(?:ed|ing)|led|leading|push(?:ed|ing)|"
    r"drove|driv(?:en|ing)|trigger(?:ed|ing))\s+"
    r"(?P<np>(?:the\s+)?(?:[\w’'-]+\s+){0,5}?" + GOVERNMENT_HEADS + r")"
    r"\s+to\s+(?P<verb>collapse|crumble|fall|disintegrate)\b",
    re.IGNORECASE,
)

# "after the collapse of the government", "since the fall of the republic",
# "following the government's collapse": a temporal preposition presupposes
# the collapse. ("Fears of a collapse", "to prevent the collapse" do not.)
COLLAPSE_NOUN = r"(?:collapse|fall|downfall|disintegration|implosion|demise|ouster)"
COLLAPSE_PREPOSITION = r"(?:after|since|following|upon|with|in\s+the\s+wake\s+of|in\s+the\s+aftermath\s+of)"
COLLAPSE_NOMINAL = re.compile(
    r"\b" + COLLAPSE_PREPOSITION + r"\s+(?:the\s+)?"
    r"(?:(?:sudden|swift|rapid|quick|abrupt|dramatic|complete|total|chaotic|speedy|stunning)\s+)?"
    r"(?P<verb>" + COLLAPSE_NOUN + r")\s+of\s+"
    r"(?P<np>(?:the\s+)?(?:[\w’'-]+\s+){0,5}?" + GOVERNMENT_HEADS + r")\b"
    r"|\b" + COLLAPSE_PREPOSITION + r"\s+"
    r"(?P<np2>(?:the\s+)?(?:[\w’'-]+\s+){0,5}?" + GOVERNMENT_HEADS + r")['’]s\s+"
    r"(?:(?:sudden|swift|rapid|quick|abrupt|dramatic|complete|total|chaotic)\s+)?"
    r"(?P<verb2>" + COLLAPSE_NOUN + r")\b",
    re.IGNORECASE,
)

# The head of state gone: "President X fled the country", "X resigned as
# president and left the country", "the President fled".
LEADER = re.compile(r"\b" + LEADER_HEADS + r"\b", re.IGNORECASE)
LEADER_GONE = re.compile(
    r"\b(?:(?:has|had)\s+)?(?P<verb>fled(?:\s+(?:the\s+country|abroad|into\s+exile))?|"
    r"left\s+the\s+country|escaped\s+(?:the\s+country|abroad)|went\s+into\s+exile)\b",
    re.IGNORECASE,
)
# Between the leader and the verb: no other agent, no reported speech ("President
# Biden said Afghan troops fled"), no sentence-internal break.
LEADER_GAP_BREAKS = re.compile(
    r"[;:“”\"]|\b(?:said|says|told|added|stated|claimed|announced|that|who|whom|after|as|when|"
    r"forces|troops|soldiers|officials|residents|people|fighters|families|civilians|staff|"
    r"members|ministers?|commanders?|guards?|militants|police)\b",
    re.IGNORECASE,
)
LEADER_MAX_GAP = 90
# Capitalised words before "President" that are no country's adjective (the
# sentence's first word, titles): "After President X fled", "Former President X".
FUNCTION_WORDS = frozenset(
    {
        "the", "a", "an", "after", "when", "as", "and", "but", "then", "former", "later", "since",
        "once", "while", "because", "before", "with", "so", "deposed", "ousted", "outgoing",
    }
)

# A clause that makes what follows unreal: "if the government collapsed".
COLLAPSE_IRREALIS_BEFORE = re.compile(
    r"\b(?:if|unless|whether|in\s+case|lest|fears?|feared|risk|prevent|avert|avoid|"
    r"could|would|might|(?-i:may)|will|predicted|expected|warned|estimated?)\b[^,;.]*$",
    re.IGNORECASE,
)

# A year before the profile's start in the sentence dates the collapse to
# another war ("since the fall of the Taliban regime in 2001").
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")

# How likely a matched collapse is stated as fact. No gold set codes national
# collapse, so these are priors, not fitted weights: a finite verb or a leader's
# flight states it; a nominal after a preposition presupposes it (more often
# about another government or another time).
COLLAPSE_PROBABILITY = {"verb": 0.85, "leader": 0.85, "caused": 0.85, "nominal": 0.7}
HEDGED_FACTOR = 0.6

# Cheap first tests (substrings of the lower-cased sentence) before the
# patterns above: a word of collapse, and the head of a government or state.
COLLAPSE_CUE_WORDS = (
    "collaps", "crumbl", "disintegrat", "implo", "dissolv", "ceased", "fell", "fall", "demise",
    "ouster", "fled", "exile", "left the country", "escaped",
)
COLLAPSE_HEAD_WORDS = (
    "government", "administration", "regime", "republic", "cabinet", "president", "head of state",
    "prime minister",
)


def may_state_collapse(lowered: str) -> bool:
    return any(w in lowered for w in COLLAPSE_CUE_WORDS) and any(w in lowered for w in COLLAPSE_HEAD_WORDS)


# --- area statements ------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}
FRACTION_WORDS: dict[str, float] = {
    "half": 50.0, "a half": 50.0, "one half": 50.0,
    "a third": 100 / 3, "one third": 100 / 3, "one-third": 100 / 3,
    "two thirds": 200 / 3, "two-thirds": 200 / 3,
    "a quarter": 25.0, "one quarter": 25.0, "one-quarter": 25.0,
    "three quarters": 75.0, "three-quarters": 75.0,
}

NUMBER = r"(?:\d{1,4}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
FRACTION = r"(?:" + "|".join(sorted((re.escape(w) for w in FRACTION_WORDS), key=len, reverse=True)) + r")"

# The territorial units a statement counts. (Soldiers, people and votes are
# not territory: "10 of the 28 soldiers" is no statement.)
STATEMENT_UNITS = (
    r"(?:(?:provincial|regional|oblast|district|state)\s+(?:capitals|centres|centers)|"
    r"district\s+(?:centres|centers)|districts|provinces|oblasts|raions|hromadas|"
    r"municipalities|counties|regions|cities|towns|settlements|villages|"
    r"territory|land|country)"
)
# A proper name (capitalised even where the rest of a pattern ignores case).
NAME = r"(?-i:[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)"
# "Afghanistan's", "the country's", "Badakhshan's": whose units.
OWNER = r"(?:(?P<owner>" + NAME + r"|(?:the\s+)?(?:country|nation))['’]s?\s+)"
# "the Afghan territory": a national adjective before the unit.
ADJECTIVE = r"(?:(?-i:[A-Z][\w-]+)\s+)?"
AREA_AFTER = r"(?:\s+(?:in|of|across)\s+(?:the\s+)?(?P<where>" + NAME + r"))?"

STATEMENT_COUNT = re.compile(
    r"\b(?P<count>" + NUMBER + r")\s+(?:out\s+)?of\s+(?:the\s+|all\s+(?:the\s+)?|its\s+|their\s+)?"
    + OWNER + r"?(?P<total>" + NUMBER + r")\s+" + ADJECTIVE
    + r"(?P<unit>" + STATEMENT_UNITS + r")\b" + AREA_AFTER,
    re.IGNORECASE,
)
STATEMENT_PERCENT = re.compile(
    r"\b(?P<percent>\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)\s+of\s+"
    r"(?:the\s+)?(?:(?:total|whole|entire)\s+)?"
    r"(?:" + OWNER + r"?" + ADJECTIVE + r"(?P<unit>" + STATEMENT_UNITS + r")\b" + AREA_AFTER
    + r"|(?P<area>" + NAME + r")(?:['’]s\s+(?P<unit2>territory|land))?)",
    re.IGNORECASE,
)
STATEMENT_FRACTION = re.compile(
    r"\b(?P<fraction>" + FRACTION + r")\s+of\s+(?:all\s+)?(?:the\s+)?"
    + OWNER + r"?(?:(?P<total>" + NUMBER + r")\s+)?" + ADJECTIVE
    + r"(?P<unit>" + STATEMENT_UNITS + r")\b" + AREA_AFTER,
    re.IGNORECASE,
)
STATEMENT_PATTERNS = (STATEMENT_COUNT, STATEMENT_PERCENT, STATEMENT_FRACTION)

# A cheap first test: "of" and a digit, a per cent sign or a fraction word.
FRACTION_CUE_WORDS = ("half", "third", "quarter")
DIGIT = re.compile(r"\d")


# ... and a word of territorial units, or a per cent ("80 % of <a town>").
UNIT_CUE_WORDS = (
    "district", "provinc", "capital", "territor", "country", "oblast", "raion", "hromada", "region",
    "cities", "towns", "settlement", "village", "land", "municipal", "counties", "%", "per",
)


def may_state_proportion(lowered: str) -> bool:
    if " of " not in lowered or not any(w in lowered for w in UNIT_CUE_WORDS):
        return False
    if DIGIT.search(lowered) or any(w in lowered for w in FRACTION_CUE_WORDS):
        return True
    return any(w in lowered for w in NUMBER_WORDS)


# Words of holding ground, near the quantity: the statement is about control.
CONTROL_WORDS = re.compile(
    r"\b(?:control(?:s|led|ling)?|hold(?:s|ing)?|held|captured|seized|taken|took|"
    r"overr?an|overrun|fallen|fell|occup(?:y|ies|ied|ying)|liberated|retaken|retook|"
    r"recaptured|in\s+(?:the\s+)?hands|under\s+(?:the\s+)?\w+\s+control|in\s+charge)\b",
    re.IGNORECASE,
)
CONTROL_WINDOW = 90
# How likely a matched proportion is a statement of control (a prior: no gold
# set codes statements).
STATEMENT_PROBABILITY = 0.8
# Between the control word and the quantity: no new clause ("control of the
# plant, which supplies 25 % of the country": the 25 % is not held ground).
CLAUSE_BREAK = re.compile(r"[;:]|\b(?:which|that|who|whom|where|while|whereas|but)\b", re.IGNORECASE)
