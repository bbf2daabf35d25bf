"""Every role's home page and review screen at 1366 × 768 and on a 390 × 844 phone: nothing
scrolls sideways and every action button lies inside the screen (by its bounding box). The
run also takes the screenshots in docs/screenshots/, so that the README's pictures stay
current."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Person
from credits.models import ReviewStatus
from orgtree.models import Org
from tests.browser.conftest import PHONE
from tests.credits.views_support import declaration
from tests.factories import make_org, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": PHONE}
LONG_UNIT = "平顶山市卫生健康委员会直属第一人民医院（平顶山市红十字会医院）新城区分院"
LONG_TITLE = "2026年河南省卫生健康系统专业技术人员高级研修班（心血管疾病诊疗新进展与临床实践）"
# username -> what the screenshots call the role; None: no review screen for the role.
ROLES = {
    "demo": ("professional", False),
    "unit_pds_hospital1": ("unit-admin", True),
    "dept_pds_health": ("department-admin", True),
    "hrss_pds": ("city-hrss-admin", True),
    "hrss_xinhua": ("county-hrss-admin", True),
    "hrss_province": ("province-hrss-admin", True),
    "inst_pds_base": ("institution-admin", False),
}
SCREENSHOTS = {
    ("professional", "home"),
    ("unit-admin", "home"),
    ("department-admin", "home"),
    ("city-hrss-admin", "home"),
    ("city-hrss-admin", "review"),
}


@pytest.fixture
def demo(settings, tmp_path):
    """The demo, with a row waiting at every review step: long unit names and titles, as the
    province has them. Each HRSS office files its own level's units (同级人社部门备案), so the
    province's row is a 省直 unit's."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    health = Org.objects.get(name="平顶山市卫生健康委员会")
    long_unit = make_person(make_org("unit", health, name=LONG_UNIT))
    xinhua = make_person(Org.objects.get(name="平顶山市新华区人民医院"))
    province = Org.objects.get(kind="hrss", region_id="410000")
    provincial = make_person(make_org("unit", province, name="河南省人民医院"))
    demo_person = Person.objects.get(user__username="demo")
    now = timezone.now()
    S = ReviewStatus
    for person, status in [
        (long_unit, S.SUBMITTED),
        (demo_person, S.SUBMITTED),
        (long_unit, S.UNIT_APPROVED),
        (long_unit, S.DEPT_APPROVED),
        (xinhua, S.UNIT_APPROVED),
        (provincial, S.UNIT_APPROVED),
    ]:
        declaration(
            person,
            status=status,
            submitted_at=now,
            title=LONG_TITLE,
            has_department=person.unit.parent.kind == "department",
        )


def sideways(page) -> list[str]:
    """What scrolls sideways: the page itself, or a table inside its own frame."""
    return page.evaluate(
        """() => {
          const found = [];
          const root = document.documentElement;
          if (root.scrollWidth > window.innerWidth) found.push(`page ${root.scrollWidth}px`);
          document.querySelectorAll(".table-wrap").forEach((wrap) => {
            if (wrap.scrollWidth > wrap.clientWidth + 1) found.push(`table ${wrap.scrollWidth}px`);
          });
          return found;
        }"""
    )


def outside(page, locator, width: int) -> list[str]:
    """The buttons among ``locator`` that are hidden or reach past the screen's edges."""
    faults = []
    for index in range(locator.count()):
        button = locator.nth(index)
        box = button.bounding_box()
        if not button.is_visible() or box is None:
            faults.append(f"{button.inner_text()!r} hidden")
        elif box["x"] < 0 or box["x"] + box["width"] > width:
            faults.append(
                f"{button.inner_text()!r} at x={box['x']:.0f}..{box['x'] + box['width']:.0f}"
            )
    return faults


def shoot(page, role: str, screen: str, viewport: str) -> None:
    if (role, screen) in SCREENSHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=SHOTS / f"{screen}-{role}-{viewport}.png", full_page=viewport == "phone"
        )


def test_every_role_fits_the_screen_at_both_sizes(demo, open_demo_as):
    faults = []
    for viewport, size in VIEWPORTS.items():
        for username, (role, reviews) in ROLES.items():
            page = open_demo_as(username, size)
            where = f"{role} {viewport}"
            page.goto("/")
            faults += [f"{where} home: {fault}" for fault in sideways(page)]
            actions = page.locator("main .button, main .ws-counts a")
            faults += [f"{where} home: {fault}" for fault in outside(page, actions, size["width"])]
            shoot(page, role, "home", viewport)
            if reviews:
                page.goto("/credits/review/")
                rows = page.get_by_test_id("review-row")
                assert rows.count() >= 1, f"{where}: nothing waits in the review queue"
                faults += [f"{where} review: {fault}" for fault in sideways(page)]
                buttons = page.locator(".rv-row-actions .button")
                assert buttons.count() == 3 * rows.count()
                faults += [
                    f"{where} review: {fault}" for fault in outside(page, buttons, size["width"])
                ]
                shoot(page, role, "review", viewport)
            page.context.close()
    assert faults == []
