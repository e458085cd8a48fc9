"""What every handler and job needs, built once when the bot starts."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from contextlib import nullcontext
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy.engine import Engine
from telegram.ext import ContextTypes

from surveys.answering import Analyser, ShownQuestion
from surveys.models import utcnow
from surveys.settings import Settings
from surveys.store import session_scope

# Database work and text analysis run in this many threads, never on the event loop. A few are
# enough: SQLite takes one writer at a time, and each chat's updates run one after another anyway.
WORK_THREADS = 4

T = TypeVar("T")


@dataclass
class Heard:
    settings: Settings
    engine: Engine
    service_id: int
    definitions: dict
    analyse: Analyser
    clock: Callable[[], datetime] = utcnow
    worker: str = field(default="bot")  # names this process's invitation claims
    duty_roster: list[int] = field(default_factory=list)  # who takes alerts, for when the database fails
    # The message each chat's current question went out in, known only after sending: the chat's
    # next answer writes it in its own transaction (surveys/answering.py), saving one per answer.
    # Losing it (a restart) only means an answered question typed to is not tidied in the chat.
    unsaved_shown: dict[int, ShownQuestion] = field(default_factory=dict)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)
    _writer: threading.Lock | None = field(default=None, repr=False)  # SQLite only: see transaction()
    _handback: _Handback | None = field(default=None, repr=False)
    notify: object | None = None  # GOV.UK Notify sender (bot/notify.py); None: built from settings on first use

    def now(self) -> datetime:
        return self.clock()

    async def run(self, work: Callable[..., T], *args, **kwargs) -> T:
        """Run blocking work (a transaction, an analysis) in the bounded thread pool; the loop stays free."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(WORK_THREADS, thread_name_prefix="heard-work")
        loop = asyncio.get_running_loop()
        if self._handback is None or self._handback.loop is not loop:
            self._handback = _Handback(loop)
        future = loop.create_future()
        self._pool.submit(self._handback.run, future, functools.partial(work, *args, **kwargs))
        return await future

    async def transaction(self, work: Callable[..., T], *args, **kwargs) -> T:
        """``work(session, *args, **kwargs)`` in one transaction, in the worker threads.

        On SQLite every transaction takes the one write lock at BEGIN IMMEDIATE, and a thread that
        finds it taken sleeps in SQLite's busy handler (1, 2, 5, 10... ms) and may wake long after it
        was freed. Our threads queue on a Python lock instead, so the next one starts the moment the
        last commits; other processes are still waited for by SQLite's busy timeout, as before.
        """
        return await self.run(self.transaction_here, work, *args, **kwargs)

    def transaction_here(self, work: Callable[..., T], *args, **kwargs) -> T:
        """:meth:`transaction` in the calling thread, for work already in a worker thread (one hand-off
        for a look-up and what follows it, such as the screen's analysis)."""
        if self._writer is None and self.engine.dialect.name == "sqlite":
            with _WRITER_SETUP:  # two threads starting at once must not make a lock each
                if self._writer is None:
                    self._writer = threading.Lock()
        return _in_transaction(self.engine, self._writer, work, *args, **kwargs)

    def close(self) -> None:
        """Let the worker threads go (the engine is the caller's to dispose of)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


_WRITER_SETUP = threading.Lock()


class _Handback:
    """Hands finished work back to the event loop in batches: one wake-up of the loop for all the
    work finished since it last looked, not one each. Under a burst the wake-ups (a write to the
    loop's pipe, and the GIL changing hands around it) cost the threads as much as the work did."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self._done: list[tuple[asyncio.Future, object, BaseException | None]] = []
        self._lock = threading.Lock()

    def run(self, future: asyncio.Future, work: Callable[[], object]) -> None:
        try:
            outcome, error = work(), None
        except BaseException as caught:  # noqa: BLE001 - handed to the awaiting coroutine, as run_in_executor does
            outcome, error = None, caught
        with self._lock:
            self._done.append((future, outcome, error))
            first = len(self._done) == 1
        if first:  # the loop is not yet due to look: wake it once
            self.loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        with self._lock:
            done, self._done = self._done, []
        for future, outcome, error in done:
            if future.cancelled():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(outcome)


def _in_transaction(engine: Engine, writer: threading.Lock | None, work, *args, **kwargs):
    with writer or nullcontext(), session_scope(engine) as session:
        return work(session, *args, **kwargs)


def heard(context: ContextTypes.DEFAULT_TYPE) -> Heard:
    return context.application.bot_data["heard"]
