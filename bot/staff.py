"""Handlers for staff: taking a safeguarding alert, and the staff commands.

Every staff handler checks the role first; anyone without it gets the participant experience
and never learns a staff command exists.
"""

from __future__ import annotations

import logging
import re
import time
from html import escape

from sqlmodel import Session, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.context import Heard, heard
from bot.safeguarding import TELEGRAM_LIMIT, full_text_messages, utf16_len
from bot.texts import t
from surveys import alerts
from surveys.alert_delivery import mark_reachable, staff_user_ids
from surveys.models import AlertTier, Audience, Case, Participant, Role, SafeguardingAlert, Staff
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
ALERT_BUTTON = re.compile(r"^ack:([0-9]{1,9})$")  # an id that fits the column, so forged data cannot crash a query


def take_alert(session: Session, service_id: int, alert_id: int, user_id: int, *, now):
    """Give an alert to the first duty worker who presses; None if they may not, or it is not ours.

    Returns (whether this press took it, the owner's name, when it was taken).
    """
    if not roles_of(session, service_id, user_id) & ALERT_ROLES:
        return None
    me = staff_member(session, service_id, user_id)
    first = alerts.take(session, service_id, alert_id, staff_id=me.id, now=now)
    alert = session.get(SafeguardingAlert, alert_id)
    if alert is None or alert.service_id != service_id:
        return None
    if first:
        audit(session, f"staff:{me.id}", "alert.acknowledge", subject=f"alert:{alert_id}",
              service_id=service_id, at=now)
    owner = session.get(Staff, alert.acknowledged_by) if alert.acknowledged_by else None
    return first, owner.name if owner else None, alert.acknowledged_at


async def alert_taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'I'm dealing with this': the first duty worker to press it owns the alert."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = ALERT_BUTTON.match(query.data or "")
    if match is None:
        await query.answer(t("survey.old_button"))
        return
    with session_scope(h.engine) as session:
        taken = take_alert(session, h.service_id, int(match.group(1)), user_id, now=h.now())
    if taken is None:
        log.warning("refused an alert button from someone without a duty role, or for another service")
        await query.answer(t("survey.old_button"))
        return
    first, owner_name, when = taken
    when = when.astimezone(h.settings.zone).strftime("%H:%M")
    note = t("staff.alert_taken", name=escape(owner_name or t("staff.someone")), time=when)
    await query.answer(t("staff.you_took_it") if first else note)
    if query.message is None:
        return
    edited = f"{query.message.text_html}\n\n{note}"
    keep = _full_text_button_only(query.message.reply_markup)
    if utf16_len(edited) <= TELEGRAM_LIMIT:
        await query.edit_message_text(edited, parse_mode=ParseMode.HTML, reply_markup=keep)
    else:  # a long alert with a long name: keep the alert as it is, say who took it underneath
        await query.edit_message_reply_markup(reply_markup=keep)
        await query.message.reply_text(note, parse_mode=ParseMode.HTML)


def _full_text_button_only(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Once an alert is taken its 'I'm dealing with this' button goes; 'Show full text' stays."""
    rows = [[button for button in row if (button.callback_data or "").startswith("alerttext:")]
            for row in (markup.inline_keyboard if markup else ())]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


ALERT_TEXT_BUTTON = re.compile(r"^alerttext:([0-9]{1,9})$")


def full_text_for(session: Session, service_id: int, alert_id: int, user_id: int, *, now):
    """(case ref, what they wrote) of an alert, for staff with an alert role in its service; None otherwise.

    Each showing is audited. The text is None once retention or erasure has removed it.
    """
    if not roles_of(session, service_id, user_id) & ALERT_ROLES:
        return None
    alert = session.get(SafeguardingAlert, alert_id)
    if alert is None or alert.service_id != service_id:
        return None
    me = staff_member(session, service_id, user_id)
    audit(session, f"staff:{me.id}", "alert.text_shown", subject=f"alert:{alert_id}", service_id=service_id, at=now)
    case = session.get(Case, session.get(Participant, alert.participant_id).case_id)
    return case.case_ref, alert.text


async def show_full_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'Show full text' under a long alert: the whole of what they wrote, in as many messages as it takes."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = ALERT_TEXT_BUTTON.match(query.data or "")
    with session_scope(h.engine) as session:
        found = full_text_for(session, h.service_id, int(match.group(1)), user_id, now=h.now()) if match else None
    if found is None:
        log.warning("refused a show-full-text press from someone without an alert role, or for another service")
        await query.answer(t("alert.full_text_refused"))
        return
    case_ref, text = found
    await query.answer()
    if text is None:
        await context.bot.send_message(user_id, t("alert.full_text_gone"))
        return
    for piece in full_text_messages(case_ref, text):
        await context.bot.send_message(user_id, piece)  # plain text: nothing in it is read as markup


# --- reachability -----------------------------------------------------------------------------

STAFF_IDS_CACHE_SECONDS = 60


async def note_staff_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before everything else: a staff member who writes to the bot privately can be sent alerts."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    h = heard(context)
    message = update.effective_message
    asked_start = bool(message and (message.text or "").startswith("/"))
    if not _is_staff(context, h, user.id, recheck=asked_start):
        return
    with session_scope(h.engine) as session:
        mark_reachable(session, h.service_id, user.id, now=h.now())


def _is_staff(context: ContextTypes.DEFAULT_TYPE, h: Heard, user_id: int, *, recheck: bool) -> bool:
    """Staff ids, cached for a minute so a participant's every answer costs no query.

    A command (such as /start, which a new duty worker is told to press) from someone not in the
    cache looks again, so a staff member added a moment ago is recognised at once.
    """
    cached = context.application.bot_data.get("staff_ids")
    if cached is None or cached[0] < time.monotonic() or (recheck and user_id not in cached[1]):
        with session_scope(h.engine) as session:
            cached = (time.monotonic() + STAFF_IDS_CACHE_SECONDS, staff_user_ids(session, h.service_id))
        context.application.bot_data["staff_ids"] = cached
    return user_id in cached[1]


# --- staff commands ------------------------------------------------------------------------

INVITE_ROLES = {Role.admin, Role.case_worker, Role.victim_worker}
CASEWORK_ROLES = {Role.admin, Role.case_worker, Role.victim_worker, Role.manager}
FOLLOWUP_ROLES = {Role.admin, Role.victim_worker}
CALLBACK_ROLES = {Role.admin, Role.case_worker, Role.victim_worker, Role.manager, Role.duty}
REPORT_ROLES = {Role.admin, Role.manager}
MAX_LINES = 30


def staff_only(roles: set[Role]):
    """Run the handler for staff with one of ``roles``; anyone else gets the participant reply."""
    def wrap(handler):
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            h = heard(context)
            with session_scope(h.engine) as session:
                mine = roles_of(session, h.service_id, update.effective_user.id)
                me = staff_member(session, h.service_id, update.effective_user.id) if mine & roles else None
            if me is None:
                from bot.participant import unknown_command
                await unknown_command(update, context)
                return
            await handler(update, context, me)
        guarded.__name__ = handler.__name__
        return guarded
    return wrap


async def _reply(update: Update, text: str, **kwargs) -> None:
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)


def _list(lines, empty: str, zone) -> str:
    if not lines:
        return empty
    shown = [f"• {escape(line.who())}: {escape(line.survey_id or '')} "
             f"{line.when.astimezone(zone).strftime('%a %d %b') if line.when else ''} – {escape(line.note)}"
             for line in lines[:MAX_LINES]]
    more = len(lines) - MAX_LINES
    return "\n".join(shown + ([t("staff.more", count=more)] if more > 0 else []))


@staff_only(INVITE_ROLES)
async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Staff) -> None:
    """/invite CASE_REF AUDIENCE [PARTICIPANT_REF]: a one-time link and its QR code."""
    from surveys.enrol import create_invite, deep_link, find_participant

    h = heard(context)
    args = context.args or []
    if len(args) not in (2, 3) or args[1] not in {a.value for a in Audience}:
        await _reply(update, t("staff.invite_usage"))
        return
    case_ref, audience, participant_ref = args[0], Audience(args[1]), (args[2] if len(args) == 3 else "")
    if me.role == Role.victim_worker and audience != Audience.victim:
        await _reply(update, t("staff.victims_only"))
        return
    code = None
    with session_scope(h.engine) as session:
        participant = find_participant(session, h.service_id, case_ref, audience, participant_ref)
        if participant is not None:
            code = create_invite(session, participant, now=h.now(), days=h.settings.invite_days,
                                 created_by=f"staff:{me.id}")
            audit(session, f"staff:{me.id}", "invite.create", subject=f"participant:{participant.id}",
                  service_id=h.service_id)
    if code is None:
        await _reply(update, t("staff.no_such_person", who=escape(f"{case_ref} {audience.value} {participant_ref}")))
        return
    link = deep_link(context.bot.username, code)
    await update.effective_message.reply_photo(_qr_png(link), caption=t("staff.invite_link", link=link,
                                                                        days=h.settings.invite_days))


def _qr_png(link: str) -> bytes:
    import io

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(link).save(buffer, format="PNG")
    return buffer.getvalue()


@staff_only(CASEWORK_ROLES)
async def due_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Staff) -> None:
    """/due: what goes out in the next 7 days, and who has not answered."""
    from surveys.casework import due_soon, not_answered

    h = heard(context)
    with session_scope(h.engine) as session:
        soon, waiting = due_soon(session, h.service_id, now=h.now()), not_answered(session, h.service_id)
        audit(session, f"staff:{me.id}", "staff.due", service_id=h.service_id)
    zone = h.settings.zone
    await _reply(update, t("staff.due", soon=_list(soon, t("staff.nothing"), zone),
                           waiting=_list(waiting, t("staff.nothing"), zone)))


@staff_only(FOLLOWUP_ROLES)
async def followup_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Staff) -> None:
    """/followup CASE_REF [PARTICIPANT_REF]: send the victim follow-up now."""
    from surveys.enrol import find_participant
    from surveys.invitations import create_manual

    h = heard(context)
    args = context.args or []
    if len(args) not in (1, 2):
        await _reply(update, t("staff.followup_usage"))
        return
    definition = next((d for d in h.definitions.values() if d.audience == Audience.victim), None)
    with session_scope(h.engine) as session:
        participant = find_participant(session, h.service_id, args[0], Audience.victim, args[1] if len(args) == 2 else "")
        if participant is not None and definition is not None:
            create_manual(session, participant, definition, now=h.now())
            audit(session, f"staff:{me.id}", "followup.send", subject=f"participant:{participant.id}",
                  service_id=h.service_id)
            ready = participant.chat_hash is not None and participant.consent == "given"
    if participant is None or definition is None:
        await _reply(update, t("staff.no_such_person", who=escape(" ".join(args) + " victim")))
        return
    await _reply(update, t("staff.followup_queued" if ready else "staff.followup_waiting"))
    from bot.dispatch import deliver_due_for
    await deliver_due_for(context.bot, h, participant.id)


@staff_only(CALLBACK_ROLES)
async def callbacks_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Staff) -> None:
    """/callbacks: people who asked for a call, and alerts nobody has taken."""
    from surveys.casework import open_alerts, open_callbacks

    h = heard(context)
    with session_scope(h.engine) as session:
        calls, alerts = open_callbacks(session, h.service_id), open_alerts(session, h.service_id)
        audit(session, f"staff:{me.id}", "staff.callbacks", service_id=h.service_id)
    zone = h.settings.zone
    await _reply(update, t("staff.callbacks", calls=_list(calls, t("staff.nothing"), zone),
                           alerts=_list(alerts, t("staff.nothing"), zone)))


@staff_only(ALERT_ROLES)
async def review_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Staff) -> None:
    """/review: the alerts waiting to be read today, oldest first, each one a button away."""
    from surveys.alerts import waited, waiting

    h = heard(context)
    with session_scope(h.engine) as session:
        rows = waiting(session, h.service_id, AlertTier.review)
        audit(session, f"staff:{me.id}", "alerts.review", service_id=h.service_id)
    if not rows:
        await _reply(update, t("staff.review_empty"))
        return
    now, shown = h.now(), rows[:REVIEW_BUTTONS]
    lines = [f"#{a.alert_id} · {escape(a.who())} · {escape(a.reason)} · {waited(a.created_at, now)}" for a in shown]
    more = [t("staff.more_review", count=len(rows) - len(shown))] if len(rows) > len(shown) else []
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t("staff.review_open", id=a.alert_id),
                                                           callback_data=f"review:{a.alert_id}")] for a in shown])
    await _reply(update, "\n".join([t("staff.review_heading", count=len(rows)), *lines, *more]), reply_markup=keyboard)


REVIEW_BUTTON = re.compile(r"^review:([0-9]{1,9})$")
REVIEW_BUTTONS = 10


async def review_opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A worker opens one waiting alert: the full alert, with its 'I'm dealing with this' button."""
    from bot.safeguarding import alert_message

    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = REVIEW_BUTTON.match(query.data or "")
    with session_scope(h.engine) as session:
        allowed = bool(roles_of(session, h.service_id, user_id) & ALERT_ROLES)
        alert = session.get(SafeguardingAlert, int(match.group(1))) if match and allowed else None
        if alert is None or alert.service_id != h.service_id:
            alert = None
        else:
            text = alert_message(session, h, alert)
            me = staff_member(session, h.service_id, user_id)
            audit(session, f"staff:{me.id}", "alert.text_shown", subject=f"alert:{alert.id}", service_id=h.service_id)
    if alert is None:
        await query.answer(t("survey.old_button"))
        return
    await query.answer()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t("staff.ack_button"), callback_data=f"ack:{alert.id}")]])
    await context.bot.send_message(user_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def register(application) -> None:
    from telegram.ext import CallbackQueryHandler, CommandHandler, filters

    private = filters.ChatType.PRIVATE
    for name, handler in (("invite", invite_command), ("due", due_command), ("followup", followup_command),
                          ("callbacks", callbacks_command), ("report", report_command), ("review", review_command)):
        application.add_handler(CommandHandler(name, handler, filters=private))
    application.add_handler(CallbackQueryHandler(review_opened, pattern=r"^review:"))


@staff_only(REPORT_ROLES)
async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Staff) -> None:
    """/report [PERIOD]: the board report as a PDF (default: the last full quarter)."""
    import asyncio
    import tempfile
    from pathlib import Path

    from analysis.aggregate import parse_period
    from analysis.rag import load_targets
    from analysis.report import default_dependencies, generate_report

    h = heard(context)
    try:
        start_month = h.settings.year_start_month
        period = (parse_period(context.args[0], start_month) if context.args
                  else last_full_quarter(h.now(), h.settings.zone, start_month))
    except ValueError:
        await _reply(update, t("staff.report_usage"))
        return
    await _reply(update, t("staff.report_wait", period=period.label))
    definitions, catalogue, redact = default_dependencies()
    with tempfile.TemporaryDirectory() as folder:
        # Rendering is CPU work: keep it off the event loop so the bot stays responsive.
        [pdf] = await asyncio.to_thread(
            generate_report, h.engine, h.settings.service, period, Path(folder), ["pdf"], definitions, catalogue,
            redact, load_targets(), h.settings.zone, h.settings.service_name, actor=f"staff:{me.id}")
        await update.effective_message.reply_document(pdf.read_bytes(), filename=pdf.name,
                                                      caption=t("staff.report_ready", period=period.label))


def last_full_quarter(now, zone, year_start_month: int = 4):
    """The last quarter that has ended, financial (April to March) unless the year starts elsewhere."""
    from analysis.aggregate import last_full_quarter as ended

    return ended(now.astimezone(zone).date(), year_start_month)
