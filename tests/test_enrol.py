import re
import threading
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from surveys.enrol import (ImportRejected, parse_row, InviteProblem, age_band, create_invite, deep_link, find_participant,
                           hash_code, import_in_batches, import_rows, parse_csv, redeem_invite)
from surveys.models import Audience, Case, Invitation, InviteLink, Participant, SafeguardingAlert
from surveys.store import create_all, ensure_service, make_engine, session_scope
from tests.conftest import TEST_HASH_KEY

EXAMPLE = (Path(__file__).parent / "data" / "cases_example.csv").read_text()
HEADER = EXAMPLE.splitlines()[0]
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def _import(engine, text):
    with session_scope(engine) as session:
        service = ensure_service(session, "yot", "Test YOT")
        return import_rows(session, service.id, parse_csv(text), now=NOW)


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
    assert "audience should be young_person" in lines[3]
    assert "intervention_end is not a date" in lines[4]
    assert "case_ref is missing" in lines[5]
    with session_scope(engine) as session:
        assert session.exec(select(Case)).all() == []


def test_a_row_repeated_by_the_export_is_told_apart_from_two_people_sharing_a_reference():
    row = "YJ-1,victim,,Referral Order,North,2026-01-01,2026-06-01,15,Male,White British,no,,,"
    other = row.replace("2026-06-01", "2026-06-02")
    with pytest.raises(ImportRejected) as rejected:
        parse_csv("\n".join([HEADER, row, row, other]))
    reasons = dict(rejected.value.problems)
    assert reasons[3] == "the same row as line 2 again: delete one of them"
    assert reasons[4] == ("the same person as line 2, with different details: if they are two people, give each "
                          "a participant_ref (such as V1 and V2); if not, keep one line")


@pytest.mark.parametrize("column, value, reason", [
    ("case_ref", "YJ 24!", "case_ref has characters we can't use (letters, digits, / - _ . only, up to 60)"),
    ("participant_ref", "V 1", "participant_ref has characters we can't use (letters, digits, - _ . only, up to 40)"),
    ("intervention_start", "someday", "intervention_start is not a date (use 2026-03-31 or 31/03/2026, day first)"),
    ("intervention_end", "2025-01-01", "intervention_end is before intervention_start"),
    ("restorative_closed", "12/31/2026", "restorative_closed is not a date (use 2026-03-31 or 31/03/2026, day first)"),
    ("age", "fifteen", "age should be a whole number of years (not a date of birth)"),
    ("age", "30", "age is outside what a youth justice service works with (8 to 25)"),
    ("send", "maybe", "send should be yes or no"),
    ("looked_after", "perhaps", "looked_after should be yes or no"),
    ("review_dates", "2026-06-01;June", "review_dates has something that is not a date "
                                        "(use dates like 2026-06-01 or 01/06/2026, with ; between them)"),
    ("audience", "judge", "audience should be young_person, parent_carer, victim or placement"),
    ("preferred_language", "fr", "preferred_language should be en (English) or cy (Cymraeg)"),
    ("channel", "post", "channel should be telegram, web, sms or email"),
])
def test_each_bad_cell_gives_its_own_reason(column, value, reason):
    good = {"case_ref": "YJ-1", "audience": "young_person", "participant_ref": "", "disposal": "Referral Order",
            "locality": "North", "intervention_start": "2026-01-01", "intervention_end": "2026-06-01", "age": "15",
            "gender": "Male", "ethnicity": "White British", "send": "no"}
    with pytest.raises(ValueError) as error:
        parse_row(7, {**good, column: value})
    assert str(error.value) == reason


# What a case export holds in the wrong column, shifted or mistyped: a name, a date of birth, an address.
PERSONAL = ("Jane Doe", "2010-05-03", "12 Mill Lane")


@pytest.mark.parametrize("column", ["case_ref", "participant_ref", "audience", "intervention_start", "intervention_end",
                                    "restorative_closed", "review_dates", "age", "send", "looked_after",
                                    "preferred_language", "channel", "phone", "email"])
def test_a_reason_names_the_column_and_never_repeats_what_the_cell_holds(column):
    """The list of bad rows is shown on screen and often kept in a job's log: what a cell holds may be a
    name or a date of birth pasted in the wrong column, so a reason says which column, never its value."""
    good = {"case_ref": "YJ-1", "audience": "young_person", "participant_ref": "", "disposal": "Referral Order",
            "locality": "North", "intervention_start": "2026-01-01", "intervention_end": "2026-06-01", "age": "15",
            "gender": "Male", "ethnicity": "White British", "send": "no"}
    for value in PERSONAL:
        if value == "2010-05-03" and column.endswith(("_start", "_end", "_closed", "review_dates", "_ref")):
            continue  # a date where a date belongs, or a reference that happens to look like one
        with pytest.raises(ValueError) as error:
            parse_row(7, {**good, column: value})
        reason = str(error.value)
        assert column in reason
        assert value not in reason, (column, reason)
        for word in value.split():
            assert not re.search(rf"\\b{re.escape(word)}\\b", reason), (column, reason)


@pytest.mark.parametrize("text", ["2026-03-02 00:00:00", "02/03/2026 00:00", "2026-03-02T00:00:00", "02/03/2026 14:30:00"])
def test_a_date_with_a_time_after_it_as_spreadsheets_save_them_is_read_as_that_day(text):
    row = parse_row(2, {"case_ref": "YJ-1", "audience": "young_person", "intervention_end": text})
    assert row.case_fields["intervention_end"] == date(2026, 3, 2)


def test_a_good_row_keeps_an_age_band_and_sorted_review_dates():
    row = parse_row(2, {"case_ref": "YJ-1", "audience": "Parent", "participant_ref": "C1", "age": " 15 ",
                        "intervention_start": "02/03/2026", "send": "Y", "review_dates": "2026-09-01; 2026-06-01",
                        "restorative_closed": "2026-10-20", "disposal": "x" * 300, "preferred_language": "Cymraeg"})
    assert (row.case_ref, row.audience, row.participant_ref, row.language) == ("YJ-1", Audience.parent_carer, "C1", "cy")
    assert row.case_fields == {"disposal": "x" * 60, "intervention_start": date(2026, 3, 2),
                               "restorative_closed_on": date(2026, 10, 20), "age_band": "14-15", "send": True,
                               "review_dates": "2026-06-01;2026-09-01"}


def test_a_missing_column_is_named():
    with pytest.raises(ImportRejected, match="missing column.*send"):
        parse_csv("case_ref,audience,disposal,locality,intervention_start,intervention_end,age,gender,ethnicity\n")


@pytest.mark.parametrize("text, reason", [
    ("", "the file is empty: is it the case export?"),
    ("\ufeff\r\n", "the file is empty: is it the case export?"),
    (HEADER.replace(",", ";") + "\n", "the columns are separated by ; not commas: save it again as 'CSV UTF-8 (comma delimited)'"),
    (HEADER.replace(",", "\t") + "\n", "the columns are separated by tabs, not commas: save it again as 'CSV UTF-8 (comma delimited)'"),
])
def test_an_empty_or_wrongly_separated_file_says_so_not_that_every_column_is_missing(text, reason):
    with pytest.raises(ImportRejected) as rejected:
        parse_csv(text)
    assert rejected.value.problems == [(1, reason)]


def test_column_names_written_as_a_spreadsheet_heading_are_understood():
    heading = ",".join(name.replace("_", " ").title() for name in HEADER.split(","))  # "Case Ref,Audience,..."
    [first, *_] = parse_csv(EXAMPLE.replace(HEADER, heading, 1))
    assert (first.case_ref, first.case_fields["intervention_end"]) == ("YJ-24-0117", date(2026, 11, 30))


@pytest.mark.parametrize("text, language", [("cy-GB", "cy"), ("en_GB", "en"), ("CYM", "cy"), ("Eng", "en")])
def test_a_language_as_case_systems_record_it_is_understood(text, language):
    row = parse_row(2, {"case_ref": "YJ-1", "audience": "young_person", "preferred_language": text})
    assert row.language == language


def test_the_same_person_twice_in_one_file_is_refused():
    row = "YJ-1,victim,,Referral Order,North,2026-01-01,2026-06-01,15,Male,White British,no,,,"
    with pytest.raises(ImportRejected, match="same row as line 2"):
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
    assert missing.exit_code == 1 and "There is no case YJ-99 in this service" in missing.output


def test_cli_import_reports_bad_rows(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(EXAMPLE.replace("young_person,,Referral", "yung person,,Referral"))
    result = CliRunner().invoke(app, ["cases", "import", str(csv_file)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output and "line 2: audience should be young_person" in result.output


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


# --- long imports: short transactions, resumable ----------------------------------------

LONDON = ZoneInfo("Europe/London")
WINDOW = (time(9), time(20))


def _many_cases(rows: int) -> str:
    """An export of ``rows`` people: each case a young person and a parent, every third a victim too."""
    lines, case = [HEADER], 0
    while len(lines) <= rows:
        case += 1
        end = date(2026, 12, 1) + timedelta(days=case % 90)
        common = f"Referral Order,North,2026-06-01,{end.isoformat()},15,Male,White British,no,no"
        lines.append(f"YJ-{case:06d},young_person,,{common},2026-09-01;{(end - timedelta(days=30)).isoformat()},")
        lines.append(f"YJ-{case:06d},parent_carer,,{common},,")
        if case % 3 == 0:
            lines.append(f"YJ-{case:06d},victim,V1,{common},,{(end - timedelta(days=10)).isoformat()}")
    return "\n".join(lines[:rows + 1]) + "\n"


def _batched_import(engine, text, **options):
    from surveys.schema import load_all

    with session_scope(engine) as session:
        service_id = ensure_service(session, "yot", "Test YOT").id
    return import_in_batches(engine, service_id, parse_csv(text), load_all(), zone=LONDON, window=WINDOW, now=NOW,
                             **options)


def _snapshot(engine) -> dict[str, list[tuple]]:
    """Every case, person and planned survey, ids included; only the wall-clock created/updated times left out."""
    tables = {}
    with engine.connect() as conn:
        for model in (Case, Participant, Invitation):
            table = model.__table__
            wall_clock = {"created_at", "updated_at"} if model is not Invitation else set()  # invitations take `now`
            columns = [c for c in table.columns if c.name not in wall_clock]
            tables[table.name] = [tuple(row) for row in conn.execute(sa.select(*columns).order_by(table.c.id))]
    return tables


def _empty(engine) -> None:
    SQLModel.metadata.drop_all(engine)
    create_all(engine)


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("stop_after", ["cases", "surveys"])
def test_an_import_stopped_after_its_first_batch_and_run_again_ends_like_a_clean_one(engine, stop_after):
    export = _many_cases(700)
    summary, planned = _batched_import(engine, export, batch_size=200, plan_batch=80, pause=0)
    assert (summary.rows, summary.participants_created, planned.created) == (700, 700, 1100)
    clean = _snapshot(engine)
    _empty(engine)

    def stop(stage, done, total):
        if stage == stop_after:
            raise Interrupted

    with pytest.raises(Interrupted):
        _batched_import(engine, export, batch_size=200, plan_batch=80, pause=0, progress=stop)
    partial = _snapshot(engine)
    if stop_after == "cases":
        assert len(partial["participant"]) == 200 and partial["invitation"] == []
    else:
        assert len(partial["participant"]) == 700 and 0 < len(partial["invitation"]) < 1100
    again, planned_again = _batched_import(engine, export, batch_size=200, plan_batch=80, pause=0)
    assert _snapshot(engine) == clean
    assert again.participants_created == 700 - len(partial["participant"])
    assert planned_again.created == 1100 - len(partial["invitation"])


def test_batches_report_the_same_summary_as_one_transaction(engine):
    moved = EXAMPLE.replace("2026-11-30", "2026-12-14")
    _batched_import(engine, EXAMPLE, batch_size=2, plan_batch=1)
    summary, planned = _batched_import(engine, moved, batch_size=2, plan_batch=1)
    # YJ-24-0117's four rows span three batches; the case is counted once, as updated.
    assert (summary.rows, summary.cases_created, summary.cases_updated, summary.participants_created) == (5, 0, 1, 0)
    assert planned.moved > 0 and planned.created == 0


@pytest.mark.slow
def test_a_long_import_never_keeps_another_writer_waiting_on_sqlite(sqlite_url):
    """A disclosure arriving mid-import is stored within the bot's patience (busy timeout 2 s)."""
    engine = make_engine(sqlite_url, hash_key=TEST_HASH_KEY)
    create_all(engine)
    _batched_import(engine, EXAMPLE)
    with session_scope(engine) as session:
        someone = session.exec(select(Participant)).first()
    writer = make_engine(sqlite_url, hash_key=TEST_HASH_KEY)
    sa.event.listen(writer, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout=2000"))
    failures, finished = [], threading.Event()

    def long_import():
        try:
            _batched_import(engine, _many_cases(5000))
        except BaseException as error:  # surfaced by the assertion below
            failures.append(error)
        finally:
            finished.set()

    importer = threading.Thread(target=long_import)
    importer.start()
    waits = []
    try:
        while not finished.is_set():
            started = monotonic()
            with session_scope(writer) as session:
                session.add(SafeguardingAlert(service_id=1, participant_id=someone.id, reason="test"))
            waits.append(monotonic() - started)
            sleep(0.02)
    finally:
        importer.join()
    assert failures == []
    assert len(waits) >= 20, "the import finished before the writer could overlap it"
    assert max(waits) < 1.5, f"longest wait for the write lock: {max(waits):.2f} s"
    with session_scope(engine) as session:
        assert len(session.exec(select(SafeguardingAlert)).all()) == len(waits)
        assert len(session.exec(select(Participant)).all()) == 5 + 5000
    engine.dispose()
    writer.dispose()


def test_an_import_on_postgresql_refreshes_the_planner_statistics(postgres_url):
    engine = make_engine(postgres_url, hash_key=TEST_HASH_KEY)
    create_all(engine)
    _batched_import(engine, _many_cases(300))
    with engine.connect() as conn:
        # ANALYZE sets reltuples (-1 for a table never analysed) to the row count.
        counted = dict(conn.execute(sa.text(
            "SELECT relname, reltuples FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relname IN ('case', 'participant', 'invitation')")).all())
    engine.dispose()
    assert counted == {"case": 129, "participant": 300, "invitation": 471}


def test_cli_import_that_stops_says_how_far_it_got_and_finishes_when_run_again(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import surveys.enrol
    from bot.cli import app

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(EXAMPLE)
    real_sync = surveys.enrol.sync_cases

    def broken_sync(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT ...", {}, Exception("database is locked"))

    monkeypatch.setattr(surveys.enrol, "sync_cases", broken_sync)
    stopped = CliRunner().invoke(app, ["cases", "import", str(csv_file)])
    assert stopped.exit_code == 1
    assert ("The import stopped (OperationalError): all 5 rows were saved and surveys were planned for 0 cases"
            in stopped.output)
    assert "Run the same import again to finish it" in stopped.output and "YJ-24" not in stopped.output
    monkeypatch.setattr(surveys.enrol, "sync_cases", real_sync)
    again = CliRunner().invoke(app, ["cases", "import", str(csv_file)])
    assert again.exit_code == 0, again.output
    assert "Imported 5 rows: 0 new cases, 0 updated, 0 new participants." in again.output
    assert "Surveys: 0 planned" not in again.output
