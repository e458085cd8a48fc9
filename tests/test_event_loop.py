"""The event loop is never blocked, and a busy chat never holds up another (issue 17, item 5).

Through the real bot over HTTP (the Bot API emulator): database work and text analysis run in
worker threads (bot/context.py, Heard.run), and each chat waits for its own earlier updates
before it takes one of python-telegram-bot's concurrency slots (bot/processing.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

import sqlalchemy as sa

from surveys.models import Audience
from tests.bot_world import buttons, world

YP = ("YJ-24-0117", Audience.young_person)
PARENT = ("YJ-24-0117", Audience.parent_carer)
BURST = 50
PRESS_DELAY = 0.1  # each press waits this long on the Bot API


@contextlib.asynccontextmanager
async def loop_lag():
    """The longest the event loop went without running a 10 ms heartbeat."""
    worst = {"gap": 0.0}

    async def beat():
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            worst["gap"] = max(worst["gap"], now - last)
            last = now

    task = asyncio.create_task(beat())
    try:
        yield worst
    finally:
        task.cancel()


async def test_a_burst_of_presses_in_one_chat_does_not_delay_another_chats_answer(db_url):
    async with world(db_url) as w:
        busy = await w.join(701, *YP)
        other = await w.join(702, *PARENT)
        w.emu.delay_next("answerCallbackQuery", PRESS_DELAY, times=BURST + 1)  # every press waits on the Bot API
        target, busy_sent = busy.last_message, len(w.emu.sends(busy.chat_id))
        for _ in range(BURST):  # the same button fifty times: one answer, then forty-nine old presses
            await busy.press("Skip ⏭", target)
        before, started = len(other.messages), time.monotonic()
        await other.press(buttons(other.last_message)[0])  # queued behind the whole burst
        while len(other.messages) < before + 1:  # its next question has come
            assert time.monotonic() - started < 10, "the other chat's answer never came"
            await asyncio.sleep(0.005)
        waited = time.monotonic() - started
        busy_done = len(w.emu.sends(busy.chat_id)) - busy_sent  # each of its presses ends in one message
        await w.settle(timeout=60)
        # Queued behind the burst (as when a chat's updates waited inside python-telegram-bot's 32
        # slots) it would wait for at least BURST - 32 + 1 slow presses: it waited for a few at most,
        # and the busy chat's fifty were all answered afterwards.
        assert busy_done < 10, f"the other chat waited for {busy_done} of the busy chat's presses"
        assert waited < (BURST - 32 + 1) * PRESS_DELAY
        assert len(w.emu.sends(busy.chat_id)) - busy_sent == BURST


async def test_slow_analysis_and_a_locked_database_never_stop_the_loop(tmp_path):
    async with world(f"sqlite:///{tmp_path / 'heard.db'}") as w:
        user = await w.join(703, *PARENT)
        real = w.heard.analyse

        def slow_analysis(*args):
            time.sleep(0.8)  # a long text through a slow model: blocking work in the caller's thread
            return real(*args)

        w.heard.analyse = slow_analysis
        async with loop_lag() as lag:
            with write_lock_held(f"sqlite:///{tmp_path / 'heard.db'}") as release:
                await asyncio.sleep(0.05)
                before = len(user.messages)
                await user.send_text("it was fine")
                await asyncio.sleep(1.0)  # the screen's analysis is done; the answer waits for the lock
                assert len(user.messages) == before  # not answered yet: the database is still locked...
                release.set()
                await w.settle()
        assert len(user.messages) > before  # ...and answered once it is free
        assert lag["gap"] < 0.4, f"the event loop stalled for {lag['gap']:.2f} s"  # on the loop: 0.8 s or more


@contextlib.contextmanager
def write_lock_held(sqlite_url: str):
    """Another process writing to the SQLite file: it holds the write lock until the event it gives is set."""
    release = threading.Event()

    def hold():
        raw = sa.create_engine(sqlite_url, connect_args={"isolation_level": None})
        with raw.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            release.wait(5)
            conn.exec_driver_sql("COMMIT")
        raw.dispose()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        yield release
    finally:
        release.set()
        holder.join()
