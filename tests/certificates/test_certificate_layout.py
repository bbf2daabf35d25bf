"""The certificate's layout, read from WeasyPrint's boxes and the PDF's drawing order: the seal is
stamped over the office's name and the date, on top of them, as ink is; and a certificate of
few years spreads its blocks evenly down the page (issue 16). No database."""

from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from weasyprint import HTML

from certificates.rendering import (
    SVG,
    certificate_html,
    font_choice,
    font_config,
    render_pdf,
    stylesheet,
)
from certificates.seal_art import seal_svg

from .test_rendering import FIVE_YEARS, OFFICE, URL, snapshot, ten_years, year

MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels
BLOCKS = ("head", "info", "record", "note", "foot")  # the frame's blocks, top to bottom
SEAL = seal_svg(OFFICE).encode("utf-8")


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def meets(self, other: "Rect") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


def boxes_by_class(content: dict) -> dict[str, object]:
    """The outermost laid-out box of each element with a class, on page one."""
    font = font_choice(content, SEAL.decode("utf-8"))
    html = certificate_html(content, seal_mime=SVG, seal_data=SEAL, verify_url=URL, font=font)
    document = HTML(string=html).render(stylesheets=[stylesheet(font)], font_config=font_config())
    assert len(document.pages) == 1
    found: dict[str, object] = {}

    def walk(box):
        box = getattr(box, "_box", box)  # an absolutely positioned box sits in a placeholder
        element = getattr(box, "element", None)
        name = element.get("class") if element is not None else None
        if name and name.split()[0] not in found:
            found[name.split()[0]] = box
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    return found


def border_rect(box) -> Rect:
    left, top = box.border_box_x(), box.border_box_y()
    return Rect(left, top, left + box.border_width(), top + box.border_height())


def margin_rect(box) -> Rect:
    return Rect(
        box.position_x,
        box.position_y,
        box.position_x + box.margin_width(),
        box.position_y + box.margin_height(),
    )


@pytest.mark.parametrize("years", [[year(2020)], FIVE_YEARS, ten_years()], ids=[1, 5, 10])
def test_the_seal_is_centred_on_the_office_name_and_the_date(years):
    boxes = boxes_by_class(snapshot(years=years))
    seal, office, date = (border_rect(boxes[name]) for name in ("seal", "office", "date"))

    assert seal.meets(office) and seal.meets(date)
    seal_x, seal_y = seal.centre
    assert seal_x == pytest.approx((office.left + office.right) / 2, abs=1 * MM)
    assert office.top < seal_y < date.bottom  # straddling the two lines, as a stamp does
    assert seal.right - seal.left == pytest.approx(42 * MM, abs=0.5)


def test_the_seal_is_drawn_after_the_text_it_covers():
    """In the PDF the seal is painted after every piece of text it overlaps: on top of them."""
    pdf = render_pdf(snapshot(), seal_mime=SVG, seal_data=SEAL, verify_url=URL)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        objects = [(item.type, Rect(*item.get_bounds())) for item in page.get_objects(max_depth=1)]
        page.close()
    finally:
        document.close()
    # The QR code is an image; the seal, drawn semi-transparent, is the page's one form.
    [seal_at] = [
        index for index, (kind, _) in enumerate(objects) if kind == pdfium.FPDF_PAGEOBJ_FORM
    ]
    seal = objects[seal_at][1]
    covered = [
        index
        for index, (kind, bounds) in enumerate(objects)
        if kind == pdfium.FPDF_PAGEOBJ_TEXT and bounds.meets(seal)
    ]
    assert covered  # the office's name and the date lie under the seal
    assert max(covered) < seal_at


def test_one_year_spreads_its_blocks_evenly_down_the_page():
    boxes = boxes_by_class(snapshot(years=[year(2020)]))
    frame = boxes["frame"]
    blocks = [margin_rect(boxes[name]) for name in BLOCKS]
    gaps = [below.top - above.bottom for above, below in zip(blocks, blocks[1:], strict=False)]

    assert max(gaps) - min(gaps) < 1 * MM  # the same room between each pair of blocks
    assert min(gaps) > 10 * MM  # no block is left crowded at the top
    inside = frame.content_box_y() + frame.height
    assert blocks[-1].bottom == pytest.approx(inside, abs=1)  # the footer ends at the frame
    assert blocks[3].bottom > frame.content_box_y() + frame.height * 0.6  # no empty lower band


def test_ten_years_still_fit_with_every_block_apart():
    boxes = boxes_by_class(snapshot(years=ten_years()))
    frame = boxes["frame"]
    blocks = [margin_rect(boxes[name]) for name in BLOCKS]
    gaps = [below.top - above.bottom for above, below in zip(blocks, blocks[1:], strict=False)]

    assert min(gaps) >= 0
    assert blocks[-1].bottom <= frame.content_box_y() + frame.height + 1
