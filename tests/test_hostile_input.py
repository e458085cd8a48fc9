"""Hostile strings through every participant handler (the real bot) and every command that takes text.

Nothing crashes, nothing is lost, and what is stored is exactly the cleaned text (surveys/text.py),
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.texts import t
from surveys.engine import TEXT_LIMIT
from surveys.models import Answer, Case
from surveys.store import session_scope, upgrade
from surveys.text import clean_text
from tests.bot_world import asks, world
from tests.test_journey import YP

HOSTILE = [
    "nul\x00inside", "\x00", "bell\x07 escape\x1b[31m red\x7f", "cut emoji \ud83d", "\udc80 lone low half",
    "x" * 100_000,
    "\u202eevil\u202c right-to-left override", "zero\u200bwidth\u200djoiner\ufeffbom", "שלום, مرحبا",
    "=HYPERLINK(\"http://example.invalid\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
    "<script>alert(1)</script>", "<b>bold</b> &amp; </i>", "'; DROP TABLE answer; --", "%s %d {0} {name}",
    "line\r\nbreak\rcarriage", "\t\n \n",
]
runner = CliRunner()


class Errors:
    def __init__(self):
        self.seen: list[BaseException] = []

    async def __call__(self, update, context) -> None:
        self.seen.append(context.error)


def _answer(w, question_id: str) -> str | None:
    with session_scope(w.heard.engine) as session:
        row = session.exec(select(Answer).where(Answer.question_id == question_id)).first()
        return row.free_text if row else None


@pytest.mark.slow
async def test_hostile_strings_through_every_participant_handler(db_url):
    async with world(db_url) as w:
        errors = Errors()
        w.app.add_error_handler(errors)
        user = await w.join(8101, *YP)
        await user.press("😢 1")  # so the "what could we do better" question is asked, which has a Back
        await w.settle()
        await w.skip_until(user, asks("do better"))
        for text in HOSTILE:
            await user.send_text(text)
            await w.settle()
            if clean_text(text).strip():
                # Stored as cleaned; the engine keeps Telegram's longest message (4,096 characters).
                assert _answer(w, "do_better") == clean_text(text).strip()[:TEXT_LIMIT], repr(text[:30])
                await user.press("⬅️ Back")  # back to the same question, to store the next one over it
                await w.settle()
            assert asks("do better")(user.last_message), repr(text[:30])
        for text in HOSTILE:  # a caption, an edit, words after commands, and a stranger writing
            await user.send_photo(caption=text)
            sent = await user.send_text("fine")
            await user.edit_text(sent, text)
            await user.send_command(f"/start {text}")
            await user.send_command(f"/nonsense {text}")
            await w.user(8102).send_text(text)
            await w.settle()
        assert errors.seen == []
        assert not any(t("chat.error") == (m.get("text") or "") for m in user.messages)


@pytest.mark.slow
def test_hostile_strings_through_every_command_that_takes_text(db_url, tmp_path, monkeypatch):
    upgrade(db_url)
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_BOT_USERNAME", "emulated_123_bot")
    # A file holds UTF-8, which has no lone surrogates: a file that tries is refused kindly.
    broken = tmp_path / "broken.csv"
    broken.write_bytes("case_ref\nH-\udc80\n".encode("utf-8", errors="surrogatepass"))
    refused = runner.invoke(app, ["cases", "import", str(broken)])
    assert refused.exit_code == 1 and "is not a UTF-8 text file" in refused.stderr
    in_files = [text.encode("utf-8", errors="replace").decode() for text in HOSTILE]
    csv_rows = ["case_ref,audience,disposal,locality,intervention_start,intervention_end,age,gender,ethnicity,send"]
    for n, text in enumerate(in_files):
        cell = '"' + text.replace('"', '""') + '"'
        csv_rows.append(f"H-{n},young_person,{cell},{cell},,,15,{cell},{cell},yes")
    cases = tmp_path / "cases.csv"
    cases.write_text("\n".join(csv_rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["cases", "import", str(cases)])
    assert result.exit_code == 0, result.output
    from bot.cli.context import open_context

    with session_scope(open_context().engine) as session:
        stored = {case.case_ref: case for case in session.exec(select(Case))}
    assert len(stored) == len(HOSTILE)
    for n, text in enumerate(in_files):  # every cell kept, cleaned, as far as its column allows
        read_back = text.replace("\r\n", "\n").replace("\r", "\n")  # files are read with universal newlines
        case, cleaned = stored[f"H-{n}"], clean_text(read_back).strip()
        assert (case.disposal, case.gender) == (cleaned[:60] or None, cleaned[:30] or None), repr(text[:30])

    lines = tmp_path / "answers.txt"
    lines.write_text("\n".join(in_files), encoding="utf-8")
    analysed = runner.invoke(app, ["analyse", str(lines)])
    assert analysed.exit_code == 0, analysed.output
    assert all(json.loads(line) for line in analysed.stdout.splitlines())

    for text in HOSTILE:
        for command in (["invite", text, "--audience", "young_person"],
                        ["send", text, "--audience", "young_person", "--survey", "yp_exit"],
                        ["participant", "erase", text, "young_person", "--yes"],
                        ["invite", "H-0", "--audience", "young_person", "--participant-ref", text],
                        ["cases", "import", str(cases)]):
            outcome = runner.invoke(app, command)
            assert outcome.exit_code in (0, 1, 2) and (outcome.exception is None or isinstance(
                outcome.exception, SystemExit)), (command[0], repr(text[:30]), outcome.exception)
