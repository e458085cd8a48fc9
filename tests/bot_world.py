"""A small world for end-to-end tests: a database with one YOT's cases, the Bot API emulator,
and the real heard Application polling it. Time is a fake clock the test moves by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlmodel import select

from bot.app import build_application, build_heard
from bot.context import Heard
from bot.processing import PerChatUpdateProcessor
from bot.dispatch import TickReport, run_tick
from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator, SimUser
from surveys.enrol import create_invite, find_participant, import_rows, parse_csv
from surveys.invitations import sync_cases
from surveys.models import Audience, Role, Staff
from surveys.settings import Settings
from surveys.store import session_scope
from tests.telegram_harness import running_bot

CASES = (Path(__file__).parent / "data" / "cases_example.csv").read_text()
START = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # a Tuesday morning, inside the send window


class FakeClock:
    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def asks(words: str):
    """The latest message asks a question containing ``words``."""
    return lambda message: words in (message.get("text") or "").lower()


def finished(message: dict) -> bool:
    """No Skip button left: the survey is over."""
    return "Skip ⏭" not in buttons(message)


def buttons(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


class TrackingProcessor(PerChatUpdateProcessor):
    """The production update processor, counting the updates in hand so tests can wait for them."""

    def __init__(self):
        super().__init__()
        self.active = 0

    async def process_update(self, update, coroutine) -> None:
        self.active += 1  # counted while waiting for its chat too, so settle() waits for those
        try:
            await super().process_update(update, coroutine)
        finally:
            self.active -= 1


@dataclass
class World:
    heard: Heard
    emu: Emulator
    clock: FakeClock
    processor: TrackingProcessor
    app: object = None
    token: str = DEFAULT_TOKEN

    def user(self, user_id: int, first_name: str = "User"):
        """A person writing to this world's bot (several bots may share one emulator)."""
        return self.emu.user(user_id, first_name, bot=self.token)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has handled every update and gone quiet: no fixed sleeps."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            await self.emu.wait_idle(timeout=timeout, quiet=0.02)
            if self.processor.active == 0 and self.app.update_queue.empty():
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot did not settle")
            await asyncio.sleep(0.005)

    def invite(self, case_ref: str, audience: Audience, participant_ref: str = "") -> str:
        with session_scope(self.heard.engine) as session:
            participant = find_participant(session, self.heard.service_id, case_ref, audience, participant_ref)
            return create_invite(session, participant, now=self.clock(), days=30)

    def add_staff(self, telegram_user_id: int, role: Role, name: str = "Duty Worker") -> None:
        with session_scope(self.heard.engine) as session:
            session.add(Staff(service_id=self.heard.service_id, telegram_user_id=telegram_user_id,
                              role=role, name=name))

    async def tick(self) -> TickReport:
        report = await run_tick(self.app.bot, self.heard)
        await self.settle()
        return report

    async def link(self, user: SimUser, code: str, language: str = "English") -> None:
        """A person taps their link and answers "English or Cymraeg?" (the welcome comes next)."""
        await user.send_command(f"/start {code}")
        await self.settle()
        await user.press(language)
        await self.settle()

    async def join(self, user_id: int, case_ref: str, audience: Audience, participant_ref: str = "") -> SimUser:
        """A person taps their link, chooses English, agrees, and is shown whatever is due."""
        user = self.user(user_id, "Alex")
        await self.link(user, self.invite(case_ref, audience, participant_ref))
        await user.press("Yes, that's OK")
        await self.settle()
        return user

    async def skip_until(self, user: SimUser, reached, limit: int = 20) -> None:
        """Press Skip until ``reached(latest bot message)`` holds; fail rather than loop forever."""
        for _ in range(limit):
            if reached(user.last_message):
                return
            await user.press("Skip ⏭")
            await self.settle()
        raise AssertionError(f"never reached the question wanted; last: {user.last_message.get('text')!r}")

    def rows(self, model, *where):
        with session_scope(self.heard.engine) as session:
            return session.exec(select(model).where(*where)).all()


@contextlib.asynccontextmanager
async def world(db_url: str, *, clock: FakeClock | None = None, cases: str = CASES, service: str = "test-yot",
                emu: Emulator | None = None, token: str = DEFAULT_TOKEN, encryption_key: str | None = None,
                alert_text: str = "shown"):
    """One YOT's bot. Pass ``emu`` (with ``token`` added to it) to run several YOTs side by side.

    Alerts quote what was written unless ``alert_text="hidden"`` (production's default), so tests
    about the screen can read the alert; tests of the hidden text pass it.
    """
    clock = clock or FakeClock()
    settings = Settings(database_url=db_url, service=service, bot_username=f"emulated_{token.split(':')[0]}_bot",
                        encryption_key=encryption_key, alert_text=alert_text, _env_file=None)
    h = build_heard(settings, clock=clock)
    with session_scope(h.engine) as session:
        summary = import_rows(session, h.service_id, parse_csv(cases), now=clock())
        sync_cases(session, summary.case_ids, h.definitions, zone=settings.zone, window=settings.window, now=clock())
    processor = TrackingProcessor()
    async with contextlib.AsyncExitStack() as stack:
        if emu is None:
            emu = await stack.enter_async_context(Emulator(token))
        w = World(heard=h, emu=emu, clock=clock, processor=processor, token=token)
        factory = lambda builder: build_application(  # noqa: E731
            h, builder, dispatch=False, rate_limit=False, update_processor=processor)
        w.app = await stack.enter_async_context(running_bot(factory, emu, token))
        yield w
    h.close()
    h.engine.dispose()


def days(n: int) -> date:
    return (START + timedelta(days=n)).date()


def slow_then_working(store, *, times: int = 2, seconds: float = 1.0):
    """``store`` as it behaves while another process holds SQLite's write lock: each of the first ``times``
    tries waits ``seconds`` (the busy timeout) and fails; then it works."""
    import time

    import sqlalchemy as sa

    left = {"tries": times}

    def slow_store(*args):
        if left["tries"]:
            left["tries"] -= 1
            time.sleep(seconds)
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
        return store(*args)

    return slow_store
