"""The tests' fixtures: pytest plugins in tests/support/ (its __init__ lists what each holds)."""

pytest_plugins = [
    "support.database",
    "support.factories",
    "support.questions",
    "support.clock",
    "support.mail",
    "support.organisers",
    "support.followers",
    "support.catalogs",
    "support.browser",
    "support.webhooks",
    "support.api",
]
