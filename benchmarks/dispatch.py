"""Dispatch: due invitations sent by the real dispatcher through the real (rate-limited) Bot.

The figure is sustained messages per second at the emulator, checked against Telegram's
ceiling of 30 a second overall and 1 a second to one chat; the baseline is the same run with
no rate limiter, i.e. what the stack could do if Telegram let it.
"""

from __future__ import annotations

import asyncio
import collections
import time

from bot.app import build_application, build_heard
from bot.dispatch import run_tick
from bot.sandbox.emulator import Emulator, peak_count
from benchmarks.fixtures import add_linked_people, database, fixed_clock, invitation_statuses, settings_for
from tests.telegram_harness import emulator_builder

TELEGRAM_CEILING = 30  # messages a second, all chats together


async def _send_all(url: str, count: int, rate_limit: bool) -> dict:
    h = build_heard(settings_for(url), clock=fixed_clock)
    chats = add_linked_people(h.engine, h.service_id, count)
    try:
        async with Emulator() as emu:
            for chat in chats:
                emu.user(chat)
            application = build_application(h, emulator_builder(emu), dispatch=False, rate_limit=rate_limit)
            async with application:
                started = time.perf_counter()
                report = await run_tick(application.bot, h, batch=100)
                elapsed = time.perf_counter() - started
            sends = emu.sends()
        return _summary(count, report, elapsed, sends, chats, invitation_statuses(h.engine))
    finally:
        h.engine.dispose()


def _summary(count, report, elapsed, sends, chats, statuses) -> dict:
    per_chat = collections.Counter(call.chat_id for call in sends)
    by_chat = collections.defaultdict(list)
    for call in sends:
        by_chat[call.chat_id].append(call)
    span = sends[-1].time - sends[0].time if len(sends) > 1 else 0.0
    return {
        "invitations": count,
        "sent": report.sent,
        "seconds": round(elapsed, 3),
        "msgs_per_s": round((len(sends) - 1) / span, 2) if span else None,
        "peak_in_any_1s": peak_count(sends),
        "peak_per_chat_in_any_1s": max((peak_count(calls) for calls in by_chat.values()), default=0),
        "lost": sum(1 for chat in chats if per_chat[chat] == 0),
        "duplicated": sum(1 for chat in chats if per_chat[chat] > 1),
        "statuses": statuses,
        "all_marked_sent": statuses.get("sent", 0) == count and sum(statuses.values()) == count,
    }


def run(count: int = 3000) -> dict:
    """The dispatch benchmark on SQLite: rate-limited (as deployed) and unlimited (the baseline)."""
    with database("sqlite") as url:
        limited = asyncio.run(_send_all(url, count, rate_limit=True))
    with database("sqlite") as url:
        raw = asyncio.run(_send_all(url, count, rate_limit=False))
    ok = (limited["lost"] == limited["duplicated"] == 0 and limited["all_marked_sent"]
          and limited["peak_in_any_1s"] <= TELEGRAM_CEILING and limited["peak_per_chat_in_any_1s"] <= 1)
    return {"rate_limited": limited, "baseline_unlimited": raw, "correct": ok,
            "ratio_to_baseline": round(limited["msgs_per_s"] / raw["msgs_per_s"], 3)
            if limited["msgs_per_s"] and raw["msgs_per_s"] else None,
            "ratio_to_ceiling": round(limited["msgs_per_s"] / TELEGRAM_CEILING, 3) if limited["msgs_per_s"] else None}
