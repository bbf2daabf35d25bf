"""What the accessibility walk (tests/portal/test_accessibility.py) reads pages with, and the
objects its pages open: the demo's, and the few kinds the demo has none of."""

import datetime
from html.parser import HTMLParser

from accounts.demo import DEMO_PERSON_ID
from accounts.models import Person, User
from accounts.services import person_register, person_transfer_request
from bulletin.models import Notice
from certificates.models import CertificateIssue, Seal
from credits.demo import DEMO_DECLARATION_TITLE, DEMO_PROGRAMME_TITLE
from credits.intake.tokens import api_token_issue
from credits.models import Declaration, Requirement, TrainingProgramme
from credits.services.checks import spot_check_create
from credits.services.sanctions import sanction_create
from orgtree.models import Org, OrgAdmin
from orgtree.models_calendar import Deadline
from plans.models import ConversionRule, TrainingPlan
from portal.ids import with_check_character
from tests.credits.views_support import declaration, exemption
from tests.factories import make_org

# Inputs that are not form fields a user fills in (a button's name is its text).
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageReader(HTMLParser):
    """A page's title, its form fields (with how each is labelled) and its elements' ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self._in_title = False
        self._labels_open = 0
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.fields: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "title" and self.title is None:
            self._in_title, self.title = True, ""
        elif tag == "label":
            self._labels_open += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            kind = attributes.get("type", "text").lower() if tag == "input" else tag
            if kind not in UNLABELLED_TYPES:
                self.fields.append({"tag": tag, "wrapped": self._labels_open > 0, **attributes})

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._labels_open = max(0, self._labels_open - 1)

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def labelled(self, field: dict) -> bool:
        """A wrapping label, a ``<label for>``, ``aria-label`` or ``aria-labelledby`` naming an
        element of the page."""
        return (
            field["wrapped"]
            or field.get("id", "") in self.label_for
            or bool(field.get("aria-label", "").strip())
            or any(ref in self.ids for ref in field.get("aria-labelledby", "").split())
        )

    def unlabelled(self) -> list[str]:
        return [
            f"<{field['tag']} name={field.get('name', '')!r} id={field.get('id', '')!r}>"
            for field in self.fields
            if not self.labelled(field)
        ]


def read(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def _admin_org(username: str) -> Org:
    return OrgAdmin.objects.select_related("org").get(user__username=username, active=True).org


def objects_build() -> dict:
    """What the walk's URLs and sessions take: the demo's objects, and a draft declaration and
    exemption of 张伟, a person and a unit registering (with what their done pages show), a
    transfer into his hospital, a spot check, a sanction and a platform token, made as the
    services make them."""
    person = Person.objects.get(user__id_number=DEMO_PERSON_ID)
    hospital1 = _admin_org("unit_pds_hospital1")
    pds = _admin_org("hrss_pds")
    city_admin = User.objects.get(username="hrss_pds")
    issue = CertificateIssue.objects.filter(person=person).latest("pk")
    colleague = Person.objects.filter(unit=hospital1, status="approved").exclude(pk=person.pk)
    newcomer = Person.objects.filter(unit=_admin_org("unit_pds_tcm"), status="approved").first()
    transfer = person_transfer_request(person=newcomer, to_unit_id=hospital1.pk, reason="工作调动")
    spot_check = spot_check_create(
        actor=city_admin, year=2024, org_id=pds.pk, method="count", value=1
    )
    sanction = sanction_create(
        actor=city_admin,
        person=colleague.first(),
        reason="伪造培训证书",
        found_on=datetime.date(2024, 3, 15),
    )
    token, _ = api_token_issue(
        actor=city_admin, institution_id=_admin_org("inst_pds_base").pk, name="学习平台"
    )
    registration = person_register(
        id_number=with_check_character("41040219900315101"),
        name="李明",
        phone="13812345678",
        title_level="intermediate",
        region_code=hospital1.region_id,
        unit_id=hospital1.pk,
        password="Henan@2026x",
    )
    return {
        "person": person.pk,
        "hospital1": hospital1.pk,
        "hospital1_admin": OrgAdmin.objects.get(user__username="unit_pds_hospital1").pk,
        "issue": issue.pk,
        "code": issue.code,
        "submitted": Declaration.objects.get(title=DEMO_DECLARATION_TITLE).pk,
        "draft": declaration(person).pk,
        "exemption": exemption(person).pk,
        "pending_person": registration.person.pk,
        "registration": registration.summary,
        "pending_org": make_org("unit", _admin_org("dept_pds_health"), status="pending").pk,
        "transfer": transfer.pk,
        "pds_seal": Seal.objects.filter(office=pds).latest("pk").pk,
        "requirement": Requirement.objects.order_by("pk").first().pk,
        "spot_check": spot_check.pk,
        "sanction": sanction.pk,
        "token": token.pk,
        "programme": TrainingProgramme.objects.get(title=DEMO_PROGRAMME_TITLE).pk,
        "public_notice": Notice.objects.get(is_public=True).pk,
        "pds_notice": Notice.objects.get(office=pds).pk,
        "plan": TrainingPlan.objects.get(org=hospital1).pk,
        "rule": ConversionRule.objects.get().pk,
        "deadline": Deadline.objects.filter(set_by=pds).order_by("pk").first().pk,
    }
