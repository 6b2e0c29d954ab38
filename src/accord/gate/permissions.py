"""Which permissions each (record type, action) needs: read from the register's access profiles.

The register is the one place this is written (`access_profiles` and each record type's
`access`, validated by `accord.register.access`), not callers, so no caller can pick a weaker
permission than the record needs: a caller may only add a further requirement
(`authorize(..., permission=...)`). An action the profile leaves out is refused (fail closed).
"""

from __future__ import annotations

from accord.gate.index import index_of
from accord.gate.types import Action
from accord.register.access import access_by_record_type
from accord.register.schema import Register

_MEMO_KEY = ("access-profiles",)


def required_permissions(register: Register, record_type: str, action: Action) -> tuple[str, ...]:
    """The permissions (any one) `action` on `record_type` needs; empty when none (refused)."""
    memo = index_of(register).memo
    table: dict[str, dict[str, tuple[str, ...]]] | None = memo.get(_MEMO_KEY)
    if table is None:
        table = memo[_MEMO_KEY] = access_by_record_type(register)
    return table.get(record_type, {}).get(action.value, ())
