"""The web chat beside the real bot: a disclosure on the page reaches the duty worker's Telegram,
and a person moves between channels (never on both)."""

from __future__ import annotations

from surveys.models import Role, SafeguardingAlert, WebSession
from tests.bot_world import world
from tests.web_person import YP, actions, web_world

DISCLOSURE = "my stepdad hits me and im scared to go home"


async def test_a_disclosure_typed_on_the_web_page_reaches_the_duty_worker_in_telegram(db_url):
    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        duty = w.emu.user(900, "Priya")
        async with web_world(db_url, bot=w.app.bot, heard=w.heard) as web:
            person = await _at_a_text_question(web)
            await person.press("send", text=DISCLOSURE)
            assert "Childline" in person.page
        await w.settle()
        alert = duty.last_message
        assert alert is not None and "Possible safeguarding disclosure" in alert["text"] and "YJ-24-0117" in alert["text"]
        [stored] = w.rows(SafeguardingAlert)
        assert stored.notified_at is not None  # delivered: the tick will not send it again
        report = await w.tick()
        assert report.helped == 0 and report.alerts == 0  # help was shown on the page; nothing owed


async def test_moving_between_telegram_and_the_web(db_url):
    async with world(db_url) as w:
        user = await w.join(601, *YP)  # answers in Telegram first
        async with web_world(db_url, bot=w.app.bot, heard=w.heard) as web:
            person = await web.person()
            await person.open_link(web.invite(*YP))
            await w.settle()
            assert "answering on the web page" in user.last_message["text"]  # the old chat is told
            assert "Question" in person.page or "no questions" in person.page  # consent carried over: no re-asking
            # Back to Telegram with a new link: the web page stops working.
            await user.send_command(f"/start {w.invite(*YP)}")
            await w.settle()
            assert "Question" in user.last_message["text"]  # carries on in Telegram where they were
            assert w.rows(WebSession)[0].ended_at is not None
            await person.get("/chat")
            assert person.status == 401


async def test_when_the_database_cannot_store_a_web_disclosure_help_and_the_duty_worker_are_still_reached(db_url):
    import asyncio

    import sqlalchemy as sa

    async with world(db_url) as w:
        w.add_staff(900, Role.duty, "Priya")
        w.heard.duty_roster = [900]
        duty = w.emu.user(900, "Priya")
        async with web_world(db_url, bot=w.app.bot, heard=w.heard) as web:
            web.chat.retry_seconds = 0.05
            person = await _at_a_text_question(web)
            real_store, failures = web.chat._store, {"left": 5}

            def failing_store(*args):
                if failures["left"]:
                    failures["left"] -= 1
                    raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
                return real_store(*args)

            web.chat._store = failing_store
            await person.press("send", text=DISCLOSURE)
            assert "Childline" in person.page  # help on the page at once
            await w.settle()
            assert "could not save it" in duty.messages[0]["text"]
            for _ in range(200):  # storing carries on behind until the database takes it
                if "Possible safeguarding disclosure" in (duty.last_message or {}).get("text", ""):
                    break
                await asyncio.sleep(0.05)
        assert "Possible safeguarding disclosure" in duty.last_message["text"]
        [alert] = w.rows(SafeguardingAlert)
        assert alert.help_sent_at is not None and alert.text == DISCLOSURE


async def _at_a_text_question(web):
    """A young person on the web page, past consent, skipped on to the first question they type at."""
    person = await web.person()
    await person.open_link(web.invite(*YP, survey="yp_exit"))
    await person.press("lang:en")
    await person.press("consent:yes")
    for _ in range(20):
        if "send" in actions(person.page):
            break
        await person.press("skip")
    return person
