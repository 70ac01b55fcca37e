"""Stage 4, attribution and certainty: who says so, for which side, how sure.

The source of a sentence is the speaker of its reporting verb ("…, the
police spokesman said", "according to local officials"), kept as written.
The sides it speaks for come from the profile's aliases and source markers
("Taliban spokesman", "provincial council"), from the neutral markers of the
lexicon ("residents", "UN"), and from the surnames of speakers met earlier in
the report ("Rahmani said" after "police spokesman Inamuddin Rahmani").

Certainty follows the rule of the field: a loss admitted by the side that
lost is `confirmed`; a gain only the winner states is `claimed`; hedged
statements ("reportedly", "could not be verified") are `unverified`; a claim
the other side rejects is `denied`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..profile import Profile
from . import lexicon
from .linking import Discourse
from .mentions import TriggerMention, compile_phrases


@dataclass(frozen=True)
class Attribution:
    source: str | None
    sides: frozenset[str]  # actor ids, and "independent"

    @property
    def side(self) -> str:
        """The one side to report: a party if any, else independent, else unnamed."""
        parties = sorted(s for s in self.sides if s != "independent")
        if parties:
            return parties[0]
        return "independent" if "independent" in self.sides else "unnamed"


NO_ATTRIBUTION = Attribution(None, frozenset())


class Attributor:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.side_patterns: list[tuple[str, re.Pattern[str]]] = []
        for actor in profile.actors:
            pattern = compile_phrases([*actor.aliases, *actor.source_markers, actor.name])
            if pattern is not None:
                self.side_patterns.append((actor.id, pattern))
        self.independent_re = compile_phrases(list(lexicon.INDEPENDENT_MARKERS))

    def attribute(self, sentence: str, discourse: Discourse) -> Attribution:
        """The source of a sentence as written, and the sides it speaks for."""
        for match in lexicon.SPEECH.finditer(sentence):
            verb = match.group(0).lower()
            after = sentence[match.end() :]
            before = sentence[: match.start()]
            if lexicon.SPEECH_NOUN_USE.match(after):
                continue  # "reports said": "reports" names the source, "said" is the verb
            source: str | None = None
            introduces = verb.startswith(("according", "as ")) or verb == "citing"
            if introduces and not before.strip(" \"'“”"):
                # "According to X, <what X says>": X ends at the first comma.
                source = re.split(r"[,.;]", after, maxsplit=1)[0]
            elif introduces:
                source = re.split(r"[.;]|,\s+(?:the|a|an|who|which)\b", after, maxsplit=1)[0]
            elif re.search(r",\s*$", before) and re.match(r"\s+(?:[A-Z]|a\s|an\s|the\s)", after):
                source = re.split(r"[.;]", after, maxsplit=1)[0]
            else:
                piece = re.split(r"[.;:]|\b(?:that|and|but|while)\s", before)[-1]
                last_part = piece.rstrip(" ,").split(",")[-1].strip()
                speaker_like = len(last_part.split()) <= 4 or bool(self.sides(last_part, discourse))
                if last_part and speaker_like and "," in piece.rstrip(" ,"):
                    piece = last_part  # "..., Rahmani said" / "..., he said"
                words = piece.strip(" ,").split()
                if words:
                    source = " ".join(words[-12:])
            if source:
                source = _clean_source(source)
                if source.lower() in lexicon.PRONOUN_SOURCES:
                    source = discourse.speakers.get("__last__", source)
                sides = self.sides(source, discourse)
                if sides:
                    # A person's surname, to know them again ("Rahmani said"): the
                    # last word of a personal name, not a place in their title.
                    for word in surnames(source):
                        discourse.speakers[word] = next(iter(sorted(sides)))
                    discourse.speakers["__last__"] = source
                return Attribution(source or None, frozenset(sides))
        return NO_ATTRIBUTION

    def sides(self, source: str, discourse: Discourse) -> set[str]:
        found: set[str] = set()
        # A non-government marker wins over the government's generic words
        # ("Taliban officials" are not the government's officials).
        for actor_id, pattern in self.side_patterns:
            if actor_id != self.profile.government and pattern.search(source):
                return {actor_id}
        for actor_id, pattern in self.side_patterns:
            if pattern.search(source):
                found.add(actor_id)
        if not found:
            for word in re.findall(r"\b[A-Z][a-z]{3,}\b", source):
                if word in discourse.speakers:
                    found.add(discourse.speakers[word])
        if self.independent_re and self.independent_re.search(source):
            found.add("independent")
        return found

    def certainty(
        self,
        sentence: str,
        kind: str,
        actor: str,
        opponent: str | None,
        attribution: Attribution,
        trigger: TriggerMention,
    ) -> str:
        if lexicon.DENIALS.search(sentence[: trigger.start]):
            return "denied"
        if lexicon.HEDGES.search(sentence):
            return "unverified"
        sides = {self.profile.side_of(s) if s != "independent" else s for s in attribution.sides}
        own = self.profile.side_of(actor)
        loser = self.profile.side_of(opponent) if opponent else None
        if kind == "withdrawal" and loser is not None:
            # Who withdraws is who loses the place: their word is the admission.
            own, loser = loser, own
        if kind in ("clash", "siege"):
            return "claimed" if (sides - {"independent"}) else "reported"
        if (loser and loser in sides) or (not loser and sides - {"independent", own}):
            # The side that lost says so; where the profile's sides do not tell
            # who lost, any other party conceding the winner's gain.
            return "confirmed"
        if own in sides or lexicon.CLAIM_WORDS.search(sentence):
            return "claimed"
        return "reported"

    def denial_after(self, sentence: str, after: int, discourse: Discourse) -> Attribution | None:
        """ "The Taliban claimed X, but the ministry denied the claim": who denies what
        the sentence claimed before `after` (None when nobody does)."""
        denial = lexicon.DENIAL_OF_CLAIM.search(sentence, after)
        if denial is None:
            # "..., but the army says its units are still inside the town": the side
            # said to have lost it is still there, so it did not (yet) fall.
            still = lexicon.STILL_HOLDING_OUT.search(sentence, after)
            if still is not None and (
                after == 0 or lexicon.CONTRAST.search(sentence, after, still.end())
            ):
                denial = still
        if denial is None:
            called_untrue = lexicon.CLAIM_CALLED_UNTRUE.match(sentence, after)
            if called_untrue is None or not lexicon.CLAIM_NOUN_BEFORE.search(sentence, 0, after):
                return None
            # "The rebels' claim to hold X is false, the ministry said": whoever
            # says so denies it (named after the predicate, if at all).
            speaker = lexicon.SPEAKER_AFTER_QUOTE.match(sentence, called_untrue.end())
            denier = speaker.group("who").strip() if speaker else None
            return Attribution(denier, frozenset(self.sides(denier, discourse)) if denier else frozenset())
        clause = re.split(r"[,;]|\b(?:but|while|however)\b", sentence[after : denial.start()])[-1]
        denier = clause.strip() or None
        return Attribution(denier, frozenset(self.sides(denier, discourse)) if denier else frozenset())


def surnames(source: str) -> list[str]:
    """The surnames of the people a source names (see `lexicon.NAME_RUN`)."""
    found = [run.split()[-1] for run in lexicon.NAME_RUN.findall(source)]
    found += lexicon.TITLED_NAME.findall(source)
    return [word for word in found if len(word) >= 4]


def _clean_source(source: str) -> str:
    source = source.strip(" ,\"'“”")
    # "ToloNews has confirmed", "he also said": keep the speaker only.
    source = re.sub(r"(?:\s+(?:has|have|had|also|further|earlier|later|previously|again))+$", "", source)
    return re.sub(r"\s+(?:at|on|in)\s+(?:around\s+)?\d[^,;]*$", "", source)
