"""What credits does when its own signal fires."""

from portal.queue import enqueue

from .services.statistics import statistics_pairs_of


def on_person_years_changed(sender, *, pairs, **kwargs) -> None:
    """The statistics rows of the units whose people's person-years changed, by a task (sent
    after the filing committed: the signal is sent on commit). With the broker away the rows
    are refreshed by the nightly rebuild instead."""
    from .tasks import refresh_statistics

    units = statistics_pairs_of(pairs)
    if units:
        enqueue(refresh_statistics, [list(pair) for pair in units])
