"""What casework contributes: the cases and complaints APIs, its tables and demo step."""

from accord.domains import DemoStep, Manifest

MANIFEST = Manifest(
    name="cases",
    routers=("accord.cases.api", "accord.cases.complaints_api"),
    demo=DemoStep(
        "accord.cases.demo", "Casework: LVWS referrals, routing, contacts, clocks, complaints"
    ),
    models="accord.cases.models",
)
