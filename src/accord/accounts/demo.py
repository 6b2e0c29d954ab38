"""Demo step: a person for every register role, an API token, throttling and security codes.

Writes `<out>/accounts/sign-in.md` with the demo people's email addresses and one password
(generated per run, development only) so the pages can be tried with `uvicorn`.
"""

from __future__ import annotations

import secrets
import time

import pyotp
from sqlalchemy.orm import Session

from accord.accounts import passwords, service, tokens, totp
from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.demo import DemoContext
from accord.register.registry import current_registry
from accord.register.schema import OrgRole, Register, Role

DEMO_TOKEN = "Demo Met referral feed"  # noqa: S105 (a token's name, not a secret)
INTAKE_TEAM = "intake"  # where referrals arrive (accord.cases.purposes.INTAKE_TEAM)


def _organisation_for(register: Register, role: Role) -> str:
    if role.organisation:
        return role.organisation
    for org in register.organisations:
        if org.role in (OrgRole.CONTROLLER, OrgRole.JOINT_CONTROLLER):
            return org.id
    return register.organisations[0].id


def _works_intake(role: Role) -> bool:
    """Caseworkers and team managers: people who list and update cases."""
    held = set(role.permissions)
    return role.caseload in ("own", "team") and {"case:case:list", "case:case:update"} <= held


def run(ctx: DemoContext) -> list[str]:
    registry = current_registry()
    password = "demo-" + secrets.token_urlsafe(12)
    password_hash = passwords.hash_password(password)  # one hash for all: argon2 is slow on purpose
    people: list[tuple[str, str, str]] = []
    token_secret: str | None = None
    lines: list[str] = []
    with ctx.session_factory() as session:
        accounts: dict[str, str] = {}
        for register in registry.registers.values():
            for role in register.roles:
                email = f"{role.id}.{register.id}@example.org"
                user = service.find_user(session, email=email)
                if user is None:
                    user = service.create_user(
                        session,
                        email=email,
                        name=f"Demo {role.name}",
                        organisation=_organisation_for(register, role),
                        registry=registry,
                    )
                user.password_hash = password_hash
                service.add_role(session, user=user, register=register.id, role=role.id)
                if _works_intake(role):
                    # Referrals arrive in the intake team: its people have work on their pages.
                    service.add_to_team(session, user=user, team=INTAKE_TEAM, name="Intake")
                accounts[f"{register.id}:{role.id}"] = str(user.id)
                people.append((email, register.id, role.id))
        ctx.facts["accounts"] = accounts
        lines.append(f"{len(people)} demo people, one per register role")
        in_intake = sum(1 for _, reg, role in people if _works_intake(registry.role(reg, role)))
        lines.append(f"{in_intake} of them in the intake team, where referrals arrive")

        if "lvws" in registry.registers and any(
            r.id == "police-referrer" for r in registry.get("lvws").roles
        ):
            for old in tokens.list_tokens(session, organisation="metropolitan-police"):
                if old.name == DEMO_TOKEN and tokens.token_state(old) == "active":
                    tokens.revoke_token(session, token_id=old.id)  # one live demo token at a time
            issued = tokens.create_token(
                session,
                name=DEMO_TOKEN,
                organisation="metropolitan-police",
                register="lvws",
                role="police-referrer",
                registry=registry,
            )
            token_secret = issued.secret
            actor = tokens.resolve(session, secret=issued.secret, registry=registry)
            assert actor is not None
            lines.append(
                f"API token {issued.token.id} for the Met: {', '.join(sorted(actor.permissions))}"
            )

        lines.extend(_throttle_and_codes(ctx, session, people[0][0] if people else None))

    if ctx.settings.is_development and people:
        folder = ctx.out / "accounts"
        folder.mkdir(parents=True, exist_ok=True)
        rows = "\n".join(f"| {e} | {reg} | {role} |" for e, reg, role in people)
        (folder / "sign-in.md").write_text(
            "# Demo sign-in (development only)\n\n"
            f"Every demo person's password for this run: `{password}`\n\n"
            "| email | register | role |\n|---|---|---|\n"
            + rows
            + "\n"
            + (
                f"\nAPI token ({DEMO_TOKEN}): `{token_secret}`\n"
                "(`curl -H 'Authorization: Bearer <token>' http://localhost:8000/api/me`)\n"
                if token_secret
                else ""
            ),
            encoding="utf-8",
        )
        lines.append(f"sign-in details: {folder / 'sign-in.md'}")
    return lines


def _throttle_and_codes(ctx: DemoContext, session: Session, email: str | None) -> list[str]:
    if email is None:
        return []
    settings = ctx.settings
    user = service.find_user(session, email=email)
    assert isinstance(user, User)
    # A security code for one person: enrol, sign in with a code, refuse the same code again.
    secret, _ = totp.begin_enrolment(session, settings=settings, user=user)
    now = time.time()
    code = pyotp.TOTP(secret).at(now)
    enrolled = totp.confirm_enrolment(session, settings=settings, user=user, code=code)
    replayed = totp.verify(session, settings=settings, user=user, code=code, now=now)
    totp.remove(session, user=user)
    # Throttling: an unknown address is locked after the same number of failures.
    probe = f"nobody-{secrets.token_hex(4)}@example.org"
    outcomes = [
        service.authenticate(
            session, settings=settings, email=probe, password=secrets.token_hex(8)
        ).outcome
        for _ in range(settings.sign_in_max_failures)
    ]
    actor = actor_for_user(user)
    return [
        f"{email}: {len(actor.permissions)} permissions from {', '.join(sorted(actor.roles))}",
        f"security code accepted at enrolment: {enrolled}; same code again: {replayed}",
        f"{settings.sign_in_max_failures} failures on an unknown address: {outcomes[-1]}",
    ]
