"""One message budget per bot, shared by every process that runs it.

Telegram lets a bot send about 30 messages a second in all, and about one a second to one chat.
A limiter held in memory (python-telegram-bot's ``AIORateLimiter``) only knows its own process:
two workers each sent their own 29 a second. So every bot process reserves its send times in
the database instead, in the ``sendbudget`` table:

* the row ``all`` holds the earliest time the bot's next message may go out. Each message moves
  it on by ``(1 + LATE) / (budget - 1)`` seconds, whichever process sends it. A message that
  could not go within ``LATE`` seconds of its time (a busy event loop wakes late) gives its time
  up and asks again, so late messages never bunch up: the times messages actually leave lie
  in their reserved ones plus at most ``LATE``, and no window of one second holds more than
  ``budget``;
* one row per chat (keyed by a keyed hash of the chat id, never the id) holds the earliest time
  the next *new* message may go to that chat, one second after the last.

Why a row and not PostgreSQL advisory locks: an advisory lock only serialises; the time the next
message may go still has to live somewhere all processes read. A row does both, works the same
on SQLite (where ``BEGIN IMMEDIATE`` serialises writers) and PostgreSQL (``SELECT ... FOR UPDATE``
on the ``all`` row, always taken first, so two reservations never deadlock), and is one short
transaction per message: about 30 a second at most.

**Who goes first.** A reply to something a person just did (the edit of the question they
answered, the next question, help after a disclosure, an alert to staff) reserves the next free
time, even if it is a little in the future, and waits for it. Background sends (surveys going
out, reminders: code inside :func:`background_sends`) only take a time that is free *now*; when
the budget is taken they wait and try again, so they use what replies leave. Answering a button
press (``answerCallbackQuery``) changes no message and costs nothing.

Editing a message already on the person's screen counts against the bot's budget but not the
chat's: an answer's edit and the next question arrive together, as they always have, and the
one-a-second rule spaces out new messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from surveys.hashkey import identifier_hash, hash_key_of
from surveys.models import SendBudget

log = logging.getLogger(__name__)

EVERYTHING = "all"
CHAT_INTERVAL = 1.0  # seconds between new messages to one chat
# A message more than this late for its reserved time asks for a new one. Measured with two busy
# bot processes: without it, processes that woke late sent up to 45 messages in one second.
LATE = 0.05
PRUNE_EVERY = 60.0  # seconds between clean-ups of chat rows nobody needs any more
# Calls that put a new message in a chat (sendChatAction only shows "typing").
_NEW_MESSAGE = ("send", "copyMessage", "forwardMessage")
_CHANGES_MESSAGE = ("edit", "stopPoll")

_background: contextvars.ContextVar[bool] = contextvars.ContextVar("heard_background_sends", default=False)


@contextlib.contextmanager
def background_sends() -> Iterator[None]:
    """Messages sent inside this block wait for budget that replies to people leave free."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def costs_budget(endpoint: str) -> bool:
    """Whether a Bot API call puts or changes a message in a chat (what Telegram limits)."""
    if endpoint == "sendChatAction":
        return False
    return endpoint.startswith(_NEW_MESSAGE) or endpoint.startswith(_CHANGES_MESSAGE)


def is_new_message(endpoint: str) -> bool:
    return endpoint != "sendChatAction" and endpoint.startswith(_NEW_MESSAGE)


def spacing(per_second: int, late: float = LATE) -> float:
    """Seconds between two reserved times so that no 1 s window of *sending* holds more than ``per_second``.

    A message leaves between its time and ``late`` after it, so the messages that leave within
    one second had times within ``1 + late`` seconds. n times spaced d apart span (n - 1) * d;
    at most ``per_second`` of them fit in ``1 + late`` seconds when (per_second - 1) * d > 1 + late.
    """
    return (1.0 + late) / (per_second - 1) + 1e-9 if per_second > 1 else 1.0 + late + 1e-3


@dataclass(frozen=True)
class Decision:
    """What one reservation decided: send at ``go_at`` (None: not yet, look again in ``wait`` s)."""

    go_at: float | None
    wait: float
    next_all: float | None = None  # the new values to store, when a time was taken
    next_chat: float | None = None


def decide(now: float, next_all: float, next_chat: float | None, *, interactive: bool,
           gap: float, chat_gap: float = CHAT_INTERVAL) -> Decision:
    """The pure rule behind every reservation (see the module's docstring)."""
    if next_chat is not None and next_chat > now:
        # Wait for the chat without holding a place in the bot's queue meanwhile, so a slow chat
        # never wastes budget that other chats could use.
        return Decision(None, next_chat - now)
    go_at = max(now, next_all)
    if go_at > now and not interactive:
        return Decision(None, go_at - now)
    return Decision(go_at, go_at - now, next_all=go_at + gap,
                    next_chat=go_at + chat_gap if next_chat is not None else None)


class SharedRateLimiter(BaseRateLimiter[dict]):
    """A python-telegram-bot rate limiter whose budget lives in the database (see the module)."""

    def __init__(self, engine: Engine, *, per_second: int = 30, max_retries: int = 3,
                 clock: Callable[[], float] = time.time):
        if per_second < 1:
            raise ValueError("the message budget must be at least one a second")
        self.engine, self.per_second, self.max_retries, self.clock = engine, per_second, max_retries, clock
        self.gap = spacing(per_second)
        self._hash_key = hash_key_of(engine)
        self._postgres = engine.dialect.name == "postgresql"
        self._last_prune = 0.0
        self.late_turns = 0  # times given up because this process woke too late to use them

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(self, callback, args, kwargs, endpoint: str, data: dict[str, Any],
                              rate_limit_args: dict | None):
        if not costs_budget(endpoint):
            return await callback(*args, **kwargs)
        interactive = not (_background.get() or (rate_limit_args or {}).get("background"))
        chat = data.get("chat_id") if is_new_message(endpoint) else None
        for attempt in range(self.max_retries + 1):
            await self.wait_for_turn(chat, interactive=interactive)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.max_retries:
                    raise
                pause = _seconds(error.retry_after)
                log.warning("Telegram asked us to wait %.0f s: every process will", pause)
                await asyncio.to_thread(self._hold_everything, self.clock() + pause)
        raise AssertionError("unreachable")

    async def wait_for_turn(self, chat: int | str | None, *, interactive: bool = True) -> float:
        """Wait until this process may send one message (to ``chat``, if given); return the time given."""
        chat_key = f"chat:{identifier_hash(self._hash_key, 'chat', str(chat))[:40]}" if chat is not None else None
        while True:
            decision = await asyncio.to_thread(self.reserve, chat_key, interactive)
            if decision.go_at is None:
                await asyncio.sleep(decision.wait)
                continue
            delay = decision.go_at - self.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.clock() - decision.go_at <= LATE:
                return decision.go_at
            self.late_turns += 1  # woke too late: sending now could crowd the second; ask again

    def reserve(self, chat_key: str | None, interactive: bool) -> Decision:
        """One short transaction: read the budget, take a time if the rule allows, store it."""
        with self.engine.begin() as conn:
            next_all = self._locked(conn, EVERYTHING)
            now = self.clock()  # read once the row is ours: no other process can reserve meanwhile
            next_chat = self._locked(conn, chat_key) if chat_key else None
            decision = decide(now, next_all, next_chat, interactive=interactive, gap=self.gap)
            if decision.go_at is not None:
                self._store(conn, EVERYTHING, decision.next_all)
                if chat_key:
                    self._store(conn, chat_key, decision.next_chat)
            if now - self._last_prune > PRUNE_EVERY:
                self._last_prune = now
                conn.execute(sa.delete(SendBudget).where(SendBudget.key != EVERYTHING,
                                                         SendBudget.next_free < now - PRUNE_EVERY))
        return decision

    def _locked(self, conn: Connection, key: str) -> float:
        query = sa.select(SendBudget.next_free).where(SendBudget.key == key)
        if self._postgres:
            query = query.with_for_update()
        value = conn.execute(query).scalar()
        if value is None:
            conn.execute(self._insert_missing(key))
            value = conn.execute(query).scalar()
        return value

    def _insert_missing(self, key: str):
        if self._postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(SendBudget).values(key=key, next_free=0.0).on_conflict_do_nothing()

    @staticmethod
    def _store(conn: Connection, key: str, value: float) -> None:
        conn.execute(sa.update(SendBudget).where(SendBudget.key == key).values(next_free=value))

    def _hold_everything(self, until: float) -> None:
        with self.engine.begin() as conn:
            current = self._locked(conn, EVERYTHING)
            self._store(conn, EVERYTHING, max(current, until))


def _seconds(wait: float | timedelta) -> float:
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
