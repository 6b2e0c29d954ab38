"""Pseudonymous record keys: record_id = keyed HMAC of (partner, dataset, partner key).

The HMAC key is derived from the index key (settings.index_key), so a record id cannot be
turned back into the partner's key, nor recomputed, without it. Analytics hold only record ids.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from accord.settings import Settings, get_settings

_LABEL = b"accord/feeds/record-id/v1"
RECORD_ID_LENGTH = 32  # hex characters: 128 bits, ample against collisions at 10^8 records


def record_secret(settings: Settings | None = None) -> bytes:
    """The HMAC key for record ids, derived from the index key so the two never coincide."""
    index_key = (settings or get_settings()).index_key.get_secret_value().encode()
    return hmac.new(index_key, _LABEL, hashlib.sha256).digest()


def record_ids(partner: str, dataset: str, keys: Iterable[str], *, secret: bytes) -> list[str]:
    """The record id of each partner key (vectorised over an iterable; ~1 µs a key)."""
    base = hmac.new(secret, f"{partner}\x1f{dataset}\x1f".encode(), hashlib.sha256)
    out = []
    for key in keys:
        h = base.copy()
        h.update(key.encode())
        out.append(h.hexdigest()[:RECORD_ID_LENGTH])
    return out


def record_id(partner: str, dataset: str, key: str, *, secret: bytes) -> str:
    return record_ids(partner, dataset, [key], secret=secret)[0]


def row_digest(secret: bytes, values: Iterable[str]) -> str:
    """A keyed digest of a row's values: detects unchanged rows without storing a plain hash
    that could be matched against guessed identifiers."""
    h = hmac.new(secret, b"row", hashlib.sha256)
    for value in values:
        h.update(value.encode())
        h.update(b"\x1f")
    return h.hexdigest()[:RECORD_ID_LENGTH]
