"""Sending survey messages: the question to answer now, and what happens after an answer.

Shared by the participant handlers (answers) and the dispatcher (new surveys, reminders),
so a question looks the same however it reached the person.
"""

from __future__ import annotations

import logging
from html import escape

import sqlalchemy as sa
from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.context import Heard
from bot.render import answered_text, question_keyboard, question_text
from surveys import engine
from surveys.answering import current_step
from surveys.models import Invitation
from surveys.store import session_scope

log = logging.getLogger(__name__)


def question_index(definition, question) -> int:
    return next(i for i, q in enumerate(definition.questions) if q.id == question.id)


async def send_step(bot: Bot, heard: Heard, chat_id: int, invitation: Invitation, step, lang: str,
                    preface: str | None = None) -> Message:
    """Send the current question (or the thank-you) and remember which message holds it.

    A ``preface`` (an intro or a reminder) goes in the same message: one message per chat at a
    time keeps well inside Telegram's limit of about one a second to each chat.
    """
    definition = heard.definitions[invitation.survey_id]
    lead = f"{preface}\n\n" if preface else ""
    if isinstance(step, engine.Finished):
        message = await bot.send_message(chat_id, lead + escape(definition.closing.get(lang)),
                                         parse_mode=ParseMode.HTML)
        message_id = None
    else:
        message = await bot.send_message(
            chat_id, lead + question_text(step, lang), parse_mode=ParseMode.HTML,
            reply_markup=question_keyboard(step, invitation.id, question_index(definition, step.question), lang))
        message_id = message.message_id
    with session_scope(heard.engine) as session:
        session.execute(sa.update(Invitation).where(Invitation.id == invitation.id).values(message_id=message_id))
    return message


async def send_current(bot: Bot, heard: Heard, chat_id: int, invitation: Invitation, lang: str,
                       preface: str | None = None) -> Message:
    with session_scope(heard.engine) as session:
        step = current_step(session, invitation, heard.definitions[invitation.survey_id])
    return await send_step(bot, heard, chat_id, invitation, step, lang, preface)


async def close_question(bot: Bot, chat_id: int, message_id: int | None, question, answer, lang: str) -> None:
    """Turn an answered question into a plain record in the chat (no buttons left to tap)."""
    if message_id is None:
        return
    try:
        await bot.edit_message_text(answered_text(question, answer, lang), chat_id=chat_id,
                                    message_id=message_id, parse_mode=ParseMode.HTML)
    except BadRequest as error:
        # Too old to edit, deleted by the person, or already showing this: the answer is safe anyway.
        log.info("could not tidy an answered question: %s", error.message)
