"""Any number of sides: an ally of the government regains, a second armed group
captures for itself, and the actor of a sentence naming none comes from the
profile's `default_actor` or nowhere."""

from __future__ import annotations

import pytest

from .harness import Case, params

# (id, world, text, expected events, places nothing may be said about)
_TABLE: list[tuple[str, str, str, tuple[tuple[str, str, str], ...], tuple[str, ...]]] = [
    # The government's ally: its gains are recaptures, whatever the verb.
    ("ally-captured", "invented", "The Hill Guard captured Karsk district on Sunday.",
     (("recapture", "guard", "ZZ0202"),), ()),
    ("ally-fell-to", "invented", "Karsk fell to Hill Guard militiamen.",
     (("recapture", "guard", "ZZ0202"),), ()),
    ("ally-retook-town", "invented", "Hill Guard militiamen retook the town of Pellin.",
     (("recapture", "guard", "zz:pellin"),), ()),
    ("ally-drove-out", "invented", "The Hill Guard drove NF fighters out of Quessa.",
     (("recapture", "guard", "ZZ0302"),), ()),
    ("ally-in-control", "invented", "The Hill Guard is in control of Ostrel.",
     (("recapture", "guard", "zz:ostrel"),), ()),
    ("ally-receives-surrender", "invented", "NF fighters in Fenmoor surrendered to the Hill Guard.",
     (("surrender", "guard", "zz:fenmoor"),), ()),
    ("ally-withdrew", "invented", "The Hill Guard withdrew from Serrat district.",
     (("withdrawal", "guard", "ZZ0103"),), ()),
    # A second armed group on its own side: its gains are its own captures,
    # not the main insurgent's, and not anybody's recapture.
    ("second-group-overran", "invented", "The Red Banner overran Tirvane district.",
     (("capture", "banner", "ZZ0203"),), ()),
    ("second-group-fell-to", "invented", "Tirvane fell to Red Banner militants on Monday.",
     (("capture", "banner", "ZZ0203"),), ()),
    ("second-group-drove-out-ally", "invented", "Red Banner militants drove the Hill Guard out of Zarnow.",
     (("capture", "banner", "zz:zarnow"),), ()),
    ("second-group-state", "invented", "Oskaro is now under Red Banner control.",
     (("capture", "banner", "ZZ0303"),), ()),
    ("second-group-handover", "invented", "Elders handed Tirvane over to the Red Banner.",
     (("handover", "banner", "ZZ0203"),), ()),
    ("second-group-from-insurgent", "invented",
     "The Red Banner captured Halvik district from the Northern Front.",
     (("capture", "banner", "ZZ0102"),), ()),
    ("insurgent-took-back-from-second-group", "invented",
     "The Northern Front took Halvik back from the Red Banner.",
     (("capture", "front", "ZZ0102"),), ()),
    ("two-non-government-sides-clash", "invented",
     "Fighting between the Red Banner and the Northern Front continued in Karsk.",
     (("clash", "*", "ZZ0202"),), ()),
    # The two main sides, for comparison.
    ("government-retook", "invented", "Government troops retook Serrat district.",
     (("recapture", "government", "ZZ0103"),), ()),
    ("insurgent-captured", "invented", "NF fighters captured Oskaro district.",
     (("capture", "front", "ZZ0303"),), ()),
    # No default actor: a sentence naming nobody gives nobody's event.
    ("no-default/fell", "invented", "Velora fell on Monday.", (), ("ZZ0201", "ZZ02")),
    ("no-default/was-captured", "invented", "Karsk district was captured on Sunday.", (), ("ZZ0202",)),
    ("no-default/has-fallen", "invented", "Halvik has fallen.", (), ("ZZ0102",)),
    ("no-default/was-overrun", "invented", "The town of Pellin was overrun overnight.", (), ("zz:pellin",)),
    ("no-default/under-siege", "invented", "The city of Ambrel came under siege last week.", (),
     ("ZZ0301",)),
    ("no-default/unknown-armed-men", "invented", "Quessa is now under the control of armed men.", (),
     ("ZZ0302",)),
    # The profile's default actor, whichever it is and wherever it is listed.
    ("default-front/fell", "invented-default", "Velora fell on Monday.",
     (("capture", "front", "ZZ0201"),), ("ZZ02",)),
    ("default-front/was-captured", "invented-default", "Karsk district was captured on Sunday.",
     (("capture", "front", "ZZ0202"),), ()),
    ("default-front/has-fallen", "invented-default", "Halvik has fallen.",
     (("capture", "front", "ZZ0102"),), ()),
    ("default-banner/fell", "invented-banner", "Velora fell on Monday.",
     (("capture", "banner", "ZZ0201"),), ("ZZ02",)),
    ("default-banner/was-captured", "invented-banner", "Karsk district was captured on Sunday.",
     (("capture", "banner", "ZZ0202"),), ()),
    # A named actor overrides the default.
    ("default-front/named-ally", "invented-default", "Velora fell to the Hill Guard.",
     (("recapture", "guard", "ZZ0201"),), ()),
    ("default-banner/named-insurgent", "invented-banner", "Velora fell to NF fighters on Monday.",
     (("capture", "front", "ZZ0201"),), ()),
    # Afghanistan: the resistance is on the government's side.
    ("afghan/resistance-recaptured", "afghan", "Resistance forces recaptured Deh Salah district on Sunday.",
     (("recapture", "resistance", "AF0908"),), ()),
    ("afghan/fell-to-resistance", "afghan", "Pul-e-Hisar fell to the National Resistance Front.",
     (("recapture", "resistance", "AF0912"),), ()),
    ("afghan/taliban-retook-from-resistance", "afghan",
     "The Taliban retook Deh Salah from resistance forces.",
     (("capture", "taliban", "AF0908"),), ()),
    ("afghan/government-retook", "afghan", "Afghan forces retook Khan Abad.",
     (("recapture", "government", "AF1904"),), ()),
    ("afghan/default-taliban", "afghan", "Kunduz city fell on Monday.",
     (("capture", "taliban", "AF1901"),), ("AF19",)),
]

CASES = [Case(id=i, world=w, text=t, expect=e, nothing_about=n) for i, w, t, e, n in _TABLE]


@pytest.mark.parametrize("case", params(CASES))
def test_sides_come_from_the_profile(case: Case, run_case) -> None:
    run_case(case)
