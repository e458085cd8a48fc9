"""Handlers for young people, parents/carers and victims.

Each handler parses the update, calls one use case (surveys/answering.py, surveys/participants.py)
in one transaction in the worker threads (``h.transaction``), and renders what it returns. Nothing is kept in memory: the
person's place in a survey is read from the database on every update.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import callbacks
from bot.context import Heard, heard
from bot.conversation import close_question, send_step
from bot.ratelimit import background_sends
from bot.render import parse_press, question_keyboard
from bot.screening import disclosed_in, person_text
from bot.texts import for_audience, problem_text, t
from surveys import answering, engine, participants
from surveys.answering import Delivery, Turn, TurnKind
from surveys.models import Audience, Consent
from surveys.participants import OpenSurvey, Whereabouts

log = logging.getLogger(__name__)


async def _call(h: Heard, use_case, **inputs):
    """One use case (surveys/participants.py) for this service, in one transaction, off the loop."""
    return await h.transaction(use_case, service_id=h.service_id, definitions=h.definitions, **inputs)


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
            # Nobody's language is known in a group: both, as the language question does.
            await context.bot.send_message(chat.id, f'{t("chat.private_only")}\n\n{t("chat.private_only", "cy")}')
        except Exception:  # noqa: BLE001 - we are leaving anyway
            log.info("could not explain before leaving a group")
    try:
        await context.bot.leave_chat(chat.id)
    except Forbidden:  # already gone (a re-delivered update from a group we left)
        log.info("already out of a group")
    raise ApplicationHandlerStop


# --- /start, language, consent -----------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    h, chat_id = heard(context), update.effective_chat.id
    code = context.args[0] if context.args else None
    started = await _call(h, participants.start, chat_id=chat_id, code=code, now=h.now())
    person = started.person
    if started.reply is not None:
        await update.effective_message.reply_text(t(for_audience(started.reply, person.audience), person.lang))
    if started.ask_language:
        await update.effective_message.reply_text(t("language.question"), reply_markup=_language_keyboard())
    if started.moved_from is not None:  # a worker moved this person to a new account (heard invite --force)
        await _tell_old_chat(context, started.moved_from, person.lang)
    if not person.linked or started.ask_language:
        return
    if person.consent in (Consent.pending, Consent.declined):  # "No thanks" said: /start asks again
        await context.bot.send_message(chat_id, t("consent.question", person.lang),
                                       reply_markup=_consent_keyboard(person.lang))
    elif person.consent == Consent.given:
        await _offer_survey(context, h, chat_id, person)


async def _tell_old_chat(context, chat_id: int, lang: str) -> None:
    try:
        await context.bot.send_message(chat_id, t("start.moved_away", lang))
    except TelegramError as error:  # they may have blocked the bot or deleted the chat: nothing more to do
        log.info("could not tell a chat it was moved (%s)", type(error).__name__)


async def consent_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, h = update.callback_query, heard(context)
    chat_id, agreed = update.effective_chat.id, query.data == "consent:yes"
    chosen = await _call(h, participants.choose_consent, chat_id=chat_id, agreed=agreed, now=h.now())
    if not chosen.recorded:  # a second tap, or nobody linked here any more: nothing to show
        await query.answer(t("button.old", chosen.person.lang))
        return
    await query.answer()
    await _edit_pressed(query, t("consent.given" if agreed else "consent.declined", chosen.person.lang))
    if agreed:
        await _offer_survey(context, h, chat_id, chosen.person)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: English or Cymraeg, asked in both."""
    h, chat_id = heard(context), update.effective_chat.id
    person = await _call(h, participants.whereabouts, chat_id=chat_id)
    if not person.linked:
        await update.effective_message.reply_text(t("start.no_link"))
        return
    await update.effective_message.reply_text(t("language.question"), reply_markup=_language_keyboard())


async def language_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """They chose English or Cymraeg: keep it, then carry on in it (the welcome, or where they were)."""
    query, h, chat_id = update.callback_query, heard(context), update.effective_chat.id
    lang = query.data.removeprefix("lang:")
    person = await _call(h, participants.choose_language, chat_id=chat_id, lang=lang, now=h.now())
    if not person.linked:
        await query.answer(t("button.old"))
        await _remove_buttons(query)
        return
    await query.answer()
    await _edit_pressed(query, t("language.chosen", lang))
    if person.consent == Consent.pending:
        await context.bot.send_message(chat_id, t(for_audience("start.welcome", person.audience), lang))
        await context.bot.send_message(chat_id, t("consent.question", lang), reply_markup=_consent_keyboard(lang))
    elif person.survey is not None:
        await _show(context, h, chat_id, person.survey, lang)


async def _offer_survey(context, h: Heard, chat_id: int, person: Whereabouts) -> None:
    """Show the open survey where they left it, or send one that is already due."""
    from bot.dispatch import deliver_due_for

    if person.survey is not None:
        await _show(context, h, chat_id, person.survey, person.lang)
    else:
        await deliver_due_for(context.bot, h, person.participant_id)


async def _show(context, h: Heard, chat_id: int, survey: OpenSurvey | Turn, lang: str, preface: str | None = None):
    """Show the step a person is on (its message id is written with their next answer)."""
    if isinstance(survey, Turn):
        survey = OpenSurvey(survey.invitation_id, survey.survey_id, survey.step)
    return await send_step(context.bot, h, chat_id, survey, survey.step, lang, preface, write_later=True)


# --- answering -----------------------------------------------------------------------------

async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, h, chat_id = update.callback_query, heard(context), update.effective_chat.id
    press = parse_press(query.data)
    turn = Turn(TurnKind.forged)
    if press is not None:
        turn = await h.transaction(answering.take_press, service_id=h.service_id, chat_id=chat_id, press=press,
                                   delivery=Delivery(context.bot.id, update.update_id), definitions=h.definitions,
                                   now=h.now(), analyse=h.analyse, shown=h.unsaved_shown.pop(chat_id, None))
    if turn.kind == TurnKind.forged:
        log.warning("refused a button that is not this person's to press (update %s)", update.update_id)
        await query.answer(t("button.old", turn.lang))
    elif turn.kind == TurnKind.closed:
        await query.answer(t("problem.finished" if turn.problem == "finished" else "survey.closed", turn.lang))
        await _remove_buttons(query)
    elif turn.kind == TurnKind.repeat:
        await query.answer(t("survey.old_button", turn.lang))
        if query.message and query.message.message_id != turn.question_message_id:
            await _remove_buttons(query)
        await _show(context, h, chat_id, turn, turn.lang)
    else:
        await query.answer()
        await _after_answer(context, h, chat_id, turn, pressed_message_id=query.message.message_id if query.message else None)


async def text_sent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message: the answer to the open question, or something said outside a survey.

    The screen (bot/screening.py) has already read it; after a disclosure the replies here stay
    quiet about validation and "nobody reads this", and just show where the person is.
    """
    h, chat_id, text = heard(context), update.effective_chat.id, person_text(update)
    disclosed = disclosed_in(update, context)
    turn = await h.transaction(answering.take_typed, service_id=h.service_id, chat_id=chat_id, text=text,
                               delivery=Delivery(context.bot.id, update.update_id), definitions=h.definitions,
                               now=h.now(), analyse=h.analyse, shown=h.unsaved_shown.pop(chat_id, None))
    reply, lang = update.effective_message.reply_text, turn.lang
    if turn.kind == TurnKind.continued:
        return  # the rest of a long message (Telegram sent it in pieces): kept with the answer it finishes
    if turn.kind == TurnKind.repeat or (turn.kind == TurnKind.answered and turn.problem and disclosed):
        await _show(context, h, chat_id, turn, lang)  # re-delivered, or just disclosed
    elif turn.kind == TurnKind.answered:
        await _after_answer(context, h, chat_id, turn)
    elif turn.kind == TurnKind.not_linked:
        await reply(t("start.no_link"))
    elif turn.kind == TurnKind.language_first:
        await reply(t("language.question"), reply_markup=_language_keyboard())
    elif turn.kind == TurnKind.consent_first:
        await reply(t("consent.first", lang), reply_markup=_consent_keyboard(lang))
    elif not disclosed:
        await reply(t("survey.none_open", lang))


async def message_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An old message changed: it was screened, but it never replaces an answer already given."""
    if disclosed_in(update, context):
        return
    await _reply_then_resume(update, context, "survey.edited")


async def _after_answer(context, h: Heard, chat_id: int, turn: Turn, pressed_message_id: int | None = None) -> None:
    """Tidy the answered question, look after a call-back request, then ask the next thing."""
    bot, lang = context.bot, turn.lang
    if turn.problem:
        await bot.send_message(chat_id, _problem_text(turn.problem, turn.asked, lang))
        if turn.problem != "finished":
            await _show(context, h, chat_id, turn, lang)
        return
    shown_in = pressed_message_id or turn.question_message_id
    if turn.same_question:  # a multi-select tick: refresh the ticks in place
        await bot.edit_message_reply_markup(chat_id, shown_in, reply_markup=question_keyboard(
            turn.step, turn.invitation_id, turn.question_index, lang))
        return
    if turn.callback_ids:
        await bot.send_message(chat_id, t(_contact_noted_key(turn, h), lang))
        for callback_id in turn.callback_ids:
            await callbacks.notify_workers(bot, h, callback_id)
    await _show(context, h, chat_id, turn, lang)
    # The next question is what the person waits for. Turning the answered one into a record is
    # tidying: it takes the message budget replies leave (bot/ratelimit.py), in a task of its own
    # so that neither it nor a wave of surveys going out holds up this chat's next answer.
    tidy = _tidy(bot, chat_id, shown_in, turn, lang)
    if context.application.running:
        context.application.create_task(tidy, update=None)
    else:  # an update handed in directly, with no running application to see the task through
        await tidy


async def _tidy(bot, chat_id: int, message_id: int | None, turn: Turn, lang: str) -> None:
    with background_sends():
        try:
            await close_question(bot, chat_id, message_id, turn.asked.question, turn.answer, lang)
        except TelegramError as error:  # blocked, or the chat is gone: the answer is stored all the same
            log.info("could not tidy an answered question: %s", error)


def _contact_noted_key(turn: Turn, h: Heard) -> str:
    audience = h.definitions[turn.survey_id].audience
    return "survey.contact_noted_child" if audience == Audience.young_person else "survey.contact_noted_adult"


def _problem_text(problem: str, step, lang: str) -> str:
    if isinstance(step, engine.Ask):
        return problem_text(problem, step.question, lang)
    return t(f"problem.{problem}", lang)


async def _edit_pressed(query, text: str) -> None:
    """Replace the pressed message's text; a double tap that changes nothing is not an error."""
    try:
        await query.edit_message_text(text)
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


async def forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A forwarded message is someone else's words: screened like everything, never kept as an answer.

    (Forwarded from the person's own account, it is theirs: taken like anything they type.)
    """
    message = update.effective_message
    sender = getattr(message.forward_origin, "sender_user", None)
    if message.text and sender is not None and sender.id == update.effective_user.id:
        await text_sent(update, context)
        return
    await _reply_then_resume(update, context, None if disclosed_in(update, context) else "cannot_read.forwarded")


def _kind_of(message) -> str:
    for kind in ("voice", "video_note", "sticker", "photo", "video", "animation", "audio", "document",
                 "location", "contact", "poll"):
        if getattr(message, kind, None):
            return {"video_note": "video", "audio": "voice", "poll": "other"}.get(kind, kind)
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
    person = await _call(h, participants.whereabouts, chat_id=chat_id)
    if key is not None:
        await update.effective_message.reply_text(t(for_audience(key, person.audience), person.lang))
    if person.survey is not None:
        await _show(context, h, chat_id, person.survey, person.lang)


async def stop_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _ask_to_confirm(update, context, "stop")


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _ask_to_confirm(update, context, "delete")


async def _ask_to_confirm(update: Update, context, action: str) -> None:
    h, chat_id = heard(context), update.effective_chat.id
    person = await _call(h, participants.whereabouts, chat_id=chat_id)
    if not person.linked:
        await update.effective_message.reply_text(t(f"{action}.nothing_held"))
        return
    await update.effective_message.reply_text(t(f"{action}.question", person.lang),
                                              reply_markup=_confirm_keyboard(action, person.lang))


async def confirm_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, h, chat_id = update.callback_query, heard(context), update.effective_chat.id
    action, choice = query.data.split(":")
    person = await _call(h, participants.confirm, chat_id=chat_id, action=action, yes=choice == "yes", now=h.now())
    if not person.linked:
        await query.answer(t("button.old"))
        await _remove_buttons(query)
        return
    await query.answer()
    await _edit_pressed(query, t(f"{action}.{'done' if choice == 'yes' else 'kept'}", person.lang))
    if person.survey is not None:
        await _show(context, h, chat_id, person.survey, person.lang)
