"""`heard run` as a real process: long polling against the emulator, then a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.run import keep_to_core
from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator


def test_run_without_a_token_says_how_to_get_one(monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 2
    assert "@BotFather" in result.output and "heard demo" in result.output


@pytest.mark.slow
async def test_run_polls_the_bot_api_it_is_pointed_at_and_stops_on_a_signal(tmp_path):
    async with Emulator() as emu:
        core = max(os.sched_getaffinity(0))
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "HEARD_BOT_API_URL": emu.base_url,
               "HEARD_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "HEARD_CPU": str(core)}
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
            threads = _allowed_cores(process.pid)
            assert len(threads) > 1 and set(threads.values()) == {str(core)}  # HEARD_CPU: every thread on one core
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, output.decode()[-2000:]
        assert DEFAULT_TOKEN not in output.decode()  # the token never reaches the logs


def _allowed_cores(pid: int) -> dict[str, str]:
    """Each thread of a process, and the cores it may run on (as /proc lists them, e.g. "1" or "0-1")."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("Cpus_allowed_list:"):
                found[task.name] = line.split(":")[1].strip()
    return found


def test_keeping_to_one_core_holds_for_threads_started_after_it_and_no_others():
    core, seen = max(os.sched_getaffinity(0)), {}
    before = os.sched_getaffinity(0)

    def start_up():  # as `heard run` does, in a thread of its own so the test process keeps its cores
        keep_to_core(core)
        child = threading.Thread(target=lambda: seen.update(child=os.sched_getaffinity(0)))
        child.start()
        child.join()
        seen["itself"] = os.sched_getaffinity(0)

    thread = threading.Thread(target=start_up)
    thread.start()
    thread.join()
    assert seen == {"itself": {core}, "child": {core}}
    assert os.sched_getaffinity(0) == before


def test_a_core_heard_may_not_use_is_refused_in_words(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("HEARD_CPU", "4096")
    before = os.sched_getaffinity(0)
    result = CliRunner().invoke(app, ["run"])
    assert result.exit_code == 2
    assert "HEARD_CPU is 4096, but the cores heard may use are" in result.output
    assert os.sched_getaffinity(0) == before
