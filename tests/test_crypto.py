"""Encryption at rest: what people write and their chat links are unreadable in the raw database."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from bot.cli import app
from surveys.crypto import EncryptionError, Keyring, generate_key, key_id, use_keys
from surveys.hashkey import chat_hash, hash_key_of
from surveys.keys import rotate
from surveys.models import (Answer, AuditEvent, Case, Invitation, InvitationStatus, Participant, SafeguardingAlert,
                            Service)
from surveys.store import create_all, make_engine, session_scope, upgrade
from tests.bot_world import asks, world
from tests.conftest import TEST_HASH_KEY
from tests.test_aggregate import build_hand_worked, q3_figures
from tests.test_journey import YP

KEY_A, KEY_B = generate_key(), generate_key()
NOW = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
WORDS = "my worker Jo listened to me"
DISCLOSURE = "my stepdad hurts me when he is drunk"
CHAT = 7_412_345_678
PHONE = "+447700900123"


def store_one_person(engine, texts=(WORDS,)) -> int:
    """A linked young person with answers and an alert; returns the participant id."""
    with session_scope(engine) as session:
        service = Service(code="yot", name="YOT")
        session.add(service)
        session.flush()
        case = Case(service_id=service.id, case_ref="YJ-1")
        session.add(case)
        session.flush()
        person = Participant(case_id=case.id, audience="young_person", chat_id=str(CHAT),
                             chat_hash=chat_hash(TEST_HASH_KEY, CHAT), phone=PHONE)
        session.add(person)
        session.flush()
        invitation = Invitation(participant_id=person.id, survey_id="yp_exit", due_at=NOW,
                                status=InvitationStatus.completed)
        session.add(invitation)
        session.flush()
        for number, text in enumerate(texts):
            session.add(Answer(invitation_id=invitation.id, question_id=f"q{number}", free_text=text,
                               sentiment="positive"))
        session.add(SafeguardingAlert(service_id=service.id, participant_id=person.id, reason="harm", text=DISCLOSURE))
        return person.id


def raw(engine, sql: str) -> list:
    with engine.connect() as conn:
        return [value for (value,) in conn.execute(sa.text(sql))]


def read_back(engine) -> tuple[list[str], list[str], list[str]]:
    with session_scope(engine) as session:
        return (sorted(session.exec(select(Answer.free_text)).all()),
                session.exec(select(SafeguardingAlert.text)).all(), session.exec(select(Participant.chat_id)).all())


@pytest.fixture
def keyed(db_url):
    engine = make_engine(db_url, keys=Keyring.parse(KEY_A))
    create_all(engine)
    yield engine
    engine.dispose()


# --- the keyring ---------------------------------------------------------------------

def test_a_value_round_trips_and_names_its_key():
    keyring = Keyring.parse(f"{KEY_A}, {KEY_B}")
    stored = keyring.encrypt(WORDS)
    assert WORDS not in stored and stored.startswith(f"heard-enc:1:{key_id(KEY_A)}:")
    assert keyring.decrypt(stored) == WORDS
    assert keyring.encrypt(WORDS) != stored  # a fresh nonce every time: equal texts do not look equal


def test_a_value_under_a_key_we_do_not_hold_raises_instead_of_returning_garbage():
    stored = Keyring.parse(KEY_A).encrypt(WORDS)
    with pytest.raises(EncryptionError, match=f"key {key_id(KEY_A)}, which is not in HEARD_ENCRYPTION_KEY"):
        Keyring.parse(KEY_B).decrypt(stored)
    tampered = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(EncryptionError, match="integrity check"):
        Keyring.parse(KEY_A).decrypt(tampered)


def test_a_bad_key_setting_says_which_key_and_how_to_make_one():
    with pytest.raises(ValueError, match="key number 2 is not a valid key; make one with: heard keys generate"):
        Keyring.parse(f"{KEY_A},not-a-key")
    assert Keyring.parse(" ") is None


def test_the_chat_hash_is_keyed_by_the_hash_key_alone():
    import hashlib

    keyed_a, keyed_b = chat_hash(KEY_A.encode(), CHAT), chat_hash(KEY_B.encode(), CHAT)
    assert keyed_a != keyed_b
    assert hashlib.sha256(f"chat:{CHAT}".encode()).hexdigest() not in (keyed_a, keyed_b)
    assert chat_hash(KEY_A.encode(), str(CHAT)) == keyed_a  # however the id was held


# --- in the database -----------------------------------------------------------------

def test_protected_values_are_ciphertext_in_the_database_and_plain_through_the_models(keyed):
    store_one_person(keyed)
    stored = raw(keyed, "SELECT free_text FROM answer") + raw(keyed, "SELECT text FROM safeguardingalert") + \
        raw(keyed, "SELECT chat_id FROM participant")
    assert len(stored) == 3 and all(value.startswith("heard-enc:1:") for value in stored)
    assert not any(WORDS in v or DISCLOSURE in v or str(CHAT) in v for v in stored)
    assert read_back(keyed) == ([WORDS], [DISCLOSURE], [str(CHAT)])


def test_without_the_key_encrypted_values_raise_a_clear_error(keyed, db_url):
    store_one_person(keyed)
    keyless = make_engine(db_url)
    try:
        with pytest.raises(EncryptionError, match="no HEARD_ENCRYPTION_KEY is set"):
            read_back(keyless)
    finally:
        keyless.dispose()


def test_values_written_before_a_key_was_set_stay_readable(engine, db_url):
    store_one_person(engine)
    assert raw(engine, "SELECT free_text FROM answer") == [WORDS]  # no key: stored as typed
    with_key = make_engine(db_url, keys=Keyring.parse(KEY_A))
    try:
        assert read_back(with_key) == ([WORDS], [DISCLOSURE], [str(CHAT)])
    finally:
        with_key.dispose()


def test_rotation_re_encrypts_everything_and_the_old_key_alone_no_longer_reads(keyed, db_url):
    store_one_person(keyed, texts=[f"comment {n}" for n in range(7)])
    counts = rotate(use_keys(keyed, Keyring.parse(f"{KEY_B},{KEY_A}")), now=NOW, batch=3)
    assert counts == {"answer.free_text": 7, "safeguardingalert.text": 1, "participant.chat_id": 1,
                      "participant.phone": 1, "participant.email": 0}
    stored = (raw(keyed, "SELECT free_text FROM answer") + raw(keyed, "SELECT chat_id FROM participant")
              + raw(keyed, "SELECT phone FROM participant"))
    assert all(value.startswith(f"heard-enc:1:{key_id(KEY_B)}:") for value in stored)
    assert raw(keyed, "SELECT chat_hash FROM participant") == [chat_hash(TEST_HASH_KEY, CHAT)]  # its own key
    only_new, only_old = (make_engine(db_url, keys=Keyring.parse(key)) for key in (KEY_B, KEY_A))
    try:
        assert read_back(only_new) == ([f"comment {n}" for n in range(7)], [DISCLOSURE], [str(CHAT)])
        with pytest.raises(EncryptionError, match=f"key {key_id(KEY_B)}"):
            read_back(only_old)
    finally:
        only_new.dispose()
        only_old.dispose()
    with session_scope(keyed) as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "keys.rotate")).all()
    assert event.detail == (f"answer.free_text=7 safeguardingalert.text=1 participant.chat_id=1 participant.phone=1 "
                            f"participant.email=0 key={key_id(KEY_B)}")


def test_report_figures_are_identical_with_and_without_a_key(db_url):
    figures = {}
    for keys in (None, Keyring.parse(KEY_A)):
        engine = make_engine(db_url, keys=keys)
        SQLModel.metadata.drop_all(engine)
        create_all(engine)
        build_hand_worked(engine)
        figures[keys is not None] = q3_figures(engine)
        engine.dispose()
    assert figures[True] == figures[False]
    assert any(theme.candidates for theme in figures[True].themes)  # quotes were decrypted, not dropped


# --- the bot and the command line ----------------------------------------------------

async def test_the_bot_keeps_chat_links_and_disclosures_encrypted_and_still_knows_the_person(db_url):
    async with world(db_url, encryption_key=KEY_A) as w:
        user = await w.join(CHAT, *YP)
        await w.skip_until(user, asks("anything else"))
        await user.send_text(DISCLOSURE)
        await w.settle()
        assert any("Childline" in m["text"] for m in user.messages[-3:])
        engine = w.heard.engine
        [stored_chat] = raw(engine, "SELECT chat_id FROM participant WHERE chat_id IS NOT NULL")
        assert stored_chat.startswith("heard-enc:1:") and str(CHAT) not in stored_chat
        assert raw(engine, "SELECT chat_hash FROM participant WHERE chat_hash IS NOT NULL") == [
            chat_hash(hash_key_of(engine), CHAT)]
        stored_texts = raw(engine, "SELECT free_text FROM answer WHERE free_text IS NOT NULL") + \
            raw(engine, "SELECT text FROM safeguardingalert")
        assert stored_texts and not any(DISCLOSURE in value for value in stored_texts)
        # The person was found by the keyed hash on every message, and reads come back decrypted.
        [alert] = w.rows(SafeguardingAlert)
        assert alert.text == DISCLOSURE
        assert DISCLOSURE in [answer.free_text for answer in w.rows(Answer)]


runner = CliRunner()


def test_keys_generate_prints_a_usable_key():
    result = runner.invoke(app, ["keys", "generate"])
    assert result.exit_code == 0
    Fernet(result.stdout.strip())  # raises if it is not a key
    assert Keyring.parse(result.stdout.strip()) is not None


def test_keys_rotate_from_the_command_line_encrypts_data_written_in_the_clear(db_url, monkeypatch):
    upgrade(db_url)
    plain = make_engine(db_url)
    store_one_person(plain)
    plain.dispose()
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    monkeypatch.delenv("HEARD_ENCRYPTION_KEY", raising=False)
    result = runner.invoke(app, ["keys", "rotate", "--new-key", KEY_A])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Re-encrypted 4 values under key {key_id(KEY_A)}: answer.free_text 1, "
                             "safeguardingalert.text 1, participant.chat_id 1, participant.phone 1, "
                             "participant.email 0.\n"
                             "Now set HEARD_ENCRYPTION_KEY to the new key alone and restart the bot.\n")
    check = make_engine(db_url, keys=Keyring.parse(KEY_A))
    try:
        assert WORDS not in str(raw(check, "SELECT free_text FROM answer"))
        assert raw(check, "SELECT phone FROM participant")[0].startswith("heard-enc:1:")  # issue 15
        assert read_back(check) == ([WORDS], [DISCLOSURE], [str(CHAT)])
    finally:
        check.dispose()
    bad = runner.invoke(app, ["keys", "rotate", "--new-key", "short"])
    assert bad.exit_code == 2 and "not a valid key" in bad.stderr


def test_the_report_command_reads_encrypted_quotes_with_the_key_and_explains_without_it(keyed, db_url, tmp_path,
                                                                                        monkeypatch):
    import analysis.report
    from tests.report_fakes import CATALOGUE, DEFINITIONS, approve_every_quote, redact

    monkeypatch.setattr(analysis.report, "default_dependencies", lambda: (DEFINITIONS, CATALOGUE, redact))
    build_hand_worked(keyed)
    approve_every_quote(keyed)  # only approved quotes are printed
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_SERVICE", "yot")
    monkeypatch.delenv("HEARD_ENCRYPTION_KEY", raising=False)
    args = ["report", "--period", "2026-Q3", "--out", str(tmp_path), "--format", "html"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert "needs the right HEARD_ENCRYPTION_KEY: a value is encrypted but no HEARD_ENCRYPTION_KEY is set" in refused.stderr
    monkeypatch.setenv("HEARD_ENCRYPTION_KEY", KEY_A)
    written = runner.invoke(app, args)
    assert written.exit_code == 0, written.output
    assert "nobody listened" in (tmp_path / "feedback-report-2026-Q3.html").read_text()
