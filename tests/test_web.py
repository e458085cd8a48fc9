"""Webhook mode over loopback: the emulator delivers updates to our server; /healthz tells the truth."""

from __future__ import annotations

import aiohttp

from bot.app import build_application, build_heard
from bot.sandbox.emulator import Emulator
from bot.web import running_webhook
from surveys.enrol import create_invite, find_participant, import_rows, parse_csv
from surveys.models import Audience
from surveys.settings import Settings
from surveys.store import make_engine, session_scope
from tests.bot_world import CASES, START, FakeClock
from tests.telegram_harness import emulator_builder

SECRET = "s3cret-token-for-tests"


async def test_webhook_delivery_and_health(db_url, tmp_path):
    settings = Settings(database_url=db_url, service="test-yot", bot_username="emulated_123_bot", _env_file=None)
    h = build_heard(settings, clock=FakeClock(START))
    with session_scope(h.engine) as session:
        import_rows(session, h.service_id, parse_csv(CASES), now=START)
        code = create_invite(session, find_participant(session, h.service_id, "YJ-24-0117", Audience.young_person),
                             now=START, days=30)
    async with Emulator() as emu:
        application = build_application(h, emulator_builder(emu), dispatch=False, rate_limit=False)
        async with running_webhook(application, h.engine, listen="127.0.0.1", port=0, secret=SECRET,
                                   webhook_url=None) as port:
            base = f"http://127.0.0.1:{port}"
            await application.bot.set_webhook(f"{base}/telegram", secret_token=SECRET)
            user = emu.user(4242)
            await user.send_command(f"/start {code}")
            assert "English or Cymraeg?" in (await user.wait_for_message())["text"]
            await user.press("English")
            welcome = await user.wait_for_message(lambda m: "Who sees your answers?" in m.get("text", ""))
            assert "Who sees your answers?" in welcome["text"]
            assert emu.webhook()["last_error_message"] is None

            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as client:
                async with client.get(f"{base}/healthz") as reply:
                    assert reply.status == 200 and await reply.json() == {"status": "ok", "database": "ok"}
                forged = {"update_id": 99, "message": {"message_id": 1, "date": 0, "text": "/start x",
                                                       "chat": {"id": 4243, "type": "private"}}}
                for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                    async with client.post(f"{base}/telegram", json=forged, headers=headers) as reply:
                        assert reply.status == 403
        assert emu.calls_of("sendMessage") and all(c.chat_id != 4243 for c in emu.calls_of("sendMessage"))

        # The same server with a database it cannot reach answers 503.
        gone = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
        application = build_application(h, emulator_builder(emu), dispatch=False, rate_limit=False)
        async with running_webhook(application, gone, listen="127.0.0.1", port=0, secret=SECRET,
                                   webhook_url=None) as port:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as client:
                async with client.get(f"http://127.0.0.1:{port}/healthz") as reply:
                    assert reply.status == 503 and (await reply.json())["database"] == "unavailable"
        gone.dispose()
    h.engine.dispose()
