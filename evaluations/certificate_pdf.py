"""The certificate as a one-page PDF in Chinese and English, with a QR code to its public verification page.

reportlab embeds TrueType fonts only. The usual CJK fonts on Linux (Noto CJK) have PostScript (CFF) outlines,
which it cannot embed, so the certificate uses a TrueType CJK font: ``CERTIFICATE_FONT_PATH``, or the first of
the usual locations that exists (Debian's ``fonts-wqy-zenhei`` first). Without one, a clear configuration error.
"""

import io
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from evaluations.choices import CertificateStatus
from evaluations.models import Certificate
from evaluations.publication_selectors import level_names

FONT_NAME = "CertificateCJK"
FONT_SEARCH_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian/Ubuntu fonts-wqy-zenhei
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",  # Fedora, Arch
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simhei.ttf",
)
NAVY = colors.HexColor("#1d3557")
GOLD = colors.HexColor("#b08d3c")
STAMPS = {
    CertificateStatus.EXPIRED: ("已过期", "EXPIRED"),
    CertificateStatus.REVOKED: ("已撤销", "REVOKED"),
}


def font_path() -> Path:
    """The TrueType CJK font to embed: the configured one, else the first usual location found."""
    configured = settings.CERTIFICATE_FONT_PATH
    if configured:
        if not Path(configured).is_file():
            raise ImproperlyConfigured(f"CERTIFICATE_FONT_PATH={configured!r} does not exist.")
        return Path(configured)
    for candidate in FONT_SEARCH_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ImproperlyConfigured(
        "No TrueType CJK font for certificate PDFs: install fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) "
        f"or set CERTIFICATE_FONT_PATH to a .ttf/.ttc with TrueType outlines. Looked in: {', '.join(FONT_SEARCH_PATHS)}"
    )


@lru_cache(maxsize=4)
def _register(path: str) -> str:
    try:
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    except TTFError as exc:
        raise ImproperlyConfigured(
            f"The certificate font {path} cannot be embedded ({exc}); reportlab needs TrueType outlines, not CFF "
            "(Noto CJK is CFF): use fonts-wqy-zenhei or set CERTIFICATE_FONT_PATH."
        ) from exc
    return FONT_NAME


def cjk_font() -> str:
    """Register the CJK font with reportlab once per process; return its reportlab name."""
    return _register(str(font_path()))


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def centred(canvas: Canvas, text: str, y: float, size: float, *, font: str, width: float, color=NAVY) -> None:
    page_width = canvas._pagesize[0]
    size = _fit(canvas, text, font, size, width)
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(page_width / 2, y, text)


def qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares (no image library), with its quiet zone inside ``size``."""
    code = segno.make(url, error="m")
    matrix = code.matrix
    modules = len(matrix) + 8  # 4-module quiet zone on each side
    cell = size / modules
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row_number, row in enumerate(matrix):
        for column, dark in enumerate(row):
            if dark:
                canvas.rect(x + (column + 4) * cell, y + size - (row_number + 5) * cell, cell, cell, stroke=0, fill=1)


def certificate_page(buffer: io.BytesIO, *, title: str, subject: str) -> tuple[Canvas, float, float]:
    """An A4 landscape page with the certificates' double gold frame, and its width and height; the level
    certificate and the training certificate of completion draw on it."""
    page_width, page_height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(page_width, page_height), pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("QualityPath")
    canvas.setSubject(subject)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, page_width - 24 * mm, page_height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(16 * mm, 16 * mm, page_width - 32 * mm, page_height - 32 * mm)
    return canvas, page_width, page_height


def render_certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate in Chinese and English on one A4 landscape page; ``verify_url`` goes into the QR code."""
    font = cjk_font()
    enterprise = certificate.enterprise
    model = certificate.evaluation.model
    level = level_names(model, certificate.level)
    buffer = io.BytesIO()
    canvas, page_width, page_height = certificate_page(
        buffer,
        title=f"{certificate.number} · {enterprise.name_zh}",
        subject="质量管理能力等级证书 / Certificate of quality management capability level",
    )

    text_width = page_width - 60 * mm
    top = page_height - 40 * mm
    centred(canvas, "制造业卓越质量工程 · 质量管理能力等级证书", top, 24, font=font, width=text_width)
    centred(
        canvas,
        "Manufacturing Excellence Quality Project · Certificate of Quality Management Capability",
        top - 10 * mm,
        13,
        font=font,
        width=text_width,
        color=GOLD,
    )
    centred(canvas, enterprise.name_zh, top - 30 * mm, 22, font=font, width=text_width)
    if enterprise.name_en:
        centred(canvas, enterprise.name_en, top - 39 * mm, 14, font=font, width=text_width)
    centred(
        canvas,
        f"统一社会信用代码 Unified social credit code: {enterprise.credit_code}",
        top - 48 * mm,
        11,
        font=font,
        width=text_width,
    )
    centred(canvas, "经评价，质量管理能力达到", top - 62 * mm, 13, font=font, width=text_width)
    centred(
        canvas,
        f"第 {certificate.level} 级 · {level['zh']}  /  Level {certificate.level} · {level['en']}",
        top - 74 * mm,
        22,
        font=font,
        width=text_width,
        color=GOLD,
    )
    centred(
        canvas,
        f"has been evaluated at this quality management capability level (score S = {certificate.score:.2f})",
        top - 83 * mm,
        11,
        font=font,
        width=text_width,
    )
    centred(
        canvas,
        f"评价模型 Evaluation model: {model.name_zh} / {model.name_en} ({model.version})",
        top - 92 * mm,
        9.5,
        font=font,
        width=text_width,
    )

    left, line = 30 * mm, 36 * mm
    canvas.setFillColor(NAVY)
    for number, (label, value) in enumerate(
        (
            ("证书编号 Certificate No.", certificate.number),
            ("发证日期 Issued on", certificate.issued_on.isoformat()),
            ("有效期至 Valid until", certificate.valid_until.isoformat()),
        )
    ):
        canvas.setFont(font, 11)
        canvas.drawString(left, line + (2 - number) * 7 * mm, f"{label}:  {value}")
    canvas.setFont(font, 8.5)
    canvas.drawString(left, 22 * mm, f"扫码或访问以下网址核验 Scan or visit to verify: {verify_url}")

    qr_size = 38 * mm
    qr(canvas, verify_url, page_width - 30 * mm - qr_size, 22 * mm, qr_size)

    stamp = STAMPS.get(certificate.status)
    if stamp:
        canvas.saveState()
        canvas.translate(page_width / 2, page_height / 2)
        canvas.rotate(20)
        canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.35))
        canvas.setFont(font, 60)
        canvas.drawCentredString(0, 0, f"{stamp[0]} {stamp[1]}")
        canvas.restoreState()

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
