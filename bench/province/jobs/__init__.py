"""The job and service figures of the province benchmark: batch approval and filing through the
batch review job (beside raw set-based SQL over the same rows), the 10,000-number batch query,
the spot-check draw, the people export of a city, and certificate-number allocation under 8
concurrent registrants.

Every run that writes is a transaction rolled back, so the generated database is left as it
was found (the declarations table is vacuumed after each batch run, which also keeps one run's
dead row versions from slowing the next). ``on_commit`` callbacks then never fire, except the
ones a filing registers (the ``person_years_changed`` signal), which are run by hand inside the
measured time because they are part of the cost of a filing. Two things stay: a bench-only
department admin (``BENCH_ADMIN``, whose roles are set again on each run) and the advance of one
prefix's certificate counter, which concurrent allocation needs real commits for (numbers are
never reused anyway). The package must therefore run outside any transaction.

The figures by topic: ``batch`` (approval and filing beside raw SQL), ``queries`` (batch query,
spot check, export), ``numbers`` (certificate numbers); ``common`` holds what they share.
"""

from ..report import Report
from .batch import measure_batches
from .numbers import measure_cert_numbers
from .queries import measure_batch_query, measure_export, measure_spot_checks

FIGURES = {
    "batch": measure_batches,
    "batch_query": measure_batch_query,
    "spot_check": measure_spot_checks,
    "export": measure_export,
    "cert_no": measure_cert_numbers,
}


def measure(report: Report, handles: dict, *, write=print, only=None) -> None:
    """Adds the job and service figures to ``report`` (those of ``only``, names of FIGURES,
    when given); leaves the database as it was, except the certificate counter of one prefix."""
    for name, figure in FIGURES.items():
        if not only or name in only:
            figure(report, handles, write)
