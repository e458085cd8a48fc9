import json

from typer.testing import CliRunner

from analysis.pipeline import analyse
from bot.cli import app

runner = CliRunner()


def json_lines(output):
    return [json.loads(line) for line in output.splitlines()]


def test_analyse_combines_sentiment_themes_and_safeguarding():
    result = analyse("my worker lisened but the olders make me hold stuff", "anything_else", "young_person")
    assert result.to_json_dict().keys() == {"text", "sentiment", "score", "suggestion", "themes", "best_theme",
                                            "safeguarding", "reason"}
    assert "listened_to" in result.themes
    assert result.safeguarding == "urgent" and result.reason == "criminal exploitation or drug debt"
    assert [match.theme_id for match in result.theme_matches] == result.themes


def test_plain_answer_is_not_flagged():
    result = analyse("nothing, it was all good", "improve", "parent_carer")
    assert (result.sentiment, result.safeguarding, result.reason) == ("positive", None, None)


def test_reads_lines_from_a_file_skipping_blank_lines(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text("Jade was sound\n\n   \nbare long\n", encoding="utf-8")
    result = runner.invoke(app, ["analyse", str(path)])
    assert result.exit_code == 0, result.output
    rows = json_lines(result.stdout)
    assert [(row["text"], row["sentiment"]) for row in rows] == [("Jade was sound", "positive"),
                                                                 ("bare long", "negative")]


def test_reads_stdin_with_one_question_and_audience_for_all():
    result = runner.invoke(app, ["analyse", "-", "--question", "improve", "--audience", "parent_carer"], input="nothing\n")
    assert result.exit_code == 0, result.output
    [row] = json_lines(result.stdout)
    assert 0.1 < row.pop("score") <= 1
    assert row == {"text": "nothing", "sentiment": "positive", "suggestion": False, "themes": [],
                   "best_theme": None, "safeguarding": None, "reason": None}


def test_reads_a_csv_column_with_question_and_audience_per_row(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,answer,kind,who\n1,nothing,good,young_person\n2,,good,parent_carer\n"
                    "3,his mates keep driving past my house,,victim\n", encoding="utf-8")
    result = runner.invoke(app, ["analyse", str(path), "--column", "answer", "--question-column", "kind",
                                 "--audience-column", "who"])
    assert result.exit_code == 0, result.output
    first, second = json_lines(result.stdout)
    assert first["sentiment"] == "negative"
    assert (second["safeguarding"], second["reason"]) == ("urgent", "victim intimidation")


def test_missing_column_lists_the_columns_and_exits_2(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,answer\n1,ok\n", encoding="utf-8")
    result = runner.invoke(app, ["analyse", str(path), "--column", "feedback"])
    assert result.exit_code == 2
    assert "no column 'feedback'; the columns are: id, answer" in result.stderr


def test_unreadable_file_exits_2(tmp_path):
    result = runner.invoke(app, ["analyse", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_unknown_question_kind_exits_2():
    result = runner.invoke(app, ["analyse", "-", "--question", "best_bit"], input="ok\n")
    assert result.exit_code == 2
    assert "unknown question kind 'best_bit'" in result.stderr


def test_accepts_every_audience_name_the_import_accepts_and_the_questions_own_words():
    for who in ("parent_carer", "parent", "carer", "Parent/Carer", "young person", "victim", "placement"):
        result = runner.invoke(app, ["analyse", "-", "--question", "What could we do better?", "--audience", who],
                               input="more evening appointments please\n")
        assert result.exit_code == 0, (who, result.output)
        [row] = json_lines(result.stdout)
        assert (row["sentiment"], row["suggestion"]) == ("neutral", True)


def test_a_parents_answer_reaches_the_themes_meant_for_parents():
    result = runner.invoke(app, ["analyse", "-", "--audience", "parent"], input="he trusted his worker\n")
    assert "worker_relationship" in json_lines(result.stdout)[0]["themes"]


def test_unknown_audience_exits_2_naming_the_audiences():
    result = runner.invoke(app, ["analyse", "-", "--audience", "judge"], input="ok\n")
    assert result.exit_code == 2
    assert "unknown audience 'judge'" in result.stderr
