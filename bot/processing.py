"""Handle different chats at the same time, and each chat's updates strictly in order.

python-telegram-bot handles one update at a time by default, so one person waiting on a slow
Telegram call holds up everyone. Here each chat's updates queue behind that chat's own lock
*before* taking one of python-telegram-bot's concurrency slots, so a chat that sends fifty
presses at once holds one slot, never all of them, and other chats carry on beside it.

Database work and text analysis run in worker threads (``Heard.run``), not on the event loop,
and no handler awaits inside a transaction (tests/test_transactions.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram.ext import BaseUpdateProcessor


def chat_of(update: object) -> object:
    """The chat an update belongs to; updates without one share a single queue."""
    chat = getattr(update, "effective_chat", None)
    return chat.id if chat is not None else None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 32):
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}  # updates holding or waiting for each chat's lock

    async def process_update(self, update: object, coroutine: Awaitable) -> None:  # type: ignore[misc]
        # python-telegram-bot takes a slot, then calls do_process_update. Waiting for the chat
        # first means a queued update holds no slot while the chat's earlier updates run.
        key = chat_of(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock wakes waiters first come, first served
                await super().process_update(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle chats, so memory does not grow with users
                del self._users[key], self._locks[key]

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
