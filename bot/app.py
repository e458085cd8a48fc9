"""Build the python-telegram-bot Application: handlers, the dispatch job, the error handler."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import datetime, time

from telegram import BotCommand, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import (Application, ApplicationBuilder, BaseUpdateProcessor, CallbackQueryHandler,
                          CommandHandler,
                          ContextTypes, Defaults, MessageHandler, TypeHandler, filters)

from bot import participant, screening, staff
from bot.context import Heard
from bot.dispatch import tick
from bot.processing import PerChatUpdateProcessor
from bot.ratelimit import SharedRateLimiter
from bot.safeguarding import send_missing_help, warn_if_duty_unreachable
from bot.texts import t
from surveys.models import utcnow
from surveys.settings import Settings

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
PARTICIPANT_COMMANDS = ("start", "help", "privacy", "language", "stop", "delete")


def build_heard(settings: Settings, *, clock: Callable[[], datetime] = utcnow, analyse=None) -> Heard:
    """Open the database (migrating it), load the surveys and the analysis."""
    from bot.screening import load_duty_roster
    from surveys.crypto import Keyring
    from surveys.hashkey import hash_key_from_settings
    from surveys.keys import adopt
    from surveys.schema import load_all
    from surveys.store import ensure_service, make_engine, session_scope, upgrade

    hash_key = hash_key_from_settings(settings)  # before touching the database: a missing key is a setup error
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url, keys=Keyring.from_settings(settings), hash_key=hash_key)
    adopt(engine, now=clock())
    with session_scope(engine) as session:
        service_id = ensure_service(session, settings.service, settings.service_name).id
        roster = load_duty_roster(session, service_id)
    return Heard(settings=settings, engine=engine, service_id=service_id, definitions=load_all(),
                 analyse=analyse or _default_analyser(), clock=clock, worker=f"{socket.gethostname()}:{id(engine):x}",
                 duty_roster=roster)


def _default_analyser():
    from analysis.pipeline import findings_for, warm_up

    warm_up()  # every model loaded and trained now, not during someone's first answer
    return findings_for


def build_application(h: Heard, builder: ApplicationBuilder, *, dispatch: bool = True, rate_limit: bool = True,
                      update_processor: BaseUpdateProcessor | None = None) -> Application:
    """The Application with our handlers; ``builder`` already carries the token and API URL."""
    # Every message is written as HTML (texts.py escapes what people typed), so say it once here.
    builder = (builder.post_init(_post_init).post_shutdown(_post_shutdown)
               .concurrent_updates(update_processor or PerChatUpdateProcessor())
               .defaults(Defaults(parse_mode=ParseMode.HTML)))
    if rate_limit:  # one budget for the whole bot, however many processes run it (bot/ratelimit.py)
        builder = builder.rate_limiter(SharedRateLimiter(h.engine, per_second=h.settings.max_messages_per_second))
    application = builder.build()
    application.bot_data["heard"] = h
    register_handlers(application)
    if dispatch:
        application.job_queue.run_repeating(tick, interval=h.settings.dispatch_interval, first=1, name="dispatch")
        application.job_queue.run_daily(purge_expired, time(3, 30, tzinfo=h.settings.zone), name="retention")
    return application


def register_handlers(application: Application) -> None:
    add = application.add_handler
    # Groups run in order, lowest first, each update through every group: note a staff member's
    # message (so alerts can reach them), refuse groups and channels, then screen every piece of text.
    add(TypeHandler(Update, staff.note_staff_contact), group=-3)
    add(TypeHandler(Update, participant.refuse_group), group=-2)
    add(TypeHandler(Update, screening.screen_every_message), group=-1)

    # An edited message was screened above; it never becomes an answer or re-runs a command.
    add(MessageHandler(filters.UpdateType.EDITED & PRIVATE, participant.message_edited))
    add(CommandHandler("start", participant.start, filters=PRIVATE))
    add(CommandHandler("help", participant.help_command, filters=PRIVATE))
    add(CommandHandler("privacy", participant.privacy_command, filters=PRIVATE))
    add(CommandHandler("language", participant.language_command, filters=PRIVATE))
    add(CommandHandler("stop", participant.stop_command, filters=PRIVATE))
    add(CommandHandler("delete", participant.delete_command, filters=PRIVATE))
    staff.register(application)
    add(MessageHandler(filters.FORWARDED & PRIVATE, participant.forwarded))
    add(MessageHandler(filters.COMMAND & PRIVATE, participant.unknown_command))
    add(MessageHandler(filters.TEXT & PRIVATE, participant.text_sent))
    add(MessageHandler(~filters.TEXT & PRIVATE & ~filters.StatusUpdate.ALL, participant.not_text))

    add(CallbackQueryHandler(participant.consent_pressed, pattern=r"^consent:(yes|no)$"))
    add(CallbackQueryHandler(participant.language_pressed, pattern=r"^lang:(en|cy)$"))
    add(CallbackQueryHandler(participant.confirm_pressed, pattern=r"^(stop|delete):(yes|no)$"))
    add(CallbackQueryHandler(staff.alert_taken, pattern=r"^ack:"))
    add(CallbackQueryHandler(staff.show_full_text, pattern=r"^alerttext:"))
    add(CallbackQueryHandler(participant.button_pressed))
    application.add_error_handler(on_error)


async def purge_expired(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Once a day: erase what is past the retention period (surveys/retention.py)."""
    from surveys.retention import purge

    h: Heard = context.application.bot_data["heard"]
    now = h.now()
    counts = await h.transaction(purge, h.service_id, today=now.astimezone(h.settings.zone).date(),
                                 months=h.settings.retention_months, now=now)
    if counts.cases:
        log.info("retention: %s", counts.detail())


async def _post_init(application: Application) -> None:
    """Start-up: help that a crash kept from someone goes first; then warn if no duty worker can be reached."""
    h: Heard = application.bot_data["heard"]
    await send_missing_help(application.bot, h)
    warn_if_duty_unreachable(h)
    await application.bot.set_my_commands(
        [BotCommand(name, t(f"command.{name}")) for name in PARTICIPANT_COMMANDS])
    # Telegram shows this menu to people whose app is set to Welsh.
    await application.bot.set_my_commands(
        [BotCommand(name, t(f"command.{name}", "cy")) for name in PARTICIPANT_COMMANDS], language_code="cy")


async def _post_shutdown(application: Application) -> None:
    application.bot_data["heard"].close()  # the worker threads (bot/context.py)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what went wrong (never the message text) and tell the person something kind."""
    log.error("error handling update %s: %s", getattr(update, "update_id", "-"), type(context.error).__name__,
              exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        try:
            await context.bot.send_message(update.effective_chat.id, t("chat.error"))
        except Exception:  # noqa: BLE001 - nothing more we can do
            log.warning("could not tell the person about the error")
