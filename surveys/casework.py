"""What workers ask of the system: what goes out soon, who has not answered, who wants a call.

Shared by the `heard` command and the staff commands in Telegram. Case references only,
never names: that is all the database holds.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.alerts import waiting
from surveys.case_record import as_imported
from surveys.models import (OPEN_STATUSES, Audience, Channel, person_label, CallbackOutcome, CallbackRequest, Case, Consent, Invitation,
                            InviteLink, InvitationStatus, Participant, Role)
from surveys.schedule import callback_escalation_due
from surveys.web_sessions import on_web


@dataclass(frozen=True)
class WorklistEntry:
    """One person on a worker's list (due soon, not answered, a call-back, an alert), and why."""

    case_ref: str
    audience: Audience
    participant_ref: str
    survey_id: str
    when: datetime | None
    note: str

    def who(self) -> str:
        return person_label(self.case_ref, self.audience, self.participant_ref)


def _rows(session: Session, service_id: int, *where):
    return session.exec(
        select(Invitation, Participant, Case)
        .join(Participant, Participant.id == Invitation.participant_id)
        .join(Case, Case.id == Participant.case_id)
        .where(Case.service_id == service_id, *where)
    ).all()


def _entry(invitation: Invitation, participant: Participant, case: Case, when, note: str) -> WorklistEntry:
    return WorklistEntry(case.case_ref, participant.audience, participant.participant_ref, invitation.survey_id, when, note)


def waiting_reason(participant: Participant) -> str:
    if participant.unreachable_at:
        return "blocked the bot: please contact them another way"
    if participant.opted_out_at:
        return "said stop"
    if by_link(participant):  # issue 15: the dispatcher sends them a fresh web link by SMS or email
        if participant.consent == Consent.declined:
            return "said no thanks"
        return f"will be sent by {'text message' if participant.channel == Channel.sms else 'email'}"
    if participant.chat_hash is None:
        return "has not tapped their link yet"
    if participant.consent != Consent.given:
        return "has not agreed yet"
    return "will be sent"


def by_link(participant: Participant) -> bool:
    """Reached by a link in a text message or email (and we hold where to send it)."""
    return bool((participant.channel == Channel.sms and participant.phone)
                or (participant.channel == Channel.email and participant.email))


def due_soon(session: Session, service_id: int, *, now: datetime, days: int = 7) -> list[WorklistEntry]:
    """Surveys due to go out in the next ``days`` days (and any overdue), soonest first.

    People who cannot get them because their link expired (or none was made) are left out:
    :func:`needs_link` lists them with the command that fixes it.
    """
    rows = _rows(session, service_id, Invitation.status == InvitationStatus.scheduled,
                 Invitation.due_at <= now + timedelta(days=days))
    stuck = _without_live_link(session, [p for _i, p, _c in rows], now)
    web = on_web(session, {p.id for _i, p, _c in rows})
    lines = [_entry(inv, p, c, inv.due_at, WEB_WAITING if p.id in web and not p.opted_out_at else waiting_reason(p))
             for inv, p, c in rows if p.id not in stuck]
    return sorted(lines, key=lambda line: line.when)


# The dispatcher has no chat to send to: the survey opens when they next look at the web page.
WEB_WAITING = "answers on the web: shown when they next open the page"


def needs_link(session: Session, service_id: int, *, now: datetime, days: int = 7,
               in_chat: bool = False) -> list[WorklistEntry]:
    """Surveys due (or overdue) for people whose invitation link has expired or was never made.

    Each line's note is the command that makes them a new link: `heard invite ...`, or with
    ``in_chat`` the staff command `/invite ...` (a worker in Telegram may have no command line).
    """
    rows = _rows(session, service_id, Invitation.status == InvitationStatus.scheduled,
                 Invitation.due_at <= now + timedelta(days=days))
    stuck = _without_live_link(session, [p for _i, p, _c in rows], now)
    lines = []
    for inv, p, c in rows:
        if p.id not in stuck:
            continue
        expired = stuck[p.id]
        web = p.channel == Channel.web  # a child under 16 must not be handed a Telegram link
        if in_chat:
            command = " ".join(filter(None, ("/invite", c.case_ref, p.audience, p.participant_ref, "web" if web else "")))
        else:
            command = (f"heard invite {c.case_ref} --audience {p.audience}"
                       + (f" --participant-ref {p.participant_ref}" if p.participant_ref else "")
                       + (" --channel web" if web else ""))
        why = f"link expired {expired.strftime('%d %b %Y')}" if expired else "no link made yet"
        lines.append(_entry(inv, p, c, inv.due_at, f"{why}: {command}"))
    return sorted(lines, key=lambda line: line.when)


def _without_live_link(session: Session, people: list[Participant], now: datetime) -> dict[int, datetime | None]:
    """Unlinked people with no usable link: participant id -> when their newest link expired (None: never had one)."""
    unlinked = {p.id for p in people if p.chat_hash is None and p.erased_at is None and p.opted_out_at is None
                and not by_link(p)}
    unlinked -= on_web(session, unlinked)  # linked too, on the other channel
    if not unlinked:
        return {}
    links = session.exec(select(InviteLink).where(InviteLink.participant_id.in_(unlinked))).all()
    live = {link.participant_id for link in links if link.used_at is None and link.expires_at > now}
    newest: dict[int, datetime] = {}
    for link in links:
        newest[link.participant_id] = max(newest.get(link.participant_id, link.expires_at), link.expires_at)
    return {pid: newest.get(pid) for pid in unlinked - live}


def not_answered(session: Session, service_id: int) -> list[WorklistEntry]:
    """Surveys sent but not finished, and people we could not reach."""
    rows = _rows(session, service_id, Invitation.status.in_(
        [InvitationStatus.sent, InvitationStatus.started, InvitationStatus.failed]))
    lines = []
    for inv, p, c in rows:
        if inv.status == InvitationStatus.failed:
            note = "could not be delivered: please contact them another way"
            if (inv.last_error or "").startswith("notify:"):  # issue 15: say what GOV.UK Notify refused
                note += f" ({inv.last_error.removeprefix('notify: ')})"
        else:
            note = "started, not finished" if inv.status == InvitationStatus.started else "not opened yet"
            if inv.reminders_sent:
                note += f" ({inv.reminders_sent} reminder{'s' if inv.reminders_sent > 1 else ''} sent)"
            if (inv.last_error or "").startswith("notify: not delivered"):  # a delivery receipt said so
                note += f"; {inv.last_error.removeprefix('notify: ')}"
        lines.append(_entry(inv, p, c, inv.sent_at, note))
    return sorted(lines, key=lambda line: (line.when is None, line.when))


def open_callbacks(session: Session, service_id: int) -> list[WorklistEntry]:
    rows = session.exec(
        select(CallbackRequest, Participant, Case)
        .join(Participant, Participant.id == CallbackRequest.participant_id)
        .join(Case, Case.id == Participant.case_id)
        .where(CallbackRequest.service_id == service_id, CallbackRequest.done_at.is_(None))
        .order_by(CallbackRequest.created_at)).all()
    return [WorklistEntry(c.case_ref, p.audience, p.participant_ref, "", r.created_at, r.reason) for r, p, c in rows]


def open_alerts(session: Session, service_id: int) -> list[WorklistEntry]:
    return [WorklistEntry(a.case_ref, a.audience, a.participant_ref, "", a.created_at, f"{a.tier}: {a.reason}")
            for a in waiting(session, service_id)]


def stats(session: Session, service_id: int) -> dict:
    """Invitation and response counts by survey and status, for `heard stats`.

    "delivered" counts only surveys that reached the person: one that expired before it could
    be sent (nobody tapped their link) is counted as "never_sent" instead.
    """
    by_survey: dict[str, Counter] = {}
    never_sent: Counter = Counter()
    for inv, _p, _c in _rows(session, service_id):
        by_survey.setdefault(inv.survey_id, Counter())[inv.status] += 1
        if inv.status == InvitationStatus.expired and inv.sent_at is None:
            never_sent[inv.survey_id] += 1
    surveys = {}
    for survey_id, counts in sorted(by_survey.items()):
        delivered = sum(counts[s] for s in (InvitationStatus.sent, InvitationStatus.started,
                                            InvitationStatus.completed, InvitationStatus.expired))
        delivered -= never_sent[survey_id]
        responded = counts[InvitationStatus.started] + counts[InvitationStatus.completed]
        surveys[survey_id] = {
            "by_status": {status.value: counts[status] for status in InvitationStatus},
            "delivered": delivered, "never_sent": never_sent[survey_id], "responded": responded,
            "completed": counts[InvitationStatus.completed],
        }
    open_count = sum(c[s] for c in by_survey.values() for s in OPEN_STATUSES)
    return {"surveys": surveys, "open": open_count,
            "callbacks_open": len(open_callbacks(session, service_id)),
            "alerts_unacknowledged": len(open_alerts(session, service_id))}


# --- the staff loop: who may see which people's answers -------------------------------------------
# A young person's workers never see what a victim said, and a victim worker never sees what the
# young person or their family said. Managers see the board report's totals, duty workers the alerts.
AUDIENCE_VIEWERS: dict[Audience, frozenset[Role]] = {
    Audience.young_person: frozenset({Role.case_worker, Role.admin}),
    Audience.parent_carer: frozenset({Role.case_worker, Role.admin}),
    Audience.placement: frozenset({Role.case_worker, Role.admin}),
    Audience.victim: frozenset({Role.victim_worker, Role.admin}),
}


def audiences_seen_by(roles: set[Role]) -> set[Audience]:
    """The audiences whose answers someone holding ``roles`` may read (and invite)."""
    return {audience for audience, viewers in AUDIENCE_VIEWERS.items() if roles & viewers}


def explain_missing(session: Session, service_id: int, case_ref: str, audience: Audience,
                    participant_ref: str = "") -> str:
    """Why nobody matches (case, audience, ref), and what to type instead."""
    case_ref = as_imported(session, service_id, case_ref).case_ref
    case = session.exec(select(Case).where(Case.service_id == service_id, Case.case_ref == case_ref)).first()
    if case is None:
        return f"There is no case {case_ref} in this service. Check the reference, or import it: heard cases import FILE.csv"
    people = session.exec(select(Participant).where(Participant.case_id == case.id)).all()
    same = sorted(p.participant_ref for p in people if p.audience == audience)
    if not same:
        held = sorted({p.audience.replace("_", " ") for p in people}) or ["nobody"]
        return (f"Case {case_ref} has no {audience.value.replace('_', ' ')} (it has: {', '.join(held)}). "
                f"Add them to the case-management export and import it again.")
    refs = ", ".join(ref or "(none)" for ref in same)
    if not participant_ref and len(same) == 1:
        only = same[0]
        return f"The {audience.value.replace('_', ' ')} of case {case_ref} is {only}: add --participant-ref {only}."
    if not participant_ref:
        return f"Case {case_ref} has more than one {audience.value.replace('_', ' ')}: say which with --participant-ref ({refs})."
    return f"Case {case_ref} has no {audience.value.replace('_', ' ')} {participant_ref!r}: use --participant-ref {refs}."


# --- call-backs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenCallback:
    """A request for contact nobody has closed yet."""

    callback_id: int
    case_ref: str
    audience: str
    participant_ref: str
    reason: str
    created_at: datetime
    escalations: int

    def who(self) -> str:
        return person_label(self.case_ref, self.audience, self.participant_ref)


def waiting_callbacks(session: Session, service_id: int) -> list[OpenCallback]:
    """Every open request for contact in this service, oldest first."""
    rows = session.exec(
        select(CallbackRequest, Participant, Case)
        .join(Participant, Participant.id == CallbackRequest.participant_id)
        .join(Case, Case.id == Participant.case_id)
        .where(CallbackRequest.service_id == service_id, CallbackRequest.done_at.is_(None))
        .order_by(CallbackRequest.created_at, CallbackRequest.id)).all()
    return [OpenCallback(r.id, c.case_ref, p.audience, p.participant_ref, r.reason, r.created_at, r.escalations)
            for r, p, c in rows]


def close_callback(session: Session, service_id: int, callback_id: int, outcome: CallbackOutcome, *,
                   staff_id: int | None, now: datetime) -> bool:
    """Record how an open request ended; False if it was closed already or is not this service's.

    One conditional UPDATE, so two workers pressing at once record one outcome.
    """
    return session.execute(
        sa.update(CallbackRequest)
        .where(CallbackRequest.id == callback_id, CallbackRequest.service_id == service_id,
               CallbackRequest.done_at.is_(None))
        .values(done_at=now, done_by=staff_id, outcome=outcome.value)).rowcount == 1


def callbacks_to_escalate(session: Session, service_id: int, *, now: datetime, zone) -> list[int]:
    """Open requests past CALLBACK_WORKING_DAYS working days not yet reminded to managers today."""
    rows = session.exec(select(CallbackRequest).where(CallbackRequest.service_id == service_id,
                                                      CallbackRequest.done_at.is_(None))).all()
    return [r.id for r in rows if callback_escalation_due(r.created_at, r.escalated_at, now, zone)]


@dataclass(frozen=True)
class CallbackFigures:
    """Call-backs for the board report: people, not answers."""

    people_asked: int  # distinct people with at least one request in the period
    requests: int
    by_outcome: dict[str, int]  # called, no_answer, declined, open
    median_hours_to_call: float | None  # from the request to the worker recording "called"
    calls_timed: int  # how many "called" requests the median is taken over


def callback_figures(session: Session, service_id: int, start: datetime, end: datetime) -> CallbackFigures:
    """Requests made in [start, end): how many people asked, how each ended, the median time to a call.

    Suppressing small numbers is the report's job (any figure under 5).
    """
    rows = session.exec(select(CallbackRequest).where(
        CallbackRequest.service_id == service_id, CallbackRequest.created_at >= start,
        CallbackRequest.created_at < end)).all()
    outcomes = Counter(r.outcome or "open" for r in rows)
    hours = [(r.done_at - r.created_at).total_seconds() / 3600 for r in rows
             if r.outcome == CallbackOutcome.called and r.done_at is not None]
    return CallbackFigures(
        people_asked=len({r.participant_id for r in rows}), requests=len(rows),
        by_outcome={name: outcomes[name] for name in [*(o.value for o in CallbackOutcome), "open"]},
        median_hours_to_call=round(statistics.median(hours), 1) if hours else None, calls_timed=len(hours))
