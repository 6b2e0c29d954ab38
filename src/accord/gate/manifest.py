"""What the gate contributes: its API, `accord audit` and `accord access`, the audit tables."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="gate",
    routers=("accord.gate.api",),
    commands=(
        Command("accord.gate.cli_audit", "audit"),
        Command("accord.gate.cli_access", "access"),
    ),
    models="accord.gate.models",
)
