"""Phone numbers and email addresses from the case import, checked and put in one form.

Pure functions: a value in, the stored form out, or ValueError with a reason a worker can act on.
The reason never repeats the value itself, so an import's error list holds no contact details.
"""

from __future__ import annotations

import re

_PHONE_PUNCTUATION = re.compile(r"[\s()\-.]")
_UK_MOBILE = re.compile(r"^7\d{9}$")  # after the country code or the leading 0
# Deliberately loose: Notify does the full check; this catches the usual slips (no @, no dot, spaces).
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
EMAIL_MAX_CHARS = 254


def uk_mobile(text: str) -> str:
    """A UK mobile number as +447XXXXXXXXX (from 07..., 447..., +44 7..., 0044 7...)."""
    digits = _PHONE_PUNCTUATION.sub("", text.strip())
    for prefix in ("+44", "0044", "44", "0"):
        if digits.startswith(prefix):
            national = digits[len(prefix):]
            if prefix != "0" and national.startswith("0"):
                national = national[1:]  # +44 (0)7700 ...
            if _UK_MOBILE.match(national):
                return f"+44{national}"
            break
    raise ValueError("phone is not a UK mobile number (it should look like 07700 900123 or +44 7700 900123)")


def email_address(text: str) -> str:
    """An email address with its domain in lower case; ValueError when it cannot be one."""
    text = text.strip()
    if len(text) > EMAIL_MAX_CHARS or not _EMAIL.match(text):
        raise ValueError("email does not look like an email address (it should look like name@example.org)")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def masked(channel: str, address: str) -> str:
    """Enough of an address for a worker to recognise it: the last 3 digits, or the email's domain."""
    if channel == "sms":
        return f"a mobile ending {address[-3:]}"
    return f"an address at {address.rpartition('@')[2]}"
