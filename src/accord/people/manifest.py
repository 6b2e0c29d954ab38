"""What people (data subjects, encrypted at rest) contribute: their tables and demo step."""

from accord.domains import DemoStep, Manifest

MANIFEST = Manifest(
    name="people",
    demo=DemoStep("accord.people.demo", "Encryption at rest and crypto-shredding"),
    models="accord.people.models",
)
