"""Certificate rendering: a pure function from a snapshot to PDF bytes (and a PNG preview).

It knows nothing of requests, storage or Celery, so it is tested and benchmarked alone. Fonts
are named explicitly (Noto Serif CJK SC, ``lang="zh-CN"``; see ``fonts.py`` for its two cuts):
a certificate never depends on glyph fallback. One face for everything, the seal and the title
included, keeps the PDF small: every CJK face WeasyPrint embeds costs tens of kilobytes.
"""

import atexit
import base64
import gc
import io
import threading
from decimal import Decimal

import qrcode
from django.template.loader import render_to_string

from .fonts import FULL_FAMILY, FontChoice, font_for

TEMPLATE = "certificates/pdf/certificate.html"
STYLESHEET = "certificates/pdf/certificate.css"
SVG = "image/svg+xml"
# PDF/A-3b (archival) costs about 15% more render time here, inside the 20% the design allows.
PDF_VARIANT = "pdf/a-3b"
# More years than this set the hours table in tighter rows, so ten still fit above the seal.
ROOMY_YEARS = 5
# WeasyPrint lays out in CSS pixels (96 to the inch), PDF in points (72 to the inch).
PT_PER_PX = 0.75

_local = threading.local()


def font_config():
    """One WeasyPrint FontConfiguration per worker process (and thread): building it loads
    fontconfig's font set, which costs far more than a render."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


@atexit.register
def _release_font_config() -> None:
    """Frees the main thread's font configuration while the interpreter still works: its
    finaliser deletes WeasyPrint's temporary copy of the fonts (4 MB), and fails once
    shutdown has begun. Rendered documents hold it in reference cycles, hence the collect."""
    _local.__dict__.clear()
    gc.collect()


def stylesheet(font: FontChoice):
    """The certificate's parsed CSS set in ``font``, once a process (and thread) for each
    face: parsing it again for every certificate took 5% of the render."""
    cache = getattr(_local, "stylesheets", None)
    if cache is None:
        cache = _local.stylesheets = {}
    if font not in cache:
        from weasyprint import CSS

        css = render_to_string(
            STYLESHEET, {"font_family": font.family, "font_face_css": font.face_css}
        )
        cache[font] = CSS(string=css, font_config=font_config())
    return cache[font]


def hours_text(value) -> str:
    """30.0 → "30", 7.50 → "7.5": hours without trailing zeros."""
    return f"{Decimal(str(value)).normalize():f}"


def qr_png(url: str) -> bytes:
    """The QR code as a small 1-bit PNG, one pixel per module, scaled up without smoothing by
    the PDF. A fixed mask pattern spares the eight trial encodings (any mask is valid), and a
    bitmap draws far faster than thousands of SVG path segments."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2, mask_pattern=0
    )
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().get_image().save(buffer, "PNG")
    return buffer.getvalue()


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def font_choice(snapshot: dict, seal_svg: str = "") -> FontChoice:
    """The face for this certificate: every character it prints, the seal's included."""
    return font_for("".join(_strings(snapshot)) + seal_svg)


def certificate_html(
    snapshot: dict,
    *,
    seal_mime: str,
    seal_data: bytes,
    verify_url: str,
    font: FontChoice | None = None,
    statement: str = "",
) -> str:
    """The certificate's markup; ``stylesheet(font)`` styles it. The QR code holds
    ``verify_url``, followed by ``#`` and the signed ``statement`` when there is one."""
    seal_svg = seal_data.decode("utf-8") if seal_mime == SVG else ""
    font = font or font_choice(snapshot, seal_svg)
    if seal_svg and font.family != FULL_FAMILY:
        # The generated seal names the installed face; the common cut has the same glyphs.
        seal_data = seal_svg.replace(f'"{FULL_FAMILY}"', f'"{font.family}"').encode("utf-8")
    years = [
        {
            "year": row["year"],
            "public": hours_text(row["public"]),
            "professional": hours_text(row["professional"]),
            "total": hours_text(row["total"]),
            "completed": row["completed"],
        }
        for row in snapshot["years"]
    ]
    first, last = years[0]["year"], years[-1]["year"]
    return render_to_string(
        TEMPLATE,
        {
            "s": snapshot,
            "years": years,
            "dense": len(years) > ROOMY_YEARS,
            "years_label": f"{first}" if first == last else f"{first}—{last}",
            "seal_src": _data_uri(seal_mime, seal_data),
            "qr_src": _data_uri(
                "image/png", qr_png(f"{verify_url}#{statement}" if statement else verify_url)
            ),
            "verify_url": verify_url,
            "statement": statement,
        },
    )


def _boxes(box):
    """Every box under ``box``, through the placeholders WeasyPrint leaves for positioned ones
    (``descendants()`` stops at them)."""
    yield box
    inner = getattr(box, "_box", None)
    if inner is not None:
        yield from _boxes(inner)
        return
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _seal_box(document) -> tuple[float, float, float, float]:
    """Where the seal lies on the first page, in PDF points from the bottom left (x1, y1, x2,
    y2): the signature's widget goes there. Read from the laid-out page, not from the CSS."""
    page = document.pages[0]
    for box in _boxes(page._page_box):
        element = getattr(box, "element", None)
        if element is not None and element.tag == "img" and "seal" in element.get("class", ""):
            x, y = box.content_box_x(), box.content_box_y()
            height = page.height
            return (
                x * PT_PER_PX,
                (height - y - box.height) * PT_PER_PX,
                (x + box.width) * PT_PER_PX,
                (height - y) * PT_PER_PX,
            )
    raise ValueError("the certificate has no seal")


def render_document(
    snapshot: dict,
    *,
    seal_mime: str,
    seal_data: bytes,
    verify_url: str,
    statement: str = "",
    variant=PDF_VARIANT,
) -> tuple[bytes, tuple[float, float, float, float]]:
    """The A4 certificate of ``snapshot`` stamped with the seal image, as PDF bytes, and the
    seal's box on the page. ``statement`` (the signed statement) is also kept in the PDF's
    document information as ``/certificatestatement``."""
    from weasyprint import HTML

    font = font_choice(snapshot, seal_data.decode("utf-8") if seal_mime == SVG else "")
    html = certificate_html(
        snapshot,
        seal_mime=seal_mime,
        seal_data=seal_data,
        verify_url=verify_url,
        font=font,
        statement=statement,
    )
    document = HTML(string=html).render(
        font_config=font_config(), stylesheets=[stylesheet(font)], custom_metadata=True
    )
    pdf = document.write_pdf(pdf_variant=variant, custom_metadata=True)
    return pdf, _seal_box(document)


def render_pdf(
    snapshot: dict, *, seal_mime: str, seal_data: bytes, verify_url: str, variant=PDF_VARIANT
) -> bytes:
    """The certificate's PDF bytes alone (unsigned)."""
    pdf, _box = render_document(
        snapshot, seal_mime=seal_mime, seal_data=seal_data, verify_url=verify_url, variant=variant
    )
    return pdf


def render_preview(pdf: bytes, *, width: int = 900) -> bytes:
    """The first page of ``pdf`` as a PNG ``width`` pixels wide, for the web page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    # The fastest zlib level: on these mostly white pages its file is no larger than with
    # optimize=True, which took four times as long (150 ms, more than rasterising).
    image.convert("RGB").save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
