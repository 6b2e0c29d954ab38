"""What key management contributes: `accord keys`."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(name="keys", commands=(Command("accord.keys.cli", "keys"),))
