"""`heard run` as a real process: long polling against the emulator, then a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator


def test_run_without_a_token_says_how_to_get_one(monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 2
    assert "@BotFather" in result.output and "heard demo" in result.output


@pytest.mark.slow
async def test_run_polls_the_bot_api_it_is_pointed_at_and_stops_on_a_signal(tmp_path):
    async with Emulator() as emu:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "HEARD_BOT_API_URL": emu.base_url,
               "HEARD_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            user = emu.user(701)
            await user.send_command("/help")
            reply = await user.wait_for_message(timeout=60)
            assert "How this works" in reply["text"]
            commands = [c.method for c in emu.calls]
            assert "setmycommands" in commands and "getupdates" in commands
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, output.decode()[-2000:]
        assert DEFAULT_TOKEN not in output.decode()  # the token never reaches the logs
