"""A small fake of GOV.UK Notify's API on 127.0.0.1, for tests (issue 15).

It checks what the real one checks that matters to heard: the JWT in the Authorization header
(signed with the key's secret, issued by the key's service id, recent), the template ids, and
that a phone number is a UK mobile. It records every message it accepted, and can be told to
fail the next requests with a status of the test's choosing. It runs its own event loop on a
thread, so both the blocking client (the CLI) and the dispatcher's thread pool can reach it.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt
from aiohttp import web

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"heard_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE = "a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d"
_UK_MOBILE = re.compile(r"^(\+44|0044|0)7\d{9}$")
_ERROR_NAMES = {400: "BadRequestError", 403: "AuthError", 429: "RateLimitError", 500: "Exception"}


@dataclass
class Sent:
    kind: str  # "sms" or "email"
    to: str
    template_id: str
    personalisation: dict
    reference: str | None


@dataclass
class FakeNotify:
    sent: list[Sent] = field(default_factory=list)
    requests: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (status, message) for the next requests
    delay: float = 0.0  # seconds each send takes, to show it does not block the event loop
    in_flight: int = 0  # requests it is in the middle of (during ``delay``)
    answer_delay: float = 0.0  # seconds between taking a message and answering (a lost answer, when long)
    url: str = ""

    def fail_next(self, status: int, message: str = "Something went wrong", times: int = 1) -> None:
        self.failures.extend([(status, message)] * times)

    # --- the API ------------------------------------------------------------------------------
    def _error(self, status: int, message: str) -> web.Response:
        return web.json_response({"errors": [{"error": _ERROR_NAMES.get(status, "Exception"), "message": message}],
                                  "status_code": status}, status=status)

    def _authorised(self, request: web.Request) -> str | None:
        """Why the token is refused, or None: as Notify, a bad or stale token is a 403."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        try:
            claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            return "Invalid token: API key not found"
        if claims.get("iss") != SERVICE_ID:
            return "Invalid token: service not found"
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    async def _send(self, request: web.Request, kind: str) -> web.Response:
        self.requests += 1
        refused = self._authorised(request)
        if refused:
            return self._error(403, refused)
        if self.failures:
            status, message = self.failures.pop(0)
            return self._error(status, message)
        if self.delay:
            self.in_flight += 1
            try:
                await asyncio.sleep(self.delay)
            finally:
                self.in_flight -= 1
        body = await request.json()
        template = body.get("template_id")
        if template != (SMS_TEMPLATE if kind == "sms" else EMAIL_TEMPLATE):
            return self._error(400, "Template not found")
        to = body.get("phone_number") if kind == "sms" else body.get("email_address")
        if kind == "sms" and not _UK_MOBILE.match(re.sub(r"[\s()-]", "", to or "")):
            return self._error(400, "phone_number Not a UK mobile number")
        if kind == "email" and "@" not in (to or ""):
            return self._error(400, "email_address Not a valid email address")
        personalisation = body.get("personalisation") or {}
        needed = ("message",) if kind == "sms" else ("subject", "message")
        missing = [name for name in needed if name not in personalisation]
        if missing:
            return self._error(400, f"Missing personalisation: {', '.join(missing)}")
        self.sent.append(Sent(kind, to, template, personalisation, body.get("reference")))
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return web.json_response({"id": str(uuid.uuid4()), "reference": body.get("reference"),
                                  "content": {"body": personalisation["message"]},
                                  "template": {"id": template, "version": 1}}, status=201)

    async def _list(self, request: web.Request) -> web.Response:
        """GET /v2/notifications?reference=...: what was taken under a reference (heard asks after a lost answer)."""
        refused = self._authorised(request)
        if refused:
            return self._error(403, refused)
        reference = request.query.get("reference")
        found = [{"id": str(uuid.uuid4()), "reference": s.reference, "type": s.kind, "status": "sending"}
                 for s in self.sent if reference is None or s.reference == reference]
        return web.json_response({"notifications": found, "links": {}})

    def app(self) -> web.Application:
        app = web.Application()
        app.add_routes([web.get("/v2/notifications", self._list)])

        async def sms(request: web.Request) -> web.Response:
            return await self._send(request, "sms")

        async def email(request: web.Request) -> web.Response:
            return await self._send(request, "email")

        app.add_routes([web.post("/v2/notifications/sms", sms), web.post("/v2/notifications/email", email)])
        return app


class running_fake_notify:
    """``with running_fake_notify() as notify:`` serves the fake on 127.0.0.1 (a free port) until the block ends."""

    def __enter__(self) -> FakeNotify:
        self.fake = FakeNotify()
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        async def start():
            self.runner = web.AppRunner(self.fake.app())
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]
            self.fake.url = f"http://127.0.0.1:{port}"
            started.set()

        self.thread = threading.Thread(target=self._run, args=(start,), daemon=True)
        self.thread.start()
        if not started.wait(10):
            raise TimeoutError("the fake Notify did not start")
        return self.fake

    def _run(self, start) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
