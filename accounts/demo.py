"""Demo data for trying the portal after ``make run``: admins at every level, departments,
units (one without a department), a training institution and professionals with certificate
numbers, in 平顶山市 and 漯河市. Everything goes through the real services (audit rows,
certificate numbers). Idempotent: what exists is kept, only what is missing is created.
"""

import random
from dataclasses import dataclass

from django.db import transaction

from orgtree.codes import credit_code_check_character
from orgtree.models import Org
from orgtree.services import org_approve, org_register
from orgtree.services.bootstrap import org_admin_bootstrap
from portal.ids import with_check_character
from portal.reference import reference_load_all

from .models import Person, User
from .services import person_approve, person_register

DEMO_PASSWORD = "Demo@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    login_hint: str = ""


@dataclass(frozen=True)
class DemoOrg:
    key: str
    kind: str
    parent: str  # another DemoOrg's key, or "hrss:<region code>" for an HRSS office
    name: str
    admin: str
    admin_name: str
    industry: str = ""
    serial: int = 0


HRSS_ADMINS = [
    ("410000", "hrss_province", "李红", "省人社厅管理员"),
    ("410400", "hrss_pds", "王芳", "平顶山市人社局管理员"),
    ("410402", "hrss_xinhua", "陈静", "新华区人社局管理员（县级）"),
    ("411100", "hrss_luohe", "刘洋", "漯河市人社局管理员"),
]

ORGS = [
    DemoOrg(
        "pds_health",
        "department",
        "hrss:410400",
        "平顶山市卫生健康委员会",
        "dept_pds_health",
        "赵强",
        "卫生健康",
        1,
    ),
    DemoOrg(
        "pds_edu", "department", "hrss:410400", "平顶山市教育局", "dept_pds_edu", "孙丽", "教育", 2
    ),
    DemoOrg(
        "pds_hospital1",
        "unit",
        "pds_health",
        "平顶山市第一人民医院",
        "unit_pds_hospital1",
        "周敏",
        "卫生健康",
        3,
    ),
    DemoOrg(
        "pds_tcm", "unit", "pds_health", "平顶山市中医医院", "unit_pds_tcm", "吴刚", "卫生健康", 4
    ),
    DemoOrg(
        "pds_school1", "unit", "pds_edu", "平顶山市第一中学", "unit_pds_school1", "郑霞", "教育", 5
    ),
    DemoOrg(
        "pds_civil",
        "unit",
        "hrss:410400",
        "平顶山市人民防空办公室",
        "unit_pds_civil",
        "冯军",
        "公共管理",
        6,
    ),
    DemoOrg(
        "xinhua_hospital",
        "unit",
        "hrss:410402",
        "平顶山市新华区人民医院",
        "unit_xinhua_hospital",
        "褚燕",
        "卫生健康",
        7,
    ),
    DemoOrg(
        "pds_base",
        "institution",
        "hrss:410400",
        "平顶山市专业技术人员继续教育基地",
        "inst_pds_base",
        "卫东",
        "教育培训",
        8,
    ),
    DemoOrg(
        "lh_health",
        "department",
        "hrss:411100",
        "漯河市卫生健康委员会",
        "dept_lh_health",
        "蒋涛",
        "卫生健康",
        9,
    ),
    DemoOrg(
        "lh_edu", "department", "hrss:411100", "漯河市教育局", "dept_lh_edu", "沈梅", "教育", 10
    ),
    DemoOrg(
        "lh_hospital",
        "unit",
        "lh_health",
        "漯河市中心医院",
        "unit_lh_hospital",
        "韩磊",
        "卫生健康",
        11,
    ),
    DemoOrg("lh_school", "unit", "lh_edu", "漯河市高级中学", "unit_lh_school", "杨柳", "教育", 12),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文博",
    "思远",
    "雨桐",
]
# The ID address code of people of units directly under a city: one of its districts.
CITY_ID_PREFIX = {"410400": "410402", "411100": "411102"}


def _filing(name: str, serial: int) -> dict:
    return {
        "name": name,
        "gender": "F" if serial % 2 else "M",
        "department": "人事科",
        "post": "继续教育管理员",
        "phone": f"0375-29{serial:05d}",
        "email": f"admin{serial}@example.gov.cn",
        "postcode": "467000",
        "address": "河南省",
    }


def _credit_code(region_code: str, serial: int) -> str:
    first17 = f"12{region_code}MB{serial:07d}"
    return first17 + credit_code_check_character(first17)


def _hrss(region_code: str) -> Org:
    return Org.objects.get(kind=Org.Kind.HRSS, region_id=region_code, status="approved")


def _admin_user(username: str) -> User:
    return User.objects.get(username=username)


def hrss_admins_ensure() -> None:
    for region_code, username, name, _ in HRSS_ADMINS:
        if not User.objects.filter(username=username).exists():
            org_admin_bootstrap(
                org=_hrss(region_code),
                username=username,
                password=DEMO_PASSWORD,
                filing=_filing(name, int(region_code) % 1000),
            )


def orgs_ensure() -> dict[str, Org]:
    made: dict[str, Org] = {}
    for spec in ORGS:
        if spec.parent.startswith("hrss:"):
            parent = _hrss(spec.parent[5:])
            approver = next(u for code, u, _, _ in HRSS_ADMINS if code == spec.parent[5:])
        else:
            parent = made[spec.parent]
            approver = next(o.admin for o in ORGS if o.key == spec.parent)
        code = _credit_code(parent.region_id, spec.serial)
        org = Org.objects.filter(credit_code=code, status="approved").first()
        if org is None:
            org = org_register(
                kind=spec.kind,
                parent=parent,
                name=spec.name,
                credit_code=code,
                industry=spec.industry,
                address=f"河南省{parent.region.full_name}",
                username=spec.admin,
                password=DEMO_PASSWORD,
                filing=_filing(spec.admin_name, spec.serial),
            )
            org = org_approve(actor=_admin_user(approver), org_id=org.pk)
        made[spec.key] = org
    return made


def _person_ensure(*, unit: Org, admin: str, id_number: str, name: str, title: str) -> Person:
    person = Person.objects.filter(user__id_number=id_number).first()
    if person is not None:
        return person
    registration = person_register(
        id_number=id_number,
        name=name,
        phone=f"139{id_number[-8:-1]}{id_number[-1] if id_number[-1].isdigit() else '0'}",
        title_level=title,
        region_code=unit.region_id,
        unit_id=unit.pk,
        password=DEMO_PASSWORD,
    )
    return person_approve(actor=_admin_user(admin), person_id=registration.person.pk)


def persons_ensure(orgs: dict[str, Org]) -> None:
    titles = [choice for choice, _ in Person.TitleLevel.choices]
    for spec in ORGS:
        if spec.kind != "unit":
            continue
        unit = orgs[spec.key]
        rng = random.Random(spec.key)  # the same people on every run
        prefix = CITY_ID_PREFIX.get(unit.region_id, unit.region_id)
        for index in range(rng.randint(3, 5)):
            birth = f"{rng.randint(1965, 1998)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            number = with_check_character(f"{prefix}{birth}{spec.serial:02d}{index}")
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            _person_ensure(
                unit=unit, admin=spec.admin, id_number=number, name=name, title=rng.choice(titles)
            )


DEMO_PERSON_ID = with_check_character("41040219850312123")


def demo_professional_ensure(orgs: dict[str, Org]) -> None:
    """张伟, who logs in as "demo" (or with his ID number) in 平顶山市第一人民医院."""
    stale = User.objects.filter(username="demo", person__isnull=True).first()
    if stale is not None:
        stale.delete()  # an account from before professionals had a record: recreate it
    _person_ensure(
        unit=orgs["pds_hospital1"],
        admin="unit_pds_hospital1",
        id_number=DEMO_PERSON_ID,
        name="张伟",
        title="intermediate",
    )
    User.objects.filter(id_number=DEMO_PERSON_ID).exclude(username="demo").update(username="demo")


def superuser_ensure() -> None:
    if not User.objects.filter(username="admin").exists():
        user = User(username="admin", name="系统管理员", is_staff=True, is_superuser=True)
        user.set_password(DEMO_PASSWORD)
        user.save()


@transaction.atomic
def demo_data_ensure() -> list[DemoAccount]:
    reference_load_all()
    superuser_ensure()
    hrss_admins_ensure()
    orgs = orgs_ensure()
    persons_ensure(orgs)
    demo_professional_ensure(orgs)
    return demo_accounts()


def demo_accounts() -> list[DemoAccount]:
    accounts = [DemoAccount("admin", "系统管理员", "系统管理员（后台 /admin/）")]
    accounts.append(
        DemoAccount(
            "demo", "张伟", "专业技术人员（平顶山市第一人民医院）", f"或身份证号 {DEMO_PERSON_ID}"
        )
    )
    accounts += [DemoAccount(u, n, role) for _, u, n, role in HRSS_ADMINS]
    kinds = {
        "department": "主管部门管理员",
        "unit": "用人单位管理员",
        "institution": "施教机构管理员",
    }
    accounts += [DemoAccount(o.admin, o.admin_name, f"{kinds[o.kind]}（{o.name}）") for o in ORGS]
    return accounts


def accounts_demo_load() -> list[str]:
    """The demo-loader registry's first loader; its lines, the demo logins, end the output."""
    lines = [f"演示账户（密码均为 {DEMO_PASSWORD}）："]
    for account in demo_data_ensure():
        hint = f"  {account.login_hint}" if account.login_hint else ""
        lines.append(f"  {account.username:<22} {account.name:<4}  {account.role}{hint}")
    return lines
