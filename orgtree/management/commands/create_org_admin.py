import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgtree.models import Org
from orgtree.services.bootstrap import org_admin_bootstrap


class Command(BaseCommand):
    help = "Creates the first admin of an HRSS office (e.g. the province: --region 410000)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 410000（省人社厅）")
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", required=True, help="管理员姓名")
        parser.add_argument("--phone", required=True)
        parser.add_argument("--gender", choices=["M", "F"], default="M")
        parser.add_argument("--department", default="专业技术人员管理处")
        parser.add_argument("--post", default="管理员")

    def handle(self, *args, **options):
        org = Org.objects.filter(kind=Org.Kind.HRSS, region_id=options["region"]).first()
        if org is None:
            raise CommandError("没有该地区的人社部门，请先运行 load_reference。")
        password = getpass.getpass("密码：")
        filing = {k: options[k] for k in ("name", "gender", "department", "post", "phone")}
        try:
            org_admin_bootstrap(
                org=org, username=options["username"], password=password, filing=filing
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"已为“{org.name}”创建管理员 {options['username']}。")
