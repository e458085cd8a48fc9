"""How engine steps become Telegram messages, and button presses become inputs again."""

from __future__ import annotations

import pytest

from bot.render import Press, answered_text, button_values, parse_press, question_keyboard, question_text
from surveys import engine
from surveys.schema import load_all

DEFINITIONS = load_all()
YP_EXIT = DEFINITIONS["yp_exit"]


def _ask(definition, question_id, answers=None):
    answers = answers or {}
    step = engine.next_step(definition, answers)
    while step.question.id != question_id:  # skip forward to the question wanted
        answers = engine.apply(definition, answers, engine.Skip()).answers
        step = engine.next_step(definition, answers)
    return step, answers


def _keyboard(step, invitation_id=7):
    index = next(i for i, q in enumerate(YP_EXIT.questions) if q.id == step.question.id)
    markup = question_keyboard(step, invitation_id, index, "en")
    return [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]


def test_a_first_scale_question_has_faces_and_skip_but_no_back():
    step, _ = _ask(YP_EXIT, "overall")
    rows = _keyboard(step)
    assert rows == [[("😢 1", "a:7:0:0"), ("🙁 2", "a:7:0:1"), ("😐 3", "a:7:0:2"), ("🙂 4", "a:7:0:3"),
                     ("😄 5", "a:7:0:4")], [("Skip ⏭", "s:7:0")]]
    text = question_text(step, "en")
    assert text.startswith("Question 1 of 9\n<b>Overall, how was your time with us?</b>")


def test_a_later_question_offers_back_and_a_multi_select_shows_ticks():
    step, answers = _ask(YP_EXIT, "helped_with")
    ticked = engine.apply(YP_EXIT, answers, engine.Toggle("home"))
    rows = _keyboard(ticked.step)
    labels = [text for row in rows for text, _ in row]
    assert "✅ Home and family" in labels and "⬜ Feelings and worries" in labels
    assert rows[-2] == [("Done ✔️", "d:7:3")]
    assert rows[-1] == [("⬅️ Back", "b:7:3"), ("Skip ⏭", "s:7:3")]


def test_journey_questions_show_two_rows_of_five():
    step, _ = _ask(YP_EXIT, "feeling_ok")
    rows = _keyboard(step)
    assert [len(row) for row in rows[:2]] == [5, 5] and rows[1][-1][0] == "10"


def test_a_text_question_asks_them_to_type():
    step, _ = _ask(YP_EXIT, "anything_else")
    assert "Type your answer" in question_text(step, "en")
    assert [text for row in _keyboard(step) for text, _ in row] == ["⬅️ Back", "Skip ⏭"]


def test_answers_read_back_as_a_clean_record_with_markup_escaped():
    overall = YP_EXIT.questions[0]
    assert answered_text(overall, engine.Answer("4"), "en").endswith("✅ You said: 🙂 4")
    assert answered_text(overall, engine.Answer(None, skipped=True), "en").endswith("⏭ Skipped")
    helped = next(q for q in YP_EXIT.questions if q.id == "helped_with")
    assert "Home and family, Staying safe" in answered_text(helped, engine.Answer("home;staying_safe"), "en")
    text_question = next(q for q in YP_EXIT.questions if q.id == "anything_else")
    assert "<script>" not in answered_text(text_question, engine.Answer("<script>"), "en")


@pytest.mark.parametrize("data,press", [
    ("a:12:3:4", Press("choose", 12, 3, 4)),
    ("t:1:0:2", Press("toggle", 1, 0, 2)),
    ("d:5:6", Press("done", 5, 6)),
    ("s:5:6", Press("skip", 5, 6)),
    ("b:5:6", Press("back", 5, 6)),
])
def test_callback_data_round_trips(data, press):
    assert parse_press(data) == press


@pytest.mark.parametrize("data", [None, "", "a:1:2", "s:1:2:3", "x:1:2", "a:-1:2:3", "a:1:2:3:4", "consent:yes",
                                  "a:1:2:" + "9" * 50, "a:１:2:3", "a:" + "9" * 10 + ":2:3"])
def test_forged_or_malformed_callback_data_is_refused(data):
    assert parse_press(data) is None


def test_every_shipped_question_fits_telegrams_64_byte_callback_limit():
    for definition in DEFINITIONS.values():
        for index, question in enumerate(definition.questions):
            longest = f"a:{10**9 - 1}:{index}:{max(len(button_values(question)) - 1, 0)}"
            assert len(longest.encode()) <= 64
