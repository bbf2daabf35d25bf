import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, ORGS
from accounts.models import Person, User
from orgtree.models import Org, OrgAdmin
from orgtree.selectors import scope_paths
from portal.ids import is_valid_id_number
from portal.models import AuditLog
from portal.settings.base import PASSWORD_HASHERS
from tests.shared_tree import SHARED_TREE


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module (argon2 makes each load take seconds), into
    the empty database it expects, with the production hasher the tests below check."""
    with django_db_blocker.unblock():
        SHARED_TREE.arrange(wanted=False)
        out = io.StringIO()
        with override_settings(PASSWORD_HASHERS=PASSWORD_HASHERS):
            call_command("load_demo", stdout=out)
        yield out.getvalue()
        call_command("flush", "--noinput", verbosity=0)


@pytest.fixture
def output(demo_db, db):
    return demo_db


def test_demo_has_admins_at_every_level_and_professionals(output):
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    for username in ("hrss_province", "hrss_pds", "hrss_xinhua", "hrss_luohe"):
        assert scope_paths(User.objects.get(username=username)), username
    for spec in ORGS:
        org = Org.objects.get(name=spec.name)
        assert org.status == "approved" and org.kind == spec.kind
        assert OrgAdmin.objects.get(org=org, active=True).user.username == spec.admin
    civil = Org.objects.get(name="平顶山市人民防空办公室")
    assert civil.parent.kind == "hrss"  # the unit without a department
    for unit in Org.objects.filter(kind="unit", name__in=[o.name for o in ORGS]):
        people = Person.objects.filter(unit=unit, status="approved")
        assert 3 <= people.count() <= 6
        for person in people.select_related("user"):
            assert is_valid_id_number(person.user.id_number)
            assert person.cert_no.startswith(unit.region_id) and len(person.cert_no) == 13
    assert DEMO_PASSWORD in output and "hrss_province" in output and "unit_pds_hospital1" in output
    # Progress as each step starts and ends, in order.
    steps = [line for line in output.splitlines() if line.startswith("[")]
    assert steps[0] == "[1/7] 正在载入演示机构与人员…"
    assert steps[1].startswith("[1/7] 演示机构与人员已就绪（") and steps[1].endswith(" 秒）")
    assert steps[-1].startswith("[7/7] 演示统计数据已就绪")


def test_demo_professional_zhang_wei(output):
    demo = User.objects.get(username="demo")
    assert demo.name == "张伟" and demo.is_active and not demo.is_staff
    assert demo.password.startswith("argon2")
    assert demo.person.unit.name == "平顶山市第一人民医院"
    assert demo.person.cert_no.startswith("410400")
    assert demo.id_number in output


def test_load_demo_twice_changes_nothing(output):
    users = dict(User.objects.values_list("username", "password"))
    counts = (Org.objects.count(), Person.objects.count(), AuditLog.objects.count())

    call_command("load_demo", stdout=io.StringIO())

    assert dict(User.objects.values_list("username", "password")) == users
    assert (Org.objects.count(), Person.objects.count(), AuditLog.objects.count()) == counts


def test_demo_user_logs_in_by_username_and_by_id_number(output, client):
    demo = User.objects.get(username="demo")
    assert authenticate(None, username="demo", password=DEMO_PASSWORD) == demo
    assert authenticate(None, username=demo.id_number, password=DEMO_PASSWORD) == demo
    for identifier in ("demo", demo.id_number):
        client.logout()
        response = client.post(
            reverse("accounts:login"),
            {"username": identifier, "password": DEMO_PASSWORD},
            follow=True,
        )
        assert 'data-testid="user-name">张伟<' in response.content.decode()


def test_demo_has_approved_seals_and_a_rendered_merged_certificate(output):
    from certificates.models import CertificateIssue, Seal
    from certificates.selectors import seal_for_unit
    from credits.models import PersonYear

    # Only the issuing offices hold a seal (管理办法 第十二条): 新华区's people get 平顶山's.
    assert set(
        Seal.objects.filter(status=Seal.Status.APPROVED).values_list("office__region_id", flat=True)
    ) == {"410000", "410400", "411100"}
    xinhua_hospital = Org.objects.get(name="平顶山市新华区人民医院")
    assert seal_for_unit(xinhua_hospital).office.region_id == "410400"
    demo = User.objects.get(username="demo").person
    years = dict(PersonYear.objects.filter(person=demo).values_list("year", "completed"))
    assert years == {2021: True, 2022: True, 2023: True, 2024: True, 2025: False}
    issue = CertificateIssue.objects.get(person=demo)
    assert (issue.first_year, issue.last_year) == (2021, 2025)
    assert issue.status == CertificateIssue.Status.VALID
    assert issue.render_status == CertificateIssue.Render.READY
    assert issue.pdf.read().startswith(b"%PDF")


def test_a_county_seal_of_an_older_demo_is_stopped(output):
    """A demo database made before the issuance level gave 新华区's office a seal: loading the
    demo again stops it, and 新华区's people keep getting 平顶山's."""
    from certificates.demo import COUNTY_SEAL_END, seals_ensure
    from certificates.models import Seal
    from certificates.selectors import seal_for_unit

    xinhua = Org.objects.get(kind="hrss", region_id="410402")
    old = Seal.objects.create(
        office=xinhua,
        version=1,
        text="平顶山市新华区专业技术人员继续教育专用章",
        source=Seal.Source.GENERATED,
        status=Seal.Status.APPROVED,
    )
    seals_ensure()
    old.refresh_from_db()
    assert (old.status, old.end_reason) == (Seal.Status.REVOKED, COUNTY_SEAL_END)
    hospital = Org.objects.get(name="平顶山市新华区人民医院")
    assert seal_for_unit(hospital).office.region_id == "410400"


def test_demo_statistics_are_built_for_the_home_pages(output):
    from credits.selectors_statistics import statistics_totals
    from orgtree.models import Org

    health = Org.objects.get(name="平顶山市卫生健康委员会")
    totals = statistics_totals(health, 2024, 2024)
    assert totals.figures.people >= 1
    assert totals.figures.completed >= 1
