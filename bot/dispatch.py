"""The dispatcher: a JobQueue tick that asks the database what is due and sends it.

APScheduler (under python-telegram-bot's JobQueue) only keeps time. What is due, claimed,
sent or failed lives in the database, so a restart or a second worker changes nothing.
"""

from __future__ import annotations

import logging
from html import escape
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.context import Heard, heard
from bot.conversation import send_step
from bot.safeguarding import notify_duty
from bot.texts import t
from surveys import engine
from surveys.answering import current_step
from surveys.invitations import (claim_due, expire_overdue, mark_retry, mark_sent, mark_unreachable, reminders_due)
from surveys.models import Invitation, InvitationStatus, Participant, SafeguardingAlert
from surveys.schedule import alert_overdue, in_window, reminder_due
from surveys.schema import Schedule, Trigger
from surveys.store import session_scope

log = logging.getLogger(__name__)
ALERT_RETRY_LIMIT = 20


@dataclass
class TickReport:
    sent: int = 0
    reminded: int = 0
    retried: int = 0
    unreachable: int = 0
    expired: int = 0
    alerts: int = 0
    escalated: int = 0
    contact_requests: int = 0


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    report = await run_tick(context.bot, heard(context))
    if any(vars(report).values()):
        log.info("dispatch: %s", report)


async def run_tick(bot: Bot, h: Heard, *, batch: int = 100) -> TickReport:
    """One pass: expire, retry alerts, then (inside the send window) surveys and reminders."""
    report = TickReport()
    now = h.now()
    with session_scope(h.engine) as session:
        report.expired = expire_overdue(session, now=now)
    report.alerts = await _retry_alerts(bot, h)
    report.contact_requests = await callbacks.notify_waiting(bot, h)
    report.escalated = await _escalate_alerts(bot, h)
    if not in_window(now, h.settings.zone, h.settings.window):
        return report
    while True:
        with session_scope(h.engine) as session:
            claimed = claim_due(session, now=h.now(), worker=h.worker, limit=batch, service_id=h.service_id)
        for invitation_id in claimed:
            outcome = await send_invitation(bot, h, invitation_id)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if len(claimed) < batch:
            break
    with session_scope(h.engine) as session:
        due = [invitation.id for invitation in reminders_due(session, now=h.now(), limit=batch, service_id=h.service_id)]
    for invitation_id in due:
        if await send_reminder(bot, h, invitation_id):
            report.reminded += 1
    return report


async def deliver_due_for(bot: Bot, h: Heard, participant_id: int) -> None:
    """Send a survey that is already due to one person straight away (e.g. just after consent)."""
    now = h.now()
    if not in_window(now, h.settings.zone, h.settings.window):
        return
    with session_scope(h.engine) as session:
        claimed = claim_due(session, now=now, worker=h.worker, limit=1, participant_id=participant_id)
    for invitation_id in claimed:
        await send_invitation(bot, h, invitation_id)


async def send_invitation(bot: Bot, h: Heard, invitation_id: int) -> str:
    """Send a claimed invitation: its intro and first (or current) question."""
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        participant = session.get(Participant, invitation.participant_id)
        definition = h.definitions.get(invitation.survey_id)
        chat_id, lang = int(participant.chat_id), participant.language
        step = current_step(session, invitation, definition) if definition else None
    if definition is None:
        log.error("invitation %s names a survey we do not have: %s", invitation_id, invitation.survey_id)
        return _fail(h, invitation_id, "unknown survey")
    intro = f"<b>{escape(definition.title.get(lang))}</b>\n{escape(definition.intro.get(lang))}"
    try:
        message = await send_step(bot, h, chat_id, invitation, step, lang, preface=intro)
    except TelegramError as error:
        return _after_failure(h, invitation_id, error)
    with session_scope(h.engine) as session:
        mark_sent(session.get(Invitation, invitation_id), definition.schedule or _DEFAULT_SCHEDULE, now=h.now(),
                  message_id=message.message_id if isinstance(step, engine.Ask) else None)
    return "sent"


async def send_reminder(bot: Bot, h: Heard, invitation_id: int) -> bool:
    """A gentle nudge, then the question they stopped at."""
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        participant = session.get(Participant, invitation.participant_id)
        definition = h.definitions[invitation.survey_id]
        chat_id, lang = int(participant.chat_id), participant.language
        step = current_step(session, invitation, definition)
        # Count it before sending: a crash mid-send must not turn into a stream of reminders.
        invitation.reminders_sent += 1
        schedule = definition.schedule or _DEFAULT_SCHEDULE
        invitation.next_reminder_at = reminder_due(invitation.sent_at, schedule.reminders_days,
                                                   invitation.reminders_sent)
        started = invitation.status == InvitationStatus.started
    nudge = t("reminder.started" if started else "reminder.new", lang, title=escape(definition.title.get(lang)))
    try:
        await send_step(bot, h, chat_id, invitation, step, lang, preface=nudge)
    except TelegramError as error:
        _after_failure(h, invitation_id, error, reminder=True)
        return False
    return True


def _after_failure(h: Heard, invitation_id: int, error: TelegramError, *, reminder: bool = False) -> str:
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        if isinstance(error, Forbidden) or (isinstance(error, BadRequest) and "chat not found" in error.message.lower()):
            mark_unreachable(session, invitation, now=h.now(), error=type(error).__name__)
            log.info("invitation %s: the person cannot be reached (%s)", invitation_id, type(error).__name__)
            return "unreachable"
        if reminder:
            invitation.reminders_sent -= 1  # give the reminder back so it is tried again
            invitation.next_reminder_at = h.now() + _retry_gap(error)
            return "retried"
        mark_retry(invitation, now=h.now(), error=type(error).__name__, retry_after=_retry_after_seconds(error))
        log.warning("invitation %s: send failed (%s), will retry", invitation_id, type(error).__name__)
        return "retried"


def _retry_after_seconds(error: TelegramError) -> float | None:
    if not isinstance(error, RetryAfter):
        return None
    wait = error.retry_after  # an int or a timedelta, depending on PTB's settings
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _retry_gap(error: TelegramError) -> timedelta:
    seconds = _retry_after_seconds(error)
    return timedelta(seconds=seconds) if seconds is not None else timedelta(minutes=5)


def _fail(h: Heard, invitation_id: int, reason: str) -> str:
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        invitation.status, invitation.last_error = InvitationStatus.failed, reason
    return "unreachable"


async def _retry_alerts(bot: Bot, h: Heard) -> int:
    """Alerts no duty worker has received yet are sent again on every tick."""
    with session_scope(h.engine) as session:
        pending = session.exec(select(SafeguardingAlert.id).where(
            SafeguardingAlert.service_id == h.service_id, SafeguardingAlert.notified_at.is_(None),
            SafeguardingAlert.notify_attempts < ALERT_RETRY_LIMIT)).all()
    delivered = 0
    for alert_id in pending:
        delivered += await notify_duty(bot, h, alert_id)
    return delivered

async def _escalate_alerts(bot: Bot, h: Heard) -> int:
    """Alerts nobody took within the escalation time (send-window minutes only) go to managers and admins, once."""
    now = h.now()
    with session_scope(h.engine) as session:
        waiting = session.exec(select(SafeguardingAlert.id, SafeguardingAlert.created_at).where(
            SafeguardingAlert.service_id == h.service_id, SafeguardingAlert.acknowledged_at.is_(None),
            SafeguardingAlert.escalated_at.is_(None),
            SafeguardingAlert.notify_attempts < ALERT_RETRY_LIMIT * 2)).all()
    overdue = [alert_id for alert_id, created_at in waiting
               if alert_overdue(created_at, now, h.settings.zone, h.settings.window, h.settings.alert_escalation_minutes)]
    escalated = 0
    for alert_id in overdue:
        escalated += await notify_duty(bot, h, alert_id, escalate=True)
    return escalated


# A survey sent only by hand still gets the usual reminders and expiry.
_DEFAULT_SCHEDULE = Schedule(trigger=Trigger.manual)
