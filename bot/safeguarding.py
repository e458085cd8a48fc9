"""A possible disclosure: show the person where to get help at once, and tell the duty worker.

The alert row is written before any message goes out, so a failed send is retried by the
dispatcher rather than lost.
"""

from __future__ import annotations

import logging
from html import escape

from sqlmodel import Session, select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import Heard
from bot.texts import t
from surveys.models import Case, Invitation, Participant, Role, SafeguardingAlert, Staff
from surveys.store import session_scope

log = logging.getLogger(__name__)


def screen_loose_text(session: Session, h: Heard, participant: Participant, text: str) -> list[int]:
    """Screen a message sent outside any survey: it can hold a disclosure too."""
    findings = h.analyse(text, None, participant.audience)
    if not findings.safeguarding_reason:
        return []
    alert = SafeguardingAlert(service_id=session.get(Case, participant.case_id).service_id,
                              participant_id=participant.id, tier=findings.safeguarding_tier,
                              reason=findings.safeguarding_reason,
                              text=text, created_at=h.now())
    session.add(alert)
    session.flush()
    return [alert.id]


async def after_disclosure(bot: Bot, h: Heard, chat_id: int, alert_ids: list[int], lang: str) -> None:
    """Help first; then the duty workers. With no alert we don't know who this is, so we say so."""
    key = "safeguarding.help_now" if alert_ids else "safeguarding.help_unknown_person"
    await bot.send_message(chat_id, t(key, lang), parse_mode=ParseMode.HTML)
    for alert_id in alert_ids:
        await notify_duty(bot, h, alert_id)


def _duty_staff(session: Session, service_id: int, roles=(Role.duty,)) -> list[Staff]:
    rows = session.exec(select(Staff).where(Staff.service_id == service_id, Staff.active.is_(True),
                                            Staff.role.in_([r.value for r in roles]))).all()
    unique: dict[int, Staff] = {}
    for staff in rows:
        unique.setdefault(staff.telegram_user_id, staff)
    return list(unique.values())


def alert_message(session: Session, h: Heard, alert: SafeguardingAlert) -> str:
    """What the duty worker reads: enough to act on, nothing more."""
    participant = session.get(Participant, alert.participant_id)
    case = session.get(Case, participant.case_id)
    survey, question = t("staff.no_survey"), "-"
    if alert.invitation_id is not None:
        invitation = session.get(Invitation, alert.invitation_id)
        definition = h.definitions.get(invitation.survey_id)
        if definition is not None:
            survey = definition.title.get("en")
            question = next((q.text.get("en") for q in definition.questions if q.id == alert.question_id), "-")
    return t("staff.alert", case_ref=escape(case.case_ref), audience=participant.audience.replace("_", " "),
             survey=escape(survey), question=escape(question), reason=escape(alert.reason),
             text=escape(alert.text or ""), at=alert.created_at.astimezone(h.settings.zone).strftime("%d %b %H:%M"))


async def notify_duty(bot: Bot, h: Heard, alert_id: int, *, escalate: bool = False) -> bool:
    """Message every duty worker (or, escalating, managers too). True if at least one got it."""
    roles = (Role.duty, Role.manager, Role.admin) if escalate else (Role.duty,)
    with session_scope(h.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        text = alert_message(session, h, alert)
        recipients = [s.telegram_user_id for s in _duty_staff(session, alert.service_id, roles)]
    if escalate:
        text = t("staff.alert_escalated") + "\n\n" + text
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t("staff.ack_button"), callback_data=f"ack:{alert_id}")]])
    delivered = 0
    for user_id in recipients:
        try:
            await bot.send_message(user_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
            delivered += 1
        except TelegramError as error:
            log.warning("safeguarding alert %s not delivered to one duty worker: %s", alert_id, type(error).__name__)
    with session_scope(h.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        alert.notify_attempts += 1
        if delivered and alert.notified_at is None:
            alert.notified_at = h.now()
        if escalate and delivered:
            alert.escalated_at = h.now()
    if not recipients:
        log.error("safeguarding alert %s: no active duty staff to tell", alert_id)
    return delivered > 0
