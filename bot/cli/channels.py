"""`heard invite CASE --audience A --channel web|sms|email` (issue 15).

web prints the web chat's one-time link; sms and email send it through GOV.UK Notify. Either way
the person's channel is stored, so the dispatcher sends their surveys and reminders the same way.
"""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.context import fail, open_context, parse_audience
from surveys.models import Channel

CHANNEL_HELP = "telegram (a t.me link), web (prints HEARD_PUBLIC_URL/s/CODE), sms or email (sent through GOV.UK Notify)."


def parse_channel(text: str) -> Channel:
    try:
        return Channel(text.strip().lower())
    except ValueError:
        fail(f"--channel should be telegram, web, sms or email, not {text!r}.", 2)


def invite_by_channel(case_ref: str, audience: str, participant_ref: str, qr: Path | None, force: bool,
                      channel: Channel) -> None:
    """The web, sms and email halves of `heard invite` (telegram stays in bot/cli/cases.py)."""
    from bot.notify import NotifyConfig, NotifyFailure, NotifySender, compose, web_link
    from surveys.casework import explain_missing
    from surveys.contact import masked
    from surveys.link_invites import Refused, invite_by_link
    from surveys.models import utcnow
    from surveys.store import session_scope

    ctx = open_context()
    who = parse_audience(audience)
    settings = ctx.settings
    if not settings.public_url:
        fail("Set HEARD_PUBLIC_URL to the web chat's address (for example https://feedback.example.gov.uk) "
             "so the link points at it.", 2)
    config = NotifyConfig.from_settings(settings)
    if channel != Channel.web and config is None:
        fail("Set HEARD_NOTIFY_API_KEY (and HEARD_NOTIFY_SMS_TEMPLATE_ID / HEARD_NOTIFY_EMAIL_TEMPLATE_ID) to send "
             "through GOV.UK Notify. See docs/going-live.md.", 2)
    person = f"the {who.value.replace('_', ' ')} of {case_ref}"
    person_at_start = "T" + person[1:]  # at the start of a sentence (str.capitalize would lower the case reference)
    with session_scope(ctx.engine) as session:
        made = invite_by_link(session, ctx.service_id, case_ref, who, participant_ref, channel, force=force,
                              now=utcnow(), days=settings.invite_days, actor="cli")
        if made == Refused.not_found:
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
    if made == Refused.not_wanted:
        fail(f"{person_at_start} asked not to hear from us (or to be erased), so no invitation goes to them.")
    if made == Refused.on_telegram:
        fail(f"{person_at_start} answers on Telegram. To move them to {channel.value}, run this again with "
             f"--force (their surveys then go by {channel.value} instead).", 2)
    if made == Refused.no_address:
        column = "phone" if channel == Channel.sms else "email"
        fail(f"We have no {'mobile number' if channel == Channel.sms else 'email address'} for {person}. "
             f"Add it in the {column} column of the case import (heard cases import FILE.csv).", 2)
    link = web_link(settings.public_url, made.code)
    message = compose("invite", made.audience, made.language, link)
    address, participant_id = made.address, made.participant_id
    if channel == Channel.web:
        typer.echo(link)
        typer.echo(f"Works once, on one device, for {settings.invite_days} days. Only the newest link works.", err=True)
        if qr:
            write_qr(link, qr)
            typer.echo(f"QR code written to {qr}", err=True)
        return
    sender = NotifySender(config, threads=1)
    try:
        sender.send_now(channel, address, message, reference=f"heard-invite-{participant_id}")
    except NotifyFailure as failure:
        then = ("Fix it and run this again." if failure.permanent else
                "Try again later; their surveys will still go by " + channel.value + " when they fall due.")
        fail(f"Not sent: {failure.reason}. {then}")
    finally:
        sender.close()
    typer.echo(f"Sent the invitation by {channel.value} to {masked(channel.value, address)}. "
               f"The link works once, for {settings.invite_days} days; their surveys will go by {channel.value}.")


def write_qr(link: str, path: Path) -> None:
    import qrcode

    qrcode.make(link).save(path)
