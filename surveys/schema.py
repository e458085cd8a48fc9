"""Survey definitions: YAML files validated into pydantic models.

A definition is data, so staff can change wording or add a survey without code. Every
mistake in a file is reported with the file, the question id and what to fix, because
the person reading the error is often not a developer.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, RootModel, ValidationError,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from surveys.models import Audience, QuestionKind

DEFINITIONS_FOLDER = Path(__file__).parent / "definitions"
_SLUG = re.compile(r"[a-z][a-z0-9_]*")


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid id: use lowercase letters, digits and _, starting with a letter")
    return value


Slug = Annotated[str, Field(max_length=60), AfterValidator(_check_slug)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(RootModel[dict[str, str]]):
    """Wording in several languages, e.g. {en: "...", cy: "..."}; a plain string means English."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_english(cls, data: Any) -> Any:
        return {"en": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _english_is_required(self) -> Text:
        if not self.root.get("en", "").strip():
            raise ValueError("English text (en) is missing; every text needs it as the fallback")
        return self

    def get(self, lang: str = "en") -> str:
        return self.root.get(lang) or self.root["en"]

    def all_languages(self) -> list[str]:
        return list(self.root.values())


class QuestionType(StrEnum):
    scale5 = "scale5"  # 1-5, shown with faces
    choice = "choice"  # one option
    multi = "multi"  # several options, then Done
    yesno = "yesno"
    text = "text"  # free text
    journey10 = "journey10"  # 1-10 self-rating on a life area, asked at start and end


TYPES_WITH_OPTIONS = {QuestionType.choice, QuestionType.multi}
NUMBER_RANGES = {QuestionType.scale5: (1, 5), QuestionType.journey10: (1, 10)}
YES_NO = ("yes", "no")


class Option(_Strict):
    value: Slug
    label: Text


class ShowIf(_Strict):
    """Ask a question only when an earlier answer meets one condition."""

    question: Slug
    in_: list[str] | None = Field(default=None, alias="in", min_length=1)
    at_most: int | None = None
    at_least: int | None = None
    answered: Literal[True] | None = None

    @field_validator("in_", mode="before")
    @classmethod
    def _numbers_as_text(cls, values: Any) -> Any:
        # `in: [1, 2]` is a natural way to write scores; answers are stored as text.
        if isinstance(values, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]
        return values

    @model_validator(mode="after")
    def _exactly_one_kind_of_condition(self) -> ShowIf:
        kinds = [self.in_ is not None, self.at_most is not None or self.at_least is not None,
                 self.answered is not None]
        if sum(kinds) != 1:
            raise ValueError("show_if needs exactly one condition: 'in', 'at_most'/'at_least', or 'answered'")
        return self

    def holds(self, value: str | None, skipped: bool) -> bool:
        """Whether the condition is met by a complete answer to the earlier question."""
        if skipped or value is None:
            return False
        if self.answered:
            return True
        if self.in_ is not None:
            return any(part in self.in_ for part in value.split(";"))
        number = int(value)
        return ((self.at_most is None or number <= self.at_most)
                and (self.at_least is None or number >= self.at_least))


class Question(_Strict):
    id: Slug
    type: QuestionType
    text: Text
    help: Text | None = None
    options: list[Option] = []
    required: bool = False
    show_if: ShowIf | None = None
    callback: bool = False  # on a yesno: "yes" means the person wants a call back
    contact_on: list[str] = []  # on a choice: answers that ask the victim worker to get in touch now
    area: Slug | None = None  # on a journey10: the life area rated, paired across surveys
    asks: QuestionKind | None = None  # on a text: how to read its answers

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: Any) -> Any:
        if value not in set(QuestionType):
            raise ValueError(f"unknown type {value!r}; use one of: {', '.join(QuestionType)}")
        return value

    @model_validator(mode="after")
    def _fields_fit_the_type(self) -> Question:
        if self.type in TYPES_WITH_OPTIONS and not self.options:
            raise ValueError(f"a {self.type} question needs a non-empty list of options")
        if self.type not in TYPES_WITH_OPTIONS and self.options:
            raise ValueError(f"a {self.type} question takes no options (only choice and multi do)")
        values = [option.value for option in self.options]
        if len(values) != len(set(values)):
            raise ValueError("two options have the same value")
        if self.type == QuestionType.journey10 and not self.area:
            raise ValueError("a journey10 question needs an 'area' (e.g. getting_on_at_home)")
        if self.type != QuestionType.journey10 and self.area:
            raise ValueError("only journey10 questions take an 'area'")
        if self.asks and self.type != QuestionType.text:
            raise ValueError("'asks' only works on a text question")
        if self.callback and self.type != QuestionType.yesno:
            raise ValueError("'callback' only works on a yesno question")
        unknown = set(self.contact_on) - set(values)
        if self.contact_on and self.type != QuestionType.choice:
            raise ValueError("'contact_on' only works on a choice question")
        if unknown:
            raise ValueError(f"'contact_on' names options this question does not have: {', '.join(sorted(unknown))}")
        return self

    def option_values(self) -> list[str]:
        if self.type == QuestionType.yesno:
            return list(YES_NO)
        return [option.value for option in self.options]


class Trigger(StrEnum):
    intervention_start = "intervention_start"  # the baseline for distance travelled
    intervention_end = "intervention_end"
    review_date = "review_date"
    restorative_closed = "restorative_closed"
    manual = "manual"


class Schedule(_Strict):
    trigger: Trigger
    offset_days: int | None = None
    offsets_days: list[int] | None = Field(default=None, min_length=1)
    reminders_days: list[Annotated[int, Field(ge=1)]] = [2, 5]
    expires_days: int = Field(default=14, ge=1)

    @model_validator(mode="after")
    def _offsets_make_sense(self) -> Schedule:
        if self.offset_days is not None and self.offsets_days is not None:
            raise ValueError("give either offset_days or offsets_days, not both")
        if self.trigger == Trigger.manual and (self.offset_days is not None or self.offsets_days):
            raise ValueError("a manual survey is sent by staff, so it takes no offset")
        if any(day >= self.expires_days for day in self.reminders_days):
            raise ValueError("every reminder must come before the survey expires (expires_days)")
        return self

    @property
    def offsets(self) -> list[int]:
        """Days after the trigger date when the survey falls due; one per occasion."""
        if self.offsets_days is not None:
            return list(self.offsets_days)
        return [self.offset_days or 0]


class Definition(_Strict):
    id: Slug
    version: int = Field(ge=1)
    audience: Audience
    title: Text
    intro: Text
    closing: Text
    schedule: Schedule | None = None
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _questions_fit_together(self) -> Definition:
        problems = _cross_question_problems(self.questions)
        if problems:
            summary = "; ".join(f"question {qid}: {message}" for qid, message in problems)
            # The problems travel in the error's context so the loader can report each one.
            raise PydanticCustomError("questions_do_not_fit", "{summary}",
                                      {"summary": summary, "problems": problems})
        return self


def _cross_question_problems(questions: list[Question]) -> list[tuple[str, str]]:
    """Rules that need more than one question: unique ids and areas, show_if looking back."""
    all_ids = {q.id for q in questions}
    earlier: dict[str, Question] = {}
    areas: dict[str, str] = {}
    problems = []
    for q in questions:
        if q.id in earlier:
            problems.append((q.id, "this id is used by an earlier question too; ids must be unique"))
        if q.area in areas:
            problems.append((q.id, f"area {q.area!r} is already rated by question {areas[q.area]}"))
        if q.show_if:
            problem = _show_if_problem(q, earlier, all_ids)
            if problem:
                problems.append((q.id, problem))
        earlier.setdefault(q.id, q)
        if q.area:
            areas.setdefault(q.area, q.id)
    return problems


def _show_if_problem(q: Question, earlier: dict[str, Question], all_ids: set[str]) -> str | None:
    show_if = q.show_if
    target_id = show_if.question
    if target_id == q.id:
        return "show_if points at the question itself; it can only look at earlier questions"
    if target_id not in all_ids:
        return f"show_if points at {target_id!r}, which is not a question in this survey"
    if target_id not in earlier:
        return f"show_if points at {target_id!r}, which comes later; it can only look at earlier questions"
    target = earlier[target_id]
    if show_if.in_ is not None:
        return _show_if_values_problem(show_if.in_, target)
    if show_if.at_most is not None or show_if.at_least is not None:
        if target.type not in NUMBER_RANGES:
            return f"at_most/at_least need a scale5 or journey10 question, but {target_id} is {target.type}"
        low, high = NUMBER_RANGES[target.type]
        if any(n is not None and not low <= n <= high for n in (show_if.at_most, show_if.at_least)):
            return f"at_most/at_least must be between {low} and {high} for a {target.type} question"
    return None


def _show_if_values_problem(values: list[str], target: Question) -> str | None:
    if target.type == QuestionType.text:
        return f"{target.id} is a text question; use 'answered: true' instead of 'in'"
    if target.type in NUMBER_RANGES:
        low, high = NUMBER_RANGES[target.type]
        allowed = [str(n) for n in range(low, high + 1)]
    else:
        allowed = target.option_values()
    wrong = [value for value in values if value not in allowed]
    if wrong:
        return (f"show_if value {', '.join(map(repr, wrong))} is not an answer to {target.id} "
                f"(it can be: {', '.join(allowed)})")
    return None


class DefinitionError(Exception):
    """A mistake in a definition file, said so that whoever edits the YAML can fix it."""

    def __init__(self, file: str | Path, question_id: str | None, message: str):
        super().__init__(file, question_id, message)
        self.file = str(file)
        self.question_id = question_id
        self.message = message

    def __str__(self) -> str:
        where = f"question {self.question_id}: " if self.question_id else ""
        return f"{self.file}: {where}{self.message}"


def load_definition(path: str | Path) -> Definition:
    """Read and validate one file; raises the first DefinitionError found."""
    definition, errors = _read(Path(path))
    if errors:
        raise errors[0]
    return definition


def load_all(folder: str | Path | None = None) -> dict[str, Definition]:
    """Every definition in a folder (the shipped ones by default), by survey id."""
    paths = sorted(Path(folder or DEFINITIONS_FOLDER).glob("*.yaml"))
    errors = check_files(paths)
    if errors:
        raise errors[0]
    return {d.id: d for d in map(load_definition, paths)}


def check_files(paths: list[str | Path]) -> list[DefinitionError]:
    """All the mistakes in all the files, so one run shows everything to fix."""
    errors: list[DefinitionError] = []
    first_file_for_id: dict[str, Path] = {}
    for path in map(Path, paths):
        definition, file_errors = _read(path)
        errors += file_errors
        if definition is None:
            continue
        if definition.id in first_file_for_id:
            errors.append(DefinitionError(path, None, f"survey id {definition.id!r} is already used by "
                                                      f"{first_file_for_id[definition.id]}"))
        first_file_for_id.setdefault(definition.id, path)
    return errors


def _read(path: Path) -> tuple[Definition | None, list[DefinitionError]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        return None, [DefinitionError(path, None, f"cannot read the file ({error.strerror})")]
    except yaml.YAMLError as error:
        return None, [DefinitionError(path, None, f"this is not valid YAML: {error}")]
    if not isinstance(data, dict):
        return None, [DefinitionError(path, None, "the file should hold one survey: a mapping with id, questions ...")]
    try:
        return Definition.model_validate(data), []
    except ValidationError as error:
        return None, [e for detail in error.errors() for e in _explain(path, data, detail)]


def _explain(path: Path, data: dict, detail: dict) -> list[DefinitionError]:
    """Turn one pydantic error into errors naming the question, not a list index."""
    if detail["type"] == "questions_do_not_fit":
        return [DefinitionError(path, qid, message) for qid, message in detail["ctx"]["problems"]]
    loc = list(detail["loc"])
    question_id = None
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        question_id = _raw_question_id(data, loc[1])
        loc = loc[2:]
    message = _plain_message(detail)
    field = ".".join(str(part) for part in loc)
    return [DefinitionError(path, question_id, f"{field}: {message}" if field else message)]


def _raw_question_id(data: dict, index: int) -> str:
    raw = data["questions"][index]
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return raw["id"]
    return f"number {index + 1} (no id)"


def _plain_message(detail: dict) -> str:
    if detail["type"] == "extra_forbidden":
        return "is not a field we know (check the spelling)"
    if detail["type"] == "missing":
        return "is missing"
    return detail["msg"].removeprefix("Value error, ")
