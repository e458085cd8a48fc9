"""Nothing lost, nothing doubled: a bot killed mid-answer, Bot API errors and timeouts, a database
that drops its connections, and a SQLite file locked by another writer.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa
from telegram import Update

from bot.app import build_application
from bot.texts import t
from surveys import store
from surveys.models import Answer, Audience, Invitation, InvitationStatus
from tests.bot_world import buttons, world
from tests.conftest import POSTGRES_URL
from tests.telegram_harness import emulator_builder

YP = ("YJ-24-0117", Audience.young_person)


def _press_update(update_id: int, user, button: str) -> dict:
    """The update Telegram sends when ``user`` taps ``button`` on the bot's latest message."""
    message = user.last_message
    [data] = [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
              if b["text"] == button]
    return {"update_id": update_id, "callback_query": {
        "id": f"q{update_id}", "from": {"id": user.id, "is_bot": False, "first_name": "A"},
        "chat_instance": "1", "data": data, "message": message}}


def _text_update(update_id: int, user, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": 10_000 + update_id, "date": 0, "text": text,
        "chat": {"id": user.id, "type": "private", "first_name": "A"},
        "from": {"id": user.id, "is_bot": False, "first_name": "A"}}}


async def _deliver(app, w, data: dict) -> None:
    if "callback_query" in data:
        w.emu._open_callbacks.add(data["callback_query"]["id"])  # Telegram keeps an unanswered query open
    await app.process_update(Update.de_json(data, app.bot))
    await w.settle()


def _answers(w, question_id: str) -> list[Answer]:
    return w.rows(Answer, Answer.question_id == question_id)


@pytest.mark.parametrize("how", ["press", "text"])
async def test_a_bot_killed_after_storing_an_answer_shows_the_next_question_when_redelivered(db_url, how):
    async with world(db_url) as w:
        user = await w.join(701, *YP)
        if how == "text":  # get to the yes/no question, which also takes typed answers
            for face in ("🙂 4", "😄 5"):
                await user.press(face)
                await w.settle()
        question, reply = ("overall", "😐 3") if how == "press" else ("explained", "yes")
        data = _press_update(50, user, reply) if how == "press" else _text_update(50, user, reply)
        # The answer is committed, then the reply to Telegram fails: the process dies here.
        w.emu.fail_next("answerCallbackQuery" if how == "press" else "editMessageText", 500)
        await _deliver(w.app, w, data)
        assert len(_answers(w, question)) == 1

        # A freshly started bot (no memory of the first) gets the same update again.
        restarted = build_application(w.heard, emulator_builder(w.emu), dispatch=False, rate_limit=False)
        async with restarted:
            await _deliver(restarted, w, data)
        assert len(_answers(w, question)) == 1
        assert f"Question {2 if how == 'press' else 4} of" in user.last_message["text"]


@pytest.mark.slow
@pytest.mark.parametrize("fault", [dict(status=500), dict(status=502)])
async def test_a_bot_api_error_while_answering_loses_nothing(db_url, fault):
    async with world(db_url) as w:
        user = await w.join(702, *YP)
        w.emu.fail_next("sendMessage", **fault)  # the next question does not go
        await user.press("😐 3")
        await w.settle()
        assert t("chat.error") in user.last_message["text"]  # told kindly, not left hanging
        assert len(_answers(w, "overall")) == 1
        await user.send_command("/help")
        await w.settle()
        assert "Question 2 of" in user.last_message["text"]  # and they carry on where they were
        await user.press("😄 5")
        await w.settle()
        assert [a.value for a in _answers(w, "listened")] == ["5"]


@pytest.mark.slow
@pytest.mark.parametrize("fault", [dict(status=500), "timeout"])
async def test_a_failed_tidy_up_does_not_reach_the_person(db_url, fault):
    """Turning the answered question into a record is tidying, done after the next question is sent."""
    async with world(db_url) as w:
        user = await w.join(704, *YP)
        if fault == "timeout":
            w.emu.delay_next("editMessageText", 4)  # longer than the bot's 3 s read timeout
        else:
            w.emu.fail_next("editMessageText", **fault)
        await user.press("😐 3")
        await w.settle()
        assert "Question 2 of" in user.last_message["text"]
        assert t("chat.error") not in [m.get("text") for m in user.messages]
        assert len(_answers(w, "overall")) == 1


async def test_a_flood_limit_while_answering_is_waited_out(db_url):
    async with world(db_url) as w:
        user = await w.join(703, *YP)
        # Production runs with the rate limiter, which waits out Telegram's retry_after.
        limited = build_application(w.heard, emulator_builder(w.emu), dispatch=False, rate_limit=True)
        async with limited:
            w.emu.fail_next("sendMessage", 429, retry_after=1)
            await _deliver(limited, w, _press_update(60, user, "😐 3"))
        assert len(_answers(w, "overall")) == 1
        assert "Question 2 of" in user.last_message["text"]
        assert t("chat.error") not in [m.get("text") for m in user.messages]


@pytest.mark.slow
async def test_a_dispatch_send_that_times_out_is_retried_and_answers_stay_single(db_url):
    async with world(db_url) as w:
        user = await w.join(704, *YP)
        [invitation] = w.rows(Invitation, Invitation.status == InvitationStatus.sent)
        with store.session_scope(w.heard.engine) as session:  # as if it fell due now, not sent yet
            row = session.get(Invitation, invitation.id)
            row.status, row.sent_at = InvitationStatus.scheduled, None
        w.emu.delay_next("sendMessage", 4)
        assert (await w.tick()).retried == 1
        w.clock.advance(minutes=5)
        assert (await w.tick()).sent == 1
        # A timed-out send may still have arrived: the person can see the question twice, at most.
        firsts = [m for m in user.messages if "Question 1 of" in (m.get("text") or "")]
        assert 2 <= len(firsts) <= 3  # one from joining, one or two from the dispatcher
        await user.press("😐 3")
        await w.settle()
        assert len(_answers(w, "overall")) == 1


def _app_pids(engine) -> list[int]:
    """The server pids of every connection in the app's pool (only ours: other tests share the server)."""
    connections = [engine.connect() for _ in range(max(1, engine.pool.checkedin()))]
    try:
        return [c.execute(sa.text("select pg_backend_pid()")).scalar() for c in connections]
    finally:
        for connection in connections:
            connection.close()


def _terminate(conn, pids: list[int]) -> None:
    """End these server processes and wait (up to 5 s) until they are gone, as after a restart.

    Connections are no longer pinged before each use (surveys/store.py): a checkout sees that the
    server has closed the socket, so the server must have closed it by the time the bot runs."""
    conn.execute(sa.text("select pg_terminate_backend(pid, 5000) from unnest(:pids) as pid"), {"pids": pids})


async def test_postgres_dropping_the_apps_connections_is_survived(postgres_url):
    async with world(postgres_url) as w:
        user = await w.join(705, *YP)
        admin = sa.create_engine(POSTGRES_URL)
        try:
            for step, face in enumerate(("😐 3", "😄 5")):
                pids = _app_pids(w.heard.engine)
                with admin.begin() as conn:  # what a server restart looks like from the client
                    _terminate(conn, pids)
                await user.press(face)
                await w.settle()
                assert f"Question {step + 2} of" in user.last_message["text"]
            pids = _app_pids(w.heard.engine)
            with admin.begin() as conn:
                _terminate(conn, pids)
            await w.tick()  # the dispatcher recovers too
        finally:
            admin.dispose()
        assert [a.question_id for a in w.rows(Answer)] == ["overall", "listened"]
        assert t("chat.error") not in [m.get("text") for m in user.messages]


class _Writer:
    """Another process holding SQLite's write lock (BEGIN IMMEDIATE) until released."""

    def __init__(self, db_url: str):
        self.connection = sqlite3.connect(sa.engine.make_url(db_url).database, isolation_level=None,
                                          check_same_thread=False)
        self.connection.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.close()


async def test_a_sqlite_lock_held_briefly_is_waited_for(sqlite_url):
    async with world(sqlite_url) as w:
        user = await w.join(706, *YP)
        writer = _Writer(sqlite_url)
        # Released from another thread while the bot waits inside busy_timeout (the wait blocks its loop).
        threading.Timer(0.5, writer.release).start()
        await user.press("😐 3")
        await w.settle()
        assert "Question 2 of" in user.last_message["text"]
        assert len(_answers(w, "overall")) == 1


async def test_a_sqlite_lock_outlasting_the_timeout_gets_a_kind_error_and_writes_nothing(sqlite_url, monkeypatch):
    monkeypatch.setattr(store, "SQLITE_BUSY_TIMEOUT_MS", 200)
    async with world(sqlite_url) as w:
        user = await w.join(707, *YP)
        question = user.last_message
        writer = _Writer(sqlite_url)
        try:
            await user.press("😐 3")
            await w.settle()
        finally:
            writer.release()
        assert t("chat.error") in user.last_message["text"]
        assert _answers(w, "overall") == []
        [invitation] = w.rows(Invitation, Invitation.status.in_([InvitationStatus.sent, InvitationStatus.started]))
        assert invitation.status == InvitationStatus.sent  # not half-started
        await user.press("😐 3", question)  # the same button works once the lock is gone
        await w.settle()
        assert len(_answers(w, "overall")) == 1 and "Question 2 of" in user.last_message["text"]
        assert buttons(question) == []
