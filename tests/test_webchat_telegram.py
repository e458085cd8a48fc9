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
            person = await web.person()
            await person.open_link(web.invite(*YP, survey="yp_exit"))
            await person.press("lang:en")
            await person.press("consent:yes")
            for _ in range(20):
                if "send" in actions(person.page):
                    break
                await person.press("skip")
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
