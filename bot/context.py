"""What every handler and job needs, built once when the bot starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from telegram.ext import ContextTypes

from surveys.answering import Analyser
from surveys.models import utcnow
from surveys.settings import Settings


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
    notify: object | None = None  # GOV.UK Notify sender (bot/notify.py); None: built from settings on first use

    def now(self) -> datetime:
        return self.clock()


def heard(context: ContextTypes.DEFAULT_TYPE) -> Heard:
    return context.application.bot_data["heard"]

