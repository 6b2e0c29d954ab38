"""What retention contributes."""

from accord.domains import Manifest

MANIFEST = Manifest(name="retention")
