"""heard's own web server: Telegram's updates (webhook mode), a health check, and the web chat.

PTB's own webhook server cannot serve other paths, and a platform needs ``GET /healthz`` to
know the bot can reach its database. Updates are checked against the secret token Telegram
sends back, then handed to the Application's queue like polled ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import socket
from collections.abc import AsyncIterator

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.engine import Engine
from telegram import Update
from telegram.ext import Application

from surveys.delivery import parse_receipt, record_receipt

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram"
RECEIPTS_PATH = "/notify/receipts"  # GOV.UK Notify's delivery receipts (surveys/delivery.py)


def database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        return True
    except sa.exc.SQLAlchemyError as error:
        log.warning("health check: database unavailable (%s)", type(error).__name__)
        return False


async def _update_from(request: web.Request, application: Application) -> Update | None:
    """The update in a webhook body, or None when the body is not one (bad JSON, a list, a number...)."""
    try:
        body = await request.json()
    except (ValueError, LookupError, RecursionError):  # not JSON, not UTF-8, an unknown charset, absurdly deep
        return None
    if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
        return None
    try:
        return Update.de_json(body, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):  # a field of the wrong shape
        return None


def make_web_app(application: Application, engine: Engine, secret: str | None, *, webchat: bool = True) -> web.Application:
    """The server's routes. ``secret`` None: polling mode, no webhook route. The web chat
    (webchat/) shares the Application's Heard and its bot, which tells duty workers of disclosures."""
    async def telegram(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call without the right secret token refused")
            return web.Response(status=403)
        update = await _update_from(request, application)
        if update is None:
            log.warning("webhook call with a body that is not an update refused")
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response()

    async def healthz(_request: web.Request) -> web.Response:
        ok = await asyncio.to_thread(database_ok, engine)
        state = "ok" if ok else "unavailable"
        return web.json_response({"status": state, "database": state}, status=200 if ok else 503)

    app = web.Application()
    if secret is not None:
        app.router.add_post(WEBHOOK_PATH, telegram)
    app.router.add_get("/healthz", healthz)
    h = application.bot_data.get("heard")
    if h is not None and h.settings.notify_callback_token is not None:
        app.router.add_post(RECEIPTS_PATH, receipts_handler(h))
    if webchat and "heard" in application.bot_data:
        from webchat.server import WebChat, add_routes

        add_routes(app, WebChat(application.bot_data["heard"], application.bot))
    return app


def receipts_handler(h):
    """Notify's delivery receipts: checked against the bearer token set in Notify, then recorded.
    A database error answers 500, so Notify sends the receipt again later."""
    token = h.settings.notify_callback_token.get_secret_value()

    async def receipts(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.encode()):
            log.warning("delivery receipt without the right token refused")
            return web.Response(status=403)
        try:
            body = await request.json()
        except (ValueError, LookupError, RecursionError):
            return web.Response(status=400)
        receipt = parse_receipt(body)
        if receipt is None:  # not about a message heard sent: nothing to do, and nothing to retry
            return web.Response()
        try:
            done = await h.transaction(record_receipt, receipt, now=h.now())
        except sa.exc.SQLAlchemyError as error:
            log.warning("delivery receipt not recorded (%s); Notify will send it again", type(error).__name__)
            return web.Response(status=500)
        if done == "failed":
            log.warning("invitation %s could not be delivered (%s)", receipt.invitation_id, receipt.status)
        return web.Response()

    return receipts


def _bound_socket(listen: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in listen else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((listen, port))
    return sock


@contextlib.asynccontextmanager
async def running_polling(application: Application, engine: Engine, *, listen: str, port: int) -> AsyncIterator[int]:
    """Polling mode with the web chat and /healthz served beside it; yields the port listened on."""
    sock = _bound_socket(listen, port)
    runner = web.AppRunner(make_web_app(application, engine, None), access_log=None)
    async with application:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            yield sock.getsockname()[1]
        finally:
            await runner.cleanup()
            await application.updater.stop()
            await application.stop()


async def serve_polling(application: Application, engine: Engine, **options) -> None:
    """Run in polling mode, with the web server, until SIGINT/SIGTERM."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_polling(application, engine, **options):
        await stop.wait()


@contextlib.asynccontextmanager
async def running_webhook(application: Application, engine: Engine, *, listen: str, port: int, secret: str,
                          webhook_url: str | None) -> AsyncIterator[int]:
    """Start the Application and the server (and tell Telegram the URL); yields the port listened on."""
    sock = _bound_socket(listen, port)
    runner = web.AppRunner(make_web_app(application, engine, secret), access_log=None)
    async with application:
        if application.post_init:  # run_polling/run_webhook would call it; we replace run_webhook
            await application.post_init(application)
        await application.start()
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            if webhook_url:
                await application.bot.set_webhook(webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            yield sock.getsockname()[1]
        finally:
            await runner.cleanup()
            await application.stop()


async def serve(application: Application, engine: Engine, **options) -> None:
    """Run in webhook mode until SIGINT/SIGTERM."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_webhook(application, engine, **options):
        await stop.wait()
