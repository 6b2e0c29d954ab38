"""What rights contributes."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="rights",
    routers=("accord.rights.api",),
    commands=(Command("accord.rights.cli", "rights"),),
    models="accord.rights.models",
)
