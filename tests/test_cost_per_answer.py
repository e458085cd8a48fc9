"""What one answer costs: SQL statements, transactions and Bot API calls, through the real bot.

The figures are stated in docs/architecture.md ("What one answer costs"); a change that makes an
answer dearer fails here and has to say why there. Before the use cases (issue 17) a press took
11 statements in 2 transactions and a typed answer 13 in 3.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from surveys.models import Answer, Audience, Invitation, ProcessedUpdate
from surveys.store import session_scope
from tests.bot_world import world
from tests.web_person import actions, field, web_world

YP = ("YJ-24-0117", Audience.young_person)


@contextlib.contextmanager
def counting(w):
    """Count the statements and transactions the bot runs, and the Bot API calls it makes."""
    calls_before = len(w.emu.calls)
    with counting_statements(w.heard.engine) as seen:
        yield seen
    seen["bot_api"] = sorted(call.method for call in list(w.emu.calls)[calls_before:] if call.method != "getupdates")


@contextlib.contextmanager
def counting_statements(engine):
    seen = {"statements": [], "transactions": 0}

    def statement(_conn, _cursor, sql, *_):
        if not sql.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE; PostgreSQL's is implicit
            seen["statements"].append(sql.split()[0].upper())

    def begin(_conn):
        seen["transactions"] += 1

    sa.event.listen(engine, "before_cursor_execute", statement)
    sa.event.listen(engine, "begin", begin)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", statement)
        sa.event.remove(engine, "begin", begin)


async def test_one_press_is_one_transaction_of_four_statements(db_url):
    async with world(db_url) as w:
        user = await w.join(601, *YP)
        await user.press("🙂 4")  # a warm-up press: the next one is a press like any other
        await w.settle()
        w.clock.advance(seconds=20)
        with counting(w) as press:
            await user.press("😄 5")
            await w.settle()
        # Read the person, their survey and its answers; write the update id, the answer, the survey's progress.
        assert press["transactions"] == 1
        assert press["statements"] == ["SELECT", "INSERT", "INSERT", "UPDATE"]
        assert press["bot_api"] == ["answercallbackquery", "editmessagetext", "sendmessage"]
        assert len(w.rows(Answer)) == 2 and len(w.rows(ProcessedUpdate)) >= 2


async def test_one_typed_answer_is_the_screen_and_one_transaction(db_url):
    async with world(db_url) as w:
        user = await w.join(602, *YP)
        for rating in ("🙂 4", "😄 5"):
            await user.press(rating)
            await w.settle()
        w.clock.advance(seconds=20)
        with counting(w) as typed:
            await user.send_text("yeah")  # typed answer to a yes/no question
            await w.settle()
        # The safeguarding screen looks up who wrote (one read); then the answer is one transaction.
        assert typed["transactions"] == 2
        assert typed["statements"] == ["SELECT", "SELECT", "INSERT", "INSERT", "UPDATE"]
        assert typed["bot_api"] == ["editmessagetext", "sendmessage"]
        assert {row.question_id: row.value for row in w.rows(Answer)}.get("worker_listened") in ("yes", None)


async def test_the_question_message_is_written_with_the_next_answer(db_url):
    async with world(db_url) as w:
        user = await w.join(603, *YP)
        await user.press("🙂 4")
        await w.settle()
        [invitation] = w.rows(Invitation, Invitation.status == "started")
        assert invitation.message_id is None  # the next question's message is known only after sending...
        shown = user.last_message["message_id"]
        await user.send_text("5")  # ...and a typed answer still tidies it: its id came along
        await w.settle()
        assert user.messages[-2]["message_id"] == shown and "✅" in user.messages[-2]["text"]
        assert buttons_of(user.messages[-2]) == []


async def test_one_web_answer_is_one_transaction_of_three_statements(db_url):
    async with web_world(db_url) as w:
        person = await w.person()
        await person.open_link(w.invite(*YP, survey="yp_exit"))
        for act in ("lang:en", "consent:yes"):
            await person.press(act)
        await person.answer_something()  # a warm-up answer: the next one is an answer like any other
        choose = next(act for act in actions(person.page) if act.startswith("choose:"))
        form = {name: field(person.page, name) for name in ("csrf", "q", "i")}
        w.heard.clock.advance(seconds=20)
        with counting_statements(w.heard.engine) as answer:
            response = await person.client.post("/chat", data={**form, "act": choose}, allow_redirects=False)
        assert response.status == 303
        # Read the session, its person and the form's survey with its answers; write the answer and the survey's progress.
        assert answer["transactions"] == 1
        assert answer["statements"] == ["SELECT", "INSERT", "UPDATE"]
        with session_scope(w.heard.engine) as session:
            assert len(session.exec(sa.select(Answer.id)).all()) == 2


def buttons_of(message: dict) -> list:
    return (message.get("reply_markup") or {}).get("inline_keyboard", [])
