"""What the consent ledger contributes: its API, tables and demo step."""

from accord.domains import DemoStep, Manifest

MANIFEST = Manifest(
    name="consent",
    routers=("accord.consent.api",),
    demo=DemoStep("accord.consent.demo", "Consent ledger: withdrawals delete, exclude or opt out"),
    models="accord.consent.models",
)
