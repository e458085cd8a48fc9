"""Who can be told what changed ("you said, we did"), and by which way.

The exit surveys ask whether the person wants a short message later about what changed. We ask
only people we could send it to: a linked Telegram chat, or a mobile number or email address for
GOV.UK Notify. Someone who came to the web chat by a link their worker gave them, with neither, is
not asked, so nobody says yes to a message that could never reach them.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.models import Channel, Participant

HEAR_BACK_QUESTION = "hear_what_changed"  # the yes/no at the end of the exit surveys


@dataclass(frozen=True)
class Reach:
    """Where one person's news goes: a Telegram chat, or an address by SMS or email."""

    chat_id: str | None = None
    channel: Channel | None = None  # sms or email, when not Telegram
    address: str | None = None


def reach(participant: Participant) -> Reach | None:
    """How news would reach this person now, or None when it cannot.

    Their own channel decides: Telegram people by their chat, SMS and email people by their number
    or address. A web chat person has no channel of their own to be messaged on, so a number (or
    else an address) from the case import is used when there is one.
    """
    channel = Channel(participant.channel)
    if channel == Channel.telegram:
        return Reach(chat_id=participant.chat_id) if participant.chat_id else None
    if channel != Channel.email and participant.phone:
        return Reach(channel=Channel.sms, address=participant.phone)
    if channel != Channel.sms and participant.email:
        return Reach(channel=Channel.email, address=participant.email)
    return None


def as_asked(definition, participant: Participant):
    """The survey as this person is asked it: without the hear-back question when news cannot reach them."""
    if all(q.id != HEAR_BACK_QUESTION for q in definition.questions) or reach(participant) is not None:
        return definition
    key = (definition.id, definition.version)
    if key not in _WITHOUT_HEAR_BACK:  # made once per survey: the web chat asks for it on every page
        _WITHOUT_HEAR_BACK[key] = definition.model_copy(
            update={"questions": [q for q in definition.questions if q.id != HEAR_BACK_QUESTION]})
    return _WITHOUT_HEAR_BACK[key]


_WITHOUT_HEAR_BACK: dict[tuple[str, int], object] = {}
