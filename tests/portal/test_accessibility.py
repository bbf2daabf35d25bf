"""Accessibility of the main pages of each role, over the demo data (issue 16): every form field
has a label, and every page's title names the page, no two pages sharing one.

The pages are fetched once for the module with the test client (tests/portal/a11y_support.py
reads them with the standard library's HTML parser)."""

import io
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from accounts.views.registration import REGISTERED_SESSION_KEY
from credits.models import ImportBatch
from orgtree.views.registration import SESSION_KEY as ORG_REGISTERED_SESSION_KEY
from tests.portal.a11y_support import objects_build, read
from tests.shared_tree import SHARED_TREE

pytestmark = pytest.mark.django_db

# Each role's demo user and pages: a URL name and its arguments, a value naming one of
# objects_build()'s objects or else taken as it is.
ROLES = {
    "anonymous": (
        "",
        [
            ("home", {}),
            ("register-guide", {}),
            ("accounts:login", {}),
            ("accounts:register", {}),
            ("orgtree:register", {}),
            ("accounts:register-done", {}),
            ("orgtree:register-done", {}),
            ("verify:lookup", {}),
            ("verify:certificate", {"code": "code"}),
            ("verify:check", {}),
            ("bulletin:notices", {}),
            ("bulletin:notice-detail", {"pk": "public_notice"}),
            ("bulletin:help", {}),
            ("bulletin:help-declare", {}),
            ("bulletin:faq", {}),
            ("bulletin:contacts", {}),
        ],
    ),
    "professional": (
        "demo",
        [
            ("home", {}),
            ("credits:overview", {}),
            ("credits:declarations", {}),
            ("credits:declaration-create", {}),
            ("credits:declaration-detail", {"pk": "submitted"}),
            ("credits:declaration-withdraw", {"pk": "submitted"}),
            ("credits:declaration-edit", {"pk": "draft"}),
            ("credits:declaration-delete", {"pk": "draft"}),
            ("credits:exemption-create", {}),
            ("credits:exemption-detail", {"pk": "exemption"}),
            ("credits:exemption-edit", {"pk": "exemption"}),
            ("certificates:mine", {}),
            ("certificates:issue-detail", {"pk": "issue"}),
            ("accounts:me", {}),
            ("accounts:phone-change", {}),
            ("accounts:title-change-request", {}),
            ("accounts:identity-correction-request", {}),
            ("accounts:transfer-request", {}),
            ("accounts:password-change", {}),
            ("notifications", {}),
            ("jobs", {}),
            ("orgtree:calendar", {}),
            ("plans:rules-in-force", {}),
            ("plans:rule-detail", {"pk": "rule"}),
        ],
    ),
    "unit": (
        "unit_pds_hospital1",
        [
            ("home", {}),
            ("credits:review-queue", {}),
            ("credits:review-detail", {"kind": "declaration", "pk": "submitted"}),
            ("credits:review-act", {"kind": "declaration", "pk": "submitted", "action": "return"}),
            ("accounts:registrations", {}),
            ("accounts:registration-reject", {"pk": "pending_person"}),
            ("accounts:people", {}),
            ("accounts:person-detail", {"pk": "person"}),
            ("accounts:transfers", {}),
            ("accounts:transfer-reject", {"pk": "transfer"}),
            ("certificates:issues", {}),
            ("certificates:person", {"person_pk": "person"}),
            ("certificates:batch", {}),
            ("credits:imports", {}),
            ("credits:import-create", {"kind": ImportBatch.Kind.UNIT}),
            ("credits:import-create", {"kind": ImportBatch.Kind.PEOPLE}),
            ("credits:import-create", {"kind": ImportBatch.Kind.LEGACY}),
            ("credits:statistics", {}),
            ("credits:todo", {}),
            ("orgtree:org-detail", {"pk": "hospital1"}),
            ("orgtree:filing", {"pk": "hospital1"}),
            ("orgtree:admin-add", {"pk": "hospital1"}),
            ("orgtree:admin-handover", {"pk": "hospital1_admin"}),
            ("accounts:profile-requests", {}),
            ("orgtree:org-edit", {"pk": "hospital1"}),
            ("orgtree:my-filing", {}),
            ("orgtree:admin-filing-edit", {"pk": "hospital1_admin"}),
            ("plans:plans", {}),
            ("plans:plan-create", {}),
            ("plans:plan-detail", {"pk": "plan"}),
        ],
    ),
    "department": (
        "dept_pds_health",
        [
            ("home", {}),
            ("credits:review-queue", {}),
            ("orgtree:registrations", {}),
            ("orgtree:registration-reject", {"pk": "pending_org"}),
            ("orgtree:directory", {}),
            ("accounts:people", {}),
            ("credits:imports", {}),
            ("credits:import-create", {"kind": ImportBatch.Kind.DEPARTMENT}),
            ("credits:statistics", {}),
            ("credits:todo", {}),
            ("plans:rules", {}),
            ("plans:rule-create", {}),
        ],
    ),
    "hrss": (
        "hrss_pds",
        [
            ("home", {}),
            ("credits:review-queue", {}),
            ("accounts:people", {}),
            ("accounts:registrations", {}),
            ("orgtree:registrations", {}),
            ("orgtree:directory", {}),
            ("orgtree:audit", {}),
            ("credits:statistics", {}),
            ("credits:statistics-people", {"pk": "hospital1"}),
            ("credits:todo", {}),
            ("credits:registration-progress", {}),
            ("credits:spotchecks", {}),
            ("credits:spotcheck-create", {}),
            ("credits:spotcheck-detail", {"pk": "spot_check"}),
            ("credits:sanctions", {}),
            ("credits:sanction-create", {}),
            ("credits:sanction-revoke", {"pk": "sanction"}),
            ("certificates:issues", {}),
            ("certificates:issue-revoke", {"pk": "issue"}),
            ("certificates:query", {}),
            ("certificates:query-person", {"pk": "person"}),
            ("certificates:batch-query", {}),
            ("certificates:seals", {}),
            ("certificates:seal-apply", {}),
            ("certificates:seal-detail", {"pk": "pds_seal"}),
            ("plans:plan-queue", {}),
            ("plans:rule-queue", {}),
            ("bulletin:notice-manage", {}),
            ("bulletin:notice-create", {}),
            ("bulletin:notice-edit", {"pk": "pds_notice"}),
            ("bulletin:notice-withdraw", {"pk": "pds_notice"}),
            ("bulletin:contact-edit", {}),
            ("orgtree:deadlines", {}),
            ("orgtree:deadline-add", {}),
            ("orgtree:deadline-edit", {"pk": "deadline"}),
            ("orgtree:deadline-delete", {"pk": "deadline"}),
            ("orgtree:deadline-exceptions", {}),
            ("orgtree:deadline-exception-grant", {}),
            ("accounts:deadline-exception-grant", {}),
        ],
    ),
    "province": (
        "hrss_province",
        [
            ("home", {}),
            ("credits:requirements", {}),
            ("credits:requirement-create", {}),
            ("credits:requirement-edit", {"pk": "requirement"}),
            ("credits:api-tokens", {}),
            ("credits:api-token-create", {}),
            ("credits:api-token-revoke", {"pk": "token"}),
            ("credits:nightly-checks", {}),
            ("certificates:seals", {}),
        ],
    ),
    "institution": (
        "inst_pds_base",
        [
            ("home", {}),
            ("credits:programmes", {}),
            ("credits:programme-create", {}),
            ("credits:programme-edit", {"pk": "programme"}),
            ("credits:imports", {}),
            ("credits:import-create", {"kind": ImportBatch.Kind.INSTITUTION}),
        ],
    ),
}

# What a role's session holds before the walk (a value names one of objects_build()'s): a
# visitor who has just registered a person and a unit sees their done pages.
SESSIONS = {
    "anonymous": {REGISTERED_SESSION_KEY: "registration", ORG_REGISTERED_SESSION_KEY: "pending_org"}
}


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    url: str
    status: int
    html: str

    def __str__(self) -> str:
        return f"{self.role} {self.url} ({self.name})"


def fetch_all(objects: dict) -> list[Page]:
    fetched = []
    for role, (username, role_pages) in ROLES.items():
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        if SESSIONS.get(role):
            session = client.session
            session.update({key: objects[name] for key, name in SESSIONS[role].items()})
            session.save()
        for name, arguments in role_pages:
            kwargs = {key: objects.get(value, value) for key, value in arguments.items()}
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            fetched.append(Page(role, name, url, response.status_code, response.content.decode()))
    return fetched


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker, tmp_path_factory) -> list[Page]:
    """Every page of ROLES, fetched once over the demo, which is committed and flushed at the
    end (the other modules expect an empty database)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        SHARED_TREE.arrange(wanted=False)  # the demo builds a province of its own
        try:
            call_command("load_demo", stdout=io.StringIO(), verbosity=0)
            yield fetch_all(objects_build())
        finally:
            call_command("flush", "--noinput", verbosity=0)


def title_of(page: Page) -> str:
    return " ".join((read(page.html).title or "").split())


def test_every_page_of_the_walk_answers(pages):
    assert len(pages) == sum(len(role_pages) for _, role_pages in ROLES.values())
    assert [str(page) for page in pages if page.status != 200] == []


def test_every_form_field_has_a_label(pages):
    faults = [f"{page}: {field}" for page in pages for field in read(page.html).unlabelled()]
    assert faults == [], "\n".join(faults)
    # The walk reaches real forms: the declaration form has a field per parameter.
    form = next(page for page in pages if page.name == "credits:declaration-create")
    assert len(read(form.html).fields) >= 20


def test_every_page_title_names_the_page(pages):
    """'<the page> - <the site>'; the visitor's home page alone is titled by the site's name,
    being the site's front page."""
    site = Site.objects.get_current().name
    faults = []
    for page in pages:
        title = title_of(page)
        if page.role == "anonymous" and page.name == "home":
            if title != site:
                faults.append(f"{page}: {title!r}")
            continue
        own = title.removesuffix(f" - {site}")
        if own == title or not own.strip() or site in own:
            faults.append(f"{page}: {title!r}")
    assert faults == [], "\n".join(faults)


def test_no_two_pages_share_a_title(pages):
    """Two roles opening the same URL see the same page; different URLs, different titles."""
    urls_of = defaultdict(set)
    for page in pages:
        urls_of[title_of(page)].add(page.url)
    assert {title: sorted(urls) for title, urls in urls_of.items() if len(urls) > 1} == {}


def test_the_reader_tells_labelled_fields_from_unlabelled_ones():
    html = (
        '<label for="a">甲</label><input id="a" name="a">'
        '<label>乙 <select name="b"></select></label>'
        '<input name="c" aria-label="丙"><span id="d-name">丁</span>'
        '<textarea name="d" aria-labelledby="d-name"></textarea>'
        '<input type="hidden" name="csrf"><button type="submit">提交</button>'
        '<label for="elsewhere">戊</label><input id="e" name="e">'
        '<input name="f" aria-labelledby="missing"><select name="g"></select>'
    )
    assert read(html).unlabelled() == [
        "<input name='e' id='e'>",
        "<input name='f' id=''>",
        "<select name='g' id=''>",
    ]
