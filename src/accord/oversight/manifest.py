"""What oversight contributes: the DPO's pages."""

from accord.domains import Manifest

MANIFEST = Manifest(
    name="oversight",
    routers=(
        "accord.oversight.pages",
        "accord.oversight.pages_disclosures",
        "accord.oversight.pages_consent",
    ),
)
