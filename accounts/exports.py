"""The people list as an Excel workbook: a pure function of the rows, no request or storage."""

from collections.abc import Iterable

from portal.exports import xlsx_bytes

from .models import Person

PEOPLE_COLUMNS = (
    ("姓名", 12),
    ("性别", 6),
    ("出生日期", 12),
    ("身份证号", 21),
    ("手机号码", 14),
    ("职称级别", 10),
    ("所在单位", 30),
    ("证书管理号", 16),
    ("原制式证书管理号", 18),
    ("状态", 8),
)


def people_workbook(persons: Iterable[Person]) -> tuple[bytes, int]:
    """(the .xlsx bytes, the number of rows written); ``persons`` need user and unit loaded."""
    rows = (
        (
            person.user.name,
            person.get_gender_display(),
            person.birth_date,
            person.user.id_number or "",
            person.user.phone,
            person.get_title_level_display(),
            person.unit.name,
            person.cert_no or "",
            person.legacy_cert_no,
            person.get_status_display(),
        )
        for person in persons
    )
    return xlsx_bytes(
        "专业技术人员",
        [title for title, _ in PEOPLE_COLUMNS],
        rows,
        widths=[width for _, width in PEOPLE_COLUMNS],
    )
