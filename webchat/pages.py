"""What a page shows, worked out from the engine's step and the stored answers. Pure: no I/O.

The templates only lay out what these functions decide, so the wording and the order of a
conversation can be tested without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

from bot.render import button_values, value_label
from bot.texts import for_audience, problem_text, t
from surveys import engine
from surveys.alerts import help_text_key
from surveys.engine import SCALE5_FACES
from surveys.schema import QuestionType

# Notes a form's answer may carry to the next page (in a cookie): only these, so nobody can put words on it.
NOTES = {"consent_given", "finished", "old_form", "contact_child", "contact_adult", "help_urgent", "help_review",
         "stopped", "deleted"}
PROBLEMS = {"not_a_number", "out_of_range", "not_an_option", "not_yes_or_no", "required", "empty", "finished",
            "cannot_go_back", "stale_button"}


def rich(text: str) -> Markup:
    """Our own wording (bot/texts.py: <b>, <i> and line breaks only) as HTML; values in it are escaped by t()'s callers."""
    return Markup(text.replace("\n", "<br>"))


@dataclass(frozen=True)
class Bubble:
    mine: bool  # True: what the person said; False: what heard said
    html: Markup


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    ticked: bool = False


@dataclass
class QuestionView:
    question_id: str
    kind: str  # "buttons", "scale", "multi" or "text"
    counter: str
    text: str
    help: str | None
    choices: list[Choice] = field(default_factory=list)
    can_skip: bool = False
    can_go_back: bool = False


def parse_notes(raw: str | None) -> list[str]:
    """The notes in the notes cookie, keeping only known ones (a problem is p_<key>)."""
    notes = []
    for note in (raw or "").split(".")[:4]:
        if note in NOTES or (note.startswith("p_") and note[2:] in PROBLEMS):
            notes.append(note)
    return notes


def note_bubbles(notes: list[str], *, audience: str | None, lang: str, step) -> list[Bubble]:
    bubbles = []
    for note in notes:
        if note.startswith("p_"):
            problem = note[2:]
            text = problem_text(problem, step.question, lang) if isinstance(step, engine.Ask) else t(f"problem.{problem}", lang)
        elif note.startswith("help_"):
            text = t(help_text_key(audience, note.removeprefix("help_")), lang)
        elif note.startswith("contact_"):
            text = t(f"survey.contact_noted_{note.removeprefix('contact_')}", lang)
        else:
            text = t({"consent_given": "web.consent_given", "finished": "web.finished", "old_form": "web.old_form",
                      "stopped": "web.stopped", "deleted": "web.deleted"}[note], lang)
        bubbles.append(Bubble(False, rich(text)))
    return bubbles


def transcript(definition, answers: dict[str, engine.Answer], lang: str) -> list[Bubble]:
    """The survey so far as a chat: its title and intro, then each question answered and what was said.

    Typed answers are not shown again (as in Telegram: "Got your answer"), so a phone left open
    never puts what someone wrote back on the screen.
    """
    bubbles = [Bubble(False, rich(f"<b>{escape(definition.title.get(lang))}</b>\n{escape(definition.intro.get(lang))}"))]
    for question in engine.visible_questions(definition, answers):
        answer = answers.get(question.id)
        if answer is None or not answer.complete:
            break
        bubbles.append(Bubble(False, rich(escape(question.text.get(lang)))))
        if answer.skipped:
            said = t("survey.skipped", lang)
        elif question.type == QuestionType.text:
            said = t("survey.typed", lang)
        else:
            said = escape(value_label(question, answer.value, lang))
        bubbles.append(Bubble(True, rich(said)))
    return bubbles


def question_view(step: engine.Ask, lang: str) -> QuestionView:
    question = step.question
    kind = {QuestionType.text: "text", QuestionType.multi: "multi", QuestionType.scale5: "scale",
            QuestionType.journey10: "scale"}.get(question.type, "buttons")
    choices = []
    if question.type != QuestionType.text:
        for value in button_values(question):
            if question.type == QuestionType.scale5:
                label = f"{SCALE5_FACES[value]} {value}"
            elif question.type == QuestionType.journey10:
                label = value
            else:
                label = value_label(question, value, lang)
            choices.append(Choice(value, label, value in step.selected))
    return QuestionView(question_id=question.id, kind=kind,
                        counter=t("survey.counter", lang, number=step.number, total=step.total),
                        text=question.text.get(lang), help=question.help.get(lang) if question.help else None,
                        choices=choices, can_skip=not question.required, can_go_back=step.can_go_back)


def goodbye(definition, lang: str) -> Markup:
    """The survey's own closing words (as Telegram sends them: a victim hears their worker is still there),
    or a general thank-you if the survey is no longer known."""
    return rich(escape(definition.closing.get(lang))) if definition is not None else rich(t("web.finished", lang))


def welcome(audience: str, lang: str) -> Markup:
    return rich(t(for_audience("web.welcome", audience), lang))


def help_page(audience: str | None, lang: str) -> tuple[Markup, Markup]:
    return (rich(t(for_audience("web.help_page", audience), lang)),
            rich(t(for_audience("web.privacy", audience), lang)))
