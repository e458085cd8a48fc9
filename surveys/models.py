"""The tables. One service (a YOT) owns staff and cases; several may share a database.

People are known only by the case-management system's pseudonymous case reference.
Every datetime is stored as UTC and comes back timezone-aware.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from surveys.crypto import EncryptedString, EncryptedText


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _when(nullable: bool = True, **kwargs):
    return Field(default=None, sa_type=UTCDateTime(), nullable=nullable, **kwargs)


class Audience(StrEnum):
    young_person = "young_person"
    parent_carer = "parent_carer"
    victim = "victim"
    placement = "placement"


class Channel(StrEnum):
    """How a person gets their surveys (issue 15): the Telegram bot, the web page, or a link by SMS or email."""
    telegram = "telegram"
    web = "web"
    sms = "sms"  # a GOV.UK Notify text message carrying a one-time web link
    email = "email"  # the same, by email


# Channels that only carry a link to the web page (sent through GOV.UK Notify).
LINK_CHANNELS = (Channel.sms, Channel.email)


class QuestionKind(StrEnum):
    """How a free-text question's answers are read (a survey question's `asks`; issue 12)."""
    improve = "improve"  # "What could we do better?": a suggestion is not a complaint
    good = "good"  # "What was good?": "nothing" is a criticism
    anything_else = "anything_else"


class Role(StrEnum):
    admin = "admin"
    case_worker = "case_worker"
    victim_worker = "victim_worker"
    manager = "manager"
    duty = "duty"


class CallbackOutcome(StrEnum):
    called = "called"  # spoke to them
    no_answer = "no_answer"  # rang, no answer, tried again, still no answer
    declined = "declined"  # they no longer wanted a call


class AlertTier(StrEnum):
    urgent = "urgent"  # help now, the duty worker now
    review = "review"  # a duty worker reads it today (the /review queue)


class Consent(StrEnum):
    pending = "pending"
    given = "given"
    declined = "declined"


class InvitationStatus(StrEnum):
    scheduled = "scheduled"  # waiting for its due time
    claimed = "claimed"  # a dispatcher has taken it and is sending
    sent = "sent"  # first question delivered, nothing answered yet
    started = "started"  # at least one answer stored
    completed = "completed"
    expired = "expired"
    cancelled = "cancelled"  # opted out, erased, or replaced
    failed = "failed"  # could not be delivered (e.g. the bot was blocked)


OPEN_STATUSES = (InvitationStatus.scheduled, InvitationStatus.claimed, InvitationStatus.sent, InvitationStatus.started)


class Service(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class Staff(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("service_id", "telegram_user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    telegram_user_id: int = Field(sa_type=sa.BigInteger(), index=True)
    role: Role = Field(sa_type=sa.String(20))
    name: str | None = Field(default=None, max_length=120, description="A staff member's own name, never a child's.")
    active: bool = True
    reachable_at: datetime | None = _when(description="Last time a message to them went through, or they wrote to the bot.")
    unreachable_at: datetime | None = _when(description="Last time Telegram refused a message to them (chat never opened, bot blocked).")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class Case(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("service_id", "case_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    case_ref: str = Field(max_length=60, description="Pseudonymous reference from the case-management system.")
    disposal: str | None = Field(default=None, max_length=60)
    locality: str | None = Field(default=None, max_length=60)
    intervention_start: date | None = None
    intervention_end: date | None = None
    age_band: str | None = Field(default=None, max_length=10)
    gender: str | None = Field(default=None, max_length=30)
    ethnicity: str | None = Field(default=None, max_length=60)
    send: bool | None = Field(default=None, description="Special educational needs and disabilities.")
    looked_after: bool | None = None
    review_dates: str = Field(default="", max_length=400, description="ISO dates separated by ';'.")
    restorative_closed_on: date | None = Field(default=None, description="When the victim worker closed the restorative process.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    erased_at: datetime | None = _when()
    # trust: retention of a case with no dates counts from the last import that listed it.
    last_imported_at: datetime | None = _when(description="The last import that listed this case, changed or not.")


class Participant(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("case_id", "audience", "participant_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    audience: Audience = Field(sa_type=sa.String(20))
    participant_ref: str = Field(default="", max_length=40, description="Tells several victims of one case apart.")
    chat_id: str | None = Field(default=None, unique=True, sa_type=EncryptedString(400), description="Telegram chat id once linked (may be encrypted).")
    chat_hash: str | None = Field(default=None, unique=True, max_length=64, description="Keyed hash of the chat id, for look-ups.")
    language: str = Field(default="en", max_length=5)
    # Welsh Language Standards: when they chose English or Cymraeg (asked at first contact, or
    # from the case import); None means the bot has not asked yet.
    language_chosen_at: datetime | None = _when()
    consent: Consent = Field(default=Consent.pending, sa_type=sa.String(10))
    consent_at: datetime | None = _when()
    opted_out_at: datetime | None = _when()
    unreachable_at: datetime | None = _when()
    erased_at: datetime | None = _when()
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    # Issue 15: how their surveys reach them, and where (both may be encrypted; erased with the rest).
    channel: Channel = Field(default=Channel.telegram, sa_type=sa.String(10),
                             sa_column_kwargs={"server_default": Channel.telegram.value})
    phone: str | None = Field(default=None, sa_type=EncryptedString(400), description="UK mobile, +447..., for SMS.")
    email: str | None = Field(default=None, sa_type=EncryptedString(800), description="Email address, for email invitations.")


def person_label(case_ref: str, audience: str, participant_ref: str = "") -> str:
    """How workers' lists name a person: "YJ-24-0117 (victim V1)". Never a name."""
    ref = f" {participant_ref}" if participant_ref else ""
    return f"{case_ref} ({audience.replace('_', ' ')}{ref})"


class InviteLink(SQLModel, table=True):
    """A one-time code in a t.me deep link. Only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    code_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    used_at: datetime | None = _when()
    created_by: str = Field(default="cli", max_length=60)


class Invitation(SQLModel, table=True):
    """One survey for one participant: when it is due and how far it got."""

    __table_args__ = (
        sa.UniqueConstraint("participant_id", "survey_id", "occasion"),
        sa.Index("ix_invitation_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    survey_id: str = Field(max_length=60)
    survey_version: int = 1
    occasion: str = Field(default="manual", max_length=60, description="Why it exists: exit, review:DATE, followup:N, manual:N.")
    status: InvitationStatus = Field(default=InvitationStatus.scheduled, sa_type=sa.String(12))
    due_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    expires_at: datetime | None = _when()
    claimed_at: datetime | None = _when()
    claimed_by: str | None = Field(default=None, max_length=60)
    sent_at: datetime | None = _when()
    started_at: datetime | None = _when()
    completed_at: datetime | None = _when()
    last_activity_at: datetime | None = _when()
    reminders_sent: int = 0
    next_reminder_at: datetime | None = _when()
    attempts: int = 0
    next_attempt_at: datetime | None = _when()
    last_error: str | None = Field(default=None, max_length=200)
    message_id: int | None = Field(default=None, sa_type=sa.BigInteger(), description="The chat message holding the current question.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    channel: str | None = Field(default=None, max_length=10, description="How it was sent (a Channel); None before 0008n.")


class Answer(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("invitation_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    question_id: str = Field(max_length=60)
    value: str | None = Field(default=None, max_length=400, description="Normalised value: '4', 'yes', an option id, or ids joined by ';'.")
    free_text: str | None = Field(default=None, sa_type=EncryptedText(), description="What they typed (may be encrypted).")
    skipped: bool = False
    complete: bool = Field(default=True, description="False while a multi-select is still being ticked.")
    sentiment: str | None = Field(default=None, max_length=10)
    sentiment_score: float | None = None
    themes: str = Field(default="", max_length=400, description="Theme ids joined by ';'.")
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    # Report follow-ups (issue 12): kept when retention erases the text; None on rows from before 0007.
    suggestion: bool | None = Field(default=None, description="A suggestion, not a complaint (never counted as negative).")
    best_theme: str | None = Field(default=None, max_length=40, description="The one theme the answer may be quoted under.")


class SafeguardingAlert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id")
    question_id: str | None = Field(default=None, max_length=60)
    tier: AlertTier = Field(default=AlertTier.urgent, sa_type=sa.String(10))
    reason: str = Field(max_length=200)
    text: str | None = Field(default=None, sa_type=EncryptedText(), description="What they wrote, for the duty worker.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    help_sent_at: datetime | None = _when(description="When the person was shown where to get help.")
    notified_at: datetime | None = _when()
    notify_attempts: int = 0
    acknowledged_by: int | None = Field(default=None, foreign_key="staff.id")
    acknowledged_at: datetime | None = _when()
    escalated_at: datetime | None = _when(description="The latest escalation to managers and admins.")
    escalations: int = Field(default=0, description="How many times it has been escalated.")


class AlertDelivery(SQLModel, table=True):
    """One message about one alert to one staff member: claimed before it is sent, so no race sends it twice."""

    __table_args__ = (sa.UniqueConstraint("alert_id", "telegram_user_id", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="safeguardingalert.id", index=True)
    telegram_user_id: int = Field(sa_type=sa.BigInteger())
    round: int = Field(default=0, description="0: the first alert; 1, 2, ...: escalations; -1: the review digest.")
    claimed_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    sent_at: datetime | None = _when()
    message_id: int | None = Field(default=None, sa_type=sa.BigInteger())


class CallbackRequest(SQLModel, table=True):
    """Someone asked to be contacted (e.g. a victim who said yes to a call)."""

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id")
    reason: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    notified_at: datetime | None = _when(description="When a victim worker was told.")
    done_by: int | None = Field(default=None, foreign_key="staff.id")
    done_at: datetime | None = _when()
    # --- the staff loop: how it ended, and reminders to managers while it waits
    outcome: str | None = Field(default=None, max_length=20, description="called, no_answer or declined (CallbackOutcome).")
    escalated_at: datetime | None = _when(description="The latest reminder to managers that it is still waiting.")
    escalations: int = Field(default=0, description="How many working days managers have been reminded.")


class BoardAction(SQLModel, table=True):
    """'You said, we did': what the service changed in answer to a theme."""

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    theme: str = Field(max_length=40)
    text: str = Field(max_length=1000)
    created_by: str = Field(default="cli", max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    # Board report (issue 14): when, who and how far, so the board can follow an action through.
    action_on: date | None = Field(default=None, description="When it was done (or is due, while open).")
    owner: str | None = Field(default=None, max_length=120, description="A team or role, never a child's name.")
    status: str = Field(default="done", max_length=12, description="planned, in_progress or done.")
    updated_at: datetime | None = _when()


class ActionNews(SQLModel, table=True):
    """One "you said, we did" message to one person for one quarter: claimed before it is sent, so never twice."""

    __table_args__ = (sa.UniqueConstraint("participant_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    quarter: str = Field(max_length=20, description="The quarter whose actions it told them about, e.g. 2026-27-Q2.")
    claimed_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    sent_at: datetime | None = _when()


class QuoteDecision(StrEnum):
    approved = "approved"
    dropped = "dropped"


class QuoteReview(SQLModel, table=True):
    """A manager's decision on one answer as a board quote: only approved ones are printed."""

    __table_args__ = (sa.UniqueConstraint("answer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    answer_id: int = Field(foreign_key="answer.id")
    decision: QuoteDecision = Field(sa_type=sa.String(10))
    decided_by: str = Field(max_length=60, description="'cli', 'staff:<id>' or 'demo'.")
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False, index=True)
    actor: str = Field(max_length=60, description="'staff:<id>', 'cli', 'system' or 'participant:<id>'.")
    action: str = Field(max_length=60)
    subject: str | None = Field(default=None, max_length=120)
    detail: str | None = Field(default=None, max_length=400)


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled, so a re-delivered update changes nothing."""

    bot_id: int = Field(primary_key=True, sa_type=sa.BigInteger(), sa_column_kwargs={"autoincrement": False})
    update_id: int = Field(primary_key=True, sa_type=sa.BigInteger(), sa_column_kwargs={"autoincrement": False})
    handled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class SendBudget(SQLModel, table=True):
    """The bot's shared message budget (bot/ratelimit.py): when the next message may go out.

    One row ``"all"`` for the whole bot, and one per recently messaged chat, keyed by a hash of
    the chat id. Every bot process reserves its send times here, so together they stay within
    Telegram's limits. Times are seconds since the epoch; chat rows are pruned once stale.
    """

    key: str = Field(primary_key=True, max_length=80)
    next_free: float = Field(sa_type=sa.Float(), nullable=False)


# --- web chat (issue 15): the second channel over the same engine -----------------------------

class WebSession(SQLModel, table=True):
    """A person answering on the web page, on one device.

    The browser's cookie holds a random token; only its hash is kept here, so a copy of the
    database cannot be used to take over someone's chat. A newer session for the same person
    (their link reissued and opened on another device), a Telegram link, or erasure ends it.
    """

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    last_seen_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    ended_at: datetime | None = _when()
