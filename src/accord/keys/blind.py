"""Keyed blind indexes: equality lookups on identifiers without plaintext in the database.

digest = HMAC-SHA256(kind key, normalised value), where each kind's key is derived from
ACCORD_INDEX_KEY and the kind's name, so the same value indexed as two kinds gives unrelated
digests and a digest table reveals nothing without the index key.
"""

from __future__ import annotations

import hashlib
import hmac

from accord.keys.normalise import NORMALISERS, normalise

DIGEST_BYTES = 32


class BlindIndexer:
    def __init__(self, index_key: bytes) -> None:
        if len(index_key) < 16:
            raise ValueError("index key must be at least 16 bytes")
        self._kind_keys = {
            kind: hmac.new(
                index_key, b"accord/blind-index/v1|" + kind.encode(), hashlib.sha256
            ).digest()
            for kind in NORMALISERS
        }

    def kind_key(self, kind: str) -> bytes:
        """The HMAC key of one kind: digest(kind, v) is HMAC-SHA256 under it of
        normalise(kind, v). For bulk indexing that normalises and hashes column-wise."""
        return self._kind_keys[kind]

    def digest(self, kind: str, value: str) -> bytes:
        """Raises ValueError naming the kind when the value cannot be normalised."""
        canonical = normalise(kind, value)
        return hmac.new(self._kind_keys[kind], canonical.encode(), hashlib.sha256).digest()
