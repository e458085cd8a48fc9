"""The dispatcher: a JobQueue tick that asks the database what is due and sends it.

APScheduler (under python-telegram-bot's JobQueue) only keeps time. What is due, claimed,
sent or failed lives in the database, so a restart or a second worker changes nothing.
"""

from __future__ import annotations

import logging
from html import escape
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.action_news import send_action_news
from bot.context import Heard, heard
from bot.link_dispatch import send_invitation_link, send_reminder_link
from bot.conversation import send_step
from bot.ratelimit import background_sends
from bot.safeguarding import (digest_message, notify_duty, send_missing_help, send_to_staff,
                              warn_if_duty_unreachable)
from bot.texts import t
from surveys import engine
from surveys.answering import current_step
from surveys.invitations import (claim_due, expire_overdue, mark_retry, mark_sent, mark_unreachable, reminders_due)
from surveys.alert_delivery import (claim_digest, duty_or_managers, release_digest, undelivered_urgent, untaken_urgent,
                                     waiting_reviews)
from surveys.models import LINK_CHANNELS, Channel, Invitation, InvitationStatus, Participant
from surveys.schedule import escalation_due, in_window, local_day, reminder_due
from surveys.schema import Schedule, Trigger
from surveys.store import session_scope

log = logging.getLogger(__name__)
# An urgent alert that has reached nobody for this long is logged as an error on every tick.
ALERT_UNDELIVERED_ALARM = timedelta(minutes=10)


@dataclass
class TickReport:
    sent: int = 0
    reminded: int = 0
    retried: int = 0
    unreachable: int = 0
    expired: int = 0
    alerts: int = 0
    escalated: int = 0
    helped: int = 0
    digests: int = 0
    contact_requests: int = 0
    callbacks_escalated: int = 0


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    h = heard(context)
    if not context.application.bot_data.get("duty_reach_checked"):
        context.application.bot_data["duty_reach_checked"] = True  # once per process: at start, and here
        warn_if_duty_unreachable(h)
    report = await run_tick(context.bot, h)
    if any(vars(report).values()):
        log.info("dispatch: %s", report)


async def run_tick(bot: Bot, h: Heard, *, batch: int = 100) -> TickReport:
    """One pass: help not yet shown, alerts, expiry, then (inside the send window) the digest, surveys, reminders."""
    report = TickReport()
    now = h.now()
    report.helped = await send_missing_help(bot, h)
    report.alerts = await _retry_alerts(bot, h)
    report.contact_requests = await callbacks.notify_waiting(bot, h)
    report.escalated = await _escalate_alerts(bot, h)
    report.expired = await h.transaction(expire_overdue, now=now)
    if not in_window(now, h.settings.zone, h.settings.window):
        return report
    report.digests = await _send_review_digest(bot, h)
    report.callbacks_escalated = await callbacks.escalate_waiting(bot, h)
    with background_sends():  # replies to people go first; these take the budget they leave
        await _send_due(bot, h, report, batch)
    return report


async def _send_due(bot: Bot, h: Heard, report: TickReport, batch: int) -> None:
    await send_action_news(bot, h)  # "you said, we did", once a quarter, to those who asked to hear
    while True:
        claimed = await h.transaction(claim_due, now=h.now(), worker=h.worker, limit=batch, service_id=h.service_id)
        for invitation_id in claimed:
            outcome = await send_invitation(bot, h, invitation_id)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if len(claimed) < batch:
            break
    due = [invitation.id for invitation in
           await h.transaction(reminders_due, now=h.now(), limit=batch, service_id=h.service_id)]
    for invitation_id in due:
        if await send_reminder(bot, h, invitation_id):
            report.reminded += 1


async def deliver_due_for(bot: Bot, h: Heard, participant_id: int) -> None:
    """Send a survey that is already due to one person straight away (e.g. just after consent)."""
    now = h.now()
    if not in_window(now, h.settings.zone, h.settings.window):
        return
    claimed = await h.transaction(claim_due, now=now, worker=h.worker, limit=1, participant_id=participant_id)
    for invitation_id in claimed:
        await send_invitation(bot, h, invitation_id)


async def send_invitation(bot: Bot, h: Heard, invitation_id: int) -> str:
    """Send a claimed invitation: its intro and first (or current) question."""
    out = await h.transaction(_to_send, invitation_id, h.definitions)
    if out.by_link:  # issue 15: a web link by SMS or email, through GOV.UK Notify
        return await send_invitation_link(h, invitation_id)
    invitation, chat_id, lang, step = out.invitation, out.chat_id, out.lang, out.step
    definition = h.definitions.get(invitation.survey_id)
    if definition is None:
        log.error("invitation %s names a survey we do not have: %s", invitation_id, invitation.survey_id)
        return await h.run(_fail, h, invitation_id, "unknown survey")
    intro = f"<b>{escape(definition.title.get(lang))}</b>\n{escape(definition.intro.get(lang))}"
    try:
        message = await send_step(bot, h, chat_id, invitation, step, lang, preface=intro, recorded_by_caller=True)
    except TelegramError as error:
        return await h.run(_after_failure, h, invitation_id, error)
    await h.transaction(_mark_sent, invitation_id, definition.schedule or _DEFAULT_SCHEDULE, now=h.now(),
                        message_id=message.message_id if isinstance(step, engine.Ask) else None)
    return "sent"


@dataclass(frozen=True)
class _Outgoing:
    """An invitation about to go out: where, in which language, and the step to show."""

    invitation: Invitation
    chat_id: int | None
    lang: str
    step: object
    by_link: bool = False  # SMS or email: a fresh web link goes out through GOV.UK Notify instead


def _to_send(session, invitation_id: int, definitions: dict) -> _Outgoing:
    invitation = session.get(Invitation, invitation_id)
    participant = session.get(Participant, invitation.participant_id)
    if participant.channel in LINK_CHANNELS:
        return _Outgoing(invitation, None, participant.language, None, by_link=True)
    definition = definitions.get(invitation.survey_id)
    step = current_step(session, invitation, definition) if definition else None
    return _Outgoing(invitation, int(participant.chat_id), participant.language, step)


def _mark_sent(session, invitation_id: int, schedule, *, now, message_id: int | None) -> None:
    invitation = session.get(Invitation, invitation_id)
    mark_sent(invitation, schedule, now=now, message_id=message_id)
    invitation.channel = Channel.telegram.value


async def send_reminder(bot: Bot, h: Heard, invitation_id: int) -> bool:
    """A gentle nudge, then the question they stopped at."""
    out = await h.transaction(_count_reminder, invitation_id, h.definitions)
    if out.by_link:  # issue 15: by SMS or email, with a fresh link
        return await send_reminder_link(h, invitation_id)
    invitation, chat_id, lang, step = out.invitation, out.chat_id, out.lang, out.step
    definition, started = h.definitions[invitation.survey_id], invitation.status == InvitationStatus.started
    nudge = t("reminder.started" if started else "reminder.new", lang, title=escape(definition.title.get(lang)))
    try:
        await send_step(bot, h, chat_id, invitation, step, lang, preface=nudge)
    except TelegramError as error:
        await h.run(_after_failure, h, invitation_id, error, reminder=True)
        return False
    return True


def _count_reminder(session, invitation_id: int, definitions: dict) -> _Outgoing:
    """Count a reminder before sending it: a crash mid-send must not turn into a stream of reminders."""
    out = _to_send(session, invitation_id, definitions)
    if out.by_link:
        return out  # the link sender counts its own reminders
    invitation = out.invitation
    invitation.reminders_sent += 1
    schedule = definitions[invitation.survey_id].schedule or _DEFAULT_SCHEDULE
    invitation.next_reminder_at = reminder_due(invitation.sent_at, schedule.reminders_days, invitation.reminders_sent)
    return out


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
    """Urgent alerts nobody has received yet are sent again on every tick, however long it takes."""
    now = h.now()
    pending = await h.transaction(undelivered_urgent, h.service_id)
    delivered = 0
    for alert_id, created_at in pending:
        if await notify_duty(bot, h, alert_id):
            delivered += 1
        elif now - created_at > ALERT_UNDELIVERED_ALARM:
            log.error("safeguarding alert %s has reached no staff member for %d minutes", alert_id,
                      (now - created_at).total_seconds() // 60)
    return delivered


async def _escalate_alerts(bot: Bot, h: Heard) -> int:
    """Urgent alerts nobody took go to managers, admins and duty workers, every escalation period
    (send-window minutes only), to whoever holds those roles at the time, until someone takes them."""
    now, settings = h.now(), h.settings
    due = [(alert.id, alert.escalations + 1) for alert in await h.transaction(untaken_urgent, h.service_id)
           if escalation_due(alert.created_at, alert.escalated_at, now, settings.zone, settings.window,
                             settings.alert_escalation_minutes)]
    escalated = 0
    for alert_id, round_number in due:
        escalated += await notify_duty(bot, h, alert_id, round_number=round_number)
    return escalated


async def _send_review_digest(bot: Bot, h: Heard) -> int:
    """Once a local day, inside the send window: how many review alerts wait, to the duty workers."""
    now = h.now()
    claimed = await h.run(_claim_digest, h, now)
    if claimed is None:
        return 0
    total, categories, people = claimed
    text = digest_message(total, categories)
    delivered = sum([await send_to_staff(bot, h, user_id, text) is not None for user_id in people])
    if not delivered:  # nobody got it: a later tick tries again, so review alerts are still read today
        await h.transaction(release_digest, h.service_id, local_day(now, h.settings.zone))
    return delivered


def _claim_digest(h: Heard, now):
    """(how many wait, their categories, who to tell) once today's digest is ours; None if nothing waits or it went."""
    with session_scope(h.engine) as session:
        total, categories = waiting_reviews(session, h.service_id)
        if not total or not claim_digest(session, h.service_id, local_day(now, h.settings.zone), now=now):
            return None
        return total, categories, duty_or_managers(session, h.service_id)


# A survey sent only by hand still gets the usual reminders and expiry.
_DEFAULT_SCHEDULE = Schedule(trigger=Trigger.manual)
