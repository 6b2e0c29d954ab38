"""What falls due, by organisation, service, record type and action; certificates over HTTP
(the reader's organisation's counts only); and the commands' JSON."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases import workflow
from accord.cases.schemas import AssignmentIn, NotTakenUpIn
from accord.enquiries import service as enquiries
from accord.enquiries.schemas import EnquiryIn
from accord.panels.cases import close_case as close_panel_case
from accord.register.registry import Registry
from accord.retention.plan import PlanLine, plan
from factories.actors import actor
from factories.cases import refer
from factories.registers import using
from feeds.crashes import ROOT, fresh_store, run_accord
from retention.support import moment, run
from retention.test_crash import DUE, _populate


@pytest.fixture
def lvws() -> Iterator[Registry]:
    with using("lvws") as found:
        yield found


def _declined(session: Session) -> uuid.UUID:
    worker = actor("lvws", "caseworker", "victim-support", checked=False)
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",), checked=False)
    accepted = refer(session)
    workflow.assign(
        session,
        actor=manager,
        case_id=accepted.case_id,
        data=AssignmentIn(user_id=worker.id),  # type: ignore[arg-type]
    )
    workflow.mark_not_taken_up(
        session, actor=worker, case_id=accepted.case_id, data=NotTakenUpIn(reason="declined")
    )
    return accepted.case_id


def test_the_plan_counts_what_falls_due_by_then(session: Session, lvws: Registry) -> None:
    with time_machine.travel(moment(2026, 2, 2), tick=False):
        _declined(session)
        _declined(session)
        enquiries.record_enquiry(
            session,
            actor=actor("lvws", "caseworker", "victim-support"),
            data=EnquiryIn(
                register_id="lvws", channel="web", name="Lee", email="l@example.org", message="hi"
            ),  # type: ignore[arg-type]
        )
    web = PlanLine(
        "lvws", "victim-support", None, "web-enquiry", "delete", "6 weeks after created", 1
    )
    referrals = PlanLine(
        "lvws",
        "victim-support",
        None,
        "referral",
        "delete",
        "12 months after referral not taken up",
        2,
    )
    with time_machine.travel(moment(2026, 3, 1), tick=False):
        assert plan(session) == []
        assert plan(session, days=30) == [web]
        assert plan(session, days=365) == [referrals, web]


def test_certificates_over_http_show_the_readers_own_counts(
    session: Session, lvws: Registry, app: FastAPI, client: TestClient
) -> None:
    with time_machine.travel(moment(2026, 2, 2), tick=False):
        _declined(session)
    with time_machine.travel(moment(2027, 3, 1), tick=False):
        result = run(session)
    app.dependency_overrides[current_actor] = lambda: actor("lvws", "dpo", "victim-support")
    listed = client.get("/api/retention/certificates")
    assert listed.status_code == 200, listed.text
    item = next(i for i in listed.json()["items"] if i["run"] == str(result.run_id))
    assert item["intact"] is True
    assert item["in_audit_chain"] is True
    assert [(c["record_type"], c["outcome"], c["count"]) for c in item["counts"]] == [
        ("referral", "deleted", 1)
    ]
    shown = client.get(f"/api/retention/certificates/{result.run_id}")
    assert shown.json()["hash"] == result.certificate_hash
    app.dependency_overrides[current_actor] = lambda: actor("lvws", "caseworker", "victim-support")
    assert client.get("/api/retention/certificates").status_code == 403
    assert client.get(f"/api/retention/certificates/{uuid.uuid4()}").status_code in (403, 404)


def test_the_commands_plan_run_and_certify_in_json(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    registers = tmp_path / "registers"
    registers.mkdir()
    shutil.copy(ROOT / "registers" / "lvws.yaml", registers / "lvws.yaml")
    with fresh_store(tmp_path / "store") as env:
        env = {**env, "ACCORD_REGISTERS_DIR": str(registers)}
        _populate(env["ACCORD_DATABASE_URL"])
        capfd.readouterr()
        assert run_accord(["retention", "plan", "--json"], env) == 0
        planned = json.loads(capfd.readouterr().out)
        assert [(p["record_type"], p["action"], p["count"]) for p in planned] == [
            ("referral", "delete", DUE)
        ]
        assert run_accord(["retention", "run", "--dry-run", "--json"], env) == 0
        dry = json.loads(capfd.readouterr().out)
        assert dry["run"] is None
        assert run_accord(["retention", "run", "--json"], env) == 0
        done = json.loads(capfd.readouterr().out)
        assert {c["outcome"]: c["count"] for c in done["counts"]} == {"deleted": DUE - 1, "held": 1}
        assert {c["outcome"]: c["count"] for c in dry["counts"]} == {"deleted": DUE - 1, "held": 1}
        assert run_accord(["retention", "certificates", "--json"], env) == 0
        (certificate,) = json.loads(capfd.readouterr().out)
        assert certificate["hash"] == done["certificate_hash"]
        assert certificate["intact"] is True
        assert run_accord(["retention", "certificate", certificate["run"]], env) == 0
        assert run_accord(["audit", "verify"], env) == 0
        capfd.readouterr()
        assert run_accord(["jobs", "list", "--json"], env) == 0
        jobs = json.loads(capfd.readouterr().out)
        assert {j["name"] for j in jobs} == {
            "retention-run",
            "feeds-sweep",
            "access-grant-expiry",
            "review-reminders",
        }
        assert run_accord(["jobs", "run", "--json"], env) == 0
        ran = {r["name"]: r["outcome"] for r in json.loads(capfd.readouterr().out)}
        assert set(ran.values()) == {"ok"}


def test_plan_holds_and_the_review_queue_over_http(
    session: Session, app: FastAPI, client: TestClient
) -> None:
    from factories.panels import panel_case

    with using("hounslow"):
        coordinator = actor(
            "hounslow", "panel-coordinator", teams=("marac", "community-risk-panel", "iom")
        )
        with time_machine.travel(moment(2026, 3, 2), tick=False):
            iom = panel_case(session, coordinator, "iom")
            marac = panel_case(session, coordinator, "marac")
            close_panel_case(session, actor=coordinator, case_id=iom.id)
            close_panel_case(session, actor=coordinator, case_id=marac.id)
        iom_id, marac_id = iom.id, marac.id
        app.dependency_overrides[current_actor] = lambda: actor("hounslow", "dpo")
        with time_machine.travel(moment(2032, 3, 3), tick=False):
            planned = client.get("/api/retention/plan").json()["items"]
            assert sorted((p["record_type"], p["action"], p["count"]) for p in planned) == [
                ("iom-case", "review", 1),
                ("marac-case", "delete", 1),
            ]
            held = client.post(
                "/api/retention/holds",
                json={
                    "register": "hounslow",
                    "scope": "record",
                    "record_id": str(marac_id),
                    "kind": "litigation",
                    "reason": "claim by the victim's family",
                },
            )
            assert held.status_code == 201, held.text
            elsewhere = client.post(
                "/api/retention/holds",
                json={
                    "register": "hounslow",
                    "scope": "record",
                    "record_id": str(uuid.uuid4()),
                    "kind": "litigation",
                    "reason": "a record that is not ours",
                },
            )
            assert elsewhere.status_code == 422
            result = run(session)
            assert result.counts[("hounslow", "hounslow", "marac-case", "delete", "held")] == 1
            (review,) = client.get("/api/retention/reviews").json()["items"]
            assert review["record_id"] == str(iom_id)
            kept = client.post(
                f"/api/retention/reviews/{review['id']}/decision",
                json={"decision": "keep", "reason": "still managed by the panel"},
            )
            assert kept.status_code == 422  # a new review date is needed
            disposed = client.post(
                f"/api/retention/reviews/{review['id']}/decision",
                json={"decision": "dispose", "reason": "no longer managed by the panel"},
            )
            assert disposed.json()["status"] == "disposed"
            released = client.post(f"/api/retention/holds/{held.json()['id']}/release")
            assert released.json()["released_at"] is not None
            assert client.get("/api/retention/holds").json()["items"] == []
        app.dependency_overrides[current_actor] = lambda: actor(
            "hounslow", "panel-coordinator", teams=("iom",)
        )
        assert client.get("/api/retention/plan").status_code == 403
