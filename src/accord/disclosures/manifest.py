"""What disclosures contribute: their API and tables."""

from accord.domains import Manifest

MANIFEST = Manifest(
    name="disclosures", routers=("accord.disclosures.api",), models="accord.disclosures.models"
)
