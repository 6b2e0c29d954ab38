"""What retention contributes: its commands, API routes, the DPO's pages and tables."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="retention",
    routers=("accord.retention.api", "accord.retention.pages", "accord.retention.pages_holds"),
    commands=(Command("accord.retention.cli", "retention"),),
    models="accord.retention.models",
)
