"""The crypto objects services use: keyring, keystore, blind indexer and data-key cache.

Inside a request, `current_crypto()` is the serving application's own (built by `create_app`
from the settings it was given, `serving_crypto(...)`); elsewhere it is built from the global
settings once per settings object. Tests and tools swap in their own with `use_crypto(...)`
(the same pattern as accord.register.registry).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from accord.keys.blind import BlindIndexer
from accord.keys.keyring import Keyring, LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.cache import DataKeyCache
from accord.settings import Settings, get_settings


@dataclass
class Crypto:
    keyring: Keyring
    keystore: Keystore
    indexer: BlindIndexer
    cache: DataKeyCache = field(default_factory=DataKeyCache)

    @classmethod
    def from_settings(cls, settings: Settings) -> Crypto:
        return cls(
            keyring=LocalKeyring.from_settings(settings),
            keystore=Keystore.from_settings(settings),
            indexer=BlindIndexer(settings.index_key.get_secret_value().encode()),
        )


_override: list[Crypto] = []
# Keyed by id(settings) with the settings object kept alive alongside, so the id stays unique.
_built: dict[int, tuple[Settings, Crypto]] = {}
# The crypto of the application serving the current request (None: the global settings').
_serving: ContextVar[Crypto | None] = ContextVar("accord_crypto", default=None)


def current_crypto() -> Crypto:
    if _override:
        return _override[-1]
    served = _serving.get()
    if served is not None:
        return served
    settings = get_settings()
    entry = _built.get(id(settings))
    if entry is None:
        entry = (settings, Crypto.from_settings(settings))
        _built[id(settings)] = entry
    return entry[1]


@contextmanager
def use_crypto(crypto: Crypto) -> Iterator[Crypto]:
    _override.append(crypto)
    try:
        yield crypto
    finally:
        _override.pop()


@contextmanager
def serving_crypto(crypto: Crypto) -> Iterator[Crypto]:
    """`crypto` is current for the block: an application's own, for one of its requests. A
    context variable, so it reaches sync routes too (the thread pool copies the context)."""
    token = _serving.set(crypto)
    try:
        yield crypto
    finally:
        _serving.reset(token)
