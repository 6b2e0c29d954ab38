"""What jobs contributes: `accord jobs` and its tables."""

from accord.domains import Command, Manifest

MANIFEST = Manifest(
    name="jobs", commands=(Command("accord.jobs.cli", "jobs"),), models="accord.jobs.models"
)
