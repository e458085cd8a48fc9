"""What GOV.UK Notify later says about a text or email it took: its delivery receipt (issue 15).

Notify accepting a message only means the number or address looked right. Whether it arrived is
known minutes (or up to three days) later, and Notify posts it to heard as a receipt. A message
that can never arrive (a number not in use, an email that bounced) must reach the person's worker,
or the survey waits for someone who was never asked. Receipts name the invitation by the reference
heard sent with the message (``bot/link_dispatch.py``); the number or address in a receipt is
never read or stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from surveys.invitations import mark_retry
from surveys.models import Invitation, InvitationStatus

_REFERENCE = re.compile(r"^heard-invitation-(\d{1,18})(?:-reminder-(\d{1,3}))?$")
REMINDER_RETRY = timedelta(minutes=5)

# Notify's final statuses, and what each means for the worker (sms and email worded apart).
NOT_IN_USE = {"sms": "notify: the mobile number is not in use", "email": "notify: the email address bounced"}
NOT_DELIVERED = {"sms": "notify: not delivered for 3 days (phone off or out of signal)",
                 "email": "notify: not delivered (the inbox is full or refused it)"}


@dataclass(frozen=True)
class Receipt:
    invitation_id: int
    reminder: int | None  # which reminder it was about; None: the invitation itself
    status: str  # delivered, permanent-failure, temporary-failure or technical-failure


def parse_receipt(body: object) -> Receipt | None:
    """A receipt from Notify's callback body, or None when it is not about one of heard's messages."""
    if not isinstance(body, dict) or not isinstance(body.get("reference"), str) or not isinstance(body.get("status"), str):
        return None
    found = _REFERENCE.match(body["reference"])
    if found is None:
        return None
    reminder = int(found.group(2)) if found.group(2) else None
    return Receipt(int(found.group(1)), reminder, body["status"])


def record_receipt(session: Session, receipt: Receipt, *, now: datetime) -> str:
    """Act on one receipt; returns what was done (for the log and tests): nothing, failed, noted or resent.

    Only a survey nobody has opened yet is changed: once a person has started, some message reached
    them, whatever a later receipt says. Receipts may come twice or out of order, so each action
    is safe to repeat.
    """
    invitation = session.get(Invitation, receipt.invitation_id)
    if invitation is None or invitation.status != InvitationStatus.sent or invitation.channel not in ("sms", "email"):
        return "nothing"
    if receipt.status == "permanent-failure":
        invitation.status, invitation.last_error = InvitationStatus.failed, NOT_IN_USE[invitation.channel]
        return "failed"
    if receipt.status == "temporary-failure":
        invitation.last_error = NOT_DELIVERED[invitation.channel]
        return "noted"
    if receipt.status == "technical-failure":  # Notify never sent it: send again
        if receipt.reminder is None:
            mark_retry(invitation, now=now, error="notify: not sent by Notify (technical failure), will retry")
        elif receipt.reminder == invitation.reminders_sent:  # only the latest reminder is given back
            invitation.reminders_sent -= 1
            invitation.next_reminder_at = now + REMINDER_RETRY
        return "resent"
    if receipt.status == "delivered" and invitation.last_error in NOT_DELIVERED.values():
        invitation.last_error = None  # it got there in the end
        return "noted"
    return "nothing"
