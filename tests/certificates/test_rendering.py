"""The certificate PDF itself: what it states, its QR code, fonts, page, archival marker, size;
and the rendering benchmark. Rendering is a pure function, so these tests use no database."""

import functools
import io
import re

import pytest
from django.core.management import CommandError, call_command
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from bench import cert as bench
from bench.management.commands.bench_cert import Command as BenchCert
from certificates import fonts
from certificates.rendering import SVG, font_choice, hours_text, render_pdf
from certificates.seal_art import seal_svg
from portal.ids import mask_id_number, with_check_character

from . import pdf_support

TITLE = "河南省专业技术人员继续教育证书"
FULL_ID = with_check_character("41040219800101123")
CODE = "K7M2Q9XW4RT8HJ3NPZ6A"
URL = f"https://ce.example.gov.cn/v/{CODE}"
OFFICE = "平顶山市人力资源和社会保障局"
RARE_NAME = "张𠮷堃喆"
MAX_BYTES = 300 * 1024


def year(year, public="30.0", professional="60.0", *, completed=True) -> dict:
    total = f"{float(public) + float(professional):.1f}"
    return {
        "year": year,
        "public": public,
        "professional": professional,
        "total": total,
        "completed": completed,
    }


def snapshot(*, name="王建国", years=None, unit="平顶山市第一人民医院") -> dict:
    """A snapshot shaped like ``snapshot_content`` plus the code and date of the issue."""
    years = years or [year(2020)]
    return {
        "name": name,
        "id_masked": mask_id_number(FULL_ID),
        "cert_no": "4104000000123",
        "unit": unit,
        "first_year": years[0]["year"],
        "last_year": years[-1]["year"],
        "years": years,
        "office": OFFICE,
        "seal": {"id": 7, "version": 1, "text": OFFICE},
        "code": CODE,
        "issued_on": "2025-03-18",
        "issued_label": "2025年3月18日",
    }


def render(content: dict, **options) -> bytes:
    options.setdefault("seal_mime", SVG)
    options.setdefault("seal_data", seal_svg(OFFICE).encode("utf-8"))
    return render_pdf(content, verify_url=URL, **options)


def ten_years() -> list[dict]:
    return [year(2015 + offset, completed=offset != 3) for offset in range(10)]


FIVE_YEARS = [
    year(2016),
    year(2017, "7.5", "60.0", completed=False),
    year(2018, "32.0", "64.5"),
    year(2019, "0", "0", completed=False),
    year(2020, "36.0", "72.0"),
]


@pytest.fixture(scope="module")
def one_year():
    content = snapshot()
    return content, render(content)


@pytest.fixture(scope="module")
def five_years():
    content = snapshot(years=FIVE_YEARS)
    return content, render(content)


@pytest.fixture(scope="module")
def rare_ten_years():
    content = snapshot(name=RARE_NAME, years=ten_years())
    return content, render(content)


def assert_states(content: dict, pdf: bytes) -> str:
    text = pdf_support.text(pdf)
    flat = pdf_support.compact(text)
    for value in (TITLE, content["name"], content["unit"], OFFICE, content["issued_label"]):
        assert value in flat
    for value in (content["cert_no"], content["id_masked"], CODE):
        assert re.search(rf"(?<![0-9A-Z]){re.escape(value)}(?![0-9A-Z])", text)
    for row in content["years"]:
        status = "合格" if row["completed"] else "未完成"
        cells = [str(row["year"])] + [
            hours_text(row[key]) for key in ("public", "professional", "total")
        ]
        assert re.search(r"\s+".join([*cells, status]), text), row
    return text


def test_one_year_certificate_states_the_snapshot(one_year):
    content, pdf = one_year

    text = assert_states(content, pdf)

    assert re.search(r"2020\s+30\s+60\s+90\s+合格", text)
    assert "2020 年度" in text


def test_five_year_merged_certificate_lists_every_year_in_order(five_years):
    content, pdf = five_years

    text = assert_states(content, pdf)

    assert "2016—2020 年度" in text
    rows = [int(found) for found in re.findall(r"^(20\d\d) ", text, re.M)]
    assert rows == [2016, 2017, 2018, 2019, 2020]
    assert text.count("未完成") == 2


def test_the_id_number_appears_only_masked(one_year):
    content, pdf = one_year
    text = pdf_support.compact(pdf_support.text(pdf))

    assert content["id_masked"] == FULL_ID[:3] + "*" * 11 + FULL_ID[-4:]
    assert content["id_masked"] in text
    assert FULL_ID not in text
    assert "19800101" not in text
    assert FULL_ID not in pdf_support.xmp(pdf)


def test_hours_print_without_a_trailing_zero(five_years):
    _, pdf = five_years
    text = pdf_support.text(pdf)

    assert [hours_text(value) for value in ("30.0", "7.5", "7.50", "0", 64.5)] == [
        "30",
        "7.5",
        "7.5",
        "0",
        "64.5",
    ]
    assert re.search(r"2017\s+7\.5\s+60\s+67\.5\s+未完成", text)
    assert not re.search(r"\d\.0\b|\d\.\d0\b", text)


@pytest.mark.parametrize("fixture", ["one_year", "rare_ten_years"])
def test_the_qr_code_reads_as_the_verification_url(fixture, request):
    _, pdf = request.getfixturevalue(fixture)

    assert pdf_support.qr_texts(pdf) == [URL]


@functools.cache
def installed_face(family: str) -> TTFont:
    """The font file ``family`` names: the common cut or the full face."""
    if family == fonts.COMMON_FAMILY:
        return TTFont(str(fonts.common_font()[0]), lazy=True)
    source, index = fonts.full_font()
    return TTFont(source, fontNumber=index, lazy=True)


def assert_one_face_draws_every_character(content: dict, pdf: bytes, family: str) -> None:
    """One embedded face, a Noto Serif CJK SC cut, has a real glyph for every character."""
    [font] = pdf_support.embedded_fonts(pdf)
    assert font.program["name"].getDebugName(1) == "Noto Serif CJK SC"
    assert font.family == family
    assert font.base_font.endswith("+" + family.replace(" ", "-"))
    assert 0 not in font.used  # .notdef: a character the face lacks
    assert font.used <= set(font.to_unicode)
    for glyph_id in font.used:
        assert font.glyph_has_outline(glyph_id) or font.to_unicode[glyph_id].isspace()
    printed = "".join(
        [TITLE, content["name"], content["unit"], content["office"], content["seal"]["text"]]
        + [content["cert_no"], content["id_masked"], content["code"], content["issued_label"]]
    )
    drawn = {text: glyph_id for glyph_id, text in font.to_unicode.items()}
    face = installed_face(family)
    face_cmap = face.getBestCmap()
    for char in set(printed):
        assert char in drawn, f"{char!r} is not drawn"
        assert ord(char) in face_cmap, f"{family} has no {char!r}"
    # The glyph ids are those of the chosen file: the cut is the one the name needs.
    name = content["name"]
    assert [drawn[char] for char in name] == [face.getGlyphID(face_cmap[ord(c)]) for c in name]


def test_rare_characters_are_set_in_the_full_face_with_no_missing_glyph(rare_ten_years):
    content, pdf = rare_ten_years

    assert font_choice(content).family == fonts.FULL_FAMILY
    assert_one_face_draws_every_character(content, pdf, fonts.FULL_FAMILY)
    assert RARE_NAME in pdf_support.compact(pdf_support.text(pdf))


def test_a_gb2312_name_is_set_in_the_common_cut(one_year):
    content, pdf = one_year

    assert font_choice(content).family == fonts.COMMON_FAMILY
    assert_one_face_draws_every_character(content, pdf, fonts.COMMON_FAMILY)


def test_the_page_is_a4_portrait_and_ten_years_fit_on_it(rare_ten_years):
    content, pdf = rare_ten_years

    [(width, height)] = pdf_support.page_sizes(pdf)

    assert width == pytest.approx(595, abs=1)
    assert height == pytest.approx(842, abs=1)
    assert_states(content, pdf)


@pytest.mark.parametrize("count", [1, 5, 6, 10])
def test_the_hours_and_note_end_above_the_qr_code_and_seal(count):
    """However many years, the flowing content never runs under the footer's pictures."""
    long_unit = "河南省平顶山市卫生健康委员会直属第一人民医院心血管内科临床医学研究中心"
    pdf = render(snapshot(unit=long_unit, years=ten_years()[:count]))

    note_bottom = pdf_support.text_bounds(pdf, "管理号核验。")[1]
    pictures = pdf_support.picture_bounds(pdf)

    assert len(pdf_support.page_sizes(pdf)) == 1
    assert len(pictures) == 2  # the QR code and the seal
    assert note_bottom > max(top for _, _, _, top in pictures)


def test_the_default_variant_is_marked_pdf_a_3b(one_year):
    _, pdf = one_year
    plain = render(snapshot(), variant=None)

    assert re.search(r'pdfaid:part="3"', pdf_support.xmp(pdf))
    assert re.search(r'pdfaid:conformance="B"', pdf_support.xmp(pdf))
    assert "pdfaid" not in pdf_support.xmp(plain)


def transparent_seal_png() -> bytes:
    image = Image.new("RGBA", (480, 480), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 468, 468), outline=(215, 0, 15, 230), width=16)
    draw.regular_polygon((240, 240, 70), 5, fill=(215, 0, 15, 230))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_an_uploaded_transparent_png_seal_is_stamped_with_its_transparency():
    content = snapshot(years=FIVE_YEARS)

    pdf = render(content, seal_mime="image/png", seal_data=transparent_seal_png())

    assert_states(content, pdf)
    assert len(pdf) < MAX_BYTES
    seal = next(image for image in pdf_support.images(pdf) if image["/Width"] == 480)
    assert "/SMask" in seal  # the alpha channel, so the seal does not hide the text under it


def test_pdfs_stay_under_300_kb_in_both_font_paths(one_year, rare_ten_years):
    common_size, full_size = len(one_year[1]), len(rare_ten_years[1])
    common_ten = render(snapshot(years=ten_years()))

    assert max(common_size, len(common_ten), full_size) < MAX_BYTES
    assert len(common_ten) < full_size  # why a certificate is set in the cut when it can be


def test_bench_samples_are_varied_and_about_one_in_twenty_needs_the_full_face():
    samples = bench.samples(400)

    full = [item for item in samples if item.family == fonts.FULL_FAMILY]
    assert 0.02 <= len(full) / len(samples) <= 0.10
    assert all(set(item.snapshot["name"]) & set(bench.RARE) for item in full)
    assert {len(item.snapshot["years"]) for item in samples} == set(range(1, 11))
    assert len({item.snapshot["unit"] for item in samples}) > 3
    assert len({item.snapshot["office"] for item in samples}) > 3
    assert samples[5].snapshot == bench.samples(6)[5].snapshot  # seeded: runs compare


def test_bench_command_reports_times_and_sizes_without_the_database(monkeypatch, capsys):
    # Limits no machine breaks: this checks the report, not this machine's speed (make bench).
    monkeypatch.setattr(bench, "MAX_MEDIAN_MS", 10**9)
    monkeypatch.setattr(bench, "MAX_PDF_KB", 10**9)
    call_command(BenchCert(), count=3, pdfa_compare=False)

    output = capsys.readouterr().out
    assert re.search(r"all / 全部\s+3\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+", output)
    assert "common cut / 常用字库" in output and "full face / 完整字库" in output
    assert re.search(r"PNG preview \(median of 3\) / PNG 预览图：[\d.]+ ms", output)
    assert "PDF/A-3b vs plain" not in output
    assert f"OK / 达标: median < {10**9} ms" in output  # the injected limits


def test_bench_command_fails_when_a_limit_is_broken(monkeypatch, capsys):
    monkeypatch.setattr(bench, "MAX_MEDIAN_MS", 0)
    monkeypatch.setattr(bench, "MAX_PDF_KB", 1)

    with pytest.raises(CommandError) as failure:
        call_command(BenchCert(), count=1, pdfa_compare=False)

    message = str(failure.value)
    assert "FAILED / 未达标" in message
    assert ">= 0 ms" in message and "中位耗时超标" in message
    assert ">= 1 KB" in message and "PDF 文件过大" in message
