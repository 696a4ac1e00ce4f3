"""kzlaw serve in a real browser: Playwright driving the system's chromium (Debian's package;
browsers are never downloaded) against uvicorn on 127.0.0.1. A reader opens the home page,
chooses a day, opens a fact, opens a diff and reads the chart, with no script errors.

Skips, saying why, where chromium, Playwright or the web extra is missing; in CI
(``KZLAW_REQUIRE_BROWSER=1``, set by ``.ci/run``) a missing piece is a failure."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest

REQUIRED = os.environ.get("KZLAW_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    if shutil.which("chromium") is None:
        return "no chromium on PATH (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    try:
        import uvicorn  # noqa: F401
        import kzlaw.web.app  # noqa: F401
    except ImportError as e:
        return f"the web extra is not installed ({e}): pip install -e '.[web]'"
    return None


MISSING = _missing()
if MISSING is not None:
    if REQUIRED:
        pytest.fail(f"KZLAW_REQUIRE_BROWSER=1 but {MISSING}", pytrace=False)
    pytest.skip(MISSING, allow_module_level=True)

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

import kzlaw  # noqa: E402
from kzlaw.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return kzlaw.load()


@pytest.fixture(scope="module")
def server(corpus):
    """uvicorn on a free loopback port, in a thread, for the module's tests."""
    from kzlaw.web.serve import listen
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(corpus), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    srv.install_signal_handlers = lambda: None  # not the main thread
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(600):  # up to 30 s: a loaded machine starts it slowly
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"),
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def test_a_reader_chooses_a_day_opens_a_fact_and_compares_two_days(server, page, corpus):
    page.goto(server + "/")
    assert page.locator("h1").inner_text().startswith("In force on ")

    # Choose a day in the form (no script needed: the form's Show button submits it).
    page.fill("#date-input", "2012-01-01")
    page.click("form.day button[type=submit]")
    page.wait_for_url("**/at/2012-01-01")
    assert page.locator("h1").inner_text() == "In force on 2012-01-01"
    designations = page.locator("#kind-designation + .table-wrap tbody tr")
    assert designations.count() == sum(
        1 for f in corpus.at("2012-01-01") if f.kind == "designation")

    # The chart: one row a fact of the corpus, the day marked.
    assert page.locator("svg.kzlaw-chart g.fact-row").count() == len(corpus.compiled.segments)
    assert page.locator("svg.kzlaw-chart g.day-mark text").text_content() == "2012-01-01"

    # Open a fact from the table.
    page.click('a[href="/fact/designation/hizb-ut-tahrir?at=2012-01-01"]')
    page.wait_for_url("**/fact/designation/hizb-ut-tahrir?at=2012-01-01")
    assert page.locator("p.lead").inner_text().startswith("in force on 2012-01-01")
    quotes = page.locator("li.cited blockquote")
    assert quotes.count() >= 1

    # Follow a source link: the source's page lists what cites it, with the quote.
    page.click('li.cited a[href="/source/almanac-fn4"]')
    page.wait_for_url("**/source/almanac-fn4")
    assert "Radio Free Europe" in page.locator("p.lead").inner_text()
    assert page.locator('a.external[href="http://www.rferl.org/a/1058033.html"]').count() == 1
    assert "official ban on the group" in page.locator("main blockquote").first.inner_text()
    page.go_back()
    page.wait_for_url("**/fact/designation/hizb-ut-tahrir?at=2012-01-01")

    # Its measure, from the effect's link.
    page.locator('li.effect-item a[href^="/measure/court-2005-hizb-ut-tahrir-ban"]').first.click()
    page.wait_for_url("**/measure/court-2005-hizb-ut-tahrir-ban*")
    assert "Hizb" in page.locator("h1").inner_text()

    # Compare two days.
    page.click("nav >> text=Compare two days")
    page.fill("#from-input", "2010-01-01")
    page.fill("#to-input", "2012-06-01")
    page.click("form.day button[type=submit]")
    page.wait_for_url("**/diff/2010-01-01/2012-06-01")
    changes = corpus.diff("2010-01-01", "2012-06-01")["changes"]
    assert page.locator("main tbody tr").count() == len(changes)
    assert page.locator("#group-newly-in-force").inner_text().startswith("Newly in force")

    assert page.errors == []


def test_a_reader_finds_an_organization_by_its_alias(server, page):
    page.goto(server + "/")
    page.fill("#search-input", "HT")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=HT")
    page.click('main a[href="/history/hizb-ut-tahrir"]')
    page.wait_for_url("**/history/hizb-ut-tahrir")
    assert "Hizb ut-Tahrir" in page.locator("h1").inner_text()
    assert page.errors == []


def test_the_pages_are_usable_from_the_keyboard(server, page):
    page.goto(server + "/at/2012-01-01")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.errors == []


def test_a_narrow_screen_shows_each_row_as_a_block_without_sideways_scrolling(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        for url in ("/at/2012-01-01", "/diff/2010-01-01/2012-06-01",
                    "/fact/designation/hizb-ut-tahrir?at=2012-01-01",
                    "/source/almanac-fn51"):  # its address is one long word
            page.goto(server + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (url, width)
    finally:
        context.close()


def test_a_day_in_a_table_is_never_broken_over_two_lines(browser, server):
    """At 1366 pixels the fact's history table squeezed "2005-03-28" into "2005-03-" / "28"."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        for url in ("/fact/designation/hizb-ut-tahrir?at=2012-01-01", "/history/hizb-ut-tahrir"):
            page.goto(server + url)
            lines = page.evaluate("""[...document.querySelectorAll('td[data-label=From] a,'
                + 'td[data-label=Until] a')].map(a => [a.textContent, a.getClientRects().length])""")
            assert lines and all(n == 1 for _, n in lines), (url, lines)
        page.goto(server + "/at/2012-01-01")  # nor "official-report" at its hyphen
        lines = page.evaluate("""[...document.querySelectorAll('td[data-label=Evidence]')]
            .filter(td => td.textContent).map(td => { const r = document.createRange();
            r.selectNodeContents(td); return [td.textContent, r.getClientRects().length]; })""")
        assert "official-report" in {t for t, _ in lines}
        assert all(n == 1 for _, n in lines), lines
        for url in ("/history/hizb-ut-tahrir", "/timeline", "/diff/2010-01-01/2012-06-01"):
            page.goto(server + url)  # an event's range, its first word, is not split either
            lines = page.evaluate("""[...document.querySelectorAll('td[data-label=Date],'
                + 'td[data-label=When]')].map(td => { const t = td.firstChild;
                const r = document.createRange(); r.setStart(t, 0);
                r.setEnd(t, t.textContent.split(' ')[0].length);
                return [r.toString(), r.getClientRects().length]; })""")
            assert lines and all(n == 1 for _, n in lines), (url, [x for x in lines if x[1] > 1])
    finally:
        context.close()


def test_a_command_lines_html_page_scrolls_its_table_not_the_page_on_a_phone(browser, tmp_path):
    """kzlaw in-force --format html, sent to a phone, scrolled the whole page to 716 pixels."""
    from kzlaw.cli import main
    out = tmp_path / "in-force.html"
    assert main(["in-force", "2012-01-01", "--format", "html", "--output", str(out)]) == 0
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(out.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wrap = page.locator(".table-wrap").first
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls in it
    finally:
        context.close()
