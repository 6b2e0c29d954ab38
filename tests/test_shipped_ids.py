"""No shipped register or organisation id is written into the software: a list, a command or
a delivery that is not told its register takes it from its caller or from the registers
(gate.registers.register_for, feeds' register_for_feed, a role's own organisation), so a
deployment serving other registers has no hidden Hounslow or Thames Valley default.

Demo modules, the synthetic partner data and the registers themselves may name them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "accord"


def _shipped() -> tuple[set[str], set[str]]:
    """(register and organisation ids, ids of everything else a register names)."""
    ids: set[str] = set()
    others: set[str] = set()
    for path in sorted((ROOT / "registers").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids.add(document["id"])
        ids.update(o["id"] for o in document.get("organisations", []))
        for key in ("purposes", "services", "record_types", "roles"):
            others.update(item["id"] for item in document.get(key, []) if "id" in item)
    return ids, others


def _exempt(path: Path) -> bool:
    relative = path.relative_to(SRC)
    return (
        "demo" in path.stem
        or relative.parts[0] == "synthetic"
        or "migrations" in relative.parts
        or relative == Path("register/load.py")
    )


def test_the_shipped_ids_are_known() -> None:
    ids, _ = _shipped()
    assert {"lvws", "mopac", "hounslow", "tvt", "cambs-hub", "thames-valley-police"} <= ids


def test_no_shipped_register_or_organisation_id_is_written_into_the_software() -> None:
    ids, others = _shipped()
    # an id a register also gives a purpose, service, record type or role (e.g. the
    # "victim-support" purpose) may be naming that, which the software may do
    wanted = ids - others
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if _exempt(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in wanted:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert found == [], (
        "take the register from the caller (gate.registers.register_for) or the registers,"
        f" not from the code: {found}"
    )
