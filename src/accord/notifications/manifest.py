"""What notifications contribute: their API and tables."""

from accord.domains import Manifest

MANIFEST = Manifest(
    name="notifications",
    routers=("accord.notifications.api",),
    models="accord.notifications.models",
)
