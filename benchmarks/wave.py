"""A morning's wave: invitations going out while people answer, with the bot in processes of its own.

This process holds the Bot API emulator and the simulated people; the bot runs as deployed
(``heard run``, rate limiter on) in another process, beside a second heard worker that only
dispatches (``benchmarks.wave_bot dispatcher``), so the two share one message budget through
the database. Phases:

1. **wave**: ``count`` people have a survey due now. ``answering`` of them (a share) open the
   first question after a pause for reading (``read_s`` on average) and answer it, then answer
   the next ``answers_each - 1`` questions after a pause for thinking. Figures: seconds until
   every invitation was sent, answer latency (press -> the next question arrives) during the
   wave, the most budgeted messages (sends and edits) in any second at the emulator, and lost
   (no first question) / duplicated (two) invitations.
2. **quiet**: after the wave, people who have not answered yet answer at ``quiet_rate`` a
   second in all (Poisson): latency at an ordinary load.
3. **ceiling** (limiter off, separate databases): ``people`` people answer as fast as replies
   come, for ``seconds``, against heard (``wave_bot heard``) and then a bare python-telegram-bot
   bot (``wave_bot bare``) on the same update processor, each in its own process: answers/s.

Every phase is bounded in time; every process is ended at the end. Loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from benchmarks import answering
from benchmarks.fixtures import SERVICE, add_linked_people, chat_ids, database, invitation_statuses, process_cpu_seconds
from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator, peak_count
from bot.ratelimit import costs_budget
from surveys.models import Invitation

ROOT = Path(__file__).resolve().parent.parent
BARE_TOKEN = "987654:BARE"
HASH_KEY = "benchmark-hash-key-not-for-production-use"
SURVEY = "yp_exit"


def _env(url: str, *, dispatch_interval: float = 1.0) -> dict:
    env = dict(os.environ)
    env.update({"HEARD_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "HEARD_SERVICE": SERVICE,
                "HEARD_SERVICE_NAME": "Benchmark Youth Justice Service", "HEARD_HASH_KEY": HASH_KEY,
                "HEARD_DISPATCH_INTERVAL": str(dispatch_interval), "HEARD_SEND_WINDOW": "00:00-23:59",
                "HEARD_BOT_USERNAME": "emulated_123_bot", "PYTHONPATH": str(ROOT)})
    return env


@contextlib.contextmanager
def _processes(commands: list[list[str]], env: dict):
    """Start each command in its own process; end them (by their own id) afterwards.

    Their logs go to a temporary file (a pipe nobody reads would fill and stop them), kept
    only if ``HEARD_BENCH_LOGS`` names a folder."""
    folder = os.environ.get("HEARD_BENCH_LOGS")
    logs = [open(Path(folder) / f"bot-{i}.log", "wb") if folder else tempfile.TemporaryFile()
            for i in range(len(commands))]
    started = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
               for command, log in zip(commands, logs)]
    try:
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for log in logs:
            log.close()


def _prepare(url: str, count: int, *, due: datetime) -> None:
    """A migrated database with ``count`` consenting people, each with a survey due at ``due``."""
    from bot.app import build_heard
    from benchmarks.fixtures import settings_for

    h = build_heard(settings_for(url), analyse=lambda *args: [])
    try:
        add_linked_people(h.engine, h.service_id, count, survey_id=SURVEY, due=due)
        with h.engine.begin() as conn:
            conn.execute(sa.update(Invitation).values(expires_at=due + timedelta(days=30)))
    finally:
        h.engine.dispose()


def _percentiles(seconds: list[float]) -> dict:
    ms = sorted(1000 * x for x in seconds)
    if not ms:
        return {"answers": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    cut = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {"answers": len(ms), "p50_ms": round(cut[49], 1), "p99_ms": round(cut[98], 1), "max_ms": round(ms[-1], 1)}


def _options(message: dict) -> list[str]:
    return [b["callback_data"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row if b.get("callback_data", "").startswith(("a:", "x:"))]


async def _answer_once(user, timeout: float) -> tuple[float, float] | None:
    """Press an option on the question on screen; (when pressed, seconds until the next question)."""
    message = user.last_message
    options = _options(message or {})
    if not options:
        return None
    pressed = time.perf_counter()
    await user.press(random.choice(options), message)
    shown = message["message_id"]
    try:
        await user.wait_for_message(lambda m: m["message_id"] > shown, timeout=timeout)
    except TimeoutError:
        return pressed, float("inf")
    return pressed, time.perf_counter() - pressed


async def _wave(emu: Emulator, users: list, *, answering: float, answers_each: int, read_s: float, think_s: float,
                limit_s: float, seed: int) -> dict:
    rng = random.Random(seed)
    answerers = set(rng.sample(range(len(users)), round(answering * len(users))))
    latencies: list[tuple[float, float]] = []
    first_seen: dict[int, float] = {}
    started = time.perf_counter()
    until = started + limit_s

    async def person(index: int, user) -> None:
        try:
            await user.wait_for_message(timeout=max(0.1, until - time.perf_counter()))
        except TimeoutError:
            return
        first_seen[index] = time.perf_counter()
        if index not in answerers:
            return
        await asyncio.sleep(rng.expovariate(1 / read_s))
        for n in range(answers_each):
            if n:
                await asyncio.sleep(rng.expovariate(1 / think_s))
            if time.perf_counter() > until:
                return
            result = await _answer_once(user, timeout=max(1.0, until - time.perf_counter()))
            if result is None:
                return
            latencies.append(result)

    await asyncio.gather(*(person(i, user) for i, user in enumerate(users)))
    wave_end = max(first_seen.values(), default=started)
    during = [took for pressed, took in latencies if pressed <= wave_end]
    after = [took for pressed, took in latencies if pressed > wave_end]
    first = min(first_seen.values(), default=started)
    # Timed from the first invitation to arrive, so the bot's start-up is not counted.
    return {"all_sent_s": round(wave_end - first, 1) if len(first_seen) == len(users) else None,
            "started_after_s": round(first - started, 1),
            "first_questions_seen": len(first_seen), "answering_people": len(answerers),
            "during_wave": _percentiles(during), "after_wave": _percentiles(after),
            "timeouts": sum(took == float("inf") for _, took in latencies), "_answered": answerers}


async def _quiet(users: list, candidates: list[int], *, rate: float, seconds: float, seed: int) -> dict:
    """People not yet answering answer at ``rate`` a second in all (Poisson arrivals)."""
    rng = random.Random(seed)
    rng.shuffle(candidates)
    tasks, started = [], time.perf_counter()
    for index in candidates:
        await asyncio.sleep(rng.expovariate(rate))
        if time.perf_counter() - started > seconds:
            break
        tasks.append(asyncio.create_task(_answer_once(users[index], timeout=30.0)))
    results = [r for r in await asyncio.gather(*tasks) if r is not None]
    figures = _percentiles([took for _, took in results])
    figures.update(offered_per_s=rate, timeouts=sum(took == float("inf") for _, took in results))
    return figures


def _lost_and_duplicated(users: list, title: str) -> tuple[int, int]:
    """At the end of the run. Lost: never shown anything. Duplicated: the survey's opening shown
    more than once (the first message may since have been edited into the answer given, so
    only messages after the first are read)."""
    lost = sum(not user.messages for user in users)
    again = sum(any(title in (m.get("text") or "") for m in user.messages[1:]) for user in users)
    return lost, again


async def _wave_run(url: str, count: int, *, answering: float, answers_each: int, read_s: float, think_s: float,
                    limit_s: float, quiet_rate: float, quiet_s: float, second_worker: bool) -> dict:
    from surveys.schema import load_all

    title = load_all()[SURVEY].title.get("en")
    _prepare(url, count, due=datetime.now(timezone.utc) - timedelta(hours=1))
    async with Emulator(max_calls=1_000_000) as emu:
        users = [emu.user(chat, "Alex") for chat in chat_ids(count)]
        commands = [[sys.executable, "-m", "bot.cli", "run", "--api-url", emu.base_url]]
        if second_worker:
            commands.append([sys.executable, "-m", "benchmarks.wave_bot", "dispatcher", emu.base_url])
        with _processes(commands, _env(url)) as running:
            wave = await _wave(emu, users, answering=answering, answers_each=answers_each, read_s=read_s,
                               think_s=think_s, limit_s=limit_s, seed=11)
            answered = wave.pop("_answered")
            quiet = await _quiet(users, [i for i in range(count) if i not in answered], rate=quiet_rate,
                                 seconds=quiet_s, seed=12)
            await asyncio.sleep(1.0)
            failed = [p.returncode for p in running if p.poll() is not None]
        budgeted = [call for call in emu.calls if costs_budget(_api_name(call.method))]
        lost, duplicated = _lost_and_duplicated(users, title)
    engine = sa.create_engine(url)
    statuses = invitation_statuses(engine)
    engine.dispose()
    return {"invitations": count, "wave": wave, "quiet": quiet, "bot_processes": 1 + second_worker,
            "max_budgeted_in_any_1s": peak_count(budgeted), "budgeted_messages": len(budgeted),
            "lost": lost, "duplicated": duplicated, "statuses": statuses, "processes_died": failed}


_API_NAMES: dict[str, str] = {}


def _api_name(lowered: str) -> str:
    """The emulator records methods in lower case; the limiter's rule reads Bot API names."""
    if not _API_NAMES:
        for name in ("sendMessage", "sendPhoto", "sendDocument", "sendChatAction", "editMessageText",
                     "editMessageReplyMarkup", "copyMessage", "forwardMessage", "answerCallbackQuery"):
            _API_NAMES[name.lower()] = name
    return _API_NAMES.get(lowered, lowered)


async def _ceiling_run(url: str | None, people: int, *, seconds: float, mode: str) -> dict:
    """Answers/s with the limiter off: heard (``url`` set) or the bare bot, in a process of its own."""
    from surveys.schema import load_all

    closing = load_all()[SURVEY].closing.get("en")  # never seen by the bare bot's people: they go on
    async with Emulator(DEFAULT_TOKEN, BARE_TOKEN, max_calls=1_000_000) as emu:
        token = DEFAULT_TOKEN if mode == "heard" else BARE_TOKEN
        users = [emu.user(chat, "Alex", bot=token) for chat in chat_ids(people)]
        command = [sys.executable, "-m", "benchmarks.wave_bot", mode, emu.base_url] + (
            [BARE_TOKEN] if mode == "bare" else [])
        with _processes([command], _env(url or "sqlite://", dispatch_interval=0.5)) as [bot]:
            if mode == "bare":
                for user in users:
                    await user.send_command("/start")
            await asyncio.gather(*(user.wait_for_message(lambda m: bool(_options(m)), timeout=60) for user in users))
            cpu = process_cpu_seconds(bot.pid)
            figures = await answering._drive(users, answering.typed_answers(), think=0.0, max_answers=10_000,
                                             finished=lambda m: closing in (m.get("text") or ""), seconds=seconds)
            used = process_cpu_seconds(bot.pid)
    # The bot process's CPU per answer: steadier than answers/s when the machine is shared.
    figures["bot_cpu_ms_per_answer"] = (round(1000 * (used - cpu) / figures["answers"], 2)
                                        if cpu is not None and used is not None and figures["answers"] else None)
    return figures


def run(count: int = 3000, *, answering: float = 0.5, answers_each: int = 1, read_s: float = 20.0,
        think_s: float = 5.0, limit_s: float = 300.0, quiet_rate: float = 10.0, quiet_s: float = 20.0,
        people: int = 100, ceiling_s: float = 15.0) -> dict:
    """The whole benchmark on SQLite (see the module's docstring)."""
    with database("sqlite") as url:
        wave = asyncio.run(_wave_run(url, count, answering=answering, answers_each=answers_each, read_s=read_s,
                                     think_s=think_s, limit_s=limit_s, quiet_rate=quiet_rate, quiet_s=quiet_s,
                                     second_worker=True))
    with database("sqlite") as url:
        _prepare(url, people, due=datetime.now(timezone.utc) - timedelta(hours=1))
        heard = asyncio.run(_ceiling_run(url, people, seconds=ceiling_s, mode="heard"))
    bare = asyncio.run(_ceiling_run(None, people, seconds=ceiling_s, mode="bare"))
    ok = (wave["lost"] == wave["duplicated"] == 0 and not wave["processes_died"]
          and wave["max_budgeted_in_any_1s"] <= 30 and wave["wave"]["timeouts"] == 0)
    return {"wave": wave, "limiter_off": {"heard": heard, "bare": bare,
                                          "ratio": round(heard["answers_per_s"] / bare["answers_per_s"], 2)
                                          if bare["answers_per_s"] else None},
            "correct": ok}
