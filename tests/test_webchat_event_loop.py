"""The web chat never blocks the event loop: its database work and analysis run in the worker threads."""

from __future__ import annotations

import asyncio
import time

import sqlalchemy as sa

from surveys.models import Answer
from surveys.store import session_scope
from tests.test_event_loop import loop_lag, write_lock_held
from tests.web_person import YP, web_world


async def test_a_locked_database_and_slow_analysis_never_stop_the_web_chat(sqlite_url):
    async with web_world(sqlite_url) as w:
        person = await w.person()
        await person.open_link(w.invite(*YP, survey="yp_exit"))
        await person.press("lang:en")
        await person.press("consent:yes")
        assert "Question 1 of" in person.page
        real = w.heard.analyse

        def slow_analysis(*args):
            time.sleep(0.8)  # a long text through a slow model: blocking work in the caller's thread
            return real(*args)

        w.heard.analyse = slow_analysis
        async with loop_lag() as lag:
            with write_lock_held(sqlite_url) as release:  # every web transaction must wait for it
                await asyncio.sleep(0.05)
                pressing = asyncio.create_task(person.press("skip", text="it was fine"))  # screened, then answered
                await asyncio.sleep(0.2)
                other = await w.person()
                began = time.monotonic()
                await other.get("/static/chat.css")  # the server still answers what needs no database
                assert other.status == 200 and time.monotonic() - began < 0.4
                await asyncio.sleep(0.8)
                assert not pressing.done()  # the form waits for the lock...
                release.set()
                await asyncio.wait_for(pressing, 10)
        assert "Question 2 of" in person.page  # ...and is answered once the database is free
        with session_scope(w.heard.engine) as session:
            assert session.exec(sa.select(sa.func.count()).select_from(Answer)).one()[0] == 1
        assert lag["gap"] < 0.4, f"the event loop stalled for {lag['gap']:.2f} s"  # on the loop: 1 s or more
