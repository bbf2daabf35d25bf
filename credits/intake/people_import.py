"""人员批量导入: a unit admin registers the unit's people from a file. The people are approved
by the unit at once and get their 证书管理号 (allocated in bulk under the single approvals'
lock); an ID number registered anywhere already is an error row and is never moved (a move is
a transfer, 人员调动). The accounts have no usable password: nobody can log in as an imported
person until a password is issued to them."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Person, User
from accounts.phones import normalize_mobile
from accounts.services.certificate_numbers import cert_nos_allocate
from orgtree.models import Org
from portal.ids import birth_date_of, gender_of
from portal.services import audit_record
from portal.spreadsheets import Column, Row, TemplateColumn, template_xlsx

from ..models import ImportBatch, ImportRow
from ..selectors import ids_in
from .declarations import ID_NUMBER, NAME
from .kinds import VALID, Committed, IntakeKind, Outcome, duplicate_in_file, register
from .persons import id_number_read

NAME_MAX = User._meta.get_field("name").max_length
LEGACY_MAX = Person._meta.get_field("legacy_cert_no").max_length
TITLE_LEVELS = Person.TitleLevel
IN_THIS_UNIT = "该人员已在本单位注册，无需重复导入。"
ELSEWHERE = "该身份证号已在平台注册（其他单位或待审核），不能导入；如需调入本单位请办理人员调动。"
PEOPLE_COLUMNS = (
    NAME,
    ID_NUMBER,
    Column("phone", ("手机号码", "手机号", "联系电话")),
    Column("title_level", ("职称级别", "职称等级")),
    Column("legacy_cert_no", ("原制式证书管理号", "原证书管理号", "原证书编号"), required=False),
)


@dataclass(frozen=True)
class NewPerson:
    """A valid row, read: what commit creates."""

    id_number: str
    name: str
    phone: str
    title_level: str
    legacy_cert_no: str


def title_level_read(text: str) -> str:
    """A title level by its label (初级...) or its value (junior...); "" when unknown."""
    text = (text or "").strip()
    by_label = {str(label): value for value, label in TITLE_LEVELS.choices}
    return by_label.get(text) or (text if text in TITLE_LEVELS.values else "")


def registered(numbers: Sequence[str]) -> dict[str, tuple[str | None, int | None]]:
    """The ID numbers that already have an account (as its ID number or its user name), with
    the account's registration status and unit, in one query."""
    numbers = sorted({number for number in numbers if number})
    if not numbers:
        return {}
    rows = User.objects.filter(ids_in("id_number", numbers) | ids_in("username", numbers))
    wanted = set(numbers)
    found: dict[str, tuple[str | None, int | None]] = {}
    for id_number, username, status, unit_id in rows.values_list(
        "id_number", "username", "person__status", "person__unit_id"
    ):
        for number in {id_number, username} & wanted:
            found[number] = (status, unit_id)
    return found


@register
class PeopleImport(IntakeKind):
    key = ImportBatch.Kind.PEOPLE
    org_kind = Org.Kind.UNIT
    columns = PEOPLE_COLUMNS
    entry_label = (
        "本单位直接审核通过并分配证书管理号；账户暂无密码，在管理员为其发放密码之前本人无法登录。"
    )
    shows_outcome = False

    def check(self, *, batch, actor, rows, seen) -> list[Outcome]:
        outcomes = [Outcome() for _ in rows]
        numbers = [
            id_number_read(row.values.get("id_number", ""), outcome)
            for row, outcome in zip(rows, outcomes, strict=True)
        ]
        accounts = registered(numbers)
        for row, outcome, number in zip(rows, outcomes, numbers, strict=True):
            new = self._read(row, outcome, number)
            if not number:
                continue
            repeat = duplicate_in_file(seen, number, row.line)
            if repeat:
                outcome.fail(repeat)
            elif number in accounts:
                status, unit_id = accounts[number]
                mine = status == Person.Status.APPROVED and unit_id == batch.org_id
                outcome.fail(IN_THIS_UNIT if mine else ELSEWHERE)
            if outcome.status == VALID:
                outcome.payload = new
        return outcomes

    def _read(self, row: Row, outcome: Outcome, number: str) -> NewPerson | None:
        values = row.values
        name = values.get("name", "").strip()
        if not name:
            outcome.fail("请填写姓名。")
        elif len(name) > NAME_MAX:
            outcome.fail(f"姓名不能超过 {NAME_MAX} 个字。")
        try:
            phone = normalize_mobile(values.get("phone", ""))
        except ValidationError as exc:
            outcome.fail(exc.messages[0])
            phone = ""
        text = values.get("title_level", "")
        title_level = title_level_read(text)
        if not text:
            outcome.fail("请填写职称级别。")
        elif not title_level:
            labels = "、".join(str(label) for label in TITLE_LEVELS.labels)
            outcome.fail(f"未知的职称级别“{text}”，请从下拉列表中选择（{labels}）。")
        legacy = values.get("legacy_cert_no", "").strip()
        if len(legacy) > LEGACY_MAX:
            outcome.fail(f"原制式证书管理号不能超过 {LEGACY_MAX} 个字符。")
        if outcome.status != VALID or not number:
            return None
        return NewPerson(number, name, phone, title_level, legacy)

    def commit(self, *, batch, actor, rows: Sequence[ImportRow]) -> Committed:
        # The unit as it is now (its path moves with the tree, not with the batch).
        unit = Org.objects.get(pk=batch.org_id)
        committed = Committed()
        pending, conflict = list(rows), None
        while True:
            fresh = self._again(batch, actor, pending, committed)
            if conflict is not None and len(fresh) == len(pending):
                # The check finds nobody registered meanwhile: the conflict is not a
                # registration race, and it is not ours to hide.
                raise conflict
            if not fresh:
                return committed
            try:
                with transaction.atomic():
                    self._create(unit=unit, actor=actor, batch=batch, fresh=fresh)
            except IntegrityError as exc:
                # Someone registered one of these numbers between the check and the insert:
                # the savepoint is gone (numbers and all), and the next check finds them.
                conflict, pending = exc, [row for row, _ in fresh]
                continue
            committed.entered.extend(row.pk for row, _ in fresh)
            return committed

    def _again(self, batch, actor, rows: Sequence[ImportRow], committed: Committed):
        """The rows still valid, each with what it creates; the others go to ``committed``."""
        outcomes = self.check(
            batch=batch,
            actor=actor,
            rows=[Row(line=row.line, values=row.values) for row in rows],
            seen={},
        )
        fresh = []
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome.status == VALID:
                fresh.append((row, outcome.payload))
            else:
                committed.errors[row.pk] = "；".join(outcome.errors)
        return fresh

    def _create(self, *, unit: Org, actor, batch: ImportBatch, fresh) -> None:
        now = timezone.now()
        numbers = cert_nos_allocate(region_code=unit.region_id, count=len(fresh))
        users = []
        for _, new in fresh:
            user = User(
                username=new.id_number,
                id_number=new.id_number,
                name=new.name,
                phone=new.phone,
                is_active=True,
            )
            # No password until one is issued to the person: nobody can log in as them.
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users)
        people = [
            Person(
                user=user,
                unit=unit,
                org_path=unit.path,
                region_id=unit.region_id,
                title_level=new.title_level,
                gender=gender_of(new.id_number),
                birth_date=birth_date_of(new.id_number),
                legacy_cert_no=new.legacy_cert_no,
                status=Person.Status.APPROVED,
                decided_at=now,
                decided_by=actor,
                cert_no=number,
            )
            for user, (_, new), number in zip(users, fresh, numbers, strict=True)
        ]
        Person.objects.bulk_create(people)
        audit_record(
            actor=actor,
            action="person.import",
            target=f"import:{batch.pk}",
            org_path=unit.path,
            detail={"count": len(people), "batch": batch.pk},
        )

    def template(self) -> bytes:
        levels = tuple(str(label) for label in TITLE_LEVELS.labels)
        columns = [
            TemplateColumn("姓名", 10, "张三"),
            TemplateColumn("身份证号", 22, "410402198001010014"),
            TemplateColumn("手机号码", 14, "13812345678"),
            TemplateColumn("职称级别", 10, "中级", choices=levels),
            TemplateColumn(
                "原制式证书管理号",
                20,
                "",
                required=False,
                note="纸质继续教育证书上的编号，没有的不填",
            ),
        ]
        instructions = [
            ["人员批量导入填写说明"],
            ["每行一名本单位的专业技术人员。带 * 的列必须填写。"],
            ["导入的人员由本单位直接审核通过，并立即分配证书管理号，无需本人再提交注册申请。"],
            [
                "已在平台注册的身份证号（无论在本单位、其他单位，还是待审核、未通过或已撤回）"
                "都作为错误行，不会导入，也不会把人员从其他单位转到本单位；如需调入本单位，请办理人员调动。"
            ],
            [
                "导入的账户没有密码：在单位管理员为其发放密码之前，本人无法登录平台。"
                "单位管理员可照常为其批量申报学时、打印证书。"
            ],
            ["身份证号、手机号码列须为文本格式，否则 Excel 会丢失末几位数字。"],
            [f"职称级别从下拉列表中选择：{'、'.join(levels)}。"],
            ["同一身份证号在文件中只能出现一次；重复上传同一文件不会重复导入。"],
        ]
        return template_xlsx(title=self.label, columns=columns, instructions=instructions)
