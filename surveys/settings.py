"""The one settings object. Every entry point builds it once and passes it down.

Values come from the environment (prefix ``HEARD_``, except the bot token, which uses the
name Telegram's own docs use). Nothing else in the project reads ``os.environ``.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def parse_window(text: str) -> tuple[time, time]:
    """Parse ``"09:00-20:00"`` into (start, end); raise ValueError with a readable reason."""
    try:
        start_text, end_text = text.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"send window {text!r} should look like 09:00-20:00") from None
    if start >= end:
        raise ValueError(f"send window {text!r} must start before it ends")
    return start, end


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HEARD_", extra="ignore")

    database_url: str = "sqlite:///heard.db"
    service: str = Field(default="yot", description="Code of the YOT this process works for.")
    service_name: str = "Youth Justice Service"

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "HEARD_TELEGRAM_BOT_TOKEN")
    )
    bot_api_url: str | None = None
    bot_username: str | None = None
    webhook_secret: SecretStr | None = None

    timezone: str = "Europe/London"
    send_window: str = "09:00-20:00"
    dispatch_interval: float = 60.0
    # Telegram's limit for a whole bot, shared by all its processes (bot/ratelimit.py).
    max_messages_per_second: int = Field(default=30, ge=1)
    invite_days: int = 30
    retention_months: int = 24
    alert_escalation_minutes: int = 30
    # Board report: the month the reporting year starts (4: April, the financial year; 1: calendar).
    year_start_month: int = Field(default=4, ge=1, le=12)
    encryption_key: SecretStr | None = None
    # Whether a safeguarding alert quotes what was written in the duty worker's own Telegram chat,
    # or shows it only when they press "Show text" (audited).
    alert_text: Literal["shown", "hidden"] = "hidden"
    # The web chat (webchat/): served by heard's own web server, in polling mode too.
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    public_url: str | None = Field(default=None, description="Where people reach the web chat, e.g. https://feedback.example.gov.uk")
    web_cookie_secure: bool = Field(default=True, description="Send the session cookie over HTTPS only (off for http://127.0.0.1 tests).")
    web_trust_proxy: bool = Field(default=False, description="Take the client address from X-Forwarded-For (behind your own HTTPS proxy).")
    cpu: int | None = Field(default=None, ge=0, description="Keep `heard run` on this one CPU core (docs/going-live.md).")
    # Issue 15: invitations and reminders by SMS and email through GOV.UK Notify, carrying a web link.
    notify_api_key: SecretStr | None = Field(default=None, description="A GOV.UK Notify API key; never logged.")
    notify_sms_template_id: str | None = Field(default=None, description="Notify SMS template whose text is ((message)).")
    notify_email_template_id: str | None = Field(default=None, description="Notify email template: subject ((subject)), body ((message)).")
    notify_base_url: str = Field(default="https://api.notifications.service.gov.uk", description="Notify's API (tests: a fake on 127.0.0.1).")
    notify_callback_token: SecretStr | None = Field(
        default=None, min_length=10, description="The bearer token Notify sends with delivery receipts to HEARD_PUBLIC_URL/notify/receipts.")
    hash_key: SecretStr | None = Field(default=None, description="Keys every identifier hash (surveys/hashkey.py).")
    hash_key_file: Path | None = Field(default=None, description="Where the hash key is kept when HEARD_HASH_KEY is unset.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises on an unknown zone
        return value

    @field_validator("public_url")
    @classmethod
    def _just_an_address(cls, value: str | None) -> str | None:
        # Every link people are sent starts with it: a comment an env file kept in the value, or a
        # missing scheme, would send broken links to everyone.
        broken = any(c.isspace() or c == "#" for c in value or "")
        if value is not None and (broken or not value.startswith(("https://", "http://"))):
            raise ValueError("HEARD_PUBLIC_URL should be only the web chat's address, like "
                             "https://feedback.example.gov.uk (no spaces, no comment after it)")
        return value

    @field_validator("send_window")
    @classmethod
    def _valid_window(cls, value: str) -> str:
        parse_window(value)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def window(self) -> tuple[time, time]:
        return parse_window(self.send_window)

    @property
    def report_name(self) -> str | None:
        """The name to head a report with: HEARD_SERVICE_NAME when set, else None (the name the
        database holds for the service, not the generic default)."""
        return self.service_name if "service_name" in self.model_fields_set else None
