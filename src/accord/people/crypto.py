"""The crypto objects services use: keyring, keystore, blind indexer and data-key cache.

`current_crypto()` builds them from settings once per settings object; tests and tools swap
in their own with `use_crypto(...)` (the same pattern as accord.register.registry).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


def current_crypto() -> Crypto:
    if _override:
        return _override[-1]
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
