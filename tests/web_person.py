"""A person using the web chat over plain HTTP (JavaScript off): forms, cookies, redirects."""

from __future__ import annotations

import contextlib
import html
import re

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_heard
from surveys.enrol import create_invite, find_participant, import_rows, parse_csv
from surveys.invitations import create_manual
from surveys.models import Audience
from surveys.settings import Settings
from surveys.store import session_scope
from tests.bot_world import CASES, START, FakeClock
from webchat.server import CodeLimiter, WebChat, add_routes

YP = ("YJ-24-0117", Audience.young_person)


def field(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def actions(page: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(r'name="act" value="([^"]*)"', page)]


def tick_values(page: str) -> list[str]:
    return re.findall(r'name="tick" value="([^"]*)"', page)


class WebPerson:
    """One browser: its own cookie jar."""

    def __init__(self, client: TestClient):
        self.client = client
        self.page = ""
        self.status = 0

    async def get(self, path: str) -> str:
        response = await self.client.get(path)
        self.status, self.page = response.status, await response.text()
        return self.page

    async def open_link(self, code: str) -> str:
        """Tap the link, then Start (the link page itself uses nothing up)."""
        await self.get(f"/s/{code}")
        token = field(self.page, "form_token")
        if token is None:
            return self.page
        response = await self.client.post(f"/s/{code}", data={"form_token": token})
        self.status, self.page = response.status, await response.text()
        return self.page

    async def press(self, act: str, **extra) -> str:
        data = {"csrf": field(self.page, "csrf") or "", "act": act}
        if field(self.page, "q"):
            data["q"], data["i"] = field(self.page, "q"), field(self.page, "i")
        data.update(extra)
        response = await self.client.post("/chat", data=data)
        self.status, self.page = response.status, await response.text()
        return self.page

    async def answer_something(self) -> None:
        """A plausible answer to whatever is asked: a first button, a first tick, or a few words."""
        acts = actions(self.page)
        choose = [a for a in acts if a.startswith("choose:")]
        if choose:
            await self.press(choose[0])
        elif "done" in acts:
            await self.press("done", tick=tick_values(self.page)[0])
        elif "send" in acts:
            await self.press("send", text="It was fine, thanks")
        else:
            raise AssertionError(f"nothing to answer on this page: {self.page[:400]}")

    def asking(self) -> bool:
        return field(self.page, "q") is not None


@contextlib.asynccontextmanager
async def web_world(db_url: str, *, bot=None, limiter: CodeLimiter | None = None, clock: FakeClock | None = None,
                    heard=None, secure_cookie: bool | None = False):
    """heard's web chat on 127.0.0.1 over a fresh database with the example cases."""
    clock = clock or FakeClock(START)
    h = heard or build_heard(Settings(database_url=db_url, service="test-yot", web_cookie_secure=False,
                                      public_url="http://127.0.0.1", _env_file=None), clock=clock)
    if heard is None:
        with session_scope(h.engine) as session:
            import_rows(session, h.service_id, parse_csv(CASES), now=clock())
    app = web.Application()
    chat = WebChat(h, bot, limiter, secure_cookie)
    add_routes(app, chat)
    server = TestServer(app, host="127.0.0.1")
    async with server:
        world = WebWorld(h, server, chat)
        try:
            yield world
        finally:
            await world.close()
    if heard is None:
        h.engine.dispose()


class WebWorld:
    def __init__(self, heard, server: TestServer, chat: WebChat):
        self.heard, self.server, self.chat = heard, server, chat
        self._clients: list[TestClient] = []

    async def person(self) -> WebPerson:
        client = TestClient(self.server)
        await client.start_server()
        self._clients.append(client)
        return WebPerson(client)

    async def close(self) -> None:
        for client in self._clients:
            await client.close()

    def invite(self, case_ref: str, audience: Audience, participant_ref: str = "", survey: str | None = None) -> str:
        """A web link code; with ``survey``, that survey is due for them now (as a worker's `heard send` makes it)."""
        h = self.heard
        with session_scope(h.engine) as session:
            participant = find_participant(session, h.service_id, case_ref, audience, participant_ref)
            if survey:
                create_manual(session, participant, h.definitions[survey], now=h.now())
            return create_invite(session, participant, now=h.now(), days=30)
