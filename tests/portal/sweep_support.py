"""The machinery of the hostile-value sweep (tests/portal/test_hostile_sweep.py): the URL
patterns walked from the resolver, the parameter names the portal knows, the objects that lead
each route past its 404, and the sweep that sends the requests and records what failed."""

import datetime
import importlib
import json
import pkgutil
import re
import traceback
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

import portal.middleware
from accounts.services import (
    identity_correction_request,
    person_transfer_request,
    title_change_request,
)
from certificates.forms_issues import SingleYearForm, YearRangeForm
from certificates.forms_verify import CertNoLookupForm, IdentityLookupForm
from certificates.services import certificate_request, issue_render
from credits.forms_requirements import RequirementCalculatorForm
from credits.intake.programmes import programme_save
from credits.intake.services import import_upload
from credits.intake.tokens import api_token_issue
from credits.models import Requirement, ReviewStatus, SpotCheckItem
from credits.rules import CATEGORIES
from credits.services.checks import spot_check_create
from credits.services.sanctions import sanction_create
from orgtree.forms import OrgAdminForm
from orgtree.models import OrgAdmin
from portal.models import Notification
from portal.services import job_create
from tests.certificates.support import approved_seal, filed_years
from tests.credits.views_support import (
    PDF,
    declaration,
    evidence,
    exemption,
    image_bytes,
    requirement_rows,
    upload,
)
from tests.factories import make_org, make_person
from tests.shared_tree import Tree

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    "99999999999999999999",  # over 2**63 - 1
    "-99999999999999999999",
    "9" * 10_000,  # 10,000 characters, and more digits than int() reads
    "𠀀𪚥",  # outside the Basic Multilingual Plane
    SCRIPT,
    "9999-12-31",
    "0001-01-01",
    "²",  # str.isdigit() says yes, int() says no
    "1e999999",
    "NaN",
]
NUL = "AB\x00CD"  # refused at the edge whatever it is in: a round of its own
HOSTILE_ID = "999999999999999999"  # the most the id converter lets through; no row has it
APPS = ("portal", "accounts", "orgtree", "credits", "certificates")
# Names that views read from request.GET / request.POST themselves, and the brief's usual
# suspects; the forms' field names are added from the forms modules.
DIRECT_NAMES = [
    "after", "before", "category", "cert_no", "cursor", "date", "export", "filter", "from",
    "ids", "items", "kind", "list_query", "mode", "name", "next", "office", "org", "outcome",
    "page", "status", "subject", "switch", "to", "token", "unit", "year",
]  # fmt: skip
PREFIXED_FORMS = {
    CertNoLookupForm: "cert",
    IdentityLookupForm: "person",
    SingleYearForm: "single",
    YearRangeForm: "range",
    RequirementCalculatorForm: "calc",
    OrgAdminForm: "admin",
}
LOGIN = "/accounts/login/"
JSON = "application/json"
ROLES = ["anonymous", "professional", "unit", "department", "city", "province"]


# --- What to send --------------------------------------------------------------------------------


def _form_classes():
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.iter_modules(package.__path__):
            if module_info.name.startswith("forms"):
                module = importlib.import_module(f"{app}.{module_info.name}")
                for value in vars(module).values():
                    if isinstance(value, type) and issubclass(value, forms.BaseForm):
                        yield value


@dataclass
class Names:
    every: list[str]  # every name known, sorted
    files: list[str]  # the names of file fields


def parameter_names() -> Names:
    names, files = set(DIRECT_NAMES), set()
    for form_class in _form_classes():
        prefix = PREFIXED_FORMS.get(form_class)
        for name, field in getattr(form_class, "base_fields", {}).items():
            full = f"{prefix}-{name}" if prefix else name
            (files if isinstance(field, forms.FileField) else names).add(full)
    for category in CATEGORIES.values():
        names.update(f"p_{param.name}" for param in category.params)
    return Names(sorted(names), sorted(files))


def spread(names: list[str], shift: int = 0) -> dict[str, str]:
    """Each name one of the values, in turn (a row of the Latin square)."""
    return {name: HOSTILE[(i + shift) % len(HOSTILE)] for i, name in enumerate(names)}


# --- Where to send it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "credits:declaration-detail"
    route: str  # "credits/declarations/<id:pk>/"

    @property
    def parameters(self) -> list[tuple[str, str]]:
        return re.findall(r"<(?:(\w+):)?(\w+)>", self.route)

    def path(self, values: dict) -> str:
        def fill(match):
            return quote(str(values[match.group(1)]), safe="")

        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, self.route)


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    continue  # Django's own admin, for staff
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and not route.startswith("static/"):
                found.append(Route(f"{namespace}{pattern.name}", route))

    walk(get_resolver().url_patterns, "", "")
    return found


def world_build() -> dict:
    """The test tree and one object of every kind the pages show, in the city of 平顶山."""
    tree = Tree()
    requirement_rows()
    person = make_person(tree.hospital1, cert_no="4104000000001")
    filed_years(person, [2021, 2022])
    draft = declaration(person)
    submitted = declaration(person, status=ReviewStatus.SUBMITTED, submitted_at=timezone.now())
    evidence(draft)
    image = evidence(draft, content=image_bytes(), name="证明.png")
    seal = approved_seal(tree, tree.pds)
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2021, last_year=2022, enqueue=False
    )
    issue_render(issue_id=issue.pk)
    spot_check = spot_check_create(
        actor=tree.admins["pds"], year=2021, org_id=tree.pds.pk, method="count", value=1
    )
    sanction = sanction_create(
        actor=tree.admins["pds"],
        person=make_person(tree.hospital2),
        reason="伪造培训证书",
        found_on=datetime.date(2024, 3, 15),
    )
    transfer = person_transfer_request(person=person, to_unit_id=tree.hospital2.pk, reason="调动")
    title_change = title_change_request(
        person=person,
        title_level="senior",
        effective_year=2024,
        evidence=upload("职称证书.pdf", PDF),
    )
    correction = identity_correction_request(
        person=person, name="更正姓名", id_number="", reason="录入错误", evidence=None
    )
    notification = Notification.objects.create(user=person.user, title="审核结果", body="已退回")
    job = job_create(actor=tree.admins["pds"], kind="system.count", params={"n": 1})
    batch = import_upload(
        actor=tree.admins["hospital1"],
        kind="unit_declarations",
        file_name="批量申报.csv",
        content=(
            "身份证号,姓名,年度,学时类别,项目名称,申报学时\n"
            f"{person.user.id_number},{person.user.name},2025,其他类别的继续教育形式,培训,8\n"
        ).encode(),
    )
    programme = programme_save(
        actor=tree.admins["institution"],
        title="继续教育培训班",
        category="training_base",
        start_date=datetime.date(2025, 5, 10),
        end_date=datetime.date(2025, 5, 12),
        hours="16",
        approver="平顶山市人力资源和社会保障局",
        document_no="平人社〔2025〕1号",
    )
    token, _ = api_token_issue(
        actor=tree.admins["pds"], institution_id=tree.institution.pk, name="学习平台"
    )
    return {
        "users": {
            "anonymous": None,
            "professional": person.user,
            "unit": tree.admins["hospital1"],
            "department": tree.admins["health"],
            "city": tree.admins["pds"],
            "province": tree.admins["province"],
            "institution": tree.admins["institution"],
        },
        # By the longest URL name prefix that matches.
        "ids": {
            "notification-read": notification.pk,
            "accounts:registration": make_person(tree.hospital1, status="pending").pk,
            "accounts:person": person.pk,
            "accounts:transfer": transfer.pk,
            "accounts:admin-password-reset": OrgAdmin.objects.get(user=tree.admins["hospital1"]).pk,
            "accounts:title-change": title_change.pk,
            "accounts:identity-correction": correction.pk,
            "orgtree:registration": make_org("unit", tree.health, status="pending").pk,
            "orgtree:org": tree.hospital1.pk,
            "orgtree:org-edit": tree.hospital1.pk,
            "orgtree:admin-filing-edit": OrgAdmin.objects.get(user=tree.admins["hospital1"]).pk,
            "orgtree:filing": tree.hospital1.pk,
            "orgtree:admin-add": tree.hospital1.pk,
            "orgtree:admin": OrgAdmin.objects.get(user=tree.admins["hospital1"]).pk,
            "credits:requirement": Requirement.objects.order_by("pk").first().pk,
            "credits:declaration": draft.pk,
            "credits:evidence-upload": draft.pk,
            "credits:evidence": image.pk,
            "credits:exemption": exemption(person).pk,
            "credits:review": submitted.pk,
            "credits:spotcheck": spot_check.pk,
            "credits:sanction": sanction.pk,
            "credits:import": batch.pk,
            "credits:statistics-people": tree.hospital1.pk,
            "credits:programme": programme.pk,
            "credits:api-token": token.pk,
            "certificates:person": person.pk,
            "certificates:query-person": person.pk,
            "certificates:issue": issue.pk,
            "certificates:seal": seal.pk,
        },
        "item": SpotCheckItem.objects.filter(spot_check=spot_check).first().pk,
        "job": job.pk,
        "code": issue.code,
    }


def real_kwargs(world: dict, route: Route) -> dict:
    """Values that lead the route to an existing object (for the roles that may see it)."""
    fixed = {"code": world["code"], "kind": "declaration", "action": "approve"}
    values = {}
    for converter, name in route.parameters:
        if converter == "uuid":
            values[name] = world["job"]
        elif name == "item":
            values[name] = world["item"]
        elif name in fixed:
            values[name] = fixed[name]
        else:
            key = max(
                (key for key in world["ids"] if route.name.startswith(key)), key=len, default=""
            )
            assert key, f"{route.name}: name an object it shows in world_build()'s ids"
            values[name] = world["ids"][key]
    return values


def hostile_kwargs(route: Route, index: int) -> dict:
    values = {}
    strings = [*HOSTILE, NUL]
    for position, (converter, name) in enumerate(route.parameters):
        if converter == "uuid":
            values[name] = uuid.UUID(int=index)
        elif converter == "id":
            values[name] = HOSTILE_ID
        else:
            values[name] = strings[(index + position) % len(strings)]
    return values


# --- Sending it ----------------------------------------------------------------------------------


class Reads:
    """What the view did with the parameters: the names it read from request.GET and
    request.POST, and the fields its forms refused.

    Reading a dict whole (a copy, an urlencode, iterating it: a view that carries the filters
    into its links) counts as reading every name. The edge middleware's scan of every value
    is not the view's doing and does not count.
    """

    EVERYTHING = "*"

    def __init__(self, monkeypatch):
        self.names: set[str] = set()
        self.refused: set[str] = set()
        self.paused = False
        for method in ("__getitem__", "_getlist", "__contains__"):
            monkeypatch.setattr(QueryDict, method, self._by_name(getattr(QueryDict, method)))
        for method in ("copy", "urlencode", "__iter__"):
            monkeypatch.setattr(QueryDict, method, self._whole(getattr(QueryDict, method)))
        scan = portal.middleware._has_control

        def unrecorded(data):
            self.paused = True
            try:
                return scan(data)
            finally:
                self.paused = False

        monkeypatch.setattr(portal.middleware, "_has_control", unrecorded)
        full_clean = forms.BaseForm.full_clean

        def recorded_clean(form):
            full_clean(form)
            self.refused.update(
                form.add_prefix(name) for name in form.errors if name in form.fields
            )

        monkeypatch.setattr(forms.BaseForm, "full_clean", recorded_clean)

    def clear(self) -> None:
        self.names.clear()
        self.refused.clear()

    def _counts(self, query) -> bool:
        # request.GET and request.POST are immutable; a view's copy, or the query string that
        # the login redirect builds, is not.
        return not self.paused and not query._mutable

    def _by_name(self, original):
        def recorded(query, key, *args, **kwargs):
            if self._counts(query):
                self.names.add(key)
            return original(query, key, *args, **kwargs)

        return recorded

    def _whole(self, original):
        def recorded(query, *args, **kwargs):
            if self._counts(query):
                self.names.add(self.EVERYTHING)
            return original(query, *args, **kwargs)

        return recorded


TURNED_AWAY = {"login", "403", "405"}


class Sweep:
    """Sends the requests and keeps the failures; ``clients`` are signed in, one per role."""

    def __init__(self, clients: dict[str, Client], names: Names, reads: Reads):
        self.clients = clients
        self.names = names
        self.reads = reads
        self.failures: list[str] = []
        self.requests = 0

    def request(self, role: str, method: str, path: str, data=None, **kwargs) -> str:
        """One request, in a savepoint of its own so that a database error (PostgreSQL then
        refuses the rest of the transaction) is this request's failure alone. Returns the
        status, or "login" for a redirect to the login page."""
        self.requests += 1
        self.reads.clear()
        label = f"{role}: {method.upper()} {path[:100]!r} {str(data)[:300]!r}"
        try:
            with transaction.atomic():
                response = getattr(self.clients[role], method)(path, data=data, **kwargs)
        except Exception:
            self.failures.append(f"{label}\n{traceback.format_exc(limit=-8)}")
            return "error"
        if response.status_code >= 500:
            self.failures.append(f"{label} -> {response.status_code}")
        elif not response.streaming and SCRIPT.encode() in response.content:
            self.failures.append(f"{label} -> the script came back unescaped")
        if response.status_code == 302 and response["Location"].startswith(LOGIN):
            return "login"
        return str(response.status_code)

    def read_names(self) -> list[str]:
        read = self.reads.names
        if Reads.EVERYTHING in read:
            return self.names.every
        self.names.every = sorted(set(self.names.every) | read)  # a name no form declares
        return sorted(read)

    def route(self, route: Route, real: dict) -> None:
        path = route.path(real)
        api = route.route.startswith("api/")
        let_in: dict[str, str] = {}  # method -> the first role let in
        for method in ("get", "post"):
            readers = []
            for role in self.clients:
                data = spread(self.names.every)
                if method == "post" and not api:
                    data.update({name: upload(f"{SCRIPT}.pdf", PDF) for name in self.names.files})
                status = self.request(role, method, path, data)
                read = self.read_names()
                # Turned away at the door, whatever the values (the login page's redirect
                # refuses to carry so long a query string: a 400 before any view read it).
                if status in TURNED_AWAY or (status == "400" and not read):
                    continue
                let_in.setdefault(method, role)
                if read:
                    readers.append((role, read))
            for index, value in enumerate(HOSTILE if readers else ()):
                role, read = readers[index % len(readers)]
                self.request(role, method, path, dict.fromkeys(read, value))
                accepted = [name for name in read if name not in self.reads.refused]
                if method == "get" and self.reads.refused and accepted:
                    self.request(role, method, path, dict.fromkeys(accepted, value))
        if api:
            self.json_bodies(path)
        if let_in:
            self.hostile_paths(route, let_in)
            role = next(iter(let_in.values()))
            self.request(role, "get", path, dict.fromkeys(self.names.every[:20], NUL))

    def json_bodies(self, path: str) -> None:
        params = sorted({param.name for c in CATEGORIES.values() for param in c.params})
        for value in HOSTILE:
            body = {"category": value, "params": dict.fromkeys(params, value)}
            self.request("anonymous", "post", path, json.dumps(body), content_type=JSON)
        deep, huge = "[" * 4000, "[" * 100_000
        for body in (deep, huge, '{"category": "\\u0000"}', '{"category": "\\ud800"}'):
            self.request("anonymous", "post", path, body, content_type=JSON)

    def hostile_paths(self, route: Route, let_in: dict[str, str]) -> None:
        """An id the converter lets through but no row has, and hostile strings."""
        converters = {converter for converter, _ in route.parameters}
        if not converters:
            return
        rounds = len(HOSTILE) + 1 if converters - {"id", "uuid"} else 1
        for index in range(rounds):
            path = route.path(hostile_kwargs(route, index))
            for method, role in let_in.items():
                self.request(role, method, path, spread(self.names.every[:20], index))
