"""The `heard surveys` commands, run as a worker would run them."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def test_check_shipped_surveys():
    result = runner.invoke(app, ["surveys", "check"])
    from surveys.schema import load_all

    assert (result.exit_code, result.stdout) == (0, f"{len(load_all())} surveys OK\n")


# --- Cymraeg: a missing Welsh string fails the check ------------------------------------------

WELSHLESS = ("id: welshless\nversion: 1\naudience: victim\n"
             "title: {en: Checking in, cy: Gair bach}\nintro: {en: Hello, cy: Helo}\nclosing: {en: Thanks, cy: Diolch}\n"
             "questions:\n  - {id: mood, type: yesno, text: {en: Are you OK, cy: Ydych chi'n iawn}, help: Be honest}\n")


def test_check_fails_when_a_survey_field_has_no_welsh(tmp_path):
    survey = tmp_path / "welshless.yaml"
    survey.write_text(WELSHLESS)
    result = runner.invoke(app, ["surveys", "check", str(survey)])
    assert result.exit_code == 1
    assert "welshless:mood.help: no Welsh (cy) wording" in result.stdout.splitlines()
    assert "1 string(s) need Welsh" in result.stderr


def test_check_fails_when_a_bot_message_has_no_welsh(monkeypatch):
    from bot import texts

    monkeypatch.setitem(texts.TEXTS["en"], "survey.brand_new", "A sentence nobody has put into Welsh.")
    result = runner.invoke(app, ["surveys", "check"])
    assert result.exit_code == 1
    assert "texts:survey.brand_new: no Welsh (cy) wording" in result.stdout


def test_a_draft_named_in_the_allow_list_passes_and_is_counted(tmp_path, monkeypatch):
    from bot import welsh

    survey, drafts = tmp_path / "welshless.yaml", tmp_path / "drafts.txt"
    survey.write_text(WELSHLESS)
    shipped = len(welsh.missing_welsh([], welsh.load_drafts())[1])
    drafts.write_text(welsh.DRAFTS_PATH.read_text() + "# being written\nwelshless:mood.*\n")
    monkeypatch.setattr(welsh, "DRAFTS_PATH", drafts)
    result = runner.invoke(app, ["surveys", "check", str(survey)])
    assert result.exit_code == 0
    assert f"{shipped + 1} string(s) have no Welsh yet but are allowed as drafts" in result.stdout


def test_every_shipped_string_has_welsh():
    from bot.welsh import missing_welsh
    from surveys.schema import load_all

    assert missing_welsh(load_all().values()) == ([], [])


def test_surveys_welsh_prints_each_welsh_string_beside_its_english():
    result = runner.invoke(app, ["surveys", "welsh"])
    assert result.exit_code == 0
    assert "yp_exit:overall.text\n  en: Overall, how was your time with us?\n  cy: At ei gilydd" in result.stdout
    assert "texts:consent.yes\n  en: Yes, that's OK\n  cy: Ydy, mae hynny'n iawn" in result.stdout


def test_preview_in_welsh_speaks_welsh():
    result = runner.invoke(app, ["surveys", "preview", "yp_review", "--lang", "cy"], input="4\nna\n")
    assert result.exit_code == 0
    assert "Cwestiwn 1 o 5" in result.stdout and "Sut mae pethau'n mynd gyda'r tîm hyd yma?" in result.stdout
    assert "Anfonwch rif o 1 i 10" in result.stdout  # "na" is not a rating, said in Welsh


def test_preview_in_a_language_heard_does_not_have_says_so():
    result = runner.invoke(app, ["surveys", "preview", "yp_review", "--lang", "fr"])
    assert result.exit_code == 2 and "no wording in 'fr'" in result.stderr


def test_check_lists_every_problem_and_fails(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nversion: 1\naudience: victim\ntitle: T\nintro: I\nclosing: C\nquestions:\n"
                      "  - {id: mood, type: slider, text: How}\n  - {id: home, type: journey10, text: Home}\n")
    result = runner.invoke(app, ["surveys", "check", str(broken)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{broken}: question mood: type: unknown type 'slider'; "
        "use one of: scale5, choice, multi, yesno, text, journey10",
        f"{broken}: question home: a journey10 question needs an 'area' (e.g. getting_on_at_home)",
    ]


def test_list():
    result = runner.invoke(app, ["surveys", "list"])
    assert result.exit_code == 0
    from surveys.schema import load_all

    for survey_id, definition in load_all().items():
        assert f"{len(definition.questions)} questions" in next(
            line for line in result.stdout.splitlines() if line.startswith(survey_id + " "))


def test_preview_runs_to_the_end():
    result = runner.invoke(app, ["surveys", "preview", "yp_review"], input="4\n6\n5\nno\n8\nnothing\n")
    assert result.exit_code == 0
    assert "Answers:" in result.stdout and "  nothing" in result.stdout
    assert "Please send a number from 1 to 10" in result.stdout  # "no" is not a rating


def test_preview_of_an_unknown_survey_lists_the_known_ones():
    result = runner.invoke(app, ["surveys", "preview", "exit_poll"])
    assert result.exit_code == 2
    assert "Known surveys: parent_exit, placement_feedback, victim_checkin, victim_followup, yp_exit, yp_review" in result.stderr
