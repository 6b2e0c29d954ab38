"""What the web package contributes: health checks, the public pages and the API documentation."""

from accord.domains import Manifest

MANIFEST = Manifest(
    name="web", routers=("accord.web.health", "accord.web.pages", "accord.web.docs")
)
