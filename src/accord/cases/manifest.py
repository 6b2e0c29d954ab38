"""What casework contributes: the cases and complaints APIs, the caseworker and team manager
pages, `accord cases`, its tables and demo step."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="cases",
    # The team pages first: /cases/team is theirs, not a case id.
    routers=(
        "accord.cases.api",
        "accord.cases.complaints_api",
        "accord.cases.pages_team",
        "accord.cases.pages",
        "accord.cases.pages_consent",
    ),
    commands=(Command("accord.cases.cli", "cases"),),
    demo=DemoStep(
        "accord.cases.demo", "Casework: LVWS referrals, routing, contacts, clocks, complaints"
    ),
    models="accord.cases.models",
)
