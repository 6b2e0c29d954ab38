"""What retention contributes: its commands, certificate routes and tables."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="retention",
    routers=("accord.retention.api",),
    commands=(Command("accord.retention.cli", "retention"),),
    models="accord.retention.models",
)
