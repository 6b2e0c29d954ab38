"""`accord register show ID`: a register as readable Rich tables, one per part."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from accord.register import plain
from accord.register.load import digest
from accord.register.schema import CategoryKind, Register


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=True)
    first, *rest = columns
    table.add_column(first, no_wrap=True)  # ids stay whole so they can be searched for
    for column in rest:
        table.add_column(column, overflow="fold")
    return table


def render_register(register: Register) -> Group:
    head = Panel(
        f"[bold]{register.title}[/bold]\nregister [cyan]{register.id}[/cyan] v{register.version}, "
        f"in force from {register.effective_from}, digest {digest(register)[:12]}\n\n"
        f"{' '.join(register.summary.split())}",
        title="Processing register",
    )
    orgs = _table("Organisations", "id", "name", "role", "DPO", "ICO reg.")
    for o in register.organisations:
        org_role = o.role.value + (f" of {o.controller}" if o.controller else "")
        dpo = ", ".join(v for v in (o.dpo.name, o.dpo.email) if v) if o.dpo else ""
        orgs.add_row(o.id, o.name, org_role, dpo, o.ico_registration or "")

    categories = _table("Data categories", "id", "name", "kind", "identifying")
    for c in register.categories:
        kind = c.kind.value + (f" ({c.special_type.value})" if c.special_type else "")
        style = "" if c.kind is CategoryKind.ORDINARY else "bold"
        categories.add_row(
            c.id, c.name, f"[{style}]{kind}[/]" if style else kind, "yes" if c.identifying else ""
        )

    purposes = _table(
        "Purposes and lawful bases",
        "id",
        "name",
        "Art 6",
        "Art 9 / Schedule 1",
        "Art 10",
        "consent",
    )
    for p in register.purposes:
        art9 = plain.art9_short(p.basis)
        sch1 = plain.schedule1_short([p.basis.art9_schedule1, *p.basis.art9_schedule1_also])
        consent = f"withdraw: {p.consent.effect.value}" if p.consent else ""
        art6 = plain.ART6_SHORT[p.basis.art6] + (
            " [official function]" if p.official_function else ""
        )
        purposes.add_row(
            p.id,
            p.name,
            art6,
            "\n".join(x for x in (art9, sch1) if x),
            plain.art10_short(p.basis),
            consent,
        )

    records = _table("Record types and retention", "id", "name", "service", "retention", "source")
    for rt in register.record_types:
        rule = plain.retention(rt.retention) if rt.retention else "no personal data"
        source = " ".join(rt.retention.source.split()) if rt.retention else ""
        records.add_row(rt.id, rt.name, rt.service or "", rule, source)

    recipients = _table(
        "Recipients and transfers", "id", "name", "purposes", "data", "location", "transfers"
    )
    for r in register.recipients:
        transfers = "; ".join(
            f"{t.country}: {t.safeguard.value if t.safeguard else 'NO SAFEGUARD'}"
            for t in r.transfers
        )
        recipients.add_row(
            r.id,
            r.name,
            ", ".join(r.purposes),
            "identifying" if r.identifying else "anonymous",
            r.hosting_location,
            transfers,
        )

    sharing = _table("Sharing rules", "id", "kind", "from", "to", "conditions")
    for s in register.sharing:
        conditions = [
            *([f"consent: {s.consent_purpose}"] if s.consent_purpose else []),
            *(["risk of harm recorded"] if s.requires_risk_of_harm else []),
            *(["approver"] if s.requires_approver else []),
            *([] if s.identifying else ["anonymous"]),
        ]
        sharing.add_row(
            s.id,
            s.kind.value,
            ", ".join(s.from_organisations),
            ", ".join(s.recipients),
            ", ".join(conditions),
        )

    routing = _table("Routing", "priority", "id", "when", "to service")
    for route in sorted(register.routing, key=lambda x: x.priority):
        when = ", ".join(
            f"{k}={v}" for k, v in route.when.model_dump(exclude_defaults=True).items()
        )
        routing.add_row(str(route.priority), route.id, when, route.to_service)

    roles = _table("Roles", "id", "name", "caseload", "purposes", "permissions")
    for role in register.roles:
        name = role.name + (" [anonymous only]" if role.anonymous_only else "")
        roles.add_row(
            role.id, name, role.caseload, ", ".join(role.purposes), ", ".join(role.permissions)
        )

    st = register.statements
    statements = _table("Statements", "statement", "text")
    for label, text in (
        ("automated decisions", st.automated_decisions),
        ("data matching", st.data_matching),
        ("profiling", st.profiling),
        ("review cycle", st.review_cycle),
        ("complaints", st.complaints),
    ):
        if text:
            statements.add_row(label, " ".join(text.split()))
    parts: list[Panel | Table] = [
        head,
        orgs,
        categories,
        purposes,
        records,
        recipients,
        sharing,
        routing,
        roles,
        statements,
    ]
    if register.feeds:
        feeds = _table("Feeds", "partner/dataset", "delivery", "cadence", "purpose", "fields")
        for f in register.feeds:
            feeds.add_row(
                f"{f.partner}/{f.dataset}",
                f.delivery.value,
                str(f.cadence),
                f.purpose,
                str(len(f.fields)),
            )
        parts.append(feeds)
    return Group(*parts)


def show(register: Register, console: Console) -> None:
    console.print(render_register(register))
