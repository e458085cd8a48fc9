"""Bringing people in: the case-management CSV import and one-time invitation links.

Parsing is pure (rows in, records or errors out) and checks every row first, so a file with
any bad row imports nothing. Writing then happens in short transactions of a few hundred
rows (:func:`import_in_batches`): on SQLite a long import never holds the write lock for more
than a moment, so a disclosure arriving meanwhile is stored and alerted at once. Importing is
idempotent, so running an interrupted import again finishes it. Only an age band is kept,
never a date of birth or a name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from surveys.case_record import as_imported
from surveys.contact import email_address, uk_mobile
from surveys.hashkey import chat_hash, erased_case_ref, hash_key_of
from surveys.invitations import SyncResult, sync_cases
from surveys.models import Audience, Case, Channel, Invitation, InviteLink, Participant
from surveys.store import session_scope
from surveys.text import clean_text

REQUIRED_COLUMNS = ("case_ref", "audience", "disposal", "locality", "intervention_start",
                    "intervention_end", "age", "gender", "ethnicity", "send")
OPTIONAL_COLUMNS = ("participant_ref", "review_dates", "looked_after", "restorative_closed", "preferred_language",
                    "phone", "email", "channel")
CASE_FIELDS = ("disposal", "locality", "intervention_start", "intervention_end", "age_band", "gender",
               "ethnicity", "send", "looked_after", "review_dates", "restorative_closed_on")

_AUDIENCE_WORDS = {
    "young_person": Audience.young_person, "young person": Audience.young_person, "yp": Audience.young_person,
    "child": Audience.young_person,
    "parent_carer": Audience.parent_carer, "parent/carer": Audience.parent_carer, "parent": Audience.parent_carer,
    "carer": Audience.parent_carer, "parent carer": Audience.parent_carer,
    "victim": Audience.victim,
    "placement": Audience.placement, "reparation placement": Audience.placement,
}
_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}
_CASE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,59}$")
_PARTICIPANT_REF = re.compile(r"^[A-Za-z0-9_.-]{0,40}$")
_CLOCK_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
# An export may carry long columns we never read (case notes): Python's csv refuses cells over
# 131,072 characters, so allow more, and name the line of anything longer still.
MAX_CELL_CHARS = 1_000_000
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))
# Per transaction, so each commits in well under a second on SQLite (about 0.2 s and 0.3 s
# here): rows written, then cases whose surveys are planned (a case has two or three people).
IMPORT_BATCH = 500
PLAN_BATCH = 80
# SQLite's lock is not fair: a waiting writer's busy handler polls at most every 100 ms, so an
# import that began its next batch at once could starve it. Pausing this long between batches
# lets any waiting writer in first.
SQLITE_PAUSE_SECONDS = 0.1


class ImportRejected(Exception):
    """The file was not imported; ``problems`` lists every bad row as (line, reason)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))


@dataclass(frozen=True)
class CaseRow:
    line: int
    case_ref: str
    audience: Audience
    participant_ref: str
    case_fields: dict = field(hash=False)
    language: str | None = None  # Cymraeg: "en" or "cy" when the case system records it; then the bot doesn't ask
    # Issue 15: where to send a link by SMS or email, and which channel to use (None: leave as it is).
    phone: str | None = field(default=None, repr=False)
    email: str | None = field(default=None, repr=False)
    channel: Channel | None = None


@dataclass
class ImportSummary:
    rows: int = 0
    participants_created: int = 0
    created_case_ids: set[int] = field(default_factory=set)
    updated_case_ids: set[int] = field(default_factory=set)
    case_ids: set[int] = field(default_factory=set)  # every case in the file, for rescheduling

    @property
    def cases_created(self) -> int:
        return len(self.created_case_ids)

    @property
    def cases_updated(self) -> int:
        return len(self.updated_case_ids - self.created_case_ids)

    def add(self, batch: ImportSummary) -> None:
        """Fold in one batch's summary (rows are counted once, up front)."""
        self.participants_created += batch.participants_created
        self.created_case_ids |= batch.created_case_ids
        self.updated_case_ids |= batch.updated_case_ids
        self.case_ids |= batch.case_ids


def age_band(age: int) -> str:
    """Youth justice age bands; exact ages are not kept."""
    if age < 14:
        return "10-13"
    if age < 16:
        return "14-15"
    if age < 18:
        return "16-17"
    return "18+"


def parse_date(text: str, column: str = "date") -> date:
    """ISO (2026-03-31) or UK style (31/03/2026).

    Like every reason the import gives, the error names the column, never what the cell holds:
    a name or date of birth pasted into the wrong column must not reach a screen or a log.
    """
    text = _CLOCK_TIME.sub("", text.strip())  # "02/03/2026 00:00", as a spreadsheet saves a date cell
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{column} is not a date (use 2026-03-31 or 31/03/2026, day first)")


def _parse_flag(text: str, column: str) -> bool | None:
    word = text.strip().lower()
    if not word:
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f"{column} should be yes or no")


def audience_named(text: str) -> Audience:
    """An audience as people write it ("parent", "Young person", "victim"...): the import's reading, and the commands'."""
    audience = _AUDIENCE_WORDS.get(text.strip().lower().replace("-", " ").replace("  ", " "))
    if audience is None:
        audience = _AUDIENCE_WORDS.get(text.strip().lower())
    if audience is None:
        raise ValueError(f"unknown audience '{text}' (use young_person, parent_carer, victim or placement)")
    return audience


class CaseRowInput(BaseModel):
    """One row of the case export as written, checked field by field in the order a worker reads it.

    Each check raises ValueError with a reason a worker can act on; the first one is the line's
    reason (:func:`parse_row`). What validates is what we keep: an age band, never the age.
    """

    model_config = ConfigDict(frozen=True)

    case_ref: str
    participant_ref: str
    disposal: str | None
    locality: str | None
    gender: str | None
    ethnicity: str | None
    intervention_start: date | None
    intervention_end: date | None
    restorative_closed: date | None
    age_band: str | None
    send: bool | None
    looked_after: bool | None
    review_dates: str | None
    audience: Audience
    preferred_language: str | None
    # Issue 15: where to send a link by SMS or email (checked before the channel that needs them).
    phone: str | None
    email: str | None
    channel: Channel | None

    @field_validator("case_ref", mode="before")
    @classmethod
    def _case_ref(cls, text: str) -> str:
        if not text:
            raise ValueError("case_ref is missing")
        if not _CASE_REF.match(text):
            raise ValueError("case_ref has characters we can't use (letters, digits, / - _ . only, up to 60)")
        return text

    @field_validator("participant_ref", mode="before")
    @classmethod
    def _participant_ref(cls, text: str) -> str:
        if not _PARTICIPANT_REF.match(text):
            raise ValueError("participant_ref has characters we can't use (letters, digits, - _ . only, up to 40)")
        return text

    @field_validator("disposal", "locality", "gender", "ethnicity", mode="before")
    @classmethod
    def _detail(cls, text: str, info: ValidationInfo) -> str | None:
        # Cut to the column's size: PostgreSQL refuses longer, SQLite would keep it.
        return text[:Case.__table__.c[info.field_name].type.length] if text else None

    @field_validator("intervention_start", "intervention_end", mode="before")
    @classmethod
    def _day(cls, text: str, info: ValidationInfo) -> date | None:
        return parse_date(text, info.field_name) if text else None

    @field_validator("restorative_closed", mode="before")
    @classmethod
    def _closed_and_dates_in_order(cls, text: str, info: ValidationInfo) -> date | None:
        # The last of the three dates: once all are read, the intervention must end after it starts.
        closed = parse_date(text, "restorative_closed") if text else None
        start, end = info.data.get("intervention_start"), info.data.get("intervention_end")
        if start and end and end < start:
            raise ValueError("intervention_end is before intervention_start")
        return closed

    @field_validator("age_band", mode="before")
    @classmethod
    def _age_band(cls, text: str) -> str | None:
        if not text:
            return None
        try:
            age = int(text)
        except ValueError:
            raise ValueError("age should be a whole number of years (not a date of birth)") from None
        if not 8 <= age <= 25:
            raise ValueError("age is outside what a youth justice service works with (8 to 25)")
        return age_band(age)

    @field_validator("send", "looked_after", mode="before")
    @classmethod
    def _flag(cls, text: str, info: ValidationInfo) -> bool | None:
        return _parse_flag(text, info.field_name)

    @field_validator("review_dates", mode="before")
    @classmethod
    def _review_dates(cls, text: str) -> str | None:
        if not text:
            return None
        try:
            days = sorted(parse_date(part) for part in text.split(";") if part.strip())
        except ValueError:
            raise ValueError("review_dates has something that is not a date "
                             "(use dates like 2026-06-01 or 01/06/2026, with ; between them)") from None
        return ";".join(day.isoformat() for day in days)

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, text: str) -> Audience:
        try:
            return audience_named(text)
        except ValueError:  # its own reason repeats what was typed: right for a command, not for a file
            raise ValueError("audience should be young_person, parent_carer, victim or placement") from None

    @field_validator("preferred_language", mode="before")
    @classmethod
    def _language(cls, text: str) -> str | None:
        return _parse_language(text)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, text: str) -> str | None:
        return uk_mobile(text) if text else None

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, text: str) -> str | None:
        return email_address(text) if text else None

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, text: str, info: ValidationInfo) -> Channel | None:
        return _parse_channel(text, info.data.get("phone"), info.data.get("email"))


# The row's columns as the model names them (the CSV says "age" and "restorative_closed").
_INPUT_COLUMNS = {name: "age" if name == "age_band" else name for name in CaseRowInput.model_fields}
# Case columns as the model names them, for the row's case_fields.
_CASE_FIELD_NAMES = {"restorative_closed": "restorative_closed_on"}


def parse_row(line: int, row: dict[str, str]) -> CaseRow:
    """One CSV row to a record; raises ValueError with a reason a worker can act on."""
    cells = {name: (row.get(column) or "").strip() for name, column in _INPUT_COLUMNS.items()}
    try:
        checked = CaseRowInput.model_validate(cells)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        cause = first.get("ctx", {}).get("error")
        raise ValueError(str(cause) if cause is not None else first["msg"]) from None
    values = checked.model_dump(exclude={"case_ref", "participant_ref", "audience", "preferred_language",
                                         "phone", "email", "channel"}, exclude_none=True)
    fields = {_CASE_FIELD_NAMES.get(name, name): value for name, value in values.items()}
    return CaseRow(line, checked.case_ref, checked.audience, checked.participant_ref, fields,
                   checked.preferred_language, checked.phone, checked.email, checked.channel)


def _parse_channel(text: str, phone: str | None, email: str | None) -> Channel | None:
    """The channel column: telegram, web, sms or email; sms and email need their address on the same line."""
    if not text:
        return None
    try:
        channel = Channel(text.strip().lower())
    except ValueError:
        raise ValueError("channel should be telegram, web, sms or email") from None
    if channel == Channel.sms and phone is None:
        raise ValueError("channel is sms but the phone column is empty")
    if channel == Channel.email and email is None:
        raise ValueError("channel is email but the email column is empty")
    return channel


_LANGUAGE_WORDS = {"en": "en", "english": "en", "saesneg": "en", "cy": "cy", "welsh": "cy", "cymraeg": "cy",
                   "en-gb": "en", "cy-gb": "cy", "eng": "en", "cym": "cy"}  # locale and ISO 639-2 codes too


def _parse_language(text: str) -> str | None:
    if not text:
        return None
    word = text.lower().replace("_", "-")
    if word not in _LANGUAGE_WORDS:
        raise ValueError("preferred_language should be en (English) or cy (Cymraeg)")
    return _LANGUAGE_WORDS[word]


def parse_csv(text: str) -> list[CaseRow]:
    """Parse a whole export; raise :class:`ImportRejected` listing every bad row.

    The text is cleaned first (surveys/text.py): a NUL or control character in a cell never
    reaches the database. A cell too long to be a case detail stops the parse at its line.
    """
    reader = csv.DictReader(io.StringIO(clean_text(text.lstrip("\ufeff"))))
    try:
        return _parse_rows(reader)
    except csv.Error as error:
        reason = (f"a cell is longer than {MAX_CELL_CHARS:,} characters: is this the case export?"
                  if "field larger" in str(error) else "this line cannot be read as CSV")
        raise ImportRejected([(reader.line_num + 1, reason)]) from None  # the line it was reading


def _parse_rows(reader: csv.DictReader) -> list[CaseRow]:
    # "Case Ref" and "case-ref" as a spreadsheet heading may write them are case_ref.
    columns = [re.sub(r"[ -]+", "_", name.strip().lower()) for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if not any(columns):
        raise ImportRejected([(1, "the file is empty: is it the case export?")])
    for separator, called in ((";", "; not commas"), ("\t", "tabs, not commas")):
        if missing and len(columns) == 1 and separator in columns[0]:
            raise ImportRejected([(1, f"the columns are separated by {called}: "
                                      f"save it again as 'CSV UTF-8 (comma delimited)'")])
    if missing:
        raise ImportRejected([(1, f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = columns
    records, problems, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in row.values()):
            continue
        try:
            record = parse_row(line, row)
        except ValueError as error:
            problems.append((line, str(error)))
            continue
        key = (record.case_ref, record.audience, record.participant_ref)
        cells = tuple((value or "").strip() for value in row.values())
        if key in seen:
            first, first_cells = seen[key]
            problems.append((line, f"the same row as line {first} again: delete one of them" if cells == first_cells
                             else f"the same person as line {first}, with different details: if they are two people, "
                                  f"give each a participant_ref (such as V1 and V2); if not, keep one line"))
            continue
        seen[key] = (line, cells)
        records.append(record)
    if problems:
        raise ImportRejected(problems)
    return records


def import_rows(session: Session, service_id: int, records: list[CaseRow], *, now: datetime) -> ImportSummary:
    """Create or update cases and participants. Re-importing the same file changes nothing but
    each case's ``last_imported_at`` (retention counts from it for a case with no dates).

    Two look-ups and one flush for the whole list (not one per row), so a batch of a few
    hundred rows holds the write lock for a moment only.
    """
    summary = ImportSummary(rows=len(records))
    cases = _known_cases(session, service_id, {record.case_ref for record in records})
    known = {(p.case_id, p.audience, p.participant_ref): p for p in session.exec(select(Participant).where(
        Participant.case_id.in_([case.id for case in cases.values()])))}
    created, updated, people = [], [], []
    for record in records:
        case = cases.get(record.case_ref)
        if case is not None and case.erased_at is not None:
            continue  # past retention (surveys/retention.py): an old export must not bring its details back
        if case is None:
            case = cases[record.case_ref] = Case(service_id=service_id, case_ref=record.case_ref, **record.case_fields)
            session.add(case)
            created.append(case)
        elif any(getattr(case, name) != value for name, value in record.case_fields.items()):
            for name, value in record.case_fields.items():
                setattr(case, name, value)
            case.updated_at = now
            updated.append(case)
        case.last_imported_at = now  # listed by the case system: still current, changed or not
        people.append((case, record))
    session.flush()  # gives the new cases their ids
    for case, record in people:
        key = (case.id, record.audience, record.participant_ref)
        summary.case_ids.add(case.id)
        if key not in known:
            known[key] = Participant(case_id=case.id, audience=record.audience, participant_ref=record.participant_ref)
            session.add(known[key])
            summary.participants_created += 1
        if record.language and known[key].language_chosen_at is None:  # a choice they made themselves stands
            known[key].language, known[key].language_chosen_at = record.language, now
        _contact_details(known[key], record)
    session.flush()
    summary.created_case_ids = {case.id for case in created}
    summary.updated_case_ids = {case.id for case in updated}
    return summary


def _contact_details(person: Participant, record: CaseRow) -> None:
    """Phone, email and channel from the import. A blank cell keeps what we hold; an unchanged value is
    not written again (it is encrypted afresh on each write, so that would change the row every import)."""
    if person.erased_at is not None:
        return  # they asked for their data to go: an old export must not bring it back
    for name in ("phone", "email", "channel"):
        value = getattr(record, name)
        if value is not None and getattr(person, name) != value:
            setattr(person, name, value)


def _known_cases(session: Session, service_id: int, case_refs: set[str]) -> dict[str, Case]:
    """This service's cases by reference, including those past retention, which are stored under
    a keyed hash of their reference (surveys/retention.py) so an old export cannot bring them back."""
    key = hash_key_of(session)
    erased = {erased_case_ref(key, ref): ref for ref in case_refs}
    rows = session.exec(select(Case).where(Case.service_id == service_id,
                                           Case.case_ref.in_(sorted(case_refs | set(erased)))))
    return {erased.get(case.case_ref, case.case_ref): case for case in rows}


Progress = Callable[[str, int, int], None]  # (stage: "cases" or "surveys", done, total)


def import_in_batches(engine: Engine, service_id: int, records: list[CaseRow], definitions, *, zone, window,
                      now: datetime, batch_size: int = IMPORT_BATCH, plan_batch: int = PLAN_BATCH,
                      progress: Progress = lambda *_: None, pause: float | None = None) -> tuple[ImportSummary, SyncResult]:
    """Write parsed ``records`` in short transactions, then plan their surveys the same way.

    ``records`` must already be checked (:func:`parse_csv`). Each batch of ``batch_size`` rows,
    then of ``plan_batch`` cases, is one transaction, reported to ``progress`` once committed,
    with a ``pause`` between (default: :data:`SQLITE_PAUSE_SECONDS` on SQLite, none elsewhere).
    If the import stops part way, what was committed stays and importing the same rows again
    finishes the job with exactly the database a clean run would have made.
    """
    if pause is None:
        pause = SQLITE_PAUSE_SECONDS if engine.dialect.name == "sqlite" else 0.0
    summary = ImportSummary(rows=len(records))
    for start in range(0, len(records), batch_size):
        if start:
            time.sleep(pause)
        with session_scope(engine) as session:
            summary.add(import_rows(session, service_id, records[start:start + batch_size], now=now))
        progress("cases", min(start + batch_size, len(records)), len(records))
    planned = SyncResult()
    case_ids = sorted(summary.case_ids)
    for start in range(0, len(case_ids), plan_batch):
        time.sleep(pause)
        with session_scope(engine) as session:
            batch = sync_cases(session, case_ids[start:start + plan_batch], definitions, zone=zone, window=window,
                               now=now)
        planned = SyncResult(planned.created + batch.created, planned.moved + batch.moved,
                             planned.cancelled + batch.cancelled)
        progress("surveys", min(start + plan_batch, len(case_ids)), len(case_ids))
    refresh_planner_statistics(engine)
    return summary, planned


def refresh_planner_statistics(engine: Engine) -> None:
    """On PostgreSQL, ANALYZE the tables an import grows, so queries keep good plans (cheap)."""
    if engine.dialect.name != "postgresql":
        return
    quote = engine.dialect.identifier_preparer.quote
    tables = ", ".join(quote(model.__tablename__) for model in (Case, Participant, Invitation))
    with engine.begin() as conn:
        conn.execute(sa.text(f"ANALYZE {tables}"))


# --- invitation links -------------------------------------------------------------------

def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_code() -> str:
    """32 URL-safe characters: fits Telegram's 64-character /start parameter, cannot be guessed."""
    return secrets.token_urlsafe(24)


def create_invite(session: Session, participant: Participant, *, now: datetime, days: int,
                  created_by: str = "cli") -> str:
    """Store a new link code (hashed) and return the code itself, which is shown once.

    Any older unused link for the same person stops working: only the newest is live.
    """
    session.execute(InviteLink.__table__.update()
                    .where(InviteLink.participant_id == participant.id, InviteLink.used_at.is_(None),
                           InviteLink.expires_at > now)
                    .values(expires_at=now))
    code = new_code()
    session.add(InviteLink(participant_id=participant.id, code_hash=hash_code(code), created_at=now,
                           expires_at=now + timedelta(days=days), created_by=created_by))
    session.flush()
    return code


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


class InviteProblem(Exception):
    """Why a code could not be used: 'unknown', 'used' or 'expired'."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def redeem_invite(session: Session, code: str, *, now: datetime, service_id: int | None = None) -> Participant:
    """Use a code once. Raises :class:`InviteProblem` when it is unknown, used or expired.

    With ``service_id``, a code made by another YOT sharing the database counts as unknown
    (and is not used up), so one YOT's bot never links another YOT's participant.
    """
    link = session.exec(select(InviteLink).where(InviteLink.code_hash == hash_code(code.strip()))).first()
    if link is not None and service_id is not None and session.exec(
            select(Case.service_id).join(Participant).where(Participant.id == link.participant_id)).one() != service_id:
        link = None
    if link is None:
        raise InviteProblem("unknown")
    if link.used_at is not None:
        raise InviteProblem("used")
    if link.expires_at <= now:
        raise InviteProblem("expired")
    # Conditional update: of two taps racing on one code, only one wins.
    claimed = session.execute(
        InviteLink.__table__.update()
        .where(InviteLink.id == link.id, InviteLink.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise InviteProblem("used")
    return session.get(Participant, link.participant_id)


def participant_for_chat(session: Session, service_id: int, chat_id: int) -> Participant | None:
    """The person linked to this chat in this YOT: another YOT sharing the database is invisible."""
    found = person_for_chat(session, service_id, chat_id)
    return found[0] if found else None


def person_for_chat(session: Session, service_id: int, chat_id: int) -> tuple[Participant, str] | None:
    """:func:`participant_for_chat` with their case reference, in the same one statement."""
    return session.exec(select(Participant, Case.case_ref).join(Case).where(
        Participant.chat_hash == chat_hash(hash_key_of(session), chat_id), Case.service_id == service_id)).first()


def find_participant(session: Session, service_id: int, case_ref: str, audience: Audience,
                     participant_ref: str = "") -> Participant | None:
    """The person as a worker typed them: "yj-24-0117" and "v1" find YJ-24-0117's V1, in Telegram and at the
    command line alike, unless two references differ only in capitals (then only the exact one)."""
    typed = as_imported(session, service_id, case_ref, audience, participant_ref)  # cleans what staff typed
    case_ref, participant_ref = typed.case_ref, typed.participant_ref
    return session.exec(
        select(Participant).join(Case).where(
            Case.service_id == service_id, Case.case_ref == case_ref,
            Participant.audience == audience, Participant.participant_ref == participant_ref)
    ).first()
