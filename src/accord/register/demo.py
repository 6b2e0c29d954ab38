"""Demo step: load and record every shipped register; write its notice and ROPA.

For each register, `<out>/<register id>/` gets the privacy notice (notice.md, notice.html) and
the record of processing activities (ropa.csv, ropa.xlsx), all generated from the register.
"""

from __future__ import annotations

from pathlib import Path

from accord.demo import DemoContext
from accord.register.load import load_all
from accord.register.notice import build_notice
from accord.register.notice_render import NoticeFormat, render
from accord.register.ropa import ropa_rows, to_csv, write_xlsx
from accord.register.schema import Register
from accord.register.store import record_version


def write_documents(register: Register, folder: Path) -> list[Path]:
    """The notice (md, html) and the ROPA (csv, xlsx) of one register, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    notice = build_notice(register)
    written: list[Path] = []
    for fmt in NoticeFormat:
        path = folder / f"notice.{fmt.value}"
        path.write_text(render(notice, fmt), encoding="utf-8")
        written.append(path)
    rows = ropa_rows(register)
    csv_path = folder / "ropa.csv"
    csv_path.write_text(to_csv(rows), encoding="utf-8")
    xlsx_path = folder / "ropa.xlsx"
    write_xlsx(rows, xlsx_path, title=f"{register.title} v{register.version}")
    return [*written, csv_path, xlsx_path]


def run(ctx: DemoContext) -> list[str]:
    registers = load_all(ctx.settings.registers_dir)
    with ctx.session_factory() as session:
        for register in registers.values():
            record_version(session, register)
        session.commit()
    ctx.facts["registers"] = registers
    lines: list[str] = []
    for register in registers.values():
        files = write_documents(register, ctx.out / register.id)
        names = ", ".join(str(f.relative_to(ctx.out)) for f in files)
        lines.append(
            f"{register.id}: {register.title} (v{register.version}), "
            f"{len(register.purposes)} purposes, {len(register.record_types)} record types: {names}"
        )
    return lines
