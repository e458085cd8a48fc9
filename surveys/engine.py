"""The survey engine: (definition, answers so far, input) -> new answers and the next step.

Pure on purpose: no I/O, no clock, no Telegram, no database. The stored answers are the
whole state, so resuming after a restart is just calling `next_step` again, and the same
engine runs behind Telegram, the staff preview and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from surveys.schema import NUMBER_RANGES, Definition, Question, QuestionType

TEXT_LIMIT = 4096  # Telegram's longest message: nothing anyone can send is cut
SCALE5_FACES = {"1": "😢", "2": "🙁", "3": "😐", "4": "🙂", "5": "😄"}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_YES = {"y", "yes", "yeah", "yep", "yh", "ya", "sure", "ok", "👍"}
_NO = {"n", "no", "nah", "nope", "naw", "👎"}
# Cymraeg: Welsh answers yes and no with the verb of the question (ydw, oedd, do...); these are the common ones.
_YES |= {"ie", "do", "ydw", "ydy", "oes", "oedd", "iawn", "wrth gwrs"}
_NO |= {"na", "naddo", "nac ydw", "nac ydy", "nac oes", "nac oedd", "dim"}
# Emoji may arrive with a variation selector or a skin tone; neither changes the meaning.
_EMOJI_MODIFIERS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_TRAILING_PUNCTUATION = re.compile(r"[\s.!?,]+$")
_SCORE = re.compile(r"(\d+|[a-z]+)\s*(?:(?:/|out of)\s*(\d+))?")


@dataclass(frozen=True)
class Answer:
    value: str | None  # normalised; several option values are joined by ";"
    skipped: bool = False
    complete: bool = True  # False only while a multi-select is being ticked


Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Reply:
    """Typed text."""
    text: str


@dataclass(frozen=True)
class Choose:
    """A button press carrying an answer value."""
    value: str


@dataclass(frozen=True)
class Toggle:
    """Ticking or unticking one option of a multi-select."""
    value: str


@dataclass(frozen=True)
class Done:
    """Finishing a multi-select."""


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Back:
    pass


Input = Reply | Choose | Toggle | Done | Skip | Back


@dataclass(frozen=True)
class Ask:
    question: Question
    number: int  # 1-based position among the questions visible now
    total: int
    can_go_back: bool
    selected: frozenset[str] = frozenset()  # ticked so far, for a multi-select


@dataclass(frozen=True)
class Finished:
    pass


Step = Ask | Finished


@dataclass(frozen=True)
class Outcome:
    answers: dict[str, Answer]
    step: Step
    changed: dict[str, Answer | None] = field(default_factory=dict)  # None means delete
    problem: str | None = None  # a key for the caller to word kindly; answers unchanged


class InputProblem(ValueError):
    """Input that does not answer the question; `problem` is a key such as "not_a_number"."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def visible_questions(defn: Definition, answers: Answers) -> list[Question]:
    """Questions whose show_if holds; a question that depends on a hidden one is hidden too."""
    visible: dict[str, Question] = {}
    for question in defn.questions:
        condition = question.show_if
        if condition is None:
            visible[question.id] = question
            continue
        earlier = answers.get(condition.question)
        if (condition.question in visible and earlier is not None and earlier.complete
                and condition.holds(earlier.value, earlier.skipped)):
            visible[question.id] = question
    return list(visible.values())


def visible_answers(defn: Definition, answers: Answers) -> dict[str, Answer]:
    """Only the answers that count: complete, and to questions still asked."""
    return {q.id: answers[q.id] for q in visible_questions(defn, answers)
            if q.id in answers and answers[q.id].complete}


def next_step(defn: Definition, answers: Answers) -> Step:
    """The first visible question without a complete answer, or Finished."""
    visible = visible_questions(defn, answers)
    for index, question in enumerate(visible):
        answer = answers.get(question.id)
        if answer is None or not answer.complete:
            return Ask(question=question, number=index + 1, total=len(visible), can_go_back=index > 0,
                       selected=_selected(answer))
    return Finished()


def apply(defn: Definition, answers: Answers, inp: Input) -> Outcome:
    """Apply one input. Never raises on bad input: it reports a problem and changes nothing."""
    step = next_step(defn, answers)
    if isinstance(step, Finished):
        return _refuse(answers, step, "finished")
    if isinstance(inp, Back):
        if not step.can_go_back:
            return _refuse(answers, step, "cannot_go_back")
        previous = visible_questions(defn, answers)[step.number - 2]
        return _change(defn, answers, {previous.id: None})
    try:
        answer = _answer_for(step, inp)
    except InputProblem as error:
        return _refuse(answers, step, error.problem)
    return _change(defn, answers, {step.question.id: answer})


def normalise(question: Question, text: str) -> str:
    """Typed text to the stored value for this question, or raise InputProblem."""
    cleaned = text.strip()
    if not cleaned:
        raise InputProblem("empty")
    if question.type == QuestionType.text:
        return cleaned[:TEXT_LIMIT]
    if question.type in NUMBER_RANGES:
        return _normalise_number(question, cleaned)
    if question.type == QuestionType.yesno:
        return _normalise_yes_no(cleaned)
    if question.type == QuestionType.choice:
        return _option_for(question, cleaned)
    return _normalise_several(question, cleaned)


def _answer_for(step: Ask, inp: Input) -> Answer:
    question = step.question
    is_multi = question.type == QuestionType.multi
    if isinstance(inp, Skip):
        return _skipped(question)
    if isinstance(inp, Reply):  # typed text is a whole answer, even over ticks on a multi-select
        return Answer(normalise(question, inp.text))
    if isinstance(inp, Choose) and not is_multi and question.type != QuestionType.text:
        if inp.value not in _button_values(question):
            raise InputProblem("stale_button")
        return Answer(inp.value)
    if isinstance(inp, Toggle) and is_multi:
        if inp.value not in question.option_values():
            raise InputProblem("stale_button")
        ticked = step.selected ^ {inp.value}
        return Answer(_join(question, ticked), complete=False)
    if isinstance(inp, Done) and is_multi:
        return Answer(_join(question, step.selected)) if step.selected else _skipped(question)
    raise InputProblem("stale_button")  # a button meant for another kind of question


def _skipped(question: Question) -> Answer:
    if question.required:
        raise InputProblem("required")
    return Answer(None, skipped=True)


def _change(defn: Definition, answers: Answers, changes: dict[str, Answer | None]) -> Outcome:
    """Apply changes, then forget answers to questions the change has hidden."""
    changes = dict(changes)
    new = dict(answers)
    for question_id, answer in changes.items():
        if answer is None:
            new.pop(question_id, None)
        else:
            new[question_id] = answer
    # A hidden question's old answer would otherwise be silently reused if it came back.
    still_visible = {q.id for q in visible_questions(defn, new)}
    for question in defn.questions:
        if question.id in new and question.id not in still_visible:
            del new[question.id]
            changes[question.id] = None
    return Outcome(answers=new, step=next_step(defn, new), changed=changes)


def _refuse(answers: Answers, step: Step, problem: str) -> Outcome:
    return Outcome(answers=dict(answers), step=step, problem=problem)


def _selected(answer: Answer | None) -> frozenset[str]:
    if answer is None or answer.value is None:
        return frozenset()
    return frozenset(answer.value.split(";"))


def _join(question: Question, values: set[str] | frozenset[str]) -> str | None:
    """Several option values in the definition's order, so equal choices store equally."""
    return ";".join(v for v in question.option_values() if v in values) or None


def button_values(question: Question) -> list[str]:
    """The values a question's answer buttons carry, in the order any channel shows them."""
    return _button_values(question)


def _button_values(question: Question) -> list[str]:
    if question.type in NUMBER_RANGES:
        low, high = NUMBER_RANGES[question.type]
        return [str(n) for n in range(low, high + 1)]
    return question.option_values()


def _simplify(text: str) -> str:
    return _TRAILING_PUNCTUATION.sub("", _EMOJI_MODIFIERS.sub("", text.strip().lower()))


def _normalise_number(question: Question, text: str) -> str:
    low, high = NUMBER_RANGES[question.type]
    simple = _simplify(text)
    if question.type == QuestionType.scale5:
        for value, face in SCALE5_FACES.items():
            if simple == face:
                return value
    match = _SCORE.fullmatch(simple)
    if not match:
        raise InputProblem("not_a_number")
    number_text, out_of = match.groups()
    number = int(number_text) if number_text.isdigit() else _NUMBER_WORDS.get(number_text)
    if number is None:
        raise InputProblem("not_a_number")
    if not low <= number <= high or (out_of is not None and int(out_of) != high):
        raise InputProblem("out_of_range")
    return str(number)


def _normalise_yes_no(text: str) -> str:
    simple = _simplify(text)
    if simple in _YES:
        return "yes"
    if simple in _NO:
        return "no"
    raise InputProblem("not_yes_or_no")


def _option_for(question: Question, text: str) -> str:
    """An option by its value, any of its labels, or its number in the list; or by a word or words
    from the middle of just one option's label ("school" for "School, college or work")."""
    simple = _simplify(text)
    within = set()
    for number, option in enumerate(question.options, start=1):
        labels = {_simplify(label) for label in option.label.all_languages()}
        if simple in {option.value, str(number)} | labels:
            return option.value
        if len(simple) >= 3 and any(re.search(rf"(?<!\w){re.escape(simple)}(?!\w)", label) for label in labels):
            within.add(option.value)
    if len(within) == 1:
        return within.pop()
    raise InputProblem("not_an_option")


def _normalise_several(question: Question, text: str) -> str:
    """A typed multi-select answer such as "1, 3", "1 3" or "school and home"."""
    try:
        return _option_for(question, text)
    except InputProblem:
        pass
    chosen = set()
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        try:
            chosen.add(_option_for(question, part))
        except InputProblem:
            chosen |= {_option_for(question, piece) for piece in re.split(r"\s+and\s+|&|\s+", part.strip())}
    if not chosen:
        raise InputProblem("empty")
    return _join(question, chosen)
