"""Read register YAML files into typed `Register` objects, reporting problems by file and path."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from accord.register.errors import Problem, RegisterError
from accord.register.schema import Register


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def parse(document: Any, file: Path) -> Register:
    """Structure-check one YAML document; raise RegisterError naming each bad path."""
    if not isinstance(document, dict):
        raise RegisterError(
            [Problem(file, "(top)", "not-a-mapping", "a register is a YAML mapping")]
        )
    try:
        return Register.model_validate(document)
    except ValidationError as exc:
        problems = [
            Problem(file, _loc_to_path(err["loc"]), "schema", err["msg"]) for err in exc.errors()
        ]
        raise RegisterError(problems) from None


def read_yaml(file: Path) -> Any:
    try:
        # libyaml's loader when present: about eight times faster on the shipped registers
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(file.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise RegisterError([Problem(file, "(top)", "yaml", str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterError([Problem(file, "(top)", "unreadable", str(exc))]) from None


def load_file(file: Path) -> Register:
    """Parse and validate one register file (structure, then lawfulness and references)."""
    from accord.register.validate import validate  # validate imports schema only

    register = parse(read_yaml(file), file)
    problems = validate(register, file)
    if problems:
        raise RegisterError(problems)
    return register


def register_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def load_all(directory: Path) -> dict[str, Register]:
    """Every register in `directory`, keyed by register id; all problems reported together."""
    registers: dict[str, Register] = {}
    problems: list[Problem] = []
    for file in register_files(directory):
        try:
            register = load_file(file)
        except RegisterError as exc:
            problems.extend(exc.problems)
            continue
        registers[register.id] = register
    if problems:
        raise RegisterError(problems)
    return registers


def digest(register: Register) -> str:
    """A stable content digest, cited by consents and notices as the version shown."""
    return hashlib.sha256(register.model_dump_json().encode()).hexdigest()


def find_register(ref: str, directory: Path) -> tuple[Register, Path]:
    """A register by id (searched in `directory`) or by path to its file."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return load_file(path), path
    for file in register_files(directory):
        document = read_yaml(file)
        if isinstance(document, dict) and document.get("id") == ref:
            return load_file(file), file
    known = ", ".join(f.stem for f in register_files(directory)) or "none"
    raise RegisterError(
        [
            Problem(
                directory,
                "(top)",
                "unknown-register",
                f"no register with id {ref!r} (registers here: {known})",
            )
        ]
    )
