from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import select

from surveys.enrol import (ImportRejected, InviteProblem, age_band, create_invite, deep_link, find_participant,
                           hash_code, import_rows, parse_csv, redeem_invite)
from surveys.models import Audience, Case, InviteLink, Participant
from surveys.store import ensure_service, session_scope

EXAMPLE = (Path(__file__).parent / "data" / "cases_example.csv").read_text()
HEADER = EXAMPLE.splitlines()[0]
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def _import(engine, text):
    with session_scope(engine) as session:
        service = ensure_service(session, "yot", "Test YOT")
        return import_rows(session, service.id, parse_csv(text))


def test_example_file_creates_cases_and_participants(engine):
    summary = _import(engine, EXAMPLE)
    assert (summary.rows, summary.cases_created, summary.participants_created) == (5, 2, 5)
    with session_scope(engine) as session:
        case = session.exec(select(Case).where(Case.case_ref == "YJ-24-0117")).one()
        assert case.age_band == "14-15" and case.send is True and case.looked_after is False
        assert case.review_dates == "2026-06-01;2026-09-01"
        assert case.restorative_closed_on == date(2026, 10, 20)
        other = session.exec(select(Case).where(Case.case_ref == "YJ-24-0203")).one()
        assert other.intervention_end == date(2026, 10, 31)  # UK date style accepted
        victims = session.exec(select(Participant).where(Participant.audience == Audience.victim)).all()
        assert sorted(v.participant_ref for v in victims) == ["V1", "V2"]


def test_reimporting_updates_and_never_duplicates(engine):
    _import(engine, EXAMPLE)
    again = _import(engine, EXAMPLE)
    assert (again.cases_created, again.cases_updated, again.participants_created) == (0, 0, 0)
    moved = EXAMPLE.replace("2026-11-30", "2026-12-14")
    summary = _import(engine, moved)
    assert summary.cases_updated == 1
    with session_scope(engine) as session:
        assert len(session.exec(select(Case)).all()) == 2
        assert len(session.exec(select(Participant)).all()) == 5
        assert session.exec(select(Case).where(Case.case_ref == "YJ-24-0117")).one().intervention_end == date(2026, 12, 14)


def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported(engine):
    bad = "\n".join([
        HEADER,
        "YJ-1,young_person,,Referral Order,North,2026-01-01,2026-06-01,15,Male,White British,no,,,",
        "YJ-2,alien,,Referral Order,North,2026-01-01,2026-06-01,15,Male,White British,no,,,",
        "YJ-3,victim,,Referral Order,North,2026-01-01,2026-31-31,15,Male,White British,no,,,",
        ",young_person,,Referral Order,North,2026-01-01,2026-06-01,15,Male,White British,no,,,",
    ])
    with pytest.raises(ImportRejected) as rejected:
        _import(engine, bad)
    lines = {line: reason for line, reason in rejected.value.problems}
    assert set(lines) == {3, 4, 5}
    assert "unknown audience 'alien'" in lines[3]
    assert "'2026-31-31' is not a date" in lines[4]
    assert "case_ref is missing" in lines[5]
    with session_scope(engine) as session:
        assert session.exec(select(Case)).all() == []


def test_a_missing_column_is_named():
    with pytest.raises(ImportRejected, match="missing column.*send"):
        parse_csv("case_ref,audience,disposal,locality,intervention_start,intervention_end,age,gender,ethnicity\n")


def test_the_same_person_twice_in_one_file_is_refused():
    row = "YJ-1,victim,,Referral Order,North,2026-01-01,2026-06-01,15,Male,White British,no,,,"
    with pytest.raises(ImportRejected, match="same person as line 2"):
        parse_csv("\n".join([HEADER, row, row]))


@pytest.mark.parametrize("age,band", [(10, "10-13"), (13, "10-13"), (14, "14-15"), (17, "16-17"), (18, "18+")])
def test_only_an_age_band_is_kept(age, band):
    assert age_band(age) == band


def _participant(engine):
    _import(engine, EXAMPLE)
    with session_scope(engine) as session:
        return find_participant(session, 1, "YJ-24-0117", Audience.young_person)


def test_invite_codes_are_stored_only_as_hashes_and_work_once(engine):
    participant = _participant(engine)
    with session_scope(engine) as session:
        code = create_invite(session, participant, now=NOW, days=30)
    with session_scope(engine) as session:
        stored = session.exec(select(InviteLink)).one()
        assert stored.code_hash == hash_code(code) and code not in stored.code_hash
        assert redeem_invite(session, code, now=NOW + timedelta(days=1)).id == participant.id
    with session_scope(engine) as session:
        with pytest.raises(InviteProblem) as problem:
            redeem_invite(session, code, now=NOW + timedelta(days=1))
        assert problem.value.reason == "used"


def test_expired_and_unknown_codes_are_refused(engine):
    participant = _participant(engine)
    with session_scope(engine) as session:
        code = create_invite(session, participant, now=NOW, days=30)
    with session_scope(engine) as session:
        with pytest.raises(InviteProblem) as expired:
            redeem_invite(session, code, now=NOW + timedelta(days=30))
        with pytest.raises(InviteProblem) as unknown:
            redeem_invite(session, code[:-1] + ("A" if code[-1] != "A" else "B"), now=NOW)
    assert (expired.value.reason, unknown.value.reason) == ("expired", "unknown")


def test_codes_are_long_random_and_fit_a_start_link():
    link = deep_link("@heard_demo_bot", "abc-DEF_123")
    assert link == "https://t.me/heard_demo_bot?start=abc-DEF_123"
    from surveys.enrol import new_code
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 32 and len(c) <= 64 for c in codes)


def test_cli_import_and_invite(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HEARD_BOT_USERNAME", "heard_test_bot")
    runner = CliRunner()
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(EXAMPLE)
    imported = runner.invoke(app, ["cases", "import", str(csv_file)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 5 rows: 2 new cases, 0 updated, 5 new participants." in imported.output

    qr = tmp_path / "link.png"
    invited = runner.invoke(app, ["invite", "YJ-24-0117", "--audience", "victim", "--participant-ref", "V2",
                                  "--qr", str(qr)])
    assert invited.exit_code == 0, invited.output
    assert invited.stdout.startswith("https://t.me/heard_test_bot?start=")
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    missing = runner.invoke(app, ["invite", "YJ-99", "--audience", "victim"])
    assert missing.exit_code == 1 and "No victim found for case YJ-99" in missing.output


def test_cli_import_reports_bad_rows(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(EXAMPLE.replace("young_person,,Referral", "yung person,,Referral"))
    result = CliRunner().invoke(app, ["cases", "import", str(csv_file)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output and "line 2: unknown audience 'yung person'" in result.output


def test_a_new_invite_replaces_the_old_one(engine):
    participant = _participant(engine)
    with session_scope(engine) as session:
        old = create_invite(session, participant, now=NOW, days=30)
        new = create_invite(session, participant, now=NOW + timedelta(minutes=1), days=30)
    with session_scope(engine) as session:
        with pytest.raises(InviteProblem) as problem:
            redeem_invite(session, old, now=NOW + timedelta(minutes=2))
        assert problem.value.reason == "expired"
        assert redeem_invite(session, new, now=NOW + timedelta(minutes=2)).id == participant.id
