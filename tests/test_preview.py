"""The staff terminal preview, driven through injected input and output."""

from __future__ import annotations

from bot.preview import run_preview
from bot.texts import TEXTS, problem_text, t
from surveys.engine import Answer
from surveys.schema import Question, load_all

SURVEYS = load_all()


def preview(survey_id: str, *typed: str, lang: str = "en") -> tuple[str, dict[str, Answer]]:
    lines = iter(typed)
    output: list[str] = []
    answers = run_preview(SURVEYS[survey_id], lambda prompt: next(lines, None), output.append, lang=lang)
    return "\n".join(output), answers


def test_shows_intro_questions_closing_and_summary():
    output, answers = preview("yp_review", "4", "seven", "skip", "10/10", "My worker was great")
    review = SURVEYS["yp_review"]
    assert review.intro.get() in output
    assert "Question 1 of 5" in output and "😄" in output
    assert output.index(review.closing.get()) < output.index("Answers:")
    assert "  4 🙂" in output and "  (skipped)" in output and "  My worker was great" in output
    assert answers["feeling_ok"] == Answer("7")


def test_numbered_options_and_labels_in_the_summary():
    output, _ = preview("parent_exit", "5", "5", "y", "2", "1", "skip", "skip")
    assert "  2. A bit" in output
    assert "- How much were you involved in the plans for your child?\n  A bit" in output


def test_kind_message_names_the_range_of_the_question():
    output, _ = preview("yp_review", "4", "11")
    assert "That number is not on this scale. Please pick from 1 to 10." in output


def test_back_asks_again():
    output, answers = preview("yp_review", "4", "back", "2")
    assert output.count("How is it going with the team so far?") == 2
    assert answers == {"going_so_far": Answer("2")}


def test_back_on_the_first_question_is_explained():
    output, _ = preview("yp_review", "back")
    assert t("problem.cannot_go_back") in output


def test_quit_stops_without_a_summary():
    output, answers = preview("yp_review", "3", "quit")
    assert "Preview stopped." in output and "Answers:" not in output
    assert answers == {"going_so_far": Answer("3")}


def test_end_of_input_stops_like_quit():
    output, _ = preview("yp_review")
    assert "Preview stopped." in output


def test_low_score_shows_the_follow_up_and_call_back_is_flagged():
    output, _ = preview("victim_checkin", "1", "3", "safer", "4", "They never rang", "yes", "skip")
    assert "What could we have done better?" in output
    assert "Yes (would like a call back)" in output


def test_the_welsh_preview_is_in_welsh_from_title_to_summary():
    output, _ = preview("yp_review", "3", "skip", "skip", "skip", "skip", lang="cy")
    assert "Sut mae pethau'n mynd?" in output and "Cwestiwn 1 o 5" in output  # title and counter
    assert "Question" not in output and "Send a number" not in output
    assert "Atebion:" in output and "(wedi'i hepgor)" in output


def test_every_problem_key_has_wording():
    choice = Question.model_validate({"id": "q", "type": "choice", "text": "Which?",
                                      "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]})
    keys = ["not_a_number", "out_of_range", "not_an_option", "not_yes_or_no", "required", "empty", "finished",
            "cannot_go_back", "stale_button"]
    assert all(problem_text(key, choice) for key in keys)
    assert "1 to 2" in problem_text("not_an_option", choice)


def test_a_word_not_in_a_pick_all_list_is_answered_without_numbers_the_buttons_do_not_show():
    ticks = Question.model_validate({"id": "q", "type": "multi", "text": "Which?",
                                     "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]})
    assert "tap all that fit, then tap Done" in problem_text("not_an_option", ticks)
    assert "number" not in problem_text("not_an_option", ticks) and "Wedi gorffen" in problem_text("not_an_option", ticks, "cy")
    assert "1 to 2" in problem_text("not_an_option", ticks, numbered=True)  # the text-only preview numbers them


def test_missing_language_or_key_falls_back_to_english():
    TEXTS["xx"] = {"preview.yesno": "Send ja or nein."}
    try:
        assert t("preview.yesno", "xx") == "Send ja or nein."
        assert t("preview.text", "xx") == t("preview.text")
    finally:
        del TEXTS["xx"]
