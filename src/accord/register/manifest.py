"""What the processing register contributes: `accord register` and its demo step."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="register",
    commands=(Command("accord.register.cli", "register"),),
    demo=DemoStep("accord.register.demo", "Processing registers, notices and ROPA"),
)
