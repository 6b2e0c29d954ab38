"""What enquiries contribute: their API and tables."""

from accord.domains import Manifest

MANIFEST = Manifest(
    name="enquiries", routers=("accord.enquiries.api",), models="accord.enquiries.models"
)
