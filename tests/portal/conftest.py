# The job kind these tests create jobs of ("system.count"): the tests register it, not the
# portal. The real Celery worker of .ci/run registers it too (tests/worker.py).
import tests.job_kinds  # noqa: F401
