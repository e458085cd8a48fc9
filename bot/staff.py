"""Handlers for staff: taking a safeguarding alert, and the staff commands.

Every staff handler checks the role first; anyone without it gets the participant experience
and never learns a staff command exists.
"""

from __future__ import annotations

import logging
from html import escape

import sqlalchemy as sa
from sqlmodel import Session, select
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.context import heard
from bot.texts import t
from surveys.models import Role, SafeguardingAlert, Staff
from surveys.store import audit, session_scope

log = logging.getLogger(__name__)


def roles_of(session: Session, service_id: int, telegram_user_id: int) -> set[Role]:
    rows = session.exec(select(Staff.role).where(Staff.service_id == service_id, Staff.active.is_(True),
                                                 Staff.telegram_user_id == telegram_user_id)).all()
    return {Role(role) for role in rows}


def staff_member(session: Session, service_id: int, telegram_user_id: int) -> Staff | None:
    return session.exec(select(Staff).where(Staff.service_id == service_id, Staff.active.is_(True),
                                            Staff.telegram_user_id == telegram_user_id)).first()


ALERT_ROLES = {Role.duty, Role.manager, Role.admin}


async def alert_taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'I'm dealing with this': the first duty worker to press it owns the alert."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    try:
        alert_id = int(query.data.split(":", 1)[1])
    except ValueError:
        await query.answer(t("survey.old_button"))
        return
    now = h.now()
    with session_scope(h.engine) as session:
        if not roles_of(session, h.service_id, user_id) & ALERT_ROLES:
            log.warning("refused an alert button from someone without a duty role")
            await query.answer(t("survey.old_button"))
            return
        me = staff_member(session, h.service_id, user_id)
        taken = session.execute(
            sa.update(SafeguardingAlert)
            .where(SafeguardingAlert.id == alert_id, SafeguardingAlert.service_id == h.service_id,
                   SafeguardingAlert.acknowledged_at.is_(None))
            .values(acknowledged_by=me.id, acknowledged_at=now)).rowcount
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or alert.service_id != h.service_id:
            await query.answer(t("survey.old_button"))
            return
        owner = session.get(Staff, alert.acknowledged_by)
        if taken:
            audit(session, f"staff:{me.id}", "alert.acknowledge", subject=f"alert:{alert_id}",
                  service_id=h.service_id, at=now)
        when = alert.acknowledged_at.astimezone(h.settings.zone).strftime("%H:%M")
    note = t("staff.alert_taken", name=escape(owner.name or t("staff.someone")), time=when)
    await query.answer(t("staff.you_took_it") if taken else note)
    if query.message is not None:
        await query.edit_message_text(f"{query.message.text_html}\n\n{note}", parse_mode=ParseMode.HTML)
