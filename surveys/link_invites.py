"""A worker invites someone by a web link, text message or email (issue 15): the use case behind both
`heard invite --channel` and the staff `/invite ... web|sms|email` in Telegram.

It checks the person can be invited this way, stores their channel (so their surveys and reminders
go the same way) and makes a fresh one-time code, in the caller's transaction. Sending the text or
email happens after, outside it; each front end words the outcome for its own reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from surveys.enrol import create_invite, find_participant
from surveys.models import Audience, Channel, Consent
from surveys.store import audit


class Refused(StrEnum):
    not_found = "not_found"  # no such person on the case
    not_wanted = "not_wanted"  # they declined, stopped or were erased
    on_telegram = "on_telegram"  # linked in Telegram: moving them needs force
    no_address = "no_address"  # no mobile number (sms) or email address (email) on the case


@dataclass(frozen=True)
class LinkInvite:
    """A code made for someone, and where a text or email should take it (None for the web)."""

    participant_id: int
    code: str
    audience: str
    language: str
    address: str | None


def invite_by_link(session: Session, service_id: int, case_ref: str, audience: Audience, participant_ref: str,
                   channel: Channel, *, force: bool, now: datetime, days: int, actor: str) -> LinkInvite | Refused:
    participant = find_participant(session, service_id, case_ref, audience, participant_ref)
    if participant is None:
        return Refused.not_found
    if participant.erased_at is not None or participant.opted_out_at is not None \
            or participant.consent == Consent.declined:
        return Refused.not_wanted
    if participant.chat_hash is not None and not force:
        return Refused.on_telegram
    address = {Channel.sms: participant.phone, Channel.email: participant.email}.get(channel)
    if channel != Channel.web and address is None:
        return Refused.no_address
    participant.channel = channel
    code = create_invite(session, participant, now=now, days=days, created_by=f"{actor}:{channel.value}")
    audit(session, actor, "invite.create", subject=f"participant:{participant.id}", detail=f"channel={channel.value}",
          service_id=service_id, at=now)
    return LinkInvite(participant.id, code, participant.audience, participant.language, address)
