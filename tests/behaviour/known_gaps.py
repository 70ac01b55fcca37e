"""Cases the extractor is known to get wrong, each with the reason.

They stay in the suite, marked as expected failures (strict: a case that
starts to pass fails the run until it is taken off this list), so the suite
keeps specifying what a careful analyst would code while the build stays
green. Every entry says why it fails today.
"""

from __future__ import annotations

_PROVINCE_FIGHTING = (
    "fighting across a whole province: the gold coders code no event for it ('province-level "
    "fighting not coded separately'), so the fitted model's odds stay under even"
)
_PROVINCE_STATE = (
    "a whole province held or surrendered: gold reports rarely say so of a province, and the "
    "fitted model's odds stay just under even despite the teaching sentences"
)
_ONE_CLAIM_PER_UNIT = (
    "two places of one district taken in one sentence: events are merged per unit of the map "
    "(the district), so the town's own event is the district's"
)
_BARE_RESISTANCE = (
    "'resistance' alone is not an alias of the resistance in the Afghan profile ('met no "
    "resistance', 'heavy resistance from Afghan forces'), so 'under resistance control' names "
    "no actor and the profile's default actor is taken"
)

KNOWN_GAPS: dict[str, str] = {
    "clashes-broke-out-in/province/invented/front": _PROVINCE_FIGHTING,
    "clashes-broke-out-in/province/afghan/taliban": _PROVINCE_FIGHTING,
    "heavy-fighting-in/province/invented/government": _PROVINCE_FIGHTING,
    "heavy-fighting-in/province/afghan/resistance": _PROVINCE_FIGHTING,
    "fighting-between-continued-in/province/invented/government": _PROVINCE_FIGHTING,
    "fighting-between-continued-in/province/afghan/resistance": _PROVINCE_FIGHTING,
    "repelled-an-attack-on/province/invented/front": _PROVINCE_FIGHTING,
    "repelled-an-attack-on/province/afghan/taliban": _PROVINCE_FIGHTING,
    "is-in-control-of/province/invented/government": _PROVINCE_STATE,
    "is-in-control-of/province/afghan/resistance": _PROVINCE_STATE,
    "loser-in-surrendered-to/province/invented/front": _PROVINCE_STATE,
    "loser-in-surrendered-to/province/afghan/taliban": _PROVINCE_STATE,
    "as-well-as-the-town-of/invented/nf-fighters": _ONE_CLAIM_PER_UNIT,
    "as-well-as-the-town-of/invented/government-troops": _ONE_CLAIM_PER_UNIT,
    "reportedly-under-control/town/afghan/resistance": _BARE_RESISTANCE,
    "under-adj-control/capital/afghan/resistance": _BARE_RESISTANCE,
}
