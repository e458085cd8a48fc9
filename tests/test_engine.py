"""The survey engine: normalising what people type, branching, skip, back and resume."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.engine import (SCALE5_FACES, TEXT_LIMIT, Answer, Ask, Back, Choose, Done, Finished, InputProblem,
                            Reply, Skip, Toggle, apply, next_step, normalise, visible_answers,
                            visible_questions)
from surveys.schema import NUMBER_RANGES, Definition, Question, QuestionType, load_all

SHIPPED = load_all()


def question(type_: str, **fields) -> Question:
    return Question.model_validate({"id": "q", "type": type_, "text": "Question?", **fields})


PETS = question("choice", options=[{"value": "cat", "label": "Cat"}, {"value": "big_dog", "label": "Big dog"}])
HELPED = question("multi", options=[{"value": "school", "label": "School"},
                                    {"value": "home", "label": "Home and family"},
                                    {"value": "feelings", "label": "Feelings"}])


def survey(*questions: dict) -> Definition:
    return Definition.model_validate({"id": "s", "version": 1, "audience": "young_person", "title": "T",
                                      "intro": "Hi", "closing": "Bye", "questions": list(questions)})


MOOD_THEN_WHY = survey(
    {"id": "mood", "type": "scale5", "text": "How was it?"},
    {"id": "why", "type": "text", "text": "What could be better?", "show_if": {"question": "mood", "at_most": 2}},
    {"id": "ok", "type": "yesno", "text": "OK?", "required": True},
    {"id": "end", "type": "text", "text": "Anything else?"},
)


def run(defn: Definition, *inputs) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for inp in inputs:
        outcome = apply(defn, answers, inp)
        assert outcome.problem is None, (inp, outcome.problem)
        answers = outcome.answers
    return answers


def current_id(defn: Definition, answers) -> str | None:
    step = next_step(defn, answers)
    return step.question.id if isinstance(step, Ask) else None


# --- normalise -----------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["4", " 4 ", "four", "Four", "4/5", "4 / 5", "4 out of 5", "4.", SCALE5_FACES["4"]])
def test_scale5_accepts(typed):
    assert normalise(question("scale5"), typed) == "4"


@pytest.mark.parametrize("value,face", SCALE5_FACES.items())
def test_scale5_accepts_each_face(value, face):
    assert normalise(question("scale5"), face) == value


@pytest.mark.parametrize("typed,problem", [("6", "out_of_range"), ("0", "out_of_range"), ("seven", "out_of_range"),
                                           ("4/10", "out_of_range"), ("good", "not_a_number"), ("3.5", "not_a_number"),
                                           ("😎", "not_a_number"), ("", "empty"), ("   ", "empty")])
def test_scale5_refuses(typed, problem):
    with pytest.raises(InputProblem) as raised:
        normalise(question("scale5"), typed)
    assert raised.value.problem == problem


@pytest.mark.parametrize("typed,value", [("7", "7"), ("seven", "7"), ("10/10", "10"), ("1", "1"), ("ten!", "10")])
def test_journey10_accepts(typed, value):
    assert normalise(question("journey10", area="home"), typed) == value


@pytest.mark.parametrize("typed,problem", [("11", "out_of_range"), ("0", "out_of_range"), ("7/5", "out_of_range"),
                                           ("lots", "not_a_number"), (SCALE5_FACES["4"], "not_a_number")])
def test_journey10_refuses(typed, problem):
    with pytest.raises(InputProblem) as raised:
        normalise(question("journey10", area="home"), typed)
    assert raised.value.problem == problem


@pytest.mark.parametrize("typed", ["y", "yes", "YES", "Yeah", "yep", "yh", "ya", "sure", "ok", "OK!", "yes.", "👍",
                                   "👍🏽"])
def test_yes(typed):
    assert normalise(question("yesno"), typed) == "yes"


@pytest.mark.parametrize("typed", ["n", "no", "No!", "nah", "nope", "naw", "👎", "NO..."])
def test_no(typed):
    assert normalise(question("yesno"), typed) == "no"


def test_yesno_refuses_maybe():
    with pytest.raises(InputProblem) as raised:
        normalise(question("yesno"), "maybe")
    assert raised.value.problem == "not_yes_or_no"


@pytest.mark.parametrize("typed", ["big_dog", "Big dog", "BIG DOG", "big dog.", "2"])
def test_choice_accepts_value_label_or_number(typed):
    assert normalise(PETS, typed) == "big_dog"


@pytest.mark.parametrize("typed", ["3", "0", "fish"])
def test_choice_refuses_what_is_not_listed(typed):
    with pytest.raises(InputProblem) as raised:
        normalise(PETS, typed)
    assert raised.value.problem == "not_an_option"


def test_choice_accepts_a_welsh_label():
    welsh = question("choice", options=[{"value": "cat", "label": {"en": "Cat", "cy": "Cath"}}])
    assert normalise(welsh, "cath") == "cat"


@pytest.mark.parametrize("typed", ["1, 3", "1 3", "3,1", "school and feelings", "School; 3"])
def test_multi_accepts_several_in_definition_order(typed):
    assert normalise(HELPED, typed) == "school;feelings"


def test_multi_accepts_a_label_containing_and():
    assert normalise(HELPED, "home and family") == "home"


@pytest.mark.parametrize("typed, expected", [("family", "home"), ("Family!", "home"), ("dog", "big_dog"),
                                             ("school and family", "school;home")])
def test_a_word_from_just_one_label_picks_that_option(typed, expected):
    assert normalise(HELPED if ";" in expected or expected == "home" else PETS, typed) == expected


def test_a_real_label_with_a_comma_is_read_whole_or_by_its_words():
    helped = question("multi", options=[{"value": "school_or_work", "label": "School, college or work"},
                                        {"value": "home", "label": "Home and family"}])
    assert normalise(helped, "school") == "school_or_work"
    assert normalise(helped, "college, family") == "school_or_work;home"
    assert normalise(helped, "School, college or work") == "school_or_work"


@pytest.mark.parametrize("typed", ["an", "and", "o"])
def test_a_word_in_several_labels_or_too_short_is_not_guessed(typed):
    both = question("choice", options=[{"value": "a", "label": "Home and school"}, {"value": "b", "label": "Friends and family"}])
    with pytest.raises(InputProblem) as raised:
        normalise(both, typed)
    assert raised.value.problem == "not_an_option"


def test_multi_refuses_anything_unknown():
    with pytest.raises(InputProblem) as raised:
        normalise(HELPED, "1, football")
    assert raised.value.problem == "not_an_option"


def test_text_is_stripped_and_nothing_else():
    assert normalise(question("text"), "  She listened.\n  Really!  ") == "She listened.\n  Really!"


def test_text_keeps_a_whole_telegram_message():
    longest = "a" * TEXT_LIMIT
    assert normalise(question("text"), longest + "b") == longest


# --- stepping through ----------------------------------------------------------------------

def test_first_step_asks_the_first_question():
    step = next_step(MOOD_THEN_WHY, {})
    assert (step.question.id, step.number, step.total, step.can_go_back) == ("mood", 1, 3, False)


def test_low_score_reveals_the_follow_up():
    answers = run(MOOD_THEN_WHY, Reply("2"))
    step = next_step(MOOD_THEN_WHY, answers)
    assert (step.question.id, step.number, step.total) == ("why", 2, 4)


def test_high_score_goes_straight_on():
    assert current_id(MOOD_THEN_WHY, run(MOOD_THEN_WHY, Choose("5"))) == "ok"


def test_whole_survey_finishes():
    answers = run(MOOD_THEN_WHY, Reply("1"), Reply("too slow"), Reply("yes"), Skip())
    assert isinstance(next_step(MOOD_THEN_WHY, answers), Finished)
    assert answers["why"] == Answer("too slow")
    assert answers["end"] == Answer(None, skipped=True)


def test_outcome_says_what_to_store():
    outcome = apply(MOOD_THEN_WHY, {}, Reply("three"))
    assert outcome.changed == {"mood": Answer("3")}


def test_input_is_never_mutated():
    answers = {"mood": Answer("3")}
    apply(MOOD_THEN_WHY, answers, Reply("no"))
    assert answers == {"mood": Answer("3")}


def test_problem_leaves_answers_unchanged():
    answers = {"mood": Answer("3")}
    outcome = apply(MOOD_THEN_WHY, answers, Reply("perhaps"))
    assert (outcome.problem, outcome.answers, outcome.changed) == ("not_yes_or_no", answers, {})
    assert outcome.step == next_step(MOOD_THEN_WHY, answers)


def test_skip_stores_an_explicit_skip():
    assert apply(MOOD_THEN_WHY, {}, Skip()).changed == {"mood": Answer(None, skipped=True)}


def test_skipped_score_does_not_reveal_the_follow_up():
    assert current_id(MOOD_THEN_WHY, run(MOOD_THEN_WHY, Skip())) == "ok"


def test_required_question_cannot_be_skipped():
    outcome = apply(MOOD_THEN_WHY, run(MOOD_THEN_WHY, Reply("4")), Skip())
    assert outcome.problem == "required"


def test_back_asks_the_previous_question_again():
    answers = run(MOOD_THEN_WHY, Reply("4"))
    outcome = apply(MOOD_THEN_WHY, answers, Back())
    assert outcome.changed == {"mood": None}
    assert current_id(MOOD_THEN_WHY, outcome.answers) == "mood"


def test_back_on_the_first_question():
    assert apply(MOOD_THEN_WHY, {}, Back()).problem == "cannot_go_back"


def test_back_skips_over_hidden_questions():
    answers = run(MOOD_THEN_WHY, Reply("4"), Reply("yes"), Back())
    assert current_id(MOOD_THEN_WHY, answers) == "ok"


def test_going_back_forgets_ticks_on_a_question_it_hides():
    defn = survey({"id": "pet", "type": "choice", "text": "Pet?", "options": [{"value": "cat", "label": "Cat"},
                                                                             {"value": "dog", "label": "Dog"}]},
                  {"id": "walks", "type": "multi", "text": "When do you walk?",
                   "show_if": {"question": "pet", "in": ["dog"]},
                   "options": [{"value": "morning", "label": "Morning"}, {"value": "evening", "label": "Evening"}]})
    answers = run(defn, Choose("dog"), Toggle("morning"))
    outcome = apply(defn, answers, Back())
    assert outcome.changed == {"pet": None, "walks": None}
    assert outcome.answers == {}


def test_hidden_answers_are_not_counted():
    answers = {"mood": Answer("5"), "why": Answer("old")}
    assert visible_answers(MOOD_THEN_WHY, answers) == {"mood": Answer("5")}


def test_input_after_the_end():
    answers = run(MOOD_THEN_WHY, Reply("4"), Reply("no"), Skip())
    assert apply(MOOD_THEN_WHY, answers, Reply("hello")).problem == "finished"


def test_stale_button_for_another_question():
    assert apply(MOOD_THEN_WHY, {}, Choose("yes")).problem == "stale_button"


def test_toggle_on_a_question_that_is_not_multi():
    assert apply(MOOD_THEN_WHY, {}, Toggle("4")).problem == "stale_button"


# --- multi-select --------------------------------------------------------------------------

MULTI = survey({"id": "helped", "type": "multi", "text": "What helped?",
                "options": [{"value": "school", "label": "School"}, {"value": "home", "label": "Home"}]},
               {"id": "end", "type": "text", "text": "Anything else?"})


def test_ticks_are_kept_until_done():
    answers = run(MULTI, Toggle("home"), Toggle("school"))
    step = next_step(MULTI, answers)
    assert (step.question.id, step.selected) == ("helped", {"home", "school"})
    assert answers["helped"] == Answer("school;home", complete=False)


def test_untick():
    answers = run(MULTI, Toggle("home"), Toggle("school"), Toggle("home"))
    assert next_step(MULTI, answers).selected == {"school"}


def test_done_completes_the_ticks():
    answers = run(MULTI, Toggle("home"), Done())
    assert answers["helped"] == Answer("home")
    assert current_id(MULTI, answers) == "end"


def test_done_with_nothing_ticked_is_a_skip():
    assert run(MULTI, Done())["helped"] == Answer(None, skipped=True)


def test_done_with_nothing_ticked_on_a_required_multi():
    required = survey({"id": "helped", "type": "multi", "text": "What helped?", "required": True,
                       "options": [{"value": "school", "label": "School"}]})
    assert apply(required, {}, Done()).problem == "required"


def test_toggle_of_an_unknown_option():
    assert apply(MULTI, {}, Toggle("football")).problem == "stale_button"


def test_typed_multi_answer_is_complete():
    assert run(MULTI, Reply("1, 2"))["helped"] == Answer("school;home")


def test_show_if_in_looks_at_every_ticked_option():
    defn = survey({"id": "helped", "type": "multi", "text": "What helped?",
                   "options": [{"value": "school", "label": "School"}, {"value": "home", "label": "Home"}]},
                  {"id": "home_more", "type": "text", "text": "Tell us more about home",
                   "show_if": {"question": "helped", "in": ["home"]}})
    assert current_id(defn, run(defn, Toggle("school"), Toggle("home"), Done())) == "home_more"


def test_answered_condition():
    defn = survey({"id": "worry", "type": "text", "text": "Any worries?"},
                  {"id": "tell_worker", "type": "yesno", "text": "Shall we tell your worker?",
                   "show_if": {"question": "worry", "answered": True}})
    assert isinstance(next_step(defn, run(defn, Skip())), Finished)
    assert current_id(defn, run(defn, Reply("exams"))) == "tell_worker"


# --- resume --------------------------------------------------------------------------------

def test_resume_from_stored_answers_gives_the_same_step():
    answers = run(SHIPPED["victim_checkin"], Reply("4"), Choose("3"), Reply("safer"), Toggle("talk"))
    stored = {qid: Answer(a.value, a.skipped, a.complete) for qid, a in answers.items()}
    assert next_step(SHIPPED["victim_checkin"], stored) == next_step(SHIPPED["victim_checkin"], answers)


# --- properties over the shipped surveys ---------------------------------------------------

def _button_values(defn: Definition) -> list[str]:
    values = {"yes", "no", *map(str, range(0, 12))}
    for q in defn.questions:
        values.update(q.option_values())
    return sorted(values)


def inputs_for(defn: Definition):
    texts = st.one_of(st.text(max_size=30), st.sampled_from(["4", "seven", "yes", "nah", "1, 2", "😄", "10/10"]))
    values = st.one_of(st.sampled_from(_button_values(defn)), st.text(max_size=10))
    return st.lists(st.one_of(texts.map(Reply), values.map(Choose), values.map(Toggle),
                              st.just(Done()), st.just(Skip()), st.just(Back())), max_size=40)


def assert_valid(defn: Definition, answers: dict[str, Answer]) -> None:
    questions = {q.id: q for q in defn.questions}
    for qid, answer in answers.items():
        q = questions[qid]
        if answer.skipped:
            assert answer.value is None and answer.complete and not q.required
        elif not answer.complete:
            assert q.type == QuestionType.multi
            assert answer.value is None or set(answer.value.split(";")) <= set(q.option_values())
        elif q.type in NUMBER_RANGES:
            low, high = NUMBER_RANGES[q.type]
            assert low <= int(answer.value) <= high and answer.value == str(int(answer.value))
        elif q.type == QuestionType.text:
            assert 0 < len(answer.value) <= TEXT_LIMIT and answer.value == answer.value.strip()
        elif q.type == QuestionType.multi:
            assert answer.value and set(answer.value.split(";")) <= set(q.option_values())
        else:
            assert answer.value in q.option_values()


def replay(defn: Definition, inputs) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for inp in inputs:
        outcome = apply(defn, answers, inp)
        assert outcome.step == next_step(defn, outcome.answers)
        answers = outcome.answers
    return answers


@pytest.mark.parametrize("survey_id", sorted(SHIPPED))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_inputs_leave_a_valid_state(survey_id, data):
    defn = SHIPPED[survey_id]
    answers = replay(defn, data.draw(inputs_for(defn)))
    assert_valid(defn, answers)


@pytest.mark.parametrize("survey_id", sorted(SHIPPED))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_changes_rebuild_the_answers(survey_id, data):
    """Writing only `changed` to a store gives the same answers, so the store can follow along."""
    defn = SHIPPED[survey_id]
    stored: dict[str, Answer] = {}
    answers: dict[str, Answer] = {}
    for inp in data.draw(inputs_for(defn)):
        outcome = apply(defn, answers, inp)
        for qid, answer in outcome.changed.items():
            if answer is None:
                stored.pop(qid, None)
            else:
                stored[qid] = answer
        answers = outcome.answers
        assert stored == answers


@pytest.mark.parametrize("survey_id", sorted(SHIPPED))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_finished_survey_has_every_visible_question_answered_or_skipped(survey_id, data):
    defn = SHIPPED[survey_id]
    # Keep answering with a valid button or a skip until the end, after some random input.
    answers = replay(defn, data.draw(inputs_for(defn)))
    while isinstance(step := next_step(defn, answers), Ask):
        answers = apply(defn, answers, data.draw(_valid_input(step))).answers
    visible = visible_answers(defn, answers)
    for q in visible_questions(defn, answers):
        assert q.id in visible and (visible[q.id].skipped or visible[q.id].value)


def _valid_input(step: Ask):
    q = step.question
    if q.type in NUMBER_RANGES:
        low, high = NUMBER_RANGES[q.type]
        answer = st.integers(low, high).map(str).map(Choose)
    elif q.type == QuestionType.text:
        answer = st.text(min_size=1).filter(str.strip).map(Reply)
    elif q.type == QuestionType.multi:
        answer = st.sampled_from(q.option_values()).map(Reply)
    else:
        answer = st.sampled_from(q.option_values()).map(Choose)
    return st.one_of(answer, st.just(Skip()))


@pytest.mark.parametrize("survey_id", sorted(SHIPPED))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_replaying_from_stored_answers_gives_the_same_step(survey_id, data):
    defn = SHIPPED[survey_id]
    before = data.draw(inputs_for(defn))
    after = data.draw(inputs_for(defn))
    straight = replay(defn, before + after)
    resumed = replay_from(defn, replay(defn, before), after)
    assert resumed == straight
    assert next_step(defn, resumed) == next_step(defn, straight)


def replay_from(defn: Definition, answers: dict[str, Answer], inputs) -> dict[str, Answer]:
    # A fresh copy, as if read back from the database after a restart.
    answers = {qid: Answer(a.value, a.skipped, a.complete) for qid, a in answers.items()}
    for inp in inputs:
        answers = apply(defn, answers, inp).answers
    return answers
