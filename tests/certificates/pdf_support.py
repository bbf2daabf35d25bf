"""Reading a rendered certificate back: its text, pages, embedded fonts and QR code."""

import io
import re
from dataclasses import dataclass, field

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium
import zxingcpp
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf.generic import ByteStringObject, TextStringObject

from certificates.rendering import render_preview


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def compact(value: str) -> str:
    """Without whitespace: letter-spaced headings extract with spaces between characters."""
    return re.sub(r"\s+", "", value)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader(pdf).pages]


def xmp(pdf: bytes) -> str:
    metadata = reader(pdf).xmp_metadata
    return metadata.stream.get_data().decode("utf-8") if metadata else ""


# A4's width at 300 dpi: the page as a printer lays it down.
PRINT_WIDTH = 2480


def qr_texts(pdf: bytes, *, width: int = PRINT_WIDTH) -> list[str]:
    """What the QR codes on the first page say, read with zxing from the page rendered at
    ``width`` pixels (printed at 300 dpi unless told) as a phone reads the printed page."""
    image = Image.open(io.BytesIO(render_preview(pdf, width=width)))
    return [result.text for result in zxingcpp.read_barcodes(image)]


@dataclass
class EmbeddedFont:
    base_font: str
    family: str  # the FontFamily of the font descriptor
    program: TTFont  # the embedded font file (FontFile3 / FontFile2)
    to_unicode: dict[int, str]  # glyph id -> text, from the ToUnicode CMap
    used: set[int] = field(default_factory=set)  # glyph ids drawn by the content streams

    def glyph_has_outline(self, glyph_id: int) -> bool:
        glyphs = self.program.getGlyphSet()
        pen = BoundsPen(glyphs)
        glyphs[self.program.getGlyphName(glyph_id)].draw(pen)
        return pen.bounds is not None


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    """Every font of the document with the glyph ids its pages and forms draw."""
    fonts: dict[int, EmbeddedFont] = {}
    document = reader(pdf)
    for page in document.pages:
        _collect(page.get_contents().operations, page["/Resources"], document, fonts)
    return list(fonts.values())


def _collect(operations, resources, document, fonts: dict[int, EmbeddedFont]) -> None:
    resources = resources.get_object()
    by_name = {}
    for name, reference in resources.get("/Font", {}).items():
        key = reference.idnum
        if key not in fonts:
            fonts[key] = _font(reference.get_object())
        by_name[name] = fonts[key]
    current = None
    for operands, operator in operations:
        if operator == b"Tf":
            current = by_name[operands[0]]
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            strings = operands[-1] if operator == b"TJ" else [operands[-1]]
            for item in strings:
                if isinstance(item, ByteStringObject | TextStringObject):
                    raw = item.original_bytes
                    current.used.update(
                        int.from_bytes(raw[index : index + 2], "big")
                        for index in range(0, len(raw), 2)
                    )
    for reference in resources.get("/XObject", {}).values():
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Form":
            operations = pypdf.generic.ContentStream(xobject, document).operations
            _collect(operations, xobject.get("/Resources", resources), document, fonts)


def images(pdf: bytes) -> list:
    """The image XObjects of page one, those inside forms (an opacity group) included."""
    found = []

    def walk(resources):
        for reference in resources.get_object().get("/XObject", {}).values():
            xobject = reference.get_object()
            if xobject.get("/Subtype") == "/Image":
                found.append(xobject)
            elif xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"])

    walk(reader(pdf).pages[0]["/Resources"])
    return found


def _font(font) -> EmbeddedFont:
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    stream = (descriptor.get("/FontFile3") or descriptor["/FontFile2"]).get_object()
    return EmbeddedFont(
        base_font=str(font["/BaseFont"]),
        family=str(descriptor.get("/FontFamily", "")),
        program=TTFont(io.BytesIO(stream.get_data())),
        to_unicode=_cmap(font["/ToUnicode"].get_object().get_data().decode("latin-1")),
    )


def _cmap(source: str) -> dict[int, str]:
    """The bfchar and bfrange entries of a ToUnicode CMap (UTF-16BE targets)."""
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", source, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", source, re.S):
        for first, last, target in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int.from_bytes(bytes.fromhex(target), "big")
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[code] = (
                    (start + offset).to_bytes(len(target) // 2, "big").decode("utf-16-be")
                )
    return mapping


def text_bounds(pdf: bytes, needle: str) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points, origin bottom left, of ``needle`` on page one."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        textpage = page.get_textpage()
        searcher = textpage.search(needle)
        found = searcher.get_next()
        assert found, f"{needle!r} is not on the page"
        start, count = found
        boxes = [textpage.get_charbox(index) for index in range(start, start + count)]
        searcher.close()
        textpage.close()
        page.close()
    finally:
        document.close()
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def picture_bounds(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """Bounds of the images and drawn forms (the QR code, the seal) placed on page one."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bounds = [
            tuple(item.get_bounds())
            for item in page.get_objects(max_depth=1)
            if item.type in (pdfium.FPDF_PAGEOBJ_IMAGE, pdfium.FPDF_PAGEOBJ_FORM)
        ]
        page.close()
    finally:
        document.close()
    return bounds
