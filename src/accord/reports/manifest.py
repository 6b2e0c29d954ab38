"""What reports contributes: its API, commands and tables."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="reports",
    routers=("accord.reports.api",),
    commands=(Command("accord.reports.cli", "reports"),),
    models="accord.reports.models",
)
