"""The app in headless Chromium (Debian's /usr/bin/chromium) against a real server: a full game
between two browser contexts (two people), a game against an agent, the explorer on sma-2019
with a changed ask, a classroom of three games; every page at 375 px wide without sideways
scrolling and with no serious accessibility violation (axe-core, bundled with the tests).

With ``BURDENSHARE_SCREENSHOTS=<folder>`` the pages' screenshots are written there; the PNGs in
docs/web/ come from ``BURDENSHARE_SCREENSHOTS=docs/web pytest tests/web/test_browser.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = os.environ.get("BURDENSHARE_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is required: apt-get install chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):  # PostgreSQL when BURDENSHARE_TEST_POSTGRES is set (CI), else skipped
    return request.param


class Checks:
    """Console errors, requests leaving the server, and the per-page checks."""

    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base
        self.errors: list[str] = []
        self.external: list[str] = []

    def context(self, width: int = 1100, **kw):
        ctx = self.browser.new_context(viewport={"width": width, "height": 900}, **kw)
        ctx.on("page", self.watch)
        return ctx

    def watch(self, page) -> None:
        page.on("console", self.console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith((self.base, "data:")) else self.external.append(r.url)
            ),
        )

    def console(self, message) -> None:
        # a form refused with 400 (its errors shown beside the fields) is the app working
        if message.type == "error" and "status of 400" not in message.text:
            self.errors.append(message.text)

    def shot(self, page, name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)

    def phone_and_axe(self, url: str, cookies: list | None = None) -> None:
        """At 375 px: no sideways scrolling; axe-core: no serious or critical violation."""
        ctx = self.context(width=375, bypass_csp=True)  # bypass: to inject axe-core
        if cookies:
            ctx.add_cookies(cookies)
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{url} scrolls sideways at 375 px by {overflow} px"
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))"
            ".slice(0, 3)}))"
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{url}: {serious}"
        ctx.close()


@pytest.fixture
def checks(browser, server):
    c = Checks(browser, server.url)
    yield c
    assert c.errors == []
    assert c.external == []  # works offline: nothing is fetched from anywhere else


def choose(page, label: str, text: str) -> None:
    select = page.get_by_label(label)
    value = select.evaluate(
        "(s, t) => [...s.options].find(o => o.textContent.trim() === t).value", text
    )
    select.select_option(value)


def test_two_people_play_a_full_game(checks, server):
    base = server.url
    host = checks.context()
    page = host.new_page()
    page.goto(base + "/")
    checks.shot(page, "home")
    page.get_by_role("link", name="Role-play", exact=True).first.click()
    page.get_by_label("Republic of Korea seat (host)").select_option("human")
    page.get_by_label("Rounds until the deadline").fill("2")
    checks.shot(page, "play-new")
    page.get_by_role("button", name="Create the game").click()
    links = {
        a.get_attribute("data-party"): a.get_attribute("href")
        for a in page.locator("a.seat-link").all()
    }
    checks.shot(page, "invite")
    assert set(links) == {"us", "rok"}
    us_ctx, rok_ctx = checks.context(), checks.context()
    us, rok = us_ctx.new_page(), rok_ctx.new_page()
    us.goto(links["us"])
    rok.goto(links["rok"])
    assert "/join/" not in us.url and "/join/" not in rok.url  # the token left the address bar
    amount = "contribution — ROK contribution in the first year of the new SMA's terms, in won."
    # round 1: Washington offers, Seoul counters
    choose(us, amount, "1,398.9 bn KRW")
    us.get_by_role("button", name="Make this offer").click()
    rok.wait_for_selector("text=Your move", timeout=15000)  # the waiting page refreshed itself
    assert "1,398.9 bn KRW" in rok.inner_text("main")
    checks.shot(rok, "game-rok-brief")
    choose(rok, amount, "1,098.9 bn KRW")
    choose(rok, "duration — Length of the new agreement.", "5 years")
    rok.get_by_role("button", name="Make this offer").click()
    # round 2 falls after the US election in the scenario's calendar: the game changes
    us.wait_for_selector("text=Your move", timeout=15000)
    assert "the table is cleared" in us.inner_text("main")
    choose(us, amount, "1,118.9 bn KRW")
    choose(us, "duration — Length of the new agreement.", "1 year")
    checks.shot(us, "game-us-turn")
    us.get_by_role("button", name="Make this offer").click()
    rok.wait_for_selector("text=Your move", timeout=15000)
    rok.get_by_role("button", name="Accept the offer on the table").click()
    text = rok.inner_text("main")
    assert "Deal ratified" in text, text[:500]
    checks.shot(rok, "game-debrief")
    # the other seat's page follows by itself (it polls; a reload here could race its own
    # navigation)
    us.wait_for_selector("text=Deal ratified", timeout=15000)
    text = us.inner_text("main")
    assert "Deal ratified" in text and "Nash bargaining solution" in text
    assert "Kalai–Smorodinsky solution" in text and "Model agents" in text
    for page_ in (us, rok):
        checks.phone_and_axe(page_.url, page_.context.cookies())


def test_person_against_an_agent(checks, server):
    ctx = checks.context()
    page = ctx.new_page()
    page.goto(server.url + "/play")
    page.get_by_label("Republic of Korea seat (host)").select_option("agent:linear")
    page.get_by_label("Rounds until the deadline").fill("3")
    page.get_by_role("button", name="Create the game").click()
    page.locator("a.seat-link").first.click()
    for _ in range(3):
        if "The game is over" in page.inner_text("#status-line"):
            break
        page.wait_for_selector("text=Your move")
        if page.get_by_role("button", name="Accept the offer on the table").count():
            page.get_by_role("button", name="Accept the offer on the table").click()
        else:
            page.get_by_role("button", name="Make this offer").click()
    if "The game is over" not in page.inner_text("#status-line"):
        page.get_by_role("button", name="Walk out (ends the game)").click()
    assert "The game is over" in page.inner_text("#status-line")
    assert "Debrief" in page.inner_text("main")
    assert "Republic of Korea" in page.inner_text(".history")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # runs: test_api on both
def test_explorer_with_a_changed_ask(checks, server):
    ctx = checks.context()
    page = ctx.new_page()
    page.goto(server.url + "/explore")
    checks.shot(page, "explore")
    ask = page.get_by_label(re.compile(r"United States: ask"))
    ask.fill("3,000,000,000")
    assert "3 bn USD" in page.inner_text("main")  # the amount in words beside the field
    page.get_by_label("Draws").fill("300")
    page.get_by_role("button", name="Run the analysis").click()
    page.wait_for_url(re.compile(r"/runs/"))
    checks.shot(page, "run-progress")
    page.wait_for_selector("#bl", timeout=120_000)
    expect(page.locator("#pdeal")).to_have_attribute("width", re.compile(r"^[1-9]"))
    text = page.inner_text("main")
    assert "schedules.us_demand.first_year_total" in page.content()
    assert "Bottom line" in text and "Bargaining picture" in text and "Forecasts" in text
    checks.shot(page, "run")
    run_url = page.url
    for link in ("Full report (HTML)", "Results (DuckDB)"):
        href = page.get_by_role("link", name=link).get_attribute("href")
        assert page.request.get(server.url + href).status == 200
    # a bad value comes back beside its field
    page.goto(server.url + "/explore")
    page.get_by_label("Draws").fill("lots")
    page.get_by_role("button", name="Run the analysis").click()
    assert "uncertainty.draws: expected a number (found lots)" in page.inner_text("main")
    checks.shot(page, "explore-error")
    # compare the run with itself side by side
    page.goto(run_url)
    page.get_by_label("Compare with run").fill(run_url.rsplit("/", 1)[1])
    page.get_by_role("button", name="Compare").click()
    assert page.inner_text("main").count("P(ratified deal) by") == 2
    checks.shot(page, "compare")
    for url in ("/", "/explore", run_url, page.url):
        checks.phone_and_axe(url if url.startswith("http") else server.url + url)


def test_classroom_of_three_games(checks, server):
    ctx = checks.context()
    page = ctx.new_page()
    page.goto(server.url + "/classroom")
    page.get_by_label("Class name").fill("Seminar week 5")
    page.get_by_label("Number of games").fill("3")
    checks.shot(page, "classroom-new")
    page.get_by_role("button", name="Create the games").click()
    page.wait_for_url(re.compile(r"/classrooms/"))
    assert page.locator("#games tbody tr").count() == 3
    csv = page.request.get(page.url + "/links.csv").text()
    links = [line.split(",")[2] for line in csv.strip().splitlines()[1:]]
    assert len(links) == 3
    # one student plays and walks out; the dashboard updates itself
    student = checks.context().new_page()
    student.goto(links[0])
    student.get_by_role("button", name="Walk out (ends the game)").click()
    expect(page.locator("#c-deadlocks")).to_have_text("1", timeout=15000)
    checks.shot(page, "classroom")
    moves = page.request.get(page.url + "/moves.csv").text()
    assert "walk-out" in moves
    for url in ("/play", "/classroom", page.url):
        checks.phone_and_axe(url if url.startswith("http") else server.url + url, ctx.cookies())
