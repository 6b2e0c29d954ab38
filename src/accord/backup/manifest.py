"""What backup contributes: `accord backup` and `accord restore`."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="backup",
    commands=(
        Command("accord.backup.cli", "backup"),
        Command("accord.backup.restore_cli", "restore"),
    ),
)
