"""Cymraeg: a Welsh speaker is asked at first contact, and everything after is in Welsh.

End-to-end through the real bot and the Bot API emulator (tests/bot_world.py), plus the pieces
behind it: the case import's preferred_language, the Welsh screen, and the Welsh report.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from analysis.language import WELSH_UNREAD, looks_welsh
from analysis.safeguarding import screen
from surveys.enrol import ImportRejected, import_rows, parse_csv
from surveys.models import Answer, Audience, Invitation, Participant, Role, SafeguardingAlert, utcnow
from surveys.store import session_scope
from tests.bot_world import CASES, buttons, world

YP = ("YJ-24-0117", Audience.young_person)


def _with_language(cases: str, welsh_case: str) -> str:
    """The example export with a preferred_language column: Cymraeg for one case's young person."""
    header, *rows = cases.strip().splitlines()
    lines = [header + ",preferred_language"]
    for row in rows:
        welsh = row.startswith(f"{welsh_case},young_person,")
        lines.append(row + (",cy" if welsh else ","))
    return "\n".join(lines) + "\n"


# --- through the real bot ---------------------------------------------------------------------

async def test_a_welsh_speaker_goes_through_the_whole_journey_in_welsh(db_url):
    async with world(db_url) as w:
        w.add_staff(902, Role.duty, "Priya")
        duty = w.emu.user(902, "Priya")
        user = w.emu.user(520, "Cerys")
        await user.send_command(f"/start {w.invite(*YP)}")
        await w.settle()
        [question] = user.messages  # the welcome waits until they have chosen
        assert "English or Cymraeg?" in question["text"] and "Saesneg neu Gymraeg?" in question["text"]
        assert buttons(question) == ["English", "Cymraeg"]

        await user.press("Cymraeg")
        await w.settle()
        chosen, welcome, consent = user.messages
        assert "bydda i'n siarad Cymraeg" in chosen["text"] and buttons(chosen) == []
        assert "Pwy sy'n gweld eich atebion?" in welcome["text"]
        assert buttons(consent) == ["Ydy, mae hynny'n iawn", "Dim diolch"]

        await user.press("Ydy, mae hynny'n iawn")
        await w.settle()
        first = user.last_message
        assert "Eich amser gyda ni" in first["text"] and "Cwestiwn 1 o 9" in first["text"]
        assert "At ei gilydd, sut oedd eich amser gyda ni?" in first["text"] and "Hepgor ⏭" in buttons(first)
        await user.press("🙂 4")
        await w.settle()
        assert "✅ Dywedoch chi: 🙂 4" in first["text"]
        await user.press("😄 5")
        await w.settle()
        await user.send_text("ie")  # a typed Welsh yes to a yes/no question
        await w.settle()
        assert "Gyda beth wnaethon ni eich helpu chi?" in user.last_message["text"]
        await user.press("⬜ Teimladau a phoeni")
        await w.settle()
        await user.press("Wedi gorffen ✔️")
        await w.settle()
        for rating in ("7", "5"):
            await user.press(rating)
            await w.settle()
        await user.press("Hepgor ⏭")
        await w.settle()
        assert "neges fer yn nes ymlaen am beth wnaethon ni ei newid" in user.last_message["text"]
        await user.press("Hepgor ⏭")
        await w.settle()
        assert "Oes unrhyw beth arall rydych chi eisiau ei ddweud wrthym ni?" in user.last_message["text"]
        before = len(user.messages)
        await user.send_text("Roedd fy ngweithiwr yn gwrando arna i bob tro")
        await w.settle()
        said = [m["text"] for m in user.messages[before:]]
        assert any("Pob lwc gyda beth sy'n dod nesaf" in text for text in said)  # the closing, in Welsh
        # The screen found nothing, but it cannot read Welsh well: a person reads it today, and
        # the young person is told so, in Welsh.
        [review] = w.rows(SafeguardingAlert)
        assert (review.tier, review.reason) == ("review", WELSH_UNREAD)
        assert any("Bydd rhywun o'ch tîm yn ei ddarllen" in text for text in said)
        [invitation] = w.rows(Invitation, Invitation.survey_id == "yp_exit", Invitation.participant_id == 1)
        answers = {a.question_id: a for a in w.rows(Answer, Answer.invitation_id == invitation.id)}
        assert answers["explained"].value == "yes" and answers["helped_with"].value == "feelings"
        assert answers["anything_else"].free_text == "Roedd fy ngweithiwr yn gwrando arna i bob tro"

        await user.send_command("/help")
        await w.settle()
        assert "Sut mae hyn yn gweithio" in user.last_message["text"] and "/language" in user.last_message["text"]
        await user.send_command("/privacy")
        await w.settle()
        assert "Eich atebion a'ch preifatrwydd" in user.last_message["text"]

        # A disclosure in Welsh: help now, in Welsh, and the duty worker told at once.
        before = len(user.messages)
        await user.send_text("Mae dad yn fy nharo i bob nos")
        await w.settle()
        help_now = [m["text"] for m in user.messages[before:]]
        assert any("Diolch am ddweud wrthym ni. Gwnaethoch chi'r peth iawn" in t and "0800 1111" in t
                   for t in help_now)
        assert "Possible safeguarding disclosure" in duty.last_message["text"]
        assert "harm at home" in duty.last_message["text"]


async def test_language_switches_mid_survey_and_shows_the_same_question_in_welsh(db_url):
    async with world(db_url) as w:
        user = await w.join(521, *YP)  # chose English
        assert "Question 1 of 9" in user.last_message["text"]
        await user.send_command("/language")
        await w.settle()
        assert buttons(user.last_message) == ["English", "Cymraeg"]
        await user.press("Cymraeg")
        await w.settle()
        assert "Cwestiwn 1 o 9" in user.last_message["text"]
        [person] = w.rows(Participant, Participant.chat_hash.is_not(None))
        assert person.language == "cy"
        await user.send_command("/language")
        await w.settle()
        await user.press("English")
        await w.settle()
        assert "Question 1 of 9" in user.last_message["text"]


async def test_a_language_from_the_case_import_skips_the_question_and_reminders_come_in_welsh(db_url):
    async with world(db_url, cases=_with_language(CASES, "YJ-24-0117")) as w:
        user = w.emu.user(522, "Osian")
        await user.send_command(f"/start {w.invite(*YP)}")
        await w.settle()
        welcome, consent = user.messages
        assert "Helo, a chroeso!" in welcome["text"] and "English or Cymraeg?" not in welcome["text"]
        await user.press("Ydy, mae hynny'n iawn")
        await w.settle()
        assert "Cwestiwn 1 o 9" in user.last_message["text"]
        w.clock.advance(days=2, hours=1)
        await w.tick()
        assert any("Dim ond nodyn i'ch atgoffa" in m["text"] for m in user.messages[-2:])
        # The parent on the same case had no language in the export, so they are asked.
        parent = w.emu.user(523, "Rhian")
        await parent.send_command(f"/start {w.invite('YJ-24-0117', Audience.parent_carer)}")
        await w.settle()
        assert buttons(parent.last_message) == ["English", "Cymraeg"]


async def test_language_before_linking_points_to_the_invitation_link(db_url):
    async with world(db_url) as w:
        stranger = w.emu.user(524)
        await stranger.send_command("/language")
        await w.settle()
        assert "tap the link your worker sent you" in stranger.last_message["text"]


# --- the case import ----------------------------------------------------------------------------

def test_preferred_language_is_read_from_the_import_and_a_persons_own_choice_stands(engine):
    with session_scope(engine) as session:
        from surveys.store import ensure_service

        service_id = ensure_service(session, "yot", "Riverside").id
        import_rows(session, service_id, parse_csv(_with_language(CASES, "YJ-24-0117")), now=utcnow())
        people = {(p.case_id, p.audience): p for p in session.exec(select(Participant))}
        welsh = [p for p in people.values() if p.language == "cy"]
        assert len(welsh) == 1 and welsh[0].language_chosen_at is not None
        assert all(p.language_chosen_at is None for p in people.values() if p.language != "cy")
        welsh[0].language = "en"  # they said English when they first wrote to the bot
        import_rows(session, service_id, parse_csv(_with_language(CASES, "YJ-24-0117")), now=utcnow())
        assert welsh[0].language == "en"


def test_an_unknown_preferred_language_is_refused_with_the_line_and_what_to_write():
    cases = _with_language(CASES, "YJ-24-0117").replace(",cy\n", ",Gaelic\n")
    with pytest.raises(ImportRejected) as rejected:
        parse_csv(cases)
    [(line, message)] = rejected.value.problems
    assert line == 2 and "preferred_language should be en (English) or cy (Cymraeg)" in message and "Gaelic" not in message


def test_welsh_and_english_words_for_the_language_are_understood():
    rows = parse_csv("case_ref,audience,disposal,locality,intervention_start,intervention_end,age,gender,ethnicity,"
                     "send,preferred_language\n"
                     "A-1,young_person,,,,,,,,,Cymraeg\nA-2,young_person,,,,,,,,,English\nA-3,young_person,,,,,,,,,\n")
    assert [row.language for row in rows] == ["cy", "en", None]


# --- the screen on Welsh answers ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "reason"), [
    ("Dwi angen help", "asking for help"),
    ("helpwch fi plis", "asking for help"),
    ("Dwi ddim yn saff adref", "asking for help"),
    ("dwi isio marw", "self-harm or suicide"),
    ("Dwi wedi bod yn brifo fy hun eto", "self-harm or suicide"),
    ("Mae fy llystad yn fy nharo i", "harm at home"),
    ("Maen nhw'n bygwth fi", "threats or violence"),
    ("Dwi'n cario cyllell achos mae ofn arna i", "carrying a weapon for protection"),
])
def test_welsh_help_seeking_and_harm_words_are_urgent(text, reason):
    result = screen(text, "young_person")
    assert result.tier == "urgent" and reason in result.reason


def test_a_welsh_answer_the_screen_cannot_read_goes_to_review_and_english_does_not():
    welsh = screen("Roedd y sesiynau bocsio yn dda iawn a dwi'n mynd i'r coleg nawr", "young_person")
    assert (welsh.tier, welsh.reason) == ("review", WELSH_UNREAD)
    assert not screen("the boxing sessions were really good and I go to college now", "young_person").flagged


@pytest.mark.parametrize(("text", "welsh"), [
    ("Diolch yn fawr, roedd y gweithiwr yn wych.", True),
    ("Roedd fy ngweithiwr yn dda iawn", True),
    ("Mae'n ŵyl", True),
    ("my mam and dad are fine now", False),
    ("I want to add odd things to the list", False),
    ("ie", False),
])
def test_looks_welsh(text, welsh):
    assert looks_welsh(text) is welsh


# --- the board report -----------------------------------------------------------------------------

def test_report_in_welsh_has_welsh_headings_and_counts_welsh_comments(engine, db_url, tmp_path, monkeypatch):
    import analysis.report
    from bot.cli import app
    from tests.report_fakes import CATALOGUE, DEFINITIONS, populate_realistic, redact

    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    monkeypatch.setattr(analysis.report, "default_dependencies", lambda: (DEFINITIONS, CATALOGUE, redact))
    populate_realistic(engine, young_people=40)
    with session_scope(engine) as session:
        exit_in_q3 = session.exec(select(Invitation).where(
            Invitation.survey_id == "yp_exit", Invitation.sent_at >= datetime(2026, 7, 2, tzinfo=timezone.utc),
            Invitation.sent_at < datetime(2026, 9, 29, tzinfo=timezone.utc))).first()
        for number, text in enumerate(("Roedd y gweithiwr yn wych", "Dwi'n teimlo'n well nawr diolch")):
            session.add(Answer(invitation_id=exit_in_q3.id, question_id=f"cy_{number}", free_text=text,
                               answered_at=exit_in_q3.sent_at + timedelta(hours=1)))
    runner = CliRunner()
    welsh = runner.invoke(app, ["report", "--period", "2026-Q3", "--out", str(tmp_path / "cy"), "--format", "html",
                                "--lang", "cy"])
    assert welsh.exit_code == 0, welsh.output
    html = (tmp_path / "cy" / "feedback-report-2026-Q3.html").read_text()
    assert '<html lang="cy">' in html
    assert "Beth ddywedodd plant, teuluoedd a dioddefwyr wrthym ni" in html and "1. Crynodeb" in html
    assert "9. Rhybuddion diogelu" in html and "Pobl ifanc" in html
    assert "Sylwadau a ysgrifennwyd yn Gymraeg yn y cyfnod hwn: 2." in html
    english = runner.invoke(app, ["report", "--period", "2026-Q3", "--out", str(tmp_path / "en"), "--format", "html"])
    assert english.exit_code == 0, english.output
    html = (tmp_path / "en" / "feedback-report-2026-Q3.html").read_text()
    assert "1. Summary" in html and "Comments written in Welsh this period: 2." in html and "Crynodeb" not in html


def test_a_welsh_comment_is_quotable_in_welsh_once_a_worker_has_read_it(engine):
    from analysis.aggregate import load_rows, quarter, screen_flags
    from tests.report_fakes import Builder
    from zoneinfo import ZoneInfo

    text = "Roedd fy ngweithiwr yn gwrando arna i bob tro"
    assert not screen_flags(text, "young_person")  # "written in Welsh" says nothing about what it says
    with session_scope(engine) as session:
        build = Builder(session)
        sent = datetime(2026, 8, 3, 10, tzinfo=timezone.utc)
        invitations = []
        for acknowledged in (None, sent + timedelta(hours=3)):
            person = build.person(build.case(), "young_person")
            invitation = build.invite(person, "yp_exit", sent)
            build.answer(invitation, "anything_else", text=text)
            session.add(SafeguardingAlert(service_id=build.service.id, participant_id=person.id,
                                          invitation_id=invitation.id, question_id="anything_else",
                                          tier="review", reason=WELSH_UNREAD, created_at=sent,
                                          acknowledged_at=acknowledged))
            invitations.append(invitation.id)
        session.flush()
        rows = load_rows(session, build.service.id, quarter(2026, 3), ZoneInfo("Europe/London"))
    unread, read = invitations
    assert (unread, "anything_else") in rows.alerted_answers  # nobody has read it yet: never quoted
    assert (read, "anything_else") not in rows.alerted_answers


def test_welsh_wording_fills_in_the_same_values_as_the_english():
    from string import Formatter

    from bot.texts import TEXTS

    def names(wording: str) -> set[str]:
        return {field for _, field, _, _ in Formatter().parse(wording) if field}

    different = [key for key, welsh in TEXTS["cy"].items() if names(welsh) != names(TEXTS["en"][key])]
    assert different == []


def test_the_reports_key_points_can_be_said_in_welsh():
    from analysis.report import KeyPoint
    from analysis.report_cy import translator

    point = KeyPoint("{count} of the {n} {who} we asked answered at least one question ({share}).",
                     dict(count=9, n=12, who="young people", share="75%"), words=("who",))
    assert str(point) == "9 of the 12 young people we asked answered at least one question (75%)."
    assert point.render(translator("cy")) == "Atebodd 9 o'r 12 o bobl ifanc y gofynnon ni iddyn nhw o leiaf un cwestiwn (75%)."
