"""``manage.py verify_certificate FILE.pdf``: the public PDF check (/v/check/) offline, for an
HRSS office or an auditor holding a certificate file. Prints the verdict in Chinese; the exit
status is 0 only for a genuine certificate in force, 1 for any other verdict and 2 when the
file cannot be read, so scripts can rely on it."""

from django.conf import settings
from django.core.management.base import BaseCommand

from certificates.services import verify_url
from certificates.signing.check import certificate_check
from certificates.verification import statement_facts, too_large_message

EXIT_GENUINE = 0
EXIT_NOT_GENUINE = 1
EXIT_UNREADABLE = 2


def _date_text(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


class Command(BaseCommand):
    help = (
        "检查电子证书 PDF 文件是否由本平台签发、未被修改且现行有效"
        "（退出码：0 真实有效，1 其他结论，2 文件无法读取）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="证书 PDF 文件的路径")

    def handle(self, *args, **options):
        path = options["file"]
        limit = settings.CERT_CHECK_MAX_BYTES
        try:
            with open(path, "rb") as handle:
                # No more than the page accepts: a larger file is no certificate of the portal.
                data = handle.read(limit + 1)
        except FileNotFoundError:
            return self._unreadable(f"找不到文件：{path}")
        except IsADirectoryError:
            return self._unreadable(f"这是一个目录，不是文件：{path}")
        except OSError as exc:
            return self._unreadable(f"无法读取文件：{path}（{exc.strerror or exc}）")
        if len(data) > limit:
            self.stdout.write("核验结论：非本平台签发")
            self.stdout.write(f"说明：{too_large_message()}")
            raise SystemExit(EXIT_NOT_GENUINE)
        check = certificate_check(data)
        for line in self._lines(check):
            self.stdout.write(line)
        raise SystemExit(EXIT_GENUINE if check.genuine else EXIT_NOT_GENUINE)

    def _unreadable(self, message: str):
        self.stderr.write(f"错误：{message}")
        raise SystemExit(EXIT_UNREADABLE)

    @staticmethod
    def _lines(check) -> list[str]:
        lines = [f"核验结论：{check.label}", f"说明：{check.detail}"]
        if check.kid:
            lines += [f"签署机关：{check.signer}", f"签名密钥：{check.kid}"]
        stated = statement_facts(check.statement)
        if stated:
            lines += [
                "签名声明的内容：",
                f"  核验码：{stated['code']}",
                f"  证书管理号：{stated['cert_no'] or '—'}",
                f"  姓名：{stated['name']}",
                f"  出证日期：{_date_text(stated['issued_on'])}",
            ]
            lines += [
                f"  {row['year']} 年度：公需科目 {row['public']} 学时，"
                f"专业科目 {row['professional']} 学时，合计 {row['total']} 学时，{row['result']}"
                for row in stated["years"]
            ]
        if check.issue is not None:
            lines.append(f"核验页面：{verify_url(check.issue.code)}")
        return lines
