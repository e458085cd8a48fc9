"""The update processor: chats side by side, each chat in order."""

import asyncio
from types import SimpleNamespace

from bot.processing import PerChatUpdateProcessor


def _update(chat_id):
    return SimpleNamespace(effective_chat=SimpleNamespace(id=chat_id) if chat_id is not None else None)


async def test_one_chat_waiting_does_not_hold_up_another():
    processor = PerChatUpdateProcessor(8)
    slow_started, release, log = asyncio.Event(), asyncio.Event(), []

    async def slow():
        slow_started.set()
        await release.wait()
        log.append("A1")

    async def quick(name):
        log.append(name)

    a1 = asyncio.create_task(processor.process_update(_update(1), slow()))
    await slow_started.wait()
    await asyncio.wait_for(processor.process_update(_update(2), quick("B1")), timeout=2)
    assert log == ["B1"]  # chat 2 went ahead while chat 1 waited
    release.set()
    await asyncio.wait_for(a1, timeout=2)
    assert log == ["B1", "A1"]


async def test_each_chats_updates_run_in_the_order_they_came():
    processor = PerChatUpdateProcessor(8)
    log = []

    async def step(name, pause):
        await asyncio.sleep(pause)  # the first takes longest: order must still hold
        log.append(name)

    tasks = [asyncio.create_task(processor.process_update(_update(chat), step(f"{chat}:{n}", pause)))
             for n, pause in enumerate((0.05, 0.02, 0.0)) for chat in (1, 2, None)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    for chat in ("1", "2", "None"):
        assert [entry for entry in log if entry.startswith(f"{chat}:")] == [f"{chat}:0", f"{chat}:1", f"{chat}:2"]
    assert processor._locks == {}  # idle chats are forgotten
