"""What accounts contribute: sign-in pages, the accounts API, `accord users` and `tokens`."""

from accord.domains import Command, DemoStep, Manifest

MANIFEST = Manifest(
    name="accounts",
    routers=("accord.accounts.pages", "accord.accounts.api"),
    commands=(
        Command("accord.accounts.users_cli", "users"),
        Command("accord.accounts.tokens_cli", "tokens"),
    ),
    demo=DemoStep("accord.accounts.demo", "Accounts, roles, API tokens and sign-in protections"),
    models="accord.accounts.models",
)
