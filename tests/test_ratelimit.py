"""The bot's message budget, shared by every process through the database (bot/ratelimit.py)."""

from __future__ import annotations

import asyncio
import random
import threading
import time

import pytest
import sqlalchemy as sa
from telegram.error import RetryAfter

from bot.ratelimit import (LATE, SharedRateLimiter, background_sends, costs_budget, decide, is_new_message, spacing)
from surveys.models import SendBudget
from surveys.store import make_engine, upgrade
from tests.conftest import TEST_HASH_KEY


def _most_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def _engine(url):
    return make_engine(url, hash_key=TEST_HASH_KEY)


# --- the pure rule ---------------------------------------------------------------------------

def test_spacing_never_lets_more_than_the_budget_into_one_second_even_when_sends_leave_late():
    rng = random.Random(3)
    for budget in (2, 10, 29, 30):
        gap = spacing(budget)
        on_time = [i * gap for i in range(budget * 3)]
        assert _most_in_any_second(on_time) <= budget
        for _ in range(200):  # each leaves up to LATE after its time, in the worst pattern or at random
            assert _most_in_any_second([at + rng.choice((0.0, LATE, rng.uniform(0, LATE))) for at in on_time]) <= budget


async def test_a_process_that_wakes_too_late_asks_for_a_new_time_instead_of_sending_late(db_url, monkeypatch):
    upgrade(db_url)
    engine = _engine(db_url)
    limiter = SharedRateLimiter(engine, per_second=10)
    real_sleep, naps = asyncio.sleep, []

    async def oversleeping(seconds):  # the first wait overruns, as on a busy event loop
        naps.append(seconds)
        await real_sleep(seconds + (0.3 if len(naps) == 1 else 0.0))

    await limiter.wait_for_turn(None)  # takes the free time now, so the next one is in the future
    monkeypatch.setattr("bot.ratelimit.asyncio.sleep", oversleeping)
    given = await limiter.wait_for_turn(None)
    sent_at = time.time()
    engine.dispose()
    assert limiter.late_turns == 1
    assert 0 <= sent_at - given <= LATE + 0.05


def test_a_reply_reserves_the_next_free_time_and_background_work_only_takes_a_free_one():
    assert decide(10.0, 0.0, None, interactive=False, gap=0.1) .go_at == 10.0
    waiting = decide(10.0, 10.3, None, interactive=False, gap=0.1)
    assert waiting.go_at is None and waiting.wait == pytest.approx(0.3)
    reply = decide(10.0, 10.3, None, interactive=True, gap=0.1)
    assert reply.go_at == 10.3 and reply.next_all == pytest.approx(10.4)


def test_a_chat_that_had_a_message_this_second_waits_without_holding_the_bots_place():
    busy = decide(10.0, 0.0, 10.6, interactive=True, gap=0.1)
    assert busy.go_at is None and busy.wait == pytest.approx(0.6) and busy.next_all is None
    free = decide(10.0, 0.0, 9.0, interactive=True, gap=0.1)
    assert free.go_at == 10.0 and free.next_chat == 11.0


def test_which_calls_cost_budget():
    assert costs_budget("sendMessage") and costs_budget("editMessageText") and costs_budget("copyMessage")
    assert not costs_budget("answerCallbackQuery") and not costs_budget("getUpdates")
    assert not costs_budget("sendChatAction") and not costs_budget("setMyCommands")
    assert is_new_message("sendMessage") and not is_new_message("editMessageText")


# --- over a real database ----------------------------------------------------------------------

def _send_from_own_process(url: str, count: int, budget: int, times: list[float], chats: bool) -> None:
    """One 'process': its own engine, its own event loop, in a thread of its own."""
    engine = _engine(url)
    limiter = SharedRateLimiter(engine, per_second=budget)

    async def send_all():
        for i in range(count):
            await limiter.wait_for_turn(1000 + i if chats else None)
            times.append(time.time())

    try:
        asyncio.run(send_all())
    finally:
        engine.dispose()


def test_two_processes_together_never_exceed_the_budget_in_any_second(db_url):
    upgrade(db_url)
    budget, each = 10, 15
    first, second = [], []
    workers = [threading.Thread(target=_send_from_own_process, args=(db_url, each, budget, sent, chats))
               for sent, chats in ((first, True), (second, False))]
    started = time.time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    took = time.time() - started
    assert len(first) == len(second) == each
    assert _most_in_any_second(first + second) <= budget
    # and the budget is used, not wasted: 30 messages at 10 a second take about 3 s
    assert took < 2 * (2 * each) / budget + 2, took


async def test_replies_are_not_starved_by_a_dispatch_backlog(db_url):
    upgrade(db_url)
    engine = _engine(db_url)
    limiter = SharedRateLimiter(engine, per_second=10)
    backlog_sent: list[float] = []

    async def dispatch_backlog():
        with background_sends():
            for i in range(100):
                await limiter.wait_for_turn(5000 + i, interactive=False)
                backlog_sent.append(time.time())

    backlog = asyncio.create_task(dispatch_backlog())
    await asyncio.sleep(0.5)  # the backlog has the budget to itself
    waits = []
    for i in range(8):
        asked = time.time()
        await limiter.wait_for_turn(9000 + i)
        waits.append(time.time() - asked)
        await asyncio.sleep(0.05)
    sent_while_replying = len(backlog_sent)
    backlog.cancel()
    engine.dispose()
    # A reply waits at most for the message already reserved before it, never behind the backlog.
    assert max(waits) < 2 * spacing(10) + 0.15, waits
    assert sent_while_replying >= 3  # and the backlog still moved (about 5 on a quiet machine)


async def test_new_messages_to_one_chat_are_a_second_apart_but_an_edit_is_not_held_back(db_url):
    upgrade(db_url)
    engine = _engine(db_url)
    limiter = SharedRateLimiter(engine, per_second=30)
    calls: list[tuple[str, float]] = []

    async def record(name):
        calls.append((name, time.time()))
        return True

    for endpoint in ("sendMessage", "editMessageText", "sendMessage"):
        await limiter.process_request(record, (endpoint,), {}, endpoint, {"chat_id": 42}, None)
    engine.dispose()
    (_, first), (_, edit), (_, second) = calls
    assert edit - first < 0.3
    assert second - first >= 0.99


async def test_answering_a_button_press_costs_nothing_and_touches_no_table(db_url):
    upgrade(db_url)
    engine = _engine(db_url)
    limiter = SharedRateLimiter(engine, per_second=1)

    async def ok():
        return True

    started = time.time()
    for _ in range(5):
        assert await limiter.process_request(ok, (), {}, "answerCallbackQuery", {"callback_query_id": "1"}, None)
    assert time.time() - started < 0.5
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(SendBudget)).scalar() == 0
    engine.dispose()


async def test_a_flood_limit_holds_back_every_process_then_the_message_goes(db_url):
    upgrade(db_url)
    engine, other = _engine(db_url), _engine(db_url)
    limiter = SharedRateLimiter(engine)
    attempts = []

    async def flaky():
        attempts.append(time.time())
        if len(attempts) == 1:
            raise RetryAfter(1)
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert attempts[1] - attempts[0] >= 0.99
    with other.connect() as conn:  # the other process sees the pause too
        held_until = conn.execute(sa.select(SendBudget.next_free).where(SendBudget.key == "all")).scalar()
    assert held_until >= attempts[0] + 1.0
    engine.dispose()
    other.dispose()
