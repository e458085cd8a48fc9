"""Logs hold no token, message text, chat or user id, staff name or case reference, even at DEBUG."""

from __future__ import annotations

import io
import json
import logging

from bot import logs
from bot.sandbox.emulator import Emulator
from surveys.models import Audience, Role
from tests.bot_world import finished, world

TOKEN = "918273645:AAHlogTestTokenThatMustNeverBeLogged_x"
YOUNG_PERSON, DUTY, ADMIN = 5551234567, 5559876543, 5554443332
SECRETS = [TOKEN, TOKEN.split(":")[1], str(YOUNG_PERSON), str(DUTY), str(ADMIN), "YJ-24-0117", "Priya",
           "stepdad hurts me", "helped me a lot honestly"]


async def test_a_journey_with_a_disclosure_and_staff_commands_logs_nothing_personal(db_url):
    root, stream = logging.getLogger(), io.StringIO()
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in logs.QUIET}
    logs.configure(logging.DEBUG, stream)
    try:
        async with Emulator(TOKEN) as emu:
            async with world(db_url, emu=emu, token=TOKEN) as w:
                w.add_staff(DUTY, Role.duty, "Priya")
                w.add_staff(ADMIN, Role.admin, "Jo")
                duty = w.user(DUTY)  # has talked to the bot before, so it can write to them
                user = await w.join(YOUNG_PERSON, "YJ-24-0117", Audience.young_person)
                await user.press("😐 3")
                await w.settle()
                await w.skip_until(user, finished)  # what they write afterwards is still screened
                await user.send_text("my stepdad hurts me when he is drunk")
                await w.settle()
                await user.send_text("helped me a lot honestly")
                await w.settle()
                await duty.press("I'm dealing with this")
                await user.press_data("ack:1")  # refused: logged as a warning
                admin = w.user(ADMIN)
                w.emu.fail_next("sendMessage", 500)  # an error, logged with its traceback
                for command in ("/due", "/callbacks", "/invite YJ-24-0117 young_person", "/followup YJ-24-0117 V1"):
                    await admin.send_command(command)
                    await w.settle()
                await w.tick()
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(e.get("error") == "BadRequest" or e.get("error") == "NetworkError" for e in entries), lines
    assert any("refused an alert button" in e["message"] for e in entries)
    for line in lines:
        for secret in SECRETS:
            assert secret not in line, (secret, line)


def test_a_token_in_a_message_is_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "calling %s", (f"https://api/bot{TOKEN}/getMe",), None)
    assert TOKEN not in logs.JsonFormatter().format(record) and "<token>" in logs.JsonFormatter().format(record)
