"""Registers for tests: the shipped YAML, optionally with overrides, validated like a file."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from accord.register.errors import RegisterError
from accord.register.load import parse, read_yaml
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register
from accord.register.validate import validate

REGISTERS = Path(__file__).resolve().parents[2] / "registers"

# An override of one list item: the fields to replace, or None to drop the item.
ItemOverride = Mapping[str, Any] | None


@functools.cache
def _document(register_id: str) -> dict[str, Any]:
    document = read_yaml(REGISTERS / f"{register_id}.yaml")
    assert isinstance(document, dict), register_id
    return document


@functools.cache
def shipped(register_id: str) -> Register:
    """The shipped register `registers/<register_id>.yaml`, parsed and validated once."""
    return register(register_id)


def register(register_id: str, **sections: Mapping[str, ItemOverride] | Any) -> Register:
    """The shipped register with overrides, validated as the loader validates a file.

    Each keyword names a section. For a list of items with ids (purposes, roles, record_types,
    recipients, sharing ...) give {item id: {field: value}} to replace fields of that item,
    {item id: None} to drop it, or a full new item under an id the list lacks. Any other
    section is replaced whole. E.g. `register("hounslow", purposes={"marac": {"categories":
    ["name"]}})`. An override that makes the register invalid raises RegisterError.
    """
    document = copy.deepcopy(_document(register_id))
    for section, value in sections.items():
        items = document.get(section)
        if isinstance(items, list) and isinstance(value, Mapping):
            document[section] = _merge_items(section, items, value)
        else:
            document[section] = value
    path = REGISTERS / f"{register_id}.yaml"
    parsed = parse(document, path)
    problems = validate(parsed, path)
    if problems:
        raise RegisterError(problems)
    return parsed


def _merge_items(
    section: str, items: list[dict[str, Any]], overrides: Mapping[str, ItemOverride]
) -> list[dict[str, Any]]:
    by_id = {item["id"]: item for item in items}
    for item_id, fields in overrides.items():
        if fields is None:
            if item_id not in by_id:
                raise KeyError(f"{section}: no item {item_id!r} to drop")
            del by_id[item_id]
        elif item_id in by_id:
            by_id[item_id] = {**by_id[item_id], **fields}
        else:
            by_id[item_id] = {"id": item_id, **fields}
    return list(by_id.values())


def registry(*registers: str | Register) -> Registry:
    """A registry of the given registers (ids load the shipped file)."""
    loaded = [shipped(r) if isinstance(r, str) else r for r in registers]
    return Registry({r.id: r for r in loaded})


@contextmanager
def using(*registers: str | Register) -> Iterator[Registry]:
    """Make the given registers the current registry for the duration of the block."""
    with use_registry(registry(*registers)) as found:
        yield found


def case_access() -> dict[str, list[str]]:
    """The access map of a `case` record type in a hand-written test register: which
    permissions allow each act (a fresh copy, so a test may change its own)."""
    return {
        "read": ["case:case:read"],
        "list": ["case:case:list"],
        "create": ["case:case:update"],
        "update": ["case:case:update"],
        "delete": ["case:case:close", "retention:run:execute", "rights:request:manage"],
        "disclose": ["disclosure:request:create", "disclosure:request:approve"],
        "export": ["rights:request:manage", "disclosure:request:create"],
        "aggregate": ["stats:aggregate:read", "reports:aggregate:read"],
    }
