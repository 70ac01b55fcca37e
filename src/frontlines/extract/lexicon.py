"""The extractor's heuristics, kept as named data rather than inline regexes.

Each trigger is a small regular expression with the event kind it signals and
its *voice*, which says where the place stands relative to the trigger:

- ``active``: ACTOR <trigger> PLACE ("the Taliban captured Zaranj")
- ``passive``: PLACE <trigger> [to/by ACTOR] ("Zaranj fell to the Taliban")
- ``nominal``: <trigger> PLACE, actor from context ("the fall of Kunduz")
- ``either``: the place may stand on both sides ("X was repelled" and
  "forces held off an attack on X")

An active participle used as an attribute of its noun takes the derived voice
``attributive`` (see `ATTRIBUTIVE_BEFORE`).

`validate()` checks that every pattern compiles, names a known kind and
voice, and matches its own examples; the test-suite runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import EVENT_KINDS

VOICES = ("active", "passive", "nominal", "either")

# What may stand between a noun of fighting and where it is: how the fighting
# goes ("is still raging", "broke out", "was reported"), when, and against
# whom. Not any verb: in "militias fighting the Taliban stand guard in X" or
# "the battle presents a test for Y" the place is no place of fighting.
_FIGHT_COURSE = (
    r"\b(?:is|are|was|were|has|have|had|been|be|being|still|now|also|again|reportedly|reported|heavy|"
    r"heavier|fierce|intense|intensive|sporadic|ongoing|underway|under\s+way|going\s+on|continued|"
    r"continues|continue|continuing|raged|rages|raging|erupted|erupts|broke\s+out|breaks\s+out|"
    r"break\s+out|broken\s+out|intensified|intensifies|escalated|took\s+place|taking\s+place|"
    r"flared(?:\s+up)?|resumed|late|early|overnight|today|yesterday|last\s+night|this\s+morning|"
    r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"(?:with|against)\s+(?:the\s+)?[\w’'-]+(?:\s+(?:fighters|forces|militants|troops|insurgents))?)\b|,"
)
# Derived, never declared by a trigger: "the occupied town of X".
ATTRIBUTIVE_VOICE = "attributive"

# Auxiliaries between a subject and a passive participle ("has been", "was").
_BE = (
    r"\b(?:is|are|was|were|be|been|being|has\s+been|have\s+been|had\s+been|is\s+being|"
    r"was\s+being)\s+"
)
_ADV = (
    r"(?:(?:not|never|also|reportedly|now|already|finally|again|fully|completely|briefly|partially|"
    r"effectively|recently|largely|mostly|officially|since|just)\s+)?"
)


@dataclass(frozen=True)
class Trigger:
    name: str
    kind: str
    voice: str
    pattern: str
    examples: tuple[str, ...] = ()
    # Lower-case literals of which a sentence must contain one before the
    # pattern is tried: the cheap first pass, trigger by trigger.
    stems: tuple[str, ...] = ()
    # An actor named inside the trigger's own words is its doer ("under Taliban
    # control") or the side that loses ("drove the Taliban out of"); for a
    # surrender, the subject may be the side that receives it ("accepted the
    # surrender of"); in "X was driven out of P" the subject is the side that
    # lost: "doer", "loser", "receiver" or "subject-loses".
    inner_actor: str = "doer"


TRIGGERS: tuple[Trigger, ...] = (
    # --- capture --------------------------------------------------------
    Trigger(
        "took-control",
        "capture",
        "active",
        r"\b(?:took|take|takes|taking|taken|seized|seize|seizes|seizing|gained|gain|gains|"
        r"gaining|assumed|established|wrested|won|claimed|claim|claims|claiming|have|had|has|"
        r"now have|now has|imposed|extended|consolidated)\s+(?:full\s+|complete\s+|total\s+|effective\s+|"
        r"near\s+total\s+|entire\s+|firm\s+|overall\s+|their\s+|its\s+)?"
        r"control\s+(?:of|over)\b",
        (
            "the Taliban took control of the district",
            "militants seized control over the town",
            "insurgents have taken full control of X",
        ),
        stems=("control",),
    ),
    Trigger(
        "took-over",
        "capture",
        "active",
        r"\b(?:took|take|takes|taking|taken)\s+over\b(?!\s+(?:as|from)\b)",
        ("the group took over Zaranj city",),
        stems=("over",),
    ),
    Trigger(
        "captured",
        "capture",
        "active",
        r"\b(?:captured|capture|captures|capturing|seized|seize|seizes|seizing|overran|overrun|"
        r"overruns|overrunning|conquered|toppled|topple|occupied|occupy|occupies|stormed|"
        r"overtook|overtaken|overtaking|took|taken|take|takes|taking|secured|secure|secures|securing|"
        r"wrested|wrest|wrests|wresting|grabbed|grab|grabs|grabbing|snatched|snatch|snatches|snatching|"
        # "to storm X" (not the weather's storm).
        r"storming|(?<=to\s)storm)\b"
        r"(?!\s+(?:part|place|up|off|away|hostage|prisoner|refuge|shelter|positions?|advantage|steps|measures|"
        r"action|the\s+release|a\s+deal|an\s+agreement|funding|support|approval|votes?)\b)",
        (
            "the Taliban captured Taloqan",
            "they overran Kahmard yesterday",
            "the fighters have toppled Ghazni province",
            "the army secured the town after heavy fighting",
            "fighters grabbed the town in a night attack",
        ),
        stems=(
            "captur",
            "seiz",
            "secur",
            "wrest",
            "grab",
            "snatch",
            "overr",
            "conquer",
            "toppl",
            "occup",
            "storm",
            "overt",
            "took",
            "taken",
            "take",
        ),
    ),
    Trigger(
        "entered",
        "capture",
        "active",
        r"\b(?:entered|enter|enters|entering|marched\s+into|rolled\s+into|swept\s+into|"
        r"moved\s+into|broke\s+into|advanced\s+into|poured\s+into|pushed\s+into|streamed\s+into|"
        r"penetrated|penetrating)\b(?!\s+(?:into\s+)?(?:talks|negotiations|force|service)\b)",
        ("the Taliban entered Kabul", "have not entered the city"),
        stems=(
            "enter", "march", "roll", "swept", "moved", "broke", "advanced", "poured", "pushed", "streamed",
            "penetrat",
        ),
    ),
    Trigger(
        "fell",
        "capture",
        "passive",
        r"\b(?:fell|fall|falls|falling|fallen|has fallen|have fallen|had fallen|collapsed|"
        r"collapses)\b(?!\s+(?:ill|short|silent|sharply|by|asleep|back)\b)",
        (
            "Sheberghan fell to the Taliban",
            "the district has fallen",
            "Tarrow district of Kestria falls to the rebels",
        ),
        stems=("fell", "fall", "collaps"),
    ),
    Trigger(
        "was-captured",
        "capture",
        "passive",
        _BE + _ADV + r"(?:captured|seized|overrun|overran|taken\s+over|taken|occupied|"
        # ("lost by X": X lost it, the "was-lost" trigger's reading.)
        r"conquered|lost(?!\s+(?:\w+\s+){0,2}?by\s)|toppled)\b(?!\s+(?:part|place|hostage|prisoner|back)\b)",
        ("Dawlat Shah district was captured by the Taliban", "the city was lost"),
        stems=("captur", "seiz", "overr", "taken", "occup", "conquer", "lost", "toppl"),
    ),
    Trigger(
        "under-control",
        "capture",
        "passive",
        r"\b(?:is|are|was|were|be|been|came|come|comes|fallen|fell|now|remain|remains|"
        r"remained|went|gone|firmly|still)\s+(?:\w+\s+){0,2}under\s+(?:the\s+)?(?:full\s+|complete\s+|"
        r"total\s+)?(?:[\w’'-]+\s+){0,2}(?:control|rule|authority|grip|occupation|sway)\b",
        (
            "Doshi district is under the control of the Taliban",
            "the area had fallen under Taliban control",
            "the town came under rebel rule",
        ),
        stems=("control", "rule", "authority", "grip", "occupation", "sway"),
    ),
    Trigger(
        "in-hands",
        "capture",
        "passive",
        r"\b(?:in|into)\s+(?:the\s+)?(?:hands\s+of|(?:[\w’'-]+\s+){1,3}?(?:hands|control)\b(?!\s+of))",
        (
            "control of the town was soon in the hands of rebel fighters",
            "the district is now in Taliban hands",
            "the town is now in the rebels' control",
            "the city fell into rebel control",
        ),
        stems=("hands", "control"),
    ),
    Trigger(
        "fall-of",
        "capture",
        "nominal",
        r"\b(?:the\s+)?(?:fall|capture|collapse|takeover|seizure)\s+of\b",
        ("officials admitted the fall of the town",),
        stems=("fall", "capture", "collapse", "takeover", "seizure"),
    ),
    Trigger(
        "list-of-fallen",
        "capture",
        "nominal",
        r"\b(?:the\s+)?(?:fallen|captured|lost|seized)\s+(?:districts|areas|cities|towns|"
        r"provincial\s+capitals|capitals)\s+(?:are|were|include|included)\b|"
        r"\b(?:the\s+)?(?:districts|areas|cities)\s+(?:fallen|captured|lost)\s+(?:to\s+(?:the\s+)?"
        r"[\w\s'’-]{1,30}?\s+)?(?:are|were|include|included)\s+(?:namely\s+)?",
        (
            "The fallen districts are Tarrow and Ivel",
            "The districts fallen to the rebels are namely Pell and Ivel",
        ),
        stems=("district", "area", "cities", "town", "capital"),
    ),
    # --- recapture -------------------------------------------------------
    Trigger(
        "retook",
        "recapture",
        "active",
        r"\b(?:retook|retake|retakes|retaking|retaken|recaptured|recapture|recaptures|"
        r"recapturing|regained|regain|regains|regaining|reclaimed|reclaim|liberated|liberate|"
        r"liberating|de-?occupied|de-?occupy|de-?occupying|"
        r"took\s+back|take\s+back|taken\s+back|won\s+back|cleared|clear|clears|clearing|freed|freeing)\b"
        r"(?!\s+(?:up|the\s+way)\b)",
        (
            "government forces retook the district",
            "forces cleared the district of militants",
            "Our units managed to retake Pell district",
        ),
        stems=("retak", "retook", "recaptur", "regain", "reclaim", "liberat", "occup", "back", "clear",
               "freed", "freeing"),
    ),
    Trigger(
        # "the liberation of X": a regain told as a noun ("the recapture of X"
        # is a capture noun: who regains is told by who takes it).
        "liberation-of",
        "recapture",
        "nominal",
        r"\b(?:the\s+)?(?:liberation|de-?occupation|recapture)\s+of\b",
        ("after the liberation of the city", "the de-occupation of the town"),
        stems=("liberation", "occupation", "recapture"),
    ),
    Trigger(
        "was-retaken",
        "recapture",
        "passive",
        _BE + _ADV + r"(?:recaptured|retaken|regained|reclaimed|liberated|de-?occupied|cleared|taken\s+back|"
        r"freed)\b",
        ("the district has been recaptured", "X and Y were retaken by the army",
         "the village was freed on Monday"),
        stems=("recaptur", "retaken", "regain", "reclaim", "liberat", "occup", "clear", "back", "freed"),
    ),
    Trigger(
        # "X was returned to Y", "handed back to Y": the side named after "to"
        # holds it again.
        "was-returned",
        "recapture",
        "passive",
        _BE + _ADV + r"(?:returned|handed\s+back|given\s+back)\b(?=\s+to\b)",
        ("the region has been returned to the government", "the town was handed back to the army"),
        stems=("returned", "back"),
    ),
    Trigger(
        # Raising a side's flag over a place marks it as taken (a white flag is
        # a surrender, told elsewhere).
        "raised-flag",
        "capture",
        "active",
        r"\b(?:raised|raise|raises|raising|hoisted|hoist|hoists|hoisting|planted|plant|plants|planting)\s+"
        # (Not "a white flag", a surrender; "their white flag" is the Taliban's own.)
        r"(?!(?:a|the)\s+white\b)(?:the\s+|their\s+|its\s+|a\s+|our\s+)?(?:[\w’'-]+\s+){0,2}"
        r"(?:flags?|banners?|tricolou?r|colou?rs|standard)\s+"
        r"(?:in|over|above|on|at|atop)\b",
        (
            "troops hoisted the national flag in the town",
            "fighters raised their flag over the governor's office",
        ),
        stems=("flag", "banner", "tricolo", "colour", "color", "standard"),
    ),
    # --- siege -----------------------------------------------------------
    Trigger(
        "besieged",
        "siege",
        "active",
        r"\b(?:besieged|besieging|besiege|besieges|surrounded|surround|surrounding|encircled|"
        r"encircle|encircling|blockaded|blockading|blockade|cut\s+off|cutting\s+off|"
        r"tighten(?:ed|ing|s)?\s+(?:the|their|its)\s+(?:noose|ring|grip|encirclement|siege)\s+(?:around|on)|"
        r"laid\s+siege\s+to|laying\s+siege\s+to|closing\s+in\s+on|close\s+in\s+on|"
        r"closed\s+in\s+on|reached\s+the\s+(?:outskirts|gates)\s+of|reach\s+the\s+outskirts\s+of|"
        r"entered\s+the\s+outskirts\s+of|"
        r"at\s+the\s+gates\s+of|"
        # Where the attackers stand: "fighters are on the outskirts of X".
        r"(?:are|is|were|was|now|stand|stood|remain|remains|remained)\s+(?:\w+\s+)?(?:on|at)\s+the\s+"
        r"(?:outskirts|edge|doorstep)\s+of|"
        # A distance is a siege only when a verb puts the attackers there: "are
        # one kilometer from", "reached within 5 km of" - not "X, 42 km from Y",
        # not "a crossing about 30 miles from Y".
        r"(?:are|is|were|was|reached|came|got|advanced|moved|stand|stood|positioned|massed|gathered)\s+"
        r"(?:(?:now|just|only|within|some|about|around|nearly|barely|less\s+than|a\s+few|\w+)\s+){0,3}?"
        r"(?:kilometers?|kilometres?|km|miles?)\s+(?:\([^)]{0,20}\)\s+)?"
        r"(?:from|of|away\s+from|outside|(?:south|north|east|west)\s+of))\b",
        (
            "the Taliban are one kilometer from Kunduz",
            "having surrounded the provincial capital",
            "fighters were now just 11 km south of the city",
            "the army blockaded the town",
            "fighters tightened the noose around the city",
        ),
        stems=(
            "besieg",
            "surround",
            "blockad",
            "cut off",
            "cutting off",
            "tighten",
            "encircl",
            "siege",
            "closing",
            "closed",
            "outskirts",
            "gates",
            "kilomet",
            "km",
            "mile",
        ),
    ),
    Trigger(
        # An attack on a place is a fight for it, not yet a siege: "X came under
        # heavy attack", "X was attacked by Y".
        "was-attacked",
        "clash",
        "passive",
        r"\b(?:under\s+(?:[\w’'-]+\s+){0,2}?(?:attack|assault|fire|shelling)|"
        r"(?:is|are|was|were|been|being)\s+(?:\w+\s+)?(?:attacked|assaulted))\b",
        ("the town came under heavy attack", "the district was attacked by the rebels"),
        stems=("attack", "assault", "under fire", "shelling"),
    ),
    Trigger(
        # The noun: "the Taliban's siege of X", "the blockade of X".
        "siege-of",
        "siege",
        "nominal",
        # ("seige": a misspelling reports make often enough to read through.)
        r"\b(?:siege|seige|blockade|encirclement)\s+(?:of|on|around)\b",
        ("the siege of the city entered its third week",),
        stems=("siege", "seige", "blockade", "encirclement"),
    ),
    Trigger(
        "under-siege",
        "siege",
        "passive",
        r"\b(?:under\s+(?:[\w’'-]+\s+){0,2}?(?:siege|seige|blockade|encirclement)|"
        r"besieged|surrounded|encircled|cut\s+off|blockaded|"
        # With its auxiliary, the passive outweighs the active reading of the same verb.
        r"(?:is|are|was|were|been|being|remains?|remained)\s+(?:\w+\s+){0,2}?(?:besieged|surrounded|encircled|"
        r"cut\s+off|blockaded|stormed)(?:\s+and\s+(?:besieged|surrounded|encircled|cut\s+off|blockaded))?)\b",
        (
            "The town has been under siege by the rebels",
            "the town has been under government siege for weeks",
            "the district is under seige",
        ),
        stems=(
            "siege", "seige", "besieg", "surround", "encircl", "cut off", "under attack", "under assault",
            "blockade", "encirclement",
        ),
    ),
    # --- clash -----------------------------------------------------------
    Trigger(
        "repelled",
        "clash",
        "either",
        r"\b(?:repelled|repulsed|pushed\s+back|pushed\s+the\s+\w+\s+back|beaten\s+back|"
        r"beat\s+back|held\s+off|fended\s+off|foiled|defeated|thwarted|repel|repulse)\b",
        ("the attack was repelled", "forces pushed back the Taliban", "Taliban attacks were pushed back"),
        stems=("repel", "repuls", "push", "beat", "held off", "fended", "foil", "defeat", "thwart"),
    ),
    Trigger(
        "fought-for",
        "clash",
        "active",
        r"\b(?:fought|fight|fighting|fights|battled|battling|battle|vying|vied|struggled|struggling|clashed|"
        r"clashing)\s+(?:\w+\s+){0,2}?(?:for|over)\s+(?:full\s+)?(?:control\s+of|the\s+control\s+of)\b",
        ("the two sides fought for control of the town",),
        stems=("fought", "fight", "battl", "vying", "vied", "struggl", "clash"),
    ),
    Trigger(
        "fighting-between",
        "clash",
        "nominal",
        r"\b(?:fighting|clashes|battles?)\s+between\s+[^.;]{0,80}?\s+(?:in|near|around|inside|outside|for|"
        r"on\s+the\s+outskirts\s+of)\b",
        ("fighting between the army and the rebels in Pell district",),
        stems=("fighting", "clash", "battle"),
    ),
    Trigger(
        "fighting",
        "clash",
        "nominal",
        # Fighting, then (within the clause) where: "clashes broke out in X",
        # "heavy fighting was reported in X", "fighting is ongoing in parts of X".
        r"\b(?:fighting|clashes|battles?|gun\s*battles?|firefights?|skirmishes|gunfights?|hostilities)\b"
        r"(?:\s*(?:" + _FIGHT_COURSE + r")){0,6}?\s+"
        r"(?:in|inside|around|for|outside|on\s+the\s+outskirts\s+of|in\s+parts\s+of|in\s+and\s+around)\b",
        (
            "fighting was still going on inside the town",
            "clashes broke out in the district",
            "heavy fighting was reported in the city on Sunday",
        ),
        stems=("fighting", "clash", "battle", "firefight", "skirmish", "gunfight", "hostilities"),
    ),
    Trigger(
        # An ambush is a fight its authors started: "soldiers ambushed a group
        # of fighters in X".
        "ambushed",
        "clash",
        "active",
        r"\b(?:ambushed|ambushing|ambushes)\b",
        ("soldiers ambushed a convoy of fighters in the district",),
        stems=("ambush",),
    ),
    # --- withdrawal ------------------------------------------------------
    Trigger(
        "retreated",
        "withdrawal",
        "active",
        r"\b(?:retreated|retreat|retreats|retreating|withdrew|withdraw|withdrawn|withdrawing|"
        r"pulled\s+out|pull\s+out|pulling\s+out|pulled\s+back|pull\s+back|pulling\s+back|fell\s+back|"
        r"fallen\s+back|falling\s+back|abandoned|abandon|abandoning|evacuated|evacuate|evacuating|fled|flee|"
        # (Not "leaving": "leaving X the only way out" makes X remain.)
        r"fleeing|left|deserted|desert|vacated|vacate|tactical\s+retreat|moved\s+out|"
        # "gave up the city": a loss without a fight, told by who left.
        # (Given up or ceded *to* someone: a handover, told by its own trigger.)
        r"(?:gave\s+up|give\s+up|given\s+up|giving\s+up|ceded|cede|ceding)(?!(?:\s+[\w’'-]+){1,6}?\s+to\s))\b"
        r"(?!\s+(?:the|their)\s+country)",
        (
            "security forces made a tactical retreat from the district",
            "We pulled back from the town this morning",
            "the army had to give up the city",
        ),
        stems=("retreat", "withdr", "pull", "abandon", "evacuat", "fled", "flee", "left", "moved out",
               "back", "desert", "vacat", "gave up", "give up", "given up", "giving up", "ced"),
    ),
    Trigger(
        # The noun: "announced its withdrawal from X", "the retreat from X".
        "withdrawal-from",
        "withdrawal",
        "nominal",
        r"\b(?:withdrawal|retreat|pull-?out|evacuation)\s+(?:of\s+[^,.;]{1,40}?\s+)?from\b",
        ("the army announced its withdrawal from the city",),
        stems=("withdrawal", "retreat", "pullout", "pull-out", "evacuation"),
    ),
    Trigger(
        "was-abandoned",
        "withdrawal",
        "passive",
        # ("were left": what was left is its subject, a place or else no withdrawal:
        # "weapons and bodies were left there".)
        r"\b(?:is|are|was|were|been|being)\s+(?:\w+\s+)?(?:abandoned|evacuated|vacated|deserted|left)\b",
        ("Lashkar Gah has been evacuated", "the town was abandoned by government troops",
         "the district was left to the Taliban"),
        stems=("abandon", "evacuat", "vacat", "desert", "left"),
    ),
    # --- surrender -------------------------------------------------------
    Trigger(
        "surrendered",
        "surrender",
        "active",
        r"\b(?:surrendered|surrender|surrenders|surrendering|laid\s+down\s+(?:their\s+|its\s+|his\s+)?(?:arms|weapons)|"
        r"capitulated|capitulate|capitulates|capitulating|"
        # "gave themselves up to X", "handed themselves over", "turned themselves in".
        r"(?:gave|give|given|giving|handed|hand|handing|turned|turn|turning)\s+themselves\s+(?:up|over|in)|"
        r"gave\s+up)\b",
        (
            "the governor surrendered the city",
            "25 soldiers surrendered to the militants",
            "the defenders gave themselves up to the rebels",
            "the garrison capitulated on Friday",
        ),
        stems=("surrender", "laid down", "gave up", "capitulat", "themselves"),
    ),
    Trigger(
        # Defenders going over to the enemy give up their post to it: "the police
        # chief and his men joined the Taliban", "soldiers defending it have
        # taken the Taliban's side". The side joined must follow at once (see
        # `frames`): "joined the fighting" is no defection.
        "defected",
        "surrender",
        "active",
        r"\b(?:joined|joining|defected\s+to|defecting\s+to|(?:went|gone|going)\s+over\s+to|"
        r"switched\s+sides?\s+to|sided\s+with|(?:taken|took|taking)\s+(?=the\s+[^,.;]{1,30}?['’]s?\s+side\b))",
        (
            "the police chief of the district and his men joined the rebels",
            "the soldiers defending the town have taken the rebels' side",
            "the garrison defected to the rebels",
        ),
        stems=("joined", "joining", "defect", "over to", "switched side", "sided with", "side"),
    ),
    Trigger(
        "received-surrender",
        "surrender",
        "active",
        r"\b(?:accepted|accepts|accepting|received|receives|took|secured|obtained)\s+the\s+"
        r"(?:surrender|capitulation)\s+of\b",
        (
            "the rebels accepted the surrender of the garrison",
            "the army accepted the capitulation of the town",
        ),
        stems=("surrender", "capitulation"),
        inner_actor="receiver",
    ),
    # --- handover --------------------------------------------------------
    Trigger(
        "handed-over",
        "handover",
        "either",
        # "handed over X", and "handed X over" (the place between the verb and
        # its particle).
        r"\b(?:(?:hand|handed|handing|hands|turn|turned|turning|turns)(?:\s+over\b|"
        r"(?=\s+(?:[\w’'-]+\s+){1,5}?over\b)|(?=\s+(?:it|them|(?:the\s+)?[\w’'-]+(?:\s+district|"
        r"\s+city|\s+town|\s+province)?)\s+to\s))|handover\s+of|"
        r"(?:hand|handed|handing|hands|transferred|transfers|transfer|transferring)\s+control(?:\s+of)?|"
        r"(?:was|were|is|been)\s+transferred|ceded|cede|cedes|ceding|"
        # "gave up X to Y", "X was handed to Y", "control of X passed to Y".
        r"(?:gave|give|given|giving)\s+up(?=\s+(?:[\w’'-]+\s+){1,6}?to\s)|"
        r"(?:was|were|is|been|being)\s+handed(?=\s+to\s)|"
        r"(?:passed|passes|passing)(?=\s+(?:back\s+)?to\s))\b",
        (
            "elders handed over the city to the Taliban",
            "the district was handed over to the Taliban",
            "elders handed the town over to the rebels",
            "troops withdrew and handed it to the rebels",
            "control of the town passed to the rebels",
            "the garrison gave up the town to the rebels",
        ),
        stems=(
            "hand", "turn", "transfer", "ced", "passed", "passes", "passing", "gave up", "give up",
            "given up", "giving up",
        ),
    ),
    Trigger(
        # "X slipped out of Russian control": the side named inside lost X.
        "out-of-control",
        "capture",
        "passive",
        r"\b(?:fallen|fell|falls|fall|slipped|slips|slip|gone|went|passed)\s+out\s+of\s+(?:the\s+)?"
        r"(?:[\w’'\[\]-]+\s+){0,5}?(?:control|hands)\b",
        ("the town slipped out of rebel control", "the city has fallen out of the enemy's control"),
        stems=("fall", "fell", "slip", "gone", "went", "passed"),
        inner_actor="loser",
    ),
    Trigger(
        "drove-out",
        "recapture",
        "active",
        r"\b(?:pushed|pushing|push|drove|driving|drive|driven|forced|forcing|expelled|expelling|expel|"
        # "forced to withdraw from": no object, so the subject was forced (a
        # withdrawal, found by its own trigger), not the one who forced.
        r"evicted|evicting|evict|kicked|kicking|flushed|flushing|ousted|ousting|oust)\s+(?!back\b|to\b)"
        r"(?:[\w’'-]+\s+){1,4}?(?:out\s+of|out\s+from|from)\b",
        ("Afghan forces pushed the Taliban out of Khan Abad", "commandos drove the militants from the town"),
        stems=("push", "drov", "driv", "forc", "expel", "evict", "kick", "flush", "oust"),
        inner_actor="loser",
    ),
    Trigger(
        # "X was driven out of P (by Y)": the subject lost P, the by-phrase took it.
        "driven-out",
        "recapture",
        "active",
        r"\b(?:is|are|was|were|been|being|got|get)\s+(?:\w+\s+)?(?:driven|pushed|forced|expelled|evicted|"
        r"kicked|flushed|ousted|chased|routed)\s+(?:out\s+of|out\s+from|from|out)\b",
        ("the rebels were driven out of the town by militiamen",),
        stems=("driven", "pushed", "forced", "expelled", "evicted", "kicked", "flushed", "ousted", "chased",
               "routed"),
        inner_actor="subject-loses",
    ),
    Trigger(
        "now-control",
        "capture",
        "active",
        r"\b(?:now|fully|already|effectively)\s+controls?\b",
        ("the Taliban now control Kunduz city",),
        stems=("control",),
    ),
    Trigger(
        "held-by",
        "capture",
        "passive",
        r"\b(?:is|are|was|were|be|been|remains?|remained|now|still|firmly|effectively)\s+(?:\w+\s+)?"
        r"(?:held|controlled|occupied|run|ruled)\b(?=\s+by\b)",
        ("Zaranj is now held by the rebels", "the town is controlled by insurgents"),
        stems=("held", "controlled", "occupied", "run", "ruled"),
    ),
    Trigger(
        # A side's name fused to a participle: "in Taliban-held Spin Boldak",
        # "residents of Russian-controlled Kupiansk" (always an attribute).
        "side-held",
        "capture",
        "active",
        r"(?<=\w-)(?:held|controlled|occupied|captured|seized|annexed|run|ruled|administered)\b",
        ("shops reopened in rebel-held Zaranj", "residents of army-controlled Faizabad"),
        stems=("held", "controlled", "occup", "captur", "seiz", "annex", "run", "ruled", "administered"),
    ),
    Trigger(
        # Holding a place: "government troops are holding Sheberghan".
        "holding",
        "capture",
        "active",
        r"\b(?:(?:are|is|were|was)\s+(?:still\s+|now\s+|firmly\s+)?holding|still\s+holds?|holds|"
        r"(?:have|has|had)\s+(?:\w+\s+)?held|"
        r"(?:are|is|were|was)\s+(?:still\s+|now\s+)?in\s+possession\s+of)\b"
        r"(?=\s+(?:on\s+to\s+)?(?:the\s+(?:city|town|district|village|province)\s+of\s+)?(?-i:[A-Z]))",
        (
            "government troops are holding Sheberghan",
            "the rebels still hold Kunduz",
            "rebels have held Zaranj since May",
        ),
        stems=("holding", "hold", "possession", "held"),
    ),
    Trigger(
        "in-control-of",
        "capture",
        "active",
        r"\b(?:is|are|was|were|be|been|remains?|remained|now|still|firmly|fully)\s+(?:\w+\s+)?in\s+"
        r"(?:full\s+|complete\s+|total\s+|effective\s+)?(?:control|charge|command|possession)\s+of\b",
        ("the rebels are in control of the town", "insurgents remain in full control of X"),
        stems=("control", "charge", "command", "possession"),
    ),
    Trigger(
        "holds",
        "capture",
        "active",
        r"\b(?:now|still|firmly|already|effectively)\s+(?:holds?|held)\b(?!\s+(?:talks|a\s+meeting))",
        ("the rebels now hold Kunduz", "the group still holds the district"),
        stems=("hold", "held"),
    ),
    Trigger(
        "controls",
        "capture",
        "active",
        r"\b(?:control|controls|controlled)\b(?=\s+(?:(?:the|all|most\s+of|the\s+entire|the\s+whole)\s+)?"
        r"(?:(?-i:[A-Z])|city|town|district|province|provincial|capital|border|crossing|swathes))",
        ("the rebels controlled Kunduz", "the group controls the city"),
        stems=("control",),
    ),
    Trigger(
        "lost-to",
        "capture",
        "active",
        r"\blost\s+(?:(?:full\s+|complete\s+|effective\s+)?control\s+(?:of|over)\b|"
        r"(?=(?:[\w’'-]+\s+){1,6}?to\s)|"
        # "the army lost Kunduz on Sunday": a name right after "lost" is what was lost.
        r"(?=(?:the\s+(?:city|town|district|village|province|key\s+\w+)\s+of\s+)?(?-i:[A-Z])))|"
        r"\b(?:losing|lose|loses)\s+(?=(?:the\s+(?:city|town|district|village|province)\s+of\s+)?(?-i:[A-Z]))",
        (
            "the army lost Kunduz to the rebels",
            "security forces lost control of the district",
            "the rebels lost Kunduz on Sunday",
            "for the army, losing Kunduz was a blow",
        ),
        stems=("lost", "losing", "lose"),
    ),
    Trigger(
        # "X was lost by Y" (Y lost it), "X was lost to Y" (Y took it).
        "was-lost",
        "capture",
        "passive",
        _BE + _ADV + r"lost\b(?=\s+(?:\w+\s+){0,2}?(?:by|to)\s)",
        ("the town was lost by the army after a week of fighting", "the district was lost to the rebels"),
        stems=("lost",),
    ),
    Trigger(
        # "acknowledged the loss of X (to Y)": who lost it is who speaks, or the
        # possessor ("the army's loss of X").
        "loss-of",
        "capture",
        "nominal",
        r"\b(?:the\s+)?loss\s+of\b",
        ("the ministry acknowledged the loss of the district",),
        stems=("loss",),
    ),
    Trigger(
        "changed-hands",
        "capture",
        "passive",
        r"\b(?:changed|changes|change|changing)\s+hands\b",
        ("the town changed hands twice",),
        stems=("hands",),
    ),
    Trigger(
        "attacked",
        "clash",
        "active",
        r"\b(?:attacked|attacking|assaulted|assaulting|raided|raiding|overwhelmed|stormed\s+into)\b",
        ("insurgents attacked the district centre",),
        stems=("attack", "assault", "raid", "overwhelm", "storm"),
    ),
    Trigger(
        # The noun: "an attack on X" says what was attacked, not who attacked
        # ("forces held off an attack on X": the forces defended).
        "attack-on",
        "clash",
        "nominal",
        r"\b(?:attacks?|assaults?|offensives?|raids?|push)\s+(?:(?:by|from)\s+[^,.;]{1,40}?\s+)?"
        r"(?:on|against|into|toward|towards|in|at)\b",
        (
            "a major assault on the city",
            "an attack by the rebels on the town",
            "killed in an attack in the district",
        ),
        stems=("attack", "assault", "offensive", "raid", "push"),
    ),
)

TRIGGERS_BY_NAME: dict[str, Trigger] = {t.name: t for t in TRIGGERS}

# The cheap first pass: a sentence none of whose words starts like a trigger
# is never analysed further. Every trigger example must contain one of these
# stems (`validate` checks it).
TRIGGER_STEMS = re.compile(
    r"captur|seiz|take|took|overr|overt|conquer|topple|occup|storm|enter|march|roll|swept|"
    r"moved|broke|fell|fall|collaps|control|hands|takeover|retak|recaptur|regain|reclaim|"
    r"liberat|back|clear|freed|freeing|returned|flag|slip|gone|went|passed|blockad|tighten|cutting|held|secur|"
    r"loss|losing|lose|capitulat|themselves|wrest|grab|snatch|banner|tricolo|colou?r|standard|"
    r"hold|possession|annex|run|ruled|administered|besieg|siege|surround|encircl|closing|closed|reach|gates|kilomet|"
    r"\bkm\b|mile|repel|repuls|push|beat|held\s+off|fended|foil|defeat|thwart|fight|clash|skirmish|hostilit|"
    r"battle|retreat|withdr|pull|abandon|evacuat|fled|left|surrend|laid\s+down|gave\s+up|"
    r"hand|transfer|lost|won|gain|assum|establish|wrest|claim|"
    r"cut\s+off|districts|areas|cities|capitals|towns|drove|driv|expel|evict|kick|forc|flush|oust|chased|rout|"
    r"held|hold|controlled|occupied|\brun\b|ruled|\brule\b|authority|grip|sway|charge|command|possession|"
    r"advanc|pour|stream|penetrat|attack|assault|offensive|raid|overwhelm|desert|flee|vacat|\bturn|\bced|ambush|"
    r"give\s+up|given\s+up|giving\s+up|seige|join|defect|over\s+to|switched\s+side|sided\s+with|\bside\b",
    re.IGNORECASE,
)

# Words that turn a statement into a non-event: intentions, hypotheticals and
# plans are not claims that something happened.
INTENTION = re.compile(
    r"\b(?:(?:plan|plans|planned|planning|preparing|prepare|prepares|aim|aims|aiming|try|tries|"
    r"tried|trying|attempt|attempts|attempted|attempting|vowed|vow|vows|threaten|threatens|"
    r"threatened|threatening|hope|hopes|hoping|seek|seeks|seeking|sought|want|wants|wanted|"
    r"intend|intends|intended|expected|expect|expects|operation|operations|bid|efforts?|ready|"
    r"unable|failed|fail|fails|would|will|could|may|might|can|soon|to\s+be)\s+(?:\w+\s+){0,2}?"
    # ("efforts to flee and withdraw": coordinated infinitives share the attempt.)
    r"to\s+(?:\w+\s+(?:(?:and|or)\s+)?)?$|(?:would|will|could|may|might|can)\s+(?:\w+\s+)?$"
    # Any other bare infinitive is a purpose ("clashes ... to retake the district"),
    # unless the attempt is said to have succeeded ("managed to retake").
    # ("had to give up X": an obligation in the past, met.)
    # ("are said to be in control of X": a hedged statement, not a purpose.)
    r"|(?<!managed\s)(?<!able\s)(?<!succeeded\s)(?<!went\s)(?<!had\s)(?<!said\s)(?<!reported\s)"
    r"(?<!believed\s)(?<!thought\s)(?<!understood\s)(?<!known\s)(?<!claimed\s)(?<!alleged\s)"
    r"(?<!appears\s)(?<!appeared\s)(?<!seems\s)(?<!seemed\s)\bto\s+$"
    # A state just short of the event: "in danger of falling", "on the verge of collapse".
    r"|\b(?:danger|risk|verge|brink|threat|fear|fears|prospect)\s+of\s+$)",
    re.IGNORECASE,
)

# A word of the object of a causative, which ends with its clause: in "forced the
# rebels out of X and plans to retake Y" nobody was made to retake Y.
_WORD_OF_ONE_CLAUSE = r"(?!(?:and|but|or|then|plans?|planned|vowed|vows|said|says)\b)[\w’'-]+\s+"

# A causative right before a verb: "forcing its defenders to flee", "compelled
# the Taliban to retreat from X". The group `made` is who was made to act.
CAUSATIVE_BEFORE = re.compile(
    # (Past forms only: "forces", "allows" are mostly nouns or plans.)
    r"\b(?:forced|forcing|compelled|compelling|caused|causing|prompted|prompting|allowed|allowing|"
    r"enabled|enabling)\s+(?P<made>(?:" + _WORD_OF_ONE_CLAUSE + r"){1,9}?)to\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)

# A modal right before a causative verb: "would have allowed", "could force".
MODAL_BEFORE_CAUSATIVE = re.compile(
    r"\b(?:would|will|could|might|can|should|must|(?-i:may))\s+(?:not\s+)?(?:have\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
# A modal over a causative is still unreal: "could eventually be forced to
# withdraw", "may have to abandon" (what `CAUSED` lets through otherwise).
MODAL_OVER_CAUSED = re.compile(
    r"\b(?:would|will|could|might|can|should|must|(?-i:may))\s+(?:not\s+)?(?:\w+\s+){0,2}?"
    r"(?:(?:be|have\s+been)\s+(?:\w+\s+)?(?:forced|made|compelled|obliged)|have)\s+to\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)

# People who flee are not forces withdrawing ("residents fleeing to Kabul").
CIVILIANS_BEFORE = re.compile(
    r"\b(?:residents|civilians|families|people|villagers|refugees|inhabitants|locals|children|women|"
    r"displaced|thousands|hundreds|workers|employees|staff|diplomats)\s+(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)

# People evacuated or moved out are no forces withdrawing: "evacuate some
# staff from the mission", "evacuated civilians from X".
PEOPLE_OBJECT_AFTER = re.compile(
    r"\s+(?:(?:some|all|the|its|their|more|many|several|[\d,]+)\s+)?(?:\w+\s+)?(?:personnel|staff|diplomats|"
    r"civilians|residents|families|people|villagers|citizens|nationals|employees|workers|wounded|children|"
    r"women|refugees|foreigners)\b",
    re.IGNORECASE,
)

# A possessive right before a nominal trigger names its doer ("its
# withdrawal", "the Taliban's capture of X").
POSSESSOR_BEFORE = re.compile(r"(?:\b(?:its|their|his|her)|[’']s?)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)

# "is 10 km from X": a distance told with a copula is a siege only when fighters
# are its subject ("the Taliban are 1 km from X", not "the district is 10 km from X").
COPULA_DISTANCE = re.compile(
    r"(?:are|is|were|was)\s[^.;]*?\b(?:kilometers?|kilometres?|km|miles?)\b", re.IGNORECASE
)

# People, not fighters, as the subject of a verb of motion ("displaced families
# from the captured districts streamed into X").
CIVILIAN_SUBJECT = re.compile(
    r"\b(?:residents|civilians|families|people|villagers|refugees|inhabitants|locals|children|women|"
    r"displaced|migrants|travellers|travelers|passengers|crowds|students|traders|journalists)\b",
    re.IGNORECASE,
)

# "the first provincial capital to fall", "the largest city to be taken": an
# infinitive after an ordinal or a superlative states what happened.
ORDINAL_INFINITIVE = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|latest|last|next|only|"
    r"\w+est)\s+(?:[\w’'-]+\s+){0,4}?to\s+(?:be\s+)?$",
    re.IGNORECASE,
)

# "forced the defenders to flee", "compelled them to surrender": the infinitive
# after a verb of causing states what happened, not an intention.
CAUSED = re.compile(
    r"\b(?:forced|forcing|compelled|compelling|obliged|obliging|allowed|allowing|enabled|enabling)\s+"
    r"(?:" + _WORD_OF_ONE_CLAUSE + r"){0,9}?to\s+$",
    re.IGNORECASE,
)

# A title's abbreviation before a person's name is no place, whatever place a
# gazetteer knows by those letters ("Gen. Ardo Vess").
TITLE_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Gen", "Col", "Lt", "Maj", "Capt", "Sgt", "Brig", "Gov",
                       "Sen", "Rep", "Prof", "Adm", "Cmdr")
TITLE_ABBREVIATION = re.compile("|".join(TITLE_ABBREVIATIONS))
TITLE_ABBREVIATION_AFTER = re.compile(r"\.\s+[A-Z]")

# Titles before a person's name: "Mr. Qate", "Gen. Raziq" name no place.
HONORIFIC_BEFORE = re.compile(
    r"\b(?:" + "|".join(TITLE_ABBREVIATIONS) + r"|General|Colonel|Major|Captain|Mullah|Maulvi|Haji|"
    r"Sheikh|President|Minister|Commander|Ustad)\.?\s+$"
)

# A negation inside a trigger's own words ("is not in control of", "is not
# under X control").
NEGATION_INSIDE = re.compile(r"\b(?:not|never|no\s+longer)\b|n['’]t\b", re.IGNORECASE)

# Only determiners and place words between a trigger and a place: the trigger's
# last word governs the place ("laid siege to the town of X").
ONLY_DETERMINERS = re.compile(
    r"\s*(?:(?:the|a|an|its|their|city|town|district|province|village|provincial|capital|key|strategic|"
    r"border|northern|southern|eastern|western|central|nearby|neighbou?ring|of)\s+)*",
    re.IGNORECASE,
)

# Phrases that negate a capture: evidence *against* it.
NEGATION = re.compile(
    r"(?:\b(?:not|never|yet\s+to|no\s+longer|failed\s+to|fail\s+to|without)|n['’]t)\s+(?:\w+\s+){0,2}?$"
    # "with neither side in full control of X".
    r"|\b(?:neither|no)\s+(?:side|party|one|force|army)\s+(?:\w+\s+){0,2}?$"
    # Inability: "have not been able to capture X", "were unable to retake X".
    r"|(?:(?:\bnot|\bnever|n['’]t)\s+(?:\w+\s+){0,2}able|\bunable)\s+to\s+$"
    # "Neither X nor Y has fallen", "far from capturing X".
    r"|\bneither\s+[^.;]{1,60}?\bnor\s+[^.;]{1,60}?$|\bfar\s+from\s+$",
    re.IGNORECASE,
)
# Between a pronoun and the passive verb whose subject it is ("it had", "it
# finally").
SUBJECT_PRONOUN_GAP = re.compile(
    r"\s+(?:(?:had|has|have|was|were|is|are|finally|also|quickly|eventually|reportedly|then|now|"
    r"soon|later)\s+)*"
)
# The word joined by a hyphen to what follows ("Taliban-" of "Taliban-held").
FUSED_WORD_BEFORE = re.compile(r"(?P<word>[\w’']+)-$")

# Capitalised words that name no place.
CALENDAR_WORDS = frozenset(
    (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec",
    )
)
NO_LONGER = re.compile(r"\bno\s+longer\b", re.IGNORECASE)
# A subject that is nobody: "No government troops have entered X".
NOBODY_SUBJECT = re.compile(
    r"^\s*(?:No|Not\s+a\s+single|Not\s+one)\s+(?:[\w’'-]+\s+){1,3}(?:have\s+|has\s+|had\s+|were\s+|was\s+)?$"
)
# A statement said to be untrue: "it is not true that X fell", "reports that X
# had fallen were false".
UNTRUE_BEFORE = re.compile(
    r"\b(?:it\s+is|it's|it\s+was|it’s)\s+(?:not\s+true|untrue|false)\s+that\b[^.;]*$", re.IGNORECASE
)
# A clause governed by a denial: "the ministry denied that X had fallen",
# "officials rejected Russian claims to have captured X", "there is no truth to
# reports that X was encircled".
DENIED_CLAUSE_BEFORE = re.compile(
    r"(?:\b(?:denied|denies|deny|denying|rejected|rejects|dismissed|dismisses|refuted|refutes)\s+"
    r"(?:(?:the|a|an|their|its|[\w’'-]+)\s+){0,2}?(?:(?:claims?|reports?|allegations?|rumou?rs?)\s+)?"
    r"|\bno\s+truth\s+(?:to|in)\s+(?:the\s+)?(?:claims?|reports?|allegations?|rumou?rs?)\s+)"
    r"(?:that|to\s+have)\b[^.;]*$",
    re.IGNORECASE,
)
# Words without which no statement is said to be untrue (a cheap first test).
UNTRUE_CUES = ("true", "false", "deni", "deny", "reject", "dismiss", "refut", "truth", "baseless", "fake",
               "unfounded", "wrong")
# (A side's claims called untrue are claims, and denied: `CLAIM_CALLED_UNTRUE`.)
REPORTS_THAT_BEFORE = re.compile(r"\b(?:reports?|rumou?rs?)\s+that\b[^.;]*$", re.IGNORECASE)
UNTRUE_AFTER = re.compile(
    r"[^.;]{0,80}?\b(?:were|was|are|is|proved|proven|turned\s+out\s+to\s+be)\s+(?:\w+\s+)?"
    r"(?:false|untrue|baseless|fake|unfounded|wrong)\b",
    re.IGNORECASE,
)

# Hedges: the reporter does not vouch for the claim.
HEDGES = re.compile(
    r"\b(?:if\s+so|if\s+confirmed|if\s+true|reportedly|allegedly|unconfirmed|could\s+not\s+be\s+"
    r"(?:independently\s+)?(?:verified|confirmed)|cannot\s+be\s+(?:independently\s+)?(?:verified|"
    r"confirmed)|not\s+(?:been\s+)?(?:independently\s+)?(?:verified|confirmed)|unverified|"
    r"rumou?rs?|it\s+is\s+not\s+clear|it\s+was\s+not\s+clear|unclear|"
    r"(?:is|are|was|were)\s+(?:said|believed|thought|reported)\s+to)\b",
    re.IGNORECASE,
)

# Denials: the other side says it did not happen.
DENIALS = re.compile(
    r"\b(?:denied|denies|deny|denying|rejected|rejects|reject|dismissed|dismisses|refuted|"
    r"refutes|rebuffed)\b(?:\s+(?:the\s+)?(?:reports?|claims?|allegations?|rumou?rs?))?",
    re.IGNORECASE,
)

# A later clause denying what the sentence just said ("..., but the ministry
# denied the claim").
DENIAL_OF_CLAIM = re.compile(
    r"\b(?:denied|denies|rejected|rejects|dismissed|dismisses|refuted|refutes)\s+(?:the|this|that|"
    r"these|those|such|(?:the\s+)?[\w-]+[’']s)?\s*(?:claims?|reports?|it|them|allegations?)\b",
    re.IGNORECASE,
)

# Those a claim says lost a place saying they hold out there: "the garrison
# is still in the town", "we are still in the valley", "their resistance
# continues", "refused to admit the loss, saying its men were still fighting".
# ("Fighting continues" alone says nothing of who holds what, or where.)
# After a claimed change of hands (or in its sentence, after a contrast), a
# denial of it.
STILL_HOLDING_OUT = re.compile(
    # Someone who holds a post ("forces", "the garrison", "we", "they") still there...
    r"\b(?:forces|troops|soldiers|garrison|defenders|units|men|police|army|fighters|we|they)\b"
    r"[^.;,]{0,40}?\b(?:are|is|were|was)\s+still\s+(?:in|inside|fighting|holding|resisting|in\s+control)\b|"
    # ... or not conceding, or a resistance going on (nothing between but its own words).
    r"\bdid\s+not\s+concede\b|"
    r"\bresistance\s+(?:(?!(?:and|but|ended|is\s+over)\b)[\w-]+\s+){0,3}?(?:will\s+|would\s+)?continues?\b",
    re.IGNORECASE,
)
# What sets a holding-out against a claim in one sentence: a contrast, or
# another speaker ("X claims Y, the army says its units are still there").
CONTRAST = re.compile(
    r"\b(?:however|but|while|whereas|although|though|yet)\b|,\s+(?:[\w’'-]+\s+){1,4}?(?:says|said)\b",
    re.IGNORECASE,
)

# A claim called untrue after the change of hands it claims: "X's claim to have
# taken P is a lie", "reports that P fell were false" (`CLAIM_NOUN_BEFORE` must
# stand before the trigger). The claim stands as claimed, and is denied.
CLAIM_CALLED_UNTRUE = re.compile(
    r"(?:(?!\b(?:and|but)\b)[^.;,]){0,60}?\b(?:is|are|was|were)\s+(?!not\b)(?:(?!not\b)\w+\s+)?"
    r"(?:a\s+lie|lies|false|untrue|baseless|fake|unfounded|a\s+fabrication|propaganda)\b",
    re.IGNORECASE,
)
CLAIM_NOUN_BEFORE = re.compile(r"\b(?:claims?|statements?|assertions?)\b", re.IGNORECASE)
# Who said it, after the predicate: ", they tweeted", ", the ministry said".
SPEAKER_AFTER_QUOTE = re.compile(
    r"\s*,\s*(?P<who>(?:the\s+)?[\w’' -]{1,60}?)\s+(?:said|says|tweeted|wrote|stated|added|told)\b",
    re.IGNORECASE,
)

# Claims: the speaker asserts, without independent support.
CLAIM_WORDS = re.compile(r"\b(?:claim|claims|claimed|claiming|boasted|says?\s+it\s+has)\b", re.IGNORECASE)

# Vague aggregates are not events ("dozens of districts fell").
AGGREGATE_HEADS = re.compile(
    r"\b(?:dozens|scores|hundreds|several|many|multiple|numerous|some|most|all|\d+|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+number|a\s+string|a\s+series)\s+"
    r"(?:\w+\s+){0,2}?(?:districts|areas|provinces|provincial\s+capitals|capitals|cities|towns|"
    r"villages|regions|border\s+crossings|crossings)\b",
    re.IGNORECASE,
)

# Lines that are links to other stories, not the story itself.
# A line of tags or keywords (six or more short phrases between commas, no
# sentence of its own): metadata, not prose ("Luhansk region, counteroffensive,
# Kreminna, liberation of ...").
TAG_LINE = re.compile(r"\s*(?:[^,.;:!?\n]{1,60},\s*){5,}[^,.;:!?\n]{1,60}\s*")
RELATED_LINE = re.compile(
    r"^\s*(?:also\s+read|read\s+more|read\s+also|related|see\s+also|more\s+on\s+this|"
    r"recommended|watch|listen)\b\s*[:\-–—]?",
    re.IGNORECASE,
)

# Places named after these words are landmarks, not where the event happened
# ("40 km from X", "near X", "on the road to X"). The group `relation` is the
# relational word itself, which the decision stage sees.
RELATION_BEFORE_PLACE = re.compile(
    r"\b(?P<relation>near|nearby|borders|bordering|neighbou?ring|adjoining|adjacent\s+to|next\s+to|"
    r"close\s+to|towards?|toward|to|into|between|via|through|outside|beyond|past|connecting|linking|"
    r"links|connects|road\s+to|highway|from|reached|reach|heading\s+(?:to|towards)|"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of|away\s+from|outskirts\s+of|"
    r"hometown\s+of|native\s+of|residents?\s+of|people\s+of|like|as\s+in|including\s+in|"
    r"overlooking|overlook|overlooks|approaches\s+to|(?:in\s+the\s+)?direction\s+of|axis\s+of|"
    r"defen[cs]e\s+of)\s+"
    # Only determiners, place words and names may stand between the relation and
    # the name ("fled to the Kestria provincial capital of Lumen").
    r"(?:(?:the|a|an|its|their|nearby|neighbou?ring|adjoining|northern|southern|eastern|western|"
    r"central|north|south|east|west|provincial|key|strategic|capital|city|town|of|district|"
    r"province|border|main|(?-i:[A-Z][\w’'-]+))\s+){0,5}$",
    re.IGNORECASE,
)

# A place named before one of these words names a line of advance towards it,
# not where anything happened: "in the X-Y direction", "on the
# Izium axis" (as "in the direction of X" before a name does).
DIRECTION_AFTER_PLACE = re.compile(r"^(?:[-‐–][\w’'-]+)*\s+(?:directions?|axis|axes)\b", re.IGNORECASE)

# Relational participles that are also adjectives of the place they precede
# ("the neighbouring district of X"). They relate to a landmark only after the
# thing they locate: "districts neighbouring X", "Kunduz, bordering X".
ADJECTIVAL_RELATIONS = frozenset({"neighbouring", "neighboring", "bordering", "adjoining", "nearby"})
RELATION_HEAD_BEFORE = re.compile(
    r"(?:\b(?:districts?|provinces?|areas?|villages?|towns?|city|cities|regions?|countries|country|"
    r"crossings?|bases?|posts?)|[A-Z][\w’'-]+|,)\s*$"
)

# A place after one of these names who speaks or serves, not where something
# happened ("the governor of X said", "a commander from X").
ROLE_BEFORE_PLACE = re.compile(
    r"\b(?:governor|police\s+chief|chief\s+of\s+police|commander|spokesm[ae]n|spokesperson|mayor|"
    r"lawmakers?|legislators?|MPs?|representatives?|councill?ors?|officials?|elders?|natives?)\s+"
    r"(?:of|for|from|in)\s+(?:the\s+)?(?:(?:province|district|city|town)\s+of\s+)?$",
    re.IGNORECASE,
)

# A place right before one of these words names a facility in it, not the
# place itself ("Kandahar airport", "Kandahar customs").
FACILITY_AFTER_PLACE = re.compile(
    r"^(?:[-–][\w’'-]+)?[’']?s?\s+(?:international\s+)?(?:airport|airfield|air\s+base|customs|prison|jail|road|"
    r"highway|dam|base|garrison|checkpoints?|check\s+posts?|bazaar|market|university|hospital|"
    r"(?:nuclear\s+|thermal\s+|hydro(?:electric)?\s+)?(?:power\s+)?(?:plant|station)|steel\s+(?:plant|works)|"
    r"port|seaport|refinery|factory|railway\s+station)\b",
    re.IGNORECASE,
)

# A place right before one of these words names who speaks or serves, not
# where something happened ("Baghlan police spokesman").
ROLE_AFTER_PLACE = re.compile(
    r"^[’'`]?s?\s*(?:provincial\s+|district\s+|city\s+|local\s+)?(?:police|governor|governorate|"
    r"council|councillors?|councilors?|assembly|lawmakers?|officials?|official|spokesm[ae]n|"
    r"spokesperson|spokeswoman|mp|mps|representative|residents?|security\s+officials?|army\s+"
    r"corps|corps|authorities|administration\s+spokesman|media|tv|news|province[’']s\s+(?:governor|"
    r"police))\b",
    re.IGNORECASE,
)
# A name joined by a hyphen to a participle or an adjective is a modifier of
# what follows, not a place where something happened: "a Kabul-bound convoy",
# "Kunduz-based soldiers", "the Moscow-installed mayor".
HYPHEN_MODIFIER_AFTER = re.compile(
    r"^[-‐–](?:bound|based|backed|appointed|installed|born|led|linked|controlled|held|made|centred|"
    r"centered|registered|owned|headquartered|trained|funded|supported|aligned|leaning|friendly|"
    r"style|area|region)\b",
    re.IGNORECASE,
)
# "In X, officials said ...": a fronted place of the speakers, not of what
# they tell (`before` is the sentence up to the name, `after` what follows it).
FRONTED_PLACE_BEFORE = re.compile(r"^\s*(?:In|From)\s+$")
SPEAKERS_SAY_AFTER = re.compile(
    r"^,\s+(?:[\w’'-]+\s+){1,5}?(?:said|say|says|told|reported|confirmed|announced|claimed)\b"
)
# A place name followed by another capitalised word is often the first word
# of a longer name: a person ("Vladimir Putin"), a paper ("Kyiv Independent"),
# a body ("Donetsk People's Republic"). Not when that word says what the place
# is ("Kherson Oblast", "Herat Airport"), or is a day or a month ("in Kabul
# Tuesday"); headlines, written in title case, are left alone.
PROPER_WORD_AFTER = re.compile(r"^\s(?-i:[A-Z][a-z][\w’'-]*)")
NOT_A_NAME_PART = re.compile(
    r"^\s(?:province|provinces|provincial|oblast|oblasts|region|regions|regional|district|districts|raion|"
    r"raions|hromada|"
    r"city|cities|town|towns|village|villages|valley|river|airport|airfield|air|base|border|crossing|"
    r"highway|road|pass|dam|corps|police|governor|council|university|hospital|prison|mountains?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|and|or|on|in|of)\b",
    re.IGNORECASE,
)

# A capital for its government, as the subject of a verb of saying: "Kyiv
# admitted", "Moscow claimed", "Kabul has denied". (Not after a preposition:
# in "residents of X said" the residents speak, X is where they live.)
SAYS_AFTER_PLACE = re.compile(
    r"^\s+(?:has\s+|have\s+|had\s+)?(?:said|says|admitted|admits|claimed|claims|announced|confirmed|"
    r"denied|denies|stated|insisted|warned|accused|acknowledged|alleged|conceded)\b",
    re.IGNORECASE,
)
PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|from|in|at|near|for|to|by|with|around|outside|inside)\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.IGNORECASE,
)

# States of control: who holds a place, not who took it.
STATE_TRIGGERS = frozenset(
    {"under-control", "in-hands", "held-by", "side-held", "in-control-of", "holds", "holding"}
)
# A state said to go on ("still held by", "remains under X's control").
CONTINUITY = re.compile(r"\b(?:still|remains?|remained|continues?\s+to|continued\s+to)\b", re.IGNORECASE)

# Where a clause ends: a place or actor across one of these belongs elsewhere.
CLAUSE_BREAK = re.compile(
    # "captured X and killed three people in Y": "and" before a verb opens a clause.
    r";|\s[–—]\s|,?\s+and\s+(?:(?:then|thus|so|later|also|eventually|finally|subsequently|soon)\s+)?"
    r"(?:have|has|had|are|is|were|was|pressed|launched|"
    r"began|started|moved|seized|captured|took|overran|shelled|threatened|vowed|killed|"
    # irregular pasts, which the "-ed" rule misses
    r"cut|hit|struck|shot|sent|held|won|lost|drove|broke|fought|fled|left|made|set|put|blew|tore|"
    r"(?-i:[a-z]{3,}ed))\b|,\s*(?:but|while|whereas|although|though|which|who|where|when|after|before|as(?!\s+well\s+as)|"
    r"since|because|however|meanwhile|and\s+then)\b|\s(?:but|while|whereas|although|which|who|"
    r"whom|where|after|before|because|however|when|until|since)\s|\s(?:that|(?<!the\s)said(?!\s+to\b)|says|told|"
    r"added|confirmed|reported|according)\s",
    re.IGNORECASE,
)

# A place at the head of a line followed by a colon, a comma and a date, or a
# bracket is a dateline ("KABUL, Jun 5 (EFE) -"), not where the news happened.
# A paragraph that opens with a date, as an entry of a dated list or timeline:
# only bullets before it ("– Aug. 7 – SHEBERGHAN.", "* June 22: ...") and a
# dash or colon right after it.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
HEADING_DATE_BEFORE = re.compile(r"[\s\-–—•*·]*")
HEADING_DATE_AFTER = re.compile(r"\s*(?:[-–—:]|\.\s*[-–—])")

# What ends a dateline right after its date: "Kabul, Jun 5 (EFE).-", "KABUL, Aug 3 -".
DATELINE_END = re.compile(r"\s*(?:\([^)]{1,30}\)\s*)?(?:\.?\s*[-–—]{1,2}|:)")
DATELINE_AFTER = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?::|,\s*(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)|\s*\(|\s*[-–—]{1,2}\s)"
)

# Capitalised words that may stand right before a place name without making
# it part of a person's or an organisation's name. The words of the profile's
# actor aliases ("Afghan forces", "Ukrainian troops") are added at run time.
NAME_PREFIX_ALLOWED = frozenset(
    [
        "the",
        "in",
        "on",
        "at",
        "of",
        "from",
        "and",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "north",
        "south",
        "east",
        "west",
        "province",
        "district",
        "city",
        "capital",
        "provincial",
        "strategic",
        "key",
        "neighbouring",
        "neighboring",
        "nearby",
        "remote",
        "restive",
        "volatile",
        "embattled",
        "besieged",
        "besieging",
        "upper",
        "lower",
        "greater",
    ]
)

# A verb-like trigger word used as a noun ("the city's fall", "its fall") is
# not a clause of its own.
NOUN_USE_BEFORE = re.compile(r"(?:[’']s|\bits|\btheir|\bthe|\ba)\s+$", re.IGNORECASE)

# Double quotation marks, which trigger phrases read through (same length: a
# space for each, so offsets hold).
DOUBLE_QUOTES = re.compile(r'["“”„«»]')

# A past participle between a determiner (and adverbs) and its noun is an
# attribute of the noun, not the verb of the clause: in "troops are moving
# towards the temporarily occupied Svatove" the troops did not occupy it.
# The participle's agent is unexpressed, unless fused in ("Russian-occupied").
ATTRIBUTIVE_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|their|this|that|these|those|other|all)|[’']s)\s+(?:[a-z]+ly\s+)*(?:[\w’']+-)?$",
    re.IGNORECASE,
)
# A participle followed by its agent is passive even without an auxiliary
# (a reduced relative clause: "Kherson, captured by Russian forces in March,").
BY_AGENT_AHEAD = re.compile(r"\s+by\s+(?!(?:far|then|now|the\s+(?:end|time|way))\b)", re.IGNORECASE)
# A participle coordinated with a passive one shares its auxiliary: in "were
# killed or captured near X" both are passive (the men were captured, not X).
COORDINATED_PASSIVE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:[a-z]+ly\s+)?[a-z]+(?:ed|en|wn)\s*,?\s+(?:or|and)\s+$",
    re.IGNORECASE,
)
# ... unless an object follows ("were reinforced and captured X": active): a
# passive participle is followed by its agent, an adjunct or the clause's end.
PASSIVE_PARTICIPLE_AHEAD = re.compile(
    r"\s*(?:[,.;:)\"”]|$|(?:by|in|on|at|near|around|outside|inside|across|from|during|after|before|since|"
    r"overnight|yesterday|today|last|earlier|early|later)\b)",
    re.IGNORECASE,
)
AUXILIARY_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|having)\s+(?:[a-z]+ly\s+|not\s+)?$", re.IGNORECASE
)
# What joins two participles of one verb phrase: "besieged and then captured",
# "attacked, and captured", "surrounded or overrun", "besieged for weeks and
# overrun" (a short adjunct of the first may stand between).
PARTICIPLE_COORDINATION = re.compile(
    r"(?:\s+(?:for|in|on|at|after|over|during|since)(?:\s+[\w-]+){1,3})?"
    r"\s*,?\s*(?:and|or)\s+(?:(?:then|later|eventually|finally|soon|quickly)\s+)?",
    re.IGNORECASE,
)
# A conjunction right before a name: the name may open a clause of its own.
COORDINATION_BEFORE = re.compile(r"(?:,|\band|\bwhile|\bbut)\s*$", re.IGNORECASE)
ADVERBIAL_AHEAD = re.compile(
    r"\s*(?:,|\s(?:in|on|by|during|since|last|earlier|early|before|after|at|from)\b)", re.IGNORECASE
)
# (Used with match(text, start, end).)
PARTICIPLE_WORD = re.compile(
    r"(?:[A-Za-z]+(?:ed|en|wn)|held|(?:over)?run|won|lost|left|fled|fought|hit|struck)$"
)

# The seat of a unit's authority: when it falls, the unit falls ("all
# government buildings in the district have fallen").
SEAT_OF_POWER = re.compile(
    r"\b(?:government\s+)?(?:buildings|facilities|headquarters|offices|compound|administration|"
    r"centre|center)\b[^,.;]{0,40}\b(?:in|of)\s+$",
    re.IGNORECASE,
)

# A distance after these words describes where a place lies, not a siege
# ("Pul-e-Alam, located just 50 kilometres south of Kabul").
LOCATION_DESCRIPTION = re.compile(
    r"\b(?:located|situated|lies|lying|lie|sits|based|which\s+is|that\s+is)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)

# Inside or just before a distance: it says where a place lies ("X is located
# 30 km south of Y", "X, which is 30 km from Y"), not that attackers stand there.
LOCATION_WORDS = re.compile(
    r"\b(?:located|situated|lies|lying|sits|based)\b|\b(?:which|that)\s+(?:is|are|was|were|lies)\b",
    re.IGNORECASE,
)

# Words for the place a sentence talks about without naming it.
# Several places named before, as one: "the said districts", "these two
# towns", "both districts". A number, when given, says how many.
PLURAL_ANAPHORA = re.compile(
    r"\b(?:the\s+said|these|those|the\s+aforementioned|the\s+above(?:-mentioned)?|both|the)\s+"
    r"(?:(?P<count>two|three|four|five)\s+)?(?:districts|towns|cities|villages|settlements|hromadas)\b",
    re.IGNORECASE,
)
PLURAL_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5}

ANAPHORA = re.compile(
    # (The district's centre before the district: the longer phrase is the place.)
    r"\b(?:(?:the|its)\s+(?:(?:provincial|regional|local|province[’']s|district[’']s)\s+)?(?:capital|provincial\s+"
    r"capital)(?:\s+city)?|"
    # "the Afghan capital": a country's (`PlaceLinker.resolve_anaphor` says which).
    r"the\s+(?-i:[A-Z][a-z]+)\s+capital(?:\s+city)?|the\s+district[’']s\s+(?:center|centre)|the\s+(?:(?:key|strategic|northern|"
    r"southern|eastern|western|central|entire|whole)\s+)?(?:city|town|district(?:\s+(?:center|centre|"
    r"headquarters|building))?|province)|the\s+area|\bit|\bthem)\b",
    re.IGNORECASE,
)

# "the afghan capital" (lower-cased by `resolve_anaphor`): which country's.
COUNTRY_CAPITAL = re.compile(
    r"the\s+(?P<adjective>(?!provincial\b|regional\b|local\b)[a-z]+)\s+capital(?:\s+city)?"
)

# Words around a source that tell which side it speaks for (beyond the
# profile's own markers): neutral voices.
INDEPENDENT_MARKERS = (
    "residents",
    "resident",
    "witnesses",
    "witness",
    "journalist",
    "reporter",
    "analyst",
    "analysts",
    "United Nations",
    "UN ",
    "UNAMA",
    "Human Rights Watch",
    "Amnesty",
    "Red Cross",
    "ICRC",
    "observers",
    "diplomat",
)
UNNAMED_MARKERS = ("sources", "source", "local sources", "locals", "reports", "media")


def validate() -> list[str]:
    """Check every heuristic is well formed; return a list of problems (empty when fine)."""
    problems: list[str] = []
    names = set()
    for trigger in TRIGGERS:
        if trigger.name in names:
            problems.append(f"trigger {trigger.name}: duplicate name")
        names.add(trigger.name)
        if trigger.kind not in EVENT_KINDS:
            problems.append(f"trigger {trigger.name}: unknown kind {trigger.kind!r}")
        if trigger.voice not in VOICES:
            problems.append(f"trigger {trigger.name}: unknown voice {trigger.voice!r}")
        if trigger.inner_actor not in ("doer", "loser", "receiver", "subject-loses"):
            problems.append(
                f"trigger {trigger.name}: inner_actor must be 'doer', 'loser', 'receiver' or 'subject-loses'"
            )
        try:
            compiled = re.compile(trigger.pattern, re.IGNORECASE)
        except re.error as exc:
            problems.append(f"trigger {trigger.name}: pattern does not compile ({exc})")
            continue
        if not trigger.examples:
            problems.append(f"trigger {trigger.name}: no examples")
        for example in trigger.examples:
            if not compiled.search(example):
                problems.append(f"trigger {trigger.name}: does not match its example {example!r}")
            if not TRIGGER_STEMS.search(example):
                problems.append(f"trigger {trigger.name}: example {example!r} escapes the first pass")
            if not any(stem in example.lower() for stem in trigger.stems):
                problems.append(f"trigger {trigger.name}: example {example!r} has none of its stems")
    return problems


# Sentences about the past before this conflict phase ("captured twice in the
# past", "the last time was in 2016") carry no current event.
HISTORICAL = re.compile(
    r"\b(?:in\s+the\s+past|previously|in\s+(?:19|20)\d\d\b|back\s+in|the\s+last\s+time|"
    r"(?:two|three|several)\s+times\s+(?:before|in)|during\s+(?:their|its)\s+(?:previous\s+)?rule|"
    r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)",
    re.IGNORECASE,
)

# A sentence that only lists the places a previous sentence said fell
# ("The districts include Kofab, Argo and Yawan").
LIST_CONTINUATION = re.compile(
    r"^\s*(?:the|these|those|they)\s+(?:\w+\s+){0,2}?(?:districts|areas|cities|towns|capitals)\s+"
    r"(?:include|included|are|were)\b",
    re.IGNORECASE,
)

# A conditional clause is not an assertion ("if Kunduz falls, ...").
# A verb whose object is its subject's own deed: "the army completed the
# capture of X", "the rebels announced the takeover of X".
ACHIEVED_BEFORE = re.compile(
    r"\b(?:completed|complete|completes|finished|announced|announces|concluded|achieved|celebrated|"
    r"celebrates)\s+(?:the|their|its)?\s*$",
    re.IGNORECASE,
)
INFINITIVE_BEFORE = re.compile(r"\bto\s+$", re.IGNORECASE)

# A change told as happening again and again is no one event: "X has changed
# hands several times".
REPEATED_AFTER = re.compile(
    r"[^.;]{0,30}?\b(?:several|many|multiple|numerous|countless|a\s+number\s+of)\s+times\b|"
    r"[^.;]{0,30}?\b(?:repeatedly|more\s+than\s+once|back\s+and\s+forth|time\s+and\s+again)\b",
    re.IGNORECASE,
)

# An attempt that failed is a fight: "attempted to storm X but were repelled".
ATTEMPT_BEFORE = re.compile(
    r"\b(?:attempted|attempt|attempts|attempting|tried|try|tries|trying|sought|seeking)\s+to\s+$",
    re.IGNORECASE,
)
REPELLED_AFTER = re.compile(
    r"[^.;]{0,60}?\b(?:but|and)\s+(?:were|was|had\s+been|have\s+been)\s+(?:\w+\s+)?"
    r"(?:repelled|repulsed|pushed\s+back|beaten\s+back|driven\s+back|thwarted|foiled|stopped)\b|"
    r"[^.;]{0,60}?\bbut\s+(?:failed|were\s+unable)\b",
    re.IGNORECASE,
)

# Words without which REPEATED_AFTER cannot match (a cheap first test).
REPEATED_CUES = ("times", "repeatedly", "more than once", "back and forth", "time and again")

# A noun of change that is only thought of: "the possible fall of X",
# "negotiating the handover of X", "to prevent the capture of X".
HYPOTHETICAL_BEFORE = re.compile(
    r"\b(?:(?:the|a|an)\s+)?(?:possible|potential|likely|imminent|expected|feared|looming|eventual|"
    r"impending|anticipated|threatened|planned|proposed|prospective|negotiat\w*\s+(?:the|a)|"
    r"discuss\w*\s+(?:the|a)|talks\s+(?:on|about)\s+(?:the|a)|prevent\w*\s+(?:the|a)|"
    r"avert\w*\s+(?:the|a)|stave\s+off\s+(?:the|a))\s+$",
    re.IGNORECASE,
)

# "X may be the next to fall": a modal over an ordinal infinitive.
MODAL_ORDINAL = re.compile(
    r"\b(?:would|will|could|may|might|can)\s+(?:\w+\s+){0,2}?be\s+the\s+(?:next|first|last)\b[^.;]*$",
    re.IGNORECASE,
)
# Planned or threatened deeds told as nouns: "are planning an assault on X".
PLANNED_NOUN_BEFORE = re.compile(
    r"\b(?:plan\w*|prepar\w*|threat\w*|warn\w*\s+of|consider\w*|mull\w*|readying)\s+(?:an?|the|a\s+new|"
    r"another|their|its)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)

# A change only begun is not done: "the army began the de-occupation of X",
# "launched the liberation of X" (inchoative aspect).
BEGUN_BEFORE = re.compile(
    r"\b(?:began|begun|begins|begin|beginning|started|starts|start|starting|launched|launches|launching|"
    r"initiated|opened)\s+(?:(?:the|a|an|its|their)\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)

# "Once X falls, ...": a condition, when its verb is in the present tense
# (not "once a stronghold, X fell").
ONCE_BEFORE = re.compile(r"\bonce\s+[^,;:.]*$", re.IGNORECASE)
PRESENT_TENSE_AT = re.compile(r"(?:falls|is|are|gets|comes|passes)\b", re.IGNORECASE)
CONDITIONAL = re.compile(
    r"\b(?:if|unless|in\s+case|lest)\b[^,;:.]*$"

    # Inverted conditions: "Should the rebels take X, ...", "Had the town fallen, ..."
    r"|^\W*(?:should|were|had)\s[^,;:.]*$",
    re.IGNORECASE,
)

# A noun of change followed by a modal main verb is a thought, not a report:
# "the fall of X would be a major turning point", "the capture of X could open
# the road". The text after the trigger, within its clause.
NOMINAL_UNREAL_AFTER = re.compile(
    r"[^,.;]{0,60}?\b(?:would|could|might|will|may)\s+(?:\w+\s+)?(?:be|mean|have|deal|mark|open|"
    r"leave|give|make|allow|cause|signal|put|change|bring|pose|spell|trigger|represent|prove)\b"
)

# A question asks; it claims nothing ("Has Kunduz fallen?"). The rest of the
# sentence after the trigger, up to its question mark.
QUESTION_AFTER = re.compile(r"[^:;.!]*\?\s*[\"'”’)]*\s*$")

# Words before a place saying only part of it is meant ("parts of X", "the
# outskirts of X"): an assault on a place, not its fall.
# The seat of a place's authority, which stands for the place: "the governor's
# compound in X", "the city administration building in X".
SEAT_BEFORE = re.compile(
    r"\b(?:governor['’]?s?|government|administration|district|provincial|city|municipal|police|regional|presidential)\s+"
    r"(?:administration\s+|military\s+)?(?:compound|office|offices|headquarters|building|buildings|seat|palace)\s+"
    r"(?:in|of)\s+(?:the\s+(?:city|town)\s+of\s+)?$",
    re.IGNORECASE,
)
# The seat of a place named first in a list of what was taken there ("the
# district centre, the police headquarters and an army base in X").
SEAT_LISTED_BEFORE = re.compile(
    r"\b(?:(?:district|provincial|city)\s+(?:cent(?:er|re)|headquarters|administration)|"
    r"governor['’]?s?\s+(?:office|compound|headquarters|residence))\b"
    # (Only the items of the list between: no other clause, no part of another place.)
    r"(?:(?!\b(?:who|which|that|while|seized|captured|took|taken|hold|holds|held|parts?|areas?)\b)[^.;:]){0,120}$",
    re.IGNORECASE,
)
PARTIAL_BEFORE = re.compile(
    r"\b(?:parts?\s+of|some\s+(?:areas|parts|neighbou?rhoods)\s+(?:of|in)|"
    r"\d{1,2}(?:\.\d+)?\s*(?:%|percent|per\s+cent)\s+of|(?:half|a\s+third|a\s+quarter)\s+of|"
    r"neighbou?rhoods\s+of|areas\s+of|outskirts\s+of|suburbs\s+of|edges?\s+of|entrance\s+(?:of|to)|"
    r"gates\s+of"
    # Something in or around the place, not the place: "villages around X",
    # "the airport road in X", "a checkpoint outside X".
    # (All of them is the place: "seized all the government buildings in X":
    # see `ALL_OF_BEFORE`.)
    r"|(?:villages?|areas?|posts?|check\s*posts?|checkpoints?|bases?|roads?|highways?|buildings?|"
    r"positions?|outposts?|neighbou?rhoods?|compounds?|prisons?|hills?|heights?|bridges?|dams?|"
    r"airports?|airfields?|markets?|bazaars?|homes?|houses?|offices?|barracks|garrisons?|settlements?|"
    r"localities|hamlets?)\s+"
    r"(?:(?:just|right|immediately|directly|far)\s+)?"
    r"(?:in|around|near|outside|inside|on\s+the\s+outskirts\s+of)"
    r")\s+(?:the\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# Most of a place, said of its control, is the place as a map shows it: "most
# of X has fallen", "overran much of the city", "the central parts of X" (its
# core, where its authority sits). Not partial, unlike its edges or some of
# its areas (`PARTIAL_BEFORE`).
# A change of hands said to be short of complete: "have almost completely gained
# control of X", "nearly captured X", "partly seized X" (an assault, not a fall).
INCOMPLETE_BEFORE = re.compile(
    r"\b(?:almost|nearly|partially|partly|all\s+but)\s+(?:completely\s+|entirely\s+|fully\s+)?$",
    re.IGNORECASE,
)

MAJORITY_PART_BEFORE = re.compile(
    r"\b(?:(?:almost|nearly)\s+all\s+of|most\s+of|much\s+of|the\s+bulk\s+of|(?:the\s+)?greater\s+part\s+of|"
    r"large\s+parts?\s+of|(?:the\s+)?(?:central|main)\s+parts?\s+of|two[-\s]thirds\s+of|"
    r"three[-\s]quarters\s+of|all\s+but\s+(?:one|two|three|a\s+few)(?:\s+\w+)?\s+of)"
    r"\s+(?:the\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
ALL_OF_BEFORE = re.compile(r"\ball\s+(?:of\s+)?(?:the\s+|its\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE)

# A sentence saying control is partial ("took control of some areas").
PARTIAL_CONTROL = re.compile(
    r"\b(?:some\s+areas|some\s+parts|parts\s+of|most\s+of|large\s+parts|swathes|several\s+areas|"
    r"key\s+(?:state\s+)?buildings|strategic\s+buildings|"
    # "almost completely gained control of X": not yet all of it.
    r"(?:almost|nearly|partially|partly|largely)\s+(?:completely\s+|entirely\s+|fully\s+)?"
    r"(?:gained|taken|took|seized|captured|controls?|controlled|control)|partial\s+control)\b",
    re.IGNORECASE,
)

# Fighting still going on: "entered the city, and clashes are under way
# there" tells an assault, not a fall.
ONGOING_FIGHTING = re.compile(
    r"\b(?:clashes|fighting|battles?|gunfights?|street\s+fighting)\s+(?:are|is|was|were|remains?|"
    r"continues?|continued)\s+(?:still\s+)?(?:under\s*way|ongoing|continuing|raging|going\s+on)\b|"
    r"\b(?:clashes|fighting)\s+(?:continues?|continued|goes\s+on|went\s+on|(?:is|was)\s+continuing)\s+"
    r"(?:inside|in\s+the\s+(?:city|town)|there)\b",
    re.IGNORECASE,
)
# Triggers that say fighters got in, which ongoing fighting makes an assault.
ENTRY_TRIGGERS = frozenset({"entered"})

# Two dates joined like two places ("on Friday and Saturday", "on 6 and on 7
# August"): see `staged.respective_dates`.
DATE_COORDINATION = re.compile(r"\s*,?\s*(?:and|&)\s+(?:on\s+)?", re.IGNORECASE)
RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)

# A dash or colon right after a trigger's clause opens the list of its places
# ("seized three capitals – X, Y and Z").
LIST_AFTER_DASH = re.compile(r"\s*[–—:]\s*|\s+-\s+")

# Lists after a trigger that name the places it applies to.
INCLUDING = re.compile(r"\b(?:including|such\s+as|namely|among\s+them|among\s+which)\b", re.IGNORECASE)

# A province named after these words is where a place lies, not an event place.
CONTEXT_BEFORE_PROVINCE = re.compile(
    # ("closing in on X": "in on" is a verb's, not a place's.)
    # ("in full control of X": whose control, not where.)
    r"(?:\b(?:in(?!\s+on\b)(?!\s+(?:\w+\s+){0,2}(?:control|charge|command|possession|hands)\b)|across|within|"
    r"throughout)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?(?:provinces?\s+of\s+)?"
    # "districts of X": X is where they lie. ("The province of X" names X itself.)
    r"|\b(?:districts?|areas?|parts?|villages?|regions?|towns?|communities|hromadas|settlements|raions)[’']?"
    r"\s+of\s+(?:the\s+)?"
    r"(?:[\w’'-]+\s+){0,2}?(?:provinces?\s+of\s+(?:the\s+)?)?)$",
    re.IGNORECASE,
)

# "the capital(s) of X": X names a province whose capital is meant.
CAPITAL_OF = re.compile(
    r"\b(?:provincial\s+)?(?:capitals?|cent(?:er|re)s?)\s+(?:city\s+)?of\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?"
    r"(?:provinces?\s+of\s+)?$",
    re.IGNORECASE,
)

# Who surrenders a place the report has just named: a definite, local party
# ("the governor", "the local leadership", "some 25 soldiers"), not soldiers
# in general.
LOCAL_SURRENDER = re.compile(
    r"\b(?:the\s+(?:local|district|provincial|city|police|army)?\s*(?:leadership|governor|"
    r"officials|police\s+chief|commander|garrison|chief)|(?:some|about|around|at\s+least)?\s*\d+\s+"
    r"(?:\w+\s+){0,2}?(?:soldiers|troops|police(?:men)?|guards|members|personnel|officers|forces|"
    r"fighters|commandos|militiamen|defenders))\b",
    re.IGNORECASE,
)

# Who went over to the enemy with their post: its defenders, not recruits
# ("the police chief and his men joined X"; not "young men joined X").
DEFECTORS = re.compile(
    r"\b(?:police\s+chief|chief\s+of\s+(?:the\s+)?police|commander|governor|garrison|defenders|"
    r"soldiers|troops|police(?:men)?|commandos|officers|officials|guards|forces|personnel|units)\b",
    re.IGNORECASE,
)

# Pronouns and generic nouns for the side that fights the government.
# A verb of saying, then (optionally) "that", before a reported clause.
SPEECH_BEFORE_CLAUSE = re.compile(
    r"\b(?:said|says|say|claimed|claims|announced|stated|reported|confirmed|added|tweeted|wrote|posted|"
    r"told\s+\w+)"
    r"(?:\s+(?:on\s+\w+|in\s+a\s+[\w\s]{1,30}?))?,?\s+(?:that\s+)?",
    re.IGNORECASE,
)
# A subject pronoun right before a trigger ("they had regained", "it has taken").
REPORTED_PRONOUN = re.compile(r"\b(?:they|it|we)\s+(?:[\w’']+\s+){0,2}[\"“‘']?$", re.IGNORECASE)
# Words that refer back to a side named before: "the troops", "they".
BACK_REFERENCE = re.compile(
    r"\b(?:they|the\s+group|the\s+fighters|its\s+fighters|(?:the|these|those)\s+(?:troops|forces|soldiers|"
    r"units|servicemen))\b",
    re.IGNORECASE,
)

# A subject that refers back to someone just named ("they", "the troops").
BACK_REFERRING_SUBJECT = re.compile(
    r"\b(?:they|he|she|it|the\s+(?:troops|forces|soldiers|fighters|defenders|garrison|units)|"
    r"its\s+(?:troops|forces|defenders|garrison))\b",
    re.IGNORECASE,
)

# Forces named by a definite noun alone, which refer back to a side named
# before ("the troops", "these units"); "our troops" is the speaker's.
DEFINITE_FORCES = re.compile(
    r"\b(?:the|these|those)\s+(?:troops|forces|soldiers|units|servicemen)\b", re.IGNORECASE
)

# Words for armed men, after a side's adjective ("Ukrainian marines").
FORCE_NOUNS = (
    r"marines|paratroopers|commandos|units?|brigades?|battalions?|regiments?|artillery|defenders|"
    r"fighters|servicemen|soldiers|troops|forces|army|military|militias?|militiamen|infantry|tanks|"
    r"gunmen|special\s+forces|national\s+guard|guardsmen|border\s+guards|police|policemen|personnel|"
    r"garrison|airborne|navy|air\s+force|operatives|volunteers|reservists|conscripts|side"
)
# A bare word for armed men, which a foreign adjective makes someone else's.
GENERIC_FORCES = re.compile(
    r"(?:troops|soldiers|forces|army|military|police|special\s+forces)", re.IGNORECASE
)
DEMONYM = re.compile(r"[A-Z][a-z]+(?:an|ian|ish|ese|i|ch|ic)")
WORD_BEFORE = re.compile(r"(?P<word>[\w.’'-]+)\s+$")
FOREIGN_BEFORE = frozenset(
    ("foreign", "international", "coalition", "nato", "western", "allied", "us", "u.s.", "american",
     "british")
)
NOT_FOREIGN_BEFORE = frozenset(("the", "government", "our", "their", "its", "his", "local", "regional"))

INSURGENT_PRONOUNS = re.compile(r"\b(?:they|the\s+group|the\s+fighters|its\s+fighters)\b", re.IGNORECASE)

# Sources that only point back to someone named before.
PRONOUN_SOURCES = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "he also",
        "she also",
        "they also",
        "it was",
        "the latter",
        "the former",
        "this",
        "that",
        "the official",
        "the spokesman",
        "the spokesperson",
        "the statement",
        "he added",
        "she added",
    ]
)

# Attribution: the verbs that introduce who says so.
SPEECH = re.compile(
    r"\b(?:said(?!\s+to\b)|says|say|told|tells|confirmed|confirms|claimed|claims|added|reported|reports|"
    r"stated|announced|denied|denies|rejected|quoted|admitted|admits|acknowledged|acknowledges|conceded|"
    r"concedes|according\s+to|as\s+per|citing)\b",
    re.IGNORECASE,
)


# A reporting word used as a noun before the real verb ("unconfirmed reports
# said"): the text right after the match.
SPEECH_NOUN_USE = re.compile(r"\s+(?:said|say|says|suggest|suggested|indicate|indicated|claim|claimed)\b",
                             re.IGNORECASE)

# A personal name in a source: two or more capitalised words in a row
# ("police spokesman Inamuddin Rahmani"), or one after a title ("Mr. Rahmani");
# its last word is the surname a later "Rahmani said" refers to. A place in a
# title ("the governor of Kestria") is neither.
NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
TITLED_NAME = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Gen)\.?\s+([A-Z][a-z]{3,})\b")

# "Left" closing a relative clause whose object is the noun before it: "the
# scraps of land it has left", "what they had left." The noun is what
# remains (or was left), not a place named, and the pronoun is no place.
LEFT_IN_RELATIVE_BEFORE = re.compile(
    r"\b(?:the|its|their|what|all)\s+"
    r"(?:(?!(?:said|says|say|told|reported|announced|added|claimed|confirmed|stated)\b)[\w’'-]+\s+){0,3}?"
    r"(?:that\s+|which\s+)?(?:it|they|he|she|we)\s+(?:still\s+)?(?:has\s+|have\s+|had\s+)?$",
    re.IGNORECASE,
)
# "Left" a person and then a predicate: a result, not a departure ("the offensive
# left them well placed", "left him in charge").
LEFT_SOMEONE_SOMEHOW_AFTER = re.compile(r"\s+(?:him|her|us|me|you|them)\s+(?-i:[a-z])")
CLAUSE_END_AFTER = re.compile(r"\s*(?:[,.;:!?)\]\"”]|$)")

# An attack from afar or by a lone bomber is no fight for ground: "a rocket
# attack on X", "a suicide attack in X", "the drone strike on X". Such a
# modifier right before a nominal attack trigger leaves it out.
ATTACK_NOUN_TRIGGERS = frozenset({"attack-on"})
STANDOFF_ATTACK_BEFORE = re.compile(
    r"\b(?:rocket|mortar|missile|artillery|suicide|bomb|bombing|car[\s-]bomb|truck[\s-]bomb|drone|"
    r"air|aerial|terror|terrorist|ied|grenade|magnetic[\s-]bomb|sticky[\s-]bomb|mine|"
    r"explosive|shelling)[\s-]+(?:and\s+\w+\s+)?$",
    re.IGNORECASE,
)


# --- small patterns the clause analysis uses ------------------------------------

# Between a unit and the name after it: "Burka district of Baghlan".
# Between a unit's name and the province a sentence places it in: "X district of
# P", "X district in the northern province of P"; and a province's possessive
# before the name ("P's X district").
UNIT_IN_PROVINCE_GAP = re.compile(
    # (Not a comma: "X, P and Q" is a list, not X in P.)
    r"(?:\s+(?:district|city|town))?\s+(?:of|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:province\s+of\s+)?",
    re.IGNORECASE,
)
PROVINCE_POSSESSIVE_GAP = re.compile(r"['’]s\s+")
DISTRICT_OF_GAP = re.compile(r"\s+districts?\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?")

# Between a unit and a province that says where it lies: "X district, Paktia
# province", "X of Parwan province".
PROVINCE_AFTER_UNIT_GAP = re.compile(r"(?:,|\s+(?:of|in))\s+(?:the\s+)?(?:\w+\s+)?")

# "Zaranj, the capital of Nimroz": a city named in apposition to a capital phrase.
APPOSITIVE_CAPITAL = re.compile(r",\s*(?:the\s+)?(?:[\w’'-]+\s+){0,3}?(?:capital|cent(?:er|re))")

# After a comma in the phrase following a trigger: the list of places goes on.
LIST_GOES_ON = re.compile(
    r"\s*(?:and\s|or\s|as\s+well\s+as\s|[A-Z]|(?:the\s+)?(?:provincial\s+)?capital\s+of\s)"
)

# A relative pronoun opening a clause, and what may stand between it and the
# place it stands for ("Gereshk, which", "the town of X that").
# A whole relative clause in commas right before a verb: ", which had been
# under rebel control since July, ".
RELATIVE_CLAUSE_BEFORE = re.compile(
    r",\s*(?:which|that|who)\b[^,;]{1,140},\s*(?:(?:has|have|had|was|were|is|also|then|finally|came|comes|"
    r"come)\s+)*$",
    re.IGNORECASE,
)
RELATIVE_BEFORE = re.compile(r"\b(?:which|that)\s*$", re.IGNORECASE)
ANTECEDENT_GAP = re.compile(r"\s*(?:\s(?:district|city|town|village|province))?\s*,?\s*")

# A clause that opens with a conjunction and goes straight on with a verb
# shares the subject of the clause before ("... liberated X but lost Y").
COORDINATED_VERB_BEFORE = re.compile(r"\b(?:but|and|yet|then|and\s+then)\s*$", re.IGNORECASE)
RELATIVE_WHO_BEFORE = re.compile(r"\b(?:who|which|that)\s*$", re.IGNORECASE)
# A participle clause of time or manner, whose subject is the main clause's:
# "after capturing X", "having taken X", "while retreating from X".
ADJUNCT_ING_BEFORE = re.compile(
    r"\b(?:after|before|while|since|upon|on|by|following|when|having)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)

# An elliptical clause that repeats the verb before for more places: "X was
# captured by Y, and so was Z", "X fell to Y, as did Z".
ELLIPSIS_AFTER = re.compile(
    r",?\s+(?:and\s+so\s+(?:was|were|did|had|has|have)|as\s+(?:did|was|were|had|has|have)|"
    r"and\s+(?:later|then|soon)\s+(?:also\s+)?)\s+",
    re.IGNORECASE,
)

# Separators inside a list of places ("Kunduz, Baghlan and Balkh").
LIST_SEPARATOR = re.compile(r"\s*(?:,|and|,\s*and|as\s+well\s+as|,\s*as\s+well\s+as)\s*")

# A semicolon parts the items of a list of places when each item has commas or
# words of its own ("X district in P; Y in Q; and Z in R"): the item before
# it ends in a place and a level word at most, the next one starts with a place.
LIST_ITEM_TAIL = re.compile(
    r"(?:\s+(?:districts?|provinces?|city|cities|towns?|villages?|regions?|oblasts?|raions?|hromadas?))?\s*",
    re.IGNORECASE,
)
LIST_ITEM_WHERE = re.compile(r"\s*\b(?:in|of)\s+(?:the\s+)?", re.IGNORECASE)
LIST_ITEM_END = re.compile(r"\s*(?:[;,.]|(?:and|or)\b|$)", re.IGNORECASE)
LIST_ITEM_HEAD = re.compile(r"\s*(?:(?:and|or)\s+)?(?:the\s+)?(?:(?:district|town|city|village)\s+of\s+)?",
                            re.IGNORECASE)

# Between two places of one list, with the words that say what each is:
# "Halvik district and the town of Pellin".
LIST_GAP = re.compile(
    # (A hyphen joins names of one compound: "the Sievierodonetsk-Lysychansk area".)
    r"(?:\s+(?:districts?|provinces?|city|town|village))?\s*(?:,|and|,\s*and|as\s+well\s+as|or|(?<=\w)[-–])\s*"
    r"(?:the\s+)?(?:(?:city|town|village|district|province)\s+of\s+)?",
    re.IGNORECASE,
)

# Relations that only ever locate: a place after them is a landmark whatever
# the trigger ("fighting near X", "the road between X and Y").
LANDMARK_ONLY = frozenset({
    "near", "nearby", "close to", "next to", "road to", "highway", "between", "via", "linking", "links",
    "connecting", "connects", "towards", "toward", "heading to", "heading towards", "beyond", "past",
    "direction of", "in the direction of", "axis of", "direction",
    # "pulled out of X to concentrate on the defence of Y": Y is held, not left or taken.
    "defence of", "defense of",
})

# Relations that name where someone went ("retreated to X", "fled towards X").
DESTINATIONS = frozenset(
    {"to", "into", "towards", "toward", "heading to", "heading towards", "reached", "reach"}
)

# "taken by X": the by-phrase of a passive names its doer.
BY_AGENT = re.compile(r"\s*(?:(?!to\b)[\w’']+\s+){0,5}?by\s+(?=\S)", re.IGNORECASE)

# A locative word shortly before a name ("... in the north of Kunduz").
LOCATIVE_WORD = re.compile(r"\b(?:in|across|of)\s")

# Just before an anaphor, a locative makes it a where, not a what
# ("fighting in the district").
LOCATIVE_BEFORE = re.compile(r"\b(?:in|across|within|throughout)\s+$")

# "Ghazni's Jaghatu district": the possessive names where, not what.
POSSESSIVE_AFTER = re.compile(
    r"^(?:\s+(?:province|district|oblast|region|raion|city|town))?[’']s\b", re.IGNORECASE
)
# A possessive naming part of the place ("Kunduz City's entrance", "the
# town's outskirts"): the place, partly (see `PARTIAL_BEFORE`).
POSSESSIVE_PART_AFTER = re.compile(
    r"^(?:\s+(?:city|town))?[’']s\s+(?:[\w-]+\s+)?(?:entrances?|outskirts|suburbs|edges?|gates|"
    r"neighbou?rhoods?|outer\s+\w+|parts?|districts|quarters?|centre|center|downtown)\b",
    re.IGNORECASE,
)

# "the province of X" after a verb: X itself is the object ("captured the
# province of Badakhshan"); after one of `NOT_A_VERB` it is only a location.
PROVINCE_AS_OBJECT = re.compile(r"(\w+)\s+the\s+(?:\w+\s+){0,2}?province\s+of\s+$")
# A place after an exceptive is left out of what the clause says: "most of
# Kestria province, bar its capital and two districts, Tarrow and Ivel, was under
# rebel control"; "all bases other than X are still held".
EXCEPTIVE_BEFORE = re.compile(
    r"\b(?:except(?:\s+for)?|bar|barring|apart\s+from|other\s+than|save\s+for|excluding|"
    r"with\s+the\s+exception\s+of)\s+[^.;:()]{0,60}$",
    re.IGNORECASE,
)

# A capitalised name right after a noun ("the provincial capital Rashkar Gah").
NAME_AFTER = re.compile(r",?\s+(?P<name>[A-Z][\w’'-]+)")

# Between a trigger and the name that is its direct object.
OBJECT_GAP = re.compile(r"\s+(?:the\s+)?")
NOT_A_VERB = frozenset(("in", "of", "across", "within", "throughout", "from", "to", "near", "and"))

# A place named through all of its parts is the place as a whole (a
# quantifier over its subunits, or "entire"/"whole"): "all districts of X",
# "every district in X", "all 11 districts of X", "the entire province of X",
# "the whole of X", "all of X", "all of X's districts", "all X districts". The
# event is the area's, not one district's. (A count short of all, "10 of X's 28
# districts", is a statement about the area, not an event: `areas.py`.)
AREA_PART_WORDS = (
    r"(?:districts?|hromadas?|raions?|municipalit(?:y|ies)|communit(?:y|ies)|count(?:y|ies)|"
    r"areas?|parts?|regions?|territory|territories)"
)
AREA_WORD = r"(?:province|region|oblast|raion|district)"
WHOLE_AREA_PARTS_BEFORE = re.compile(
    r"\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+)?(?:(?!of\b|in\b)[\w-]+\s+)?"
    + AREA_PART_WORDS
    + r"\s+(?:of|in|across)\s+(?:the\s+)?(?:" + AREA_WORD + r"\s+of\s+)?$",
    re.IGNORECASE,
)
WHOLE_AREA_ENTIRE_BEFORE = re.compile(
    r"\b(?:entire|whole)\s+(?:of\s+)?(?:the\s+)?(?:(?:[a-z]+ern\s+)?" + AREA_WORD + r"\s+of\s+)?"
    r"(?:[a-z]+ern\s+)?$"
    r"|\ball\s+of\s+$",
    re.IGNORECASE,
)
WHOLE_AREA_ALL_BEFORE = re.compile(r"\ball\s+(?:of\s+)?(?:the\s+)?$", re.IGNORECASE)
# "all of X's 11 districts", "all X districts": the parts follow the name.
WHOLE_AREA_PARTS_AFTER = re.compile(
    r"^(?:\s+" + AREA_WORD + r")?(?:[’']s?)?\s+(?:\d{1,3}\s+|[a-z]+\s+)?" + AREA_PART_WORDS + r"\b",
    re.IGNORECASE,
)
# After "the entire" or "all of", a possessive of anything else is not the
# area ("all of Kunduz's police").
POSSESSIVE_OR_PLURAL_AFTER = re.compile(r"^[’']s?\b")

# "the Kapisa districts": a province used as a modifier of smaller units.
UNITS_AFTER_PLACE = re.compile(r"\s+(?:districts|areas|villages|towns)\b")

# "the province of ...", "the province's prison": an anaphor followed by "of"
# or a possessive names no place itself.
OF_AFTER = re.compile(r"\s+of\b|[’']s\b")

# After a passive trigger: the agent ("fell to the Taliban", "taken by X").
AGENT_AFTER_PASSIVE = re.compile(
    r"\s*(?:[\w’',]+\s+){0,5}?(?:to|by|of)\s+(?P<rest>.*)|(?<=\b(?:to|by|of))\s+(?P<rest2>.*)",
    re.IGNORECASE,
)

# The "to" of a receiver right before the name ("abandoned to the Taliban").
TO_BEFORE = re.compile(r"\bto\s+(?:the\s+)?$", re.IGNORECASE)

# After a recapture trigger: the side that lost ("cleared of the Taliban").
LOSER_AFTER_RECAPTURE = re.compile(r"\s*(?:\w+\s+){0,3}?(?:of|from)\s", re.IGNORECASE)

# After a nominal trigger: who gained ("the fall of X to the Taliban").
AGENT_AFTER_NOMINAL = re.compile(r"\s*(?:[^,.;]{0,60}?)\b(?:to|by)\s+(?P<rest>.*)", re.IGNORECASE)

# After a surrender: to whom ("surrendered to the militants").
RECEIVER_AFTER = re.compile(r"\bto\s+(?P<rest>.{0,60})", re.IGNORECASE)

# After a repelled attack: by whom ("was pushed back by security forces").
DEFENDER_AFTER = re.compile(r"\s*(?:\w+\s+){0,2}?by\s+(?P<rest>.{0,60})", re.IGNORECASE)

# "an attack by X", "attacks from X": X attacked.
ATTACK_BY = re.compile(
    r"\b(?:(?:counter-?)?(?:attacks?|assaults?|offensives?)|advances?|raids?)\s+(?:by|from|of)\s+",
    re.IGNORECASE,
)

# Words naming an attack: the side named with them attacked.
ATTACK_WORDS = re.compile(r"\b(?:attacks?|assault|offensive|advance)\b", re.IGNORECASE)
