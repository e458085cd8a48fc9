"""The Bot API emulator driven by the real python-telegram-bot stack."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import socket
import time

import httpx
import pytest
from PIL import Image
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken,
                            NetworkError, RetryAfter, TimedOut)
from telegram.ext import (Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler,
                          ContextTypes, MessageHandler, filters)

from bot.sandbox.emulator import Call, Emulator, peak_count
from tests.telegram_harness import emulator_builder, running_bot

USER_ID = 4242


@pytest.fixture
async def emu():
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu):
    """A PTB Bot (no polling) for calling the API directly."""
    application = emulator_builder(emu).build()
    async with application:
        yield application.bot


def echo_app(builder: ApplicationBuilder, seen: list[Update] | None = None) -> Application:
    """Echoes text; /start shows two buttons; a button press edits the message."""
    application = builder.build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes"),
                                          InlineKeyboardButton("No", callback_data="no")]])
        await update.message.reply_text(f"Start {' '.join(context.args)}", reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if seen is not None:
            seen.append(update)
        await update.message.reply_text(f"echo: {update.message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if seen is not None:
            seen.append(update)
        await update.callback_query.answer("Thanks")
        await update.callback_query.edit_message_text(f"You chose {update.callback_query.data}")

    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(button))
    return application


async def test_startup_calls_get_me(emu):
    async with running_bot(echo_app, emu) as app:
        assert app.bot.username == "emulated_123_bot"
        assert app.bot.id == 123
    assert [c.method for c in emu.calls][:1] == ["getme"]


async def test_text_reaches_handler_and_reply_is_visible(emu):
    seen: list[Update] = []
    async with running_bot(lambda b: echo_app(b, seen), emu):
        user = emu.user(USER_ID, "Sam")
        await user.send_text("hello")
        reply = await user.wait_for_message(timeout=3)
    assert reply["text"] == "echo: hello"
    assert user.last_message is reply
    message = seen[0].message
    assert message.from_user.id == USER_ID and message.chat.type == "private"
    assert abs(message.date - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


async def test_button_press_gives_callback_query_and_edit_is_visible(emu):
    seen: list[Update] = []
    async with running_bot(lambda b: echo_app(b, seen), emu):
        user = emu.user(USER_ID)
        await user.send_command("/start abc")
        menu = await user.wait_for_message(timeout=3)
        assert menu["text"] == "Start abc"
        query_id = await user.press("Yes")
        edited = await user.wait_for_message(timeout=3)
        await emu.wait_idle(timeout=3)
    assert edited["message_id"] == menu["message_id"]
    assert edited["text"] == "You chose yes" and "reply_markup" not in edited
    assert [m["text"] for m in user.messages] == ["You chose yes"]
    query = seen[0].callback_query
    assert query.chat_instance and query.data == "yes"
    assert query.message.message_id == menu["message_id"]
    assert emu.callback_answers[query_id]["text"] == "Thanks"


async def test_press_without_such_button_is_a_clear_error(emu, bot):
    user = emu.user(USER_ID)
    with pytest.raises(LookupError, match="no bot message with inline buttons"):
        await user.press("Yes")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")]])
    await bot.send_message(USER_ID, "Pick", reply_markup=keyboard)
    with pytest.raises(LookupError, match=r"no button 'Maybe'.*\['Yes'\]"):
        await user.press("Maybe")


async def test_polling_offset_confirms_updates(emu, bot):
    user = emu.user(USER_ID)
    await user.send_text("one")
    await user.send_text("two")
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first] == ["one", "two"]
    assert first[1].update_id == first[0].update_id + 1
    assert first[1].message.message_id == first[0].message.message_id + 1
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [u.update_id for u in first]
    assert await bot.get_updates(offset=first[-1].update_id + 1, timeout=0) == ()
    assert await bot.get_updates(timeout=0) == ()


async def test_long_poll_waits_and_returns_when_an_update_arrives(emu, bot):
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_for_calls("getUpdates", 2, timeout=3)  # the poll reached the server
    started = time.monotonic()
    await emu.user(USER_ID).send_text("now")
    updates = await asyncio.wait_for(poll, 3)
    assert [u.message.text for u in updates] == ["now"]
    assert time.monotonic() - started < 1


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("call", "error", "description"), [
    (lambda bot: bot.send_message(USER_ID, ""), BadRequest, "Message text is empty"),
    (lambda bot: bot.send_message(USER_ID, "x" * 4097), BadRequest, "Message is too long"),
    (lambda bot: bot.send_message(USER_ID, "hi", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("b", callback_data="d" * 65)]])), BadRequest,
     "Button_data_invalid"),
    (lambda bot: bot.edit_message_text("new", chat_id=USER_ID, message_id=999), BadRequest,
     "Message to edit not found"),
    (lambda bot: bot.send_message(555, "hi"), BadRequest, "Chat not found"),
    (lambda bot: bot.send_photo(USER_ID, b"not an image"), BadRequest, "Image_process_failed"),
    (lambda bot: bot.do_api_request("noSuchMethod"), EndPointNotFound, "noSuchMethod"),
])
async def test_validation_errors_raise_ptb_exceptions(emu, bot, call, error, description):
    emu.user(USER_ID)
    with pytest.raises(error, match=description):
        await call(bot)


async def test_editing_with_identical_content_is_not_modified(emu, bot):
    emu.user(USER_ID)
    sent = await bot.send_message(USER_ID, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", chat_id=USER_ID, message_id=sent.message_id)
    edited = await bot.edit_message_text("<b>new</b>", chat_id=USER_ID,
                                         message_id=sent.message_id, parse_mode="HTML")
    assert edited.text == "new" and edited.edit_date is not None


async def test_blocked_user_is_forbidden(emu, bot):
    emu.user(USER_ID)
    emu.block(USER_ID)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hi")


async def test_injected_429_raises_retry_after(emu, bot, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    emu.user(USER_ID)
    emu.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(USER_ID, "hi")
    assert raised.value.retry_after == dt.timedelta(seconds=7)
    assert (await bot.send_message(USER_ID, "again")).text == "again"


async def test_injected_500_raises_network_error(emu, bot):
    emu.user(USER_ID)
    emu.fail_next("sendMessage", 500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER_ID, "hi")


async def test_delay_beyond_read_timeout_times_out_but_still_delivers(emu, bot):
    user = emu.user(USER_ID)
    emu.delay_next("sendMessage", 1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(USER_ID, "late", read_timeout=0.2)
    assert (await user.wait_for_message(timeout=3))["text"] == "late"


async def test_unknown_token_is_rejected(emu):
    application = emulator_builder(emu, token="999:WRONG").build()
    with pytest.raises(InvalidToken):
        await application.initialize()


async def test_media_arrive_as_ptb_message_attributes(emu, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    received: list[Update] = []
    all_arrived = asyncio.Event()

    def media_app(builder: ApplicationBuilder) -> Application:
        application = builder.build()

        async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            received.append(update)
            if len(received) == 7:
                all_arrived.set()

        application.add_handler(MessageHandler(filters.ALL, collect))
        return application

    async with running_bot(media_app, emu):
        user = emu.user(USER_ID)
        await user.send_sticker("🙂")
        await user.send_voice(duration=4)
        await user.send_location(51.5, -0.1)
        await user.send_photo(caption="pic")
        await user.send_video()
        await user.send_document("a.txt", b"abc")
        await user.send_contact("+441234")
        await asyncio.wait_for(all_arrived.wait(), 3)
    sticker, voice, location, photo, video, document, contact = (u.message for u in received)
    assert sticker.sticker.emoji == "🙂" and sticker.text is None
    assert voice.voice.duration == dt.timedelta(seconds=4)
    assert (location.location.latitude, location.location.longitude) == (51.5, -0.1)
    assert photo.photo[-1].width == 800 and photo.caption == "pic"
    assert video.video is not None
    assert document.document.file_name == "a.txt"
    assert contact.contact.phone_number == "+441234"


async def test_uploads_are_recorded_and_downloadable(emu, bot):
    user = emu.user(USER_ID)
    await bot.send_document(USER_ID, b"a,b\n1,2\n", filename="report.csv", caption="Report")
    document = user.last_message["document"]
    assert document["file_name"] == "report.csv" and user.last_message["caption"] == "Report"
    assert emu.file(document["file_id"]).size == 8
    photo = await bot.send_photo(USER_ID, _png())
    assert (photo.photo[0].width, photo.photo[0].height) == (3, 2)
    telegram_file = await bot.get_file(document["file_id"])
    assert await telegram_file.download_as_bytearray() == b"a,b\n1,2\n"


async def test_group_member_message_and_leave_chat(emu):
    async with running_bot(echo_app, emu) as app:
        group = emu.group(-1001, "Team", chat_type="supergroup")
        member = group.member(7, "Alex")
        await member.send_text("hi all")
        reply = await member.wait_for_message(timeout=3)
        assert reply["chat"]["id"] == -1001 and reply["text"] == "echo: hi all"
        assert reply["reply_to_message"]["text"] == "hi all"  # PTB quotes in groups
        assert (await app.bot.get_chat(-1001)).title == "Team"
        assert await app.bot.leave_chat(-1001)
        assert group.left
        with pytest.raises(Forbidden, match="not a member of the supergroup chat"):
            await app.bot.send_message(-1001, "still here?")


async def test_commands_round_trip(emu, bot):
    await bot.set_my_commands([("start", "Begin"), ("help", "Get help")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Begin"), ("help", "Get help")]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Bad Command", "x")])


async def test_wait_for_message_times_out_clearly(emu):
    user = emu.user(USER_ID)
    with pytest.raises(TimeoutError, match="no matching bot message"):
        await user.wait_for_message(timeout=0.1)


async def test_calls_are_recorded_with_time_and_chat(emu, bot):
    emu.user(USER_ID)
    before = time.monotonic()
    await bot.send_message(USER_ID, "a")
    await bot.send_chat_action(USER_ID, "typing")
    calls = emu.calls_of("sendmessage")
    assert len(calls) == 1 and calls[0].chat_id == USER_ID and calls[0].time >= before
    assert emu.calls[-1].method == "sendchataction"


async def test_raw_responses_follow_the_bot_api_shape(emu):
    """Error bodies and JSON-body requests as a non-PTB client sees them."""
    emu.user(USER_ID)
    emu.fail_next("sendMessage", 429, retry_after=3)
    url = f"{emu.api_url}123:TEST"
    async with httpx.AsyncClient() as client:
        limited = await client.post(f"{url}/sendMessage", json={"chat_id": USER_ID, "text": "a"})
        sent = await client.post(f"{url}/SENDMESSAGE", json={"chat_id": USER_ID, "text": "b"})
        unknown = await client.post(f"{url}/fly", json={})
        garbled = await client.post(f"{url}/getMe", content=b"{",
                                    headers={"Content-Type": "application/json"})
    assert limited.status_code == 429 and limited.json() == {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3}}
    result = sent.json()["result"]
    assert sent.json()["ok"] is True and result["text"] == "b"
    assert isinstance(result["date"], int) and abs(result["date"] - time.time()) < 5
    assert unknown.status_code == 404 and unknown.json() == {
        "ok": False, "error_code": 404, "description": "Not Found"}
    assert garbled.status_code == 400 and garbled.json()["ok"] is False


async def test_allowed_updates_filters_new_updates(emu, bot):
    user = emu.user(USER_ID)
    assert await bot.get_updates(timeout=0, allowed_updates=["callback_query"]) == ()
    await user.send_text("ignored")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(USER_ID, "Menu", reply_markup=keyboard)
    await user.press("go")
    updates = await bot.get_updates(timeout=0)
    assert [u.callback_query.data for u in updates] == ["go"]


def test_peak_count_finds_the_busiest_window():
    calls = [Call(t, "1:A", "sendmessage", 1) for t in (0.0, 0.5, 0.99, 1.0, 1.2, 3.0)]
    assert peak_count(calls, window=1.0) == 4  # 0.5, 0.99, 1.0, 1.2
    assert peak_count([], window=1.0) == 0


async def test_sends_are_counted_per_chat(emu, bot):
    emu.user(1)
    emu.user(2)
    for chat_id in (1, 2, 2):
        await bot.send_message(chat_id, "x")
    await bot.send_chat_action(2, "typing")
    assert len(emu.sends()) == 3 and len(emu.sends(chat_id=2)) == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_delivers_updates_with_the_secret_token(emu):
    port = _free_port()
    application = echo_app(emulator_builder(emu))
    async with application:
        await application.start()
        try:
            await application.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="hook", secret_token="s3cret",
                webhook_url=f"http://127.0.0.1:{port}/hook")
            try:
                assert emu.webhook()["url"] == f"http://127.0.0.1:{port}/hook"
                with pytest.raises(Conflict, match="webhook is active"):
                    await application.bot.get_updates(timeout=0)
                user = emu.user(USER_ID)
                await user.send_text("via hook")
                assert (await user.wait_for_message(timeout=3))["text"] == "echo: via hook"
            finally:
                await application.updater.stop()
        finally:
            await application.stop()


async def test_channel_posts_and_username_addressing(emu, bot):
    channel = emu.group(-100200, "News", chat_type="channel", username="news")
    await channel.member(1).send_text("post")
    (update,) = await bot.get_updates(timeout=0)
    assert update.channel_post.text == "post" and update.channel_post.from_user is None
    assert update.channel_post.sender_chat.id == -100200
    assert (await bot.send_message("@news", "hello")).chat.id == -100200


async def test_stopping_releases_long_polls_and_delays():
    emulator = Emulator()
    await emulator.start()
    emulator.user(USER_ID)
    application = emulator_builder(emulator).build()
    async with application:
        emulator.delay_next("sendMessage", 30)
        poll = asyncio.create_task(application.bot.get_updates(timeout=30, read_timeout=40))
        send = asyncio.create_task(application.bot.send_message(USER_ID, "x", read_timeout=40))
        await emulator.wait_for_calls("sendMessage", 1, timeout=3)
        await emulator.wait_for_calls("getUpdates", 1, timeout=3)
        started = time.monotonic()
        await emulator.stop()
        await asyncio.wait([poll, send], timeout=3)
    assert time.monotonic() - started < 3
    assert poll.done() and send.done()


async def test_replying_to_a_missing_message_is_rejected(emu, bot):
    emu.user(USER_ID)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER_ID, "hi", reply_to_message_id=999)
