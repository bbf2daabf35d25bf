"""A generated province for the benchmark: Henan's offices, departments, units, people, five
years of declarations and everything that follows from them, at ``scale`` × the real sizes
(SCALE 1.0 = 1,000,000 people, 5,000,000 declarations, 50,000 units, 2,000 departments).

The tree goes through the project's bulk loader (``orgs_bulk_load``: one rebuild). People go in
with COPY from Python (their ID numbers need GB 11643 check digits); everything that derives
from them (declarations, review events, person-years, certificate issues, audit rows) is one
INSERT ... SELECT each, with the big tables' indexes and unique constraints dropped during the
load and rebuilt after it, and foreign-key triggers off (the rows are consistent by
construction). PostgreSQL only.
"""

import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.services.certificate_numbers import cert_prefix
from certificates.models import Seal
from certificates.seal_art import seal_svg
from certificates.services.seals import seal_text_default
from credits.services.statistics_rollups import rollups_rebuild
from orgtree.codes import credit_code_check_character
from orgtree.models import Org, Region
from orgtree.roles import MANAGE_PERMISSION, is_issuing_office
from orgtree.services import orgs_bulk_load
from portal.ids import with_check_character
from portal.reference import reference_load_all

from ..cert import GIVEN, SURNAMES
from .db import (
    bulk_load,
    certificate_hashes,
    copy,
    counts,
    execute,
    log,
    next_id,
    permission_id,
    sequence_reset,
)
from .handles import PASSWORD, meta_set
from .sql import DERIVED

YEARS = (2022, 2023, 2024, 2025, 2026)
CURRENT_YEAR = YEARS[-1]
PEOPLE, DECLARATIONS_PER_PERSON, UNITS, DEPARTMENTS = 1_000_000, len(YEARS), 50_000, 2_000
PENDING_SHARE = 0.01  # registrations not yet approved by their unit
DIRECT_UNIT_SHARE = 0.2  # units with no 主管部门, directly under an HRSS office
NULL = "\\N"  # COPY's text format
SURNAME_SKEW = 1.73

DEPARTMENT_KINDS = (
    "教育局", "卫生健康委员会", "农业农村局", "自然资源和规划局", "住房和城乡建设局",
    "工业和信息化局", "交通运输局", "水利局", "科学技术局", "文化广电和旅游局", "生态环境局",
    "市场监督管理局", "林业局", "统计局", "审计局", "民政局", "应急管理局", "广播电视台",
)  # fmt: skip
UNIT_KINDS = (
    "第{n}人民医院", "第{n}高级中学", "第{n}初级中学", "第{n}实验小学", "中医院", "妇幼保健院",
    "疾病预防控制中心", "农业技术推广中心", "水利勘测设计院", "建筑设计研究院", "职业技术学校",
    "畜牧兽医站", "气象服务中心", "广播电视台", "图书馆", "林业技术推广站", "城乡规划设计院",
    "第{n}中学", "人民医院分院第{n}门诊部", "机械研究所第{n}研究室",
)  # fmt: skip
INDUSTRIES = ("教育", "卫生", "农业", "工程", "科研", "文化", "经济", "林业", "水利")


@dataclass
class Node:
    org: Org
    office: Org  # the HRSS office the node belongs to
    department: Org | None = None
    people: int = 0
    children: list = field(default_factory=list)


def _approved_org(kind: str, name: str, parent: Org, office: Org, serial: int) -> Org:
    """An approved org in ``office``'s region, named after it, with a unique credit code."""
    return Org(
        kind=kind,
        name=f"{office.region.full_name}{name}"[:100],
        parent=parent,
        region=office.region,
        status=Org.Status.APPROVED,
        credit_code=_credit_code(office.region_id, serial),
    )


def _credit_code(region_code: str, serial: int) -> str:
    first17 = f"12{region_code}MB{serial:07d}"
    return first17 + credit_code_check_character(first17)


class Province:
    """The generator. ``run()`` fills an empty, migrated database."""

    def __init__(self, scale: float, *, write: Callable[[str], None] = print, seed: int = 13):
        self.scale = scale
        self.write = write
        self.rng = random.Random(seed)
        self.people = max(500, round(PEOPLE * scale))
        self.units = max(40, round(UNITS * scale))
        self.departments = max(12, round(DEPARTMENTS * scale))

    # --- The tree --------------------------------------------------------------------------

    def _offices(self) -> list[Org]:
        return list(
            Org.objects.filter(kind=Org.Kind.HRSS, status=Org.Status.APPROVED)
            .select_related("region")
            .order_by("region_id")
        )

    def _tree(self) -> tuple[list[Org], list[Node], list[Node]]:
        offices = self._offices()
        # Departments: the province holds about 6 %, the cities a third, the counties the rest.
        weights = [
            {"province": 60.0, "city": 18.0}.get(office.region.level, 4.0) for office in offices
        ]
        serial = 0
        departments: list[Node] = []
        per_office: dict[int, int] = {}
        for office in self.rng.choices(offices, weights=weights, k=self.departments):
            count = per_office[office.pk] = per_office.get(office.pk, 0) + 1
            kind = DEPARTMENT_KINDS[(count - 1) % len(DEPARTMENT_KINDS)]
            suffix = "" if count <= len(DEPARTMENT_KINDS) else f"（{count}）"
            serial += 1
            org = _approved_org(Org.Kind.DEPARTMENT, f"{kind}{suffix}", office, office, serial)
            org.industry = INDUSTRIES[count % len(INDUSTRIES)]
            departments.append(Node(org, office))
        units: list[Node] = []
        office_weights = [1.0 if office.region.level == "county" else 3.0 for office in offices]
        for index in range(self.units):
            if self.rng.random() < DIRECT_UNIT_SHARE:
                office = self.rng.choices(offices, weights=office_weights)[0]
                parent, department = office, None
            else:
                department_node = self.rng.choice(departments)
                office, parent = department_node.office, department_node.org
                department = department_node.org
            kind = UNIT_KINDS[index % len(UNIT_KINDS)].format(n=index // len(UNIT_KINDS) + 1)
            serial += 1
            org = _approved_org(Org.Kind.UNIT, kind, parent, office, serial)
            org.industry = INDUSTRIES[index % len(INDUSTRIES)]
            units.append(Node(org, office, department))
        return offices, departments, units

    @transaction.atomic
    def _orgs(self) -> tuple[list[Org], list[Node], list[Node]]:
        offices, departments, units = self._tree()
        now = timezone.now()
        for node in (*departments, *units):
            node.org.created_at = node.org.decided_at = now
        orgs_bulk_load(orgs=[node.org for node in (*departments, *units)])
        # The loader computes paths in the database; people and declarations copy them.
        paths = dict(Org.objects.values_list("pk", "path"))
        for node in (*departments, *units):
            node.org.path = paths[node.org.pk]
        return offices, departments, units

    # --- Seals, admins --------------------------------------------------------------------

    def _seals(self, offices: list[Org]) -> None:
        now = timezone.now()
        Seal.objects.bulk_create(
            Seal(
                office=office,
                version=1,
                text=seal_text_default(office),
                source=Seal.Source.GENERATED,
                svg=seal_svg(seal_text_default(office)),
                status=Seal.Status.APPROVED,
                applied_at=now,
                decided_at=now,
            )
            for office in offices
            # Only the offices that issue hold a seal (管理办法 第十二条).
            if is_issuing_office(office)
            and not Seal.objects.filter(office=office, status=Seal.Status.APPROVED).exists()
        )

    def _admins(self, orgs: list[Org], password: str) -> dict[int, int]:
        """One admin per org (username ``a<org id>``), with the manage role: {org id: user id}."""
        first = next_id("accounts_user")
        now = timezone.now().isoformat()
        users, admins, roles = io.StringIO(), io.StringIO(), io.StringIO()
        content_type = ContentType.objects.get_for_model(Org).pk
        permission = permission_id(MANAGE_PERMISSION)
        by_org = {}
        for offset, org in enumerate(orgs):
            user_id = first + offset
            by_org[org.pk] = user_id
            name = self._name()
            users.write(
                f"{user_id}\t{password}\tf\ta{org.pk}\t\t\t\tf\tt\t{now}\t{name}\t{NULL}\t"
                f"{self._phone()}\n"
            )
            admins.write(
                f"{name}\tm\t人事科\t科长\t{self._phone()}\t\t\t\t{org.name[:100]}\tt\t{now}\t"
                f"{org.pk}\t{user_id}\n"
            )
            roles.write(f"{org.pk}\t{content_type}\t{permission}\t{user_id}\n")
        copy(
            "accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, name, id_number, phone)",
            users,
        )
        copy(
            "orgtree_orgadmin (name, gender, department, post, phone, fax, email, postcode, "
            "address, active, created_at, org_id, user_id)",
            admins,
        )
        copy(
            "guardian_userobjectpermission (object_pk, content_type_id, permission_id, user_id)",
            roles,
        )
        sequence_reset("accounts_user")
        return by_org

    def _name(self) -> str:
        # The list is in order of frequency; this skew gives the first (王) about 7 % of the
        # people and the first five about a fifth, near the census.
        surname = SURNAMES[int(len(SURNAMES) * self.rng.random() ** SURNAME_SKEW)]
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return surname + given

    def _phone(self) -> str:
        return f"13{self.rng.randrange(10**9):09d}"

    # --- People ---------------------------------------------------------------------------

    def _people(self, units: list[Node], unit_admins: dict[int, int], password: str) -> None:
        user_id = next_id("accounts_user")
        person_id = next_id("accounts_person")
        # Unit sizes are skewed: a few hospitals and schools hold hundreds, most units a few.
        weights = [self.rng.paretovariate(1.5) for _ in units]
        chosen = self.rng.choices(range(len(units)), weights=weights, k=self.people)
        serials: dict[str, int] = {}
        born = date(1962, 1, 1)
        joined = timezone.make_aware(datetime(2021, 3, 1, 9))
        levels = ("junior", "intermediate", "intermediate", "associate_senior", "senior")
        users, persons = io.StringIO(), io.StringIO()
        for index, unit_index in enumerate(chosen):
            node = units[unit_index]
            unit = node.org
            birth = born + timedelta(days=(index * 7919) % 14600)
            first17 = f"{unit.region_id}{birth:%Y%m%d}{(index // 14600) % 1000:03d}"
            number = with_check_character(first17)
            gender = "m" if int(number[16]) % 2 else "f"
            pending = self.rng.random() < PENDING_SHARE
            created = joined + timedelta(minutes=index % 500_000)
            if pending:
                cert_no, status, decided, decider = NULL, "pending", NULL, NULL
            else:
                prefix = cert_prefix(unit.region_id)
                serials[prefix] = serials.get(prefix, 0) + 1
                cert_no = f"{prefix}{serials[prefix]:07d}"
                status, decided = "approved", (created + timedelta(days=2)).isoformat()
                decider = unit_admins[unit.pk]
            users.write(
                f"{user_id + index}\t{password}\tf\t{number}\t\t\t\tf\tt\t{created.isoformat()}\t"
                f"{self._name()}\t{number}\t{self._phone()}\n"
            )
            persons.write(
                f"{person_id + index}\t{unit.path}\t{levels[index % len(levels)]}\t{gender}\t"
                f"{birth}\t{cert_no}\t\t{status}\t\t{created.isoformat()}\t{decided}\t{decider}\t"
                f"{unit.region_id}\t{unit.pk}\t{user_id + index}\n"
            )
            node.people += 1
            if index % 200_000 == 199_999:  # keep the buffers small at full scale
                self._people_flush(users, persons)
                users, persons = io.StringIO(), io.StringIO()
        self._people_flush(users, persons)
        sequence_reset("accounts_user")
        sequence_reset("accounts_person")
        execute(
            "INSERT INTO accounts_certificatecounter (prefix, last_serial) "
            "SELECT left(cert_no, 6), max(right(cert_no, 7)::int) FROM accounts_person "
            "WHERE cert_no IS NOT NULL GROUP BY 1 "
            "ON CONFLICT (prefix) DO UPDATE SET last_serial = EXCLUDED.last_serial"
        )

    @staticmethod
    def _people_flush(users: io.StringIO, persons: io.StringIO) -> None:
        copy(
            "accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, name, id_number, phone)",
            users,
        )
        copy(
            "accounts_person (id, org_path, title_level, gender, birth_date, cert_no, "
            "legacy_cert_no, status, reject_reason, created_at, decided_at, decided_by_id, "
            "region_id, unit_id, user_id)",
            persons,
        )

    # --- What follows from the people, in SQL -----------------------------------------------

    def _unit_table(self, units: list[Node], admins: dict[int, int]) -> None:
        execute(
            "CREATE UNLOGGED TABLE bench_unit (unit_id bigint PRIMARY KEY, dept_id bigint, "
            "office_id bigint, unit_admin bigint, dept_admin bigint, office_admin bigint, "
            "issuer_id bigint)"
        )
        # The office whose seal the unit's certificates carry: its own office, or for an
        # ordinary county or zone the nearest issuing office above it (the city).
        offices = {office.pk: office for office in self._offices()}

        def issuer(office: Org) -> int:
            while not is_issuing_office(office):
                office = offices[office.parent_id]
            return office.pk

        rows = io.StringIO()
        for node in units:
            department = node.department.pk if node.department else None
            dept_admin = admins[department] if department else NULL
            rows.write(
                f"{node.org.pk}\t{department or NULL}\t{node.office.pk}\t{admins[node.org.pk]}\t"
                f"{dept_admin}\t{admins[node.office.pk]}\t{issuer(node.office)}\n"
            )
        copy(
            "bench_unit (unit_id, dept_id, office_id, unit_admin, dept_admin, office_admin, "
            "issuer_id)",
            rows,
        )

    def _derived(self) -> None:
        for label, sql in DERIVED:
            started = time.perf_counter()
            count = execute(sql, {"current": CURRENT_YEAR, "first": YEARS[0]})
            self.write(f"  {label}: {count:,} rows, {time.perf_counter() - started:.1f} s")

    # --- Handles ----------------------------------------------------------------------------

    def _handles(self, offices, departments, units, admins) -> dict:
        def biggest(nodes, key):
            totals: dict[int, int] = {}
            for node in units:
                for pk in key(node):
                    totals[pk] = totals.get(pk, 0) + node.people
            return max(nodes, key=lambda org: totals.get(org.pk, 0))

        province = next(org for org in offices if org.region.level == Region.Level.PROVINCE)
        cities = [org for org in offices if org.region.level == Region.Level.CITY]
        city = biggest(cities, lambda node: [node.office.parent_id, node.office.pk])
        counties = [org for org in offices if org.parent_id == city.pk]
        county = biggest(counties, lambda node: [node.office.pk])
        in_county = [node.org for node in departments if node.office.pk == county.pk]
        department = biggest(
            in_county, lambda node: [node.department.pk] if node.department else []
        )
        # A unit of about the mean size, under that department.
        mean = max(1, round(self.people / self.units))
        mine = [node for node in units if node.department and node.department.pk == department.pk]
        unit = min(mine, key=lambda node: abs(node.people - mean) + (node.people == 0) * 10**6)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, u.username FROM accounts_person p JOIN accounts_user u "
                "ON u.id = p.user_id WHERE p.unit_id = %s AND p.status = 'approved' "
                "ORDER BY p.id LIMIT 1",
                [unit.org.pk],
            )
            person_id, username = cursor.fetchone()
        chosen = {
            "province": province,
            "city": city,
            "county": county,
            "department": department,
            "unit": unit.org,
        }
        return {
            "scale": self.scale,
            "current_year": CURRENT_YEAR,
            "years": list(YEARS),
            "password": PASSWORD,
            "admins": {
                role: {"username": f"a{org.pk}", "org_id": org.pk, "user_id": admins[org.pk]}
                for role, org in chosen.items()
            },
            "professional": {"username": username, "person_id": person_id},
            "counts": counts(),
        }

    # --- Run --------------------------------------------------------------------------------

    def run(self) -> dict:
        if connection.vendor != "postgresql":
            raise RuntimeError("the province generator needs PostgreSQL")
        write = self.write
        total = time.perf_counter()
        execute("SET synchronous_commit = off")
        execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        reference_load_all()  # regions, an HRSS office each, the annual requirements
        log(write, "reference data / 参考数据", started)
        started = time.perf_counter()
        offices, departments, units = self._orgs()
        log(write, f"tree / 机构树 ({len(departments):,} 主管部门, {len(units):,} 单位)", started)
        started = time.perf_counter()
        self._seals(offices)
        password = make_password(PASSWORD)
        orgs = [*offices, *(node.org for node in departments), *(node.org for node in units)]
        admins = self._admins(orgs, password)
        log(write, f"seals and admins / 印章与管理员 ({len(orgs):,})", started)
        with bulk_load(write):
            started = time.perf_counter()
            self._people(units, admins, password)
            log(write, f"people / 人员 ({self.people:,})", started)
            self._unit_table(units, admins)
            self._derived()
            started = time.perf_counter()
            certificate_hashes()
            log(write, "certificate digests / 证书摘要", started)
        execute("DROP TABLE bench_unit")
        started = time.perf_counter()
        # The offices' and departments' rollups, by the portal's own rebuild (set-based, over
        # the unit rows just loaded and indexed).
        with transaction.atomic():
            for year in YEARS:
                rollups_rebuild(year=year)
        log(write, "statistics rollups / 汇总统计", started)
        started = time.perf_counter()
        # As autovacuum leaves a live database: statistics, and the visibility map that lets
        # the queue's counts read the indexes alone.
        execute("VACUUM (ANALYZE)")
        log(write, "vacuum and analyze", started)
        handles = self._handles(offices, departments, units, admins)
        meta_set("handles", handles)
        write(f"  generated in {time.perf_counter() - total:.0f} s / 生成耗时")
        return handles
