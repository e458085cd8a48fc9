import pytest

from analysis.evaluate import DATASETS, evaluate, ours, plain_textblob, read_labelled
from analysis.sentiment import LEXICON_PATH, LexiconError, load_lexicon, score


@pytest.mark.parametrize("text, expected", [
    ("not bad", "positive"),
    ("couldn't fault them", "positive"),
    ("wasn't helpful", "negative"),
    ("they never listened", "negative"),
    ("the trips were sick", "positive"),
    ("it was peak", "negative"),
    ("bare long", "negative"),
    ("rly gd", "positive"),
    ("👍", "positive"),
    ("💩", "negative"),
    ("ok", "neutral"),
    ("it was calm", "neutral"),
])
def test_reads_negation_slang_text_speak_and_emoji(text, expected):
    assert score(text).label == expected


@pytest.mark.parametrize("text, question_kind, expected", [
    ("nothing", None, "neutral"),
    ("nothing", "improve", "positive"),
    ("nothing", "good", "negative"),
    ("everything", "improve", "negative"),
    ("everything", "good", "positive"),
    ("more football", "improve", "neutral"),
    ("more football", None, "neutral"),
])
def test_the_question_decides_what_short_answers_mean(text, question_kind, expected):
    assert score(text, question_kind).label == expected


def test_score_is_bounded_and_explained():
    result = score("dead good 👍👍 10/10 amazing")
    assert result.label == "positive"
    assert 0.1 < result.score <= 1
    assert any("10/10" in reason for reason in result.reasons)


def test_negation_is_named_in_the_reasons():
    assert any("negated" in reason for reason in score("never listened").reasons)


def test_rejects_an_unknown_question_kind():
    with pytest.raises(ValueError, match="question_kind"):
        score("fine", "best_bit")


def test_beats_plain_textblob_on_the_holdout_by_a_clear_margin():
    answers = read_labelled(DATASETS["holdout"])
    heard, plain = evaluate(answers, ours), evaluate(answers, plain_textblob)
    assert heard.n >= 80
    assert heard.accuracy >= plain.accuracy + 0.3
    assert heard.macro_f1 >= plain.macro_f1 + 0.3
    assert heard.accuracy >= 0.8


def test_labelled_sets_are_large_enough_and_only_use_known_labels():
    tuning = read_labelled(DATASETS["tuning"])
    assert len(tuning) >= 240
    assert {answer.label for answer in tuning} == {"negative", "neutral", "positive"}
    assert {answer.question_kind for answer in tuning} <= {None, "improve", "good", "anything_else"}


@pytest.mark.parametrize("edit, message", [
    (lambda text: text.replace("  mint: 0.7", "  mint: 7"), r"'mint' needs a value from -1 to 1"),
    (lambda text: text.replace('[not, "no", never', "[not, no, never"), r"negators has entries that are not words"),
    (lambda text: text + "\nmoods: [happy]\n", r"expected sections"),
])
def test_lexicon_mistakes_are_reported_clearly(tmp_path, edit, message):
    path = tmp_path / "lexicon.yaml"
    path.write_text(edit(LEXICON_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon(path)
