"""The dispatcher's SMS and email side (issue 15): a due survey, or its reminder, as a Notify message
carrying a fresh one-time link to the web chat.

The claim-and-dedupe is the dispatcher's (``surveys.invitations.claim_due``), so two workers never
send one invitation. Each send runs in three steps and never awaits inside a transaction:
make the link (committed), send it (on Notify's thread pool), record the outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.context import Heard
from bot.notify import NotifyFailure, compose, sender_for, web_link
from surveys.enrol import create_invite
from surveys.invitations import mark_retry, mark_sent
from surveys.models import Channel, Invitation, InvitationStatus, Participant
from surveys.schedule import reminder_due
from surveys.schema import Schedule, Trigger
from surveys.store import session_scope

log = logging.getLogger(__name__)
# Written on the invitation just before the send and replaced by its outcome: still there at the next
# claim means the worker stopped mid-send, so Notify is asked whether the message went (no second one).
SENDING = "notify: sending"
# While Notify or the public URL is not set up, a reminder waits this long before it is tried again.
NOT_SET_UP_WAIT = timedelta(hours=1)
_DEFAULT_SCHEDULE = Schedule(trigger=Trigger.manual)


def not_set_up(h: Heard) -> str | None:
    """Why links cannot go out by SMS or email yet, or None when they can."""
    if not h.settings.public_url:
        return "notify: HEARD_PUBLIC_URL not set"
    if sender_for(h) is None:
        return "notify: HEARD_NOTIFY_API_KEY not set"
    return None


def _address(participant: Participant) -> str | None:
    return participant.phone if participant.channel == Channel.sms else participant.email


@dataclass(frozen=True)
class _Outgoing:
    """A claimed invitation about to go out by link: where to, or why it cannot (outcome set)."""

    definition: object = None
    channel: Channel | None = None
    address: str | None = None
    interrupted: bool = False
    outcome: str | None = None  # "retried" or "unreachable" when nothing is to be sent


def _prepare(h: Heard, invitation_id: int, problem: str | None) -> _Outgoing:
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        participant = session.get(Participant, invitation.participant_id)
        definition = h.definitions.get(invitation.survey_id)
        channel, address = Channel(participant.channel), _address(participant)
        if definition is None or address is None or problem:
            reason = problem or ("unknown survey" if definition is None else f"no {channel.value} address")
            if problem:  # a set-up problem passes once someone fixes it: keep the invitation, try later
                mark_retry(invitation, now=h.now(), error=reason)
                log.warning("invitation %s waits: %s", invitation_id, reason)
                return _Outgoing(outcome="retried")
            invitation.status, invitation.last_error = InvitationStatus.failed, reason
            return _Outgoing(outcome="unreachable")
        return _Outgoing(definition, channel, address, interrupted=invitation.last_error == SENDING)


def _fresh_link_message(h: Heard, invitation_id: int) -> str:
    """A new one-time code, committed before the message carrying it goes out."""
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        participant = session.get(Participant, invitation.participant_id)
        code = create_invite(session, participant, now=h.now(), days=h.settings.invite_days, created_by="dispatch")
        invitation.last_error = SENDING
        return compose("invite", participant.audience, participant.language, web_link(h.settings.public_url, code))


async def send_invitation_link(h: Heard, invitation_id: int) -> str:
    """Send a claimed invitation as a link. Returns the dispatcher's outcome: sent, retried or unreachable."""
    out = await h.run(_prepare, h, invitation_id, not_set_up(h))
    if out.outcome:
        return out.outcome
    reference = f"heard-invitation-{invitation_id}"
    try:
        if out.interrupted and await sender_for(h).sent_before(reference):
            log.warning("invitation %s: the last worker stopped after Notify took it; not sending it again",
                        invitation_id)
            return await h.run(_mark_sent, h, invitation_id, out.definition, out.channel)
    except NotifyFailure as failure:
        return await h.run(_record_failure, h, invitation_id, failure)
    message = await h.run(_fresh_link_message, h, invitation_id)
    try:
        await sender_for(h).send(out.channel, out.address, message, reference=reference)
    except NotifyFailure as failure:
        return await h.run(_record_failure, h, invitation_id, failure)
    return await h.run(_mark_sent, h, invitation_id, out.definition, out.channel)


def _mark_sent(h: Heard, invitation_id: int, definition, channel: Channel) -> str:
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        mark_sent(invitation, definition.schedule or _DEFAULT_SCHEDULE, now=h.now(), message_id=None)
        invitation.channel = channel.value  # mark_sent clears the SENDING marker
    return "sent"


@dataclass(frozen=True)
class _Reminder:
    channel: Channel
    address: str | None
    message: str | None = None
    reference: str | None = None


def _count_reminder(h: Heard, invitation_id: int, problem: str | None) -> _Reminder:
    """Count a reminder before sending it: a crash mid-send must not turn into a stream of reminders."""
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        participant = session.get(Participant, invitation.participant_id)
        definition = h.definitions[invitation.survey_id]
        channel, address = Channel(participant.channel), _address(participant)
        if problem or address is None:
            invitation.next_reminder_at = h.now() + NOT_SET_UP_WAIT
            invitation.last_error = problem or f"no {channel.value} address"
            return _Reminder(channel, None)
        invitation.reminders_sent += 1
        schedule = definition.schedule or _DEFAULT_SCHEDULE
        invitation.next_reminder_at = reminder_due(invitation.sent_at, schedule.reminders_days, invitation.reminders_sent)
        kind = "reminder_started" if invitation.status == InvitationStatus.started else "reminder"
        code = create_invite(session, participant, now=h.now(), days=h.settings.invite_days, created_by="reminder")
        message = compose(kind, participant.audience, participant.language, web_link(h.settings.public_url, code))
        return _Reminder(channel, address, message, f"heard-invitation-{invitation_id}-reminder-{invitation.reminders_sent}")


def _reminder_failed(h: Heard, invitation_id: int, failure: NotifyFailure) -> None:
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        invitation.last_error = failure.reason[:200]
        if not failure.permanent:  # give the reminder back so it is tried again
            invitation.reminders_sent -= 1
            invitation.next_reminder_at = h.now() + timedelta(minutes=5)


async def send_reminder_link(h: Heard, invitation_id: int) -> bool:
    """A reminder by SMS or email, with a fresh link (the one before may have been used or lost)."""
    reminder = await h.run(_count_reminder, h, invitation_id, not_set_up(h))
    if reminder.address is None:
        return False
    try:
        await sender_for(h).send(reminder.channel, reminder.address, reminder.message, reference=reminder.reference)
    except NotifyFailure as failure:
        await h.run(_reminder_failed, h, invitation_id, failure)
        log.warning("invitation %s: reminder by %s not sent (%s)", invitation_id, reminder.channel.value, failure.reason)
        return False
    return True


def _record_failure(h: Heard, invitation_id: int, failure: NotifyFailure) -> str:
    with session_scope(h.engine) as session:
        invitation = session.get(Invitation, invitation_id)
        if failure.permanent:
            invitation.status, invitation.last_error = InvitationStatus.failed, failure.reason[:200]
            invitation.attempts += 1
            log.warning("invitation %s could not be sent: %s", invitation_id, failure.reason)
            if "403" in failure.reason:
                log.error("GOV.UK Notify refused heard's API key: check HEARD_NOTIFY_API_KEY")
            return "unreachable"
        # No answer at all: keep the marker, so the next try first asks Notify whether it went.
        mark_retry(invitation, now=h.now(), error=SENDING if failure.uncertain else failure.reason)
        log.warning("invitation %s: %s", invitation_id, failure.reason)
        return "retried"
