"""What linkage contributes: its API, the analyst's pages, `accord link`, tables and demo step."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="linkage",
    routers=("accord.linkage.api", "accord.linkage.pages"),
    commands=(Command("accord.linkage.cli", "link"),),
    demo=DemoStep("accord.linkage.demo", "Linkage across partners: people, review queue, quality"),
    models="accord.linkage.models",
)
