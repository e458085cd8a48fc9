"""Answering: many simulated people answering at once, through the real Application over the emulator.

Each person answers what is on their screen: presses an option, ticks then confirms a
multi-select, or types a sentence for a text question, and waits for the bot's reply before
the next answer. Handling time runs from the press to the reply arriving at the emulator (the
next question, or the refreshed ticks of a multi-select).

Two loads: ``saturated`` (no pause between answers, so every person always waits on the bot:
throughput, with latency made of queueing) and ``paced`` (people pause a random time between
answers so that together they offer a fixed rate: latency at that rate). The baseline is a
trivial bot making the same three calls per press (answer the press, edit, send) over the
same emulator: the ceiling of the transport and of this single process.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import CallbackQueryHandler

from analysis.safeguarding import screen
from bot.app import build_application, build_heard
from bot.dispatch import run_tick
from bot.sandbox.emulator import Emulator
from benchmarks.fixtures import add_linked_people, chat_ids, database, fixed_clock, invitation_statuses, settings_for
from surveys.models import Answer
from tests.telegram_harness import running_bot

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
TIMEOUT = 30.0  # seconds one reply may take before the benchmark calls it lost


def typed_answers() -> list[str]:
    """Ordinary answers from the labelled corpus; none that would raise a safeguarding alert."""
    with open(DATA / "sentiment_labelled.csv", newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    return [text for text in texts if not screen(text, "young_person").flagged]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)  # when each answer's reply arrived
    first_finished_at: float | None = None  # when the first person reached the end of their survey
    timeouts: int = 0


def _choose_action(message: dict, rng: random.Random, texts: list[str]):
    """What a person does with the bot's latest message: ('press', data, is_tick) or ('type', text)."""
    data = [b["callback_data"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row if "callback_data" in b]
    ticks = [d for d in data if d.startswith("t:")]
    if ticks:
        ticked = any(b["text"].startswith("✅") for row in message["reply_markup"]["inline_keyboard"] for b in row)
        if ticked:
            return "press", next(d for d in data if d.startswith("d:")), False
        return "press", rng.choice(ticks), True
    options = [d for d in data if d.startswith(("a:", "x:"))]
    if options:
        return "press", rng.choice(options), False
    return "type", rng.choice(texts), False


async def _person(user, tally: Tally, rng: random.Random, texts: list[str], *, think: float,
                  max_answers: int, finished, until: float) -> None:
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # people do not all start at the same instant
    for _ in range(max_answers):
        if time.perf_counter() > until:  # the run is bounded in time as well as in answers
            return
        message = user.last_message
        if message is None or finished(message):
            if message is not None and tally.first_finished_at is None:
                tally.first_finished_at = time.perf_counter()
            return
        action, value, is_tick = _choose_action(message, rng, texts)
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))
        started = time.perf_counter()
        if action == "press":
            await user.press(value, message)
        else:
            await user.send_text(value)
        shown = message["message_id"]
        wanted = (lambda m: m["message_id"] == shown) if is_tick else (lambda m: m["message_id"] > shown)
        try:
            await user.wait_for_message(wanted, timeout=TIMEOUT)
        except TimeoutError:
            tally.timeouts += 1
            return
        tally.done_at.append(time.perf_counter())
        tally.latencies.append(tally.done_at[-1] - started)


async def _drive(users, texts, *, think: float, max_answers: int, finished, seconds: float, seed: int = 7) -> dict:
    tally = Tally()
    started = time.perf_counter()
    await asyncio.gather(*(_person(user, tally, random.Random(seed + i), texts, think=think, max_answers=max_answers,
                                   finished=finished, until=started + seconds) for i, user in enumerate(users)))
    elapsed = time.perf_counter() - started
    return _figures(tally, elapsed, started)


def _figures(tally: Tally, elapsed: float, started: float) -> dict:
    """``answers_per_s`` counts only while everyone was still answering: once people reach the end of
    their survey fewer are left to answer, and the rate falls for reasons that are not the bot's."""
    ms = sorted(1000 * x for x in tally.latencies)
    cut = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    window = elapsed if tally.first_finished_at is None else tally.first_finished_at - started
    in_window = sum(done <= started + window for done in tally.done_at)
    return {"answers": len(ms), "seconds": round(elapsed, 3),
            "answers_per_s": round(in_window / window, 1) if window > 0 else None,
            "all_answering_s": round(window, 3),
            "p50_ms": round(cut[49], 1) if ms else None, "p99_ms": round(cut[98], 1) if ms else None,
            "max_ms": round(ms[-1], 1) if ms else None, "timeouts": tally.timeouts}


class _ErrorCount(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1


@contextlib.contextmanager
def _counting_errors():
    handler = _ErrorCount()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


async def _heard_run(url: str, people: int, *, think: float, max_answers: int, seconds: float) -> dict:
    h = build_heard(settings_for(url), clock=fixed_clock)
    add_linked_people(h.engine, h.service_id, people)
    closing = h.definitions["yp_exit"].closing.get("en")
    finished = lambda message: closing in (message.get("text") or "")  # noqa: E731
    texts = typed_answers()
    try:
        with _counting_errors() as errors:
            async with Emulator() as emu:
                users = [emu.user(chat, "Alex") for chat in chat_ids(people)]
                factory = lambda builder: build_application(h, builder, dispatch=False, rate_limit=False)  # noqa: E731
                async with running_bot(factory, emu) as app:
                    await run_tick(app.bot, h)  # everyone gets their first question (not timed)
                    await emu.wait_idle(timeout=60)
                    figures = await _drive(users, texts, think=think, max_answers=max_answers, finished=finished,
                                           seconds=seconds)
                    await emu.wait_idle(timeout=60)
        statuses = invitation_statuses(h.engine)
        with h.engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(Answer)).scalar_one()
        figures.update(completed=statuses.get("completed", 0), people=people, answers_stored=stored,
                       errors_logged=errors.count, statuses=statuses)
        # Nobody's answers went missing: every person who was asked has a survey started or finished.
        unanswered = sum(statuses.get(s, 0) for s in ("scheduled", "claimed", "sent"))
        figures["correct"] = figures["timeouts"] == 0 and errors.count == 0 and unanswered == 0
        return figures
    finally:
        h.engine.dispose()


async def _echo_pressed(update, context) -> None:
    query = update.callback_query
    await query.answer()
    await query.edit_message_text("ok")
    await context.bot.send_message(update.effective_chat.id, "next?", reply_markup=_ECHO_KEYS)


_ECHO_KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a:0"),
                                    InlineKeyboardButton("B", callback_data="a:1")]])


async def _echo_run(people: int, *, think: float, answers_each: int, seconds: float) -> dict:
    async with Emulator() as emu:
        users = [emu.user(chat, "Alex") for chat in chat_ids(people)]

        def factory(builder):
            application = builder.build()
            application.add_handler(CallbackQueryHandler(_echo_pressed))
            return application

        async with running_bot(factory, emu) as app:
            for user in users:
                await app.bot.send_message(user.chat_id, "first?", reply_markup=_ECHO_KEYS)
            figures = await _drive(users, [], think=think, max_answers=answers_each, finished=lambda m: False,
                                   seconds=seconds)
            await emu.wait_idle(timeout=60)
    figures["correct"] = figures["timeouts"] == 0
    return figures


def run(people: int = 200, offered_per_s: float = 300.0, backends=("sqlite",), postgres_url: str | None = None,
        seconds: float = 15.0) -> dict:
    """Saturated and paced runs of the real bot on each backend, and the echo baseline."""
    think = people / offered_per_s  # mean pause that makes ``people`` offer ``offered_per_s`` answers a second
    result: dict = {"people": people, "paced_offered_answers_per_s": offered_per_s, "think_mean_s": round(think, 3),
                    "seconds_per_run": seconds}
    heard_answers = None
    for backend in backends:
        for load, pause in (("saturated", 0.0), ("paced", think)):
            with database(backend, postgres_url) as url:
                figures = asyncio.run(_heard_run(url, people, think=pause, max_answers=40, seconds=seconds))
            result[f"{backend}_{load}"] = figures
            heard_answers = heard_answers or figures["answers"]
    each = max(1, round((heard_answers or people) / people))
    for load, pause in (("saturated", 0.0), ("paced", think)):
        result[f"echo_baseline_{load}"] = asyncio.run(_echo_run(people, think=pause, answers_each=each,
                                                                seconds=seconds))
    result["correct"] = all(v["correct"] for v in result.values() if isinstance(v, dict))
    return result
