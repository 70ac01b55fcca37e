"""Area statements: how much of an area a side holds, in a sentence naming no unit.

"The Taliban now control 10 of Badakhshan's 28 districts", "85 % of the
country", "half of the provincial capitals": analysts read the state of whole
provinces from such sentences, but they say nothing of which district is
whose. They are kept with their evidence and shown beside the map (`summary`,
`/api/statements`, the province view); the timeline never paints them.

A statement is a proportion of territorial units (`area_lexicon.STATEMENT_*`)
near a word of holding ground (control, held, captured, occupied) in the same
clause, and a side: the actor named before it (the subject), else one named
after it that is not the loser ("from the government"), else the profile's
default actor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..models import Place
from ..places.gazetteer import Gazetteer, Mention
from ..profile import Profile
from . import area_lexicon as lex
from .mentions import ActorMention

# Which place a name stands for, when it names the area of a statement.
PickArea = Callable[[Mention], Place | None]


@dataclass(frozen=True)
class AreaQuantity:
    """One proportion a sentence states (sentence offsets), before dating and attribution."""

    start: int
    end: int
    actor: str
    area_id: str | None
    area_name: str | None
    count: int | None
    total: int | None
    percent: float | None
    unit_word: str
    control_start: int  # the word of control, which the date attaches to
    control_end: int


def number_value(word: str | None) -> int | None:
    if word is None:
        return None
    word = word.lower()
    if word.isdigit():
        return int(word)
    return lex.NUMBER_WORDS.get(word)


class StatementFinder:
    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        self.places = gazetteer.places
        self.profile = profile
        self.default_actor = profile.default_actor

    def find(
        self,
        text: str,
        actors: Sequence[ActorMention],
        places: Sequence[Mention],
        pick_area: PickArea,
    ) -> list[AreaQuantity]:
        """Every proportion of an area a sentence says a side holds."""
        found: list[AreaQuantity] = []
        taken: list[tuple[int, int]] = []
        for pattern in lex.STATEMENT_PATTERNS:
            for match in pattern.finditer(text):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                control = self._control_near(text, match.start(), match.end())
                if control is None:
                    continue
                actor = self._actor(text, match.start(), match.end(), actors)
                if actor is None:
                    continue
                groups = match.groupdict()
                percent: float | None = None
                if groups.get("percent"):
                    percent = float(groups["percent"])
                elif groups.get("fraction"):
                    percent = round(lex.FRACTION_WORDS[" ".join(groups["fraction"].lower().split())], 1)
                count = number_value(groups.get("count"))
                total = number_value(groups.get("total"))
                if count is not None and total is not None and count > total:
                    continue  # "200 of 34": not a proportion
                unit = groups.get("unit") or groups.get("unit2") or "territory"
                area_id, area_name = self._area(match, places, pick_area)
                found.append(
                    AreaQuantity(
                        match.start(),
                        match.end(),
                        actor,
                        area_id,
                        area_name,
                        count,
                        total,
                        percent,
                        " ".join(unit.lower().split()),
                        control[0],
                        control[1],
                    )
                )
                taken.append((match.start(), match.end()))
        return found

    def _control_near(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """A word of holding ground in the same clause as the quantity."""
        best: tuple[int, int] | None = None
        lo, hi = max(0, start - lex.CONTROL_WINDOW), min(len(text), end + lex.CONTROL_WINDOW)
        for word in lex.CONTROL_WORDS.finditer(text, lo, hi):
            gap = (word.end(), start) if word.end() <= start else (end, word.start())
            if gap[0] > gap[1] or lex.CLAUSE_BREAK.search(text, gap[0], gap[1]):
                continue
            if best is None or abs(word.start() - start) < abs(best[0] - start):
                best = (word.start(), word.end())
        return best

    def _actor(self, text: str, start: int, end: int, actors: Sequence[ActorMention]) -> str | None:
        before = [a for a in actors if a.end <= start]
        if before:
            return before[-1].actor
        for mention in actors:
            if mention.start >= end and not re.search(
                r"\b(?:from|against)\s+(?:the\s+)?$", text[max(end, mention.start - 20) : mention.start]
            ):
                return mention.actor
        return self.default_actor

    def _area(
        self, match: re.Match[str], places: Sequence[Mention], pick_area: PickArea
    ) -> tuple[str | None, str | None]:
        """The area a quantity is of: a place named as its owner ("Badakhshan's"),
        after it ("in Faryab") or as its object ("80 % of Sievierodonetsk");
        None for the whole country."""
        for group in ("owner", "where", "area"):
            start, end = match.span(group) if match.groupdict().get(group) else (-1, -1)
            if start < 0:
                continue
            for mention in places:
                if mention.start < end and start < mention.end:
                    place = pick_area(mention)
                    if place is not None and place.level != "country":
                        return place.id, place.name
        return None, None

