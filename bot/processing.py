"""Handle different chats at the same time, and each chat's updates strictly in order.

python-telegram-bot handles one update at a time by default, so one person waiting on a slow
Telegram call holds up everyone. Running chats side by side is safe because no handler awaits
inside a database transaction (tests/test_transactions.py): each transaction runs to its end
without giving the event loop away.
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

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        key = chat_of(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock wakes waiters first come, first served
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # forget idle chats, so memory does not grow with users
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
