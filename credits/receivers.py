"""What credits does when its own signal fires."""

from .services.statistics import statistics_refresh_later


def on_person_years_changed(sender, *, pairs, **kwargs) -> None:
    """The statistics rows of the units whose people's person-years changed, by a task (the
    signal is sent after the filing committed)."""
    statistics_refresh_later(pairs)
