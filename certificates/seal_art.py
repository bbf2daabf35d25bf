"""The generated seal: a round red SVG seal with its text on an arc and a star in the middle.

Each character is placed and rotated on its own rather than with ``<textPath>``, which not
every SVG renderer (WeasyPrint's own included) lays out the same way. The font is named
explicitly, the one the certificate uses, so the seal never depends on glyph fallback.
"""

import math
from xml.sax.saxutils import escape

SEAL_RED = "#d7000f"
FONT_FAMILY = "Noto Serif CJK SC"
SIZE = 200  # the viewBox; the certificate scales it to about 42 mm


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.radians(-90 + k * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(text: str, *, caption: str = "") -> str:
    """The seal as an SVG document: ``text`` on the upper arc, ``caption`` under the star."""
    text = text.strip()
    if not text:
        raise ValueError("seal text is empty")
    centre = SIZE / 2
    count = len(text)
    # Long texts take a wider arc and smaller characters, like a carved seal.
    span = min(260.0, max(150.0, 16.0 * count))
    font_size = max(15.0, min(26.0, 300.0 / count))
    radius_text = centre - 12 - font_size * 0.9
    letters = []
    for index, char in enumerate(text):
        angle = -span / 2 + span * (index + 0.5) / count
        letters.append(
            f'<text x="{centre:.1f}" y="{centre - radius_text:.2f}" '
            f'transform="rotate({angle:.2f} {centre:.1f} {centre:.1f})">{escape(char)}</text>'
        )
    caption_svg = ""
    if caption:
        caption_svg = (
            f'<text x="{centre:.1f}" y="{centre + 58:.1f}" font-size="15">{escape(caption)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">'
        f'<g fill="{SEAL_RED}" stroke="{SEAL_RED}">'
        f'<circle cx="{centre}" cy="{centre}" r="{centre - 5}" fill="none" stroke-width="6"/>'
        f'<polygon points="{_star(centre, centre, 30, 12)}" stroke="none"/>'
        f'<g font-family="{FONT_FAMILY}" font-size="{font_size:.1f}" text-anchor="middle" '
        f'stroke-width="0.6">{"".join(letters)}{caption_svg}</g>'
        "</g></svg>"
    )
