"""Per-register lookups for the gate, built once per loaded register.

The decision runs on every access; scanning a register's lists each time costs more than
the rest of the decision, so ids are indexed and pure sub-results are memoised here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.register.schema import DataCategory, Purpose, RecordType, Register


@dataclass
class RegisterIndex:
    purposes: dict[str, Purpose]
    record_types: dict[str, RecordType]
    categories: dict[str, DataCategory]
    organisation_roles: dict[str, str]  # organisation id -> its role (controller, ...)
    recipient_organisations: dict[str, str]  # recipient id -> organisation id
    memo: dict[Any, Any] = field(default_factory=dict)


# Registers are immutable (frozen models) and live as long as the registry that loaded them;
# keeping a reference here keeps the id() key valid.
_indexes: dict[int, tuple[Register, RegisterIndex]] = {}


def index_of(register: Register) -> RegisterIndex:
    found = _indexes.get(id(register))
    if found is not None and found[0] is register:
        return found[1]
    index = RegisterIndex(
        purposes={p.id: p for p in register.purposes},
        record_types={r.id: r for r in register.record_types},
        categories={c.id: c for c in register.categories},
        organisation_roles={o.id: o.role.value for o in register.organisations},
        recipient_organisations={r.id: r.organisation or r.id for r in register.recipients},
    )
    if len(_indexes) > 256:  # registers reloaded many times (tests): forget old ones
        _indexes.clear()
    _indexes[id(register)] = (register, index)
    return index
