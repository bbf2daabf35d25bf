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
from orgtree.codes import credit_code_check_character
from orgtree.models import Org, Region
from orgtree.reference import reference_load
from orgtree.roles import MANAGE_PERMISSION
from orgtree.services import orgs_bulk_load
from portal.ids import with_check_character

from ..cert import GIVEN, SURNAMES
from .handles import PASSWORD, meta_set

YEARS = (2022, 2023, 2024, 2025, 2026)
CURRENT_YEAR = YEARS[-1]
PEOPLE, DECLARATIONS_PER_PERSON, UNITS, DEPARTMENTS = 1_000_000, len(YEARS), 50_000, 2_000
PENDING_SHARE = 0.01  # registrations not yet approved by their unit
DIRECT_UNIT_SHARE = 0.2  # units with no 主管部门, directly under an HRSS office
NULL = "\\N"  # COPY's text format

# The big tables whose indexes are rebuilt after the load.
BULK_TABLES = (
    "accounts_user",
    "accounts_person",
    "credits_declaration",
    "credits_reviewevent",
    "credits_personyear",
    "certificates_certificateissue",
    "portal_auditlog",
)

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


def _log(write: Callable[[str], None], label: str, started: float) -> None:
    write(f"  {label}: {time.perf_counter() - started:.1f} s")


def _execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


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
            org = Org(
                kind=Org.Kind.DEPARTMENT,
                name=f"{office.region.full_name}{kind}{suffix}"[:100],
                parent=office,
                region=office.region,
                status=Org.Status.APPROVED,
                credit_code=_credit_code(office.region_id, serial),
                industry=INDUSTRIES[count % len(INDUSTRIES)],
            )
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
            org = Org(
                kind=Org.Kind.UNIT,
                name=f"{office.region.full_name}{kind}"[:100],
                parent=parent,
                region=office.region,
                status=Org.Status.APPROVED,
                credit_code=_credit_code(office.region_id, serial),
                industry=INDUSTRIES[index % len(INDUSTRIES)],
            )
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
            if not Seal.objects.filter(office=office, status=Seal.Status.APPROVED).exists()
        )

    def _admins(self, orgs: list[Org], password: str) -> dict[int, int]:
        """One admin per org (username ``a<org id>``), with the manage role: {org id: user id}."""
        first = _next_id("accounts_user")
        now = timezone.now().isoformat()
        users, admins, roles = io.StringIO(), io.StringIO(), io.StringIO()
        content_type = ContentType.objects.get_for_model(Org).pk
        permission = _permission_id(MANAGE_PERMISSION)
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
        _copy(
            "accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, name, id_number, phone)",
            users,
        )
        _copy(
            "orgtree_orgadmin (name, gender, department, post, phone, fax, email, postcode, "
            "address, active, created_at, org_id, user_id)",
            admins,
        )
        _copy(
            "guardian_userobjectpermission (object_pk, content_type_id, permission_id, user_id)",
            roles,
        )
        _sequence_reset("accounts_user")
        return by_org

    def _name(self) -> str:
        # Common surnames first (the list is in order of frequency), one or two given names.
        surname = SURNAMES[min(len(SURNAMES) - 1, int(self.rng.paretovariate(1.2)) - 1)]
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return surname + given

    def _phone(self) -> str:
        return f"13{self.rng.randrange(10**9):09d}"

    # --- People ---------------------------------------------------------------------------

    def _people(self, units: list[Node], unit_admins: dict[int, int], password: str) -> None:
        user_id = _next_id("accounts_user")
        person_id = _next_id("accounts_person")
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
        _sequence_reset("accounts_user")
        _sequence_reset("accounts_person")
        _execute(
            "INSERT INTO accounts_certificatecounter (prefix, last_serial) "
            "SELECT left(cert_no, 6), max(right(cert_no, 7)::int) FROM accounts_person "
            "WHERE cert_no IS NOT NULL GROUP BY 1 "
            "ON CONFLICT (prefix) DO UPDATE SET last_serial = EXCLUDED.last_serial"
        )

    @staticmethod
    def _people_flush(users: io.StringIO, persons: io.StringIO) -> None:
        _copy(
            "accounts_user (id, password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, name, id_number, phone)",
            users,
        )
        _copy(
            "accounts_person (id, org_path, title_level, gender, birth_date, cert_no, "
            "legacy_cert_no, status, reject_reason, created_at, decided_at, decided_by_id, "
            "region_id, unit_id, user_id)",
            persons,
        )

    # --- What follows from the people, in SQL -----------------------------------------------

    def _unit_table(self, units: list[Node], admins: dict[int, int]) -> None:
        _execute(
            "CREATE UNLOGGED TABLE bench_unit (unit_id bigint PRIMARY KEY, dept_id bigint, "
            "office_id bigint, unit_admin bigint, dept_admin bigint, office_admin bigint)"
        )
        rows = io.StringIO()
        for node in units:
            department = node.department.pk if node.department else None
            dept_admin = admins[department] if department else NULL
            rows.write(
                f"{node.org.pk}\t{department or NULL}\t{node.office.pk}\t{admins[node.org.pk]}\t"
                f"{dept_admin}\t{admins[node.office.pk]}\n"
            )
        _copy(
            "bench_unit (unit_id, dept_id, office_id, unit_admin, dept_admin, office_admin)", rows
        )

    def _derived(self) -> None:
        for label, sql in DERIVED:
            started = time.perf_counter()
            count = _execute(sql, {"current": CURRENT_YEAR, "first": YEARS[0]})
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
            "counts": _counts(),
        }

    # --- Run --------------------------------------------------------------------------------

    def run(self) -> dict:
        if connection.vendor != "postgresql":
            raise RuntimeError("the province generator needs PostgreSQL")
        write = self.write
        total = time.perf_counter()
        _execute("SET synchronous_commit = off")
        _execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        reference_load()
        _log(write, "reference data / 参考数据", started)
        started = time.perf_counter()
        offices, departments, units = self._orgs()
        _log(write, f"tree / 机构树 ({len(departments):,} 主管部门, {len(units):,} 单位)", started)
        started = time.perf_counter()
        self._seals(offices)
        password = make_password(PASSWORD)
        orgs = [*offices, *(node.org for node in departments), *(node.org for node in units)]
        admins = self._admins(orgs, password)
        _log(write, f"seals and admins / 印章与管理员 ({len(orgs):,})", started)
        with _bulk_load(write):
            started = time.perf_counter()
            self._people(units, admins, password)
            _log(write, f"people / 人员 ({self.people:,})", started)
            self._unit_table(units, admins)
            self._derived()
        _execute("DROP TABLE bench_unit")
        started = time.perf_counter()
        # As autovacuum leaves a live database: statistics, and the visibility map that lets
        # the queue's counts read the indexes alone.
        _execute("VACUUM (ANALYZE)")
        _log(write, "vacuum and analyze", started)
        handles = self._handles(offices, departments, units, admins)
        meta_set("handles", handles)
        write(f"  generated in {time.perf_counter() - total:.0f} s / 生成耗时")
        return handles


# --- SQL helpers --------------------------------------------------------------------------------


def _copy(target: str, buffer: io.StringIO) -> None:
    data = buffer.getvalue()
    if not data:
        return
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
        copy.write(data.encode("utf-8"))


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _sequence_reset(table: str) -> None:
    _execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"(SELECT coalesce(max(id), 1) FROM {table}))"
    )


def _permission_id(name: str) -> int:
    app_label, codename = name.split(".")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM auth_permission p JOIN django_content_type c "
            "ON c.id = p.content_type_id WHERE c.app_label = %s AND p.codename = %s",
            [app_label, codename],
        )
        return cursor.fetchone()[0]


def _counts() -> dict[str, int]:
    tables = {
        "people": "accounts_person",
        "declarations": "credits_declaration",
        "review_events": "credits_reviewevent",
        "person_years": "credits_personyear",
        "certificate_issues": "certificates_certificateissue",
        "audit_rows": "portal_auditlog",
        "orgs": "orgtree_org",
    }
    with connection.cursor() as cursor:
        counts = {}
        for key, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[key] = cursor.fetchone()[0]
        cursor.execute("SELECT kind, count(*) FROM orgtree_org GROUP BY kind")
        counts.update({f"orgs_{kind}": count for kind, count in cursor.fetchall()})
    return counts


class _bulk_load:
    """Drops the secondary indexes and unique constraints of BULK_TABLES and turns foreign-key
    triggers off for the load; rebuilds both afterwards (also after an error)."""

    def __init__(self, write):
        self.write = write

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = "
                "ANY(%s)",
                [list(BULK_TABLES)],
            )
            self.constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [list(BULK_TABLES)],
            )
            self.indexes = cursor.fetchall()
            for table, name, _ in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            for table, name, definition in self.constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _, definition in self.indexes:
                cursor.execute(definition)
        _log(self.write, f"indexes / 索引 ({len(self.indexes) + len(self.constraints)})", started)


# One declaration per person and year. Past years are mostly filed; the current year is spread
# over the workflow, so every reviewer has a deep queue. ``h`` is a stable per-row hash.
DECLARATIONS = """
INSERT INTO credits_declaration (org_path, year, status, created_at, updated_at, submitted_at,
    subject, category, params, title, organiser, start_date, end_date, description,
    claimed_hours, computed_hours, basis, approved_hours, approved_reason, source, created_by_id,
    person_id, unit_id, has_department)
SELECT p.org_path, s.y, s.status, s.at - interval '1 day', s.at + interval '6 days',
    CASE WHEN s.status = 'draft' THEN NULL ELSE s.at END,
    s.subject, CASE s.subject WHEN 'public' THEN 'public_course' ELSE 'training_activity' END,
    CASE s.subject WHEN 'public' THEN jsonb_build_object('hours', 30)
        ELSE jsonb_build_object('hours', 60, 'organizer_level', 'provincial') END,
    CASE s.subject WHEN 'public' THEN s.y || '年度专业技术人员公需科目网络学习'
        ELSE s.y || '年度' || u.industry || '专业技术人员知识更新培训班' END,
    CASE s.subject WHEN 'public' THEN '河南省专业技术人员公需科目学习平台'
        ELSE '河南省' || u.industry || '行业协会' END,
    make_date(s.y, 1, 1) + (s.h %% 300), make_date(s.y, 1, 1) + (s.h %% 300) + 2, '',
    s.hours, NULL, 'declared',
    CASE WHEN s.status IN ('filed', 'revoked') THEN s.hours END, '', 'self', p.user_id,
    p.id, p.unit_id, b.dept_id IS NOT NULL
FROM accounts_person p
JOIN bench_unit b ON b.unit_id = p.unit_id
JOIN orgtree_org u ON u.id = p.unit_id
CROSS JOIN LATERAL (
    SELECT y, h, subject, hours,
        make_timestamptz(y, 1, 10, 9, 0, 0, 'Asia/Shanghai')
            + make_interval(secs => (p.id * 48271 + y * 7) %% (CASE WHEN y = %(current)s
                THEN 320 ELSE 350 END * 86400)) AS at,
        CASE
            WHEN y < %(current)s THEN CASE
                WHEN h < 950 THEN 'filed' WHEN h < 965 THEN 'returned'
                WHEN h < 975 THEN 'rejected' WHEN h < 990 THEN 'revoked' ELSE 'withdrawn' END
            WHEN h < 300 THEN 'filed'
            WHEN h < 500 THEN CASE WHEN b.dept_id IS NULL THEN 'unit_approved'
                ELSE 'dept_approved' END
            WHEN h < 650 THEN 'unit_approved' WHEN h < 900 THEN 'submitted'
            WHEN h < 950 THEN 'draft' ELSE 'returned' END AS status
    FROM (
        SELECT y, ((p.id * 2654435761 + y * 40503) %% 1000)::int AS h,
            CASE WHEN (p.id + y) %% 2 = 0 THEN 'public' ELSE 'professional' END AS subject,
            CASE WHEN (p.id + y) %% 2 = 0 THEN 30 ELSE 60 END AS hours
        FROM generate_series(%(first)s, %(current)s) AS y
    ) AS years
) AS s
WHERE p.status = 'approved'
"""

# The trail of each declaration, by the admins of its unit, department and HRSS office.
REVIEW_EVENTS = """
INSERT INTO credits_reviewevent (action, from_status, to_status, comment, created_at, actor_id,
    declaration_id)
SELECT e.action, e.from_status, e.to_status, e.comment, d.submitted_at + e.after, e.actor, d.id
FROM credits_declaration d
JOIN bench_unit b ON b.unit_id = d.unit_id
CROSS JOIN LATERAL (VALUES
    ('submit', 'draft', 'submitted', '', interval '0', d.created_by_id, d.status <> 'draft'),
    ('approve', 'submitted', 'unit_approved', '', interval '2 days', b.unit_admin,
        d.status IN ('unit_approved', 'dept_approved', 'filed', 'revoked')),
    ('approve', 'unit_approved', 'dept_approved', '', interval '4 days', b.dept_admin,
        d.has_department AND d.status IN ('dept_approved', 'filed', 'revoked')),
    ('approve', CASE WHEN d.has_department THEN 'dept_approved' ELSE 'unit_approved' END,
        'filed', '', interval '6 days', b.office_admin, d.status IN ('filed', 'revoked')),
    ('return', 'submitted', 'returned', '证明材料不清晰，请重新上传。', interval '2 days',
        b.unit_admin, d.status = 'returned'),
    ('reject', 'submitted', 'rejected', '不属于继续教育内容。', interval '2 days',
        b.unit_admin, d.status = 'rejected'),
    ('withdraw', 'submitted', 'withdrawn', '', interval '1 day', d.created_by_id,
        d.status = 'withdrawn'),
    ('revoke', 'filed', 'revoked', '抽查发现证明材料不实。', interval '40 days',
        b.office_admin, d.status = 'revoked')
) AS e(action, from_status, to_status, comment, after, actor, wanted)
WHERE e.wanted
"""

PERSON_YEARS = """
INSERT INTO credits_personyear (year, org_path, filed_public, filed_professional,
    full_professional, full_year, on_duty_months, required_total, required_public,
    required_professional, completed, updated_at, person_id)
SELECT d.year, d.org_path,
    CASE WHEN d.status = 'filed' AND d.subject = 'public' THEN d.approved_hours ELSE 0 END,
    CASE WHEN d.status = 'filed' AND d.subject = 'professional' THEN d.approved_hours ELSE 0 END,
    false, false, 12, 90, 30, 60, false, d.updated_at, d.person_id
FROM credits_declaration d
"""

# One person in three holds a certificate of the four past years, by their office's seal.
CERTIFICATES = """
WITH holders AS (
    SELECT p.id AS person_id, p.cert_no, p.unit_id, p.decided_at, usr.name, usr.id_number,
        unit.name AS unit_name, s.id AS seal_id, s.office_id, s.version, s.text AS seal_text,
        office.name AS office_name, b.unit_admin,
        (SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ',
            1 + ((p.id * 7 + i * 13 + (random() * 32)::int) %% 32)::int, 1), '')
         FROM generate_series(1, 20 + 0 * p.id) AS i) AS code
    FROM accounts_person p
    JOIN accounts_user usr ON usr.id = p.user_id
    JOIN orgtree_org unit ON unit.id = p.unit_id
    JOIN bench_unit b ON b.unit_id = p.unit_id
    JOIN certificates_seal s ON s.office_id = b.office_id AND s.status = 'approved'
    JOIN orgtree_org office ON office.id = s.office_id
    WHERE p.status = 'approved' AND p.id %% 3 = 0
), years AS (
    SELECT py.person_id, jsonb_agg(jsonb_build_object(
            'year', py.year, 'public', py.filed_public::text,
            'professional', py.filed_professional::text,
            'total', (py.filed_public + py.filed_professional)::text,
            'completed', py.completed) ORDER BY py.year) AS years
    FROM credits_personyear py
    WHERE py.year < %(current)s AND py.person_id %% 3 = 0
    GROUP BY py.person_id
), content AS (
    SELECT h.*, jsonb_build_object(
        'name', h.name,
        'id_masked', left(h.id_number, 3) || repeat('*', 11) || right(h.id_number, 4),
        'cert_no', h.cert_no, 'unit', h.unit_name,
        'first_year', %(first)s, 'last_year', %(current)s - 1,
        'years', y.years,
        'office', h.office_name,
        'seal', jsonb_build_object('id', h.seal_id, 'version', h.version, 'text', h.seal_text)
    ) AS data
    FROM holders h JOIN years y ON y.person_id = h.person_id
)
INSERT INTO certificates_certificateissue (code, first_year, last_year, snapshot, data_hash,
    status, render_status, render_error, pdf, preview, sha256, size, issued_at, rendered_at,
    office_id, person_id, requested_by_id, seal_id, revoke_reason)
SELECT c.code, %(first)s, %(current)s - 1,
    c.data || jsonb_build_object('code', c.code, 'issued_on', '2026-02-01',
        'issued_label', '2026年2月1日'),
    encode(sha256(convert_to(c.data::text, 'UTF8')), 'hex'), 'valid', 'ready', '', '', '', '', 0,
    timestamptz '2026-02-01 10:00+08' + make_interval(secs => c.person_id %% 86400),
    timestamptz '2026-02-01 10:00+08' + make_interval(secs => c.person_id %% 86400 + 1),
    c.office_id, c.person_id, c.unit_admin, c.seal_id, ''
FROM content c
"""

# What the admins did, as the audit log records it: approvals of registrations, issued
# certificates, and one batch filing per unit and past year.
AUDIT = """
INSERT INTO portal_auditlog (created_at, action, target, org_path, detail, ip, actor_id)
SELECT p.decided_at, 'person.approve', 'person:' || p.id, p.org_path, '{}'::jsonb,
    '10.0.0.1', p.decided_by_id
FROM accounts_person p WHERE p.status = 'approved'
UNION ALL
SELECT i.issued_at, 'certificate.issue', 'certificate:' || i.id, p.org_path,
    jsonb_build_object('person', p.id, 'years', i.first_year || '-' || i.last_year),
    '10.0.0.2', i.requested_by_id
FROM certificates_certificateissue i JOIN accounts_person p ON p.id = i.person_id
UNION ALL
SELECT make_timestamptz(y, 12, 20, 15, 0, 0, 'Asia/Shanghai'), 'declaration.batch_approve',
    'org:' || b.unit_id, u.path, jsonb_build_object('count', 20, 'comment', ''), '10.0.0.3',
    b.office_admin
FROM bench_unit b JOIN orgtree_org u ON u.id = b.unit_id
CROSS JOIN generate_series(%(first)s, %(current)s - 1) AS y
"""

DERIVED = (
    ("declarations / 学时申报", DECLARATIONS),
    ("review events / 审核记录", REVIEW_EVENTS),
    ("person-years / 年度汇总", PERSON_YEARS),
    ("certificate issues / 证书", CERTIFICATES),
    ("audit rows / 审计日志", AUDIT),
)
