"""The web chat in a real browser: Debian's chromium, driven by Playwright, at 360 px wide.

Each survey is completed with taps, then with the keyboard only; axe-core checks every kind of
page for WCAG 2.2 AA problems. Screenshots go to $HEARD_SHOTS (if set) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from surveys.models import Answer, Audience, Invitation
from surveys.store import session_scope
from tests.web_person import web_world

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SHOTS = os.environ.get("HEARD_SHOTS")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WHO = {"yp_exit": ("YJ-24-0117", Audience.young_person, ""), "yp_review": ("YJ-24-0117", Audience.young_person, ""),
       "yp_start": ("YJ-24-0117", Audience.young_person, ""), "placement_feedback": ("YJ-24-0117", Audience.young_person, ""),
       "parent_exit": ("YJ-24-0117", Audience.parent_carer, ""), "victim_checkin": ("YJ-24-0117", Audience.victim, "V1"),
       "victim_followup": ("YJ-24-0117", Audience.victim, "V1")}

# Skipped on a machine without chromium; never in CI, which installs it (.ci/run).
pytestmark = [pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                 reason="needs Debian's chromium (apt-get install chromium)"),
              pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        await browser.close()


async def _phone(browser, *, touch: bool = True):
    context = await browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1,
                                        is_mobile=touch, has_touch=touch)
    page = await context.new_page()
    page.csp_errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text))
    return context, page


async def _settled(page, *, calm: bool = True) -> None:
    """The answer has come back (and, with ``calm``, the moment after it that ignores a double tap is over)."""
    # Polled from here: wait_for_function would eval a string, which the page's CSP rightly forbids.
    check = "(calm) => { const m = document.getElementById('main'); return !m.hasAttribute('aria-busy') && !(calm && m.hasAttribute('data-calm')); }"
    for _ in range(200):
        if await page.evaluate(check, calm):
            return
        await page.wait_for_timeout(25)
    raise AssertionError("the page never finished answering")


async def _axe(page, seen: dict, label: str) -> None:
    """Run axe-core once per kind of page (evaluate() is not subject to the page's CSP)."""
    if label in seen:
        return
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"{label}.png"), full_page=True)
    await page.evaluate(AXE + ";0")
    result = await page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    seen[label] = [(v["id"], v["help"], [n["html"] for n in v["nodes"]][:3]) for v in result["violations"]]


async def _kind(page) -> str:
    if await page.locator("textarea").count():
        return "text"
    if await page.locator("input[type=checkbox]").count():
        return "multi"
    if await page.locator(".scale").count():
        return "scale"
    return "buttons"


async def _tap_through(page, seen: dict, survey: str) -> None:
    for _ in range(40):
        if await page.locator("input[name=q]").count() == 0:
            return
        kind = await _kind(page)
        await _axe(page, seen, f"{survey}-{kind}")
        if kind == "text":
            await page.locator("textarea").tap()
            await page.locator("textarea").fill("It was good, my worker listened")
            await page.get_by_role("button", name="Send").tap()
        elif kind == "multi":
            await page.locator("label.tick").first.tap()
            await page.get_by_role("button", name="Done").tap()
        else:
            await page.locator(".choices button").first.tap()
        await _settled(page)
    raise AssertionError("the survey never ended")


async def _focus(page, selector: str) -> None:
    """Tab until ``selector`` has focus, as a keyboard user would."""
    for _ in range(60):
        if await page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


async def _keys_through(page) -> None:
    for _ in range(40):
        if await page.locator("input[name=q]").count() == 0:
            return
        kind = await _kind(page)
        if kind == "text":
            await _focus(page, "textarea")
            await page.keyboard.type("Fine")
            await _focus(page, "button[value=send]")
            await page.keyboard.press("Enter")
        elif kind == "multi":
            await _focus(page, "input[type=checkbox]")
            await page.keyboard.press("Space")
            await _focus(page, "button[value=done]")
            await page.keyboard.press("Enter")
        else:
            await _focus(page, ".choices button")
            await page.keyboard.press("Enter")
        await _settled(page)
    raise AssertionError("the survey never ended")


async def _start(w, page, survey: str, *, keys: bool, seen: dict | None = None) -> None:
    case_ref, audience, ref = WHO[survey]
    code = w.invite(case_ref, audience, ref, survey=survey)
    await page.goto(f"{w.server.make_url('/s/' + code)}")
    if seen is not None:
        await _axe(page, seen, "start")
    if keys:
        await _focus(page, "button[type=submit]")
        await page.keyboard.press("Enter")
    else:
        await page.get_by_role("button").first.tap()
    await page.wait_for_url("**/chat")
    if await page.locator("button[value='lang:en']").count():
        if seen is not None:
            await _axe(page, seen, "language")
        if keys:
            await _focus(page, "button[value='lang:en']")
            await page.keyboard.press("Enter")
        else:
            await page.locator("button[value='lang:en']").tap()
        await _settled(page)
        if seen is not None:
            await _axe(page, seen, f"consent-{audience.value}")
        if keys:
            await _focus(page, "button[value='consent:yes']")
            await page.keyboard.press("Enter")
        else:
            await page.locator("button[value='consent:yes']").tap()
        await _settled(page)


def _completed(w, survey: str) -> int:
    with session_scope(w.heard.engine) as session:
        return len(session.exec(select(Invitation).where(Invitation.survey_id == survey, Invitation.status == "completed")).all())


async def test_every_survey_with_taps_then_the_keyboard_and_no_wcag_violations(db_url, browser):
    seen: dict[str, list] = {}
    async with web_world(db_url) as w:
        for survey in WHO:
            context, page = await _phone(browser)
            await _start(w, page, survey, keys=False, seen=seen)
            await _tap_through(page, seen, survey)
            assert w.heard.definitions[survey].closing.get("en") in await page.locator("main").inner_text()
            await _axe(page, seen, f"finished-{survey}")
            await page.goto(w.server.make_url("/chat/help").human_repr())
            await _axe(page, seen, f"help-{WHO[survey][1].value}")
            assert not page.csp_errors, page.csp_errors
            await context.close()
            assert _completed(w, survey) == 1, survey
        for survey in WHO:  # the same surveys again, keyboard only, on a laptop-sized window
            context, page = await _phone(browser, touch=False)
            await _start(w, page, survey, keys=True)
            await _keys_through(page)
            assert w.heard.definitions[survey].closing.get("en") in await page.locator("main").inner_text()
            await context.close()
            assert _completed(w, survey) == 2, survey
    problems = {label: found for label, found in seen.items() if found}
    assert not problems, problems


async def test_it_works_with_javascript_off_in_the_browser_too(db_url, browser):
    async with web_world(db_url) as w:
        context = await browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
        page = await context.new_page()
        code = w.invite("YJ-24-0117", Audience.young_person, survey="yp_review")
        await page.goto(w.server.make_url(f"/s/{code}").human_repr())
        await page.get_by_role("button").first.click()
        await page.locator("button[value='lang:cy']").click()
        assert await page.locator("html").get_attribute("lang") == "cy"
        await page.locator("button[value='consent:yes']").click()
        for _ in range(40):
            if await page.locator("input[name=q]").count() == 0:
                break
            kind = await _kind(page)
            if kind == "text":
                await page.locator("textarea").fill("Iawn")
                await page.locator("button[value=send]").click()
            elif kind == "multi":
                await page.locator("input[type=checkbox]").first.check()
                await page.locator("button[value=done]").click()
            else:
                await page.locator(".choices button").first.click()
        assert "Diolch" in await page.locator("main").inner_text()
        await context.close()
        assert _completed(w, "yp_review") == 1


async def test_a_quick_double_tap_answers_one_question_not_the_next_one_too(db_url, browser):
    async with web_world(db_url) as w:
        context, page = await _phone(browser)
        await _start(w, page, "yp_exit", keys=False)
        assert "Question 1 of" in await page.locator(".counter").inner_text()
        box = await page.locator(".choices button").nth(3).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        await page.touchscreen.tap(x, y)
        await _settled(page, calm=False)  # a quick server: the next question is already there...
        await page.touchscreen.tap(x, y)  # ...when the second half of the double tap lands on the same spot
        await page.wait_for_timeout(300)
        await _settled(page)
        assert "Question 2 of" in await page.locator(".counter").inner_text()
        with session_scope(w.heard.engine) as session:
            assert len(session.exec(select(Answer)).all()) == 1
        await page.wait_for_timeout(700)  # a tap once they have read the question counts
        await page.touchscreen.tap(x, y)
        await _settled(page)
        assert "Question 3 of" in await page.locator(".counter").inner_text()
        await context.close()


async def test_stop_from_the_help_page_then_reload_shows_they_have_stopped(db_url, browser):
    async with web_world(db_url) as w:
        context, page = await _phone(browser)
        await _start(w, page, "yp_exit", keys=False)
        await page.locator("a.nav").tap()
        await page.get_by_role("link", name="Stop my questions").tap()
        await page.locator("button[value=stop]").tap()
        await _settled(page)
        assert "won't ask you anything else" in await page.locator("main").inner_text()
        assert page.url.endswith("/chat")
        await page.reload()
        main = await page.locator("main").inner_text()
        assert "Do you want to stop" not in main and await page.locator("button[value='consent:yes']").count() == 1
        await context.close()


async def _skip_to_a_text_box(page) -> None:
    for _ in range(20):
        if await page.locator("textarea").count():
            return
        await page.locator("button[value=skip]").tap()
        await _settled(page)
    raise AssertionError("no question with a text box")


async def test_a_very_long_answer_is_told_the_box_is_full(db_url, browser):
    async with web_world(db_url) as w:
        context, page = await _phone(browser)
        await _start(w, page, "yp_exit", keys=False)
        await _skip_to_a_text_box(page)
        box, note = page.locator("textarea"), page.locator("#full")
        await box.fill("I liked my worker because she listened to me. " * 110)  # about 5,000 characters
        assert len(await box.input_value()) == 4096
        assert "This box is full" in await note.inner_text()
        await box.fill("It was fine")
        assert await note.inner_text() == ""
        await context.close()


async def test_when_the_answer_cannot_be_sent_by_script_the_plain_post_carries_the_button_pressed(db_url, browser):
    async with web_world(db_url) as w:
        context, page = await _phone(browser)
        await _start(w, page, "yp_exit", keys=False)
        posts = []

        async def flaky(route):  # the first try fails as on a bad connection; the plain post gets through
            posts.append(route.request.method)
            await (route.abort() if len(posts) == 1 else route.continue_())

        await page.route("**/chat", lambda route: flaky(route) if route.request.method == "POST" else route.continue_())
        await page.locator(".choices button").nth(3).tap()
        await page.wait_for_load_state()
        await page.wait_for_timeout(300)
        assert len(posts) == 2
        main = await page.locator("main").inner_text()
        assert "Question 2 of" in main and "already moved past" not in main
        with session_scope(w.heard.engine) as session:
            [answer] = session.exec(select(Answer)).all()
            assert answer.question_id == "overall"
        await context.close()


async def test_a_worry_typed_on_the_page_shows_help_once_and_leaves_nothing_in_the_address(db_url, browser):
    async with web_world(db_url) as w:
        context, page = await _phone(browser)
        await _start(w, page, "yp_exit", keys=False)
        await _skip_to_a_text_box(page)
        worry = "my stepdad hits me and im scared to go home"
        await page.locator("textarea").fill(worry)
        await page.get_by_role("button", name="Send").tap()
        await _settled(page)
        shown = await page.locator("main").inner_text()
        assert "0800 1111" in shown and worry not in shown
        assert "?" not in page.url and "help" not in page.url  # a shared phone's history shows nothing
        if SHOTS:
            await page.screenshot(path=str(Path(SHOTS) / "help-after-a-worry.png"), full_page=True)
        await page.reload()
        assert "0800 1111" not in await page.locator("main").inner_text()  # said once, not to the next person
        await context.close()
