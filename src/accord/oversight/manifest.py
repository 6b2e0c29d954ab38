"""What oversight contributes: the DPO's pages."""

from accord.domains import Manifest

MANIFEST = Manifest(name="oversight", routers=("accord.oversight.pages",))
