"""Someone asked the team to get in touch (a call back, or a victim who feels less safe): tell a worker now.

The request row is stored with the answer; this sends the message (with a "Mark done" button), and
the dispatcher's tick sends again any request nobody has been told about yet. A request still open
after two working days goes to managers, once each working day, until someone marks it done.
"""

from __future__ import annotations

import logging
from html import escape

from sqlmodel import select
import sqlalchemy as sa
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import Heard
from bot.texts import t
from surveys.models import CallbackRequest, Case, Invitation, Participant, Role, Staff
from surveys.store import session_scope

log = logging.getLogger(__name__)


def _workers(session, service_id: int) -> list[int]:
    """Victim workers; if the service has none, managers and admins, so a request never goes unseen."""
    for roles in ((Role.victim_worker,), (Role.manager, Role.admin)):
        ids = session.exec(select(Staff.telegram_user_id).where(
            Staff.service_id == service_id, Staff.active.is_(True),
            Staff.role.in_([role.value for role in roles]))).all()
        if ids:
            return sorted(set(ids))
    return []


def _message(session, h: Heard, request: CallbackRequest) -> str:
    participant = session.get(Participant, request.participant_id)
    case = session.get(Case, participant.case_id)
    invitation = session.get(Invitation, request.invitation_id) if request.invitation_id else None
    definition = h.definitions.get(invitation.survey_id) if invitation else None
    who = case.case_ref + (f" / {participant.participant_ref}" if participant.participant_ref else "")
    return t("staff.contact_request", id=request.id, who=escape(who), audience=participant.audience.replace("_", " "),
             reason=escape(request.reason), survey=escape(definition.title.get("en") if definition else "-"),
             at=request.created_at.astimezone(h.settings.zone).strftime("%d %b %H:%M"))


def done_keyboard(callback_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("callback.done_button"), callback_data=f"cbdone:{callback_id}")]])


async def notify_workers(bot: Bot, h: Heard, callback_id: int) -> bool:
    """Message the workers about one request; True if at least one of them got it."""
    found = await h.run(_request_to_tell, h, callback_id)
    if found is None:
        return False
    text, recipients = found
    delivered = await _send_to_each(bot, recipients, text, callback_id, "contact request")
    if not recipients:
        log.error("contact request %s: no victim worker, manager or admin to tell", callback_id)
    if delivered:
        await h.run(_mark_notified, h, callback_id)
    return delivered > 0


def _request_to_tell(h: Heard, callback_id: int) -> tuple[str, list[int]] | None:
    """(message, recipients) for a request nobody has been told about; None once told or closed."""
    with session_scope(h.engine) as session:
        request = session.get(CallbackRequest, callback_id)
        if request is None or request.notified_at is not None or request.done_at is not None:
            return None
        return _message(session, h, request), _workers(session, request.service_id)


def _mark_notified(h: Heard, callback_id: int) -> None:
    with session_scope(h.engine) as session:
        session.get(CallbackRequest, callback_id).notified_at = h.now()


async def notify_waiting(bot: Bot, h: Heard) -> int:
    """Requests nobody has been told about yet (a send failed, or nobody held the role): try again."""
    waiting = None
    def _in_thread():  # database work off the event loop (Heard.run)
        nonlocal waiting
        with session_scope(h.engine) as session:
            waiting = session.exec(select(CallbackRequest.id).where(
                CallbackRequest.service_id == h.service_id, CallbackRequest.notified_at.is_(None),
                CallbackRequest.done_at.is_(None))).all()
    await h.run(_in_thread)
    return sum([await notify_workers(bot, h, callback_id) for callback_id in waiting])


# --- reminding managers of requests nobody has closed -------------------------------------------

def _managers(session, service_id: int) -> list[int]:
    """Managers; if the service has none, admins."""
    for role in (Role.manager, Role.admin):
        ids = session.exec(select(Staff.telegram_user_id).where(
            Staff.service_id == service_id, Staff.active.is_(True), Staff.role == role.value)).all()
        if ids:
            return sorted(set(ids))
    return []


def _claim_escalation(session, request: CallbackRequest, now) -> bool:
    """Mark today's reminder as ours before sending, so two bot processes never both send it."""
    return session.execute(
        sa.update(CallbackRequest)
        .where(CallbackRequest.id == request.id, CallbackRequest.done_at.is_(None),
               CallbackRequest.escalations == request.escalations)
        .values(escalated_at=now, escalations=request.escalations + 1)).rowcount == 1


async def escalate_waiting(bot: Bot, h: Heard) -> int:
    """Open requests past two working days: remind the managers (once a working day). How many went out."""
    from surveys.casework import callbacks_to_escalate

    now = h.now()
    due = None
    def _in_thread():  # database work off the event loop (Heard.run)
        nonlocal due
        with session_scope(h.engine) as session:
            due = callbacks_to_escalate(session, h.service_id, now=now, zone=h.settings.zone)
    await h.run(_in_thread)
    sent = 0
    for callback_id in due:
        claimed = await h.run(_claim_reminder, h, callback_id, now)
        if claimed is None:
            continue  # another process took today's reminder
        text, recipients, before = claimed
        delivered = await _send_to_each(bot, recipients, text, callback_id, "call-back reminder")
        if not delivered:  # nobody got it: give the reminder back so the next tick tries again
            log.error("call-back request %s is overdue and no manager or admin could be told", callback_id)
            await h.run(_give_reminder_back, h, callback_id, before)
        sent += delivered > 0
    return sent


def _claim_reminder(h: Heard, callback_id: int, now):
    """(message, managers, the request's reminder state before) once today's reminder is ours; else None."""
    with session_scope(h.engine) as session:
        request = session.get(CallbackRequest, callback_id)
        before = (request.escalated_at, request.escalations)
        if not _claim_escalation(session, request, now):
            return None
        return _escalation_message(session, h, request, before[1] + 1), _managers(session, h.service_id), before


def _give_reminder_back(h: Heard, callback_id: int, before) -> None:
    with session_scope(h.engine) as session:
        request = session.get(CallbackRequest, callback_id)
        request.escalated_at, request.escalations = before


def _escalation_message(session, h: Heard, request: CallbackRequest, number: int) -> str:
    participant = session.get(Participant, request.participant_id)
    case = session.get(Case, participant.case_id)
    who = case.case_ref + (f" / {participant.participant_ref}" if participant.participant_ref else "")
    return t("callback.escalation", number=number, id=request.id, who=escape(who),
             audience=participant.audience.replace("_", " "), reason=escape(request.reason),
             at=request.created_at.astimezone(h.settings.zone).strftime("%a %d %b %H:%M"))


async def _send_to_each(bot: Bot, recipients: list[int], text: str, callback_id: int, what: str) -> int:
    """Send one message about a request, with its Mark done button, to each person; how many got it."""
    delivered = 0
    for user_id in recipients:
        try:
            await bot.send_message(user_id, text, parse_mode=ParseMode.HTML, reply_markup=done_keyboard(callback_id))
            delivered += 1
        except TelegramError as error:
            log.warning("%s %s not delivered to one member of staff: %s", what, callback_id, type(error).__name__)
    return delivered
