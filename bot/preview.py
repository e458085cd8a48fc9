"""Run a survey in a terminal, so staff can try the wording before anyone receives it.

Input and output are injected (`read_line`, `write`) so the preview is tested without a
terminal. It drives the same engine as the Telegram bot and accepts what a person could
type, plus the words skip, back and quit.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.texts import problem_text, t
from surveys.engine import SCALE5_FACES, Answer, Ask, Back, Input, Reply, Skip, apply, next_step, visible_answers
from surveys.schema import Definition, Question, QuestionType

ReadLine = Callable[[str], str | None]  # returns None at the end of input
Write = Callable[[str], None]


def run_preview(defn: Definition, read_line: ReadLine, write: Write, lang: str = "en") -> dict[str, Answer]:
    """Ask every question until the end or `quit`; returns the answers given."""
    write(t("preview.heading", lang, title=defn.title.get(lang), survey_id=defn.id, version=defn.version))
    write(defn.intro.get(lang))
    answers: dict[str, Answer] = {}
    while isinstance(step := next_step(defn, answers), Ask):
        write(render_question(step, lang))
        typed = read_line("> ")
        if typed is None or typed.strip().lower() == "quit":
            write(t("preview.quit", lang))
            return answers
        outcome = apply(defn, answers, _input_from(typed))
        if outcome.problem:
            write(problem_text(outcome.problem, step.question, lang, numbered=True))
        answers = outcome.answers
    write(defn.closing.get(lang))
    write(render_summary(defn, answers, lang))
    return answers


def render_question(step: Ask, lang: str = "en") -> str:
    question = step.question
    lines = ["", t("preview.question", lang, number=step.number, total=step.total), question.text.get(lang)]
    if question.help:
        lines.append(question.help.get(lang))
    lines += _answer_hint(question, lang)
    commands = ["skip"] * (not question.required) + ["back"] * step.can_go_back + ["quit"]
    lines.append(t("preview.commands", lang, commands=", ".join(commands)))
    return "\n".join(lines)


def render_summary(defn: Definition, answers: dict[str, Answer], lang: str = "en") -> str:
    counted = visible_answers(defn, answers)
    lines = [t("preview.summary", lang)]
    for question in defn.questions:
        if question.id in counted:
            lines += [f"- {question.text.get(lang)}", f"  {_describe(question, counted[question.id], lang)}"]
    return "\n".join(lines)


def _input_from(typed: str) -> Input:
    word = typed.strip().lower()
    if word == "skip":
        return Skip()
    if word == "back":
        return Back()
    return Reply(typed)


def _answer_hint(question: Question, lang: str) -> list[str]:
    if question.type == QuestionType.scale5:
        faces = "  ".join(f"{value} {face}" for value, face in SCALE5_FACES.items())
        return [t("preview.scale5", lang, faces=faces)]
    if question.type in (QuestionType.choice, QuestionType.multi):
        numbered = [f"  {n}. {option.label.get(lang)}" for n, option in enumerate(question.options, start=1)]
        return [t(f"preview.{question.type}", lang), *numbered]
    return [t(f"preview.{question.type}", lang)]


def _describe(question: Question, answer: Answer, lang: str) -> str:
    if answer.skipped:
        return t("preview.skipped", lang)
    if question.type == QuestionType.scale5:
        return f"{answer.value} {SCALE5_FACES[answer.value]}"
    if question.type == QuestionType.yesno:
        wanted_call = question.callback and answer.value == "yes"
        return t(f"answer.{answer.value}", lang) + (" " + t("preview.callback", lang) if wanted_call else "")
    if question.type in (QuestionType.choice, QuestionType.multi):
        labels = {option.value: option.label.get(lang) for option in question.options}
        return ", ".join(labels[value] for value in answer.value.split(";"))
    return answer.value
