"""On SQLite, Heard's worker threads take turns at the one write lock in Python, not in SQLite's busy handler.

A thread that finds SQLite's lock taken sleeps 1, 2, 5, 10... ms and may wake long after it was
freed; 200 web answers at once then wait on those sleeps (benchmarks/README.md, "The web chat").
"""

import asyncio
import time

import sqlalchemy as sa

from bot.context import Heard
from surveys.store import create_all, make_engine
from tests.conftest import TEST_HASH_KEY


def _spans(url: str) -> list[tuple[float, float]]:
    engine = make_engine(url, hash_key=TEST_HASH_KEY)
    create_all(engine)
    h = Heard(settings=None, engine=engine, service_id=1, definitions={}, analyse=lambda *_: None)

    def work(session):
        began = time.monotonic()  # before the first statement, so before SQLite's BEGIN IMMEDIATE
        session.execute(sa.text("SELECT 1"))
        time.sleep(0.05)
        return began, time.monotonic()

    async def four_at_once():
        return await asyncio.wait_for(asyncio.gather(*[h.transaction(work) for _ in range(4)]), 10)

    try:
        return sorted(asyncio.run(four_at_once()))
    finally:
        h.close()
        engine.dispose()


def test_sqlite_transactions_take_turns_in_python(sqlite_url):
    spans = _spans(sqlite_url)
    assert len(spans) == 4
    for (_, ended), (began, _) in zip(spans, spans[1:]):
        assert began >= ended  # the next one had not even started its work while the last held the lock


def test_postgres_transactions_are_not_queued(postgres_url):
    spans = _spans(postgres_url)
    assert any(began < ended for (_, ended), (began, _) in zip(spans, spans[1:]))  # they overlap: no Python lock
