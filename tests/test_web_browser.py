"""End to end in a real browser: Debian's chromium, driven by Playwright, against the real server.

The server is uvicorn on a free loopback port (in a thread, on a private copy
of a workspace holding our own reports, one of them hostile). The page must
load everything from that server (no CDN), show Imam Sahib's evidence for
2021-06-22 after a click, and show the hostile report's markup as text
without running any of it. The screenshot is kept under `test-artifacts/`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from frontlines.api import create_app
from frontlines.models import Evidence, Statement
from frontlines.store import Workspace, replace_statements

from .test_api import (
    HOSTILE_MARKUP,
    HOSTILE_SCRIPT,
    IMAM_SAHIB,
    IMAM_SAHIB_SENTENCE,
    build_report_workspace,
)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LEAFLET = Path(__file__).resolve().parents[1] / "src/frontlines/web/vendor/leaflet/leaflet.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (make install puts Debian's chromium there)"),
]


@pytest.fixture(scope="module")
def server(afghan_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1 and a free port; yields its base URL."""
    import uvicorn

    assert LEAFLET.exists(), "Leaflet is not installed: run 'make install'"
    ws = build_report_workspace(afghan_workspace, tmp_path_factory.mktemp("web") / "ws")
    with ws.begin() as conn:  # a statement about Kunduz province, hostile markup and all
        sentence = f"The Taliban hold 3 of Kunduz's 7 districts {HOSTILE_MARKUP}"
        replace_statements(conn, "own-hostile", [Statement(
            actor="taliban", evidence=Evidence("own-hostile", sentence, 0, len(sentence)),
            area_id="AF19", area_name="Kunduz", count=3, total=7, unit_word="districts",
            date="2021-06-22", source="a council member")])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound before uvicorn starts: no race for the port
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(ws.path), log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_slider_click_evidence_and_hostile_markup_as_text(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(server + "/")
            page.wait_for_selector("body[data-ready='true']", timeout=30_000)

            # Move the slider to 2021-06-22 (it counts days from the profile's start).
            slider = page.locator("#date-slider")
            assert slider.get_attribute("min") == "0"
            target = (date(2021, 6, 22) - date(2021, 5, 1)).days
            slider.fill(str(target))
            page.wait_for_selector("body[data-loaded='2021-06-22']", timeout=10_000)
            expect(page.locator("#date-label")).to_have_text("22 June 2021")
            expect(page.locator("#legend li[data-key='taliban'] .count")).to_have_text("1")

            # The front line of that day: around Imam Sahib, the one Taliban district, drawn
            # as a bold line over the units and counted in the legend.
            assert int(page.evaluate("document.body.dataset.frontline")) >= 1
            expect(page.locator("path.frontline:not(.frontline-contested)")).to_have_count(1)
            front = page.locator("#legend li[data-key^='frontline:'][data-key*='taliban']")
            expect(front).to_have_count(1)
            expect(front.locator(".count")).to_contain_text("km")
            # On the first day no district has changed hands: there is no front line.
            slider.fill("0")
            page.wait_for_selector("body[data-loaded='2021-05-01']", timeout=10_000)
            assert page.evaluate("document.body.dataset.frontline") == "0"
            expect(page.locator("path.frontline")).to_have_count(0)
            slider.fill(str(target))
            page.wait_for_selector("body[data-loaded='2021-06-22']", timeout=10_000)
            expect(page.locator("path.frontline:not(.frontline-contested)")).to_have_count(1)

            # Click Imam Sahib on the map.
            unit = page.locator(f"path[data-unit='{IMAM_SAHIB}']")
            unit.scroll_into_view_if_needed()
            unit.click()
            panel = page.locator("#unit-panel")
            expect(panel).to_be_visible()
            expect(page.locator("#unit-name")).to_have_text("Imam Sahib")
            expect(page.locator("#unit-state")).to_have_text("Taliban")
            expect(page.locator("#unit-since")).to_have_text("21 June 2021")
            evidence = page.locator("#unit-evidence")
            expect(evidence).to_contain_text(IMAM_SAHIB_SENTENCE)
            expect(evidence).to_contain_text("Kunduz Daily Test")
            link = evidence.locator("a[href='https://news.example.org/kunduz/imam-sahib-falls']")
            expect(link).to_have_count(1)

            # The hostile report: its markup is on the page as text, and nothing of it ran.
            expect(evidence).to_contain_text(HOSTILE_MARKUP)
            expect(evidence).to_contain_text(HOSTILE_SCRIPT + "Wire")
            assert page.locator("#unit-panel img, #unit-panel script, .sidebar img").count() == 0
            assert page.locator("a[href^='javascript']").count() == 0
            hostile = evidence.locator("li", has_text=HOSTILE_MARKUP)
            hostile.get_by_role("button", name="Read the stored text").click()
            expect(page.locator("#report-text")).to_contain_text(HOSTILE_SCRIPT)
            expect(page.locator("#report-title")).to_contain_text(HOSTILE_MARKUP)
            assert page.evaluate("typeof window.__pwned") == "undefined"

            # The week's feed and the chart are there.
            expect(page.locator("#feed li[data-unit='AF1905']")).to_have_count(1)
            expect(page.locator("#chart svg path")).not_to_have_count(0)

            panel.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "web-imam-sahib-2021-06-22.png"))
            # A district shows no statements; the baseline districts say they rest on no report.
            expect(page.locator("#unit-statements-box")).to_be_hidden()

            # The province view: what reports say of Kunduz province as a whole, as text.
            page.locator("#level").select_option("1")
            page.wait_for_selector("path[data-unit='AF19']", timeout=10_000)
            province = page.locator("path[data-unit='AF19']")
            province.scroll_into_view_if_needed()
            province.click()
            expect(page.locator("#unit-name")).to_have_text("Kunduz")
            statements = page.locator("#unit-statements")
            expect(statements).to_contain_text("Taliban: 3 of 7 districts in Kunduz")
            expect(statements).to_contain_text(HOSTILE_MARKUP)
            assert page.locator("#unit-statements img").count() == 0
            page.screenshot(path=str(ARTIFACTS / "web-kunduz-province-2021-06-22.png"))

            # Play moves the date forward; pause stops it.
            page.locator("#play").click()
            page.wait_for_function("document.getElementById('date-label').textContent "
                                   "!== '22 June 2021'", timeout=10_000)
            page.locator("#play").click()
            assert page.evaluate("typeof window.__pwned") == "undefined"
        finally:
            browser.close()
    assert not problems, problems
    assert requests and all(url.startswith(server) or url.startswith("data:") for url in requests), [
        url for url in requests if not url.startswith(server)]


def test_the_api_docs_render_under_the_csp(server: str) -> None:
    """/docs: Swagger UI lists the routes, with nothing refused by the Content-Security-Policy."""
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            # A script or style the policy refuses is reported on the console as an error.
            page.on("console", lambda message: problems.append(message.text)
                    if message.type == "error" else None)
            response = page.goto(server + "/docs")
            assert response is not None and "script-src 'self'" in response.headers[
                "content-security-policy"]
            expect(page.locator(".opblock-summary-path", has_text="/api/control")).to_have_count(1)
            # POST /api/documents, and the analyst's reject, restore and pin.
            expect(page.locator(".opblock-post")).to_have_count(4)
            expect(page.locator(".opblock-post .opblock-summary-path",
                                has_text="/api/places/{unit_id}/pin")).to_have_count(1)
        finally:
            browser.close()
    assert not problems, problems
