"""Stand-ins for the survey definitions, theme codebook and redactor, plus data builders.

The report takes these as parameters; the real ones live in surveys.schema and
analysis.themes / analysis.redact. Only the attributes the report reads are faked.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from surveys.models import (Answer, BoardAction, Case, Invitation, Participant, SafeguardingAlert, Service)
from surveys.store import session_scope


def question(qid, qtype, text, area=None, options=(), callback=False):
    return SimpleNamespace(id=qid, type=qtype, text={"en": text}, area=area, callback=callback,
                           options=[SimpleNamespace(value=v, label={"en": label}) for v, label in options])


def definition(sid, audience, title, questions):
    return SimpleNamespace(id=sid, version=1, audience=audience, title={"en": title}, questions=questions)


DEFINITIONS = {
    "yp_exit": definition("yp_exit", "young_person", "Young person exit", [
        question("listened", "scale5", "Did your worker listen to you?"),
        question("helped", "scale5", "Did working with us help you?"),
        question("j_school", "journey10", "How is school going?", area="education"),
        question("j_feel", "journey10", "How are you feeling in yourself?", area="wellbeing"),
        question("better", "text", "What could we do better?"),
    ]),
    "yp_start": definition("yp_start", "young_person", "Starting out", [
        question("j_school", "journey10", "How is school going?", area="education"),
        question("j_feel", "journey10", "How are you feeling in yourself?", area="wellbeing"),
    ]),
    "yp_review": definition("yp_review", "young_person", "Order review check-in", [
        question("j_school", "journey10", "How is school going?", area="education"),
        question("j_feel", "journey10", "How are you feeling in yourself?", area="wellbeing"),
    ]),
    "pc_exit": definition("pc_exit", "parent_carer", "Parent or carer exit", [
        question("informed", "scale5", "Did we keep you informed?"),
        question("comments", "text", "Anything else you want to tell us?"),
    ]),
    "victim_followup": definition("victim_followup", "victim", "Victim follow-up", [
        question("safer", "yesno", "Do you feel safer now?"),
        question("support", "choice", "How well did we support you?",
                 options=[("well", "Very well"), ("ok", "Okay"), ("poorly", "Not well")]),
        question("call", "yesno", "Would you like a call from us?", callback=True),
        question("comments", "text", "Anything else you want to tell us?"),
    ]),
}

THEME_IDS = ["listened_to", "worker_relationship", "explained_clearly", "consequences_victims", "education_school",
             "emotional_wellbeing", "family_support", "safety_exploitation", "substance_use", "fairness_speed",
             "activities_skills", "practical_access", "victim_support", "feeling_safer", "apology_remorse",
             "restorative_process"]
CATALOGUE = {theme: (theme.replace("_", " ").capitalize(), f"Comments about {theme.replace('_', ' ')}.")
             for theme in THEME_IDS}


def redact(text: str) -> str:
    """A trivial redactor: capitalised names from a fixed list, and phone numbers."""
    text = re.sub(r"\b(Sam|Priya|Jordan|Kelly)\b", "[name]", text)
    return re.sub(r"\b0\d{4} ?\d{6}\b", "[phone]", text)


UTC = timezone.utc


def approve_every_quote(engine, code: str = "yot") -> None:
    """A manager approves every comment as a quote (the report still chooses which to print)."""
    from datetime import datetime

    from sqlmodel import select

    from analysis.quotes import decide
    from surveys.models import QuoteDecision
    from surveys.store import session_scope

    with session_scope(engine) as session:
        service = session.exec(select(Service).where(Service.code == code)).one()
        ids = session.exec(select(Answer.id).where(Answer.free_text.is_not(None))).all()
        decide(session, service.id, ids, QuoteDecision.approved, "cli", datetime(2026, 10, 1, tzinfo=UTC))


class Builder:
    """Adds cases, people, invitations and answers through the real tables."""

    def __init__(self, session, code="yot"):
        self.session = session
        self.service = Service(code=code, name="Riverside Youth Justice Service")
        session.add(self.service)
        session.flush()
        self.cases = 0

    def case(self, **details) -> Case:
        self.cases += 1
        case = Case(service_id=self.service.id, case_ref=details.pop("case_ref", f"YJ-{self.cases:05d}"), **details)
        self.session.add(case)
        self.session.flush()
        return case

    def person(self, case: Case, audience: str, ref: str = "") -> Participant:
        person = Participant(case_id=case.id, audience=audience, participant_ref=ref)
        self.session.add(person)
        self.session.flush()
        return person

    def invite(self, person, survey_id, sent_at, status="completed", occasion="exit") -> Invitation:
        started = sent_at + timedelta(hours=1) if status in ("started", "completed") else None
        invitation = Invitation(participant_id=person.id, survey_id=survey_id, occasion=occasion, status=status,
                                due_at=sent_at, sent_at=sent_at, started_at=started,
                                completed_at=sent_at + timedelta(hours=2) if status == "completed" else None)
        self.session.add(invitation)
        self.session.flush()
        return invitation

    def answer(self, invitation, question_id, value=None, text=None, sentiment=None, score=None, themes=(),
               skipped=False):
        self.session.add(Answer(invitation_id=invitation.id, question_id=question_id, value=value, free_text=text,
                                sentiment=sentiment, sentiment_score=score, themes=";".join(themes), skipped=skipped,
                                answered_at=invitation.sent_at + timedelta(hours=1)))

    def alert(self, person, created_at, acknowledged_after_min=None):
        self.session.add(SafeguardingAlert(
            service_id=self.service.id, participant_id=person.id, reason="possible disclosure", created_at=created_at,
            acknowledged_at=None if acknowledged_after_min is None else created_at + timedelta(minutes=acknowledged_after_min)))

    def action(self, theme, text, created_at, status="done", owner=None):
        self.session.add(BoardAction(service_id=self.service.id, theme=theme, text=text, created_at=created_at,
                                     action_on=created_at.date(), status=status, owner=owner))


# Short comments in the voice of the people who write them, with a theme and a sentiment each.
YP_COMMENTS = [
    ("Sam actually listened to me and didnt judge", "positive", 0.6, ("listened_to", "worker_relationship")),
    ("she explained everything properly so i knew what was happening", "positive", 0.5, ("explained_clearly",)),
    ("made me think about how the person i hurt felt", "positive", 0.3, ("consequences_victims",)),
    ("helped me get back into college", "positive", 0.5, ("education_school",)),
    ("it took ages to get sorted, too many appointments", "negative", -0.4, ("fairness_speed",)),
    ("my worker helped with my anxiety a lot", "positive", 0.4, ("emotional_wellbeing", "worker_relationship")),
    ("boxing sessions were good", "positive", 0.7, ("activities_skills",)),
    ("bus fare to get there was hard", "negative", -0.2, ("practical_access",)),
    ("got me away from the people i was running with", "positive", 0.3, ("safety_exploitation",)),
    ("ok i guess", "neutral", 0.0, ()),
    ("helped me and my mum stop arguing", "positive", 0.4, ("family_support",)),
    ("stopped smoking weed as much", "positive", 0.2, ("substance_use",)),
    ("felt like nobody listened at the panel", "negative", -0.5, ("listened_to", "fairness_speed")),
]
PC_COMMENTS = [
    ("They kept me in the loop every week", "positive", 0.5, ("explained_clearly",)),
    ("Priya was brilliant with my son, call me on 07700 900123 if you need", "positive", 0.8, ("worker_relationship",)),
    ("The whole family got support we needed", "positive", 0.5, ("family_support",)),
    ("School still isnt helping him", "negative", -0.3, ("education_school",)),
    ("Meetings always in work hours", "negative", -0.2, ("practical_access",)),
]
VICTIM_COMMENTS = [
    ("The victim worker was kind and kept me updated", "positive", 0.6, ("victim_support",)),
    ("I feel a lot safer walking home now", "positive", 0.4, ("feeling_safer",)),
    ("The letter of apology felt genuine", "positive", 0.5, ("apology_remorse",)),
    ("Took months to hear anything back", "negative", -0.4, ("fairness_speed",)),
    ("Meeting him face to face helped me move on", "positive", 0.3, ("restorative_process",)),
]


def populate_realistic(engine, young_people=260, seed=7, period_start=date(2026, 7, 1)):
    """A plausible YOT over a year: reviews and exits, parents, victims, alerts and actions."""
    rng = random.Random(seed)
    start = datetime.combine(period_start, datetime.min.time(), UTC) - timedelta(days=273)
    span = 365
    with session_scope(engine) as session:
        build = Builder(session)
        for i in range(young_people):
            case = build.case(
                disposal=rng.choices(["Referral Order", "Youth Rehabilitation Order", "Youth Caution",
                                      "Youth Conditional Caution", "Community Resolution", "Detention and Training Order"],
                                     [30, 20, 15, 12, 20, 3])[0],
                locality=rng.choice(["North", "South", "East", "West"]),
                gender=rng.choices(["Male", "Female", "Non-binary", None], [74, 23, 1, 2])[0],
                looked_after=rng.random() < 0.12,
                ethnicity=rng.choices(["White", "Black", "Asian", "Mixed", "Other", None], [62, 14, 10, 9, 3, 2])[0],
                age_band=rng.choice(["10-13", "14-15", "16-17"]),
                send=rng.choices([True, False, None], [35, 60, 5])[0])
            sent = start + timedelta(days=rng.uniform(0, span), hours=rng.uniform(9, 18))
            yp = build.person(case, "young_person")
            if rng.random() < 0.5:  # the start-of-intervention survey, the baseline for distance travelled
                begin = build.invite(yp, "yp_start", sent - timedelta(days=rng.randint(160, 300)), "completed",
                                     occasion="start")
                build.answer(begin, "j_school", str(rng.randint(1, 6)))
                build.answer(begin, "j_feel", str(rng.randint(1, 6)))
            if rng.random() < 0.6:  # a review check-in some months before the exit
                review = build.invite(yp, "yp_review", sent - timedelta(days=rng.randint(60, 150)), "completed",
                                      occasion="review")
                if review.sent_at >= start:
                    base_school, base_feel = rng.randint(2, 7), rng.randint(2, 7)
                    build.answer(review, "j_school", str(base_school))
                    build.answer(review, "j_feel", str(base_feel))
            status = rng.choices(["completed", "started", "sent", "expired"], [55, 10, 20, 15])[0]
            inv = build.invite(yp, "yp_exit", sent, status)
            if status in ("completed", "started"):
                build.answer(inv, "listened", str(rng.choices([1, 2, 3, 4, 5], [3, 5, 12, 35, 45])[0]))
                build.answer(inv, "helped", str(rng.choices([1, 2, 3, 4, 5], [5, 8, 17, 35, 35])[0]))
                build.answer(inv, "j_school", str(min(10, max(1, rng.randint(3, 9)))))
                build.answer(inv, "j_feel", str(min(10, max(1, rng.randint(3, 9)))))
                if rng.random() < 0.7:
                    text, sentiment, score, themes = rng.choice(YP_COMMENTS)
                    build.answer(inv, "better", None, text, sentiment, score, themes)
            if rng.random() < 0.5:
                parent = build.person(case, "parent_carer")
                status = rng.choices(["completed", "sent", "expired"], [50, 30, 20])[0]
                pinv = build.invite(parent, "pc_exit", sent + timedelta(days=1), status)
                if status == "completed":
                    build.answer(pinv, "informed", str(rng.choices([1, 2, 3, 4, 5], [5, 5, 15, 35, 40])[0]))
                    if rng.random() < 0.6:
                        build.answer(pinv, "comments", None, *rng.choice(PC_COMMENTS))
            if rng.random() < 0.25:
                victim = build.person(case, "victim", "V1")
                status = rng.choices(["completed", "sent"], [60, 40])[0]
                vinv = build.invite(victim, "victim_followup", sent + timedelta(days=14), status, occasion="followup:1")
                if status == "completed":
                    build.answer(vinv, "safer", rng.choices(["yes", "no"], [70, 30])[0])
                    build.answer(vinv, "support", rng.choices(["well", "ok", "poorly"], [60, 30, 10])[0])
                    build.answer(vinv, "call", rng.choices(["yes", "no"], [20, 80])[0])
                    if rng.random() < 0.7:
                        build.answer(vinv, "comments", None, *rng.choice(VICTIM_COMMENTS))
            if rng.random() < 0.04:
                build.alert(yp, sent + timedelta(hours=2), rng.choice([5, 12, 20, 28, 45, None]))
        in_period = datetime.combine(period_start, datetime.min.time(), UTC) + timedelta(days=20)
        build.action("fairness_speed", "Panel meetings now booked within two weeks of the order, with a text reminder the day before.", in_period)
        build.action("practical_access", "Bus passes offered to every young person who travels more than two miles.", in_period)
        build.action("education_school", "A named education worker now joins every review for children out of school.", in_period)
