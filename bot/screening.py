"""Every piece of text a person sends is screened here, before any other handler reads it.

Registered for every update, ahead of the handlers that answer surveys, so a disclosure typed at
a button question, after a survey, in a photo's caption, in an edited message or after a command
reaches a person whatever the answer handler then makes of it. The order is fixed by safety:
store the alert, show the person help, then tell the duty worker. If the database cannot take the
alert, the person still gets help at once, the duty workers are told from the roster held in
memory, and storing is retried in the background until it works.
"""

from __future__ import annotations

import logging
from html import escape

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select
from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import safeguarding
from bot.context import Heard, heard
from bot.texts import t
from surveys import alert_storing
from surveys.alert_storing import load_duty_roster  # noqa: F401 - moved to surveys/, shared with the web chat
from surveys.alerts import Flag, StoredAlert, record_alert
from surveys.enrol import participant_for_chat, person_for_chat
from surveys.models import AlertTier, Participant, SafeguardingAlert, Staff, person_label
from surveys.store import read_only, session_scope
from surveys.text import clean_optional

log = logging.getLogger(__name__)

BACKGROUND_RETRY_SECONDS = alert_storing.BACKGROUND_RETRY_SECONDS  # here so a test can shorten it
HELP_WITHIN_SECONDS = alert_storing.HELP_WITHIN_SECONDS  # here so a test can shorten it
DISCLOSED = "disclosed_update"  # chat_data key: the answer handlers skip their complaint after a disclosure


def text_of(message: Message | None) -> str | None:
    """What a person wrote: a message's text, or the caption of a photo, video or file, cleaned
    of characters no database can store (surveys/text.py) before anything reads it."""
    if message is None:
        return None
    return clean_optional(message.text or message.caption)


def person_text(update: Update) -> str | None:
    """The cleaned text of what a person sent in this update (a new or an edited message)."""
    return text_of(update.message or update.edited_message)


def disclosed_in(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Did the screen find a disclosure in this very update? (So replies can be gentler.)"""
    return context.chat_data is not None and context.chat_data.get(DISCLOSED) == update.update_id


async def screen_every_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # Only what the person sent: a button press carries the bot's own message, never screened.
    chat, text = update.effective_chat, person_text(update)
    if chat is None or chat.type != ChatType.PRIVATE or not text:
        return
    h = heard(context)
    person, findings = await h.run(_read, h, chat.id, text)  # in the worker threads: the loop stays free
    if findings is None or not findings.safeguarding_tier:
        return  # nothing found, or staff writing to their own bot: commands and notes, not feedback
    if context.chat_data is not None:
        context.chat_data[DISCLOSED] = update.update_id
    flag = Flag(AlertTier(findings.safeguarding_tier), findings.safeguarding_reason or "possible disclosure")
    if person is not None and person.participant_id is None:
        await _help(context, chat.id, "safeguarding.help_unknown_person", "en")
        return
    said = _as_the_duty_worker_reads_it(update, text)
    storing, in_time = await alert_storing.start_storing(lambda: h.run(_store_once, h, chat.id, said, flag),
                                                         wait=HELP_WITHIN_SECONDS)
    helped = False
    if not in_time:  # the database is slow: help first, then go on storing
        audience, lang = _who_for_help(person)
        helped = await _help(context, chat.id, safeguarding.help_text_key(audience, flag.tier), lang)
    ok, stored = await storing
    if not ok:
        await _when_storing_failed(context, h, chat.id, said, flag, person, helped=helped)
    elif stored is None:  # stored fine, but nobody is linked to this chat (the first look-up could not say)
        if not helped:
            await _help(context, chat.id, "safeguarding.help_unknown_person", "en")
    elif helped:
        await h.run(_mark_help_sent, h, stored.alert_id)
        if stored.new and stored.tier == AlertTier.urgent:
            await safeguarding.notify_duty(context.bot, h, stored.alert_id)
    else:
        await _help_then_tell(context, h, stored)


def _who_for_help(person: _Writer | None) -> tuple[str | None, str]:
    """(audience, language) for the help wording; unknown when the database could not say."""
    return (person.audience, person.lang) if person else (None, "en")


def _as_the_duty_worker_reads_it(update: Update, text: str) -> str:
    """The alert's text: a forwarded message is marked as someone else's words, because a threat a
    child received reads very differently from one they made."""
    message = update.message or update.edited_message
    origin = getattr(message, "forward_origin", None)
    sender = getattr(origin, "sender_user", None)
    if origin is None or (sender is not None and update.effective_user and sender.id == update.effective_user.id):
        return text
    return f"{t('alert.forwarded')} {text}"


class _Writer:
    """Who sent a message, as far as screening needs to know."""

    def __init__(self, participant: Participant | None, staff: bool, case_ref: str | None = None):
        self.participant_id = participant.id if participant else None
        self.audience = participant.audience if participant else None
        self.lang = participant.language if participant else "en"
        self.is_staff_only = staff and participant is None
        # "YJ-24-0117 (victim V2)": if storing the alert then fails, duty workers still know whose it is.
        self.label = person_label(case_ref, participant.audience, participant.participant_ref) \
            if participant and case_ref else None


def _read(h: Heard, chat_id: int, text: str):
    """Who wrote, then the analysis of what they wrote, in one hand-off to the worker threads:
    (writer, findings); findings None for staff writing to their own bot."""
    person = _who_is_writing(h, chat_id)
    if person is not None and person.is_staff_only:
        return person, None
    return person, h.analyse(text, None, person.audience if person else None)


def _who_is_writing(h: Heard, chat_id: int) -> _Writer | None:
    """None when the database cannot say (the screen still runs; help still goes out)."""
    try:
        with session_scope(read_only(h.engine)) as session:  # only reads: waits for no writer, here or elsewhere
            return _writer_in(session, h, chat_id)
    except SQLAlchemyError:
        log.exception("could not look up who wrote a message; screening it all the same")
        return None


def _writer_in(session, h: Heard, chat_id: int) -> _Writer:
    participant, case_ref = person_for_chat(session, h.service_id, chat_id) or (None, None)
    staff = participant is None and session.exec(select(Staff.id).where(
        Staff.service_id == h.service_id, Staff.telegram_user_id == chat_id,
        Staff.active.is_(True))).first() is not None
    return _Writer(participant, staff, case_ref)


def _participant(session, h: Heard, chat_id: int) -> Participant | None:
    return participant_for_chat(session, h.service_id, chat_id)


def _store_once(h: Heard, chat_id: int, text: str, flag: Flag) -> StoredAlert | None:
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        if participant is None:
            return None
        h.duty_roster = load_duty_roster(session, h.service_id)
        return record_alert(session, participant, text, flag, definitions=h.definitions, now=h.now())


async def _help(context, chat_id: int, key: str, lang: str) -> bool:
    try:
        await context.bot.send_message(chat_id, t(key, lang), parse_mode=ParseMode.HTML)
        return True
    except TelegramError:
        # The help message is owed: the dispatcher's tick sends it again while help_sent_at is empty.
        log.warning("could not send safeguarding help; it will be retried")
        return False


async def _help_then_tell(context, h: Heard, stored: StoredAlert) -> None:
    await safeguarding.send_help(context.bot, h, stored.alert_id)  # if it fails, the tick sends it again
    if stored.new and stored.tier == AlertTier.urgent:
        await safeguarding.notify_duty(context.bot, h, stored.alert_id)


def _mark_help_sent(h: Heard, alert_id: int) -> None:
    try:
        with session_scope(h.engine) as session:
            alert = session.get(SafeguardingAlert, alert_id)
            if alert.help_sent_at is None:
                alert.help_sent_at = h.now()
    except SQLAlchemyError:
        log.exception("could not record that help was sent for alert %s", alert_id)


async def _when_storing_failed(context, h: Heard, chat_id: int, text: str, flag: Flag, person: _Writer | None, *,
                               helped: bool = False) -> None:
    """The database is failing: help now (unless it went already), duty workers told from memory, and keep trying."""
    audience, lang = _who_for_help(person)
    if not helped:
        await _help(context, chat_id, safeguarding.help_text_key(audience, flag.tier), lang)
    notice = t("staff.alert_not_stored", tier=flag.tier.value)
    if person is not None and person.label:
        notice += "\n" + t("staff.alert_not_stored_who", who=escape(person.label))
    for user_id in h.duty_roster:
        try:
            await context.bot.send_message(user_id, notice, parse_mode=ParseMode.HTML)
        except TelegramError:
            log.warning("could not tell a duty worker that an alert is waiting to be stored")
    context.application.create_task(_keep_storing(context, h, chat_id, text, flag), update=None,
                                    name="store-alert")


async def _keep_storing(context, h: Heard, chat_id: int, text: str, flag: Flag) -> None:
    async def stored_late(stored: StoredAlert) -> None:
        await h.run(_mark_help_sent, h, stored.alert_id)  # help went out when storing first failed
        if stored.new and stored.tier == AlertTier.urgent:
            await safeguarding.notify_duty(context.bot, h, stored.alert_id)

    await alert_storing.keep_storing(lambda: _store_once(h, chat_id, text, flag), stored_late,
                                     retry_seconds=BACKGROUND_RETRY_SECONDS,
                                     running=lambda: context.application.running)  # stopping waits for this task
