"""The certificate of completion as a one-page PDF in Chinese and English, with the font set up as for the level
certificate (``evaluations.certificate_pdf``: a TrueType CJK font reportlab can embed)."""

import io
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from reportlab.lib.units import mm

from core.links import site_url
from evaluations.certificate_pdf import GOLD, NAVY, centred, certificate_page, cjk_font, qr
from training.models import Enrolment


def verify_url(enrolment: Enrolment) -> str:
    """The public verification page with the certificate's number filled in (the holder's name is asked there)."""
    query = urlencode({"number": enrolment.certificate_number})
    return site_url(f"{reverse('training:certificate_verify')}?{query}")


def render_completion_pdf(enrolment: Enrolment) -> bytes:
    font = cjk_font()
    session, person = enrolment.session, enrolment.person
    course = session.course
    buffer = io.BytesIO()
    canvas, page_width, page_height = certificate_page(
        buffer,
        title=f"{enrolment.certificate_number} · {course.title_zh}",
        subject="培训结业证书 / Certificate of completion",
    )

    width = page_width - 60 * mm
    top = page_height - 40 * mm
    centred(canvas, "制造业卓越质量工程 · 培训结业证书", top, 24, font=font, width=width)
    centred(
        canvas,
        "Manufacturing Excellence Quality Project · Certificate of Completion",
        top - 10 * mm,
        13,
        font=font,
        width=width,
        color=GOLD,
    )
    name = person.display_name or person.username
    centred(canvas, name, top - 30 * mm, 22, font=font, width=width)
    if enrolment.enterprise is not None:
        enterprise = enrolment.enterprise
        line = enterprise.name_zh + (f" / {enterprise.name_en}" if enterprise.name_en else "")
        centred(canvas, line, top - 39 * mm, 12, font=font, width=width)
    centred(canvas, "完成培训课程 has completed the course", top - 52 * mm, 13, font=font, width=width)
    centred(canvas, course.title_zh, top - 64 * mm, 20, font=font, width=width, color=GOLD)
    if course.title_en:
        centred(canvas, course.title_en, top - 73 * mm, 13, font=font, width=width, color=GOLD)
    where = session.place_zh if session.place_zh else "线上 Online"
    if session.place_en:
        where = f"{where} / {session.place_en}"
    centred(
        canvas,
        f"{timezone.localtime(session.starts_at):%Y-%m-%d} · {where} · 学时 Hours: {enrolment.hours_credited}",
        top - 84 * mm,
        11,
        font=font,
        width=width,
    )
    organiser = session.organiser
    by = f"{organiser.name_zh} / {organiser.name_en}" if organiser else "工业和信息化部 / MIIT"
    left, line_y = 30 * mm, 36 * mm
    canvas.setFillColor(NAVY)
    for number, (label, value) in enumerate(
        (
            ("证书编号 Certificate No.", enrolment.certificate_number),
            ("结业日期 Completed on", enrolment.completed_on.isoformat()),
            ("主办单位 Organised by", by),
        )
    ):
        canvas.setFont(font, 11)
        canvas.drawString(left, line_y + (2 - number) * 7 * mm, f"{label}:  {value}")
    size = 30 * mm
    qr(canvas, verify_url(enrolment), page_width - 30 * mm - size, 26 * mm, size)
    canvas.setFillColor(NAVY)
    canvas.setFont(font, 8)
    canvas.drawCentredString(page_width - 30 * mm - size / 2, 22 * mm, "扫码核验（输入持证人姓名） Scan to verify")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
