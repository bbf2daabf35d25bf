"""Demo notices and a demo 联系我们, made through the services by the demo's HRSS admins
(accounts' demo, loaded first). Idempotent: a notice is known by its office and title, and the
contact is written only when 平顶山's office has none."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from orgtree.roles import hrss_offices

from .models import Notice, OfficeContact
from .services import notice_create, notice_publish, office_contact_save


def _notices(year: int) -> list[tuple[str, dict]]:
    return [
        (
            "hrss_province",
            {
                "category": Notice.Category.GUIDE,
                "title": f"{year}年度全省专业技术人员公需科目学习指南",
                "is_public": True,
                "body": (
                    f"全省专业技术人员：\n\n{year}年度公需科目学习即日开始。专业技术人员每年应完成的"
                    "公需科目学时，以本平台“我的学时”页面显示的应完成学时为准。\n\n"
                    "学习平台自动登记或统一上传的公需科目学时，本人无需再上传证明材料；其他公需科目"
                    "学习请按年度申报并上传学习平台出具的学习证明。\n\n"
                    "申报和审核的具体办法见本平台“帮助中心”。"
                ),
            },
        ),
        (
            "hrss_province",
            {
                "category": Notice.Category.NOTICE,
                "title": f"关于做好{year}年度专业技术人员继续教育学时审核备案工作的通知",
                "is_public": False,
                "body": (
                    "各省辖市、省直管县（市）人力资源社会保障局，省直各单位：\n\n"
                    "请各用人单位、主管部门及时审核本单位专业技术人员申报的继续教育学时，人社部门"
                    "按“同级备案”的要求办理备案，对退回的申报写明原因。\n\n"
                    "各级人社部门可通过“待办事项”和“统计分析”掌握本地区的审核进度。"
                ),
            },
        ),
        (
            "hrss_pds",
            {
                "category": Notice.Category.NOTICE,
                "title": f"平顶山市{year}年度电子证书打印说明",
                "is_public": False,
                "body": (
                    "全市专业技术人员：\n\n学时备案后，可在本平台“电子证书”页按年度打印或合并打印"
                    "多个年度的电子证书，证书加盖平顶山市专业技术人员继续教育专用章。\n\n"
                    "证书可扫描二维码查验真伪。"
                ),
            },
        ),
    ]


PDS_CONTACT = {
    "department": "专业技术人员管理科",
    "phone": "0375-2345678",
    "address": "平顶山市新华区（演示地址）",
    "office_hours": "工作日 上午 8:30—12:00，下午 15:00—18:00",
    "note": "演示数据：请平顶山市人社局管理员在“联系我们”中改为实际的联系方式。",
}


def _admin(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def bulletin_demo_ensure() -> None:
    year = timezone.localdate().year
    for username, fields in _notices(year):
        admin = _admin(username)
        if admin is None or not hrss_offices(admin):
            continue
        office = hrss_offices(admin)[0]
        if Notice.objects.filter(office=office, title=fields["title"]).exists():
            continue
        notice = notice_create(actor=admin, office_id=office.pk, **fields)
        notice_publish(actor=admin, notice_id=notice.pk)
    admin = _admin("hrss_pds")
    offices = hrss_offices(admin) if admin is not None else ()
    if offices and not OfficeContact.objects.filter(office=offices[0]).exists():
        office_contact_save(actor=admin, office_id=offices[0].pk, **PDS_CONTACT)
