"""Sending survey messages: the question to answer now, and what happens after an answer.

Shared by the participant handlers (answers) and the dispatcher (new surveys, reminders),
so a question looks the same however it reached the person.
"""

from __future__ import annotations

import logging
from html import escape

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from telegram import Bot, Message
from telegram.error import BadRequest

from bot.context import Heard
from bot.render import answered_text, question_keyboard, question_text
from surveys import engine
from surveys.answering import ShownQuestion, question_index
from surveys.models import Invitation
from surveys.store import session_scope

log = logging.getLogger(__name__)


async def send_step(bot: Bot, heard: Heard, chat_id: int, invitation, step, lang: str,
                    preface: str | None = None, *, write_later: bool = False,
                    recorded_by_caller: bool = False) -> Message:
    """Send the current question (or the thank-you) and remember which message holds it.

    ``invitation`` is anything with the invitation's ``id`` and ``survey_id``. A ``preface`` (an
    intro or a reminder) goes in the same message: one message per chat at a time keeps well
    inside Telegram's limit of about one a second to each chat. With ``write_later`` the message
    id waits in memory for the chat's next answer to write it (surveys/answering.py), so an answer
    costs one transaction, not two; with ``recorded_by_caller`` the caller writes it (the dispatcher,
    with the invitation's other changes).
    """
    definition = heard.definitions[invitation.survey_id]
    lead = f"{preface}\n\n" if preface else ""
    if isinstance(step, engine.Finished):
        message = await bot.send_message(chat_id, lead + escape(definition.closing.get(lang)))
        message_id = None
    else:
        message = await bot.send_message(
            chat_id, lead + question_text(step, lang),
            reply_markup=question_keyboard(step, invitation.id, question_index(definition, step.question), lang))
        message_id = message.message_id
    if write_later and message_id is not None:
        heard.unsaved_shown[chat_id] = ShownQuestion(invitation.id, message_id)
    elif write_later:  # the answer's own transaction already cleared it: nothing left to point at
        heard.unsaved_shown.pop(chat_id, None)
    else:
        heard.unsaved_shown.pop(chat_id, None)  # this write is newer than anything waiting
        if not recorded_by_caller:
            await heard.run(_record_message, heard.engine, invitation.id, message_id)
    return message


def _record_message(engine: Engine, invitation_id: int, message_id: int | None) -> None:
    with session_scope(engine) as session:
        session.execute(sa.update(Invitation).where(Invitation.id == invitation_id).values(message_id=message_id))


async def close_question(bot: Bot, chat_id: int, message_id: int | None, question, answer, lang: str) -> None:
    """Turn an answered question into a plain record in the chat (no buttons left to tap)."""
    if message_id is None:
        return
    try:
        await bot.edit_message_text(answered_text(question, answer, lang), chat_id=chat_id, message_id=message_id)
    except BadRequest as error:
        # Too old to edit, deleted by the person, or already showing this: the answer is safe anyway.
        log.info("could not tidy an answered question: %s", error.message)
