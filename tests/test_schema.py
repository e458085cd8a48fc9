"""Survey definitions: the shipped ones load, and every kind of mistake is named clearly."""

from __future__ import annotations

import textwrap

import pytest

from surveys.models import Audience
from surveys.schema import (DEFINITIONS_FOLDER, DefinitionError, QuestionType, Text, Trigger, check_files,
                            load_all, load_definition)

HEADER = """\
id: sample
version: 1
audience: young_person
title: Sample
intro: Hello
closing: Thanks
"""


def write(tmp_path, questions: str, name="sample.yaml", header=HEADER):
    path = tmp_path / name
    path.write_text(header + "questions:\n" + textwrap.indent(textwrap.dedent(questions), "  "))
    return path


def only_error_of(errors: list[DefinitionError]) -> DefinitionError:
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def only_error(path) -> DefinitionError:
    return only_error_of(check_files([path]))


# --- the shipped definitions ---------------------------------------------------------------

def test_shipped_definitions_all_load():
    definitions = load_all()
    assert set(definitions) == {"yp_start", "yp_exit", "parent_exit", "victim_checkin", "victim_followup", "yp_review",
                                "placement_feedback"}


def test_shipped_definitions_end_with_an_open_question():
    for definition in load_all().values():
        assert definition.questions[-1].type == QuestionType.text, definition.id


def test_start_review_and_exit_rate_the_same_journey_areas():
    definitions = load_all()
    areas = {survey: {q.area for q in definitions[survey].questions if q.area}
             for survey in ("yp_start", "yp_exit", "yp_review")}
    assert areas["yp_exit"] == areas["yp_review"] == areas["yp_start"]
    assert len(areas["yp_exit"]) >= 2


def test_victims_get_a_day_14_check_in_and_a_different_day_90_follow_up():
    definitions = load_all()
    checkin, followup = definitions["victim_checkin"], definitions["victim_followup"]
    for victim in (checkin, followup):
        assert victim.audience == Audience.victim
        assert victim.schedule.trigger == Trigger.restorative_closed
        assert [q.id for q in victim.questions if q.callback] == ["call_back"]
    assert (checkin.schedule.offsets, followup.schedule.offsets) == ([14], [90])
    asked_twice = ({q.text.get() for q in checkin.questions} & {q.text.get() for q in followup.questions})
    assert asked_twice == {"Would you like your victim worker to call you?"}  # only the offer of a call repeats
    assert "took_part_in" not in {q.id for q in checkin.questions}


def test_schedule_defaults():
    schedule = load_all()["placement_feedback"].schedule
    assert (schedule.trigger, schedule.reminders_days, schedule.expires_days) == (Trigger.manual, [2, 5], 14)


# --- texts ---------------------------------------------------------------------------------

def test_plain_string_is_english_and_other_languages_fall_back_to_it():
    text = Text.model_validate("Hello")
    assert text.get("en") == "Hello"
    assert text.get("cy") == "Hello"


def test_welsh_is_used_when_present():
    assert Text.model_validate({"en": "Hello", "cy": "Helo"}).get("cy") == "Helo"


# --- mistakes, each named with file and question -------------------------------------------

def test_unknown_type(tmp_path):
    path = write(tmp_path, """
        - id: mood
          type: slider
          text: How are you?
    """)
    error = only_error(path)
    assert (error.file, error.question_id) == (str(path), "mood")
    assert "unknown type 'slider'" in error.message


def test_duplicate_question_id(tmp_path):
    error = only_error(write(tmp_path, """
        - id: mood
          type: scale5
          text: How are you?
        - id: mood
          type: text
          text: Why?
    """))
    assert error.question_id == "mood"
    assert "unique" in error.message


def test_show_if_pointing_forward(tmp_path):
    error = only_error(write(tmp_path, """
        - id: why
          type: text
          text: Why?
          show_if: {question: mood, at_most: 2}
        - id: mood
          type: scale5
          text: How are you?
    """))
    assert error.question_id == "why"
    assert "comes later" in error.message


def test_show_if_pointing_at_itself(tmp_path):
    error = only_error(write(tmp_path, """
        - id: mood
          type: scale5
          text: How are you?
          show_if: {question: mood, at_most: 2}
    """))
    assert "itself" in error.message


def test_show_if_pointing_at_a_missing_question(tmp_path):
    error = only_error(write(tmp_path, """
        - id: why
          type: text
          text: Why?
          show_if: {question: ghost, answered: true}
    """))
    assert "'ghost', which is not a question" in error.message


def test_show_if_value_that_is_not_an_option(tmp_path):
    error = only_error(write(tmp_path, """
        - id: pet
          type: choice
          text: Cat or dog?
          options: [{value: cat, label: Cat}, {value: dog, label: Dog}]
        - id: why
          type: text
          text: Why?
          show_if: {question: pet, in: [fish]}
    """))
    assert error.question_id == "why"
    assert "'fish' is not an answer to pet" in error.message


def test_show_if_number_outside_the_scale(tmp_path):
    error = only_error(write(tmp_path, """
        - id: mood
          type: scale5
          text: How are you?
        - id: why
          type: text
          text: Why?
          show_if: {question: mood, at_least: 8}
    """))
    assert "between 1 and 5" in error.message


def test_show_if_at_most_on_a_question_without_numbers(tmp_path):
    error = only_error(write(tmp_path, """
        - id: ok
          type: yesno
          text: OK?
        - id: why
          type: text
          text: Why?
          show_if: {question: ok, at_most: 2}
    """))
    assert "need a scale5 or journey10 question" in error.message


def test_show_if_needs_exactly_one_condition(tmp_path):
    error = only_error(write(tmp_path, """
        - id: ok
          type: yesno
          text: OK?
        - id: why
          type: text
          text: Why?
          show_if: {question: ok}
    """))
    assert error.question_id == "why"
    assert "exactly one condition" in error.message


def test_empty_options(tmp_path):
    error = only_error(write(tmp_path, """
        - id: pet
          type: choice
          text: Cat or dog?
          options: []
    """))
    assert error.question_id == "pet"
    assert "non-empty list of options" in error.message


def test_options_on_a_type_that_takes_none(tmp_path):
    error = only_error(write(tmp_path, """
        - id: ok
          type: yesno
          text: OK?
          options: [{value: maybe, label: Maybe}]
    """))
    assert "takes no options" in error.message


def test_journey10_without_area(tmp_path):
    error = only_error(write(tmp_path, """
        - id: home
          type: journey10
          text: How is home?
    """))
    assert error.question_id == "home"
    assert "needs an 'area'" in error.message


def test_missing_english_text(tmp_path):
    error = only_error(write(tmp_path, """
        - id: ok
          type: yesno
          text: {cy: Iawn}
    """))
    assert error.question_id == "ok"
    assert "English text (en) is missing" in error.message


def test_missing_english_in_an_option_label(tmp_path):
    error = only_error(write(tmp_path, """
        - id: pet
          type: choice
          text: Cat or dog?
          options: [{value: cat, label: {cy: Cath}}]
    """))
    assert error.question_id == "pet"
    assert error.message.startswith("options.0.label:")


def test_misspelt_field(tmp_path):
    error = only_error(write(tmp_path, """
        - id: ok
          type: yesno
          text: OK?
          requird: true
    """))
    assert error.message == "requird: is not a field we know (check the spelling)"


def test_callback_only_on_yesno(tmp_path):
    error = only_error(write(tmp_path, """
        - id: why
          type: text
          text: Why?
          callback: true
    """))
    assert "only works on a yesno" in error.message


def test_survey_level_mistake_names_no_question(tmp_path):
    header = HEADER.replace("audience: young_person", "audience: judge")
    error = only_error(write(tmp_path, "- {id: ok, type: yesno, text: Is it OK}\n", header=header))
    assert error.question_id is None
    assert str(error).startswith(f"{tmp_path / 'sample.yaml'}: audience:")


def test_schedule_with_both_offset_forms(tmp_path):
    header = HEADER + "schedule: {trigger: review_date, offset_days: 0, offsets_days: [14]}\n"
    error = only_error(write(tmp_path, "- {id: ok, type: yesno, text: Is it OK}\n", header=header))
    assert "not both" in error.message


def test_invalid_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n")
    assert "not valid YAML" in only_error(path).message


def test_error_reads_file_question_problem(tmp_path):
    path = write(tmp_path, "- {id: mood, type: slider, text: Hi}\n")
    assert str(only_error(path)).startswith(f"{path}: question mood: type: unknown type")


def test_check_files_collects_every_error_across_files(tmp_path):
    first = write(tmp_path, """
        - {id: a, type: slider, text: A}
        - {id: b, type: choice, text: B, options: []}
    """, name="first.yaml")
    second = write(tmp_path, "- {id: c, type: journey10, text: C}\n", name="second.yaml")
    errors = check_files([first, second])
    assert [(e.file, e.question_id) for e in errors] == [(str(first), "a"), (str(first), "b"), (str(second), "c")]


def test_two_files_with_the_same_survey_id(tmp_path):
    first = write(tmp_path, "- {id: ok, type: yesno, text: Is it OK}\n", name="first.yaml")
    second = write(tmp_path, "- {id: ok, type: yesno, text: Is it OK}\n", name="second.yaml")
    error = only_error_of(check_files([first, second]))
    assert error.file == str(second)
    assert "already used by" in error.message


def test_load_definition_raises_the_error(tmp_path):
    path = write(tmp_path, "- {id: mood, type: slider, text: Hi}\n")
    with pytest.raises(DefinitionError) as raised:
        load_definition(path)
    assert raised.value.question_id == "mood"


def test_load_all_reads_another_folder(tmp_path):
    write(tmp_path, "- {id: ok, type: yesno, text: Is it OK}\n")
    assert list(load_all(tmp_path)) == ["sample"]


def test_shipped_folder_is_inside_the_package():
    assert (DEFINITIONS_FOLDER / "yp_exit.yaml").is_file()


def test_missing_file(tmp_path):
    assert "cannot read the file" in only_error(tmp_path / "nowhere.yaml").message


def test_file_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n")
    assert "should hold one survey" in only_error(path).message


def test_load_all_raises_for_a_broken_folder(tmp_path):
    write(tmp_path, "- {id: mood, type: slider, text: Hi}\n")
    with pytest.raises(DefinitionError):
        load_all(tmp_path)


def test_show_if_scores_may_be_written_as_numbers(tmp_path):
    path = write(tmp_path, """
        - {id: mood, type: scale5, text: How are you}
        - {id: why, type: text, text: Why, show_if: {question: mood, in: [1, 2]}}
    """)
    assert load_definition(path).questions[1].show_if.in_ == ["1", "2"]
