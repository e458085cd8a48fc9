"""Encryption at rest for what people typed and for their chat links.

Protected columns use :class:`EncryptedText` / :class:`EncryptedString`, so every read and write
through SQLAlchemy is transparent: reports and analysis see plain text either way. The keys live
on the engine (:func:`use_keys`), set once at start-up from ``Settings.encryption_key``.

A stored value is either plain text (written while no key was set; still readable) or
``heard-enc:1:<key id>:<Fernet token>``. Fernet is authenticated (AES-128-CBC + HMAC-SHA256), so
a value under a key we do not hold, or a tampered one, raises :class:`EncryptionError`; it is
never returned as garbage. Several keys may be given ("new,old"): they are a ``MultiFernet``, so
the first encrypts, all decrypt, and ``surveys.keys.rotate`` moves every value onto the first with
``MultiFernet.rotate``.

The chat look-up hash is not made from these keys: it has a key of its own (surveys/hashkey.py),
so it stays keyed when no encryption key is set and does not change when the keys rotate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.types import TypeDecorator

PREFIX = "heard-enc:1:"


class EncryptionError(RuntimeError):
    """A protected value cannot be read with the keys this process holds."""


def generate_key() -> str:
    return Fernet.generate_key().decode()


def key_id(key: str) -> str:
    """A short public name for a key, stored with each value so errors can say which key is missing."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Keyring:
    keys: tuple[str, ...]  # the first encrypts; all decrypt

    @classmethod
    def parse(cls, text: str | None) -> Keyring | None:
        """``"new,old"`` into a keyring; None when no key is set. ValueError names a bad key by position."""
        keys = tuple(part.strip() for part in (text or "").split(",") if part.strip())
        for number, key in enumerate(keys, 1):
            try:
                Fernet(key)
            except ValueError:
                raise ValueError(f"encryption key number {number} is not a valid key; "
                                 "make one with: heard keys generate") from None
        return cls(keys) if keys else None

    @classmethod
    def from_settings(cls, settings) -> Keyring | None:
        secret = settings.encryption_key
        return cls.parse(secret.get_secret_value() if secret else None)

    @property
    def primary_id(self) -> str:
        return key_id(self.keys[0])

    @cached_property
    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self.keys])

    @cached_property
    def _ids(self) -> frozenset[str]:
        return frozenset(map(key_id, self.keys))

    def encrypt(self, plain: str) -> str:
        return self._stored(self._fernet.encrypt(plain.encode()))

    def decrypt(self, stored: str) -> str:
        with self._reading(stored) as token:
            return self._fernet.decrypt(token).decode()

    def rotate(self, stored: str) -> str:
        """A stored value under the first key: re-encrypted if it was encrypted, encrypted if it was plain."""
        if not is_encrypted(stored):
            return self.encrypt(stored)
        with self._reading(stored) as token:
            return self._stored(self._fernet.rotate(token))

    def _stored(self, token: bytes) -> str:
        return f"{PREFIX}{self.primary_id}:{token.decode()}"

    @contextmanager
    def _reading(self, stored: str) -> Iterator[bytes]:
        """The Fernet token of a stored value; either failure names the key it was written under."""
        kid, _, token = stored[len(PREFIX):].partition(":")
        if kid not in self._ids:
            raise EncryptionError(f"a value is encrypted with key {kid}, which is not in HEARD_ENCRYPTION_KEY")
        try:
            yield token.encode()
        except InvalidToken:
            raise EncryptionError(f"a value under key {kid} failed its integrity check (damaged or altered)") from None


def is_encrypted(stored: str | None) -> bool:
    return stored is not None and stored.startswith(PREFIX)


def encode(plain: str | None, keyring: Keyring | None) -> str | None:
    return plain if plain is None or keyring is None else keyring.encrypt(plain)


def decode(stored: str | None, keyring: Keyring | None) -> str | None:
    if not is_encrypted(stored):
        return stored
    if keyring is None:
        raise EncryptionError("a value is encrypted but no HEARD_ENCRYPTION_KEY is set")
    return keyring.decrypt(stored)


# --- the keys travel with the engine --------------------------------------------------------

def use_keys(engine: sa.Engine, keyring: Keyring | None) -> sa.Engine:
    """Give this engine's reads and writes these keys (each engine has its own dialect object)."""
    engine.dialect.heard_keyring = keyring
    return engine


def keyring_of(bind) -> Keyring | None:
    """The keys of an engine, connection or session."""
    if hasattr(bind, "get_bind"):
        bind = bind.get_bind()
    return getattr(bind.dialect, "heard_keyring", None)


class EncryptedText(TypeDecorator):
    """Text encrypted with the engine's first key; plain text when the engine has none."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return encode(value, getattr(dialect, "heard_keyring", None))

    def process_result_value(self, value, dialect):
        return decode(value, getattr(dialect, "heard_keyring", None))


class EncryptedString(EncryptedText):
    """The same, in a VARCHAR(length) column (a chat id's token is about 120 characters)."""

    impl = sa.String
    cache_ok = True
