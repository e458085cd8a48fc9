"""Run a real python-telegram-bot Application against the Bot API emulator.

    async with Emulator() as emu:
        async with running_bot(lambda builder: add_handlers(builder.build()), emu) as app:
            user = emu.user(42)
            await user.send_text("hi")
            reply = await user.wait_for_message()

``application_factory`` receives an ``ApplicationBuilder`` already pointed at the emulator
(token, base URLs, short timeouts) and returns the built Application with its handlers.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

from telegram.ext import Application, ApplicationBuilder

from bot.sandbox.emulator import DEFAULT_TOKEN, Emulator

POLL_TIMEOUT = 1  # seconds a getUpdates long poll may wait; the emulator answers at once anyway


def emulator_builder(emulator: Emulator, token: str = DEFAULT_TOKEN) -> ApplicationBuilder:
    """An ApplicationBuilder talking to ``emulator`` with timeouts short enough for tests."""
    return (ApplicationBuilder().token(token)
            .base_url(emulator.api_url).base_file_url(emulator.file_url)
            .connect_timeout(2).read_timeout(3).write_timeout(3).pool_timeout(2)
            .get_updates_read_timeout(POLL_TIMEOUT + 2))


@contextlib.asynccontextmanager
async def running_bot(application_factory: Callable[[ApplicationBuilder], Application],
                      emulator: Emulator, token: str = DEFAULT_TOKEN,
                      ) -> AsyncIterator[Application]:
    """Initialize the application, poll the emulator and process updates; stop cleanly after."""
    application = application_factory(emulator_builder(emulator, token))
    async with application:  # initialize() (getMe) ... shutdown()
        await application.start()
        try:
            await application.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
            try:
                yield application
            finally:
                await application.updater.stop()
        finally:
            await application.stop()
