"""`heard invite ... --channel web`: a one-time link to the web chat, from the same invitation codes."""

from __future__ import annotations

from pathlib import Path

import typer


def web_link(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/s/{code}"


def invite_web(case_ref: str, audience: str, participant_ref: str, qr: Path | None, force: bool) -> None:
    from bot.cli.cases import write_qr
    from bot.cli.context import fail, open_context, parse_audience
    from surveys.casework import explain_missing
    from surveys.enrol import create_invite, find_participant
    from surveys.models import utcnow
    from surveys.store import audit, session_scope

    ctx = open_context()
    who = parse_audience(audience)
    public_url = ctx.settings.public_url
    if not public_url:
        fail("Set HEARD_PUBLIC_URL to the HTTPS address people reach heard's web chat at "
             "(for example https://feedback.example.gov.uk) so the link points there.", 2)
    with session_scope(ctx.engine) as session:
        participant = find_participant(session, ctx.service_id, case_ref, who, participant_ref)
        if participant is None:
            fail(explain_missing(session, ctx.service_id, case_ref, who, participant_ref))
        if participant.chat_hash is not None and not force:
            fail(f"The {who.value.replace('_', ' ')} of {case_ref} answers in Telegram. To move them to the web chat, "
                 f"run this again with --force (when they open the link, their Telegram chat is told and stops).", 2)
        code = create_invite(session, participant, now=utcnow(), days=ctx.settings.invite_days)
        audit(session, "cli", "invite.create", subject=f"participant:{participant.id}", detail="web",
              service_id=ctx.service_id)
    link = web_link(public_url, code)
    typer.echo(link)
    typer.echo(f"Works once, on one device, for {ctx.settings.invite_days} days. Only the newest link works.", err=True)
    if qr:
        write_qr(link, qr)
        typer.echo(f"QR code written to {qr}", err=True)
