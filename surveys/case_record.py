"""A worker's view of one case, and everything held about one person.

`heard case show`, `/case`, `heard case export` and `heard participant export` are thin shells
over these functions. Gathering reads the database; rendering is pure. Texts come back decrypted,
so every caller writes an audit entry naming who looked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from html import escape

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.models import (Answer, AuditEvent, Audience, CallbackOutcome, CallbackRequest, Case, Invitation,
                            InviteLink, Participant, SafeguardingAlert, Staff)
from surveys.text import clean_text

CALLBACK_OUTCOME_WORDS = {CallbackOutcome.called: "called", CallbackOutcome.no_answer: "no answer, tried again",
                          CallbackOutcome.declined: "declined"}


@dataclass(frozen=True)
class AnswerView:
    question: str
    answer: str


@dataclass(frozen=True)
class SurveyView:
    survey_id: str
    title: str
    status: str
    due_at: datetime
    sent_at: datetime | None
    completed_at: datetime | None
    answers: list[AnswerView]


@dataclass(frozen=True)
class AlertView:
    alert_id: int
    tier: str
    reason: str
    text: str | None
    created_at: datetime
    taken_by: str | None
    taken_at: datetime | None


@dataclass(frozen=True)
class CallbackView:
    callback_id: int
    reason: str
    created_at: datetime
    outcome: str | None
    done_at: datetime | None
    done_by: str | None


@dataclass(frozen=True)
class PersonView:
    participant_id: int
    audience: str
    participant_ref: str
    linked: bool
    consent: str
    stopped: bool
    erased: bool
    surveys: list[SurveyView] = field(default_factory=list)
    alerts: list[AlertView] = field(default_factory=list)
    callbacks: list[CallbackView] = field(default_factory=list)

    def who(self) -> str:
        return self.audience.replace("_", " ") + (f" {self.participant_ref}" if self.participant_ref else "")


@dataclass(frozen=True)
class CaseView:
    case_ref: str
    disposal: str | None
    locality: str | None
    intervention_end: str | None
    people: list[PersonView]
    hidden_audiences: int  # people on the case this viewer may not see (never who they are)


def find_case(session: Session, service_id: int, case_ref: str) -> Case | None:
    return session.exec(select(Case).where(Case.service_id == service_id, Case.case_ref == case_ref)).first()


@dataclass(frozen=True)
class TypedRef:
    """A case (and person) as a worker typed them on a phone, matched to what was imported."""

    case_ref: str  # as imported, when one case matches whatever the capitals; else as typed
    participant_ref: str  # likewise, among that case's people of the audience
    refs: list[str] | None  # the references of the case's people of the audience; None: no such case


def as_imported(session: Session, service_id: int, case_ref: str, audience: Audience | None = None,
                participant_ref: str = "") -> TypedRef:
    """"yj-24-0117" finds YJ-24-0117, and "v1" finds V1, unless two of them differ only in capitals."""
    case_ref, participant_ref = clean_text(case_ref), clean_text(participant_ref)
    cases = session.exec(select(Case.id, Case.case_ref).where(
        Case.service_id == service_id, sa.func.lower(Case.case_ref) == case_ref.lower())).all()
    case = next((c for c in cases if c.case_ref == case_ref), cases[0] if len(cases) == 1 else None)
    if case is None:
        return TypedRef(case_ref, participant_ref, None)
    refs = [] if audience is None else sorted(session.exec(select(Participant.participant_ref).where(
        Participant.case_id == case.id, Participant.audience == audience)).all())
    same = [ref for ref in refs if ref.lower() == participant_ref.lower()]
    if participant_ref not in same and len(same) == 1:
        participant_ref = same[0]
    return TypedRef(case.case_ref, participant_ref, refs)


def case_view(session: Session, case: Case, definitions: dict, audiences: set[Audience] | None = None) -> CaseView:
    """Every answer, alert and call-back on the case, for the people in ``audiences`` (None: everyone)."""
    everyone = session.exec(select(Participant).where(Participant.case_id == case.id)
                            .order_by(Participant.audience, Participant.participant_ref)).all()
    shown = [p for p in everyone if audiences is None or Audience(p.audience) in audiences]
    return CaseView(case.case_ref, case.disposal, case.locality,
                    case.intervention_end.isoformat() if case.intervention_end else None,
                    [person_view(session, p, definitions) for p in shown], len(everyone) - len(shown))


def person_view(session: Session, participant: Participant, definitions: dict) -> PersonView:
    invitations = session.exec(select(Invitation).where(Invitation.participant_id == participant.id)
                               .order_by(Invitation.due_at, Invitation.id)).all()
    alerts = session.exec(select(SafeguardingAlert).where(SafeguardingAlert.participant_id == participant.id)
                          .order_by(SafeguardingAlert.created_at)).all()
    callbacks = session.exec(select(CallbackRequest).where(CallbackRequest.participant_id == participant.id)
                             .order_by(CallbackRequest.created_at)).all()
    return PersonView(
        participant.id, participant.audience, participant.participant_ref, participant.chat_hash is not None,
        participant.consent, participant.opted_out_at is not None, participant.erased_at is not None,
        surveys=[_survey_view(session, inv, definitions.get(inv.survey_id)) for inv in invitations],
        alerts=[AlertView(a.id, a.tier, a.reason, a.text, a.created_at, _staff_name(session, a.acknowledged_by),
                          a.acknowledged_at) for a in alerts],
        callbacks=[CallbackView(r.id, r.reason, r.created_at, r.outcome, r.done_at, _staff_name(session, r.done_by))
                   for r in callbacks])


def _staff_name(session: Session, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    staff = session.get(Staff, staff_id)
    return (staff.name or f"staff {staff_id}") if staff else None


def _survey_view(session: Session, invitation: Invitation, definition) -> SurveyView:
    rows = {row.question_id: row for row in session.exec(select(Answer).where(Answer.invitation_id == invitation.id))}
    questions = definition.questions if definition else []
    ordered = [q for q in questions if q.id in rows] + [_Unknown(qid) for qid in rows if qid not in {q.id for q in questions}]
    return SurveyView(invitation.survey_id, definition.title.get() if definition else invitation.survey_id,
                      invitation.status, invitation.due_at, invitation.sent_at, invitation.completed_at,
                      [AnswerView(q.text.get() if hasattr(q, "text") else q.id, answer_words(q, rows[q.id]))
                       for q in ordered])


@dataclass(frozen=True)
class _Unknown:
    """An answer to a question the current survey no longer has (its wording changed since)."""

    id: str
    type: str = "unknown"
    options: tuple = ()


def answer_words(question, row: Answer) -> str:
    """An answer as a worker reads it: option labels, '4 of 5', or what they typed."""
    if row.skipped:
        return "(skipped)"
    if row.free_text is not None:
        return row.free_text
    if row.value is None:
        return "(erased)"
    labels = {option.value: option.label.get() for option in question.options}
    if question.type == "scale5":
        return f"{row.value} of 5"
    if question.type == "journey10":
        return f"{row.value} of 10"
    if question.type == "yesno":
        return row.value.capitalize()
    return "; ".join(labels.get(value, value) for value in row.value.split(";"))


# --- rendering (pure) ----------------------------------------------------------------------------

def _when(moment: datetime | None, zone) -> str:
    return moment.astimezone(zone).strftime("%d %b %Y %H:%M") if moment else "-"


def case_lines(view: CaseView, zone) -> list[str]:
    """The case as plain text lines: for the terminal, a .txt export and Telegram."""
    lines = [f"Case {view.case_ref}" + "".join(f" · {part}" for part in (view.disposal, view.locality) if part)
             + (f" · ended {view.intervention_end}" if view.intervention_end else "")]
    if not view.people:
        lines.append("Nobody on this case that you may see.")
    for person in view.people:
        state = ", ".join(filter(None, ["linked" if person.linked else "not linked", f"consent {person.consent}",
                                        "said stop" if person.stopped else "", "erased" if person.erased else ""]))
        lines += ["", f"== {person.who()} ({state})"]
        for survey in person.surveys:
            lines.append(f"-- {survey.title} [{survey.survey_id}]: {survey.status}, due {_when(survey.due_at, zone)}"
                         + (f", finished {_when(survey.completed_at, zone)}" if survey.completed_at else ""))
            lines += [f"   {a.question}\n     > {a.answer}" for a in survey.answers]
        for alert in person.alerts:
            taken = f"taken by {alert.taken_by or 'someone'} {_when(alert.taken_at, zone)}" if alert.taken_at else "NOT TAKEN"
            lines.append(f"!! Alert #{alert.alert_id} ({alert.tier}) {_when(alert.created_at, zone)}: {alert.reason}; {taken}")
            lines.append(f"     > {alert.text if alert.text is not None else '(text erased)'}")
        for call in person.callbacks:
            ended = (f"{CALLBACK_OUTCOME_WORDS.get(call.outcome, call.outcome)} {_when(call.done_at, zone)}"
                     + (f" by {call.done_by}" if call.done_by else "")) if call.done_at else "OPEN"
            lines.append(f"Call-back #{call.callback_id} {_when(call.created_at, zone)}: {call.reason}; {ended}")
        if not (person.surveys or person.alerts or person.callbacks):
            lines.append("   Nothing yet.")
    if view.hidden_audiences:
        lines += ["", f"({view.hidden_audiences} other people on this case are not shown to you.)"]
    return lines


def case_html(view: CaseView, zone, service_name: str, printed: datetime) -> str:
    """A one-page summary to attach to the case record (WeasyPrint makes the PDF)."""
    body = []
    for person in view.people:
        rows = []
        for survey in person.surveys:
            if not survey.answers:
                continue
            rows.append(f"<tr><th colspan=2>{escape(survey.title)} · {escape(_when(survey.completed_at or survey.sent_at, zone))}</th></tr>")
            rows += [f"<tr><td>{escape(a.question)}</td><td>{escape(a.answer)}</td></tr>" for a in survey.answers]
        notes = [f"<li>Safeguarding alert ({escape(a.tier)}), {escape(_when(a.created_at, zone))}: {escape(a.reason)}; "
                 f"{'taken by ' + escape(a.taken_by or 'a colleague') if a.taken_at else 'not taken'}</li>" for a in person.alerts]
        notes += [f"<li>Asked for contact, {escape(_when(c.created_at, zone))}: "
                  f"{escape(CALLBACK_OUTCOME_WORDS.get(c.outcome, 'still open') if c.done_at else 'still open')}</li>"
                  for c in person.callbacks]
        body.append(f"<h2>{escape(person.who().capitalize())}</h2>"
                    + (f"<table>{''.join(rows)}</table>" if rows else "<p>No answers yet.</p>")
                    + (f"<ul>{''.join(notes)}</ul>" if notes else ""))
    style = ("@page{size:A4;margin:12mm}body{font:8.5pt sans-serif}h1{font-size:13pt;margin:0}"
             "h2{font-size:10pt;margin:8pt 0 2pt}table{border-collapse:collapse;width:100%}"
             "td,th{border:0.5pt solid #999;padding:1.5pt 3pt;text-align:left;vertical-align:top}"
             "th{background:#eee}td:first-child{width:45%}ul{margin:2pt 0;padding-left:12pt}.meta{color:#555}")
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{escape(view.case_ref)}</title>"
            f"<style>{style}</style></head><body><h1>Feedback summary: case {escape(view.case_ref)}</h1>"
            f"<p class=meta>{escape(service_name)} · printed {escape(_when(printed, zone))} · "
            f"alert texts are not printed here (heard case show has them)</p>{''.join(body)}</body></html>")


# --- a subject access request ------------------------------------------------------------------

def participant_export(session: Session, participant: Participant, definitions: dict) -> dict:
    """Everything heard holds about one person, as plain data (for a subject access request)."""
    case = session.get(Case, participant.case_id)
    view = person_view(session, participant, definitions)
    links = session.exec(select(InviteLink).where(InviteLink.participant_id == participant.id)
                         .order_by(InviteLink.created_at)).all()
    events = session.exec(select(AuditEvent).where(AuditEvent.subject == f"participant:{participant.id}")
                          .order_by(AuditEvent.at)).all()
    return {
        "case": {"case_ref": case.case_ref, "disposal": case.disposal, "locality": case.locality,
                 "intervention_start": case.intervention_start, "intervention_end": case.intervention_end,
                 "age_band": case.age_band, "gender": case.gender, "ethnicity": case.ethnicity, "send": case.send,
                 "looked_after": case.looked_after, "review_dates": case.review_dates,
                 "restorative_closed_on": case.restorative_closed_on},
        "person": {"audience": participant.audience, "participant_ref": participant.participant_ref,
                   "telegram_chat_id": participant.chat_id, "language": participant.language,
                   # issue 15: how we reach them, and where (a subject access request covers these too)
                   "channel": participant.channel, "phone": participant.phone, "email": participant.email,
                   "consent": participant.consent, "consent_at": participant.consent_at,
                   "opted_out_at": participant.opted_out_at, "unreachable_at": participant.unreachable_at,
                   "erased_at": participant.erased_at, "created_at": participant.created_at},
        "surveys": [asdict(survey) for survey in view.surveys],
        "safeguarding_alerts": [asdict(alert) for alert in view.alerts],
        "call_back_requests": [asdict(call) for call in view.callbacks],
        "invitation_links": [{"created_at": link.created_at, "expires_at": link.expires_at, "used_at": link.used_at}
                             for link in links],
        "activity": [{"at": e.at, "action": e.action, "by": e.actor} for e in events],
    }
