"""The bot processes the wave benchmark starts besides ``heard run`` (each in a process of its own).

    python -m benchmarks.wave_bot dispatcher API_URL   # a second heard worker: dispatch only, limiter on
    python -m benchmarks.wave_bot heard API_URL        # heard polling with the limiter off
    python -m benchmarks.wave_bot bare API_URL TOKEN   # a bare python-telegram-bot bot, same update processor

Settings come from the environment, as for ``heard run``.
"""

from __future__ import annotations

import asyncio
import sys

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler

from bot.processing import PerChatUpdateProcessor

BARE_KEYS = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a:0"),
                                   InlineKeyboardButton("B", callback_data="a:1")]])


def _builder(api_url: str, token: str) -> ApplicationBuilder:
    base = api_url.rstrip("/")
    return ApplicationBuilder().token(token).base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")


async def _bare_pressed(update, context) -> None:
    """What every answer costs at least: answer the press, edit the question, send the next."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_text("ok")
    await context.bot.send_message(update.effective_chat.id, "next?", reply_markup=BARE_KEYS)


async def _bare_start(update, context) -> None:
    await context.bot.send_message(update.effective_chat.id, "first?", reply_markup=BARE_KEYS)


def bare(api_url: str, token: str) -> None:
    application = _builder(api_url, token).concurrent_updates(PerChatUpdateProcessor()).build()
    application.add_handler(CallbackQueryHandler(_bare_pressed))
    application.add_handler(CommandHandler("start", _bare_start))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0, timeout=1)


def _heard(api_url: str, *, rate_limit: bool, poll: bool) -> None:
    from bot.app import build_application, build_heard
    from bot.cli.context import load_settings, with_resolved_service

    settings = load_settings()
    h = build_heard(with_resolved_service(settings))
    application = build_application(h, _builder(api_url, settings.telegram_bot_token.get_secret_value()),
                                    rate_limit=rate_limit)
    if poll:
        application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0, timeout=1)
        return

    async def dispatch_only() -> None:
        async with application:
            await application.start()  # the JobQueue ticks; no updates are fetched
            await asyncio.Event().wait()  # until the benchmark ends the process

    asyncio.run(dispatch_only())


if __name__ == "__main__":
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "bare":
        bare(url, sys.argv[3])
    elif mode == "heard":
        _heard(url, rate_limit=False, poll=True)
    elif mode == "dispatcher":
        _heard(url, rate_limit=True, poll=False)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
