"""The templates and slot fillers of the behavioural suite, as named data.

Slots in a template:

- `{actor}` the actor phrase, with agreement slots `{be}` (is/are),
  `{have}` (has/have), `{was}` (was/were), `{s}` (the third-person -s of a
  present-tense verb: "control{s}"), `{adj}` (the actor as a modifier:
  "under {adj} control") and `{poss}` (possessive: "the Front's");
- `{loser}` a phrase for the actor's main enemy (the side that loses, gives up
  or is driven out);
- `{place}` a place phrase (a district, a provincial capital, a province or a
  town; see `PlaceFill`); `{landmark}` / `{landmark2}` places named only to
  locate something else;
- `{speaker}` / `{loser_speaker}` a spokesman of the actor / of its enemy.

Every sentence here was written for this suite. None is taken from the
evaluation reports in ../shared/eval or the examples in ../shared/examples.
"""

from __future__ import annotations

from dataclasses import dataclass

PLACE_TYPES = ("district", "capital", "province", "town")
NOT_PROVINCE = ("district", "capital", "town")


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    # The place types the template reads naturally with ("entered Marovia
    # province" does not say the province was taken, so "entered" has none).
    types: tuple[str, ...] = PLACE_TYPES


def templates(*pairs: tuple[str, str] | tuple[str, str, tuple[str, ...]]) -> tuple[Template, ...]:
    return tuple(Template(*pair) for pair in pairs)


# --- fillers ------------------------------------------------------------------


@dataclass(frozen=True)
class ActorFill:
    phrase: str
    id: str
    side: str
    plural: bool
    adj: str  # the actor as a modifier: "Taliban control", "government hands"

    def slots(self) -> dict[str, str]:
        return {
            "actor": self.phrase,
            "be": "are" if self.plural else "is",
            "have": "have" if self.plural else "has",
            "was": "were" if self.plural else "was",
            "s": "" if self.plural else "s",
            "adj": self.adj,
            "poss": self.phrase + ("'" if self.phrase.endswith("s") else "'s"),
        }

    @property
    def gain(self) -> str:
        """The kind of event this actor taking a place is: a gain by the
        government's side (the government or an ally) is a recapture."""
        return "recapture" if self.side == "government" else "capture"


@dataclass(frozen=True)
class PlaceFill:
    phrase: str
    id: str
    type: str
    # Places an event about this one must not be put at: the province of a
    # capital of the same name, the capital of a province taken as a whole.
    forbid: tuple[str, ...] = ()
    bare: str = ""  # the name alone ("Halvik"), for templates that add their own noun
    within: str = ""  # a town's district

    def overlaps(self, other: PlaceFill) -> bool:
        """Is one of the two places inside the other (or the same)?"""
        mine = {self.id, self.within} - {""}
        theirs = {other.id, other.within} - {""}
        return bool(mine & theirs)


@dataclass(frozen=True)
class World:
    name: str  # the world a case runs in (see conftest.py)
    # The actors in the order cases take them: mostly the insurgent side, with
    # the government and its allies mixed in.
    actors: tuple[ActorFill, ...]
    places: dict[str, tuple[PlaceFill, ...]]
    speakers: dict[str, str]  # actor id -> a spokesman of that actor
    enemies: dict[str, ActorFill]  # side -> a phrase for its main enemy

    def loser(self, actor: ActorFill) -> ActorFill:
        return self.enemies[actor.side]

    def slots(self, actor: ActorFill) -> dict[str, str]:
        loser = self.loser(actor)
        return {**actor.slots(), "loser": loser.phrase,
                "speaker": self.speakers[actor.id], "loser_speaker": self.speakers[loser.id]}


# The invented country (see conftest.py for its map and profiles).
_NF = ActorFill("NF fighters", "front", "front", True, "NF")
_ARMY = ActorFill("government troops", "government", "government", True, "government")
INVENTED = World(
    name="invented",
    actors=(
        _NF,
        _ARMY,
        ActorFill("the Northern Front", "front", "front", False, "Northern Front"),
        ActorFill("the Hill Guard", "guard", "government", False, "Hill Guard"),
        ActorFill("Red Banner militants", "banner", "banner", True, "Red Banner"),
        ActorFill("the Front", "front", "front", False, "Front"),
        ActorFill("the army", "government", "government", False, "army"),
        ActorFill("Hill Guard militiamen", "guard", "government", True, "Hill Guard"),
        ActorFill("the Red Banner", "banner", "banner", False, "Red Banner"),
    ),
    places={
        "district": (
            PlaceFill("Halvik district", "ZZ0102", "district", bare="Halvik"),
            PlaceFill("the Karsk district", "ZZ0202", "district", bare="Karsk"),
            PlaceFill("Quessa", "ZZ0302", "district", bare="Quessa"),
        ),
        "capital": (
            PlaceFill("Velora", "ZZ0201", "capital", ("ZZ02",), bare="Velora"),
            PlaceFill("the city of Ambrel", "ZZ0301", "capital", ("ZZ03",), bare="Ambrel"),
            PlaceFill("Dorvan city", "ZZ0101", "capital", ("ZZ01",), bare="Dorvan"),
        ),
        "province": (
            PlaceFill("Marovia province", "ZZ03", "province", ("ZZ0301",), bare="Marovia"),
            PlaceFill("Talmora province", "ZZ02", "province", ("ZZ0201",), bare="Talmora"),
            PlaceFill("the province of Dorvan", "ZZ01", "province", ("ZZ0101",), bare="Dorvan"),
        ),
        "town": (
            PlaceFill("the town of Pellin", "zz:pellin", "town", bare="Pellin", within="ZZ0102"),
            PlaceFill("Zarnow", "zz:zarnow", "town", bare="Zarnow", within="ZZ0202"),
            PlaceFill("Fenmoor", "zz:fenmoor", "town", bare="Fenmoor", within="ZZ0302"),
        ),
    },
    speakers={
        "front": "an NF spokesman",
        "government": "an army spokesman",
        "guard": "a Guard commander",
        "banner": "a Banner spokesman",
    },
    enemies={"front": _ARMY, "banner": _ARMY, "government": _NF},
)

# Afghanistan, with the real gazetteer and the afghanistan-2021 profile.
_TALIBAN = ActorFill("the Taliban", "taliban", "taliban", True, "Taliban")
_AFGHAN_FORCES = ActorFill("Afghan forces", "government", "government", True, "government")
AFGHAN = World(
    name="afghan",
    actors=(
        _TALIBAN,
        _AFGHAN_FORCES,
        ActorFill("Taliban fighters", "taliban", "taliban", True, "Taliban"),
        ActorFill("resistance forces", "resistance", "government", True, "resistance"),
        ActorFill("the insurgents", "taliban", "taliban", True, "insurgent"),
        ActorFill("government troops", "government", "government", True, "government"),
        ActorFill("the National Resistance Front", "resistance", "government", False, "NRF"),
    ),
    places={
        "district": (
            PlaceFill("Imam Sahib district", "AF1905", "district", bare="Imam Sahib"),
            PlaceFill("Khan Abad", "AF1904", "district", bare="Khan Abad"),
            PlaceFill("the Dasht-e-Archi district", "AF1906", "district", bare="Dasht-e-Archi"),
        ),
        "capital": (
            PlaceFill("Kunduz city", "AF1901", "capital", ("AF19",), bare="Kunduz"),
            PlaceFill("Taloqan", "AF1801", "capital", ("AF18",), bare="Taloqan"),
            PlaceFill("the city of Zaranj", "AF3401", "capital", ("AF34",), bare="Zaranj"),
        ),
        "province": (
            PlaceFill("Takhar province", "AF18", "province", ("AF1801",), bare="Takhar"),
            PlaceFill("Badakhshan province", "AF17", "province", ("AF1701",), bare="Badakhshan"),
            PlaceFill("the province of Nimroz", "AF34", "province", ("AF3401",), bare="Nimroz"),
        ),
        "town": (
            PlaceFill("the town of Gereshk", "gn:1141540", "town", bare="Gereshk", within="AF3004"),
            PlaceFill("Islam Qala", "gn:1142404", "town", bare="Islam Qala", within="AF3213"),
            PlaceFill("the town of Art Khwaja", "gn:1148106", "town", bare="Art Khwaja", within="AF1812"),
        ),
    },
    speakers={
        "taliban": "Taliban spokesman Zabihullah Mujahid",
        "government": "Defence ministry spokesman Fawad Aman",
        "resistance": "Ahmad Massoud",
    },
    enemies={"taliban": _AFGHAN_FORCES, "government": _TALIBAN},
)

WORLDS = (INVENTED, AFGHAN)


# --- states ---------------------------------------------------------------------
# A sentence may report who holds a place rather than how it changed hands:
# copular and possessive constructions ("is held by", "is in control of",
# "is in X hands", "came under X rule") carry the same information as a
# capture verb. A state held by the government's side is coded as a recapture,
# the one kind that says "the government side holds it"; by anyone else, as a
# capture.

STATES = templates(
    ("is-now-held-by", "{place} is now held by {actor}."),
    ("has-been-held-by-since", "Since Tuesday, {place} has been held by {actor}."),
    ("is-in-control-of", "{actor} {be} in control of {place}."),
    ("full-control-residents-said", "{actor} {be} now in full control of {place}, residents said."),
    ("under-adj-control", "{place} is under {adj} control."),
    ("in-poss-control", "{place} is now in {poss} control."),
    ("under-the-control-of", "{place} is under the control of {actor}."),
    ("now-holds", "{actor} now hold{s} {place}."),
    ("controls", "{actor} control{s} {place}."),
    ("lost-to", "{loser} lost {place} to {actor}."),
    ("came-under-rule", "{place} came under {adj} rule on Sunday."),
    ("changed-hands-to", "{place} changed hands on Monday, passing to {actor}."),
    ("in-adj-hands", "{place} is in {adj} hands."),
    ("in-the-hands-of", "{place} is now in the hands of {actor}."),
)


# --- changes --------------------------------------------------------------------
# The verbs of taking a place, in the active voice (the actor is the subject,
# the place the object) and the passive (the place is the subject, the actor
# comes after "to" or "by"), in several tenses and with fronted adverbials.
# Who gains decides the kind, not the verb: a "capture" by the government's
# side is a recapture, a "retook" by the insurgents a capture.

GAIN_ACTIVE = templates(
    ("captured", "{actor} captured {place} on Sunday."),
    ("have-seized", "{actor} {have} seized {place}."),
    ("overran", "{actor} overran {place} after a two-day assault."),
    ("took", "{actor} took {place} overnight.", NOT_PROVINCE),
    ("took-control-of", "{actor} took control of {place} on Monday."),
    ("have-taken-over", "{actor} {have} taken over {place}."),
    ("entered", "{actor} entered {place} unopposed on Saturday.", NOT_PROVINCE),
    ("stormed", "{actor} stormed {place} at dawn.", NOT_PROVINCE),
    ("seized-control-of", "{actor} seized control of {place} late on Tuesday."),
    ("by-wednesday-had-captured", "By Wednesday {actor} had captured {place}."),
    ("after-weeks-captured", "After weeks of fighting, {actor} captured {place}."),
)

GAIN_PASSIVE = templates(
    ("fell-to", "{place} fell to {actor} on Sunday."),
    ("has-fallen-to", "{place} has fallen to {actor}."),
    ("was-captured-by", "{place} was captured by {actor}."),
    ("was-seized-by", "{place} was seized by {actor} on Monday."),
    ("has-been-overrun-by", "{place} has been overrun by {actor}."),
    ("was-taken-by", "{place} was taken by {actor} after a night of fighting."),
    ("fronted-fell-to", "On Friday, {place} fell to {actor}."),
    ("fell-into-the-hands-of", "{place} fell into the hands of {actor} on Thursday."),
)

REGAIN_ACTIVE = templates(
    ("retook", "{actor} retook {place} on Monday."),
    ("have-recaptured", "{actor} {have} recaptured {place}."),
    ("regained-control-of", "{actor} regained control of {place}."),
    ("liberated", "{actor} liberated {place} on Thursday."),
    ("drove-out-of", "{actor} drove {loser} out of {place}."),
    ("pushed-out-of", "{actor} pushed {loser} out of {place} on Sunday."),
    ("took-back-from", "{actor} took back {place} from {loser}."),
)

REGAIN_PASSIVE = templates(
    ("was-retaken-by", "{place} was retaken by {actor}."),
    ("has-been-recaptured-by", "{place} has been recaptured by {actor}."),
    ("was-liberated-by", "{place} was liberated by {actor} on Wednesday."),
    ("was-cleared-of-by", "{place} was cleared of {loser} by {actor}."),
)

# A siege surrounds a place without taking it: the actor is the besieger, and
# no capture may be read into it.
SIEGE = templates(
    ("besieged", "{actor} besieged {place} on Sunday.", NOT_PROVINCE),
    ("have-surrounded", "{actor} {have} surrounded {place}.", NOT_PROVINCE),
    ("encircled", "{actor} encircled {place} overnight.", NOT_PROVINCE),
    ("laid-siege-to", "{actor} laid siege to {place}.", NOT_PROVINCE),
    ("are-besieging", "{actor} {be} besieging {place}.", NOT_PROVINCE),
    ("is-under-siege-by", "{place} is under siege by {actor}.", NOT_PROVINCE),
    ("has-been-surrounded-by", "{place} has been surrounded by {actor}.", NOT_PROVINCE),
    ("was-encircled-by", "{place} was encircled by {actor} on Sunday.", NOT_PROVINCE),
    ("remains-besieged-by", "{place} remains besieged by {actor}.", NOT_PROVINCE),
)

# Taking part of a place, or something in or around it, may be an assault on
# the place, never its fall.
PARTS = templates(
    ("villages-around", "{actor} took control of villages around {place}.", NOT_PROVINCE),
    ("the-road-in", "{actor} captured the airport road in {place}.", NOT_PROVINCE),
    ("parts-of", "{actor} seized parts of {place} on Sunday.", NOT_PROVINCE),
    ("a-checkpoint-outside", "{actor} overran a checkpoint outside {place}.", NOT_PROVINCE),
)

# Fighting in a place and a repelled attack change nothing: a clash, never a
# capture, even when the sentence mentions "control".
CLASH = templates(
    ("clashes-broke-out-in", "Clashes broke out in {place} between {actor} and {loser}."),
    ("heavy-fighting-in", "Heavy fighting was reported in {place} between {actor} and {loser} on Sunday."),
    ("fighting-between-continued-in", "Fighting between {actor} and {loser} continued in {place}."),
    ("repelled-an-attack-on", "{loser} repelled an attack by {actor} on {place}."),
    ("attack-on-was-repelled", "An attack by {actor} on {place} was repelled by {loser}."),
    ("fought-for-control-of", "{actor} and {loser} fought for control of {place} overnight."),
    ("attacked-but-pushed-back", "{actor} attacked {place} but {was} pushed back by {loser}."),
)


# --- surrender, withdrawal, handover ---------------------------------------------
# Each can be told from either party's side and in either word order. The
# actor is the side that receives a surrender or a handover, and the side that
# leaves in a withdrawal; naming the other party must not move the event to it.

SURRENDER = templates(
    ("loser-in-surrendered-to", "{loser} in {place} surrendered to {actor}."),
    ("garrison-of-surrendered-to", "The garrison of {place} surrendered to {actor} on Sunday."),
    ("accepted-the-surrender-of", "{actor} accepted the surrender of the garrison in {place}."),
    ("accepted-the-surrender-of-the-x-garrison", "{actor} accepted the surrender of the {bare} garrison.",
     NOT_PROVINCE),
    ("laid-down-their-arms-to", "Dozens of defenders of {place} laid down their arms to {actor}."),
    ("surrendered-place-to", "{loser} surrendered {place} to {actor} without a fight."),
    ("surrender-of-place-to", "The surrender of {place} to {actor} was completed on Monday."),
)

WITHDRAWAL = templates(
    ("withdrew-from", "{actor} withdrew from {place} on Sunday."),
    ("retreated-from", "{actor} retreated from {place} overnight."),
    ("have-pulled-out-of", "{actor} {have} pulled out of {place}."),
    ("pulled-out-from", "{actor} pulled out from {place} overnight."),
    ("was-abandoned-by", "{place} was abandoned by {actor}."),
    ("abandoned-without-a-fight", "{actor} abandoned {place} without a fight."),
    ("made-a-tactical-retreat-from", "{actor} made a tactical retreat from {place}."),
    ("left-on-tuesday", "{actor} left {place} on Tuesday."),
)

HANDOVER = templates(
    ("elders-handed-over-to", "Elders handed {place} over to {actor}."),
    ("tribal-elders-handed-over", "Tribal elders handed over {place} to {actor} to avoid bloodshed."),
    ("was-handed-over-to", "{place} was handed over to {actor} on Monday."),
    ("loser-handed-over-to", "{loser} handed {place} over to {actor} without a fight."),
    ("officials-handed-control-of", "Local officials handed control of {place} to {actor}."),
    ("has-been-handed-over-after-talks", "{place} has been handed over to {actor} after talks."),
    ("control-was-transferred-to", "Control of {place} was transferred to {actor}."),
)


# --- not events -----------------------------------------------------------------
# Irrealis mood: a threat, an attempt, a fear, a condition, a plan or a
# question says nothing has changed hands. No asserted event may come out of
# them (a repelled attempt may be a clash, but the templates here avoid saying
# one happened).

THREATS = templates(
    ("threatened-to-capture", "{actor} threatened to capture {place}."),
    ("have-threatened-to-overrun", "{actor} {have} threatened to overrun {place} within days."),
    ("warned-would-be-taken", "{actor} warned {loser} that {place} would be taken by force."),
)

ATTEMPTS = templates(
    ("tried-to-seize", "{actor} tried to seize {place} on Sunday."),
    ("failed-to-take", "{actor} failed to take {place}."),
    ("an-attempt-to-capture-failed", "An attempt by {actor} to capture {place} failed."),
    ("made-a-failed-bid-to-take", "{actor} made a failed bid to take {place}."),
    ("are-attempting-to-overrun", "{actor} {be} attempting to overrun {place}."),
)

FEARS = templates(
    ("residents-fear-could-fall", "Residents fear {place} could fall to {actor}."),
    ("fears-that-will-capture", "There are fears that {actor} will capture {place}."),
    ("warned-may-soon-fall", "Officials warned that {place} may soon fall to {actor}."),
    ("in-danger-of-falling", "{place} is in danger of falling to {actor}."),
)

CONDITIONALS = templates(
    ("if-falls", "If {place} falls to {actor}, the road to the north will be cut."),
    ("should-take", "Should {actor} take {place}, the road to the north would be cut."),
    ("were-to-fall", "Were {place} to fall to {actor}, thousands would flee."),
    ("unless-reinforcements", "Unless reinforcements arrive, {place} will fall to {actor}."),
)

PLANS = templates(
    ("are-planning-to-retake", "{actor} {be} planning to retake {place}."),
    ("preparing-an-operation-to-recapture", "{actor} {be} preparing an operation to recapture {place}."),
    ("vowed-to-take-back", "{actor} vowed to take back {place}."),
    ("are-expected-to-capture", "{actor} {be} expected to capture {place} soon."),
    ("plans-to-seize", "{actor} plan{s} to seize {place} next week."),
    ("plans-to-retake", "{actor} plan{s} to retake {place}."),
)

QUESTIONS = templates(
    ("will-fall-to", "Will {place} fall to {actor}?"),
    ("has-fallen-to", "Has {place} fallen to {actor}?"),
    ("can-hold", "Can {actor} hold {place} for long?"),
    ("is-it-true-captured", "Is it true that {actor} captured {place}?"),
)

# Negation: "not", "never", "yet to", a denial by the other side. Such a
# sentence is evidence *against* a change of hands: it may give an event marked
# `negated` (or certainty "denied"), never an asserted one.
NEGATIONS = templates(
    ("have-not-captured", "{actor} {have} not captured {place}."),
    ("has-not-fallen-to", "{place} has not fallen to {actor}."),
    ("had-not-entered", "{actor} had not entered {place}, residents said.", NOT_PROVINCE),
    ("did-not-fall-to", "{place} did not fall to {actor}."),
    ("never-took", "{actor} never took {place}."),
    ("has-not-been-captured-by", "{place} has not been captured by {actor}."),
    ("are-not-in-control-of", "{actor} {be} not in control of {place}."),
    ("denied-had-fallen", "{loser_speaker} denied that {place} had fallen to {actor}."),
    ("are-yet-to-capture", "{actor} {be} yet to capture {place}."),
    ("is-not-under-control", "{place} is not under {adj} control."),
)

# The same, naming no actor: run in worlds whose profile has a default actor,
# where an affirmative sentence would give an event.
ACTORLESS_NOT_EVENTS = templates(
    ("has-not-fallen", "{place} has not fallen."),
    ("has-not-been-captured", "{place} has not been captured."),
    ("contrary-to-reports-did-not-fall", "Contrary to earlier reports, {place} did not fall."),
    ("residents-fear-could-fall", "Residents fear {place} could fall."),
    ("if-falls", "If {place} falls, the whole valley will be lost."),
    ("will-fall-question", "Will {place} fall this week?"),
)


# --- hedges and attribution ---------------------------------------------------------
# A hedge ("reportedly", "unconfirmed reports", "could not be independently
# verified") keeps the event but marks it "unverified". A claim made only by
# the side that gained is "claimed"; an admission by the side that lost is
# "confirmed".

HEDGES = templates(
    ("reportedly-captured", "{actor} reportedly captured {place} on Sunday."),
    ("unconfirmed-reports-say-fallen", "Unconfirmed reports say {place} has fallen to {actor}."),
    ("could-not-be-independently-verified",
     "{actor} {be} said to have seized {place}, but the claim could not be independently verified."),
    ("was-reportedly-overrun", "{place} was reportedly overrun by {actor}."),
    ("according-to-unconfirmed-reports", "According to unconfirmed reports, {actor} took control of {place}."),
    ("though-this-could-not-be-verified",
     "{actor} captured {place}, though this could not be independently verified."),
    ("has-allegedly-fallen", "{place} has allegedly fallen to {actor}."),
    ("reportedly-under-control", "{place} is reportedly under {adj} control."),
)

CLAIMS = templates(
    ("speaker-said-had-captured", "{speaker} said {actor} had captured {place}."),
    ("claimed-to-have-captured", "{actor} claimed to have captured {place}."),
    ("in-a-statement-claimed", "In a statement, {speaker} claimed that {place} had fallen to {actor}."),
)

ADMISSIONS = templates(
    ("loser-admitted-had-fallen", "{loser_speaker} admitted that {place} had fallen to {actor}."),
    ("loser-confirmed-had-captured", "{loser_speaker} confirmed that {actor} had captured {place}."),
)


# --- locative frames ------------------------------------------------------------------
# A place named to locate something else (a distance, "near", a road, a
# speaker's office, someone's origin, an apposition "X, a town north of Y") is
# a landmark: no event may be put there. Where the sentence also names the
# place that changed hands (`{place}`), that event must still come out. Here
# a template's `types` are the types of its landmark.

LOCATIVES_LANDMARK_ONLY = templates(
    ("village-40-km-from", "{actor} captured a village 40 km from {landmark}.", NOT_PROVINCE),
    ("fighting-raged-near", "Fighting between {actor} and {loser} raged near {landmark} on Sunday.",
     NOT_PROVINCE),
    ("checkpoint-on-the-road-to", "{actor} captured a checkpoint on the road to {landmark}.", NOT_PROVINCE),
    ("road-between-was-cleared", "The road between {landmark} and {landmark2} was cleared by {actor}."),
    ("base-outside", "{actor} overran an army base outside {landmark}.", NOT_PROVINCE),
    # A line of advance is named for where it leads.
    ("fighting-in-the-direction-of",
     "Fighting between {actor} and {loser} raged in the direction of {landmark} on Sunday.", NOT_PROVINCE),
    ("attacks-in-the-x-direction", "{actor} repelled attacks by {loser} in the {landmark_bare} direction.",
     NOT_PROVINCE),
    # A name hyphenated to a participle modifies what follows.
    ("a-bound-convoy", "{actor} seized a {landmark_bare}-bound convoy on Sunday.", NOT_PROVINCE),
    # People arriving are no army.
    ("families-streamed-into", "Displaced families from the captured districts streamed into {landmark}.",
     NOT_PROVINCE),
    # "The district" is no city named as a landmark.
    ("flights-from-suspended-after-the-district",
     "Flights from {landmark_bare} were suspended after {actor} captured the district.", ("capital",)),
    # Where the speakers are is not where it happened.
    ("officials-in-said", "{actor} captured three districts in the province, officials in {landmark_bare} said.",
     ("capital",)),
    ("in-x-officials-said", "In {landmark_bare}, officials said the district had fallen.", ("capital",)),
)

LOCATIVES_WITH_EVENT = templates(
    ("place-40-kilometres-from", "{actor} captured {place}, 40 kilometres from {landmark}."),
    ("governor-of-said", "The governor of {landmark} said {actor} had captured {place}.",
     ("district", "capital", "province")),
    ("police-chief-of-said", "The police chief of {landmark} said {place} fell to {actor} overnight."),
    ("led-by-a-commander-from", "{actor}, led by a commander from {landmark}, captured {place}."),
    ("which-borders", "{actor} seized {place}, which borders {landmark}.", ("district", "province")),
    ("on-the-highway-linking", "{actor} captured {place} on the highway linking {landmark} and {landmark2}."),
    ("advanced-from", "{actor} advanced from {landmark} and captured {place}."),
    ("families-fled-to", "Families who fled {place} after it fell to {actor} arrived in {landmark}."),
    ("from-based-soldiers", "{actor} took {place} from {landmark_bare}-based soldiers on Sunday."),
    # A capital saying something is its government speaking.
    ("the-capital-admitted", "{actor} captured {place} on Sunday, {landmark_bare} admitted.", ("capital",)),
)

# Appositions: `{bare}` is a known town or district, named with what it is
# and where it lies; `types` are the types of that place (each filler of the
# type is used).
APPOSITIONS = templates(
    ("a-town-north-of-fell", "{bare}, a town north of {landmark}, fell to {actor}.", ("town",)),
    ("a-district-south-of-was-captured",
     "{bare}, a district south of {landmark}, was captured by {actor}.", ("district",)),
    ("a-town-near-was-seized", "{actor} seized {bare}, a small town near {landmark}.", ("town",)),
    ("a-district-east-of-fell-to", "{bare}, a district east of {landmark}, fell to {actor} on Sunday.",
     ("district",)),
    ("a-town-on-the-road-to", "{actor} overran {bare}, a town on the road to {landmark}.", ("town",)),
    ("the-town-of-x-km-west-of", "The town of {bare}, 30 km west of {landmark}, was captured by {actor}.",
     ("town",)),
)


# A word that can introduce a landmark ("border", "near") inside the place's
# own noun phrase, or after it, does not make the place a landmark: "the
# border town of X" is X.
LOCATIVE_WORDS_IN_THE_PLACE_PHRASE = templates(
    ("the-border-town-of", "{actor} captured the border town of {bare}.", ("town",)),
    ("the-border-district-of", "The border district of {bare} fell to {actor}.", ("district",)),
    ("near-the-border", "{actor} took {place}, near the border, on Sunday.", NOT_PROVINCE),
    ("the-road-to-was-opened-after", "{actor} captured {place}, opening the road to the north.",
     NOT_PROVINCE),
)


# --- coordination and reference ---------------------------------------------------------
# Coordinated places each get their event ("A, B and C fell"). "The capitals
# of A and B" are the capital districts, not the provinces. A definite noun
# phrase ("the district", "the city", "the provincial capital") refers back
# to the nearest fitting antecedent.


@dataclass(frozen=True)
class ReferenceWorld:
    """Named places for the coordination and reference templates."""

    world: str
    d1: PlaceFill
    d2: PlaceFill
    d3: PlaceFill
    prov: PlaceFill  # a province ...
    capital: PlaceFill  # ... its capital city ...
    district_in_prov: PlaceFill  # ... and another district in it
    other_prov: PlaceFill
    other_capital: PlaceFill
    town: PlaceFill

    def slots(self) -> dict[str, str]:
        return {
            "d1": self.d1.bare, "d2": self.d2.bare, "d3": self.d3.bare,
            "prov": self.prov.bare, "capital": self.capital.bare,
            "district_in_prov": self.district_in_prov.bare,
            "other_prov": self.other_prov.bare, "other_capital": self.other_capital.bare,
            "town": self.town.bare,
        }


REFERENCE_WORLDS = (
    ReferenceWorld(
        "invented",
        d1=PlaceFill("", "ZZ0102", "district", bare="Halvik"),
        d2=PlaceFill("", "ZZ0202", "district", bare="Karsk"),
        d3=PlaceFill("", "ZZ0302", "district", bare="Quessa"),
        prov=PlaceFill("", "ZZ02", "province", bare="Talmora"),
        capital=PlaceFill("", "ZZ0201", "capital", bare="Velora"),
        district_in_prov=PlaceFill("", "ZZ0202", "district", bare="Karsk"),
        other_prov=PlaceFill("", "ZZ03", "province", bare="Marovia"),
        other_capital=PlaceFill("", "ZZ0301", "capital", bare="Ambrel"),
        town=PlaceFill("", "zz:pellin", "town", bare="Pellin"),
    ),
    ReferenceWorld(
        "afghan",
        d1=PlaceFill("", "AF1905", "district", bare="Imam Sahib"),
        d2=PlaceFill("", "AF1904", "district", bare="Khan Abad"),
        d3=PlaceFill("", "AF1906", "district", bare="Dasht-e-Archi"),
        prov=PlaceFill("", "AF18", "province", bare="Takhar"),
        capital=PlaceFill("", "AF1801", "capital", bare="Taloqan"),
        district_in_prov=PlaceFill("", "AF1808", "district", bare="Farkhar"),
        other_prov=PlaceFill("", "AF17", "province", bare="Badakhshan"),
        other_capital=PlaceFill("", "AF1701", "capital", bare="Faizabad"),
        town=PlaceFill("", "gn:1141540", "town", bare="Gereshk"),
    ),
)


@dataclass(frozen=True)
class Reference:
    """A coordination or reference template: the expected event places and the
    places nothing may be said about, as attribute names of `ReferenceWorld`."""

    name: str
    text: str
    places: tuple[str, ...]
    nothing_about: tuple[str, ...] = ()


COORDINATION = (
    Reference("three-fell-to", "{d1}, {d2} and {d3} fell to {actor}.", ("d1", "d2", "d3")),
    Reference("captured-three", "{actor} captured {d1}, {d2} and {d3} on Sunday.", ("d1", "d2", "d3")),
    Reference("two-districts-were-captured", "{d1} and {d2} districts were captured by {actor}.",
              ("d1", "d2")),
    Reference("taken-control-of-two-districts", "{actor} {have} taken control of {d1} and {d2} districts.",
              ("d1", "d2")),
    Reference("several-including", "{actor} captured several districts, including {d1}, {d2} and {d3}.",
              ("d1", "d2", "d3")),
    Reference("both-fell-to", "Both {d1} and {d2} fell to {actor} overnight.", ("d1", "d2")),
    Reference("on-sunday-and-on-monday", "{actor} captured {d1} on Sunday and {d2} on Monday.",
              ("d1", "d2")),
    Reference("as-well-as-the-town-of", "{actor} seized {d1} as well as the town of {town}.",
              ("d1", "town")),
    Reference("the-capitals-of-the-provinces-of",
              "{actor} captured the capitals of the provinces of {prov} and {other_prov}.",
              ("capital", "other_capital"), ("prov", "other_prov")),
    Reference("the-provincial-capitals-of", "{actor} took the provincial capitals of {prov} and {other_prov}.",
              ("capital", "other_capital"), ("prov", "other_prov")),
    Reference("the-capitals-of-x-and-y-provinces",
              "The capitals of {prov} and {other_prov} provinces fell to {actor} on Friday.",
              ("capital", "other_capital"), ("prov", "other_prov")),
    Reference("the-capital-of-x-province", "The capital of {prov} province fell to {actor}.",
              ("capital",), ("prov",)),
    # Semicolons part list items that carry words of their own.
    Reference("semicolon-list-were-captured",
              "{d1} district; {d2} district; and {d3} district were captured by {actor}.", ("d1", "d2", "d3")),
    Reference("captured-semicolon-list", "{actor} captured {d1} district; {d2} district; and {d3} district.",
              ("d1", "d2", "d3")),
    # ... but a semicolon before a clause of its own ends the list.
    Reference("semicolon-then-a-new-clause", "{actor} captured {d1}; {d2} could fall next.", ("d1",), ("d2",)),
)

REFERENCE = (
    Reference("the-district-after-fighting",
              "Heavy fighting raged in {d1} district on Saturday. {actor} captured the district on Sunday.",
              ("d1",)),
    Reference("the-district-fell",
              "{actor} attacked {d1} district from three sides. The district fell to {actor} on Sunday night.",
              ("d1",)),
    Reference("the-city-not-the-district",
              "Government troops pulled back from {district_in_prov} district to {capital}. "
              "Hours later, {actor} captured the city.",
              ("capital",)),
    Reference("the-city-largest-in-province",
              "{capital} is the largest city in {prov} province. {actor} captured the city on Sunday.",
              ("capital",), ("prov",)),
    Reference("the-provincial-capital-of-the-province-just-named",
              "{actor} advanced through {prov} province last week. "
              "On Monday {actor} captured the provincial capital.",
              ("capital",), ("prov",)),
    Reference("district-then-the-provincial-capital",
              "{actor} captured {district_in_prov} district in {prov} province on Friday. "
              "Two days later the provincial capital also fell to {actor}.",
              ("district_in_prov", "capital"), ("prov",)),
    Reference("the-provincial-capital-of-the-nearest-province",
              "The governor of {other_prov} said {prov} province was under heavy pressure. "
              "On Monday {actor} captured the provincial capital.",
              ("capital",), ("other_capital", "prov", "other_prov")),
    Reference("the-city-nearest-city",
              "{actor} captured {d1} district on Saturday and then advanced on {capital}. "
              "The city fell to {actor} on Sunday.",
              ("d1", "capital")),
    Reference("the-town",
              "Residents of {town} said fighting had reached the bazaar. "
              "The town was captured by {actor} on Sunday.",
              ("town",)),
)


# --- transliteration ------------------------------------------------------------------------
# One place, many romanisations: each spelling must reach the same unit
# (Afghan world; the ids are OCHA P-codes).

TRANSLITERATIONS = (
    ("Sheberghan", "AF2801"), ("Shiberghan", "AF2801"), ("Shebirghan", "AF2801"),
    ("Pul-e-Khumri", "AF0901"), ("Puli Khumri", "AF0901"),
    ("Qala-e-Naw", "AF3101"), ("Qala-i-Naw", "AF3101"), ("Qalanaw", "AF3101"),
    ("Chaghcharan", "AF2301"), ("Chakhcharan", "AF2301"),
    ("Maimana", "AF2901"), ("Maymana", "AF2901"),
)

TRANSLITERATION_FRAMES = templates(
    ("captured", "The Taliban captured {name} on Sunday."),
    ("fell-to", "{name} fell to the Taliban late on Friday."),
    ("city-under-control", "{name} city is now under Taliban control, officials said."),
)
