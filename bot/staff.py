"""Handlers for staff: taking a safeguarding alert, and the staff commands.

Every staff handler checks the role first. Staff without it are told which roles it is for;
anyone else gets the participant experience and never learns a staff command exists.
"""

from __future__ import annotations

import logging
import re
import time
from html import escape

from sqlmodel import Session, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.context import Heard, heard
from bot.safeguarding import TELEGRAM_LIMIT, full_text_messages, show_taken_everywhere, utf16_len
from bot.texts import t
from surveys import staff_actions
from surveys.staff_actions import Me, roles_of, staff_member
from surveys.alert_delivery import mark_reachable, staff_user_ids
from surveys.case_record import TypedRef, as_imported
from surveys.casework import audiences_seen_by
from surveys.models import (AlertTier, Audience, CallbackOutcome, Channel, Consent, Participant, Role,
                            SafeguardingAlert, Staff)
from surveys.store import audit, session_scope

log = logging.getLogger(__name__)


ALERT_ROLES = staff_actions.ALERT_ROLES
ALERT_BUTTON = re.compile(r"^ack:([0-9]{1,9})$")  # an id that fits the column, so forged data cannot crash a query


async def _call(h: Heard, use_case, **inputs):
    """One staff use case (surveys/staff_actions.py) for this service, in one transaction, off the loop."""
    return await h.transaction(use_case, service_id=h.service_id, **inputs)


async def alert_taken(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'I'm dealing with this': the first duty worker to press it owns the alert."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = ALERT_BUTTON.match(query.data or "")
    if match is None:
        await query.answer(t("button.old"))
        return
    taken = await _call(h, staff_actions.take_alert, alert_id=int(match.group(1)), user_id=user_id, now=h.now())
    if taken is None:
        log.warning("refused an alert button from someone without a duty role, or for another service")
        await query.answer(t("button.old"))
        return
    first, owner_name = taken.first, taken.owner_name
    when = taken.taken_at.astimezone(h.settings.zone).strftime("%H:%M")
    note = t("staff.alert_taken", name=escape(owner_name or t("staff.someone")), time=when)
    await query.answer(t("staff.you_took_it") if first else note)
    if query.message is not None:
        edited = f"{query.message.text_html}\n\n{note}"
        keep = _full_text_button_only(query.message.reply_markup)
        try:
            if utf16_len(edited) <= TELEGRAM_LIMIT:
                await query.edit_message_text(edited, reply_markup=keep)
            else:  # a long alert with a long name: keep the alert as it is, say who took it underneath
                await query.edit_message_reply_markup(reply_markup=keep)
                await query.message.reply_text(note)
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise
            # Two pressed at once: the colleague who took it has already marked this copy.
    if first:
        pressed = (query.message.chat_id, query.message.message_id) if query.message else None
        await show_taken_everywhere(context.bot, h, int(match.group(1)), note, skip=pressed)


def _full_text_button_only(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Once an alert is taken its 'I'm dealing with this' button goes; 'Show full text' stays."""
    rows = [[button for button in row if (button.callback_data or "").startswith("alerttext:")]
            for row in (markup.inline_keyboard if markup else ())]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


ALERT_TEXT_BUTTON = re.compile(r"^alerttext:([0-9]{1,9})$")


async def show_full_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'Show full text' under a long alert: the whole of what they wrote, in as many messages as it takes."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = ALERT_TEXT_BUTTON.match(query.data or "")
    found = await _call(h, staff_actions.full_text_for, alert_id=int(match.group(1)), user_id=user_id,
                        now=h.now()) if match else None
    if found is None:
        log.warning("refused a show-full-text press from someone without an alert role, or for another service")
        await query.answer(t("alert.full_text_refused"))
        return
    case_ref, text = found.case_ref, found.text
    await query.answer()
    if text is None:
        await context.bot.send_message(user_id, t("alert.full_text_gone"))
        return
    for piece in full_text_messages(int(match.group(1)), case_ref, text):
        await context.bot.send_message(user_id, piece, parse_mode=None)  # plain text: nothing in it is read as markup


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
    if not await _is_staff(context, h, user.id, recheck=asked_start):
        return
    await h.run(_mark_reachable, h, user.id)


def _mark_reachable(h: Heard, user_id: int) -> None:
    with session_scope(h.engine) as session:
        mark_reachable(session, h.service_id, user_id, now=h.now())


def _staff_ids(h: Heard) -> set[int]:
    with session_scope(h.engine) as session:
        return staff_user_ids(session, h.service_id)


async def _is_staff(context: ContextTypes.DEFAULT_TYPE, h: Heard, user_id: int, *, recheck: bool) -> bool:
    """Staff ids, cached for a minute so a participant's every answer costs no query.

    A command (such as /start, which a new duty worker is told to press) from someone not in the
    cache looks again, so a staff member added a moment ago is recognised at once.
    """
    cached = context.application.bot_data.get("staff_ids")
    if cached is None or cached[0] < time.monotonic() or (recheck and user_id not in cached[1]):
        cached = (time.monotonic() + STAFF_IDS_CACHE_SECONDS, await h.run(_staff_ids, h))
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
            me = await _call(h, staff_actions.who_is_asking, user_id=update.effective_user.id, allowed=roles)
            if me is None and await h.transaction(roles_of, h.service_id, update.effective_user.id):
                # Staff with other roles know staff commands exist: say who this one is for.
                await _reply(update, t("staff.not_your_command", command=handler.__name__.removesuffix("_command"),
                                       roles=_role_names(roles)))
                return
            if me is None:
                from bot.participant import unknown_command
                await unknown_command(update, context)
                return
            await handler(update, context, me)
        guarded.__name__ = handler.__name__
        return guarded
    return wrap


def _role_names(roles: set[Role], lang: str = "en") -> str:
    names = [t(f"staff.role_{role.value}", lang) for role in Role if role in roles]
    return names[0] if len(names) == 1 else t("staff.and", lang, first=", ".join(names[:-1]), last=names[-1])


async def _reply(update: Update, text: str, **kwargs) -> None:
    await update.effective_message.reply_text(text, **kwargs)


def _who(case_ref: str, audience: Audience, participant_ref: str) -> str:
    return escape(f"{case_ref} {audience.value} {participant_ref}".strip())


def _not_found(typed: TypedRef, audience: Audience, example: str) -> str:
    """Why nobody was found: no such case, or the person needs (another) reference, with the ones there are."""
    who = _who(typed.case_ref, audience, typed.participant_ref)
    named = [ref for ref in typed.refs or [] if ref]
    if not named:
        return t("staff.no_such_person", who=who)
    return t("staff.which_person", who=who, audience=audience.value, case_ref=escape(typed.case_ref),
             refs=escape(", ".join(named)), example=escape(example.format(ref=named[0])))


def _list(lines, empty: str, zone) -> str:
    if not lines:
        return empty
    shown = [f"• {escape(line.who())}: {escape(line.survey_id or '')} "
             f"{line.when.astimezone(zone).strftime('%a %d %b') if line.when else ''} – {escape(line.note)}"
             for line in lines[:MAX_LINES]]
    more = len(lines) - MAX_LINES
    return "\n".join(shown + ([t("staff.more", count=more)] if more > 0 else []))


@staff_only(INVITE_ROLES)
async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    """/invite CASE_REF AUDIENCE [PARTICIPANT_REF]: a one-time link and its QR code."""
    from surveys.enrol import deep_link

    h = heard(context)
    args = list(context.args or [])
    force = any(arg.lower() in ("force", "--force") for arg in args)  # wherever it was typed
    args = [arg for arg in args if arg.lower() not in ("force", "--force")]
    channel = Channel(args.pop().lower()) if args and args[-1].lower() in {c.value for c in Channel} else Channel.telegram
    if len(args) not in (2, 3) or args[1].lower() not in {a.value for a in Audience}:
        await _reply(update, t("staff.invite_usage"))
        return
    case_ref, audience, participant_ref = args[0], Audience(args[1].lower()), (args[2] if len(args) == 3 else "")
    if audience not in audiences_seen_by(set(me.roles)):
        # Only the role that covers this audience counts: a victim worker who is also a manager
        # still invites victims only.
        await _reply(update, t("staff.victims_only" if Role.victim_worker in me.roles else "staff.not_your_audience"))
        return
    typed = await h.transaction(as_imported, h.service_id, case_ref, audience, participant_ref)
    if typed.refs is None or typed.participant_ref not in typed.refs:
        await _reply(update, _not_found(typed, audience, f"/invite {typed.case_ref} {audience.value} {{ref}}"))
        return
    case_ref, participant_ref = typed.case_ref, typed.participant_ref
    if channel != Channel.telegram:
        await _invite_by_link(update, h, me, case_ref, audience, participant_ref, channel, force)
        return
    refused, code = await h.transaction(_new_invite, h, me, case_ref, audience, participant_ref, force=force)
    if refused is not None:
        await _reply(update, t(refused, who=_who(case_ref, audience, participant_ref)))
        return
    link = deep_link(context.bot.username, code)
    await update.effective_message.reply_photo(_qr_png(link), caption=t("staff.invite_link", link=link,
                                                                        days=h.settings.invite_days))


async def _invite_by_link(update: Update, h: Heard, me: Me, case_ref: str, audience: Audience, participant_ref: str,
                          channel: Channel, force: bool) -> None:
    """/invite ... web|sms|email: a web chat link (for someone without Telegram, or under 16), shown
    with its QR code or sent through GOV.UK Notify; their surveys then go the same way."""
    from bot.notify import NotifyFailure, compose, sender_for, web_link
    from surveys.link_invites import Refused, invite_by_link

    who = _who(case_ref, audience, participant_ref)
    if not h.settings.public_url or (channel != Channel.web and sender_for(h) is None):
        await _reply(update, t("staff.invite_not_set_up"))
        return
    made = await h.transaction(invite_by_link, h.service_id, case_ref, audience, participant_ref, channel, force=force,
                               now=h.now(), days=h.settings.invite_days, actor=f"staff:{me.id}")
    if isinstance(made, Refused):
        await _reply(update, t(f"staff.invite_refused_{made.value}", who=who, channel=channel.value))
        return
    link = web_link(h.settings.public_url, made.code)
    if channel == Channel.web:
        await update.effective_message.reply_photo(_qr_png(link), caption=t("staff.invite_web_link", link=link,
                                                                            days=h.settings.invite_days))
        return
    try:
        await sender_for(h).send(channel, made.address, compose("invite", made.audience, made.language, link),
                                 reference=f"heard-invite-{made.participant_id}")
    except NotifyFailure as failure:
        await _reply(update, t("staff.invite_not_sent", reason=escape(failure.reason.removeprefix("notify: "))))
        return
    end = made.address[-3:] if channel == Channel.sms else made.address.rpartition("@")[2]
    await _reply(update, t(f"staff.invite_sent_{channel.value}", end=escape(end), days=h.settings.invite_days))


def _new_invite(session: Session, h: Heard, me: Me, case_ref: str, audience: Audience, participant_ref: str, *,
                force: bool) -> tuple[str | None, str | None]:
    """(why not, the new one-time code): no code for someone unknown, who asked not to hear from us or to be
    erased (as for web, text and email links), or who is linked already (unless forced)."""
    from surveys.enrol import create_invite, find_participant

    participant = find_participant(session, h.service_id, case_ref, audience, participant_ref)
    if participant is None:
        return "staff.no_such_person", None
    if participant.erased_at is not None or participant.opted_out_at is not None:
        return "staff.invite_refused_not_wanted", None
    if participant.chat_hash is not None and not force:
        return "staff.invite_usage_force", None
    code = create_invite(session, participant, now=h.now(), days=h.settings.invite_days, created_by=f"staff:{me.id}")
    audit(session, f"staff:{me.id}", "invite.create", subject=f"participant:{participant.id}", service_id=h.service_id)
    return None, code


def _qr_png(link: str) -> bytes:
    import io

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(link).save(buffer, format="PNG")
    return buffer.getvalue()


@staff_only(CASEWORK_ROLES)
async def due_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    """/due: what goes out in the next 7 days, and who has not answered."""
    from surveys.casework import due_soon, needs_link, not_answered

    h = heard(context)

    def lists(session: Session):
        audit(session, f"staff:{me.id}", "staff.due", service_id=h.service_id)
        return (due_soon(session, h.service_id, now=h.now()),
                needs_link(session, h.service_id, now=h.now(), in_chat=True),
                not_answered(session, h.service_id))

    soon, stuck, waiting = await h.transaction(lists)
    # Case workers see their young people and families, victim workers their victims; managers everyone.
    mine = audiences_seen_by(set(me.roles))
    if mine and Role.manager not in me.roles:
        soon, stuck, waiting = ([line for line in lines if Audience(line.audience) in mine]
                                for lines in (soon, stuck, waiting))
    zone = h.settings.zone
    await _reply(update, t("staff.due", soon=_list(soon, t("staff.nothing"), zone),
                           needs_link=_list(stuck, t("staff.nothing"), zone),
                           waiting=_list(waiting, t("staff.nothing"), zone)))


@staff_only(FOLLOWUP_ROLES)
async def followup_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    """/followup CASE_REF [PARTICIPANT_REF]: send the victim follow-up now."""
    from surveys.enrol import find_participant
    from surveys.invitations import send_victim_survey_by_hand

    h = heard(context)
    args = context.args or []
    if len(args) not in (1, 2):
        await _reply(update, t("staff.followup_usage"))
        return
    typed = await h.transaction(as_imported, h.service_id, args[0], Audience.victim, args[1] if len(args) == 2 else "")
    if typed.refs is None or typed.participant_ref not in typed.refs:
        await _reply(update, _not_found(typed, Audience.victim, f"/followup {typed.case_ref} {{ref}}"))
        return

    def queue(session: Session) -> tuple[int, str] | str | None:
        """(participant, the words saying how it reaches them) once the follow-up is queued; "not_wanted" for a
        victim who said no, stopped or was erased (nothing is queued: it would never go, or go against their wish);
        "waiting" when one sent by hand has not been answered yet; None for nobody to send to."""
        participant = find_participant(session, h.service_id, typed.case_ref, Audience.victim, typed.participant_ref)
        if participant is not None and (participant.erased_at is not None or participant.opted_out_at is not None
                                        or participant.consent == Consent.declined):
            return "not_wanted"
        definition = next_victim_survey(session, participant, h.definitions) if participant else None
        if participant is None or definition is None:
            return None
        if send_victim_survey_by_hand(session, participant, definition, now=h.now()) is None:
            return "waiting"
        audit(session, f"staff:{me.id}", "followup.send", subject=f"participant:{participant.id}",
              service_id=h.service_id)
        return participant.id, _followup_words(participant)

    queued = await h.transaction(queue)
    if queued == "not_wanted":
        await _reply(update, t("staff.followup_not_wanted", who=_who(typed.case_ref, Audience.victim, typed.participant_ref)))
        return
    if queued is None:
        await _reply(update, t("staff.no_such_person", who=_who(typed.case_ref, Audience.victim, typed.participant_ref)))
        return
    if queued == "waiting":
        who = _who(typed.case_ref, Audience.victim, typed.participant_ref)
        await _reply(update, t("staff.followup_already", who=who))
        return
    participant_id, words = queued
    await _reply(update, t(words))
    from bot.dispatch import deliver_due_for
    await deliver_due_for(context.bot, h, participant_id)


def _followup_words(participant: Participant) -> str:
    """How the follow-up reaches this victim: by text or email, on the web page, in Telegram, or once they link."""
    from surveys.casework import by_link

    if by_link(participant):
        return f"staff.followup_by_{Channel(participant.channel).value}"
    if participant.channel == Channel.web:
        return "staff.followup_on_web"
    linked = participant.chat_hash is not None and participant.consent == Consent.given
    return "staff.followup_queued" if linked else "staff.followup_waiting"


def next_victim_survey(session: Session, participant: Participant, definitions: dict):
    """The victim survey to send by hand: the first in the journey (check-in, then follow-up) they have not been sent."""
    from surveys.models import Invitation

    journey = sorted((d for d in definitions.values() if d.audience == Audience.victim),
                     key=lambda d: min(d.schedule.offsets) if d.schedule and d.schedule.offsets else 10_000)
    sent = set(session.exec(select(Invitation.survey_id).where(Invitation.participant_id == participant.id,
                                                               Invitation.sent_at.is_not(None))).all())
    return next((d for d in journey if d.id not in sent), journey[-1] if journey else None)


@staff_only(CALLBACK_ROLES)
async def callbacks_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    """/callbacks: people waiting for contact (oldest first, how long each has waited), and alerts nobody has
    taken (urgent first), each a button away for those who take alerts."""
    from surveys.alerts import waited, waiting
    from surveys.casework import waiting_callbacks

    h = heard(context)

    def lists(session: Session):
        audit(session, f"staff:{me.id}", "staff.callbacks", service_id=h.service_id)
        return ([call for call in waiting_callbacks(session, h.service_id) if may_close_callback(me.roles, call.audience)],
                sorted(waiting(session, h.service_id), key=lambda a: a.tier != AlertTier.urgent))

    calls, alerts = await h.transaction(lists)
    if not me.roles & ALERT_ROLES:  # a victim worker never learns what the young person disclosed, and vice versa
        alerts = [alert for alert in alerts if Audience(alert.audience) in audiences_seen_by(set(me.roles))]
    now = h.now()
    lines = [t("callback.line", id=c.callback_id, who=escape(c.who()), reason=escape(c.reason),
               waited=waited(c.created_at, now)) for c in calls[:MAX_LINES]]
    if len(calls) > MAX_LINES:
        lines.append(t("staff.more", count=len(calls) - MAX_LINES))
    # The alert itself may be far up the chat, or never sent to this worker (on duty since): open it from here.
    alert_lines = [f"• #{a.alert_id} · {escape(a.who())} · {a.tier.value}: {escape(a.reason)} · "
                   f"{waited(a.created_at, now)}" for a in alerts[:MAX_LINES]]
    if len(alerts) > MAX_LINES:
        alert_lines.append(t("staff.more_review", count=len(alerts) - MAX_LINES))
    rows = [[InlineKeyboardButton(t("callback.mark_button", id=c.callback_id), callback_data=f"cbdone:{c.callback_id}")]
            for c in calls[:REVIEW_BUTTONS]]
    if me.roles & ALERT_ROLES:
        rows += [[InlineKeyboardButton(t("staff.review_open", id=a.alert_id), callback_data=f"review:{a.alert_id}")]
                 for a in alerts[:REVIEW_BUTTONS]]
    await _reply(update, t("staff.callbacks", calls="\n".join(lines) or t("staff.nothing"),
                           alerts="\n".join(alert_lines) or t("staff.nothing")),
                 reply_markup=InlineKeyboardMarkup(rows) if rows else None)


# --- closing a call-back ----------------------------------------------------------------------

CALLBACK_DONE_BUTTON = re.compile(r"^cbdone:([0-9]{1,9})$")
CALLBACK_OUTCOME_BUTTON = re.compile(r"^cbout:([0-9]{1,9}):(called|no_answer|declined)$")


may_close_callback = staff_actions.may_close_callback


async def callback_done_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'Mark done' under a request for contact: ask how it went."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = CALLBACK_DONE_BUTTON.match(query.data or "")
    state = staff_actions.CallbackState(allowed=False)
    if match:
        state = await _call(h, staff_actions.callback_state, callback_id=int(match.group(1)), user_id=user_id)
    if not state.allowed:
        await query.answer(t("callback.refused"))
        return
    if not state.open:
        await query.answer(t("callback.already_closed"))
        return
    await query.answer()
    callback_id = int(match.group(1))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t(f"callback.outcome_{outcome.value}"),
                                                           callback_data=f"cbout:{callback_id}:{outcome.value}")]
                                     for outcome in CallbackOutcome])
    await context.bot.send_message(user_id, t("callback.ask_outcome", id=callback_id), reply_markup=keyboard)


async def callback_outcome_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An outcome button: the first worker to record one closes the request."""
    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = CALLBACK_OUTCOME_BUTTON.match(query.data or "")
    now = h.now()
    result = staff_actions.CallbackClosed(allowed=False)
    if match:
        outcome = CallbackOutcome(match.group(2))
        result = await _call(h, staff_actions.close_callback_as, callback_id=int(match.group(1)), outcome=outcome,
                             user_id=user_id, now=now)
    if not result.allowed:
        await query.answer(t("callback.refused"))
        return
    if not result.closed:
        await query.answer(t("callback.already_closed"))
        return
    await query.answer()
    note = t("callback.closed", outcome=t(f"callback.outcome_{outcome.value}_words"),
             name=escape(result.by or t("staff.someone")), time=now.astimezone(h.settings.zone).strftime("%H:%M"))
    if query.message is not None:
        await query.edit_message_text(f"{escape(query.message.text or '')}\n\n{note}")


# --- a worker's view of a case ----------------------------------------------------------------

CASE_ROLES = {Role.admin, Role.case_worker, Role.victim_worker}


@staff_only(CASE_ROLES)
async def case_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    """/case CASE_REF: every answer, alert and call-back of the people on the case this worker works with."""
    from bot.safeguarding import split_text
    from surveys.case_record import case_lines, case_view, find_case

    h = heard(context)
    if len(context.args or []) != 1:
        await _reply(update, t("staff.case_usage"))
        return
    case_ref = (await h.transaction(as_imported, h.service_id, context.args[0])).case_ref

    def look(session: Session):
        case = find_case(session, h.service_id, case_ref)
        if case is None:
            return None
        view = case_view(session, case, h.definitions, audiences_seen_by(set(me.roles)))
        audit(session, f"staff:{me.id}", "case.view", subject=f"case:{case.id}",
              detail="telegram: " + ",".join(sorted({p.audience for p in view.people})), service_id=h.service_id)
        return view

    view = await h.transaction(look)
    if view is None:
        await _reply(update, t("staff.case_not_found", case_ref=escape(case_ref)))
        return
    pieces = split_text("\n".join(case_lines(view, h.settings.zone)), 3800)
    await _reply(update, t("staff.case_heading", case_ref=escape(case_ref)))
    for piece in pieces[:MAX_CASE_MESSAGES]:
        await update.effective_message.reply_text(piece, parse_mode=None)  # plain text: what people wrote is never read as markup
    if len(pieces) > MAX_CASE_MESSAGES:
        await _reply(update, t("staff.case_more", case_ref=escape(case_ref)))


MAX_CASE_MESSAGES = 5


@staff_only(ALERT_ROLES)
async def review_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
    """/review: the alerts waiting to be read today, oldest first, each one a button away."""
    from surveys.alerts import waited, waiting

    h = heard(context)

    def queue(session: Session):
        audit(session, f"staff:{me.id}", "alerts.review", service_id=h.service_id)
        return waiting(session, h.service_id, AlertTier.review)

    rows = await h.transaction(queue)
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
    from bot.safeguarding import alert_keyboard, compose_alert

    query, h, user_id = update.callback_query, heard(context), update.effective_user.id
    match = REVIEW_BUTTON.match(query.data or "")

    def open_alert(session: Session):
        """(alert id, its message, how much was cut, taken?) for staff with an alert role; None otherwise."""
        alert = session.get(SafeguardingAlert, int(match.group(1))) if match else None
        if alert is None or alert.service_id != h.service_id or not roles_of(session, h.service_id, user_id) & ALERT_ROLES:
            return None
        text, cut = compose_alert(session, h, alert)
        if alert.acknowledged_at is not None:  # a list made before a colleague took it: say who has it
            owner = session.get(Staff, alert.acknowledged_by) if alert.acknowledged_by else None
            when = alert.acknowledged_at.astimezone(h.settings.zone).strftime("%H:%M")
            text += "\n\n" + t("staff.alert_taken", name=escape(owner.name if owner and owner.name
                                                               else t("staff.someone")), time=when)
        me = staff_member(session, h.service_id, user_id)
        action = "alert.opened" if h.settings.alert_text == "hidden" else "alert.text_shown"
        audit(session, f"staff:{me.id}", action, subject=f"alert:{alert.id}", service_id=h.service_id)
        return alert.id, text, cut, alert.acknowledged_at is not None

    opened = await h.transaction(open_alert)
    if opened is None:
        await query.answer(t("button.old"))
        return
    alert_id, text, cut, taken = opened
    await query.answer()
    keyboard = alert_keyboard(alert_id, cut=bool(cut), hidden=h.settings.alert_text == "hidden", taken=taken)
    await context.bot.send_message(user_id, text, reply_markup=keyboard)


def register(application) -> None:
    from telegram.ext import CallbackQueryHandler, CommandHandler, filters

    private = filters.ChatType.PRIVATE
    for name, handler in (("invite", invite_command), ("due", due_command), ("followup", followup_command),
                          ("callbacks", callbacks_command), ("report", report_command), ("review", review_command),
                          ("case", case_command)):
        application.add_handler(CommandHandler(name, handler, filters=private))
    application.add_handler(CallbackQueryHandler(review_opened, pattern=r"^review:"))
    application.add_handler(CallbackQueryHandler(callback_done_pressed, pattern=r"^cbdone:"))
    application.add_handler(CallbackQueryHandler(callback_outcome_pressed, pattern=r"^cbout:"))


@staff_only(REPORT_ROLES)
async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Me) -> None:
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
        # "2026-27 Q3", typed with a space, is 2026-27-Q3 (not the whole year with a word left over)
        period = (parse_period("-".join(context.args), start_month) if context.args
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
            redact, load_targets(), h.settings.zone, h.settings.report_name, actor=f"staff:{me.id}")
        await update.effective_message.reply_document(pdf.read_bytes(), filename=pdf.name,
                                                      caption=t("staff.report_ready", period=period.label))


def last_full_quarter(now, zone, year_start_month: int = 4):
    """The last quarter that has ended, financial (April to March) unless the year starts elsewhere."""
    from analysis.aggregate import last_full_quarter as ended

    return ended(now.astimezone(zone).date(), year_start_month)
