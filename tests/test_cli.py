"""The `heard surveys` commands, run as a worker would run them."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def test_check_shipped_surveys():
    result = runner.invoke(app, ["surveys", "check"])
    from surveys.schema import load_all

    assert (result.exit_code, result.stdout) == (0, f"{len(load_all())} surveys OK\n")


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
