"""Panels on the home page, registered by the apps to the right of portal.

portal cannot import those apps, so each registers a callable in its ``AppConfig.ready()``: it
takes the user and returns a panel (a dict with ``template`` and whatever that template needs)
or None when it has nothing for this user.
"""

from collections.abc import Callable

HomePanel = Callable[[object], dict | None]
HOME_PANELS: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in HOME_PANELS:  # ready() may run twice in some test set-ups
        HOME_PANELS.append(panel)


def home_panels(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [found for panel in HOME_PANELS if (found := panel(user))]
