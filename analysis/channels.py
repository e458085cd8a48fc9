"""The board report's response rates by channel (issue 15): Telegram, the web page, SMS and email.

An invitation counts under the channel it went out by (``Invitation.channel``; for invitations sent
before that was recorded, the person's channel). Figures are per person, like every response rate
in the report, and small groups are hidden the usual way (:func:`analysis.aggregate.suppress_cells`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from analysis.aggregate import Figure, InvitationRow, _response_figures, counted, suppress_cells

CHANNELS = {"telegram": "Telegram", "web": "Web page", "sms": "Text message (SMS)", "email": "Email"}


@dataclass(frozen=True)
class ChannelFigure:
    channel: str
    label: str
    invited: Figure  # people sent a survey by this channel
    response_rate: Figure  # of them, the share who answered at least one question
    completion_rate: Figure  # ... and the share who answered to the end


def channel_figures(invs: list[InvitationRow]) -> list[ChannelFigure]:
    """One line per channel used in the period, in a fixed order; a hidden group hides all three figures."""
    by_channel: dict[str, list[InvitationRow]] = defaultdict(list)
    for inv in invs:
        by_channel[inv.channel or "telegram"].append(inv)
    order = [c for c in CHANNELS if c in by_channel] + sorted(c for c in by_channel if c not in CHANNELS)
    lines = []
    for channel in order:
        label = CHANNELS.get(channel, channel)
        response, completion, people = _response_figures(by_channel[channel], label)
        lines.append((channel, label, counted(label, people), response, completion, people))
    # Every audience's total is printed, so one hidden channel could be worked out by subtraction.
    reasons = suppress_cells({channel: people for channel, *_, people in lines})
    return [ChannelFigure(channel, label, *(f.hidden(reasons[channel]) if reasons[channel] else f
                                            for f in (invited, response, completion)))
            for channel, label, invited, response, completion, _ in lines]
