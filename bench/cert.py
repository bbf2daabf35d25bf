"""The certificate rendering benchmark behind ``manage.py bench_cert``.

It renders varied, realistic snapshots in one process, the way a Celery worker does, and never
touches the database: rendering is a pure function. Snapshots are drawn from a seeded generator
so two runs render the same certificates. Each is rendered and signed as ``signed_pdf`` does it
(issue 19): the statement signed into the QR code, then the PAdES signature, by office keys
made in memory under a root made in memory.
"""

import datetime
import random
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from certificates.fonts import COMMON_FAMILY, FULL_FAMILY
from certificates.models import SigningKey
from certificates.rendering import SVG, font_choice, render_document, render_pdf, render_preview
from certificates.seal_art import seal_svg
from certificates.services.issues import CODE_ALPHABET, CODE_LENGTH, verify_url
from certificates.signing.keys import key_row, office_material, root_material
from certificates.signing.pades import pdf_sign
from certificates.signing.statement import statement_payload, statement_sign
from portal.ids import mask_id_number, with_check_character

# Rendering and signing together (issue 19; rendering alone was held to 200 ms).
MAX_MEDIAN_MS = 250
MAX_PDF_KB = 300
PDFA_ROUNDS = 30
PREVIEW_ROUNDS = 20
LABEL_WIDTH = 44

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍建国红梅鹏飞辉丹宇浩凯晨欣雪琳婷"
# Outside GB 2312, so the name needs the full face (fonts.py); about 1 name in 20 has one.
RARE = "堃喆昇𠮷燊珺玥垚甦祎赟彧"
UNITS = (
    "郑州大学第一附属医院",
    "平顶山市第一人民医院",
    "洛阳市第二高级中学",
    "新乡市农业科学院",
    "南阳市中心医院",
    "开封市城乡规划设计研究院",
    "宝丰县人民医院",
    "鹤壁职业技术学院",
    "河南省水利勘测设计研究有限公司",
)
OFFICES = (
    "郑州市人力资源和社会保障局",
    "洛阳市人力资源和社会保障局",
    "平顶山市人力资源和社会保障局",
    "新华区人力资源和社会保障局",
    "河南省人力资源和社会保障厅",
)


@dataclass(frozen=True)
class Sample:
    snapshot: dict
    seal: bytes
    url: str
    family: str


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    if rng.random() < 0.05:
        given = given[:-1] + rng.choice(RARE)
    return rng.choice(SURNAMES) + given


def sample(rng: random.Random, seals: dict[str, bytes]) -> Sample:
    """One certificate: a 1-to-10-year snapshot as ``snapshot_content`` builds it."""
    count = rng.randint(1, 10)
    last = rng.randint(2013 + count - 1, 2024)
    years = []
    for year in range(last - count + 1, last + 1):
        public = rng.choice(("30", "30", "32", "36", "24", "27.5"))
        professional = rng.choice(("60", "60", "64", "72", "45", "58.5"))
        total = f"{float(public) + float(professional):g}"
        completed = float(public) >= 30 and float(total) >= 90
        years.append(
            {
                "year": year,
                "public": public,
                "professional": professional,
                "total": total,
                "completed": completed,
            }
        )
    office = rng.choice(OFFICES)
    seal = seals.setdefault(office, seal_svg(office).encode("utf-8"))
    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    id_number = with_check_character(f"4104{rng.randrange(10**2):02d}19{rng.randrange(10**9):09d}")
    snapshot = {
        "name": _name(rng),
        "id_masked": mask_id_number(id_number),
        "cert_no": f"41{rng.randint(1, 17):02d}{rng.randrange(10**9):09d}",
        "unit": rng.choice(UNITS),
        "first_year": years[0]["year"],
        "last_year": last,
        "years": years,
        "office": office,
        "seal": {"id": OFFICES.index(office) + 1, "version": 1, "text": office},
        "code": code,
        "issued_on": "2025-03-18",
        "issued_label": "2025年3月18日",
    }
    family = font_choice(snapshot, seal.decode("utf-8")).family
    return Sample(snapshot=snapshot, seal=seal, url=verify_url(code), family=family)


def samples(count: int, *, seed: int = 6) -> list[Sample]:
    rng = random.Random(seed)
    seals: dict[str, bytes] = {}
    return [sample(rng, seals) for _ in range(count)]


class Keys:
    """A root and one key per office, in memory only (the benchmark writes no row)."""

    def __init__(self):
        private, certificate = root_material()
        self.root = key_row(role=SigningKey.Role.ROOT, private=private, certificate=certificate)
        self.offices: dict[str, SigningKey] = {}

    def of(self, office: str) -> SigningKey:
        if office not in self.offices:
            private, certificate = office_material(office, self.root)
            self.offices[office] = key_row(
                role=SigningKey.Role.OFFICE, private=private, certificate=certificate
            )
        return self.offices[office]


def render(item: Sample, **options) -> bytes:
    """The unsigned PDF (the PDF/A comparison's subject)."""
    return render_pdf(
        item.snapshot, seal_mime=SVG, seal_data=item.seal, verify_url=item.url, **options
    )


def render_signed(item: Sample, keys: Keys) -> bytes:
    """What a worker does for an issue: sign the statement, render with it, sign the PDF."""
    key = keys.of(item.snapshot["office"])
    payload = statement_payload(
        code=item.snapshot["code"],
        snapshot=item.snapshot,
        issued_on=datetime.date.fromisoformat(item.snapshot["issued_on"]),
    )
    pdf, box = render_document(
        item.snapshot,
        seal_mime=SVG,
        seal_data=item.seal,
        verify_url=item.url,
        statement=statement_sign(payload, key),
    )
    return pdf_sign(pdf, key=key, root=keys.root, reason=item.snapshot["code"], box=box)


def _timed(function: Callable[[], bytes]) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def _padded(label: str) -> str:
    """``label`` padded to LABEL_WIDTH terminal columns: a CJK character takes two."""
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in label)
    return label + " " * max(1, LABEL_WIDTH - width)


@dataclass
class Figures:
    label: str
    times: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def line(self) -> str:
        if not self.times:
            return f"{_padded(self.label)}    0"
        ordered = sorted(self.times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        kb = [size / 1024 for size in self.sizes]
        return (
            f"{_padded(self.label)}{len(ordered):5d} {statistics.median(ordered):8.1f} {p95:8.1f} "
            f"{ordered[-1]:8.1f} {statistics.median(kb):9.1f} {max(kb):9.1f}"
        )


@dataclass
class Report:
    overall: Figures
    paths: list[Figures]
    pdfa: tuple[float, float] | None
    previews: list[float]
    problems: list[str]

    def lines(self) -> list[str]:
        lines = [
            f"{_padded('')}{'count':>5} {'median':>8} {'p95':>8} {'max':>8} "
            f"{'KB med':>9} {'KB max':>9}",
            self.overall.line(),
            *(figures.line() for figures in self.paths),
        ]
        lines.append("  (times in ms per certificate / 单张耗时，毫秒；KB = PDF 大小)")
        if self.pdfa:
            archival, plain = self.pdfa
            lines.append(
                f"PDF/A-3b vs plain PDF (median of {PDFA_ROUNDS} each, interleaved) / "
                f"PDF/A-3b 与普通 PDF 对比：{archival:.1f} ms vs {plain:.1f} ms "
                f"({(archival - plain) / plain * 100:+.1f}%)"
            )
        lines.append(
            f"PNG preview (median of {len(self.previews)}) / PNG 预览图："
            f"{statistics.median(self.previews):.1f} ms"
        )
        return lines


def run(count: int = 200, *, pdfa_compare: bool = True) -> Report:
    """Renders ``count`` certificates after one warm-up per font path and measures them."""
    items = samples(count)
    keys = Keys()
    for family in (COMMON_FAMILY, FULL_FAMILY):
        warm = next((item for item in items if item.family == family), None)
        if warm is not None:
            render_signed(warm, keys)
    overall = Figures("all / 全部")
    paths = {
        COMMON_FAMILY: Figures(f"common cut / 常用字库 ({COMMON_FAMILY})"),
        FULL_FAMILY: Figures(f"full face / 完整字库 ({FULL_FAMILY})"),
    }
    kept: list[bytes] = []
    for item in items:
        elapsed, pdf = _timed(lambda item=item: render_signed(item, keys))
        for figures in (overall, paths[item.family]):
            figures.times.append(elapsed)
            figures.sizes.append(len(pdf))
        if len(kept) < PREVIEW_ROUNDS:
            kept.append(pdf)
    pdfa = _pdfa_compare(items) if pdfa_compare else None
    previews = [_timed(lambda pdf=pdf: render_preview(pdf))[0] for pdf in kept]
    median = statistics.median(overall.times)
    largest = max(overall.sizes) / 1024
    problems = []
    if median >= MAX_MEDIAN_MS:
        problems.append(f"median {median:.0f} ms >= {MAX_MEDIAN_MS} ms (单张中位耗时超标)")
    if largest >= MAX_PDF_KB:
        problems.append(f"largest PDF {largest:.0f} KB >= {MAX_PDF_KB} KB (PDF 文件过大)")
    return Report(overall, list(paths.values()), pdfa, previews, problems)


def _pdfa_compare(items: list[Sample]) -> tuple[float, float]:
    """Medians of PDF/A-3b and plain renders of the same certificates, alternating which goes
    first so that neither profits from a warmer cache."""
    archival, plain = [], []
    for index in range(PDFA_ROUNDS):
        item = items[index % len(items)]
        runs = [(archival, {}), (plain, {"variant": None})]
        for times, options in runs if index % 2 == 0 else reversed(runs):
            times.append(_timed(lambda item=item, options=options: render(item, **options))[0])
    return statistics.median(archival), statistics.median(plain)
