"""Plain A4 documents as PDF (ReportLab): a centred title and lines of text wrapped to the page, set in
a Chinese font found on the machine. The 人民调解协议书, the 信访 答复意见书 and 不予受理告知书, and the
plan's evaluation report all use it.

The PDF embeds (a subset of) a Chinese TrueType font found on the machine (``fc-list :lang=zh``, or
the usual Debian paths). Without one it falls back to ReportLab's built-in CID font STSong-Light,
whose glyphs are not embedded: PDF readers then supply their own Chinese font, or show boxes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

PAGE_MARGIN = 56
LINE = 20

CID_FONT = "STSong-Light"
EMBEDDED_FONT = "ZhiliCJK"
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def chinese_font_file() -> Path | None:
    """A TrueType (.ttf/.ttc) font with Chinese glyphs on this machine, if any."""
    candidates = [Path(p) for p in KNOWN_FONTS]
    if shutil.which("fc-list"):
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
        candidates += [Path(line.split(":")[0].strip()) for line in listed.splitlines() if line.strip()]
    return next((p for p in candidates if p.suffix.lower() in (".ttf", ".ttc") and p.is_file()), None)


def register_font() -> str:
    """The name of the font the PDF is set in: an embedded TrueType font, or the CID fallback."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED_FONT in registered:
        return EMBEDDED_FONT
    path = chinese_font_file()
    if path is not None:
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path), subfontIndex=0))
            return EMBEDDED_FONT
        except Exception:  # an unreadable font file: fall back rather than fail the report
            pass
    if CID_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def wrapped(text: str, width: float, font: str, size: int) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out, current = [], ""
    for char in text:
        if stringWidth(current + char, font, size) > width:
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return out


def render(title: str, lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    font = register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(title)
    width, height = A4
    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, height - PAGE_MARGIN, title)
    y = height - PAGE_MARGIN - 2 * LINE
    canvas.setFont(font, 11)
    for line in lines:
        for piece in wrapped(line, width - 2 * PAGE_MARGIN, font, 11):
            if y < PAGE_MARGIN:
                canvas.showPage()
                canvas.setFont(font, 11)
                y = height - PAGE_MARGIN
            canvas.drawString(PAGE_MARGIN, y, piece)
            y -= LINE
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
