"""The objects of the hostile-value sweep (tests/portal/test_hostile_sweep.py): one of every
kind the pages show, and the URL values that lead each route to them."""

import datetime

from django.utils import timezone

from accounts.services import (
    identity_correction_request,
    person_transfer_request,
    title_change_request,
)
from bulletin.services import notice_attachment_add, notice_create, notice_publish
from certificates.services import certificate_request, issue_render
from credits.intake.programmes import programme_save
from credits.intake.services import import_upload
from credits.intake.tokens import api_token_issue
from credits.models import Requirement, ReviewStatus, SpotCheckItem
from credits.services.checks import spot_check_create
from credits.services.sanctions import sanction_create
from orgtree.models import OrgAdmin
from orgtree.services.calendar import deadline_exception_grant, deadline_save
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
from tests.plans.support import make_plan, make_rule
from tests.portal.sweep_support import Route
from tests.shared_tree import Tree


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
    today = timezone.localdate()
    row = deadline_save(
        actor=tree.admins["pds"],
        office=tree.pds,
        kind="declare",
        year=today.year,
        closes_on=today + datetime.timedelta(days=30),
    )
    granted = deadline_exception_grant(
        actor=tree.admins["pds"],
        kind="declare",
        year=today.year,
        reason="援疆期间未能按时申报",
        expires_on=today + datetime.timedelta(days=30),
        user=person.user,
        unit=tree.hospital1,
    )
    notice = notice_create(
        actor=tree.admins["pds"],
        office_id=tree.pds.pk,
        category="notice",
        title="关于开展继续教育学时申报的通知",
        body="正文",
        is_public=True,
    )
    notice_publish(actor=tree.admins["pds"], notice_id=notice.pk)
    attachment = notice_attachment_add(
        actor=tree.admins["pds"], notice_id=notice.pk, upload=upload("通知.pdf", PDF)
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
            "orgtree:deadline": row.pk,
            "orgtree:deadline-exception": granted.pk,
            "plans:plan": make_plan(tree, status="submitted").pk,
            "plans:rule": make_rule(tree).pk,
            "bulletin:notice": notice.pk,
            "bulletin:notice-attachment": attachment.pk,
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
