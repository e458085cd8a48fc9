"""`heard run` in polling mode serves the web chat and /healthz beside Telegram's long polling."""

from __future__ import annotations

import aiohttp

from bot.app import build_application, build_heard
from bot.sandbox.emulator import Emulator
from bot.web import running_polling
from surveys.enrol import create_invite, find_participant, import_rows, parse_csv
from surveys.models import Audience
from surveys.settings import Settings
from surveys.store import session_scope
from tests.bot_world import CASES, START, FakeClock
from tests.telegram_harness import emulator_builder


async def test_polling_mode_serves_the_web_chat_and_health_beside_telegram(db_url):
    settings = Settings(database_url=db_url, service="test-yot", bot_username="emulated_123_bot",
                        web_cookie_secure=False, _env_file=None)
    h = build_heard(settings, clock=FakeClock(START))
    with session_scope(h.engine) as session:
        import_rows(session, h.service_id, parse_csv(CASES), now=START)
        young = find_participant(session, h.service_id, "YJ-24-0117", Audience.young_person)
        parent = find_participant(session, h.service_id, "YJ-24-0117", Audience.parent_carer)
        web_code = create_invite(session, young, now=START, days=30)
        telegram_code = create_invite(session, parent, now=START, days=30)
    async with Emulator() as emu:
        application = build_application(h, emulator_builder(emu), dispatch=False, rate_limit=False)
        async with running_polling(application, h.engine, listen="127.0.0.1", port=0) as port:
            async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as browser:
                async with browser.get("/healthz") as health:
                    assert health.status == 200 and (await health.json())["database"] == "ok"
                async with browser.get(f"/s/{web_code}") as landing:
                    assert landing.status == 200 and "Start" in await landing.text()
                async with browser.post("/telegram", json={"update_id": 1}) as webhook:
                    assert webhook.status in (404, 405)  # no webhook route while polling
            user = emu.user(4242)  # Telegram works at the same time, by long polling
            await user.send_command(f"/start {telegram_code}")
            assert "English or Cymraeg?" in (await user.wait_for_message())["text"]
    h.engine.dispose()
