"""A possible disclosure: show the person where to get help at once, and tell the duty worker.

The alert row is written before any message goes out. Help that did not go out (a crash, a
failed send) is sent by the dispatcher; an urgent alert nobody has received is retried on every
tick; each message to a staff member is claimed first (surveys/alert_delivery.py), so nobody gets one twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from html import escape

from sqlmodel import Session, select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import Heard
from bot.texts import t
from surveys.alert_delivery import (ALERT_ROLES, alerts_needing_help, claim_delivery, duty_or_managers, duty_reach_problem,
                            mark_delivered, mark_help_sent, mark_reachable, mark_unreachable, reach_by_user,
                            Reachability, recipients, release_claim)
from surveys.alerts import help_text_key  # noqa: F401 - the rule lives in surveys/, shared with the web chat
from surveys.models import AlertDelivery, Case, Invitation, Participant, Role, SafeguardingAlert
from surveys.schedule import in_window
from surveys.store import session_scope

log = logging.getLogger(__name__)

TELEGRAM_LIMIT = 4096  # characters (UTF-16 code units) in one message
ALERT_LIMIT = 4000  # leaves room for the "taken by" note added to the alert later
PIECE_LIMIT = 3900  # each part of a full text, plus its heading, stays under TELEGRAM_LIMIT
CUT_LOOKBACK = 300  # split a long text at a space if one is this close to the limit


# --- help for the person --------------------------------------------------------------------

async def send_help(bot: Bot, h: Heard, alert_id: int) -> bool:
    """Show the person behind an alert where to get help; record it once it has gone. True if sent."""
    target = await h.run(_help_target, h, alert_id)
    if target is None:
        return False
    participant_id = target.participant_id
    try:
        # HTML said here too (not only in the Application's Defaults): help must read right from any Bot.
        await bot.send_message(target.chat_id, t(target.text_key, target.lang), parse_mode=ParseMode.HTML)
    except TelegramError as error:
        log.warning("help for safeguarding alert %s not delivered (%s); the dispatcher will try again",
                    alert_id, type(error).__name__)
        if refused(error):
            await h.transaction(_mark_unreachable, participant_id, now=h.now())
        return False
    await h.transaction(mark_help_sent, participant_id, now=h.now())
    return True


def _mark_unreachable(session: Session, participant_id: int, *, now) -> None:
    session.get(Participant, participant_id).unreachable_at = now


@dataclass(frozen=True)
class _HelpTarget:
    chat_id: int
    lang: str
    participant_id: int
    text_key: str  # the help wording for their audience and the alert's tier


def _help_target(h: Heard, alert_id: int) -> _HelpTarget | None:
    """Where an alert's person is shown help; None if they cannot be reached (erased, never linked)."""
    with session_scope(h.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        participant = session.get(Participant, alert.participant_id) if alert else None
        if participant is None or participant.chat_id is None or participant.erased_at is not None:
            return None
        return _HelpTarget(int(participant.chat_id), participant.language, participant.id,
                           help_text_key(participant.audience, alert.tier))


async def send_missing_help(bot: Bot, h: Heard) -> int:
    """Help for everyone who disclosed recently but was never shown it (the process died, or a send failed)."""
    waiting = await h.transaction(alerts_needing_help, h.service_id, now=h.now())
    sent = 0
    for alert_id in waiting:
        sent += await send_help(bot, h, alert_id)
    if waiting:
        log.info("help sent late for %s of %s safeguarding alerts", sent, len(waiting))
    return sent


# --- the message to staff -------------------------------------------------------------------

def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units: an emoji can count as two."""
    return len(text.encode("utf-16-le")) // 2


def fit_quote(text: str, budget: int) -> tuple[str, int]:
    """``text`` HTML-escaped and cut to ``budget`` units, never inside an entity; and how many characters were cut."""
    shown: list[str] = []
    used = 0
    for index, char in enumerate(text):
        piece = escape(char)
        used += utf16_len(piece)
        if used > budget:
            return "".join(shown), len(text) - index
        shown.append(piece)
    return "".join(shown), 0


def _alert_fields(session: Session, h: Heard, alert: SafeguardingAlert) -> dict[str, str]:
    participant = session.get(Participant, alert.participant_id)
    case = session.get(Case, participant.case_id)
    survey, question = t("staff.no_survey"), "-"
    if alert.invitation_id is not None:
        invitation = session.get(Invitation, alert.invitation_id)
        definition = h.definitions.get(invitation.survey_id)
        if definition is not None:
            survey = definition.title.get("en")
            question = next((q.text.get("en") for q in definition.questions if q.id == alert.question_id), "-")
    # "victim V2", not just "victim": a case can have two victims or two parents, and the worker rings one.
    who = " ".join(filter(None, (participant.audience.replace("_", " "), participant.participant_ref)))
    if participant.language == "cy":  # whoever rings them back may need to speak Welsh
        who += t("alert.welsh_speaker")
    reason = alert.reason
    if (alert.text or "").startswith(t("alert.forwarded")):  # shown even when the words are hidden
        reason += t("alert.forwarded_reason")
    return dict(case_ref=escape(case.case_ref), audience=escape(who),
                survey=escape(survey), question=escape(question), reason=escape(reason), alert_id=str(alert.id),
                at=alert.created_at.astimezone(h.settings.zone).strftime("%d %b %H:%M"))


def compose_alert(session: Session, h: Heard, alert: SafeguardingAlert, heading: str = "") -> tuple[str, int]:
    """What staff read, under ALERT_LIMIT; and how many characters of what they wrote it leaves out.

    With HEARD_ALERT_TEXT=hidden (the default) the message names the category, case and survey
    only, so what a person wrote does not sit in staff's personal chats; it leaves out all of it.
    """
    fields = _alert_fields(session, h, alert)
    prefix = f"{heading}\n\n" if heading else ""
    if h.settings.alert_text == "hidden":
        return prefix + t("staff.alert_hidden", **fields), max(1, len(alert.text or ""))  # always a button
    render = lambda quote: prefix + t("staff.alert", text=quote, **fields)  # noqa: E731
    text = alert.text or ""
    whole = render(escape(text))
    if utf16_len(whole) <= ALERT_LIMIT:
        return whole, 0
    widest_note = "…\n" + t("alert.more_text", count=len(text))
    shown, hidden = fit_quote(text, ALERT_LIMIT - utf16_len(render(widest_note)))
    return render(shown + "…\n" + t("alert.more_text", count=hidden)), hidden


def alert_message(session: Session, h: Heard, alert: SafeguardingAlert) -> str:
    """The alert as a duty worker first reads it (long texts cut: see compose_alert)."""
    return compose_alert(session, h, alert)[0]


def alert_keyboard(alert_id: int, *, cut: bool, hidden: bool = False,
                   taken: bool = False) -> InlineKeyboardMarkup | None:
    """'I'm dealing with this' (until someone takes it), and a button for the text when the message
    leaves some or all of it out."""
    rows = [] if taken else [[InlineKeyboardButton(t("staff.ack_button"), callback_data=f"ack:{alert_id}")]]
    if cut:
        label = t("alert.show_text_button" if hidden else "alert.full_text_button")
        rows.append([InlineKeyboardButton(label, callback_data=f"alerttext:{alert_id}")])
    return InlineKeyboardMarkup(rows) if rows else None


def split_text(text: str, limit: int = PIECE_LIMIT) -> list[str]:
    """``text`` in consecutive pieces of at most ``limit`` units, split at a space where one is near."""
    pieces: list[str] = []
    while utf16_len(text) > limit:
        cut = _cut_at(text, limit)
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + [text] if text else pieces


def _cut_at(text: str, limit: int) -> int:
    used = 0
    for index, char in enumerate(text):
        used += utf16_len(char)
        if used > limit:
            break
    start = max(0, index - CUT_LOOKBACK)
    space = max(text.rfind(" ", start, index), text.rfind("\n", start, index))
    return space + 1 if space > 0 else index


def full_text_messages(alert_id: int, case_ref: str, text: str) -> list[str]:
    """The whole of what someone wrote, as plain-text messages that each fit in Telegram."""
    pieces = split_text(text)
    if len(pieces) == 1:  # no "part 1 of 1"
        return [t("alert.full_text_whole", alert_id=alert_id, case_ref=case_ref, text=text)]
    return [t("alert.full_text_part", alert_id=alert_id, case_ref=case_ref, number=number, total=len(pieces),
              text=piece)
            for number, piece in enumerate(pieces, start=1)]


def digest_message(total: int, categories: Counter) -> str:
    """The daily review digest: counts and categories only, never what anyone wrote."""
    heading = t("alert.digest_one") if total == 1 else t("alert.digest_many", count=total)
    lines = [t("alert.digest_category", category=escape(category), count=count)
             for category, count in sorted(categories.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join([heading, *lines, "", t("alert.digest_action")])


# --- sending to staff -----------------------------------------------------------------------

def refused(error: TelegramError) -> bool:
    """Telegram will not deliver to this chat until the person opens it (or unblocks the bot)."""
    return isinstance(error, Forbidden) or (isinstance(error, BadRequest) and "chat not found" in error.message.lower())


async def send_to_staff(bot: Bot, h: Heard, user_id: int, text: str, **options) -> Message | None:
    """Send one message to a staff member and note whether the bot can reach them. None if it failed."""
    try:
        message = await bot.send_message(user_id, text, parse_mode=ParseMode.HTML, **options)
    except TelegramError as error:
        log.warning("a message to one staff member failed: %s", type(error).__name__)
        if refused(error):
            await h.transaction(mark_unreachable, h.service_id, user_id, now=h.now())
        return None
    await h.transaction(mark_reachable, h.service_id, user_id, now=h.now())
    return message


async def notify_duty(bot: Bot, h: Heard, alert_id: int, *, round_number: int = 0) -> bool:
    """Message every duty worker (round 0) or, escalating (round 1, 2, ...), managers and admins too.

    Each message is claimed first, so a race or a second process sends nobody a second copy.
    True if at least one person got it from this call.
    """
    now = h.now()
    round_ = await h.run(_claim_round, h, alert_id, round_number, now)
    if round_ is None:
        return False
    if not round_.people:
        log.warning("safeguarding alert %s: no active staff to tell", alert_id)
    delivered = await _send_round(bot, h, alert_id, round_number, round_)
    if round_number == 0 and round_.claims and not delivered:
        # Every duty worker refused (blocked the bot, never pressed Start): managers and admins now, not at
        # the first reminder, which outside the send window can be the next morning.
        return await notify_duty_fallback(bot, h, alert_id, round_.people)
    return delivered


async def notify_duty_fallback(bot: Bot, h: Heard, alert_id: int, tried: list[int]) -> bool:
    """The first alert to managers and admins not already ``tried``, saying no duty worker could be reached."""
    round_ = await h.run(_claim_round, h, alert_id, 0, h.now(), instead_of=tried)
    if round_ is None or not round_.claims:
        return False
    return await _send_round(bot, h, alert_id, 0, round_)


async def _send_round(bot: Bot, h: Heard, alert_id: int, round_number: int, round_: _AlertRound) -> bool:
    """Send one claimed round and record what reached whom; True if anyone got it."""
    keyboard = alert_keyboard(alert_id, cut=bool(round_.cut), hidden=h.settings.alert_text == "hidden")
    sent = [await send_to_staff(bot, h, user_id, round_.text, reply_markup=keyboard) for user_id, _ in round_.claims]
    return await h.run(_record_round_now, h, alert_id, round_number, [claim for _, claim in round_.claims], sent)


@dataclass(frozen=True)
class _AlertRound:
    text: str
    cut: int  # characters of the quote left out of the message
    people: list[int]  # everyone this round is for
    claims: list[tuple[int, int]]  # (user id, delivery claim) for those not already sent it


def _claim_round(h: Heard, alert_id: int, round_number: int, now, *,
                 instead_of: list[int] | None = None) -> _AlertRound | None:
    """One round of an alert, each message claimed before sending; None if someone took the alert already.

    ``instead_of``: the duty workers who could not be reached; the first alert then goes to managers and admins.
    """
    with session_scope(h.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        if alert is None or alert.acknowledged_at is not None:
            return None
        if instead_of is not None and (alert.notified_at is not None or not all(
                _refused(reach_by_user(session, alert.service_id)[user_id]) for user_id in instead_of)):
            return None  # someone has it after all, or a duty worker's send failed only for now: the tick retries
        heading = t("alert.escalation", number=round_number) if round_number else \
            t("alert.duty_unreachable") if instead_of is not None else _out_of_hours(h, now)
        text, cut = compose_alert(session, h, alert, heading)
        if instead_of is not None:
            people = [user_id for user_id in recipients(session, alert.service_id, (Role.manager, Role.admin))
                      if user_id not in instead_of]
        elif round_number:
            people = recipients(session, alert.service_id, ALERT_ROLES)
        else:
            people = duty_or_managers(session, alert.service_id)
        claims = [(user_id, claim) for user_id in people
                  if (claim := claim_delivery(session, alert_id, user_id, round_number, now=now)) is not None]
        return _AlertRound(text, cut, people, claims)


def _out_of_hours(h: Heard, now) -> str:
    """A line for an alert sent outside the send window, when escalation's clock stands still till morning."""
    if in_window(now, h.settings.zone, h.settings.window):
        return ""
    start, end = (moment.strftime("%H:%M") for moment in h.settings.window)
    return t("alert.out_of_hours", start=start, end=end)


def _refused(reach) -> bool:
    """Telegram refused this person (blocked, or never opened the chat), not just failed for a moment."""
    return reach.state is not Reachability.yes and reach.refused_at is not None


def _record_round_now(h: Heard, alert_id: int, round_number: int, claims: list[int], sent: list) -> bool:
    with session_scope(h.engine) as session:
        return _record_round(session, h, alert_id, round_number, claims, sent)


def _record_round(session: Session, h: Heard, alert_id: int, round_number: int, claims: list[int],
                  sent: list[Message | None]) -> bool:
    now = h.now()
    for claim, message in zip(claims, sent):
        if message is None:
            release_claim(session, claim)
        else:
            mark_delivered(session, claim, now=now, message_id=message.message_id)
    delivered = any(message is not None for message in sent)
    alert = session.get(SafeguardingAlert, alert_id)
    if claims:
        alert.notify_attempts += 1
    if delivered and alert.notified_at is None:
        alert.notified_at = now
    if delivered and round_number > alert.escalations:
        alert.escalations, alert.escalated_at = round_number, now
    return delivered


async def show_taken_everywhere(bot: Bot, h: Heard, alert_id: int, note: str, *,
                                skip: tuple[int, int] | None = None) -> int:
    """Once an alert is taken, every copy sent about it (the alert and each reminder) says who took it
    and loses its 'I'm dealing with this' button, so a colleague reading their copy, or a manager
    reading "Nobody has taken this alert yet", does not start on it too. ``skip`` is the (chat,
    message) already edited by the press itself. How many copies were changed."""
    copies = await h.run(_taken_copies, h, alert_id, note)
    changed = 0
    for user_id, message_id, text, keyboard in copies:
        if (user_id, message_id) == skip:
            continue
        try:
            if utf16_len(text) <= TELEGRAM_LIMIT:
                await bot.edit_message_text(text, chat_id=user_id, message_id=message_id,
                                            parse_mode=ParseMode.HTML, reply_markup=keyboard)
            else:  # a long alert with a long name: at least the button goes
                await bot.edit_message_reply_markup(chat_id=user_id, message_id=message_id, reply_markup=keyboard)
            changed += 1
        except TelegramError as error:  # deleted by the worker, or the bot was blocked: nothing to change
            log.info("could not mark one copy of alert %s as taken (%s)", alert_id, type(error).__name__)
    return changed


def _taken_copies(h: Heard, alert_id: int, note: str) -> list[tuple[int, int, str, InlineKeyboardMarkup | None]]:
    """(chat, message, its new text, its new buttons) for every copy of an alert that went out."""
    with session_scope(h.engine) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        deliveries = session.exec(select(AlertDelivery).where(
            AlertDelivery.alert_id == alert_id, AlertDelivery.round >= 0, AlertDelivery.sent_at.is_not(None),
            AlertDelivery.message_id.is_not(None))).all() if alert else []
        copies = []
        for delivery in deliveries:
            heading = t("alert.escalation", number=delivery.round) if delivery.round else ""
            text, cut = compose_alert(session, h, alert, heading)
            keyboard = alert_keyboard(alert_id, cut=bool(cut), hidden=h.settings.alert_text == "hidden", taken=True)
            copies.append((delivery.telegram_user_id, delivery.message_id, f"{text}\n\n{note}", keyboard))
        return copies


def warn_if_duty_unreachable(h: Heard) -> str | None:
    """Log (no names or ids) when alerts could not reach a duty worker right now; the problem, or None."""
    with session_scope(h.engine) as session:
        problem = duty_reach_problem(session, h.service_id)
    if problem == "none":
        log.warning("there is no active duty worker: urgent safeguarding alerts go to managers and admins. "
                    "Add one with: heard staff add --role duty")
    elif problem == "unreachable":
        log.warning("no active duty worker can get messages from the bot yet: each must open the bot in "
                    "Telegram and press Start (heard staff list shows who)")
    return problem
