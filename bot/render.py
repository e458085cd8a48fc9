"""Engine steps to Telegram messages, and button presses back to engine inputs. Pure.

Callback data is ``verb:invitation:question_index[:option_index]``: short (Telegram allows
64 bytes), and tied to one invitation and one question, so an old or forged button can be
recognised and refused instead of answering the wrong thing.
"""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t
from surveys.answering import Press
from surveys.engine import SCALE5_FACES, Answer, Ask
from surveys.schema import NUMBER_RANGES, Question, QuestionType

VERBS = {"a": "choose", "t": "toggle", "d": "done", "s": "skip", "b": "back"}
# ASCII digits only, and ids short enough for a 32-bit column: a forged id must not crash PostgreSQL.
_CALLBACK = re.compile(r"^([atdsb]):([0-9]{1,9}):([0-9]{1,3})(?::([0-9]{1,3}))?$")


def parse_press(data: str | None) -> Press | None:
    """None for anything that is not well-formed survey callback data."""
    match = _CALLBACK.match(data or "")
    if not match:
        return None
    verb, invitation, question, option = match.groups()
    if (verb in "at") != (option is not None):
        return None
    return Press(VERBS[verb], int(invitation), int(question), int(option) if option is not None else None)


def button_values(question: Question) -> list[str]:
    """The values a question's answer buttons carry, in the order they are shown."""
    if question.type in NUMBER_RANGES:
        low, high = NUMBER_RANGES[question.type]
        return [str(n) for n in range(low, high + 1)]
    return question.option_values()


def value_label(question: Question, value: str, lang: str) -> str:
    """How a stored value reads back to the person who gave it."""
    if question.type == QuestionType.scale5:
        return f"{SCALE5_FACES[value]} {value}"
    if question.type == QuestionType.journey10:
        return f"{value} / 10"
    if question.type == QuestionType.yesno:
        return t(f"answer.{value}", lang)
    labels = {option.value: option.label.get(lang) for option in question.options}
    return ", ".join(labels.get(part, part) for part in value.split(";"))


def question_text(step: Ask, lang: str) -> str:
    question = step.question
    lines = [t("survey.counter", lang, number=step.number, total=step.total),
             f"<b>{escape(question.text.get(lang))}</b>"]
    if question.help:
        lines.append(f"<i>{escape(question.help.get(lang))}</i>")
    if question.type == QuestionType.text:
        lines.append(t("survey.type_answer", lang))
    return "\n".join(lines)


def question_keyboard(step: Ask, invitation_id: int, question_index: int, lang: str) -> InlineKeyboardMarkup | None:
    question = step.question
    prefix = f"{invitation_id}:{question_index}"
    values = button_values(question)
    rows: list[list[InlineKeyboardButton]] = []
    if question.type == QuestionType.scale5:
        rows.append([InlineKeyboardButton(f"{SCALE5_FACES[v]} {v}", callback_data=f"a:{prefix}:{i}")
                     for i, v in enumerate(values)])
    elif question.type == QuestionType.journey10:
        buttons = [InlineKeyboardButton(v, callback_data=f"a:{prefix}:{i}") for i, v in enumerate(values)]
        rows += [buttons[:5], buttons[5:]]
    elif question.type == QuestionType.yesno:
        rows.append([InlineKeyboardButton(t(f"answer.{v}", lang), callback_data=f"a:{prefix}:{i}")
                     for i, v in enumerate(values)])
    elif question.type == QuestionType.choice:
        rows += [[InlineKeyboardButton(value_label(question, v, lang), callback_data=f"a:{prefix}:{i}")]
                 for i, v in enumerate(values)]
    elif question.type == QuestionType.multi:
        for i, v in enumerate(values):
            tick = "✅" if v in step.selected else "⬜"
            rows.append([InlineKeyboardButton(f"{tick} {value_label(question, v, lang)}",
                                              callback_data=f"t:{prefix}:{i}")])
        rows.append([InlineKeyboardButton(t("button.done", lang), callback_data=f"d:{prefix}")])
    moves = []
    if step.can_go_back:
        moves.append(InlineKeyboardButton(t("button.back", lang), callback_data=f"b:{prefix}"))
    if not question.required:
        moves.append(InlineKeyboardButton(t("button.skip", lang), callback_data=f"s:{prefix}"))
    if moves:
        rows.append(moves)
    return InlineKeyboardMarkup(rows) if rows else None


def answered_text(question: Question, answer: Answer | None, lang: str) -> str:
    """The question as it stays in the chat once answered: a clean record, no buttons."""
    if answer is None:
        note = t("survey.going_back", lang)
    elif answer.skipped:
        note = t("survey.skipped", lang)
    elif question.type == QuestionType.text:
        note = t("survey.typed", lang)
    else:
        note = t("survey.answered", lang, answer=escape(value_label(question, answer.value, lang)))
    return f"{escape(question.text.get(lang))}\n{note}"
