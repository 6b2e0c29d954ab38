"""What reports contributes: its API, pages, commands and tables."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="reports",
    # these before the API's /api/reports/{register}/{report}, which would take their paths
    routers=(
        "accord.reports.extracts_api",
        "accord.reports.priority_api",
        "accord.reports.review_pack_api",
        "accord.reports.api",
        "accord.reports.pages",
    ),
    commands=(Command("accord.reports.cli", "reports"),),
    demo=DemoStep("accord.reports.demo", "Agreed reports, hotspot maps and the partner review"),
    models="accord.reports.models",
)
