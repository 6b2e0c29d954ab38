"""Demo step: load and record every shipped register."""

from __future__ import annotations

from accord.demo import DemoContext
from accord.register.load import load_all
from accord.register.store import record_version


def run(ctx: DemoContext) -> list[str]:
    registers = load_all(ctx.settings.registers_dir)
    with ctx.session_factory() as session:
        for register in registers.values():
            record_version(session, register)
        session.commit()
    ctx.facts["registers"] = registers
    return [f"{r.id}: {r.title} (v{r.version})" for r in registers.values()]
