"""Someone asked the team to get in touch (a call back, or a victim who feels less safe): tell a worker now.

The request row is stored with the answer; the rules (who hears, claiming a reminder) are in
surveys/callback_requests.py. This sends the message (with a "Mark done" button), and
the dispatcher's tick sends again any request nobody has been told about yet. A request still open
after two working days goes to managers, once each working day, until someone marks it done.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.context import Heard
from bot.texts import t
from surveys import callback_requests
from surveys.callback_requests import RequestNotice

log = logging.getLogger(__name__)


def _message(h: Heard, notice: RequestNotice) -> str:
    definition = h.definitions.get(notice.survey_id) if notice.survey_id else None
    return t("staff.contact_request", id=notice.id, who=escape(notice.who), audience=notice.audience.replace("_", " "),
             reason=escape(notice.reason), survey=escape(definition.title.get("en") if definition else "-"),
             at=notice.created_at.astimezone(h.settings.zone).strftime("%d %b %H:%M"))


def done_keyboard(callback_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("callback.done_button"), callback_data=f"cbdone:{callback_id}")]])


async def notify_workers(bot: Bot, h: Heard, callback_id: int) -> bool:
    """Message the workers about one request; True if at least one of them got it."""
    notice = await h.transaction(callback_requests.request_to_tell, callback_id)
    if notice is None:
        return False
    delivered = await _send_to_each(bot, notice.recipients, _message(h, notice), callback_id, "contact request")
    if not notice.recipients:
        log.error("contact request %s: no victim worker, manager or admin to tell", callback_id)
    if delivered:
        await h.transaction(callback_requests.mark_told, callback_id, now=h.now())
    return delivered > 0


async def notify_waiting(bot: Bot, h: Heard) -> int:
    """Requests nobody has been told about yet (a send failed, or nobody held the role): try again."""
    waiting = await h.transaction(callback_requests.requests_not_told, h.service_id)
    return sum([await notify_workers(bot, h, callback_id) for callback_id in waiting])


# --- reminding managers of requests nobody has closed -------------------------------------------

async def escalate_waiting(bot: Bot, h: Heard) -> int:
    """Open requests past two working days: remind the managers (once a working day). How many went out."""
    from surveys.casework import callbacks_to_escalate

    now = h.now()
    due = await h.transaction(callbacks_to_escalate, h.service_id, now=now, zone=h.settings.zone)
    sent = 0
    for callback_id in due:
        claimed = await h.transaction(callback_requests.claim_reminder, callback_id, now=now)
        if claimed is None:
            continue  # another process took today's reminder
        notice = claimed.notice
        delivered = await _send_to_each(bot, notice.recipients, _escalation_message(h, notice), callback_id,
                                        "call-back reminder")
        if not delivered:  # nobody got it: give the reminder back so the next tick tries again
            log.error("call-back request %s is overdue and no manager or admin could be told", callback_id)
            await h.transaction(callback_requests.give_reminder_back, callback_id, claimed.before)
        sent += delivered > 0
    return sent


def _escalation_message(h: Heard, notice: RequestNotice) -> str:
    return t("callback.escalation", number=notice.reminder_number, id=notice.id, who=escape(notice.who),
             audience=notice.audience.replace("_", " "), reason=escape(notice.reason),
             at=notice.created_at.astimezone(h.settings.zone).strftime("%a %d %b %H:%M"))


async def _send_to_each(bot: Bot, recipients: list[int], text: str, callback_id: int, what: str) -> int:
    """Send one message about a request, with its Mark done button, to each person; how many got it."""
    delivered = 0
    for user_id in recipients:
        try:
            await bot.send_message(user_id, text, reply_markup=done_keyboard(callback_id))
            delivered += 1
        except TelegramError as error:
            log.warning("%s %s not delivered to one member of staff: %s", what, callback_id, type(error).__name__)
    return delivered
