"""Handlers for young people, parents/carers and victims.

Each handler parses the update, calls the domain, and renders the reply. Nothing is kept in
memory: the person's place in a survey is read from the database on every update.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import callbacks
from bot.context import Heard, heard
from bot.conversation import close_question, question_index, send_current, send_step
from bot.render import button_values, parse_press, question_keyboard
from bot.screening import disclosed_in, person_text
from bot.texts import for_audience, problem_text, t
from surveys import engine
from surveys.answering import load_answers, respond
from surveys.hashkey import chat_hash, hash_key_of
from surveys.enrol import InviteProblem, participant_for_chat, redeem_invite
from surveys.invitations import active_invitation, cancel_open, resume_after_stop
from surveys.models import (Audience, AuditEvent, Channel, Consent, Invitation, InvitationStatus,
                            Participant, ProcessedUpdate)
from surveys.retention import erase_participant
from surveys.store import audit, session_scope

log = logging.getLogger(__name__)

WRONG_CODE_LIMIT = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)
_ACTIVE = (InvitationStatus.sent, InvitationStatus.started)


# --- look-ups ------------------------------------------------------------------------------

def _participant(session: Session, h: Heard, chat_id: int) -> Participant | None:
    return participant_for_chat(session, h.service_id, chat_id)


def _chat_key(session: Session, chat_id: int) -> str:
    return chat_hash(hash_key_of(session), chat_id)


def _lang(participant: Participant | None) -> str:
    return participant.language if participant else "en"


def _first_time(session: Session, update: Update, bot_id: int) -> bool:
    """Record the update id; False if it was handled before (Telegram delivered it again)."""
    if session.get(ProcessedUpdate, (bot_id, update.update_id)) is not None:
        return False
    session.add(ProcessedUpdate(bot_id=bot_id, update_id=update.update_id))
    return True


def _consent_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("consent.yes", lang), callback_data="consent:yes"),
                                  InlineKeyboardButton(t("consent.no", lang), callback_data="consent:no")]])


def _language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("language.english"), callback_data="lang:en"),
                                  InlineKeyboardButton(t("language.welsh"), callback_data="lang:cy")]])


def _confirm_keyboard(action: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(f"{action}.confirm", lang), callback_data=f"{action}:yes"),
                                  InlineKeyboardButton(t("confirm.keep_going", lang), callback_data=f"{action}:no")]])


# --- group chats ---------------------------------------------------------------------------

async def refuse_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update: the bot only talks in private chats."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if chat.type != ChatType.CHANNEL:
        try:
            await context.bot.send_message(chat.id, t("chat.private_only"))
        except Exception:  # noqa: BLE001 - we are leaving anyway
            log.info("could not explain before leaving a group")
    try:
        await context.bot.leave_chat(chat.id)
    except Forbidden:  # already gone (a re-delivered update from a group we left)
        log.info("already out of a group")
    raise ApplicationHandlerStop


# --- /start, consent -----------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    h, chat_id = heard(context), update.effective_chat.id
    code = context.args[0] if context.args else None
    now = h.now()
    moved_from, just_linked = None, False
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        if participant is not None:
            reply = _welcome_back(session, participant, code is not None, now)
            lang, consent = _lang(participant), participant.consent
        elif code is None:
            reply, lang, consent = t("start.no_link"), "en", None
        else:
            reply, lang, consent, participant, moved_from = _link(session, h, chat_id, code, now)
            just_linked = participant is not None
        # First contact: English or Cymraeg comes before anything else (Welsh Language Standards).
        ask_language = participant is not None and participant.language_chosen_at is None
    if not (ask_language and just_linked):  # the welcome waits until they have chosen a language
        await update.effective_message.reply_text(reply, parse_mode=ParseMode.HTML)
    if ask_language:
        await update.effective_message.reply_text(t("language.question"), parse_mode=ParseMode.HTML,
                                                  reply_markup=_language_keyboard())
    if moved_from is not None:  # a worker moved this person to a new account (heard invite --force)
        await _tell_old_chat(context, moved_from, lang)
    if participant is None or ask_language:
        return
    if consent == Consent.pending:
        await context.bot.send_message(chat_id, t("consent.question", lang), parse_mode=ParseMode.HTML,
                                       reply_markup=_consent_keyboard(lang))
    elif consent == Consent.given:
        await _offer_survey(context, h, chat_id, participant.id, lang)


async def _tell_old_chat(context, chat_id: int, lang: str) -> None:
    try:
        await context.bot.send_message(chat_id, t("start.moved_away", lang))
    except TelegramError as error:  # they may have blocked the bot or deleted the chat: nothing more to do
        log.info("could not tell a chat it was moved (%s)", type(error).__name__)


def _welcome_back(session: Session, participant: Participant, came_with_code: bool, now) -> str:
    lang = _lang(participant)
    if participant.opted_out_at is not None:
        participant.opted_out_at = None
        resume_after_stop(session, participant.id, now=now)
        audit(session, f"participant:{participant.id}", "participant.restart", at=now)
        return t("start.restarted", lang)
    # A second link or /start never re-links or tells them anything new.
    return t("start.already_linked", lang) if came_with_code else t("start.hello_again", lang)


def _link(session: Session, h: Heard, chat_id: int, code: str, now):
    if _too_many_wrong_codes(session, chat_id, now):
        return t("code.too_many_tries"), "en", None, None, None
    try:
        participant = redeem_invite(session, code, now=now, service_id=h.service_id)
    except InviteProblem as problem:
        audit(session, "chat", "invite.refused", subject=_chat_key(session, chat_id)[:16], detail=problem.reason, at=now)
        return t(f"code.{problem.reason}"), "en", None, None, None
    moved_from = int(participant.chat_id) if participant.chat_id and participant.chat_id != str(chat_id) else None
    participant.chat_id, participant.chat_hash = str(chat_id), _chat_key(session, chat_id)
    participant.opted_out_at = participant.unreachable_at = participant.erased_at = None
    participant.channel = Channel.telegram  # one channel at a time: SMS and email links stop (issue 15)
    audit(session, f"participant:{participant.id}", "participant.moved" if moved_from else "participant.linked", at=now)
    lang = _lang(participant)
    return t(for_audience("start.welcome", participant.audience), lang), lang, participant.consent, participant, moved_from


def _too_many_wrong_codes(session: Session, chat_id: int, now) -> bool:
    tries = session.exec(select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "invite.refused", AuditEvent.subject == _chat_key(session, chat_id)[:16],
        AuditEvent.at > now - WRONG_CODE_WINDOW)).one()
    return tries >= WRONG_CODE_LIMIT


async def consent_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, h = update.callback_query, heard(context)
    chat_id, agreed = update.effective_chat.id, query.data == "consent:yes"
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        pending = participant is not None and participant.consent == Consent.pending
        if pending:
            _record_consent(session, participant, agreed, h.now())
            lang, participant_id = _lang(participant), participant.id
    if not pending:
        await query.answer(t("survey.old_button"))
        return
    await query.answer()
    await _edit_pressed(query, t("consent.given" if agreed else "consent.declined", lang))
    if agreed:
        await _offer_survey(context, h, chat_id, participant_id, lang)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: English or Cymraeg, asked in both."""
    h, chat_id = heard(context), update.effective_chat.id
    with session_scope(h.engine) as session:
        linked = _participant(session, h, chat_id) is not None
    if not linked:
        await update.effective_message.reply_text(t("start.no_link"), parse_mode=ParseMode.HTML)
        return
    await update.effective_message.reply_text(t("language.question"), parse_mode=ParseMode.HTML,
                                              reply_markup=_language_keyboard())


async def language_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """They chose English or Cymraeg: keep it, then carry on in it (the welcome, or where they were)."""
    query, h, chat_id = update.callback_query, heard(context), update.effective_chat.id
    lang = query.data.removeprefix("lang:")
    invitation = None
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        if participant is not None:
            now = h.now()
            participant.language, participant.language_chosen_at = lang, now
            audit(session, f"participant:{participant.id}", "participant.language", detail=lang, at=now)
            consent, audience = participant.consent, participant.audience
            if consent == Consent.given:
                invitation = active_invitation(session, participant.id)
    if participant is None:
        await query.answer(t("survey.old_button"))
        await _remove_buttons(query)
        return
    await query.answer()
    await _edit_pressed(query, t("language.chosen", lang))
    if consent == Consent.pending:
        await context.bot.send_message(chat_id, t(for_audience("start.welcome", audience), lang),
                                       parse_mode=ParseMode.HTML)
        await context.bot.send_message(chat_id, t("consent.question", lang), parse_mode=ParseMode.HTML,
                                       reply_markup=_consent_keyboard(lang))
    elif invitation is not None:
        await send_current(context.bot, h, chat_id, invitation, lang)


def _record_consent(session: Session, participant: Participant, agreed: bool, now) -> None:
    participant.consent = Consent.given if agreed else Consent.declined
    participant.consent_at = now
    if not agreed:
        cancel_open(session, participant.id)
    audit(session, f"participant:{participant.id}", "participant.consent", detail=participant.consent.value, at=now)


async def _offer_survey(context, h: Heard, chat_id: int, participant_id: int, lang: str) -> None:
    """Show the open survey where they left it, or send one that is already due."""
    from bot.dispatch import deliver_due_for

    with session_scope(h.engine) as session:
        invitation = active_invitation(session, participant_id)
    if invitation is not None:
        await send_current(context.bot, h, chat_id, invitation, lang)
    else:
        await deliver_due_for(context.bot, h, participant_id)


# --- answering -----------------------------------------------------------------------------

@dataclass
class _Taken:
    """What became of a button press, decided inside one transaction and acted on after it."""

    kind: str  # "forged", "closed", "stale" or "answered"
    lang: str = "en"
    invitation: Invitation | None = None
    definition: object = None
    step: object = None
    response: object = None


def _take_press(session: Session, h: Heard, update: Update, bot_id: int, press) -> _Taken:
    participant = _participant(session, h, update.effective_chat.id)
    invitation = session.get(Invitation, press.invitation_id)
    if participant is None or invitation is None or invitation.participant_id != participant.id:
        return _Taken("forged")
    lang = _lang(participant)
    if invitation.status not in _ACTIVE:
        return _Taken("closed", lang)
    definition = h.definitions[invitation.survey_id]
    step = engine.next_step(definition, load_answers(session, invitation.id))
    current = question_index(definition, step.question) if isinstance(step, engine.Ask) else None
    if current != press.question_index or not _first_time(session, update, bot_id):
        return _Taken("stale", lang, invitation)
    given = _input_for(press, step.question)
    if given is None:
        return _Taken("forged", lang)
    response = respond(session, invitation, definition, given, now=h.now(), analyse=h.analyse)
    return _Taken("answered", lang, invitation, definition, step, response)


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, h, chat_id = update.callback_query, heard(context), update.effective_chat.id
    press = parse_press(query.data)
    taken = _Taken("forged")
    if press is not None:
        # Telegram calls wait until the transaction is over: on SQLite it holds the write lock.
        with session_scope(h.engine) as session:
            taken = _take_press(session, h, update, context.bot.id, press)
    lang, invitation = taken.lang, taken.invitation
    if taken.kind == "forged":
        log.warning("refused a button that is not this person's to press (update %s)", update.update_id)
        await query.answer(t("survey.old_button", lang))
    elif taken.kind == "closed":
        await query.answer(t("survey.closed", lang))
        await _remove_buttons(query)
    elif taken.kind == "stale":
        await query.answer(t("survey.old_button", lang))
        if query.message and query.message.message_id != invitation.message_id:
            await _remove_buttons(query)
        await send_current(context.bot, h, chat_id, invitation, lang)
    else:
        await query.answer()
        await _after_answer(context, h, chat_id, invitation, taken.definition, taken.step, taken.response, lang,
                            pressed_message_id=query.message.message_id if query.message else None)


def _input_for(press, question):
    if press.verb in ("choose", "toggle"):
        values = button_values(question)
        if press.option_index >= len(values):
            return None
        value = values[press.option_index]
        return engine.Choose(value) if press.verb == "choose" else engine.Toggle(value)
    return {"done": engine.Done(), "skip": engine.Skip(), "back": engine.Back()}[press.verb]


async def text_sent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message: the answer to the open question, or something said outside a survey.

    The screen (bot/screening.py) has already read it; after a disclosure the replies here stay
    quiet about validation and "nobody reads this", and just show where the person is.
    """
    h, chat_id, text = heard(context), update.effective_chat.id, person_text(update)
    disclosed = disclosed_in(update, context)
    response = None
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        invitation = None
        if participant is not None and participant.consent == Consent.given:
            invitation = active_invitation(session, participant.id)
        if invitation is not None and _first_time(session, update, context.bot.id):
            definition = h.definitions[invitation.survey_id]
            step = engine.next_step(definition, load_answers(session, invitation.id))
            response = respond(session, invitation, definition, engine.Reply(text), now=h.now(), analyse=h.analyse)
    lang = _lang(participant)
    if invitation is not None:
        if response is None or (response.problem and disclosed):
            await send_current(context.bot, h, chat_id, invitation, lang)  # re-delivered, or just disclosed
        else:
            await _after_answer(context, h, chat_id, invitation, definition, step, response, lang)
    elif participant is None:
        await update.effective_message.reply_text(t("start.no_link"), parse_mode=ParseMode.HTML)
    elif participant.consent == Consent.pending and participant.language_chosen_at is None:
        await update.effective_message.reply_text(t("language.question"), parse_mode=ParseMode.HTML,
                                                  reply_markup=_language_keyboard())
    elif participant.consent == Consent.pending:
        await update.effective_message.reply_text(t("consent.first", lang), parse_mode=ParseMode.HTML,
                                                  reply_markup=_consent_keyboard(lang))
    elif not disclosed:
        await update.effective_message.reply_text(t("survey.none_open", lang), parse_mode=ParseMode.HTML)


async def message_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An old message changed: it was screened, but it never replaces an answer already given."""
    if disclosed_in(update, context):
        return
    await _reply_then_resume(update, context, "survey.edited")


async def _after_answer(context, h: Heard, chat_id: int, invitation: Invitation, definition, step,
                        response, lang: str, pressed_message_id: int | None = None) -> None:
    """Tidy the answered question, look after a disclosure, then ask the next thing."""
    bot = context.bot
    if response.problem:
        await bot.send_message(chat_id, _problem_text(response.problem, step, lang), parse_mode=ParseMode.HTML)
        if response.problem != "finished":
            await send_current(bot, h, chat_id, invitation, lang)
        return
    answers = response.answers
    asked = step.question
    new_step = response.step
    if isinstance(new_step, engine.Ask) and new_step.question.id == asked.id:
        # Still on the same question (a multi-select tick): refresh the ticks in place.
        await bot.edit_message_reply_markup(chat_id, pressed_message_id or invitation.message_id,
                                            reply_markup=question_keyboard(new_step, invitation.id,
                                                                           question_index(definition, asked), lang))
        return
    await close_question(bot, chat_id, pressed_message_id or invitation.message_id, asked,
                         answers.get(asked.id), lang)
    if response.callback_ids:
        await bot.send_message(chat_id, t(_contact_noted_key(invitation, h), lang))
        for callback_id in response.callback_ids:
            await callbacks.notify_workers(bot, h, callback_id)
    await send_step(bot, h, chat_id, invitation, new_step, lang)


def _contact_noted_key(invitation: Invitation, h: Heard) -> str:
    audience = h.definitions[invitation.survey_id].audience
    return "survey.contact_noted_child" if audience == Audience.young_person else "survey.contact_noted_adult"


def _problem_text(problem: str, step, lang: str) -> str:
    if isinstance(step, engine.Ask):
        return problem_text(problem, step.question, lang)
    return t(f"problem.{problem}", lang)


async def _edit_pressed(query, text: str) -> None:
    """Replace the pressed message's text; a double tap that changes nothing is not an error."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def _remove_buttons(query) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except Exception:  # noqa: BLE001 - only tidying
        log.info("could not remove old buttons")


# --- things we cannot read -----------------------------------------------------------------

async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Voice notes, stickers, photos...: say kindly what works, then show where they are.

    A caption was screened like any text; it is not taken as an answer, so say so.
    """
    message = update.effective_message
    key = "cannot_read.caption" if message.caption else f"cannot_read.{_kind_of(message)}"
    if message.caption and disclosed_in(update, context):
        key = None
    await _reply_then_resume(update, context, key)


def _kind_of(message) -> str:
    for kind in ("voice", "video_note", "sticker", "photo", "video", "animation", "audio", "document",
                 "location", "contact", "poll"):
        if getattr(message, kind, None):
            return {"video_note": "video", "animation": "video", "audio": "voice", "poll": "other"}.get(kind, kind)
    return "other"


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply_then_resume(update, context, "chat.unknown_command")


# --- help, privacy, stop, delete -----------------------------------------------------------

async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply_then_resume(update, context, "info.help")


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply_then_resume(update, context, "info.privacy")


async def _reply_then_resume(update: Update, context, key: str | None) -> None:
    """Answer (unless ``key`` is None), then show the question they are on, so nobody loses their place."""
    h, chat_id = heard(context), update.effective_chat.id
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        invitation = active_invitation(session, participant.id) if participant else None
        lang = _lang(participant)
        audience = participant.audience if participant else None
    if key is not None:
        await update.effective_message.reply_text(t(for_audience(key, audience), lang), parse_mode=ParseMode.HTML)
    if invitation is not None:
        await send_current(context.bot, h, chat_id, invitation, lang)


async def stop_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _ask_to_confirm(update, context, "stop")


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _ask_to_confirm(update, context, "delete")


async def _ask_to_confirm(update: Update, context, action: str) -> None:
    h, chat_id = heard(context), update.effective_chat.id
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        lang = _lang(participant)
    if participant is None:
        await update.effective_message.reply_text(t(f"{action}.nothing_held"))
        return
    await update.effective_message.reply_text(t(f"{action}.question", lang), parse_mode=ParseMode.HTML,
                                              reply_markup=_confirm_keyboard(action, lang))


async def confirm_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, h, chat_id = update.callback_query, heard(context), update.effective_chat.id
    action, choice = query.data.split(":")
    invitation = None
    with session_scope(h.engine) as session:
        participant = _participant(session, h, chat_id)
        lang = _lang(participant)
        if participant is not None and choice == "yes" and action == "stop":
            stop_participant(session, participant, now=h.now())
        elif participant is not None and choice == "yes":
            erase_participant(session, participant, now=h.now(), actor=f"participant:{participant.id}")
        elif participant is not None:
            invitation = active_invitation(session, participant.id)
    if participant is None:
        await query.answer(t("survey.old_button"))
        await _remove_buttons(query)
        return
    await query.answer()
    await _edit_pressed(query, t(f"{action}.{'done' if choice == 'yes' else 'kept'}", lang))
    if invitation is not None:
        await send_current(context.bot, h, chat_id, invitation, lang)


def stop_participant(session: Session, participant: Participant, *, now) -> None:
    participant.opted_out_at = now
    cancelled = cancel_open(session, participant.id)
    audit(session, f"participant:{participant.id}", "participant.stop", detail=f"cancelled={cancelled}", at=now)

