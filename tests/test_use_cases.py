"""The participant and answering use cases, called the way any channel calls them: ids and inputs
in, plain records out, no Telegram anywhere (a web chat drives them the same way)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from surveys import answering, participants
from surveys import engine as survey_engine
from surveys.answering import Delivery, Press, ShownQuestion, TextFindings, TurnKind
from surveys.enrol import create_invite, find_participant, import_rows, parse_csv
from surveys.invitations import claim_due, mark_sent
from surveys.models import Answer, Audience, Consent, Invitation, InvitationStatus
from surveys.schema import load_all
from surveys.settings import Settings
from surveys.store import ensure_service, session_scope
from tests.bot_world import CASES, START

DEFINITIONS = load_all()
CHAT, OTHER_CHAT = 9001, 9002


def _no_findings(text, question, audience):
    return TextFindings()


def _ready(engine_):
    """One YOT, its cases imported, one young person linked in CHAT who said yes, with a survey sent."""
    from surveys.invitations import sync_cases

    settings = Settings(database_url="sqlite://", _env_file=None)
    with session_scope(engine_) as session:
        service_id = ensure_service(session, "yot", "Test YOT").id
        summary = import_rows(session, service_id, parse_csv(CASES), now=START)
        sync_cases(session, summary.case_ids, DEFINITIONS, zone=settings.zone, window=settings.window, now=START)
        code = create_invite(session, find_participant(session, service_id, "YJ-24-0117", Audience.young_person),
                             now=START, days=30)
    with session_scope(engine_) as session:
        started = participants.start(session, service_id=service_id, chat_id=CHAT, code=code, now=START,
                                     definitions=DEFINITIONS)
    assert started.person.linked and started.ask_language and started.reply is None  # the welcome waits
    with session_scope(engine_) as session:
        person = participants.choose_language(session, service_id=service_id, chat_id=CHAT, lang="cy", now=START,
                                              definitions=DEFINITIONS)
        assert (person.lang, person.consent) == ("cy", Consent.pending)
        chosen = participants.choose_consent(session, service_id=service_id, chat_id=CHAT, agreed=True, now=START,
                                             definitions=DEFINITIONS)
        assert chosen.recorded and chosen.person.survey is None  # nothing sent yet
        [invitation_id] = claim_due(session, now=START + timedelta(days=400), worker="test", limit=1,
                                    participant_id=chosen.person.participant_id)
        invitation = session.get(Invitation, invitation_id)
        mark_sent(invitation, DEFINITIONS[invitation.survey_id].schedule, now=START, message_id=None)
    return service_id, invitation_id


def _press(engine_, service_id, press, update_id, *, chat=CHAT, shown=None):
    with session_scope(engine_) as session:
        return answering.take_press(session, service_id=service_id, chat_id=chat, press=press,
                                    delivery=Delivery(1, update_id), definitions=DEFINITIONS, now=START,
                                    analyse=_no_findings, shown=shown)


def test_a_press_is_answered_once_and_only_by_its_person(engine):
    service_id, invitation_id = _ready(engine)
    with session_scope(engine) as session:
        where = participants.whereabouts(session, service_id=service_id, chat_id=CHAT, definitions=DEFINITIONS)
    first = where.survey
    assert first.id == invitation_id and isinstance(first.step, survey_engine.Ask) and first.question_index is not None
    skip = Press("skip", invitation_id, first.question_index)

    assert _press(engine, service_id, skip, 10, chat=OTHER_CHAT).kind == TurnKind.forged  # not their survey
    turn = _press(engine, service_id, skip, 11, shown=ShownQuestion(invitation_id, 77))
    assert turn.kind == TurnKind.answered and turn.lang == "cy" and turn.problem is None
    assert turn.asked == first.step and turn.step != first.step and turn.question_message_id == 77
    assert _press(engine, service_id, skip, 11).kind == TurnKind.repeat  # the same update again
    again = _press(engine, service_id, skip, 12)  # an old button for a question already past
    assert again.kind == TurnKind.repeat and again.step == turn.step
    with session_scope(engine) as session:
        invitation = session.get(Invitation, invitation_id)
        assert invitation.status == InvitationStatus.started and invitation.message_id is None
        assert [row.question_id for row in session.exec(select(Answer))] == [first.step.question.id]


def test_typed_text_answers_the_open_question_or_says_why_not(engine):
    service_id, invitation_id = _ready(engine)

    def typed(text, update_id, chat=CHAT):
        with session_scope(engine) as session:
            return answering.take_typed(session, service_id=service_id, chat_id=chat, text=text,
                                        delivery=Delivery(1, update_id), definitions=DEFINITIONS, now=START,
                                        analyse=_no_findings)

    assert typed("hello", 20, chat=OTHER_CHAT).kind == TurnKind.not_linked
    refused = typed("not a number at all", 21)
    assert refused.kind == TurnKind.answered and refused.problem is not None and refused.asked == refused.step
    answered = typed("4", 22)
    assert answered.kind == TurnKind.answered and answered.problem is None and answered.answer == survey_engine.Answer("4")
    assert typed("4", 22).kind == TurnKind.repeat


def test_stop_cancels_the_open_survey(engine):
    service_id, invitation_id = _ready(engine)
    with session_scope(engine) as session:
        kept = participants.confirm(session, service_id=service_id, chat_id=CHAT, action="stop", yes=False, now=START,
                                    definitions=DEFINITIONS)
        assert kept.survey is not None and kept.survey.id == invitation_id
        stopped = participants.confirm(session, service_id=service_id, chat_id=CHAT, action="stop", yes=True,
                                       now=START, definitions=DEFINITIONS)
        assert stopped.linked and stopped.survey is None
    with session_scope(engine) as session:
        assert session.get(Invitation, invitation_id).status == InvitationStatus.cancelled


def test_two_chats_racing_one_code_link_exactly_one(engine):
    """Chats now run side by side in worker threads: a code still links one chat, whoever is first."""
    from concurrent.futures import ThreadPoolExecutor

    with session_scope(engine) as session:
        service_id = ensure_service(session, "yot", "Test YOT").id
        import_rows(session, service_id, parse_csv(CASES), now=START)
        code = create_invite(session, find_participant(session, service_id, "YJ-24-0117", Audience.victim, "V1"),
                             now=START, days=30)

    def tap(chat_id):
        with session_scope(engine) as session:
            return participants.start(session, service_id=service_id, chat_id=chat_id, code=code, now=START,
                                      definitions=DEFINITIONS)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(tap, range(9100, 9108)))
    assert sum(result.person.linked for result in results) == 1
    assert {result.reply for result in results if not result.person.linked} == {"code.used"}
