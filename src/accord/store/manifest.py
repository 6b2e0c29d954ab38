"""What the store contributes: `accord db` and the tables shared by every domain."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="store",
    commands=(Command("accord.store.cli", "db"),),
    models="accord.store.models",
)
