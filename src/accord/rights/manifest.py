"""What rights contributes."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="rights",
    routers=(
        "accord.rights.api",
        "accord.rights.pages",
        "accord.rights.decisions_api",
        "accord.rights.bundle_api",
    ),
    commands=(Command("accord.rights.cli", "rights"),),
    models="accord.rights.models",
)
