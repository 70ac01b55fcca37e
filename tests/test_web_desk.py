"""The web app as an analyst's desk, in a real browser against the real server.

Debian's chromium, driven by Playwright, on uvicorn serving a private copy of
the report workspace (`test_api.build_report_workspace`) plus one report with
no title, posted through the API. One server and one browser serve the whole
module (the machine is small); each test opens its own page, at 1600×1000 or
at a phone's 390×844, and keeps a screenshot under `test-artifacts/`.

What is covered: search with type-ahead; review (read-only without a token;
with an analyst token reject with a reason, restore, pin; the audit trail in
the panel and in `frontlines explain`, surviving `reextract`); share and
export (copy link, downloads, /docs, the URL hash followed live, a visible
message for a bad date or unit); accessibility (the slider's date as
`aria-valuetext`, no unit tab stops, focus rings, Enter, axe-core); the phone
layout; the chart's legend and values; the change list per level; a report
without a title named by outlet and date.

The last tests go through the same points on a touch phone (390×844): review
in the panel, share and export (a real download), the live URL and its
messages, the slider, Enter and axe-core, the chart's values on a tap, the
change list per level, and every tapped unit's panel coming into view.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from frontlines.api import create_app
from frontlines.store import Workspace
from frontlines.tokens import ANALYST, create_token

from .conftest import run_cli
from .test_api import IMAM_SAHIB, IMAM_SAHIB_SENTENCE, KHAN_ABAD, build_report_workspace

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "src/frontlines/web/vendor"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1600, "height": 1000}
PHONE = {"width": 390, "height": 844}
START = date(2021, 5, 1)

# Posted through the API with no title: the page must name it by outlet and date.
UNTITLED = {"id": "own-untitled", "published": "2021-06-26", "outlet": "Kunduz Daily Test",
            "text": "The Taliban captured Khan Abad district in Kunduz province on Friday, a "
                    "provincial council member admitted.\n\nNo more was said."}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (make install puts Debian's chromium there)"),
]


class Desk:
    """The server's address, its workspace and an analyst's token."""

    def __init__(self, url: str, workspace: Workspace, token: str):
        self.url = url
        self.workspace = workspace
        self.token = token


@pytest.fixture(scope="module")
def desk(afghan_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    import httpx
    import uvicorn

    assert (VENDOR / "axe-core" / "axe.min.js").exists(), "axe-core is missing: run 'make install'"
    ws = build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("desk") / "ws")
    with ws.begin() as conn:
        token = create_token(conn, "ana", ANALYST)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(ws.path), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    posted = httpx.post(url + "/api/documents", json=UNTITLED, timeout=60,
                        headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 201, posted.text
    yield Desk(url, ws, token)
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any, desk: Desk) -> Iterator[Any]:
    """Open the app at a hash and size; page errors and outside requests fail the test."""
    contexts: list[Any] = []
    problems: list[str] = []
    outside: list[str] = []

    def opener(hash_: str = "", viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda r: None if r.url.startswith((desk.url, "data:", "blob:"))
                else outside.append(r.url))
        page.goto(f"{desk.url}/{hash_}")
        page.wait_for_selector("body[data-ready='true']", timeout=30_000)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not problems, problems
    assert not outside, outside


def slide_to(page: Any, day: str) -> None:
    page.locator("#date-slider").fill(str((date.fromisoformat(day) - START).days))
    page.wait_for_selector(f"body[data-loaded='{day}']", timeout=15_000)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"web-desk-{name}.png"))


# --- 1. search ----------------------------------------------------------------------------


def test_type_ahead_finds_a_place_with_its_parents_and_opens_it(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page("#date=2021-06-22")
    search = page.locator("#search")
    search.fill("imam sa")
    first = page.locator("#search-results li[role='option']").first
    expect(first).to_contain_text("Imam Sahib")
    expect(first).to_contain_text("Kunduz")
    expect(search).to_have_attribute("aria-expanded", "true")
    shot(page, "search-typeahead")
    search.press("Enter")
    expect(page.locator("#unit-name")).to_have_text("Imam Sahib")
    expect(page.locator("#unit-evidence")).to_contain_text(IMAM_SAHIB_SENTENCE)
    assert f"unit={IMAM_SAHIB}" in page.evaluate("location.hash")
    # A misspelt town finds its district's panel.
    search.fill("Khanabad")
    expect(page.locator("#search-results li[role='option']").first).to_contain_text("Khan")
    page.locator("#search-results li[role='option']").first.click()
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")


# --- 2. review ----------------------------------------------------------------------------


def test_review_in_the_browser_is_kept_in_one_trail(open_page: Any, desk: Desk) -> None:
    from playwright.sync_api import expect

    page = open_page(f"#date=2021-06-22&unit={IMAM_SAHIB}")
    expect(page.locator("#unit-name")).to_have_text("Imam Sahib")
    # Without a token the page is read-only and says so.
    expect(page.locator("#access-note")).to_contain_text("Read-only")
    expect(page.locator("#review-note")).to_contain_text("Read-only")
    expect(page.locator(".reject-form")).to_have_count(0)
    expect(page.locator("#pin-form")).to_be_hidden()

    page.locator("#token-input").fill(desk.token)
    page.locator("#token-form button[type='submit']").click()
    expect(page.locator("#access-note")).to_contain_text("Reviewing as ana")
    item = page.locator("#unit-evidence li", has_text=IMAM_SAHIB_SENTENCE)
    event_id = item.get_attribute("data-event")
    assert event_id
    item.locator(".reject-form input").fill("the district centre was not taken that day")
    item.get_by_role("button", name="Reject").click()
    rejected = page.locator(f"#unit-rejected li[data-event='{event_id}']")
    expect(rejected).to_contain_text("the district centre was not taken that day")
    expect(page.locator(f"#unit-evidence li[data-event='{event_id}']")).to_have_count(0)
    expect(page.locator("#unit-trail li[data-action='reject']")).to_contain_text("by ana")
    shot(page, "review-rejected")

    # The command line sees the browser's decision, with who and why.
    explained = run_cli("explain", IMAM_SAHIB, workspace=desk.workspace.path).output
    assert "by ana: the district centre was not taken that day" in explained

    rejected.get_by_role("button", name="Restore").click()
    expect(page.locator(f"#unit-evidence li[data-event='{event_id}']")).to_have_count(1)
    expect(page.locator("#unit-trail li[data-action='restore']")).to_have_count(1)

    page.locator("#pin-state").select_option("government")
    page.locator("#pin-start").fill("2021-06-21")
    page.locator("#pin-end").fill("2021-06-23")
    page.locator("#pin-note").fill("retaken overnight, say two local sources")
    page.get_by_role("button", name="Pin", exact=True).click()
    expect(page.locator("#unit-state")).to_have_text("Afghan government")
    expect(page.locator("#unit-trail li[data-action='pin']")).to_contain_text("retaken overnight")
    shot(page, "review-pinned")

    # Re-extraction keeps the decisions: the pin holds and the trail is whole after a reload.
    assert run_cli("reextract", workspace=desk.workspace.path).exit_code == 0
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    expect(page.locator("#unit-state")).to_have_text("Afghan government")
    expect(page.locator("#unit-trail li")).to_have_count(3)
    # The token stays for this tab only; forgetting it makes the page read-only again.
    expect(page.locator("#access-note")).to_contain_text("Reviewing as ana")
    page.locator("#token-forget").click()
    expect(page.locator("#access-note")).to_contain_text("Read-only")
    trail = json.loads(run_cli("decide", "trail", "--unit", IMAM_SAHIB, "--format", "json",
                               workspace=desk.workspace.path).output)
    assert [e["action"] for e in trail] == ["reject", "restore", "pin"]
    assert {e["who"] for e in trail} == {"ana"}
    # Leave the workspace as the other tests expect it.
    assert run_cli("decide", "remove", str(trail[-1]["decision_id"]),
                   workspace=desk.workspace.path).exit_code == 0


# --- 3. share and export ------------------------------------------------------------------


def test_share_export_and_a_live_url(open_page: Any, desk: Desk) -> None:
    import httpx
    from playwright.sync_api import expect

    page = open_page("#date=2021-06-22", permissions=["clipboard-read", "clipboard-write"])
    page.locator("#copy-link").click()
    expect(page.locator("#tool-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()").endswith("#date=2021-06-22")
    assert page.locator("a[href='/docs']").count() == 1

    for link, kind in (("#download-png", "image/png"), ("#download-csv", "text/csv"),
                       ("#download-geojson", "application/geo+json")):
        href = page.locator(link).get_attribute("href")
        assert href and "date=2021-06-22" in href
        assert page.locator(link).get_attribute("download")
        answer = httpx.get(desk.url + href, timeout=120)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind)
    csv_text = httpx.get(desk.url + page.locator("#download-csv").get_attribute("href"),
                         timeout=60).text
    assert csv_text.lstrip("\ufeff").startswith("place_id,") and IMAM_SAHIB in csv_text

    # Editing the URL moves the map; back and forward too.
    page.evaluate(f"location.hash = '#date=2021-06-26&unit={KHAN_ABAD}'")
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")
    expect(page.locator("#date-label")).to_have_text("26 June 2021")
    page.locator(f"path[data-unit='{IMAM_SAHIB}']").click()
    expect(page.locator("#unit-name")).to_have_text("Imam Sahib")
    page.go_back()
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")
    page.go_forward()
    expect(page.locator("#unit-name")).to_have_text("Imam Sahib")

    # A bad date or unit says so, visibly.
    page.evaluate("location.hash = '#date=2021-13-45'")
    expect(page.locator("#message")).to_be_visible()
    expect(page.locator("#message")).to_contain_text("2021-13-45")
    page.evaluate("location.hash = '#date=2021-06-22&unit=AF9999'")
    expect(page.locator("#message")).to_contain_text("AF9999")
    shot(page, "bad-unit-message")
    page.evaluate("location.hash = '#date=2021-06-24'")
    expect(page.locator("#message")).to_be_hidden()


# --- 4. accessibility ---------------------------------------------------------------------


def test_keyboard_screen_reader_and_axe(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page("#date=2021-06-22")
    expect(page.locator("#date-slider")).to_have_attribute("aria-valuetext", "22 June 2021")
    slide_to(page, "2021-06-24")
    expect(page.locator("#date-slider")).to_have_attribute("aria-valuetext", "24 June 2021")
    # No unit shape is a tab stop; the first stops are the page's own controls.
    assert page.locator("path[data-unit]").count() > 300
    assert page.locator("path[data-unit]:not([tabindex='-1'])").count() == 0
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.tagName + '#' + document.activeElement.id"))
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", stops[-1]
    assert not any(stop.startswith("path") for stop in stops), stops
    # Enter on a change in the list opens its unit.
    item = page.locator("#feed li").first
    item.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#unit-panel")).to_be_visible()
    shot(page, "keyboard")

    grave = serious_accessibility_violations(page)
    assert grave == [], grave


def serious_accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core (served by us, for the tests only) finds serious or critical on the page."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    found = page.evaluate("""async () => {
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
                                              target: v.nodes[0].target }));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


# --- 5. phone -----------------------------------------------------------------------------


def test_on_a_phone_the_page_scrolls_and_the_panel_comes_into_view(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page("#date=2021-06-22", viewport=PHONE, is_mobile=True, has_touch=True)
    assert page.evaluate("document.scrollingElement.scrollHeight") > PHONE["height"] * 1.5
    sidebar_box = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.sidebar'));"
                                " return s.overflowY; })()")
    assert sidebar_box == "visible"
    slider = page.locator("#date-slider")
    assert slider.get_attribute("step") == "1"
    ticks = page.locator("#month-ticks option")
    assert ticks.count() >= 3 and slider.get_attribute("list") == "month-ticks"
    shot(page, "phone-map")
    unit = page.locator(f"path[data-unit='{IMAM_SAHIB}']")
    unit.scroll_into_view_if_needed()
    unit.tap()
    expect(page.locator("#unit-name")).to_have_text("Imam Sahib")
    expect(page.locator("#unit-panel")).to_be_in_viewport()
    shot(page, "phone-panel")
    # Search works there too, and its place's panel comes into view as well.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#search").fill("Khan Abad")
    expect(page.locator("#search-results li[role='option']").first).to_contain_text("Khan Abad")
    page.locator("#search").press("Enter")
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")
    expect(page.locator("#unit-panel")).to_be_in_viewport()
    shot(page, "phone-search")


# --- 6 and 7. chart, change list per level, untitled reports -------------------------------


def test_chart_legend_feed_by_level_and_untitled_reports(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(f"#date=2021-06-26&unit={KHAN_ABAD}")
    legend = page.locator("#chart-legend li")
    assert legend.count() >= 3
    expect(page.locator("#chart-legend")).to_contain_text("Taliban")
    expect(page.locator("#chart-legend li[data-key$=':baseline']")).not_to_have_count(0)
    expect(page.locator("#chart svg .axis-title")).not_to_have_count(0)
    page.locator("#chart > svg").hover(position={"x": 300, "y": 60})
    readout = page.locator("#chart-readout")
    expect(readout).to_be_visible()
    expect(readout).to_contain_text("2021")
    shot(page, "chart")

    untitled = page.locator("#unit-evidence li", has_text="No more was said").or_(
        page.locator("#unit-evidence li[data-event^='own-untitled']"))
    expect(untitled.first).to_contain_text("Kunduz Daily Test, 26 June 2021")

    # Districts: the list names the districts that changed. Provinces: no province changed
    # hands that week (none lost a majority of its districts), so the list is empty.
    expect(page.locator(f"#feed li[data-unit='{KHAN_ABAD}']")).to_have_count(1)
    page.locator("#level").select_option("1")
    page.wait_for_selector("path[data-unit='AF19']", timeout=15_000)
    expect(page.locator("#feed-empty")).to_be_visible()
    expect(page.locator("#feed li")).to_have_count(0)


# --- the same points at a phone's 390×844 ----------------------------------------------------


def open_phone(open_page: Any, hash_: str = "", **options: Any) -> Any:
    """The app on a touch phone (390×844): taps, not clicks; a mobile viewport."""
    return open_page(hash_, viewport=PHONE, is_mobile=True, has_touch=True, **options)


def assert_fits_the_width(page: Any) -> None:
    """Nothing is wider than the phone: the page never scrolls sideways."""
    wide = page.evaluate("document.scrollingElement.scrollWidth")
    assert wide <= PHONE["width"], f"the page is {wide} px wide on a {PHONE['width']} px phone"


def test_on_a_phone_review_in_the_panel(open_page: Any, desk: Desk) -> None:
    from playwright.sync_api import expect

    def trail() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(run_cli(
            "decide", "trail", "--unit", IMAM_SAHIB, "--format", "json",
            workspace=desk.workspace.path).output)
        return found

    before = len(trail())
    page = open_phone(open_page, f"#date=2021-06-22&unit={IMAM_SAHIB}")
    expect(page.locator("#unit-name")).to_have_text("Imam Sahib")
    expect(page.locator("#review-note")).to_contain_text("Read-only")
    expect(page.locator(".reject-form")).to_have_count(0)
    page.locator("#token-input").fill(desk.token)
    page.locator("#token-form button[type='submit']").tap()
    expect(page.locator("#access-note")).to_contain_text("Reviewing as ana")

    item = page.locator("#unit-evidence li", has_text=IMAM_SAHIB_SENTENCE)
    event_id = item.get_attribute("data-event")
    assert event_id
    item.locator(".reject-form input").fill("a rumour, denied the next day")
    item.get_by_role("button", name="Reject").tap()
    rejected = page.locator(f"#unit-rejected li[data-event='{event_id}']")
    expect(rejected).to_contain_text("a rumour, denied the next day")
    expect(page.locator(f"#unit-evidence li[data-event='{event_id}']")).to_have_count(0)
    assert_fits_the_width(page)
    rejected.scroll_into_view_if_needed()
    shot(page, "phone-review-rejected")

    rejected.get_by_role("button", name="Restore").tap()
    expect(page.locator(f"#unit-evidence li[data-event='{event_id}']")).to_have_count(1)
    expect(page.locator(f"#unit-rejected li[data-event='{event_id}']")).to_have_count(0)

    form = page.locator("#pin-form")
    expect(form).to_be_visible()
    page.locator("#pin-state").select_option("government")
    page.locator("#pin-start").fill("2021-06-21")
    page.locator("#pin-end").fill("2021-06-23")
    page.locator("#pin-note").fill("held, says the district governor by phone")
    form.scroll_into_view_if_needed()
    box = form.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    form.get_by_role("button", name="Pin", exact=True).tap()
    expect(page.locator("#unit-state")).to_have_text("Afghan government")
    expect(page.locator("#unit-trail li[data-action='pin']").last).to_contain_text("held, says")
    assert_fits_the_width(page)
    page.locator("#trail-box summary").tap()
    page.locator("#unit-trail li[data-action='pin']").last.scroll_into_view_if_needed()
    shot(page, "phone-review-pinned")

    decisions = trail()
    assert [e["action"] for e in decisions[before:]] == ["reject", "restore", "pin"]
    assert decisions[before]["why"] == "a rumour, denied the next day"
    # Leave the workspace as the other tests expect it.
    assert run_cli("decide", "remove", str(decisions[-1]["decision_id"]),
                   workspace=desk.workspace.path).exit_code == 0


def test_on_a_phone_share_export_and_a_live_url(open_page: Any, desk: Desk) -> None:
    import httpx
    from playwright.sync_api import expect

    page = open_phone(open_page, "#date=2021-06-22",
                      permissions=["clipboard-read", "clipboard-write"], accept_downloads=True)
    assert_fits_the_width(page)
    for tool in ("#copy-link", "#download-png", "#download-csv", "#download-geojson",
                 "a[href='/docs']"):
        expect(page.locator(tool)).to_be_in_viewport()
    page.locator("#copy-link").tap()
    expect(page.locator("#tool-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()").endswith("#date=2021-06-22")
    shot(page, "phone-share")

    # Each download answers with its kind; the CSV is downloaded by the browser itself.
    for link, kind in (("#download-png", "image/png"), ("#download-csv", "text/csv"),
                       ("#download-geojson", "application/geo+json")):
        href = page.locator(link).get_attribute("href")
        assert href and "date=2021-06-22" in href
        answer = httpx.get(desk.url + href, timeout=120)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind)
    with page.expect_download() as downloading:
        page.locator("#download-csv").tap()
    download = downloading.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    csv_text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert csv_text.startswith("place_id,") and IMAM_SAHIB in csv_text

    # The URL hash is followed: an edit moves the map and opens the unit, in view.
    page.evaluate(f"location.hash = '#date=2021-06-26&unit={KHAN_ABAD}'")
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")
    expect(page.locator("#date-label")).to_have_text("26 June 2021")
    expect(page.locator("#unit-panel")).to_be_in_viewport()
    page.go_back()
    expect(page.locator("#unit-panel")).to_be_hidden()
    expect(page.locator("#date-label")).to_have_text("22 June 2021")
    page.go_forward()
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")

    # A bad date or unit says so where the reader is, even scrolled down to the panel.
    page.evaluate("location.hash = '#date=2021-13-45'")
    expect(page.locator("#message")).to_contain_text("2021-13-45")
    expect(page.locator("#message")).to_be_in_viewport()
    shot(page, "phone-bad-date-message")
    page.locator("#chart").scroll_into_view_if_needed()
    page.evaluate("location.hash = '#date=2021-06-22&unit=AF9999'")
    expect(page.locator("#message")).to_contain_text("AF9999")
    expect(page.locator("#message")).to_be_in_viewport()
    page.evaluate("location.hash = '#date=2021-06-24'")
    expect(page.locator("#message")).to_be_hidden()


def test_on_a_phone_keyboard_screen_reader_and_axe(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_phone(open_page, "#date=2021-06-22")
    slider = page.locator("#date-slider")
    expect(slider).to_have_attribute("aria-valuetext", "22 June 2021")
    slide_to(page, "2021-06-24")
    expect(slider).to_have_attribute("aria-valuetext", "24 June 2021")
    expect(page.locator("#date-label")).to_have_text("24 June 2021")
    # A slider a thumb can hold: nearly the phone's width (over 2.5 px a day), 36 px high.
    box = slider.bounding_box()
    assert box and box["width"] >= PHONE["width"] * 0.7 and box["height"] >= 32, box
    days = int(slider.get_attribute("max") or 0)
    assert days and box["width"] / days > 2.5, (box, days)
    # Enter on a change in the list (a keyboard on a phone, or a switch device) opens its
    # unit, and the panel comes into view.
    item = page.locator("#feed li").first
    item.scroll_into_view_if_needed()
    item.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#unit-panel")).to_be_visible()
    expect(page.locator("#unit-panel")).to_be_in_viewport()
    shot(page, "phone-keyboard")

    grave = serious_accessibility_violations(page)
    assert grave == [], grave


def test_on_a_phone_chart_values_on_tap_and_the_change_list_per_level(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_phone(open_page, "#date=2021-06-26")
    expect(page.locator("#chart-legend")).to_contain_text("Taliban")
    assert page.locator("#chart-legend li").count() >= 3
    expect(page.locator("#chart svg .axis-title")).not_to_have_count(0)
    chart = page.locator("#chart > svg")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # A tap shows that day's values and moves the map to it.
    chart.tap(position={"x": box["width"] * 0.6, "y": box["height"] * 0.3})
    readout = page.locator("#chart-readout")
    expect(readout).to_be_visible()
    expect(readout).to_contain_text("2021")
    expect(readout.locator("div").first).to_contain_text(":")
    day = readout.locator("strong").inner_text()
    expect(page.locator("#date-slider")).to_have_attribute("aria-valuetext", day)
    expect(readout).to_be_in_viewport()
    assert_fits_the_width(page)
    shot(page, "phone-chart")

    # The change list follows the level: districts name Khan Abad; no province changed.
    page.evaluate("location.hash = '#date=2021-06-26'")
    page.wait_for_selector("body[data-loaded='2021-06-26']", timeout=15_000)
    expect(page.locator(f"#feed li[data-unit='{KHAN_ABAD}']")).to_have_count(1)
    page.locator("#level").select_option("1")
    page.wait_for_selector("path[data-unit='AF19']", timeout=15_000)
    expect(page.locator("#feed-empty")).to_be_visible()
    expect(page.locator("#feed li")).to_have_count(0)
    page.locator("#feed-empty").scroll_into_view_if_needed()
    shot(page, "phone-feed-provinces")
    page.locator("#level").select_option("2")
    expect(page.locator(f"#feed li[data-unit='{KHAN_ABAD}']")).to_have_count(1)


def test_on_a_phone_every_tap_brings_its_panel_into_view(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_phone(open_page, "#date=2021-06-26")
    panel = page.locator("#unit-panel")
    # A unit tapped on the map, then another one with the panel already open.
    for unit, name in ((IMAM_SAHIB, "Imam Sahib"), (KHAN_ABAD, "Khan Abad")):
        page.evaluate("window.scrollTo(0, 0)")
        shape = page.locator(f"path[data-unit='{unit}']")
        shape.scroll_into_view_if_needed()
        shape.tap()
        expect(page.locator("#unit-name")).to_have_text(name)
        expect(panel).to_be_in_viewport()
    shot(page, "phone-tapped-unit")
    # A change tapped in the list, far below the panel.
    change = page.locator(f"#feed li[data-unit='{KHAN_ABAD}']")
    change.scroll_into_view_if_needed()
    change.tap()
    expect(page.locator("#unit-name")).to_have_text("Khan Abad")
    expect(panel).to_be_in_viewport()
    # A report's stored text, opened from the evidence, comes into view as well.
    page.locator("#unit-evidence li .links button").first.tap()
    expect(page.locator("#report-panel")).to_be_in_viewport()
    expect(page.locator("#report-text")).not_to_be_empty()
    assert_fits_the_width(page)
    shot(page, "phone-report")
