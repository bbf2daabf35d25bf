"""The certificate's font: Noto Serif CJK SC, named explicitly, in one of two cuts.

WeasyPrint keeps the glyph ids of the font it embeds, so the time and size of a certificate
grow with the highest glyph id it uses: the full Noto face (65,535 glyphs) costs about 100 ms
and 100 KB a certificate more than a cut of the same face down to GB 2312 and ASCII (7,545
characters; 13,262 glyphs with the variants its layout tables reach, kept so that text is
shaped exactly as in the full face). So a certificate whose every character is in the common
cut is set in it, and any other (a name with 堃 or 𠮷) in the full face: one face per document,
chosen before layout, never a glyph fallback. The common cut is made from the installed Noto
font with HarfBuzz (0.1 s) the first time a process needs it and kept in ``CERT_FONT_DIR``.
"""

import functools
import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FULL_FAMILY = "Noto Serif CJK SC"
COMMON_FAMILY = "Certificate Serif SC"
# Characters beyond GB 2312 that the certificate itself prints (punctuation, symbols).
EXTRA = "　（）：，。、；“”‘’—…·×＊*０１２３４５６７８９"


@dataclass(frozen=True)
class FontChoice:
    family: str
    face_css: str  # the @font-face rule, empty for the installed face


def _gb2312() -> set[int]:
    codepoints = set(range(0x20, 0x7F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codepoints.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    codepoints.update(ord(char) for char in EXTRA)
    return codepoints


@functools.cache
def full_font() -> tuple[str, int]:
    """The installed file and face index of Noto Serif CJK SC, as fontconfig resolves it."""
    output = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}\n%{family}", FULL_FAMILY],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    if FULL_FAMILY not in output[2].split(","):
        raise RuntimeError(f"{FULL_FAMILY} is not installed (Debian package fonts-noto-cjk)")
    return output[0], int(output[1])


def _build_common(source: str, index: int, target: Path) -> None:
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(source), index)
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(_gb2312())
    subset_input.flags = (
        hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NOTDEF_OUTLINE
    )
    data = hb.subset(face, subset_input).blob.data
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so a concurrent worker never reads half a font.
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, target)


@functools.cache
def common_font() -> tuple[Path, frozenset[int]]:
    """The common cut's file (built when missing) and the codepoints it covers."""
    import uharfbuzz as hb

    source, index = full_font()
    stat = os.stat(source)
    digest = hashlib.sha256(f"{source}:{index}:{stat.st_size}:{stat.st_mtime}".encode())
    target = Path(settings.CERT_FONT_DIR) / f"cert-serif-sc-{digest.hexdigest()[:12]}.otf"
    if not target.exists():
        _build_common(source, index, target)
    covered = hb.Face(hb.Blob.from_file_path(str(target))).unicodes
    return target, frozenset(covered)


def font_for(text: str) -> FontChoice:
    """The common cut when it has every character of ``text``, else the full face."""
    path, covered = common_font()
    if all(ord(char) in covered for char in text if not char.isspace()):
        css = f"@font-face {{ font-family: '{COMMON_FAMILY}'; src: url('{path.as_uri()}'); }}"
        return FontChoice(family=COMMON_FAMILY, face_css=css)
    return FontChoice(family=FULL_FAMILY, face_css="")
