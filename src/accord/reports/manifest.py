"""What reports contributes: its API, commands and tables."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="reports",
    # the extracts routes before the API's /api/reports/{register}/{report}
    routers=("accord.reports.extracts_api", "accord.reports.api"),
    commands=(Command("accord.reports.cli", "reports"),),
    models="accord.reports.models",
)
