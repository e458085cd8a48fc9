"""`heard run` (the bot) and `heard demo` (the bot against the sandbox, no Telegram account needed)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from bot.cli.context import fail, load_settings, with_resolved_service
from surveys.settings import Settings


def run(webhook_url: str = typer.Option(None, help="Public HTTPS URL for webhook mode (default: long polling)."),
        listen: str = typer.Option("127.0.0.1", help="Address for the webhook server."),
        port: int = typer.Option(8443, help="Port for the webhook server."),
        api_url: str = typer.Option(None, help="Another Bot API server, e.g. a self-hosted one "
                                               "(default: HEARD_BOT_API_URL, else Telegram's).")) -> None:
    """Run the bot."""
    import logging

    from bot import logs

    settings = load_settings()  # a settings mistake or a missing token is told in words, no traceback
    if settings.telegram_bot_token is None:
        fail("No Telegram bot token is set.\n"
             "1. In Telegram, message @BotFather and send /newbot.\n"
             "2. Put the token it gives you in the TELEGRAM_BOT_TOKEN environment variable.\n"
             "3. Run heard run again.\n"
             "To try heard without a token, run: heard demo", 2)
    if settings.cpu is not None:
        try:
            keep_to_core(settings.cpu)
        except ValueError as problem:
            fail(str(problem), 2)
    logs.configure(logging.INFO)  # JSON lines, no tokens, texts or chat ids: from here on, even if start-up fails
    if settings.cpu is not None:
        logging.getLogger("heard").info("heard keeps to CPU core %d (HEARD_CPU)", settings.cpu)
    try:
        _run(settings, webhook_url=webhook_url, listen=listen, port=port, api_url=api_url or settings.bot_api_url)
    except Exception as error:  # noqa: BLE001 - logged as type and frames; its message may quote data
        logging.getLogger("heard").critical("heard stopped: %s", _stop_reason(error), exc_info=error)
        raise typer.Exit(1) from None


def keep_to_core(core: int) -> None:
    """Keep this process, and every thread it starts from now on, on one CPU core.

    Python runs one thread at a time, so heard's worker threads add no parallelism; they keep the
    event loop free while the database works. Spread over cores by the kernel, each hand-over of the
    interpreter between the loop and a worker wakes the other core, which on a small virtual machine
    costs about as much CPU as the answer itself (benchmarks/README.md). Call it before any thread starts.
    """
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_setaffinity") else []
    if core not in allowed:
        cores = ", ".join(map(str, allowed)) or "not ours to choose on this system"
        raise ValueError(f"HEARD_CPU is {core}, but the cores heard may use are {cores}.")
    os.sched_setaffinity(0, {core})


def _stop_reason(error: Exception) -> str:
    from surveys.hashkey import HashKeyProblem

    # Our own problems explain themselves in words we wrote; anything else is named by its type.
    return str(error) if isinstance(error, HashKeyProblem) else f"an unexpected {type(error).__name__}"


def _run(settings: Settings, *, webhook_url, listen, port, api_url) -> None:
    import asyncio
    import secrets

    from telegram.ext import ApplicationBuilder

    from bot.app import build_application, build_heard

    token = settings.telegram_bot_token.get_secret_value()
    builder = ApplicationBuilder().token(token)
    if api_url:
        base = api_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    heard = build_heard(with_resolved_service(settings))
    application = build_application(heard, builder)
    if webhook_url:
        from bot.web import serve

        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
        # Our own server: the Telegram webhook at /telegram plus GET /healthz for the platform.
        asyncio.run(serve(application, heard.engine, listen=listen, port=port, secret=secret, webhook_url=webhook_url))
    else:
        from bot.web import serve_polling

        # Long polling for Telegram, and our web server (the web chat, /healthz) on HEARD_WEB_HOST:HEARD_WEB_PORT.
        asyncio.run(serve_polling(application, heard.engine, listen=settings.web_host, port=settings.web_port))


def demo(directory: Path = typer.Option(Path("heard-demo"), "--dir", help="Folder for the demo database and report."),
         cases: int = typer.Option(120, help="How many made-up cases.")) -> None:
    """Try heard without a Telegram account: a made-up service, simulated people, a real report."""
    from bot.sandbox.demo import main

    main(directory, cases=cases)
