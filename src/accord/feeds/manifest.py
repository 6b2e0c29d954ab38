"""What partner feeds contribute: their API and pages, `accord feeds`, tables and demo step."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="feeds",
    routers=("accord.feeds.api", "accord.feeds.pages"),
    commands=(Command("accord.feeds.cli", "feeds"),),
    demo=DemoStep(
        "accord.feeds.demo", "TVT partner feeds: ingest, split identity store, quarantine"
    ),
    models="accord.feeds.models",
)
