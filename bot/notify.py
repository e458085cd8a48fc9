"""Invitations and reminders by SMS and email through GOV.UK Notify (issue 15).

A message carries a fresh one-time link to the web chat (``HEARD_PUBLIC_URL/s/<code>``); the
wording is heard's own (``bot/texts.py``, by the person's language and audience), passed to one
Notify SMS template whose text is ``((message))`` and one email template with subject
``((subject))`` and body ``((message))``.

Notify's client is blocking (requests), so sends run on a small thread pool, never on the event
loop. What went wrong is sorted into permanent failures (a bad number or address, a refused key:
trying again cannot help) and temporary ones (rate limit, Notify down, no connection: try later).
The reasons recorded never hold the number, the address or the message.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from surveys.models import Channel

log = logging.getLogger(__name__)
NOTIFY_THREADS = 4  # Notify allows 3,000 messages a minute; four sends in flight is plenty for a YOT


@dataclass(frozen=True)
class Message:
    """What one person is sent: a subject (email only) and the text, link included."""

    subject: str
    body: str


class NotifyFailure(Exception):
    """A send that did not go. ``permanent``: do not try this invitation again. ``reason`` is safe to store.
    ``uncertain``: no answer came back, so Notify may have taken the message all the same."""

    def __init__(self, reason: str, *, permanent: bool, uncertain: bool = False):
        super().__init__(reason)
        self.reason, self.permanent, self.uncertain = reason, permanent, uncertain


def classify(status_code: int, error_names: list[str], message: str = "") -> NotifyFailure:
    """Sort a Notify error response into permanent or temporary, with a reason that holds no personal data.

    Notify answers 400 (BadRequestError, ValidationError: a bad number, address or template),
    403 (AuthError: the key is wrong or revoked), 429 (RateLimitError, TooManyRequestsError) and
    5xx when it is down; the client reports a failed connection as 503.
    """
    text = message.lower()
    if status_code == 429:
        return NotifyFailure("notify: too many requests (429), will retry", permanent=False)
    if status_code >= 500:
        return NotifyFailure(f"notify: service unavailable ({status_code}), will retry", permanent=False)
    if status_code == 403:
        return NotifyFailure("notify: API key refused (403)", permanent=True)
    if status_code == 400:
        if "phone_number" in text or "mobile" in text:
            return NotifyFailure("notify: not a valid mobile number (400)", permanent=True)
        if "email_address" in text:
            return NotifyFailure("notify: not a valid email address (400)", permanent=True)
        if "template" in text:
            return NotifyFailure("notify: template not found or not usable (400)", permanent=True)
        if "trial mode" in text or "team" in text:
            return NotifyFailure("notify: service in trial mode can only send to its team (400)", permanent=True)
        names = ",".join(sorted(set(error_names))) or "BadRequestError"
        return NotifyFailure(f"notify: request refused (400 {names})"[:200], permanent=True)
    return NotifyFailure(f"notify: unexpected answer ({status_code})", permanent=status_code < 500)


@dataclass(frozen=True)
class NotifyConfig:
    api_key: str = field(repr=False)
    sms_template_id: str | None
    email_template_id: str | None
    base_url: str

    @classmethod
    def from_settings(cls, settings) -> NotifyConfig | None:
        if settings.notify_api_key is None:
            return None
        return cls(settings.notify_api_key.get_secret_value(), settings.notify_sms_template_id,
                   settings.notify_email_template_id, settings.notify_base_url)


class NotifySender:
    """Sends through GOV.UK Notify on its own threads (one client per thread: the client is not thread-safe)."""

    recording = False

    def __init__(self, config: NotifyConfig, *, threads: int = NOTIFY_THREADS, timeout: float = 20.0):
        self.config, self.timeout = config, timeout
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="notify")

    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            from notifications_python_client.notifications import NotificationsAPIClient

            client = self._local.client = NotificationsAPIClient(self.config.api_key, base_url=self.config.base_url,
                                                                  timeout=self.timeout)
        return client

    def send_now(self, channel: Channel, address: str, message: Message, reference: str) -> str:
        """Send one message, blocking; return Notify's notification id or raise :class:`NotifyFailure`."""
        from notifications_python_client.errors import APIError

        template = self.config.sms_template_id if channel == Channel.sms else self.config.email_template_id
        if not template:
            raise NotifyFailure(f"notify: no {channel.value} template id set (HEARD_NOTIFY_"
                                f"{channel.value.upper()}_TEMPLATE_ID)", permanent=False)
        try:
            if channel == Channel.sms:
                answer = self._client().send_sms_notification(phone_number=address, template_id=template,
                                                              personalisation={"message": message.body},
                                                              reference=reference)
            else:
                answer = self._client().send_email_notification(
                    email_address=address, template_id=template,
                    personalisation={"subject": message.subject, "message": message.body}, reference=reference)
        except APIError as error:
            raise _failure_from(error) from None
        except Exception as error:  # noqa: BLE001 - a broken answer or a library surprise: try again later
            raise NotifyFailure(f"notify: {type(error).__name__}, will retry", permanent=False, uncertain=True) from None
        return str((answer or {}).get("id", ""))

    async def send(self, channel: Channel, address: str, message: Message, reference: str) -> str:
        """The same, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self.send_now, channel, address, message, reference)

    def sent_before_now(self, reference: str) -> bool:
        """Whether Notify already holds a message with this reference (raises NotifyFailure if it cannot say)."""
        from notifications_python_client.errors import APIError

        try:
            answer = self._client().get_all_notifications(reference=reference)
        except APIError as error:
            raise _failure_from(error) from None
        except Exception as error:  # noqa: BLE001
            raise NotifyFailure(f"notify: {type(error).__name__}, will retry", permanent=False) from None
        return bool((answer or {}).get("notifications"))

    async def sent_before(self, reference: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self.sent_before_now, reference)

    def close(self) -> None:
        self._pool.shutdown(wait=False)


class RecordingSender:
    """Used when no Notify key is set (the demo): records what would have been sent, sends nothing."""

    recording = True

    def __init__(self):
        self.sent: list[tuple[Channel, str, Message, str]] = []

    def send_now(self, channel: Channel, address: str, message: Message, reference: str) -> str:
        self.sent.append((channel, address, message, reference))
        return f"recorded-{len(self.sent)}"

    async def send(self, channel: Channel, address: str, message: Message, reference: str) -> str:
        return self.send_now(channel, address, message, reference)

    async def sent_before(self, reference: str) -> bool:
        return any(sent[3] == reference for sent in self.sent)

    def close(self) -> None:
        pass


def _failure_from(error) -> NotifyFailure:
    """A notifications-python-client APIError as a :class:`NotifyFailure` (its text is never logged)."""
    if getattr(error, "response", None) is None:  # no connection, or no answer in time: it may have gone
        return NotifyFailure("notify: no answer from Notify, will retry", permanent=False, uncertain=True)
    names, text = [], ""
    detail = error.message
    if isinstance(detail, list):  # [{"error": "ValidationError", "message": "phone_number Not a UK mobile number"}]
        names = [str(item.get("error", "")) for item in detail if isinstance(item, dict)]
        text = " ".join(str(item.get("message", "")) for item in detail if isinstance(item, dict))
    else:
        text = str(detail or "")
    return classify(error.status_code, names, text)


def sender_for(h):
    """The Heard's sender: Notify when a key is set, else None (SMS and email then wait, and say why)."""
    if h.notify is None:
        config = NotifyConfig.from_settings(h.settings)
        if config is not None:
            h.notify = NotifySender(config)
    return h.notify


def web_link(public_url: str, code: str) -> str:
    """The one-time link to the web chat (the page itself is webchat/)."""
    return f"{public_url.rstrip('/')}/s/{code}"


def compose(kind: str, audience: str, lang: str, link: str) -> Message:
    """The wording for ``kind`` (invite, reminder or reminder_started), for this audience, in their language."""
    from bot.texts import for_audience, t

    return Message(t(for_audience("notify.subject", audience), lang),
                   t(for_audience(f"notify.{kind}", audience), lang, link=link))
