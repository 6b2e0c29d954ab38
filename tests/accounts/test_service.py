"""Creating people, granting register roles, and the Actor the gate sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from accord.accounts import passwords, service
from accord.accounts.actor import actor_for_user
from accord.accounts.errors import AccountError
from accord.accounts.models import User
from accord.register.registry import Registry, use_registry
from accord.settings import Settings

from .conftest import PASSWORD


def test_email_is_normalised_and_password_hashed_with_argon2id(user: User) -> None:
    assert user.email == "casey@example.org"
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"organisation": "nowhere"}, "organisation"),
        ({"password": "short"}, "password"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_input_names_the_field(session: Session, kwargs: dict[str, str], field: str) -> None:
    values = {"email": "a@example.org", "name": "A", "organisation": "org-a", "password": PASSWORD}
    with pytest.raises(AccountError) as info:
        service.create_user(session, **(values | kwargs))
    assert info.value.field == field
    assert service.find_user(session, email="a@example.org") is None


def test_duplicate_email_refused_whatever_its_case(session: Session, user: User) -> None:
    with pytest.raises(AccountError, match="already exists"):
        service.create_user(session, email="CASEY@example.org", name="B", organisation="org-a")


def test_role_must_exist_in_the_register(session: Session, user: User) -> None:
    with pytest.raises(AccountError, match=r"no role 'admin'.*roles: caseworker, dpo, referrer"):
        service.add_role(session, user=user, register="alpha", role="admin")
    with pytest.raises(AccountError, match="no register 'gamma'"):
        service.add_role(session, user=user, register="gamma", role="dpo")


def test_role_tied_to_another_organisation_is_refused(session: Session, user: User) -> None:
    with pytest.raises(AccountError, match="for organisation 'org-b'"):
        service.add_role(session, user=user, register="alpha", role="referrer")


def test_actor_has_the_union_of_role_permissions_and_teams(session: Session, user: User) -> None:
    service.add_role(session, user=user, register="alpha", role="dpo")
    service.add_role(session, user=user, register="beta", role="analyst")
    service.add_role(session, user=user, register="alpha", role="dpo")  # granting twice is a no-op
    service.add_to_team(session, user=user, team="north", name="North team")
    actor = actor_for_user(user)
    assert actor.kind == "user"
    assert actor.id == user.id
    assert actor.organisation == "org-a"
    assert actor.roles == {"caseworker", "dpo", "analyst"}
    assert actor.permissions == {
        "case:case:read",
        "case:case:list",
        "rights:request:manage",
        "audit:trail:read",
        "stats:aggregate:read",
    }
    assert actor.teams == {"north"}
    assert len(user.roles) == 3
    # each role stays bound to its register: the analyst role counts in beta only
    assert actor.grants == {("alpha", "caseworker"), ("alpha", "dpo"), ("beta", "analyst")}
    assert actor.roles_in("alpha") == {"caseworker", "dpo"}
    assert actor.roles_in("beta") == {"analyst"}


def test_removing_a_role_removes_its_permissions(session: Session, user: User) -> None:
    service.add_role(session, user=user, register="alpha", role="dpo")
    assert service.remove_role(session, user=user, register="alpha", role="dpo")
    assert "rights:request:manage" not in actor_for_user(user).permissions
    assert not service.remove_role(session, user=user, register="alpha", role="dpo")


def test_hash_upgraded_when_parameters_change(session: Session, settings: Settings) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    person = service.create_user(session, email="old@example.org", name="Old", organisation="org-a")
    person.password_hash = weak.hash(PASSWORD)
    session.commit()
    assert passwords.needs_rehash(person.password_hash)
    result = service.authenticate(
        session, settings=settings, email="old@example.org", password=PASSWORD
    )
    assert result.outcome == "ok"
    assert not passwords.needs_rehash(person.password_hash)
    assert passwords.verify_password(person.password_hash, PASSWORD)


def test_disabled_account_cannot_sign_in(session: Session, settings: Settings, user: User) -> None:
    service.set_active(session, user=user, active=False)
    result = service.authenticate(session, settings=settings, email=user.email, password=PASSWORD)
    assert result.outcome == "wrong"


def test_a_person_gets_only_a_role_their_organisation_can_hold(session: Session) -> None:
    shipped = Registry.from_directory(Path(__file__).resolve().parents[2] / "registers")
    with use_registry(shipped):
        officer = service.create_user(
            session, email="pc@example.org", name="PC", organisation="metropolitan-police"
        )
        with pytest.raises(AccountError, match="is a source in 'lvws'") as info:
            service.add_role(session, user=officer, register="lvws", role="caseworker")
        assert info.value.field == "role"
        service.add_role(session, user=officer, register="lvws", role="police-referrer")
        service.add_role(session, user=officer, register="hounslow", role="partner-agency")
        assert actor_for_user(officer).grants == {
            ("lvws", "police-referrer"),
            ("hounslow", "partner-agency"),
        }
