"""Properties of the pure decision, over generated actors, targets and subject states."""

from __future__ import annotations

import uuid

from gate_fixtures import ORG_A, actor, small_register
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.gate.minimise import minimise
from accord.gate.policy import Facts, SubjectFacts, decide, survives_restriction
from accord.gate.types import Action, ReasonCode, Target
from accord.register.schema import CategoryKind

REGISTER = small_register()
ROLES = [r.id for r in REGISTER.roles]
ORGS = [o.id for o in REGISTER.organisations]
PURPOSES = [p.id for p in REGISTER.purposes] + ["no-such-purpose"]
CATEGORIES = [c.id for c in REGISTER.categories]
IDENTIFYING = {c.id for c in REGISTER.categories if c.identifying}
SPECIAL = {c.id for c in REGISTER.categories if c.kind == CategoryKind.SPECIAL}
ACTOR_ID = uuid.UUID(int=1)


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    role = draw(st.sampled_from(ROLES))
    who = actor(
        role,
        organisation=draw(st.sampled_from(ORGS)),
        teams=frozenset(draw(st.sets(st.sampled_from(["north", "south"])))),
        actor_id=ACTOR_ID,
        register=REGISTER,
    )
    if draw(st.booleans()):  # sometimes a permission is missing
        who = type(who)(
            **{
                **who.__dict__,
                "permissions": who.permissions - {draw(st.sampled_from(sorted(who.permissions)))},
            }
        )
    subjects = tuple(
        SubjectFacts(
            id=uuid.uuid4(),
            exists=draw(st.sampled_from([True, True, True, False])),
            state=draw(st.sampled_from(["active", "active", "erased", "anonymised"])),
            restricted=draw(st.booleans()),
            objection_pending=draw(st.booleans()),
            consent=draw(st.sampled_from([None, "given", "refused", "withdrawn"])),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    record_type = draw(st.sampled_from(["case", "crime-statistics"]))
    target = Target(
        register="t",
        record_type=record_type,
        owner_organisation=draw(st.sampled_from(ORGS)),
        record_id=draw(st.sampled_from([None, uuid.uuid4()])),
        subject_ids=tuple(s.id for s in subjects),
        assigned_user=draw(st.sampled_from([None, ACTOR_ID, uuid.uuid4()])),
        team=draw(st.sampled_from([None, "north", "south"])),
        shared_with=frozenset(draw(st.sets(st.sampled_from(ORGS), max_size=2))),
    )
    requested = draw(st.none() | st.frozensets(st.sampled_from(CATEGORIES)))
    return Facts(
        actor=who,
        purpose=draw(st.sampled_from(PURPOSES)),
        action=draw(st.sampled_from(list(Action))),
        target=target,
        register=REGISTER,
        requested=requested,
        subjects=subjects,
        grant_active=draw(st.booleans()),
    )


@settings(max_examples=400, deadline=None)
@given(facts())
def test_decisions_respect_minimisation_and_the_register(f: Facts) -> None:
    decision = decide(f)
    if not decision.allowed:
        assert decision.categories == frozenset()
        return
    purpose = REGISTER.purpose(f.purpose)
    record_type = REGISTER.record_type(f.target.record_type)
    # minimisation: never more than the request, the purpose and the record type allow
    assert decision.categories <= set(purpose.categories) & set(record_type.categories)
    if f.requested is not None:
        assert decision.categories <= f.requested
    # the role lists the purpose, and the actor holds a permission for the action
    roles = [REGISTER.role(r) for r in f.actor.roles]
    assert any(purpose.id in r.purposes for r in roles)
    # anonymous-only roles never receive identifying or special category data
    if all(r.anonymous_only for r in roles):
        assert not decision.categories & (IDENTIFYING | SPECIAL)
    if decision.categories & SPECIAL:
        assert purpose.basis.art9 is not None
    if record_type.personal_data:
        for subject in f.subjects:
            assert subject.exists
            assert subject.state == "active"
            if subject.restricted:
                assert survives_restriction(purpose)
            if purpose.consent is not None and f.action != Action.DELETE:
                assert subject.consent == "given"
    if decision.reason == ReasonCode.ALLOWED_OUTSIDE_CASELOAD:
        assert f.grant_active
    assert minimise(decision, dict.fromkeys(CATEGORIES, "v")).keys() == decision.categories


@settings(max_examples=200, deadline=None)
@given(facts())
def test_another_organisations_unshared_record_is_never_read(f: Facts) -> None:
    if (
        f.target.owner_organisation == f.actor.organisation
        or f.actor.organisation in f.target.shared_with
    ):
        return
    if f.target.record_id is None or f.action != Action.READ:
        return
    if f.target.record_type != "case":
        return
    if {f.target.owner_organisation, f.actor.organisation} == {"jc-1", "jc-2"}:
        assert decide(f).reason != ReasonCode.NOT_SHARED_WITH_ORGANISATION  # joint controllers
        return
    assert not decide(f).allowed


def test_special_category_only_for_the_purpose_that_declares_it() -> None:
    manager = actor("team-manager", register=REGISTER)
    target = Target(register="t", record_type="case", owner_organisation=ORG_A)

    def ask(purpose: str) -> frozenset[str]:
        return decide(
            Facts(
                manager,
                purpose,
                Action.LIST,
                target,
                REGISTER,
                requested=frozenset({"ethnicity", "needs"}),
            )
        ).categories

    assert ask("equality") == {"ethnicity"}
    assert ask("support") == {"needs"}


def test_writing_a_category_the_purpose_may_not_hold_is_refused() -> None:
    worker = actor(register=REGISTER)
    target = Target(register="t", record_type="case", owner_organisation=ORG_A)
    decision = decide(
        Facts(
            worker,
            "support",
            Action.CREATE,
            target,
            REGISTER,
            requested=frozenset({"name", "ethnicity"}),
        )
    )
    assert decision.reason == ReasonCode.CATEGORY_NOT_FOR_PURPOSE
