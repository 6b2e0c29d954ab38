"""What risk panels contribute: their API and pages, `accord panels`, tables and demo step."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="panels",
    routers=("accord.panels.api", "accord.panels.pages"),
    commands=(Command("accord.panels.cli", "panels"),),
    demo=DemoStep("accord.panels.demo", "Hounslow risk panels, outreach, notices and disclosures"),
    models="accord.panels.models",
)
