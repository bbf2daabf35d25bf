from tests.plans.support import media  # noqa: F401  (a fixture)
