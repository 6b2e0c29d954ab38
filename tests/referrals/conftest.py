from cases.lvws import lvws_registry  # noqa: F401 (an autouse fixture for every test here)
