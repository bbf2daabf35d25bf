"""The signed-in home page: a workspace, not a brochure.

portal cannot import the apps to its right, so each registers in its ``AppConfig.ready()``:

- **waiting sources**: a callable taking the user and returning the counts of what waits for
  them in that app (``Waiting`` rows: a label, a bounded count, the queue's URL), or nothing
  when the app has no queue for this user. The home page lists them under 待我处理, each count
  linking to its queue.
- **panels**: a callable taking the user and returning a panel (a dict with ``template`` and
  whatever that template needs) or None when it has nothing for this user.
- **public panels**: the same for the visitors' front page, a callable without arguments
  (what it shows is the same for every visitor), below the introduction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Job
from .pagination import COUNT_LIMIT
from .selectors import jobs_visible_to

RECENT_JOBS = 5
RECENT_DAYS = 7


@dataclass(frozen=True)
class Waiting:
    key: str  # for the tests and the page's anchors
    label: str
    count: int  # bounded: at most COUNT_LIMIT + 1
    url: str

    @property
    def count_label(self) -> str:
        return f"{COUNT_LIMIT:,}+" if self.count > COUNT_LIMIT else f"{self.count:,}"


HomePanel = Callable[[object], dict | None]
PublicPanel = Callable[[], dict | None]
WaitingSource = Callable[[object], list[Waiting]]
HOME_PANELS: list[tuple[int, HomePanel]] = []
PUBLIC_PANELS: list[tuple[int, PublicPanel]] = []
WAITING_SOURCES: list[tuple[int, WaitingSource]] = []


def register_home_panel(panel: HomePanel, *, order: int = 50) -> None:
    if all(existing != panel for _, existing in HOME_PANELS):  # ready() may run twice
        HOME_PANELS.append((order, panel))


def register_public_panel(panel: PublicPanel, *, order: int = 50) -> None:
    if all(existing != panel for _, existing in PUBLIC_PANELS):
        PUBLIC_PANELS.append((order, panel))


def register_waiting_source(source: WaitingSource, *, order: int = 50) -> None:
    if all(existing != source for _, existing in WAITING_SOURCES):
        WAITING_SOURCES.append((order, source))


def home_panels(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    panels = sorted(HOME_PANELS, key=lambda item: item[0])
    return [found for _, panel in panels if (found := panel(user))]


def public_panels(user) -> list[dict]:
    """The visitors' panels; none for a signed-in user, who gets the workspace instead."""
    if user.is_authenticated:
        return []
    panels = sorted(PUBLIC_PANELS, key=lambda item: item[0])
    return [found for _, panel in panels if (found := panel())]


def waiting_for(user) -> list[Waiting]:
    """Everything waiting for the user, in the apps' order (only the queues they have)."""
    if not user.is_authenticated:
        return []
    sources = sorted(WAITING_SOURCES, key=lambda item: item[0])
    return [item for _, source in sources for item in source(user)]


def jobs_panel(user) -> dict | None:
    """The user's background jobs still running, or finished or failed in the last week."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    jobs = list(
        jobs_visible_to(user)
        .filter(Q(status__in=[Job.Status.PENDING, Job.Status.RUNNING]) | Q(finished_at__gte=since))
        .order_by("-created_at")[:RECENT_JOBS]
    )
    if not jobs:
        return None
    return {"template": "portal/home_jobs.html", "jobs": jobs}
