"""Access profiles: the register is the one place that says which permissions reach a record type.

A record type without a profile, a profile naming an unknown permission, action or profile, and
a role that could create a record type under none of its purposes are refused with file, path
and rule; the gate decides from the profile, so changing the register changes the decision.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord.gate.permissions import required_permissions
from accord.gate.policy import Facts, decide
from accord.gate.types import Action, Actor, ReasonCode, Target
from accord.register.access import ACTIONS, resolve
from accord.register.diff import diff_registers
from accord.register.errors import RegisterError
from accord.register.load import load_file, parse

from .fixture import BAD_FILE, minimal, problems_of

Doc = dict[str, Any]


def _profile(doc: Doc, index: int = 0) -> Doc:
    profile: Doc = doc["access_profiles"][index]
    return profile


def _creator_elsewhere(doc: Doc) -> None:
    """The role works only for complaints, a purpose the case record type does not have."""
    doc["purposes"].append(
        {
            "id": "complaints",
            "name": "Complaints",
            "description": "Complaints about the service.",
            "basis": {"art6": "public_task"},
            "categories": ["name"],
        }
    )
    doc["roles"][0].update(
        purposes=["complaints"], permissions=["case:case:read", "case:case:update"]
    )


def _extending(doc: Doc) -> None:
    doc["access_profiles"].append({"id": "lighter", "extends": "casework", "read": []})


CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    ("record type without a profile", lambda d: d["record_types"][0].pop("access"),
     "access-profile-required", "record_types[0].access"),
    ("record type naming an unknown profile", lambda d: d["record_types"][0].update(access="nothing"),
     "unknown-access-profile", "record_types[0].access"),
    ("profile naming an unknown permission", lambda d: _profile(d)["read"].append("case:everything:read"),
     "unknown-permission", "access_profiles[0].read[1]"),
    ("inline rules naming an unknown permission",
     lambda d: d["record_types"][0].update(access={"list": ["case:case:list", "case:all:list"]}),
     "unknown-permission", "record_types[0].access.list[1]"),
    ("inline rules extending an unknown profile",
     lambda d: d["record_types"][0].update(access={"extends": "nothing", "read": []}),
     "unknown-access-profile", "record_types[0].access.extends"),
    ("profile extending an unknown profile", lambda d: _profile(d).update(extends="nothing"),
     "unknown-access-profile", "access_profiles[0].extends"),
    ("profiles extending each other",
     lambda d: (_extending(d), _profile(d).update(extends="lighter")),
     "access-profile-cycle", "access_profiles[0].extends"),
    ("duplicate profile", lambda d: d["access_profiles"].append(dict(_profile(d))),
     "duplicate-id", "access_profiles[1].id"),
    ("role creating a record type under none of its purposes",
     _creator_elsewhere,
     "role-purpose-not-for-record", "roles[0].permissions[1]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "rule", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_access_rule_refuses_its_bad_register(
    mutate: Callable[[Doc], None], rule: str, path: str
) -> None:
    document = minimal()
    mutate(document)
    problems = problems_of(document)
    found = [(p.rule, p.path) for p in problems]
    assert (rule, path) in found, f"expected {rule} at {path}, got {found}"
    problem = next(p for p in problems if (p.rule, p.path) == (rule, path))
    assert problem.file == BAD_FILE
    assert problem.message


def test_a_role_that_creates_under_one_of_the_purposes_passes() -> None:
    document = minimal()
    document["roles"][0]["permissions"] = ["case:case:read", "case:case:update"]
    assert problems_of(document) == []


def test_a_file_naming_an_unknown_action_is_refused_with_its_path(tmp_path: Path) -> None:
    document = minimal()
    _profile(document)["erase"] = ["case:case:close"]
    file = tmp_path / "mini.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(RegisterError) as refused:
        load_file(file)
    [problem] = refused.value.problems
    assert (problem.file, problem.path, problem.rule) == (
        file,
        "access_profiles[0].erase",
        "schema",
    )


def test_a_file_with_a_record_type_without_a_profile_is_refused(tmp_path: Path) -> None:
    document = minimal()
    del document["record_types"][0]["access"]
    file = tmp_path / "mini.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(RegisterError) as refused:
        load_file(file)
    assert [(p.file, p.path, p.rule) for p in refused.value.problems] == [
        (file, "record_types[0].access", "access-profile-required")
    ]


def test_extends_replaces_only_the_actions_it_names() -> None:
    document = minimal()
    _extending(document)
    register = parse(document, BAD_FILE)
    base = resolve(register, "casework")
    lighter = resolve(register, "lighter")
    assert lighter["read"] == ()
    assert {a: p for a, p in lighter.items() if a != "read"} == {
        a: p for a, p in base.items() if a != "read"
    }


def test_the_register_actions_are_the_gate_actions() -> None:
    assert set(ACTIONS) == {a.value for a in Action}


def _reader(permissions: list[str]) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="ctl",
        roles=frozenset({"worker"}),
        permissions=frozenset(permissions),
    )


def _read_case(document: Doc) -> ReasonCode:
    register = parse(document, BAD_FILE)
    facts = Facts(
        actor=_reader(register.role("worker").permissions),
        purpose="support",
        action=Action.LIST,
        target=Target(register="mini", record_type="case", owner_organisation="ctl"),
        register=register,
    )
    return decide(facts).reason


def test_the_gate_decides_from_the_profile_in_the_register() -> None:
    document = minimal()
    document["roles"][0]["permissions"] = ["case:case:list"]
    assert _read_case(document) is ReasonCode.ALLOWED
    # The same role, the same record type: the profile now wants another permission to list.
    _profile(document)["list"] = ["case:case:read"]
    assert _read_case(document) is ReasonCode.NO_PERMISSION
    # An action the profile leaves out is refused to everyone.
    del _profile(document)["list"]
    document["roles"][0]["permissions"] = ["case:case:list", "case:case:read"]
    assert _read_case(document) is ReasonCode.NO_PERMISSION


def test_the_gate_reads_the_profile_of_each_register() -> None:
    document = minimal()
    register = parse(document, BAD_FILE)
    assert required_permissions(register, "case", Action.READ) == ("case:case:read",)
    assert required_permissions(register, "case", Action.DELETE) == ()
    assert required_permissions(register, "no-such-type", Action.READ) == ()


def test_a_change_of_access_reads_as_a_change_in_the_diff() -> None:
    old = minimal()
    new = minimal()
    _profile(new)["list"] = ["case:case:list", "case:case:read"]
    new["record_types"][0]["access"] = {"extends": "casework", "read": []}
    changes = diff_registers(parse(old, BAD_FILE), parse(new, BAD_FILE))
    assert changes == [
        "Access profile 'casework': list: added case:case:read",
        "Record type 'Case': access changed from casework to extends: casework",
    ]


def test_a_dumped_register_reads_back_the_same() -> None:
    """Tools copy a register through its dump (e.g. to change one role): access survives."""
    register = parse(minimal(), BAD_FILE)
    document = register.model_dump(mode="json", exclude_none=True)
    assert _profile(document)["list"] == ["case:case:list"]
    assert parse(document, BAD_FILE) == register
