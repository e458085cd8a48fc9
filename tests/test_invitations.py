"""Invitations in the database, on SQLite and PostgreSQL: planning, atomic claims, recovery."""

import threading
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlmodel import select

from surveys.invitations import (STALE_CLAIM, active_invitation, cancel_open, claim_due, expire_overdue,
                                 mark_retry, mark_sent, reminders_due, sync_cases)
from surveys.models import Case, Consent, Invitation, InvitationStatus, Participant
from surveys.store import ensure_service, session_scope

LONDON = ZoneInfo("Europe/London")
WINDOW = (time(9), time(20))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
SCHEDULE = SimpleNamespace(trigger="intervention_end", offsets=[0], reminders_days=[2, 5], expires_days=14)
REVIEW = SimpleNamespace(trigger="review_date", offsets=[0], reminders_days=[2], expires_days=7)
DEFINITIONS = {
    "yp_exit": SimpleNamespace(id="yp_exit", version=1, audience="young_person", schedule=SCHEDULE),
    "yp_review": SimpleNamespace(id="yp_review", version=1, audience="young_person", schedule=REVIEW),
}


def _people(engine, count, *, end=date(2026, 11, 20), linked=True):
    with session_scope(engine) as session:
        service = ensure_service(session, "yot", "YOT")
        for n in range(count):
            case = Case(service_id=service.id, case_ref=f"YJ-{n}", intervention_end=end, review_dates="2026-12-01")
            session.add(case)
            session.flush()
            session.add(Participant(case_id=case.id, audience="young_person",
                                    chat_hash=f"h{n}" if linked else None, chat_id=str(1000 + n),
                                    consent=Consent.given if linked else Consent.pending))
        session.flush()
        return sync_cases(session, [c.id for c in session.exec(select(Case))], DEFINITIONS,
                          zone=LONDON, window=WINDOW, now=NOW)


def test_importing_dates_plans_invitations_at_the_window_opening(engine):
    result = _people(engine, 2)
    assert result.created == 4
    with session_scope(engine) as session:
        exit_invite = session.exec(select(Invitation).where(Invitation.survey_id == "yp_exit")).first()
        assert exit_invite.due_at == datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)  # 09:00 GMT


def test_changed_dates_move_pending_invitations_and_dropped_dates_cancel_them(engine):
    _people(engine, 1)
    with session_scope(engine) as session:
        case = session.exec(select(Case)).one()
        case.intervention_end, case.review_dates = date(2027, 1, 8), ""
        result = sync_cases(session, [case.id], DEFINITIONS, zone=LONDON, window=WINDOW, now=NOW)
    assert (result.created, result.moved, result.cancelled) == (0, 1, 1)
    with session_scope(engine) as session:
        statuses = {i.survey_id: (i.status, i.due_at) for i in session.exec(select(Invitation))}
    assert statuses["yp_exit"] == ("scheduled", datetime(2027, 1, 8, 9, 0, tzinfo=timezone.utc))
    assert statuses["yp_review"][0] == "cancelled"


def test_syncing_twice_creates_nothing_new(engine):
    _people(engine, 3)
    with session_scope(engine) as session:
        again = sync_cases(session, [c.id for c in session.exec(select(Case))], DEFINITIONS,
                           zone=LONDON, window=WINDOW, now=NOW)
    assert (again.created, again.moved, again.cancelled) == (0, 0, 0)


def test_only_linked_consenting_people_are_claimed_and_only_once(engine):
    _people(engine, 3)
    with session_scope(engine) as session:
        service = ensure_service(session, "yot", "YOT")
        case = Case(service_id=service.id, case_ref="YJ-unlinked", intervention_end=date(2026, 11, 20))
        session.add(case)
        session.flush()
        session.add(Participant(case_id=case.id, audience="young_person"))
        session.flush()
        sync_cases(session, [case.id], DEFINITIONS, zone=LONDON, window=WINDOW, now=NOW)
    with session_scope(engine) as session:
        first = claim_due(session, now=NOW, worker="a")
    with session_scope(engine) as session:
        second = claim_due(session, now=NOW, worker="b")
    assert len(first) == 3 and second == []


def test_two_workers_claiming_at_once_never_share_an_invitation(engine):
    _people(engine, 40)
    results, errors = {}, []
    barrier = threading.Barrier(2)

    def work(name):
        try:
            barrier.wait(timeout=5)
            got = []
            for _ in range(10):
                with session_scope(engine) as session:
                    got += claim_due(session, now=NOW, worker=name, limit=3)
            results[name] = got
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert not set(results["a"]) & set(results["b"])
    assert len(results["a"]) + len(results["b"]) == 40


def test_a_claim_that_never_finished_is_handed_out_again(engine):
    _people(engine, 1)
    with session_scope(engine) as session:
        [claimed] = claim_due(session, now=NOW, worker="crashed")
    with session_scope(engine) as session:
        assert claim_due(session, now=NOW + timedelta(minutes=1), worker="b") == []
    with session_scope(engine) as session:
        assert claim_due(session, now=NOW + STALE_CLAIM + timedelta(seconds=1), worker="b") == [claimed]


def test_a_person_gets_one_survey_at_a_time(engine):
    _people(engine, 1, end=date(2026, 12, 1))  # exit and review both due on 1 December
    later = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    with session_scope(engine) as session:
        [first] = claim_due(session, now=later, worker="a")
        mark_sent(session.get(Invitation, first), SCHEDULE, now=later, message_id=1)
    with session_scope(engine) as session:
        assert claim_due(session, now=later, worker="a") == []
        assert active_invitation(session, 1).id == first
        session.get(Invitation, first).status = InvitationStatus.completed
    with session_scope(engine) as session:
        assert len(claim_due(session, now=later, worker="a")) == 1


def test_failed_sends_wait_before_the_retry(engine):
    _people(engine, 1)
    with session_scope(engine) as session:
        [inv_id] = claim_due(session, now=NOW, worker="a")
        mark_retry(session.get(Invitation, inv_id), now=NOW, error="RetryAfter", retry_after=40)
    with session_scope(engine) as session:
        assert claim_due(session, now=NOW + timedelta(seconds=39), worker="a") == []
    with session_scope(engine) as session:
        assert claim_due(session, now=NOW + timedelta(seconds=41), worker="a") == [inv_id]


def test_reminders_then_expiry(engine):
    _people(engine, 1)
    with session_scope(engine) as session:
        [inv_id] = claim_due(session, now=NOW, worker="a")
        mark_sent(session.get(Invitation, inv_id), SCHEDULE, now=NOW, message_id=5)
    with session_scope(engine) as session:
        assert reminders_due(session, now=NOW + timedelta(days=1)) == []
        assert [i.id for i in reminders_due(session, now=NOW + timedelta(days=2))] == [inv_id]
    with session_scope(engine) as session:
        assert expire_overdue(session, now=NOW + timedelta(days=13)) == 0
        assert expire_overdue(session, now=NOW + timedelta(days=14)) == 1
        assert session.get(Invitation, inv_id).status == "expired"


def test_stopping_cancels_everything_pending(engine):
    _people(engine, 1)
    with session_scope(engine) as session:
        assert cancel_open(session, 1) == 2
    with session_scope(engine) as session:
        assert claim_due(session, now=NOW, worker="a") == []
