"""Retention and erasure: old details go, reported figures stay, and a person can be erased on request."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select
from telegram.ext import CallbackContext
from typer.testing import CliRunner

from bot.app import purge_expired
from bot.cli import app
from surveys.enrol import create_invite, import_rows, parse_csv
from surveys.models import (Answer, AuditEvent, CallbackRequest, Case, Invitation, InvitationStatus, InviteLink,
                            Participant, ProcessedUpdate, SafeguardingAlert, Service)
from surveys.retention import (PROCESSED_UPDATE_KEPT, case_end, erase_date, months_before, past_retention, purge,
                               retention_schedule)
from surveys.hashkey import erased_case_ref
from surveys.store import session_scope, upgrade
from tests.conftest import TEST_HASH_KEY
from tests.bot_world import world
from tests.test_aggregate import build_hand_worked, q3_figures

NOW = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
TODAY = NOW.date()
runner = CliRunner()


# --- pure rules ----------------------------------------------------------------------

@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 12, 1), 24, date(2024, 12, 1)),
    (date(2026, 5, 31), 3, date(2026, 2, 28)),
    (date(2024, 5, 31), 3, date(2024, 2, 29)),
    (date(2026, 1, 15), 1, date(2025, 12, 15)),
])
def test_months_before_keeps_the_day_or_the_month_end(day, months, expected):
    assert months_before(day, months) == expected


def test_a_case_ends_at_its_latest_known_date_or_its_last_import():
    touched = datetime(2025, 3, 4, 12, tzinfo=timezone.utc)
    assert case_end(date(2024, 1, 31), date(2024, 6, 1), touched) == date(2024, 6, 1)
    assert case_end(date(2024, 1, 31), None, touched) == date(2024, 1, 31)
    assert case_end(None, None, touched) == date(2025, 3, 4)


@pytest.mark.parametrize("ended, months, goes", [
    (date(2024, 11, 30), 24, date(2026, 11, 30)),
    (date(2024, 2, 29), 12, date(2025, 3, 1)),   # no 29 February in 2025: the day after
    (date(2025, 1, 31), 3, date(2025, 5, 1)),    # no 30 April... 31st: the first day past it
])
def test_the_erase_date_is_the_first_day_past_retention(ended, months, goes):
    assert erase_date(ended, months) == goes
    assert past_retention(ended, goes, months) and not past_retention(ended, goes - timedelta(days=1), months)


def test_retention_starts_the_day_the_period_is_over():
    assert past_retention(date(2024, 12, 1), TODAY, 24)
    assert not past_retention(date(2024, 12, 2), TODAY, 24)


# --- the purge -----------------------------------------------------------------------

def add_case(session, service_id: int, ref: str, ended: date) -> Participant:
    """A case with a linked young person who answered, wrote, disclosed and has an open survey."""
    case = Case(service_id=service_id, case_ref=ref, disposal="Referral Order", locality="North", gender="Female",
                ethnicity="Mixed", age_band="15", send=True, intervention_start=ended - timedelta(days=200),
                intervention_end=ended, review_dates="2020-01-01")
    session.add(case)
    session.flush()
    person = Participant(case_id=case.id, audience="young_person", chat_id=f"9{case.id}", chat_hash=f"hash-{ref}",
                         phone="+447700900123", email="someone@example.org")
    session.add(person)
    session.flush()
    done = Invitation(participant_id=person.id, survey_id="yp_exit", due_at=NOW, status=InvitationStatus.completed)
    still_open = Invitation(participant_id=person.id, survey_id="yp_review", due_at=NOW, occasion="review")
    session.add_all([done, still_open])
    session.flush()
    session.add_all([Answer(invitation_id=done.id, question_id="listened", value="4"),
                     Answer(invitation_id=done.id, question_id="better", free_text="Sam listened",
                            sentiment="positive", sentiment_score=0.5, themes="listened_to"),
                     SafeguardingAlert(service_id=service_id, participant_id=person.id, reason="harm",
                                       text="a worrying message"),
                     CallbackRequest(service_id=service_id, participant_id=person.id, reason="asked for a call")])
    create_invite(session, person, now=NOW, days=30)
    return person


@pytest.fixture
def two_cases(engine):
    with session_scope(engine) as session:
        service = Service(code="yot", name="YOT")
        session.add(service)
        session.flush()
        add_case(session, service.id, "OLD-1", date(2024, 11, 30))
        add_case(session, service.id, "NEW-1", date(2025, 6, 30))
        return service.id


def test_a_dry_run_counts_what_would_go_and_changes_nothing(engine, two_cases):
    with session_scope(engine) as session:
        counts = purge(session, two_cases, today=TODAY, months=24, now=NOW, dry_run=True)
    assert dataclasses.asdict(counts) == {"cases": 1, "chat_links": 1, "free_texts": 1, "alert_texts": 1,
                                          "invite_links": 1, "invitations_cancelled": 0,
                                          "contact_details": 1}
    with session_scope(engine) as session:
        assert session.exec(select(Case).where(Case.erased_at.is_not(None))).all() == []
        assert len(session.exec(select(Answer).where(Answer.free_text.is_not(None))).all()) == 2
        assert session.exec(select(AuditEvent)).all() == []


def test_the_purge_erases_details_and_texts_but_keeps_what_the_report_counts(engine, two_cases):
    with session_scope(engine) as session:
        counts = purge(session, two_cases, today=TODAY, months=24, now=NOW)
    assert (counts.cases, counts.free_texts, counts.invitations_cancelled) == (1, 1, 1)
    with session_scope(engine) as session:
        old, new = session.exec(select(Case).order_by(Case.id)).all()
        assert old.erased_at == NOW and new.erased_at is None
        # The reference is gone too: only a keyed hash stands for it, for recognising old exports.
        assert old.case_ref == erased_case_ref(TEST_HASH_KEY, "OLD-1") and new.case_ref == "NEW-1"
        assert (old.disposal, old.locality, old.gender, old.ethnicity, old.age_band, old.send,
                old.intervention_start, old.intervention_end, old.review_dates) == (None,) * 8 + ("",)
        assert new.gender == "Female" and new.intervention_end == date(2025, 6, 30)
        person = session.exec(select(Participant).where(Participant.case_id == old.id)).one()
        assert (person.chat_id, person.chat_hash, person.erased_at) == (None, None, None)
        answers = session.exec(select(Answer).join(Invitation).where(Invitation.participant_id == person.id)
                               .order_by(Answer.question_id)).all()
        assert [(a.question_id, a.value, a.free_text, a.sentiment, a.themes) for a in answers] == [
            ("better", None, None, "positive", "listened_to"), ("listened", "4", None, None, "")]
        [alert] = session.exec(select(SafeguardingAlert).where(SafeguardingAlert.participant_id == person.id)).all()
        assert (alert.reason, alert.text) == ("harm", None)
        assert session.exec(select(InviteLink).where(InviteLink.participant_id == person.id)).all() == []
        statuses = sorted(i.status for i in session.exec(select(Invitation).where(Invitation.participant_id == person.id)))
        assert statuses == ["cancelled", "completed"]
        newer = session.exec(select(Participant).where(Participant.case_id == new.id)).one()
        assert newer.chat_hash == "hash-NEW-1"
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
    assert event.detail == ("cases=1 chat_links=1 free_texts=1 alert_texts=1 invite_links=1 "
                            "invitations_cancelled=1 contact_details=1")
    with session_scope(engine) as session:  # issue 15: the old case's phone and email are gone, the new one's kept
        contact = {p.chat_hash or "erased": (p.phone, p.email) for p in session.exec(select(Participant))}
    assert contact == {"erased": (None, None), "hash-NEW-1": ("+447700900123", "someone@example.org")}
    with session_scope(engine) as session:
        assert purge(session, two_cases, today=TODAY, months=24, now=NOW).cases == 0  # nothing twice


def test_importing_an_old_export_again_does_not_bring_erased_details_back(engine, two_cases):
    with session_scope(engine) as session:
        purge(session, two_cases, today=TODAY, months=24, now=NOW)
    export = ("case_ref,audience,participant_ref,disposal,locality,intervention_start,intervention_end,age,gender,"
              "ethnicity,send\nOLD-1,young_person,,Referral Order,North,2024-05-01,2024-11-30,15,Female,Mixed,yes\n")
    with session_scope(engine) as session:
        summary = import_rows(session, two_cases, parse_csv(export), now=NOW)
        assert (summary.cases_created, summary.cases_updated, summary.case_ids) == (0, 0, set())
        [old] = session.exec(select(Case).where(Case.erased_at.is_not(None))).all()
        assert (old.gender, old.intervention_end) == (None, None)
        assert session.exec(select(Case).where(Case.case_ref == "OLD-1")).all() == []


def without_details(figures):
    """The figures a purge must not change: all but the group breakdowns and the quotes."""
    return dataclasses.replace(
        figures, audiences=[dataclasses.replace(a, breakdowns=[]) for a in figures.audiences],
        themes=[dataclasses.replace(t, quotes=[], candidates=[]) for t in figures.themes])


def test_an_old_quarter_report_gives_the_same_figures_after_the_purge(engine):
    build_hand_worked(engine)
    before = q3_figures(engine)
    with session_scope(engine) as session:
        service_id = session.exec(select(Service.id).where(Service.code == "yot")).one()
        assert purge(session, service_id, today=date(2031, 1, 1), months=24, now=NOW).cases > 0
    after = q3_figures(engine)
    assert without_details(after) == without_details(before)
    assert before.themes[0].candidates and not after.themes[0].candidates  # the words themselves are gone
    yp_before = next(a for a in before.audiences if a.audience == "young_person")
    yp_after = next(a for a in after.audiences if a.audience == "young_person")
    assert yp_before.breakdowns != yp_after.breakdowns  # who they were (gender, disposal...) is gone


async def test_the_bot_runs_the_purge_as_a_daily_job(db_url):
    async with world(db_url) as w:
        await w.join(520, "YJ-24-0117", "young_person")
        with session_scope(w.heard.engine) as session:  # as a typed answer leaves it
            session.add(ProcessedUpdate(bot_id=1, update_id=99, handled_at=w.heard.now()))
        w.clock.advance(days=3 * 365)
        await purge_expired(CallbackContext(w.app))
        cases = w.rows(Case)
        assert cases and all(case.erased_at is not None and case.gender is None for case in cases)
        assert w.rows(Participant, Participant.chat_hash.is_not(None)) == []
        assert w.rows(ProcessedUpdate) == []  # the /start's update id is long past re-delivery


def test_the_purge_forgets_update_ids_only_once_they_cannot_come_again(engine, two_cases):
    with session_scope(engine) as session:
        for update_id, age in ((1, timedelta(days=30)), (2, PROCESSED_UPDATE_KEPT + timedelta(minutes=1)),
                               (3, PROCESSED_UPDATE_KEPT - timedelta(minutes=1)), (4, timedelta(0))):
            session.add(ProcessedUpdate(bot_id=7, update_id=update_id, handled_at=NOW - age))
    with session_scope(engine) as session:
        purge(session, two_cases, today=TODAY, months=24, now=NOW, dry_run=True)
    with session_scope(engine) as session:
        assert len(session.exec(select(ProcessedUpdate)).all()) == 4  # a dry run changes nothing
        purge(session, two_cases, today=TODAY, months=24, now=NOW)
    with session_scope(engine) as session:
        assert sorted(session.exec(select(ProcessedUpdate.update_id))) == [3, 4]


# --- the command line ----------------------------------------------------------------

@pytest.fixture
def cli_db(db_url, monkeypatch):
    upgrade(db_url)
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    monkeypatch.delenv("HEARD_ENCRYPTION_KEY", raising=False)
    from surveys.store import ensure_service, make_engine

    engine = make_engine(db_url, hash_key=TEST_HASH_KEY)
    with session_scope(engine) as session:
        service_id = ensure_service(session, "yot", "YOT").id
        add_case(session, service_id, "OLD-1", date(2020, 1, 31))
        add_case(session, service_id, "NEW-1", date.today())
    yield engine
    engine.dispose()


def test_heard_purge_dry_run_then_for_real(cli_db):
    dry = runner.invoke(app, ["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    goes = erase_date(date.today(), 24).isoformat()
    assert dry.stdout == ("Would erase now, for cases ended over 24 months ago: cases: 1, chat links: 1, free texts: 1, "
                          "alert texts: 1, invite links: 1, invitations cancelled: 0, contact details: 1.\n"
                          "When each case will be erased (2):\n"
                          "  OLD-1                now         (ended 2020-01-31)\n"
                          f"  NEW-1                {goes}  (ended {date.today().isoformat()})\n")
    real = runner.invoke(app, ["purge"])
    assert real.stdout == ("Erased cases: 1, chat links: 1, free texts: 1, alert texts: 1, invite links: 1, "
                           "invitations cancelled: 1, contact details: 1.\n")
    again = runner.invoke(app, ["purge", "--dry-run"])
    assert "cases: 0" in again.stdout


def test_heard_participant_erase_removes_one_person_completely(cli_db):
    result = runner.invoke(app, ["participant", "erase", "NEW-1", "young_person", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Erased the young_person of case NEW-1: 2 answers deleted, chat link removed.\n"
    with session_scope(cli_db) as session:
        person = session.exec(select(Participant).join(Case).where(Case.case_ref == "NEW-1")).one()
        assert person.erased_at is not None and person.chat_id is None and person.chat_hash is None
        assert (person.phone, person.email) == (None, None)  # issue 15: where SMS and email went, too
        assert session.exec(select(Answer).join(Invitation).where(Invitation.participant_id == person.id)).all() == []
        assert session.exec(select(CallbackRequest).where(CallbackRequest.participant_id == person.id)).all() == []
        [alert] = session.exec(select(SafeguardingAlert).where(SafeguardingAlert.participant_id == person.id)).all()
        assert alert.text is None
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "participant.erase")).all()
        assert (event.actor, event.detail) == ("cli", "answers=2 callbacks=1 alert_texts=1")
        other = session.exec(select(Participant).join(Case).where(Case.case_ref == "OLD-1")).one()
        assert other.chat_id is not None and other.phone is not None  # nobody else is touched
    missing = runner.invoke(app, ["participant", "erase", "NOPE-9", "victim", "--participant-ref", "V1"])
    assert missing.exit_code == 1 and "There is no case NOPE-9 in this service." in missing.stderr


UNDATED = ("case_ref,audience,participant_ref,disposal,locality,intervention_start,intervention_end,age,gender,"
           "ethnicity,send\nOPEN-1,young_person,,Referral Order,North,,,15,Female,Mixed,yes\n")


def test_a_case_without_dates_is_kept_while_imports_still_list_it(engine):
    """Retention counts from the last import that listed the case, even one that changed nothing."""
    with session_scope(engine) as session:
        service_id = Service(code="yot", name="YOT")
        session.add(service_id)
        session.flush()
        service_id = service_id.id
    first = datetime(2024, 1, 10, 9, tzinfo=timezone.utc)
    again = datetime(2026, 6, 1, 9, tzinfo=timezone.utc)
    for when in (first, again):
        with session_scope(engine) as session:
            summary = import_rows(session, service_id, parse_csv(UNDATED), now=when)
    assert (summary.cases_created, summary.cases_updated) == (0, 0)  # the second import changed nothing
    with session_scope(engine) as session:
        [row] = retention_schedule(session, service_id, months=24)
        assert (row.case_ref, row.dated, row.ended, row.erased_on) == ("OPEN-1", False, date(2026, 6, 1),
                                                                      date(2028, 6, 1))
        # 24 months after the first import it would have gone; it is still listed, so it stays.
        assert purge(session, service_id, today=date(2026, 12, 1), months=24, now=NOW).cases == 0
    with session_scope(engine) as session:
        assert purge(session, service_id, today=date(2028, 6, 1), months=24, now=NOW).cases == 1
