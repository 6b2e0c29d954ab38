"""Every personal-data record type of a loaded register is kept by a store's declaration (or
marked kept elsewhere in the register); a run refuses to start while one is not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.errors import Conflict
from accord.retention import stores
from accord.retention.models import RetentionRun
from factories.registers import register, registry, shipped, using
from retention.support import run


def _with_visit_log() -> object:
    case = next(rt for rt in shipped("lvws").record_types if rt.id == "case")
    extra = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    extra["id"] = "visit-log"
    extra["name"] = "Home visit log"
    return register("lvws", record_types={"visit-log": extra})


@pytest.mark.parametrize("register_id", ["lvws", "cambs-hub", "hounslow"])
def test_every_record_type_of_the_casework_registers_is_declared(register_id: str) -> None:
    assert stores.undeclared(registry(register_id)) == []


def test_records_kept_elsewhere_need_no_declaration() -> None:
    mopac = shipped("mopac")
    elsewhere = {rt.id for rt in mopac.record_types if rt.kept_elsewhere}
    assert "photo-video" in elsewhere
    missing = {u.record_type for u in stores.undeclared(registry("mopac"))}
    assert not missing & elsewhere
    # held here, so declared: complaints (casework) and the opted-out list (consent)
    assert "complaint" not in missing
    assert "newsletter-opt-out" not in missing


def test_a_run_refuses_to_start_naming_each_undeclared_record_type(session: Session) -> None:
    with (
        using(_with_visit_log()),  # type: ignore[arg-type]
        pytest.raises(Conflict, match="lvws: visit-log"),
    ):
        run(session)
    assert session.scalar(select(func.count()).select_from(RetentionRun)) == 0
