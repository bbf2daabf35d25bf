"""What credits does when its own signal fires."""

from .services.statistics import statistics_refresh_later
from .services.summary import person_history_reevaluate, person_identity_refresh


def on_person_years_changed(sender, *, pairs, **kwargs) -> None:
    """The statistics rows of the units whose people's person-years changed, by a task (the
    signal is sent after the filing committed)."""
    statistics_refresh_later(pairs)


def on_person_history_changed(sender, *, person_id, year_from, **kwargs) -> None:
    """A title change or transfer (accounts): the years from then on are re-evaluated."""
    person_history_reevaluate(person_id=person_id, year_from=year_from)


def on_person_identity_changed(sender, *, person_id, **kwargs) -> None:
    """A corrected name or ID number (accounts)."""
    person_identity_refresh(person_id=person_id)
