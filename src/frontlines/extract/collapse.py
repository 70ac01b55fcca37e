"""National collapse: sentences saying a side is gone as a power.

"The government collapsed", "President X fled the country", "after the fall
of the republic": no unit is named, yet the timeline's collapse rule (issue 9)
turns every unit the fallen side still holds over to whoever took its capital,
once reports say so. This stage finds such sentences; `staged.py` turns each
into an event of kind `collapse` whose `actor` is the side that is gone and
whose place is the country.

What counts is stated as general facts of English in `area_lexicon`: a
finite, past, positive verb of collapse whose subject is a national
government; a head of state who fled; or a noun of collapse after a temporal
preposition. A modal, a negation or a conditional before the verb ("could
collapse", "has not collapsed", "if the government fell") leaves no match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..profile import Profile
from . import area_lexicon as lex
from .mentions import ActorMention


@dataclass(frozen=True)
class CollapseMention:
    """One statement that a side is gone (sentence offsets of its verb or noun)."""

    start: int
    end: int
    actor: str
    form: str  # "verb", "caused", "nominal" or "leader": see `area_lexicon.COLLAPSE_PROBABILITY`


class CollapseFinder:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.government = profile.government
        self.start_year = profile.start_date.year
        # Words of the actors' names that may stand before "President" ("Afghan
        # President X"); another country's ("US President X") is not ours.
        self.own_words = {
            word.lower()
            for actor in profile.actors
            for alias in (*actor.aliases, actor.name)
            for word in re.findall(r"[A-Z][\w-]+", alias)
        }

    def find(self, text: str, actors: Sequence[ActorMention]) -> list[CollapseMention]:
        """Every collapse a sentence states, at most one per side."""
        if any(int(year) < self.start_year for year in lex.YEAR.findall(text)):
            return []  # another war's collapse ("since the fall of the regime in 2001")
        found: list[CollapseMention] = []
        for match in lex.COLLAPSE_VERB.finditer(text):
            subject = lex.GOVERNMENT_SUBJECT_BEFORE.search(text, 0, match.start())
            if subject is None or subject.end() != match.start():
                continue
            np_start = self._noun_phrase_start(text, subject.start("np"), subject.end("np"))
            if np_start is None or self._unreal(text, np_start):
                continue
            actor = self._actor_of(np_start, subject.end("np"), actors)
            found.append(CollapseMention(match.start("verb"), match.end("verb"), actor, "verb"))
        for match in lex.COLLAPSE_CAUSED.finditer(text):
            np_start = self._noun_phrase_start(text, match.start("np"), match.end("np"))
            if np_start is None or self._unreal(text, match.start()):
                continue
            actor = self._actor_of(np_start, match.end("np"), actors)
            found.append(CollapseMention(match.start("verb"), match.end("verb"), actor, "caused"))
        for match in lex.COLLAPSE_NOMINAL.finditer(text):
            group = "np" if match.group("np") else "np2"
            verb = "verb" if match.group("verb") else "verb2"
            np_start = self._noun_phrase_start(text, match.start(group), match.end(group))
            if np_start is None or self._unreal(text, match.start()):
                continue
            actor = self._actor_of(np_start, match.end(group), actors)
            found.append(CollapseMention(match.start(verb), match.end(verb), actor, "nominal"))
        found.extend(self._leaders_gone(text, actors))
        one_per_side: dict[str, CollapseMention] = {}
        for mention in sorted(found, key=lambda m: m.start):
            one_per_side.setdefault(mention.actor, mention)
        return list(one_per_side.values())

    # --- parts ---------------------------------------------------------------

    def _noun_phrase_start(self, text: str, start: int, end: int) -> int | None:
        """Where a government's noun phrase really starts (the regex may take a
        word or two of the clause before it), or None when the phrase names a
        local government ("the provincial administration")."""
        words = list(re.finditer(r"[\w’'-]+", text[start:end]))
        first = 0
        for i, word in enumerate(words):
            if word.group(0).lower() in ("the", "a", "an", "its", "their", "his", "her"):
                first = i  # the determiner opens the phrase
        for word in words[first:]:
            if word.group(0).lower() in lex.LOCAL_GOVERNMENT_WORDS:
                return None
        return start + words[first].start() if words else start

    def _unreal(self, text: str, start: int) -> bool:
        return bool(lex.COLLAPSE_IRREALIS_BEFORE.search(text[:start]))

    def _actor_of(self, start: int, end: int, actors: Sequence[ActorMention]) -> str:
        """The side a government phrase names ("the Taliban government"), or the
        profile's government ("the government", "the republic")."""
        for mention in actors:
            if start <= mention.start and mention.end <= end:
                return mention.actor
        return self.government

    def _leaders_gone(self, text: str, actors: Sequence[ActorMention]) -> list[CollapseMention]:
        found: list[CollapseMention] = []
        for gone in lex.LEADER_GONE.finditer(text):
            leaders = [
                m
                for m in lex.LEADER.finditer(text, max(0, gone.start() - lex.LEADER_MAX_GAP), gone.start())
                if not lex.LEADER_GAP_BREAKS.search(text, m.end(), gone.start())
            ]
            if not leaders:
                continue
            leader = leaders[-1]
            before = re.search(r"([\w-]+)\s+$", text[: leader.start()])
            if (
                before
                and before.group(1)[:1].isupper()
                and before.group(1).lower() not in self.own_words
                and before.group(1).lower() not in lex.FUNCTION_WORDS
            ):
                continue  # "US President Biden": another country's head
            actor = self.government
            for mention in actors:
                if mention.end <= leader.start() and leader.start() - mention.end <= 2:
                    actor = mention.actor  # "Russian President X"
            if self._unreal(text, leader.start()):
                continue
            found.append(CollapseMention(gone.start("verb"), gone.end("verb"), actor, "leader"))
        return found
