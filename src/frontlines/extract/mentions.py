"""Stage 1, mentions: what a report names, found in one cheap pass.

For each sentence: the gazetteer names in it (one Aho-Corasick pass over the
whole text, ambiguity kept), and, only in sentences that hold a trigger word,
the trigger phrases, the actors (the profile's aliases) and the date
expressions. Most sentences of a report hold no trigger and are never looked
at again.

Offsets of everything inside a `SentenceMentions` are relative to the
sentence; `SentenceMentions.start` turns them into document offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

import ahocorasick

from ..models import Document
from ..places.gazetteer import Gazetteer, Mention
from ..profile import Profile
from . import lexicon
from .dates import DateMention, find_dates
from .sentences import split_sentences


@dataclass(frozen=True, slots=True)
class TriggerMention:
    """A phrase that signals an event, with the kind it suggests and its voice
    (where the place stands: see `lexicon.VOICES`)."""

    start: int
    end: int
    kind: str
    voice: str
    name: str


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    actor: str


@dataclass
class SentenceMentions:
    index: int
    start: int
    end: int
    text: str
    places: list[Mention]
    triggers: list[TriggerMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)

    @property
    def has_trigger(self) -> bool:
        return bool(self.triggers)


@dataclass
class DocumentMentions:
    document: Document
    title_places: list[Mention]
    sentences: list[SentenceMentions]


def alias_forms(aliases: list[str]) -> list[str]:
    """Aliases, and those that are proper names without their article: "the
    Front" is "Front" in "under Front rule" ("the group" stays as it is)."""
    forms = list(aliases)
    for alias in aliases:
        head, _, rest = alias.partition(" ")
        if head.lower() == "the" and rest[:1].isupper():
            forms.append(rest)
    return forms


def compile_phrases(phrases: list[str] | tuple[str, ...], ignore_case: bool = True) -> re.Pattern[str] | None:
    """One alternation of whole phrases, longest first (case-insensitive unless
    the caller runs it on lower-cased text with lower-cased phrases)."""
    cleaned = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in cleaned)
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", re.IGNORECASE if ignore_case else 0)


def _lowered(pattern: str) -> re.Pattern[str] | None:
    """A trigger pattern for lower-cased text, or None where it tests case itself."""
    if "(?-i:" in pattern:
        return None
    return re.compile(pattern)


class MentionFinder:
    """Finds the mentions of one report: `finder(document) -> DocumentMentions`."""

    def __init__(self, gazetteer: Gazetteer, profile: Profile):
        self.gazetteer = gazetteer
        self.profile = profile
        # Each trigger twice: as written, case-insensitive (for the rare text whose
        # lower case changes its length), and lower-cased, run on the lower-cased
        # sentence (several times faster). A pattern that tests case itself
        # ("(?-i:[A-Z])") always runs on the text as written.
        self.triggers: list[tuple[lexicon.Trigger, re.Pattern[str], re.Pattern[str] | None]] = [
            (t, re.compile(t.pattern, re.IGNORECASE), _lowered(t.pattern)) for t in lexicon.TRIGGERS
        ]
        for kind, phrases in profile.triggers.items():
            extra = compile_phrases(list(phrases))
            if extra is not None:
                trigger = lexicon.Trigger(f"profile-{kind}", kind, "active", extra.pattern)
                self.triggers.append((trigger, extra, None))
        # The cheap first pass: one Aho-Corasick scan finds the triggers' stems.
        self.stems = ahocorasick.Automaton()
        for stem in sorted({stem for t, _, _ in self.triggers for stem in t.stems}):
            self.stems.add_word(stem, stem)
        self.stems.make_automaton()
        self.actor_patterns: list[tuple[str, re.Pattern[str]]] = []
        self.adjectives = actor_adjectives(profile)
        # The first word of a lower-case alias that names one actor only
        # ("government" of "government forces").
        firsts: dict[str, set[str]] = {}
        for actor in profile.actors:
            for alias in actor.aliases:
                words = alias.split()
                if len(words) > 1 and words[0][:1].islower() and words[0] not in ("the", "a", "an"):
                    firsts.setdefault(words[0], set()).add(actor.id)
        leading = {w: next(iter(ids)) for w, ids in firsts.items() if len(ids) == 1}
        for actor in profile.actors:
            forms = alias_forms([*actor.aliases, actor.name])
            pattern = compile_phrases([f.lower() for f in forms], ignore_case=False)
            if pattern is not None:
                self.actor_patterns.append((actor.id, pattern))
            # "Ukrainian paratroopers", "Afghan army commandos", "pro-government
            # militiamen": a side's adjective before any word for armed men.
            words = [w for w, a in self.adjectives.items() if a == actor.id]
            words += [a.lower() for a in actor.aliases if len(a.split()) == 1 and a[:1].islower()]
            words += [w for w, a in leading.items() if a == actor.id]
            if words:
                adjective = "|".join(sorted((re.escape(w) for w in set(words)), key=len, reverse=True))
                self.actor_patterns.append(
                    (
                        actor.id,
                        re.compile(
                            r"(?<![\w-])(?:pro-)?(?:" + adjective + r")\s+(?:[a-z-]+\s+)?(?:"
                            + lexicon.FORCE_NOUNS
                            + r")(?![\w-])"
                        ),
                    )
                )

    def __call__(self, doc: Document) -> DocumentMentions:
        text = doc.text or ""
        mentions = self.gazetteer.find_mentions(text) if text.strip() else []
        starts = [m.start for m in mentions]
        sentences: list[SentenceMentions] = []
        for index, (s_start, s_end) in enumerate(split_sentences(text)):
            lo, hi = bisect_left(starts, s_start), bisect_left(starts, s_end)
            sentence = SentenceMentions(index, s_start, s_end, text[s_start:s_end], [])
            sentence.triggers = self.find_triggers(sentence.text)
            exact = mentions[lo:hi]
            if sentence.triggers:
                sentence.actors = self.find_actors(sentence.text)
                sentence.dates = find_dates(sentence.text)
                # Names no folding foresaw ("Khuwaja Ghar"), only where it matters:
                # in the sentences the later stages read.
                spans: list[ActorMention | DateMention | TriggerMention] = [
                    *sentence.actors,
                    *sentence.dates,
                    *sentence.triggers,
                ]
                taken = [(s_start + x.start, s_start + x.end) for x in spans]
                exact = self.gazetteer.fuzzy_mentions(text, exact, span=(s_start, s_end), taken=taken)
            sentence.places = [_shifted(m, -s_start) for m in exact]
            sentences.append(sentence)
        title_places = self.gazetteer.find_mentions(doc.title) if doc.title else []
        return DocumentMentions(doc, title_places, sentences)

    def find_triggers(self, text: str) -> list[TriggerMention]:
        """Every trigger phrase of one sentence; where two overlap the longer wins
        ("fallen under Taliban control" over "fallen")."""
        # Scare quotes leave a phrase's meaning alone: 'had "full control" over X'.
        text = lexicon.DOUBLE_QUOTES.sub(" ", text)
        lowered = text.lower()
        present = {stem for _, stem in self.stems.iter(lowered)}
        if not present and not self._profile_phrase(text):
            return []
        same_length = len(lowered) == len(text)
        hits: list[TriggerMention] = []
        for trigger, pattern, lower_pattern in self.triggers:
            if trigger.stems and present.isdisjoint(trigger.stems):
                continue
            if lower_pattern is not None and same_length:
                matches = lower_pattern.finditer(lowered)
            else:
                matches = pattern.finditer(text)
            for match in matches:
                start, end = match.span()
                while start < end and text[start].isspace():
                    start += 1
                if trigger.kind == "siege" and (
                    lexicon.LOCATION_DESCRIPTION.search(text[max(0, start - 30) : start])
                    or lexicon.LOCATION_WORDS.search(text, max(0, start - 15), end)
                ):
                    continue  # "located 50 kilometres south of X": geography, not a siege
                if trigger.name == "retreated" and text[start:end].lower() == "left" and (
                    (
                        lexicon.CLAUSE_END_AFTER.match(text, end)
                        and lexicon.LEFT_IN_RELATIVE_BEFORE.search(text, max(0, start - 60), start)
                    )
                    or lexicon.LEFT_SOMEONE_SOMEHOW_AFTER.match(text, end)
                ):
                    continue  # "the country it has left", "left them well placed": no departure
                if trigger.name in lexicon.ATTACK_NOUN_TRIGGERS and lexicon.STANDOFF_ATTACK_BEFORE.search(
                    text[max(0, start - 30) : start]
                ):
                    continue  # "a rocket attack on X": no fight for ground
                if trigger.voice == "passive" and lexicon.NOUN_USE_BEFORE.search(
                    text[max(0, start - 8) : start]
                ):
                    continue  # "the city's fall": a noun, not a verb
                voice = trigger.voice
                if voice == "active" and lexicon.PARTICIPLE_WORD.match(text, start, end):
                    voice = participle_voice(text, start, end)
                hits.append(TriggerMention(start, end, trigger.kind, voice, trigger.name))
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        kept: list[TriggerMention] = []
        for hit in hits:
            if all(hit.end <= k.start or hit.start >= k.end for k in kept):
                kept.append(hit)
        kept.sort(key=lambda h: h.start)
        return kept

    def _profile_phrase(self, text: str) -> bool:
        """Does the sentence hold one of the profile's own trigger phrases (which
        the lexicon's cheap first pass knows nothing of)?"""
        return any(t.name.startswith("profile-") and p.search(text) for t, p, _ in self.triggers)

    def find_actors(self, text: str) -> list[ActorMention]:
        """The profile's actors named in a sentence, left to right, longest alias first."""
        found: list[ActorMention] = []
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        for actor_id, pattern in self.actor_patterns:
            for match in pattern.finditer(lowered):
                found.append(ActorMention(match.start(), match.end(), actor_id))
        found.sort(key=lambda a: (a.start, a.start - a.end))
        kept: list[ActorMention] = []
        last_end = -1
        for actor in found:
            if actor.start >= last_end:
                kept.append(actor)
                last_end = actor.end
        return [a for a in kept if not self._foreign(text, a)]

    def _foreign(self, text: str, actor: ActorMention) -> bool:
        """Is a bare word for armed men ("troops") someone else's ("US troops",
        "foreign soldiers", "Turkish forces")?"""
        if not lexicon.GENERIC_FORCES.fullmatch(text, actor.start, actor.end):
            return False
        before = lexicon.WORD_BEFORE.search(text, 0, actor.start)
        if before is None:
            return False
        word = before.group("word")
        if word.lower() in self.adjectives or word.lower() in lexicon.NOT_FOREIGN_BEFORE:
            return False
        if word.lower() in lexicon.FOREIGN_BEFORE:
            return True
        initial = not text[: before.start("word")].strip()
        # Sentence-initial, only a word shaped like a people's name is foreign
        # ("German troops", "Turkish soldiers"; not "Local troops").
        demonym = bool(lexicon.DEMONYM.fullmatch(word))
        return word[:1].isupper() and (not initial or word.isupper() or demonym)


def _shifted(mention: Mention, delta: int) -> Mention:
    span = mention.context_span
    return replace(
        mention,
        start=mention.start + delta,
        end=mention.end + delta,
        context_span=(span[0] + delta, span[1] + delta) if span else None,
    )


def participle_voice(text: str, start: int, end: int) -> str:
    """The voice of a trigger that is a bare past participle: an attribute of the
    noun after it ("the occupied town of X", "Taliban-held X"), a passive without
    its auxiliary ("X, captured by Y in March") or sharing that of the passive
    it is coordinated with ("were killed or captured"), or else the active verb
    it looks like (past tense: "forces captured X")."""
    if lexicon.ATTRIBUTIVE_BEFORE.search(text[max(0, start - 40) : start]) or text[start - 1 : start] == "-":
        return lexicon.ATTRIBUTIVE_VOICE
    if lexicon.BY_AGENT_AHEAD.match(text, end) or (
        lexicon.COORDINATED_PASSIVE_BEFORE.search(text, max(0, start - 40), start)
        and lexicon.PASSIVE_PARTICIPLE_AHEAD.match(text, end)
    ):
        return "passive"
    return "active"


def actor_adjectives(profile: Profile) -> dict[str, str]:
    """The adjective of one actor's name ("Ukrainian" of "Ukrainian forces",
    "Afghan" of "Afghan forces"), lower-cased, where it names only that actor."""
    by_word: dict[str, set[str]] = {}
    for actor in profile.actors:
        for alias in (*actor.aliases, actor.name):
            words = alias.split()
            if len(words) > 1 and words[0][:1].isupper() and words[0].lower() not in ("the", "a"):
                by_word.setdefault(words[0].lower(), set()).add(actor.id)
    return {word: next(iter(ids)) for word, ids in by_word.items() if len(ids) == 1}
