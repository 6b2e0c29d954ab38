"""What the web package contributes: health checks and the public pages."""

from accord.domains import Manifest

MANIFEST = Manifest(name="web", routers=("accord.web.health", "accord.web.pages"))
