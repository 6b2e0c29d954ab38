"""What changed between two versions of a register, in words a DPO can put in a change log.

E.g. "Retention of 'Web-form enquiry' changed from 6 weeks to 3 months". Items are matched by
id, so a renamed item reads as a change of name, not as one removed and another added.
"""

from __future__ import annotations

from typing import Any

from accord.register.period import Period
from accord.register.schema import Register

# (register attribute, singular label)
_COLLECTIONS: tuple[tuple[str, str], ...] = (
    ("organisations", "Organisation"),
    ("services", "Service"),
    ("data_subjects", "Data subject type"),
    ("categories", "Category"),
    ("sources", "Source"),
    ("purposes", "Purpose"),
    ("access_profiles", "Access profile"),
    ("record_types", "Record type"),
    ("recipients", "Recipient"),
    ("sharing", "Sharing rule"),
    ("routing", "Routing rule"),
    ("roles", "Role"),
    ("feeds", "Feed"),
)

_LABELS: dict[str, str] = {
    "basis.art6": "lawful basis (Article 6)",
    "basis.art6_detail": "law or interest relied on",
    "basis.art9": "Article 9 condition",
    "basis.art9_schedule1": "Schedule 1 condition for special category data",
    "basis.art9_schedule1_also": "further Schedule 1 conditions for special category data",
    "basis.art10": "Article 10 basis",
    "basis.art10_schedule1": "Schedule 1 condition for criminal offence data",
    "basis.art10_schedule1_also": "further Schedule 1 conditions for criminal offence data",
    "consent.how_to_withdraw": "how to withdraw consent",
    "consent.effect": "effect of withdrawing consent",
    "consent.explicit": "explicit consent",
    "official_function": "official function",
    "hosting_location": "hosting location",
    "anonymous_only": "anonymous only",
    "personal_data": "holds personal data",
    "joint_arrangement": "joint controller arrangement",
    "ico_registration": "ICO registration number",
}
_TEXT_LIMIT = 120


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict):
        if set(value) == {"amount", "unit"}:
            return str(Period.model_validate(value))
        if {"part", "paragraph", "name"} <= set(value):
            return (
                f"Schedule 1 Part {value['part']} paragraph {value['paragraph']} ({value['name']})"
            )
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in value.items() if v not in (None, [], ""))
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(str(value).split()).replace("_", " ") if isinstance(value, str) else str(value)
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def _label(path: str) -> str:
    return _LABELS.get(path, path.replace("_", " ").replace(".", " "))


def _key(attribute: str, item: dict[str, Any]) -> str:
    if attribute == "feeds":
        return f"{item['partner']}/{item['dataset']}"
    return str(item["id"])


def _retention(name: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    if old is None or new is None:
        if new is not None:
            return [f"Retention of '{name}' added: {_fmt(new.get('period') or 'indefinitely')}"]
        return [f"Retention rule of '{name}' removed"] if old is not None else []
    out: list[str] = []
    old_period = "indefinitely" if old.get("indefinite") else _fmt(old.get("period"))
    new_period = "indefinitely" if new.get("indefinite") else _fmt(new.get("period"))
    if old_period != new_period:
        out.append(f"Retention of '{name}' changed from {old_period} to {new_period}")
    for field, words in (
        ("trigger", "Retention start"),
        ("action", "Disposal action"),
        ("source", "Retention source"),
    ):
        if old.get(field) != new.get(field):
            out.append(
                f"{words} of '{name}' changed from {_fmt(old.get(field))} to {_fmt(new.get(field))}"
            )
    if old.get("note") != new.get("note"):
        out.append(f"Retention note of '{name}' changed to: {_fmt(new.get('note'))}")
    return out


def _changes(prefix: str, old: Any, new: Any, path: str = "") -> list[str]:
    """Field-level changes between two dumped values (dicts recurse, lists by membership)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and not {"amount", "unit"} <= set(old):
        out: list[str] = []
        for field in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{field}" if path else field
            out += _changes(prefix, old.get(field), new.get(field), sub)
        return out
    label = _label(path)
    scalars = all(not isinstance(v, (dict, list)) for v in [*(old or []), *(new or [])])
    if isinstance(old, list) and isinstance(new, list) and scalars:
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        parts = ([f"added {_fmt(added)}"] if added else []) + (
            [f"removed {_fmt(removed)}"] if removed else []
        )
        return [f"{prefix}: {label}: {'; '.join(parts) or 'reordered'}"]
    return [f"{prefix}: {label} changed from {_fmt(old)} to {_fmt(new)}"]


def diff_registers(old: Register, new: Register) -> list[str]:
    """Every change from `old` to `new`, one sentence each; empty when they are the same."""
    # By alias: fields read as the YAML names them (an access profile's `list`).
    a, b = old.model_dump(mode="json", by_alias=True), new.model_dump(mode="json", by_alias=True)
    out: list[str] = []
    for field in ("id", "title", "version", "effective_from", "summary"):
        if a[field] != b[field]:
            out.append(
                f"Register {_label(field)} changed from {_fmt(a[field])} to {_fmt(b[field])}"
            )
    for attribute, kind in _COLLECTIONS:
        before = {_key(attribute, item): item for item in a[attribute]}
        after = {_key(attribute, item): item for item in b[attribute]}
        for key, item in after.items():
            if key not in before:
                out.append(f"Added {kind.lower()} '{item.get('name', key)}' ({key})")
        for key, item in before.items():
            if key not in after:
                out.append(f"Removed {kind.lower()} '{item.get('name', key)}' ({key})")
        for key in [k for k in after if k in before]:
            old_item, new_item = dict(before[key]), dict(after[key])
            name = str(new_item.get("name", key))
            if attribute == "record_types":
                out += _retention(name, old_item.pop("retention"), new_item.pop("retention"))
            out += _changes(f"{kind} '{name}'", old_item, new_item)
    out += _changes("Statements", a["statements"], b["statements"])
    old_rights = {(r["right"], r["note"]) for r in a["rights"]}
    new_rights = {(r["right"], r["note"]) for r in b["rights"]}
    out += [f"Rights note on {r} added: {_fmt(n)}" for r, n in sorted(new_rights - old_rights)]
    out += [f"Rights note on {r} removed: {_fmt(n)}" for r, n in sorted(old_rights - new_rights)]
    return out
