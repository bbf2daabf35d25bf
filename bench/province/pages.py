"""Page figures: the server time of the admins' and the professional's pages on the generated
province, measured in process through Django's test client (the whole middleware, view and
template stack; no network), with the queries each page runs.

The reference is a bare Django view requested the same way in the same run: what Django itself
costs on this machine at this moment.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credits.selectors_review import Cursor, review_queue

from ..urls import BARE_PATH
from .report import Figure, Report, sample

PAGE_BUDGET_MS = 300  # DESIGN.md: every page
QUEUE_BUDGET_MS = 30  # DESIGN.md: any review queue page, any role
STATISTICS_BUDGET_MS = 300  # DESIGN.md: province statistics for a year
ROLES = ("unit", "department", "county", "city", "province")
DEEP_OFFSET = 5_000  # how far into the queue the deep keyset page starts


class Pages:
    def __init__(self, report: Report, handles: dict, *, rounds: int = 20):
        self.report = report
        self.handles = handles
        self.rounds = rounds
        self.clients: dict[str, Client] = {}
        self.users = {}
        self.reference = ""

    def client(self, username: str) -> Client:
        if username not in self.clients:
            user = get_user_model().objects.get(username=username)
            client = Client()
            client.force_login(user)
            self.clients[username] = client
            self.users[username] = user
        return self.clients[username]

    def _get(self, client: Client, url: str) -> Callable[[], None]:
        def request() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return request

    def measure(self, name: str, username: str | None, url: str, budget_ms: float, note=""):
        client = self.client(username) if username else Client()
        request = self._get(client, url)
        samples = sample(request, rounds=self.rounds, max_seconds=15)
        with CaptureQueriesContext(connection) as queries:
            request()
        return self.report.add(
            Figure(
                name=name,
                value=round(samples.p95, 2),
                unit="ms",
                budget=f"p95 < {budget_ms:g} ms",
                passed=samples.p95 < budget_ms,
                p50=round(samples.p50, 2),
                p95=round(samples.p95, 2),
                queries=len(queries),
                reference=self.reference,
                note=note,
            )
        )

    def bare(self) -> None:
        samples = sample(self._get(Client(), BARE_PATH), rounds=200, max_seconds=5)
        self.reference = f"bare view p50 {samples.p50:.2f} ms"
        self.report.add(
            Figure(
                name="reference.bare_view",
                value=round(samples.p95, 3),
                unit="ms",
                p50=round(samples.p50, 3),
                p95=round(samples.p95, 3),
                note="空视图（同一进程、同一中间件）",
            )
        )

    # --- The review queue -------------------------------------------------------------------

    def queue(self, role: str) -> None:
        admin = self.handles["admins"][role]
        username = admin["username"]
        self.client(username)
        user = self.users[username]
        base = reverse("credits:review-queue")
        queue = review_queue(user, "declaration")
        first = queue.select_related(None).values("submitted_at", "pk", "person_id")[:1]
        first = list(first)
        label = f"queue.{role}"
        self.measure(f"{label}.first", username, f"{base}?kind=declaration", QUEUE_BUDGET_MS)
        self.queue_deep(label, username, queue)
        if first:
            people = get_user_model().objects.filter(person__pk=first[0]["person_id"])
        else:
            # Nothing of the admin's own waits (the province files only 省直 units): the
            # filters are still measured, with someone from elsewhere, the case that reads most.
            people = get_user_model().objects.filter(
                username=self.handles["professional"]["username"]
            )
        year = self.handles["current_year"]
        self.measure(
            f"{label}.year", username, f"{base}?kind=declaration&year={year}", QUEUE_BUDGET_MS
        )
        person = people.values("name", "id_number").get()
        self.measure(
            f"{label}.name",
            username,
            f"{base}?{urlencode({'kind': 'declaration', 'q': person['name'][:1]})}",
            QUEUE_BUDGET_MS,
            note=f"姓名前缀“{person['name'][:1]}”",
        )
        self.measure(
            f"{label}.id_number",
            username,
            f"{base}?{urlencode({'kind': 'declaration', 'q': person['id_number']})}",
            QUEUE_BUDGET_MS,
        )

    def queue_deep(self, label: str, username: str, queue) -> None:
        base = reverse("credits:review-queue")
        deep = list(
            queue.select_related(None).values_list("submitted_at", "pk")[
                DEEP_OFFSET : DEEP_OFFSET + 1
            ]
        ) or list(queue.select_related(None).reverse().values_list("submitted_at", "pk")[:1])
        # An empty queue is still paged past a cursor (nothing follows now).
        token = Cursor(*(deep[0] if deep else (timezone.now(), 0))).token()
        self.measure(
            f"{label}.deep",
            username,
            f"{base}?{urlencode({'kind': 'declaration', 'after': token})}",
            QUEUE_BUDGET_MS,
            note=f"第 {DEEP_OFFSET:,} 条之后",
        )

    # --- Other pages ------------------------------------------------------------------------

    def scoped_pages(self, role: str) -> None:
        admin = self.handles["admins"][role]
        username = admin["username"]
        person_id = self.handles["professional"]["person_id"]
        pages = {
            "people": reverse("accounts:people"),
            "directory": reverse("orgtree:directory"),
            "audit": reverse("orgtree:audit"),
            "certificate_issues": reverse("certificates:issues"),
            "person": reverse("accounts:person-detail", args=[person_id]),
        }
        for key, url in pages.items():
            self.measure(f"{key}.{role}", username, url, PAGE_BUDGET_MS)

    def statistics(self, role: str) -> None:
        """统计分析 of this year over the admin's whole scope (its totals, children and
        breakdowns: sums over the statistics table)."""
        username = self.handles["admins"][role]["username"]
        url = reverse("credits:statistics")
        self.measure(f"statistics.{role}", username, url, STATISTICS_BUDGET_MS)

    def reports(self, role: str) -> None:
        """注册进度 and the four 待办 lists over the admin's whole scope."""
        username = self.handles["admins"][role]["username"]
        url = reverse("credits:registration-progress")
        self.measure(f"registration.{role}", username, url, PAGE_BUDGET_MS)
        for kind in ("incomplete", "two_years", "waiting", "units"):
            url = reverse("credits:todo") + "?" + urlencode({"list": kind})
            self.measure(f"todo_{kind}.{role}", username, url, PAGE_BUDGET_MS)

    def professional(self) -> None:
        username = self.handles["professional"]["username"]
        self.measure("me.credits", username, reverse("credits:overview"), PAGE_BUDGET_MS)
        self.measure("me.home", username, reverse("home"), PAGE_BUDGET_MS)


def measure(report: Report, handles: dict, *, rounds: int = 20) -> None:
    pages = Pages(report, handles, rounds=rounds)
    pages.bare()
    for role in ROLES:
        pages.queue(role)
    for role in ("province", "city"):
        pages.scoped_pages(role)
        pages.statistics(role)
        pages.reports(role)
    pages.professional()
