"""The sealed-blob format: one subject's fields, encrypted under that subject's data key.

blob = version (1 byte) | nonce (12 random bytes) | AES-256-GCM ciphertext and tag.
The associated data binds the blob to its subject id, so a blob copied onto another
subject's row fails to open even under the right key.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from accord.people.errors import SealError

VERSION = 1
NONCE_BYTES = 12
_CONTEXT = b"accord/sealed-fields/v1|"


def _aad(subject_id: uuid.UUID) -> bytes:
    return _CONTEXT + subject_id.bytes


def encode_values(values: dict[str, Any]) -> bytes:
    if not isinstance(values, dict):
        raise TypeError("values: expected a dict of field name to value")
    for field, value in values.items():
        if not isinstance(field, str):
            raise TypeError(f"values: field names must be text, got {field!r}")
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"values[{field!r}]: {type(value).__name__} cannot be sealed "
                "(use text, numbers, booleans, lists or dicts; dates as ISO text)"
            ) from None
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()


def seal_bytes(data_key: bytes, subject_id: uuid.UUID, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return bytes([VERSION]) + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(subject_id))


def open_bytes(data_key: bytes, subject_id: uuid.UUID, blob: bytes) -> bytes:
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise SealError(f"sealed blob for subject {subject_id} is not bytes")
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != VERSION:
        raise SealError(f"sealed blob for subject {subject_id} is malformed")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(data_key).decrypt(nonce, body, _aad(subject_id))
    except InvalidTag:
        raise SealError(
            f"sealed blob failed authentication for subject {subject_id} "
            "(tampered with, or sealed for another subject)"
        ) from None


def decode_values(plaintext: bytes) -> dict[str, Any]:
    values = json.loads(plaintext)
    if not isinstance(values, dict):
        raise SealError("sealed blob does not hold a dict of fields")
    return values
