from cases.tests.conftest import catalogue, report  # noqa: F401  (shared fixtures)
