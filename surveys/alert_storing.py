"""Storing a possible disclosure on any channel, even while the database is failing.

A few quick tries while the person waits; if those fail, the channel shows help at once and tells
the duty workers from the roster held in memory, and storing carries on in the background until
the database takes the alert. The channels (bot/screening.py for Telegram, webchat/server.py for
the web page) decide how help reaches the person; the rule for how hard to try lives here, once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from surveys.alerts import StoredAlert
from surveys.models import Role, Staff

log = logging.getLogger(__name__)

STORE_TRIES = 3  # quick tries while the person waits; then help goes out and storing carries on behind
# A database slow to take the alert (another process holding SQLite's lock waits out a 15-second busy
# timeout, three times) must not keep the person waiting: after this long they are shown help first.
HELP_WITHIN_SECONDS = 3.0
BACKGROUND_RETRY_SECONDS = 10
BACKGROUND_RETRY_LIMIT = 360  # an hour of tries; then a critical error, and a try every minute while heard runs
SLOW_RETRY_FACTOR = 6

# One transaction (run in a worker thread by the caller when it returns an awaitable); raises
# SQLAlchemyError when the database fails.
StoreOnce = Callable[[], StoredAlert | None | Awaitable[StoredAlert | None]]


async def store_with_retries(store: StoreOnce, *, tries: int = STORE_TRIES) -> tuple[bool, StoredAlert | None]:
    """(stored?, the alert): False only when every try failed (the database is down); the alert may be
    None after a success when the person could not be found."""
    for attempt in range(tries):
        try:
            return True, await _result(store())
        except SQLAlchemyError:
            log.exception("could not store a safeguarding alert (try %s of %s)", attempt + 1, tries)
            await asyncio.sleep(0.2 * (attempt + 1))
    return False, None


async def start_storing(store: StoreOnce, *, wait: float = HELP_WITHIN_SECONDS) -> tuple[asyncio.Future, bool]:
    """Start :func:`store_with_retries` and wait for it at most ``wait`` seconds, so help is never held up
    for long: (the storing, whether it ended in time). Awaiting the storing gives (stored?, the alert)."""
    storing = asyncio.ensure_future(store_with_retries(store))
    try:
        await asyncio.wait_for(asyncio.shield(storing), wait)
    except TimeoutError:
        return storing, False
    return storing, True


async def keep_storing(store: StoreOnce, stored_late: Callable[[StoredAlert], Awaitable[None]], *,
                       retry_seconds: float = BACKGROUND_RETRY_SECONDS, limit: int = BACKGROUND_RETRY_LIMIT,
                       running: Callable[[], bool] = lambda: True) -> None:
    """Try again every ``retry_seconds`` until the database takes the alert; then ``stored_late`` tells the staff.

    After ``limit`` tries (an hour) it logs a critical error and goes on trying, more slowly, for as long
    as heard is ``running``: the words are held only here, and giving up would lose the disclosure.
    """
    tries = 0
    while tries < limit or running():
        tries += 1
        await asyncio.sleep(retry_seconds if tries <= limit else retry_seconds * SLOW_RETRY_FACTOR)
        try:
            stored = await _result(store())
        except SQLAlchemyError:
            if tries == limit:
                log.critical("could not store a safeguarding alert for an hour: still trying every minute while "
                             "heard runs (the duty workers were told it exists); fix the database now")
            continue
        if stored is not None:
            await stored_late(stored)
            log.info("stored safeguarding alert %s after the database recovered", stored.alert_id)
        return
    log.critical("heard stopped before the database could store a safeguarding alert: it is lost. "
                 "The duty workers were told it existed; check who was writing to the bot at that time")


async def _result(value):
    return await value if inspect.isawaitable(value) else value


def load_duty_roster(session, service_id: int) -> list[int]:
    """The Telegram ids of everyone who takes alerts, kept in memory for when the database fails."""
    roles = [Role.duty.value, Role.manager.value, Role.admin.value]
    rows = session.exec(select(Staff.telegram_user_id).where(
        Staff.service_id == service_id, Staff.active.is_(True), Staff.role.in_(roles))).all()
    return sorted(set(rows))
