"""Thousands of generated Telegram updates thrown at the real handlers and a real database.

Updates go straight into ``application.process_update`` (polling thousands over HTTP is slow);
every call the bot makes still goes over HTTP to the emulator. After each batch: nothing reached
the error handler, every private chat got an answer, and the database is consistent.
"""

from __future__ import annotations

import asyncio
import itertools
import threading

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from telegram import Update

from surveys.models import Answer, Audience, Invitation, Participant, Role
from surveys.store import session_scope
from tests.bot_world import world

LINKED = {701: ("YJ-24-0117", Audience.young_person, ""), 702: ("YJ-24-0117", Audience.parent_carer, ""),
          703: ("YJ-24-0117", Audience.victim, "V1")}
STRANGERS = (704, 705)
STAFF = 706
PRIVATE_CHATS = (*LINKED, *STRANGERS, STAFF)
COMMANDS = ("/start", "/help", "/privacy", "/stop", "/delete", "/due", "/callbacks", "/invite", "/followup",
            "/nonsense", "/start@emulated_123_bot")

_ids = itertools.count(10_000_000)


class Fuzzing:
    """One world on its own event loop thread, shared by every generated example."""

    def __init__(self, db_url: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.errors: list[BaseException] = []
        self._cm = world(db_url)
        self.w = self.run(self._open())

    async def _open(self):
        w = await self._cm.__aenter__()
        w.add_staff(STAFF, Role.admin, "Admin")
        for user_id, person in LINKED.items():
            await w.join(user_id, *person)
        self.codes = [w.invite("YJ-24-0117", Audience.victim, "V2"), "nonsense-code"]
        for user_id in STRANGERS:
            w.user(user_id)  # the emulator knows the chat, as Telegram does once someone writes

        async def record(update, context):
            self.errors.append(context.error)

        w.app.add_error_handler(record)
        return w

    def run(self, coroutine, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self._cm.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def fuzzing(db_url):
    fuzz = Fuzzing(db_url)
    yield fuzz
    fuzz.close()


# --- generated updates -----------------------------------------------------------------------

texts = st.one_of(st.text(max_size=50), st.text(min_size=3000, max_size=4096, alphabet="ab 😀\n"),
                  st.sampled_from(["", " ", "\n", "4", "yes", "no", "back", "skip", "😄", "‮", "\x00", "/",
                                   "my stepdad hurts me", "<b>bold</b>", "&amp;"]))
numbers = st.one_of(st.integers(0, 12), st.integers(0, 10**12))
callback_data = st.one_of(
    st.text(max_size=64),
    st.builds(lambda v, i, q, o: f"{v}:{i}:{q}:{o}", st.sampled_from("atdsbx"), numbers, numbers, numbers),
    st.builds(lambda v, i, q: f"{v}:{i}:{q}", st.sampled_from("atdsb"), numbers, numbers),
    st.sampled_from(["consent:yes", "consent:no", "consent:maybe", "stop:yes", "stop:no", "delete:no", "ack:x",
                     "ack:1", "ack:-1", "ack:99999999999", "a:1:٣:0", "", "::::"]),
    st.builds(lambda i: f"ack:{i}", numbers))
media = st.sampled_from([
    {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                 "is_animated": False, "is_video": False}},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}], "caption": "look"},
    {"location": {"latitude": 51.5, "longitude": -0.1}},
    {"contact": {"phone_number": "+440000000000", "first_name": "X"}},
    {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "a.txt"}},
])


def _command(name: str, args: list[str]) -> dict:
    text = " ".join([name, *args])
    return {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(name)}]}


commands = st.builds(_command, st.sampled_from(COMMANDS),
                     st.lists(st.one_of(st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and " " not in s),
                                        st.sampled_from(["YJ-24-0117", "young_person", "victim", "V1", "2026-Q4"])),
                              max_size=3))
contents = st.one_of(st.builds(lambda s: {"text": s}, texts.filter(lambda s: s.strip())), commands, media)

private_message = st.tuples(st.just("message"), st.sampled_from(PRIVATE_CHATS), contents)
group_message = st.tuples(st.just("group"), st.integers(-10**12, -1), contents)
press = st.tuples(st.just("press"), st.sampled_from(PRIVATE_CHATS), callback_data)
events = st.lists(st.one_of(private_message, private_message, press, press, group_message,
                            st.just(("again", None, None))), min_size=1, max_size=30)


def _chat(user_id: int) -> dict:
    return {"id": user_id, "type": "private", "first_name": "U"}


def _user(user_id: int) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "U"}


def _build(fuzz: Fuzzing, kind: str, who, content, last: dict | None) -> dict | None:
    """The JSON Telegram would deliver; None when there is nothing to re-deliver yet."""
    emu, update_id = fuzz.w.emu, next(_ids)
    if kind == "again":
        return last  # the same update_id, delivered again
    if kind == "group":
        chat = emu.group(who, chat_type="group")._chat.info
        return {"update_id": update_id, "message": {"message_id": 1, "date": 0, "chat": chat, "from": _user(5),
                                                    **content}}
    if kind == "message":
        return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": _chat(who),
                                                    "from": _user(who), **content}}
    # A press comes from a message the bot really sent in that chat (Telegram guarantees that much).
    user = fuzz.w.user(who)
    pressed = user.last_message or {"message_id": 1, "date": 0, "chat": _chat(who), "text": "-"}
    query_id = str(update_id)
    emu._open_callbacks.add(query_id)
    return {"update_id": update_id, "callback_query": {"id": query_id, "from": _user(who), "chat_instance": "1",
                                                       "data": content, "message": pressed}}


def _private_chat_of(data: dict) -> int | None:
    body = data.get("message") or data.get("callback_query", {}).get("message") or {}
    chat = body.get("chat", {})
    return chat["id"] if chat.get("type") == "private" else None


async def _deliver(fuzz: Fuzzing, batch) -> None:
    app, emu, last = fuzz.w.app, fuzz.w.emu, None
    for kind, who, content in batch:
        data = _build(fuzz, kind, who, content, last)
        if data is None:
            continue
        last = data
        chat_id = _private_chat_of(data)
        before = len(emu.calls)
        if "callback_query" in data:
            emu._open_callbacks.add(data["callback_query"]["id"])  # a re-delivered press can be answered again
        await app.process_update(Update.de_json(data, app.bot))
        if chat_id is not None:  # a private chat always hears something back
            answered = [c for c in list(emu.calls)[before:] if c.chat_id == chat_id or c.method == "answercallbackquery"]
            assert answered, data


def _check_database(fuzz: Fuzzing) -> None:
    w = fuzz.w
    questions = {survey_id: {q.id for q in d.questions} for survey_id, d in w.heard.definitions.items()}
    with session_scope(w.heard.engine) as session:
        rows = session.execute(sa.select(Answer.invitation_id, Answer.question_id, Invitation.survey_id,
                                         Participant.chat_hash)
                               .select_from(Answer).outerjoin(Invitation, Invitation.id == Answer.invitation_id)
                               .outerjoin(Participant, Participant.id == Invitation.participant_id)).all()
    seen = set()
    for invitation_id, question_id, survey_id, chat_hash in rows:
        assert survey_id is not None, "an answer without an invitation"
        assert (invitation_id, question_id) not in seen, "two answers to one question"
        seen.add((invitation_id, question_id))
        assert question_id in questions[survey_id], "an answer to a question the survey does not ask"
        assert chat_hash is not None, "answers kept for someone not linked (or erased)"


# About 900 updates per database backend. Every example adds to one shared world, so shrinking
# would replay against changed state: report the failing batch as generated instead.
@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(batch=events)
def test_no_update_crashes_the_bot_or_corrupts_the_database(fuzzing, batch):
    fuzzing.run(_deliver(fuzzing, batch))
    assert fuzzing.errors == []
    _check_database(fuzzing)
