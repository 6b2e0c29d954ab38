"""What rights contributes."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="rights",
    routers=(
        "accord.rights.api",
        "accord.rights.pages",
        "accord.rights.decisions_api",
        "accord.rights.bundle_api",
        "accord.rights.bundle_pages",
        "accord.rights.decision_pages",
    ),
    commands=(Command("accord.rights.cli", "rights"),),
    demo=DemoStep("accord.rights.demo", "Rights requests on the statutory clock"),
    models="accord.rights.models",
)
