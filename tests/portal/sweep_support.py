"""The machinery of the hostile-value sweep (tests/portal/test_hostile_sweep.py): the URL
patterns walked from the resolver, the parameter names the portal knows, and the sweep that sends
the requests and records what failed (the objects it sends them to: sweep_world.py)."""

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

import portal.middleware
from certificates.forms_issues import SingleYearForm, YearRangeForm
from certificates.forms_verify import CertNoLookupForm, IdentityLookupForm
from credits.forms_requirements import RequirementCalculatorForm
from credits.rules import CATEGORIES
from orgtree.forms import OrgAdminForm
from tests.credits.views_support import (
    PDF,
    upload,
)

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
APPS = ("portal", "accounts", "orgtree", "plans", "bulletin", "credits", "certificates")
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
