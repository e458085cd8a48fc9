"""A small Telegram Bot API emulator for end-to-end tests, ``heard demo`` and benchmarks.

It serves the Bot API over HTTP on 127.0.0.1 so the real python-telegram-bot stack (httpx,
Application, Updater) can run against it unchanged::

    async with Emulator() as emu:                      # registers token "123:TEST"
        app = (ApplicationBuilder().token("123:TEST")
               .base_url(emu.api_url).base_file_url(emu.file_url).build())
        user = emu.user(42, first_name="Sam")
        await user.send_text("hi")
        reply = await user.wait_for_message()

URL form: PTB calls ``{base_url}{token}/{method}`` and downloads ``{base_file_url}{token}/{path}``,
so pass ``emu.api_url`` (= ``emu.base_url + "/bot"``) and ``emu.file_url``
(= ``emu.base_url + "/file/bot"``), exactly like ``https://api.telegram.org/bot``.

Responses follow https://core.telegram.org/bots/api: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}``.

Deliberate differences from the real API (each also noted where it is made):

* Only the methods this project uses exist; others answer 404 "Not Found".
* HTML markup is stripped from stored text, Markdown is kept as sent, and no entities are
  produced for bot messages; lengths are counted in Python characters, not UTF-16 units.
* There is no inline mode, so ``inline_message_id`` edits answer 400 "MESSAGE_ID_INVALID".
* File URLs given to sendPhoto/sendDocument are recorded, not fetched.
* Webhooks may be plain http on loopback, and only loopback webhooks receive updates.
* Unregistered tokens answer 401 "Unauthorized" whatever their format.
* Wording of rarely seen errors (invalid commands, chat actions) is approximate.
"""

from __future__ import annotations

import asyncio
import collections
import html.parser
import io
import itertools
import json
import random
import re
import socket
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import aiohttp
from aiohttp import web

DEFAULT_TOKEN = "123:TEST"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_PENDING_UPDATES = 10_000  # Telegram keeps updates for 24h; a test should never get near this
MAX_UPLOAD = 50 * 1024 * 1024
WEBHOOK_RETRY_PAUSE = 0.2  # seconds; Telegram backs off far longer, tests want it quick
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
# Update types a bot only gets when it lists them in allowed_updates (per the getUpdates docs).
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
SENDING_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
PARSE_MODES = frozenset({"HTML", "Markdown", "MarkdownV2"})
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
NOT_MEMBER = {
    "group": "Forbidden: bot is not a member of the group chat",
    "supergroup": "Forbidden: bot is not a member of the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}


class ApiError(Exception):
    """A Bot API error response."""

    def __init__(self, status: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status,
                                "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass(slots=True, frozen=True)
class Call:
    """One bot->API request, as a benchmark needs it: arrival time, bot, method, target chat."""

    time: float
    token: str
    method: str
    chat_id: int | str | None


@dataclass(slots=True)
class Fault:
    status: int | None
    description: str | None = None
    retry_after: int | None = None
    delay: float = 0.0


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    mime_type: str | None
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class _Bot:
    token: str
    user: dict[str, Any]
    updates: collections.deque = field(default_factory=collections.deque)
    next_update_id: int = 1
    allowed_updates: frozenset[str] = frozenset()  # empty: all but OPT_IN_UPDATE_TYPES
    webhook: dict[str, Any] | None = None
    commands: dict[tuple[str, str], list] = field(default_factory=dict)
    poll_generation: int = 0
    delivery: asyncio.Task | None = None  # webhook delivery loop
    tick: asyncio.Event = field(default_factory=asyncio.Event)

    async def stop_delivery(self) -> None:
        if self.delivery is not None:
            self.delivery.cancel()
            await asyncio.wait([self.delivery])
            self.delivery = None

    def wants(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in OPT_IN_UPDATE_TYPES

    def wake(self) -> None:
        """Wake the long poll waiting on this bot (swap-the-event: no lock, no waiter list)."""
        self.tick.set()
        self.tick = asyncio.Event()

    def confirm(self, offset: int) -> bool:
        """Forget confirmed updates; True if any were."""
        before = len(self.updates)
        if offset < 0:  # negative offsets keep only the last -offset updates
            while len(self.updates) > -offset:
                self.updates.popleft()
        while offset > 0 and self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()
        return len(self.updates) != before


@dataclass
class _Chat:
    info: dict[str, Any]  # the Bot API Chat object
    messages: dict[int, dict] = field(default_factory=dict)  # by message_id, in send order
    log: collections.deque = field(default_factory=lambda: collections.deque(maxlen=1000))
    next_message_id: int = 1
    blocked: bool = False
    left: bool = False
    reply_keyboard: dict | None = None
    chat_instance: str = field(default_factory=lambda: str(random.getrandbits(62)))
    # Set when the bot sends or edits here, so a user waits on their own chat only: with
    # hundreds of users waiting at once, waking them all on every change costs more than the bot.
    touched: asyncio.Event = field(default_factory=asyncio.Event)

    def touch(self) -> None:
        self.touched.set()
        self.touched = asyncio.Event()

    @property
    def id(self) -> int:
        return self.info["id"]

    @property
    def type(self) -> str:
        return self.info["type"]


class _Params:
    """Request parameters from a query string, form, multipart or JSON body.

    PTB sends forms whose non-string values are JSON-encoded; a JSON body has real types.
    """

    def __init__(self, values: dict[str, Any], files: dict[str, web.FileField]):
        self.values, self.files = values, files

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name, default)
        return None if value is None else str(value)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(float(value))
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def float(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: str) -> bool:
        return self.values.get(name) in (True, "true", "True", "1", 1)

    def json(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int | str:
        value = self.values.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        text = str(value)
        return text if text.startswith("@") else self.int("chat_id")


async def _read_params(request: web.Request) -> _Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, web.FileField] = {}
    if request.content_type == "application/json":
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        values.update(body)
    elif request.can_read_body:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = value
            else:
                values[name] = value
    return _Params(values, files)


class _TextOnly(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram stores: HTML markup is removed. Simplification: Markdown is kept as
    sent and no entities are produced."""
    if parse_mode is None:
        return text
    if parse_mode not in PARSE_MODES:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    if parse_mode != "HTML":
        return text
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _check_markup(markup: dict | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError  # Pillow comes with qrcode[pil]

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None


_API: dict[str, Callable] = {}


def _api(name: str) -> Callable:
    """Register a Bot API method; names are case-insensitive like the real API's."""

    def register(func: Callable) -> Callable:
        _API[name.lower()] = func
        return func

    return register


class Emulator:
    """The Bot API server plus the simulated users that talk to its bots."""

    def __init__(self, *tokens: str, max_calls: int = 200_000):
        self._bots: dict[str, _Bot] = {}
        self._chats: dict[tuple[str, int], _Chat] = {}
        self._files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, StoredFile] = {}
        self._faults: dict[str, collections.deque[Fault]] = {}
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._tick = asyncio.Event()
        self._closing = asyncio.Event()
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.calls: collections.deque[Call] = collections.deque(maxlen=max_calls)
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self._open_callbacks: set[str] = set()
        for token in tokens or (DEFAULT_TOKEN,):
            self.add_bot(token)

    # ----- lifecycle -----

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))  # never anything but loopback
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Release long polls, delays and waiters, then shut the server down."""
        self._closing.set()
        for bot in self._bots.values():
            await bot.stop_delivery()
            bot.wake()
        self._changed()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends ``{token}/{method}``."""
        return self.base_url + "/bot"

    @property
    def file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return self.base_url + "/file/bot"

    # ----- test controls -----

    def add_bot(self, token: str, *, username: str | None = None,
                first_name: str | None = None) -> None:
        bot_id = int(token.split(":", 1)[0])
        self._bots[token] = _Bot(token, {
            "id": bot_id, "is_bot": True, "first_name": first_name or f"Bot {bot_id}",
            "username": username or f"emulated_{bot_id}_bot",
        })

    def user(self, user_id: int, first_name: str = "User", *, username: str | None = None,
             chat_type: str = "private", chat_id: int | None = None,
             bot: str | None = None) -> SimUser:
        """A user talking to ``bot`` in a private chat, or in chat ``chat_id`` of ``chat_type``."""
        if chat_type == "private":
            info = {"id": user_id, "type": "private", "first_name": first_name}
            if username:
                info["username"] = username
            chat = self._chat(self._bot(bot), info)
            return SimUser(self, self._bot(bot), chat, user_id, first_name, username)
        if chat_id is None:
            raise ValueError(f"a {chat_type} user needs the chat_id of the group")
        return self.group(chat_id, chat_type=chat_type, bot=bot).member(
            user_id, first_name, username=username)

    def group(self, chat_id: int, title: str = "Group", *, chat_type: str = "group",
              username: str | None = None, bot: str | None = None) -> SimChat:
        """A group, supergroup or channel the bot is a member of."""
        if chat_type not in NOT_MEMBER:
            raise ValueError(f"unknown chat type {chat_type!r}")
        info = {"id": chat_id, "type": chat_type, "title": title}
        if username:
            info["username"] = username
        return SimChat(self, self._bot(bot), self._chat(self._bot(bot), info))

    def block(self, chat_id: int, bot: str | None = None) -> None:
        """The user of private chat ``chat_id`` blocks the bot."""
        self._chats[(self._bot(bot).token, chat_id)].blocked = True

    def unblock(self, chat_id: int, bot: str | None = None) -> None:
        self._chats[(self._bot(bot).token, chat_id)].blocked = False

    def fail_next(self, method: str, status: int = 429, *, retry_after: int | None = None,
                  description: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` (any bot) with an error."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(status, "Bad Request")
        self._add_fault(method, Fault(status, description, retry_after), times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` calls of ``method`` for ``seconds`` before answering.

        The call still takes effect afterwards, as on the real API when a client times out.
        """
        self._add_fault(method, Fault(None, delay=seconds), times)

    def updates_sent(self, bot: str | None = None) -> int:
        """How many updates simulated people have made for ``bot`` so far (update ids count up from 1)."""
        return self._bot(bot).next_update_id - 1

    def file(self, file_id: str) -> StoredFile:
        return self._files[file_id]

    def webhook(self, bot: str | None = None) -> dict[str, Any] | None:
        return self._bot(bot).webhook

    def sends(self, chat_id: int | None = None) -> list[Call]:
        """Calls that post a new message, optionally to one chat: what rate limits count."""
        return [call for call in self.calls if call.method in SENDING_METHODS
                and (chat_id is None or call.chat_id == chat_id)]

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of ``method`` (case-insensitive, like the API)."""
        method = method.lower()
        return [call for call in self.calls if call.method == method]

    async def wait_for_calls(self, method: str, count: int, timeout: float = 5.0) -> None:
        """Return once ``method`` has been called ``count`` times in all."""
        deadline = time.monotonic() + timeout
        while len(self.calls_of(method)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{method} called {len(self.calls_of(method))} times, "
                                   f"not {count}, within {timeout}s")
            await self._wait_change(remaining)

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.05) -> None:
        """Return once every update was confirmed by the bots, no request is in flight and the
        API saw no call for ``quiet`` seconds (a handler may still be about to reply)."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            settled = self._inflight == 0 and not any(b.updates for b in self._bots.values())
            if settled and now - self._last_activity >= quiet:
                return
            if now >= deadline:
                raise TimeoutError(f"emulator not idle after {timeout}s")
            wait = self._last_activity + quiet - now if settled else deadline - now
            await self._wait_change(min(max(wait, 0.001), deadline - now))

    # ----- internals shared with SimUser -----

    def _bot(self, token: str | None) -> _Bot:
        if token is not None:
            return self._bots[token]
        if len(self._bots) != 1:
            raise ValueError("several bots are registered: say which one with bot=<token>")
        return next(iter(self._bots.values()))

    def _chat(self, bot: _Bot, info: dict[str, Any]) -> _Chat:
        key = (bot.token, info["id"])
        if key not in self._chats:
            self._chats[key] = _Chat(info)
        return self._chats[key]

    def _add_fault(self, method: str, fault: Fault, times: int) -> None:
        self._faults.setdefault(method.lower(), collections.deque()).extend([fault] * times)

    def _changed(self) -> None:
        self._last_activity = time.monotonic()
        self._tick.set()
        self._tick = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._tick.wait(), timeout)
        except TimeoutError:
            pass

    def _new_file(self, kind: str, data: bytes, filename: str | None,
                  mime_type: str | None) -> StoredFile:
        n = next(self._ids)
        suffix = filename.rsplit(".", 1)[-1] if filename and "." in filename else "bin"
        stored = StoredFile(f"F{n:08d}{kind[:3].upper()}", f"U{n:08d}",
                            f"{kind}/file_{n}.{suffix}", filename, mime_type, data)
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def _push_update(self, bot: _Bot, kind: str, payload: dict[str, Any]) -> None:
        if not bot.wants(kind):
            return
        if len(bot.updates) >= MAX_PENDING_UPDATES:
            raise OverflowError(f"bot {bot.token} has {MAX_PENDING_UPDATES} unconfirmed updates")
        bot.updates.append({"update_id": bot.next_update_id, kind: payload})
        bot.next_update_id += 1
        bot.wake()
        self._changed()

    def _store(self, chat: _Chat, content: dict[str, Any], sender: dict[str, Any] | None,
               ) -> dict[str, Any]:
        message = {"message_id": chat.next_message_id, "date": int(time.time()),
                   "chat": chat.info, **content}
        if sender is not None:
            message["from"] = sender
        elif chat.type == "channel":
            message["sender_chat"] = chat.info
        chat.next_message_id += 1
        chat.messages[message["message_id"]] = message
        return message

    def _bot_touched(self, chat: _Chat, message_id: int) -> None:
        chat.log.append((next(self._seq), message_id))
        chat.touch()
        self._changed()

    # ----- HTTP -----

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        bot = self._bots.get(request.match_info["token"])
        if bot is None:
            return self._error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"].lower()
        if method == "getupdates":  # long polls are always pending: they are not "work"
            return await self._respond(bot, method, request, arrived)
        self._inflight += 1
        try:
            return await self._respond(bot, method, request, arrived)
        finally:
            self._inflight -= 1
            self._changed()

    async def _respond(self, bot: _Bot, method: str, request: web.Request,
                       arrived: float) -> web.Response:
        try:
            params = await _read_params(request)
            self.calls.append(Call(arrived, bot.token, method, _chat_key(params)))
            self._changed()
            return web.json_response({"ok": True, "result": await self._run(bot, method, params)},
                                     dumps=_dumps)
        except ApiError as error:
            return self._error(error)

    async def _run(self, bot: _Bot, method: str, params: _Params) -> Any:
        handler = _API.get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            if fault.delay:
                await self._sleep(fault.delay)
            if fault.status is not None:
                raise ApiError(fault.status, fault.description or "", fault.retry_after)
        return await handler(self, bot, params)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but end early when the emulator stops so shutdown never waits on a delay."""
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            pass

    @staticmethod
    def _error(error: ApiError) -> web.Response:
        return web.json_response(error.payload(), status=error.status, dumps=_dumps)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] not in self._bots:
            return self._error(ApiError(401, "Unauthorized"))
        stored = self._file_paths.get(request.match_info["path"])
        if stored is None:
            return self._error(ApiError(404, "Not Found"))
        return web.Response(body=stored.data)

    # ----- Bot API helpers -----

    def _find_chat(self, bot: _Bot, params: _Params) -> _Chat:
        chat_id = params.chat_id()
        if isinstance(chat_id, str):
            chat = next((c for (token, _), c in self._chats.items()
                         if token == bot.token and c.info.get("username") == chat_id[1:]), None)
        else:
            chat = self._chats.get((bot.token, chat_id))
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _target(self, bot: _Bot, params: _Params) -> _Chat:
        """The chat a bot writes to, with the real API's 400/403 answers."""
        chat = self._find_chat(bot, params)
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.left:
            raise ApiError(403, NOT_MEMBER[chat.type])
        return chat

    def _send(self, bot: _Bot, chat: _Chat, content: dict[str, Any],
              params: _Params) -> dict[str, Any]:
        markup = params.json("reply_markup")
        _check_markup(markup)
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        elif markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        replied = self._replied_to(chat, params)
        if replied is not None:
            content["reply_to_message"] = {k: v for k, v in replied.items()
                                           if k != "reply_to_message"}
        message = self._store(chat, content, bot.user)
        self._bot_touched(chat, message["message_id"])
        return message

    @staticmethod
    def _replied_to(chat: _Chat, params: _Params) -> dict[str, Any] | None:
        reply = params.json("reply_parameters") or {}
        message_id = reply.get("message_id") or params.int("reply_to_message_id")
        if message_id is None:
            return None
        replied = chat.messages.get(int(message_id))
        if replied is None and not (reply.get("allow_sending_without_reply")
                                    or params.bool("allow_sending_without_reply")):
            raise bad_request("message to be replied not found")
        return replied

    def _message_to_edit(self, bot: _Bot, params: _Params) -> _Chat | None:
        if params.str("inline_message_id"):
            return None
        chat = self._target(bot, params)
        message_id = params.int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if message.get("from") != bot.user:
            raise bad_request("message can't be edited")
        return chat

    def _edit(self, chat: _Chat, message: dict, changes: dict[str, Any]) -> dict[str, Any]:
        if all(message.get(key) == value for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        self._bot_touched(chat, message["message_id"])
        return message

    def _upload(self, params: _Params, name: str, kind: str) -> tuple[StoredFile, bool]:
        """The file of a send* call: a multipart upload, or a known file_id. Returns the file
        and whether it was uploaded now. Simplification: URLs are not fetched (no internet)."""
        upload = params.files.get(name)
        if upload is not None:
            data = upload.file.read()
            return self._new_file(kind, data, upload.filename, upload.content_type), True
        reference = params.str(name)
        if not reference:
            raise bad_request(f"there is no {name} in the request")
        if reference in self._files:
            return self._files[reference], False
        if reference.startswith(("http://", "https://")):
            return self._new_file(kind, b"", reference.rsplit("/", 1)[-1], None), True
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _caption(self, params: _Params) -> dict[str, Any]:
        caption = params.str("caption")
        if not caption:
            return {}
        caption = _plain_text(caption, params.str("parse_mode"))
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return {"caption": caption}

    # ----- Bot API methods -----

    @_api("getMe")
    async def _get_me(self, bot: _Bot, params: _Params) -> dict:
        return {**bot.user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    @_api("getUpdates")
    async def _get_updates(self, bot: _Bot, params: _Params) -> list:
        if bot.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        allowed = params.json("allowed_updates")
        if allowed is not None:
            bot.allowed_updates = frozenset(allowed)
        offset = params.int("offset")
        if offset is not None and bot.confirm(offset):
            self._changed()
        limit = min(max(params.int("limit", 100), 1), 100)
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.wake()  # an older long poll of this bot now ends with 409, as on Telegram
        deadline = time.monotonic() + max(params.float("timeout", 0.0), 0.0)
        while not bot.updates and not self._closing.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(bot.tick.wait(), remaining)
            except TimeoutError:
                break
            if bot.poll_generation != generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running")
        return list(itertools.islice(bot.updates, limit))

    @_api("setWebhook")
    async def _set_webhook(self, bot: _Bot, params: _Params) -> bool:
        """Updates are POSTed only to loopback URLs, which may be plain http (a deviation so
        PTB's local webhook server can be tested without TLS); other URLs are just stored."""
        url = params.str("url")
        if not url:
            return await self._delete_webhook(bot, params)
        loopback = _is_loopback(url)
        if not (url.startswith("https://") or loopback):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        await self._delete_webhook(bot, params)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            bot.allowed_updates = frozenset(allowed)
        bot.webhook = {"url": url, "secret_token": params.str("secret_token")}
        if loopback:
            bot.delivery = asyncio.create_task(self._deliver(bot, url, bot.webhook))
        return True

    @_api("deleteWebhook")
    async def _delete_webhook(self, bot: _Bot, params: _Params) -> bool:
        bot.webhook = None
        await bot.stop_delivery()
        if params.bool("drop_pending_updates"):
            bot.updates.clear()
        return True

    async def _deliver(self, bot: _Bot, url: str, webhook: dict[str, Any]) -> None:
        """POST pending updates one at a time, in order; an update is confirmed by a 2xx answer
        and retried (after a short pause) otherwise, like Telegram does."""
        headers = {"Content-Type": "application/json"}
        if webhook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while not self._closing.is_set():
                if not bot.updates:
                    await bot.tick.wait()
                    continue
                update = bot.updates[0]
                try:
                    async with session.post(url, data=_dumps(update), headers=headers) as reply:
                        delivered = 200 <= reply.status < 300
                        webhook["last_error_message"] = None if delivered else (
                            f"Wrong response from the webhook: {reply.status} {reply.reason}")
                except aiohttp.ClientError as error:
                    delivered, webhook["last_error_message"] = False, str(error)
                if delivered and bot.updates and bot.updates[0] is update:
                    bot.updates.popleft()
                    self._changed()
                elif not delivered:
                    await self._sleep(WEBHOOK_RETRY_PAUSE)

    @_api("getWebhookInfo")
    async def _get_webhook_info(self, bot: _Bot, params: _Params) -> dict:
        info = {"url": bot.webhook["url"] if bot.webhook else "", "has_custom_certificate": False,
                "pending_update_count": len(bot.updates)}
        if bot.webhook and bot.webhook.get("last_error_message"):
            info["last_error_message"] = bot.webhook["last_error_message"]
        return info

    @_api("sendMessage")
    async def _send_message(self, bot: _Bot, params: _Params) -> dict:
        chat = self._target(bot, params)
        text = _plain_text(params.str("text") or "", params.str("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return self._send(bot, chat, {"text": text}, params)

    @_api("editMessageText")
    async def _edit_message_text(self, bot: _Bot, params: _Params) -> dict | bool:
        text = _plain_text(params.str("text") or "", params.str("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        chat = self._message_to_edit(bot, params)
        if chat is None:
            raise bad_request("MESSAGE_ID_INVALID")  # no inline mode, so no inline messages
        message = chat.messages[params.int("message_id")]
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        markup = params.json("reply_markup")
        _check_markup(markup)
        return self._edit(chat, message, {"text": text, "reply_markup": markup})

    @_api("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, bot: _Bot, params: _Params) -> dict | bool:
        chat = self._message_to_edit(bot, params)
        if chat is None:
            raise bad_request("MESSAGE_ID_INVALID")
        markup = params.json("reply_markup")
        _check_markup(markup)
        message = chat.messages[params.int("message_id")]
        return self._edit(chat, message, {"reply_markup": markup})

    @_api("answerCallbackQuery")
    async def _answer_callback_query(self, bot: _Bot, params: _Params) -> bool:
        query_id = params.str("callback_query_id") or ""
        if query_id not in self._open_callbacks:
            raise bad_request("query is too old and response timeout expired or query ID is "
                              "invalid")
        text = params.str("text")
        if text and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.callback_answers[query_id] = {
            "text": text, "show_alert": params.bool("show_alert"), "url": params.str("url")}
        self._changed()
        return True

    @_api("sendPhoto")
    async def _send_photo(self, bot: _Bot, params: _Params) -> dict:
        chat = self._target(bot, params)
        stored, fresh = self._upload(params, "photo", "photos")
        width, height = _image_size(stored.data) if fresh and stored.data else (1280, 720)
        photo = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                  "width": width, "height": height, "file_size": stored.size}]
        return self._send(bot, chat, {"photo": photo, **self._caption(params)}, params)

    @_api("sendDocument")
    async def _send_document(self, bot: _Bot, params: _Params) -> dict:
        chat = self._target(bot, params)
        stored, _ = self._upload(params, "document", "documents")
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                    "file_size": stored.size}
        if stored.filename:
            document["file_name"] = stored.filename
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return self._send(bot, chat, {"document": document, **self._caption(params)}, params)

    @_api("getFile")
    async def _get_file(self, bot: _Bot, params: _Params) -> dict:
        stored = self._files.get(params.str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size, "file_path": stored.file_path}

    @_api("deleteMessage")
    async def _delete_message(self, bot: _Bot, params: _Params) -> bool:
        chat = self._target(bot, params)
        message_id = params.int("message_id")
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        self._bot_touched(chat, message_id)
        return True

    @_api("leaveChat")
    async def _leave_chat(self, bot: _Bot, params: _Params) -> bool:
        chat = self._target(bot, params)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        chat.left = True
        self._changed()
        return True

    @_api("getChat")
    async def _get_chat(self, bot: _Bot, params: _Params) -> dict:
        chat = self._find_chat(bot, params)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {**chat.info, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    @staticmethod
    def _command_scope(params: _Params) -> tuple[str, str]:
        scope = params.json("scope", {"type": "default"})
        return json.dumps(scope, sort_keys=True), params.str("language_code") or ""

    @_api("setMyCommands")
    async def _set_my_commands(self, bot: _Bot, params: _Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands is invalid")
        for command in commands:
            if not COMMAND_RE.match(command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        bot.commands[self._command_scope(params)] = commands
        return True

    @_api("getMyCommands")
    async def _get_my_commands(self, bot: _Bot, params: _Params) -> list:
        return bot.commands.get(self._command_scope(params), [])

    @_api("deleteMyCommands")
    async def _delete_my_commands(self, bot: _Bot, params: _Params) -> bool:
        bot.commands.pop(self._command_scope(params), None)
        return True

    @_api("sendChatAction")
    async def _send_chat_action(self, bot: _Bot, params: _Params) -> bool:
        self._target(bot, params)
        if params.str("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True


def _is_loopback(url: str) -> bool:
    return urllib.parse.urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def peak_count(calls: Iterable[Call], window: float = 1.0) -> int:
    """The most calls that arrived within any ``window`` seconds (e.g. to check 30 msgs/s)."""
    times = sorted(call.time for call in calls)
    peak, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        peak = max(peak, end - start + 1)
    return peak


def _chat_key(params: _Params) -> int | str | None:
    value = params.values.get("chat_id")
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _dumps(value: Any) -> str:
    # \uXXXX escapes, so text holding a lone surrogate (an emoji cut in half) still travels as JSON.
    return json.dumps(value, separators=(",", ":"))


class SimUser:
    """A person writing to a bot in one chat (private, group or channel)."""

    def __init__(self, emu: Emulator, bot: _Bot, chat: _Chat, user_id: int, first_name: str,
                 username: str | None = None):
        self._emu, self._bot, self._chat = emu, bot, chat
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name,
                     "language_code": "en"}
        if username:
            self.user["username"] = username
        self._seen = 0  # sequence number of the last bot change wait_for_message returned

    @property
    def id(self) -> int:
        return self.user["id"]

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The bot's messages in this chat, oldest first, as they are now (after edits)."""
        return [m for m in self._chat.messages.values() if m.get("from") == self._bot.user]

    @property
    def last_message(self) -> dict[str, Any] | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def reply_keyboard(self) -> dict | None:
        """The ReplyKeyboardMarkup the bot last showed here, until it sends ReplyKeyboardRemove."""
        return self._chat.reply_keyboard

    async def send_text(self, text: str) -> dict[str, Any]:
        return self._send({"text": text})

    async def edit_text(self, message: dict[str, Any], new_text: str) -> dict[str, Any]:
        """Edit a message this person sent earlier: the bot gets an ``edited_message`` update."""
        edited = {**message, "text": new_text, "edit_date": int(time.time())}
        self._chat.messages[message["message_id"]] = edited
        self._emu._push_update(self._bot, "edited_message", edited)
        return edited

    async def send_command(self, command_line: str) -> dict[str, Any]:
        command = command_line.split(maxsplit=1)[0]
        if not command.startswith("/"):
            raise ValueError(f"not a command: {command_line!r}")
        entity = {"type": "bot_command", "offset": 0, "length": len(command)}
        return self._send({"text": command_line, "entities": [entity]})

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        return self._send({"sticker": {
            **self._file("stickers", b"sticker", "sticker.webp", "image/webp"),
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "type": "regular", "emoji": emoji}})

    async def send_voice(self, duration: int = 3) -> dict[str, Any]:
        return self._send({"voice": {
            **self._file("voice", b"OggS", "voice.ogg", "audio/ogg"), "duration": duration,
            "mime_type": "audio/ogg"}})

    async def send_photo(self, caption: str | None = None) -> dict[str, Any]:
        size = {**self._file("photos", b"\xff\xd8\xff", "photo.jpg", "image/jpeg"),
                "width": 800, "height": 600}
        return self._send({"photo": [size], **({"caption": caption} if caption else {})})

    async def send_video(self, duration: int = 5) -> dict[str, Any]:
        return self._send({"video": {
            **self._file("videos", b"video", "video.mp4", "video/mp4"),
            "width": 640, "height": 360, "duration": duration, "mime_type": "video/mp4"}})

    async def send_document(self, filename: str = "notes.txt", data: bytes = b"hello",
                            mime_type: str = "text/plain") -> dict[str, Any]:
        return self._send({"document": {
            **self._file("documents", data, filename, mime_type), "file_name": filename,
            "mime_type": mime_type}})

    async def send_animation(self, duration: int = 2) -> dict[str, Any]:
        """A GIF, as the apps send one: an animation, with a document beside it for old clients."""
        file = self._file("animations", b"gif", "animation.mp4", "video/mp4")
        return self._send({"animation": {**file, "width": 320, "height": 240, "duration": duration,
                                         "mime_type": "video/mp4"},
                           "document": {**file, "file_name": "animation.mp4", "mime_type": "video/mp4"}})

    async def forward_text(self, text: str, from_user: dict[str, Any] | None = None) -> dict[str, Any]:
        """Forward a text message from another chat: from ``from_user`` (a user dict), or from someone
        who hides their account (``from_user`` None)."""
        origin = ({"type": "user", "sender_user": from_user, "date": int(time.time())} if from_user
                  else {"type": "hidden_user", "sender_user_name": "Someone", "date": int(time.time())})
        return self._send({"text": text, "forward_origin": origin})

    async def send_location(self, latitude: float = 51.5, longitude: float = -0.12,
                            ) -> dict[str, Any]:
        return self._send({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(self, phone_number: str = "+440000000000",
                           first_name: str | None = None) -> dict[str, Any]:
        return self._send({"contact": {"phone_number": phone_number,
                                       "first_name": first_name or self.user["first_name"],
                                       "user_id": self.id}})

    async def press(self, button: str, message: dict | int | None = None) -> str:
        """Press an inline button (by its text or callback_data) on ``message`` or on the latest
        bot message with an inline keyboard here. Returns the callback query id; the bot's
        answer appears in ``emu.callback_answers[id]``."""
        target = self._message_with_buttons(message)
        return await self.press_data(self._callback_data(target, button), target)

    async def press_data(self, data: str, message: dict | None = None) -> str:
        """Press a button carrying any ``data`` on ``message`` (default: the bot's latest message
        here), as a tampered client could: for tests of forged callback data."""
        target = message or self.last_message or {"message_id": 0, "date": 0, "chat": self._chat.info}
        query_id = f"{self._bot.user['id']}{next(self._emu._ids):010d}"
        self._emu._open_callbacks.add(query_id)
        self._mark_now()
        self._emu._push_update(self._bot, "callback_query", {
            "id": query_id, "from": self.user, "message": target,
            "chat_instance": self._chat.chat_instance, "data": data})
        return query_id

    async def wait_for_message(self, predicate: Callable[[dict], bool] | None = None,
                               timeout: float = 5.0) -> dict[str, Any]:
        """The next bot message sent or edited here since this user's last action (or the last
        message this returned) that satisfies ``predicate``; as soon as it exists."""
        deadline = time.monotonic() + timeout
        while (found := self._next_change(predicate)) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                texts = [m.get("text") for m in self.messages[-3:]]
                raise TimeoutError(f"no matching bot message in chat {self.chat_id} within "
                                   f"{timeout}s; latest bot texts: {texts}")
            try:
                await asyncio.wait_for(self._chat.touched.wait(), remaining)
            except TimeoutError:
                pass
        return found

    def _next_change(self, predicate: Callable[[dict], bool] | None) -> dict[str, Any] | None:
        for seq, message_id in self._chat.log:
            message = self._chat.messages.get(message_id)
            if seq <= self._seen or message is None:
                continue
            self._seen = seq
            if predicate is None or predicate(message):
                return message
        return None

    def _mark_now(self) -> None:
        self._seen = self._chat.log[-1][0] if self._chat.log else 0

    def _send(self, content: dict[str, Any]) -> dict[str, Any]:
        if self._chat.left or self._chat.blocked:
            raise RuntimeError(f"bot cannot receive messages from chat {self.chat_id}")
        sender = None if self._chat.type == "channel" else self.user
        message = self._emu._store(self._chat, content, sender)
        self._mark_now()
        kind = "channel_post" if self._chat.type == "channel" else "message"
        self._emu._push_update(self._bot, kind, message)
        return message

    def _file(self, kind: str, data: bytes, filename: str, mime_type: str) -> dict[str, Any]:
        stored = self._emu._new_file(kind, data, filename, mime_type)
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size}

    def _message_with_buttons(self, message: dict | int | None) -> dict[str, Any]:
        if message is not None:
            message_id = message if isinstance(message, int) else message["message_id"]
            found = self._chat.messages.get(message_id)
            if found is None:
                raise LookupError(f"message {message_id} is not in chat {self.chat_id}")
            return found
        for candidate in reversed(self.messages):
            if "reply_markup" in candidate:
                return candidate
        raise LookupError(f"no bot message with inline buttons in chat {self.chat_id}")

    def _callback_data(self, message: dict[str, Any], button: str) -> str:
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        for row in rows:
            for candidate in row:
                if button in (candidate.get("text"), candidate.get("callback_data")):
                    if "callback_data" not in candidate:
                        raise LookupError(f"button {button!r} has no callback_data")
                    return candidate["callback_data"]
        labels = [b.get("text") for row in rows for b in row]
        raise LookupError(f"no button {button!r} on message {message['message_id']}; "
                          f"buttons: {labels}")


class SimChat:
    """A group, supergroup or channel with the bot in it."""

    def __init__(self, emu: Emulator, bot: _Bot, chat: _Chat):
        self._emu, self._bot, self._chat = emu, bot, chat

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def left(self) -> bool:
        """Whether the bot called leaveChat here."""
        return self._chat.left

    def member(self, user_id: int, first_name: str = "Member", *,
               username: str | None = None) -> SimUser:
        return SimUser(self._emu, self._bot, self._chat, user_id, first_name, username)
