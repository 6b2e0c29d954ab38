"""Rewrapping every data key under a new master key.

Only data keys (subjects' and partner datasets', both in the keystore) are unwrapped and
rewrapped; no record is decrypted and the case database is not touched. Each key is swapped with compare-and-swap, so servers keep running throughout:
a key shredded mid-rotation stays shredded, and a reader sees either the old or the new
wrapping, both of which a keyring holding the two master keys unwraps. A rotation killed at
any point leaves every key under one of the two master keys, and running it again finishes
(crash points `keys.rotate.*`, tests/keys/test_rotation_crash.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from accord.keys.errors import KeysError, UnknownMasterKey
from accord.keys.keyring import Keyring
from accord.keys.keystore import KEY_KINDS, Keystore
from accord.store.faults import checkpoint


@dataclass
class RotationReport:
    target_key_id: str
    rewrapped: int = 0
    # Keys destroyed or rewrapped by someone else between reading and swapping.
    skipped: int = 0
    # Master key id -> count of keys this keyring could not unwrap (left as they were).
    unknown: dict[str, int] = field(default_factory=dict)
    failed: int = 0

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.failed


def rotate(
    keystore: Keystore,
    keyring: Keyring,
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> RotationReport:
    """Rewrap every key of every kind not already under `keyring.current_key_id`.

    `keyring` must hold the new master key as current and every old one it should unwrap.
    Keys it cannot unwrap are counted by master key id and left untouched; `progress` is
    called with the number of keys handled after each batch (one short transaction each).
    """
    target = keyring.current_key_id
    report = RotationReport(target)
    for kind in KEY_KINDS:
        for batch in keystore.batches_not_under(target, size=batch_size, kind=kind):
            swaps = []
            for key_uuid, wrapped in batch:
                try:
                    data_key = keyring.unwrap(wrapped, subject_id=key_uuid)
                except UnknownMasterKey as exc:
                    report.unknown[exc.key_id] = report.unknown.get(exc.key_id, 0) + 1
                except KeysError:
                    report.failed += 1
                else:
                    swaps.append((key_uuid, wrapped, keyring.wrap(data_key, subject_id=key_uuid)))
            checkpoint(f"keys.rotate.{kind}.before-swap")
            done = keystore.replace_many(swaps, kind=kind) if swaps else []
            checkpoint(f"keys.rotate.{kind}.after-swap")
            report.rewrapped += sum(done)
            report.skipped += len(done) - sum(done)
            if progress is not None:
                progress(len(batch))
    return report
