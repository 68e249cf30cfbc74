"""A year's annual work summaries as MIIT exports them (ARCHITECTURE §9): one XLSX, one PDF bundle, one DOCX.

- XLSX: a "KPIs" sheet with a row per authority (its state, when it was submitted, how late, its KPI data vintage
  and every KPI of the year's template), then the national targets; a sheet per template section with each
  authority's narrative; the "About" sheet of every export (``core.exports.write_xlsx``: formula injection
  neutralised, data vintage stated, written in a stream).
- PDF: a cover (the year, the notice, the deadline, the data vintage and a table of the authorities' states), then
  each authority on a new page: its state, the KPI table and the narrative of each section. All text is set in
  the TrueType CJK font the certificates use (``evaluations.certificate_pdf.cjk_font``).
- DOCX: the same as the PDF, for editing.

Only summaries that have been submitted show their content: the KPI figures frozen at submission and the
narrative (as it stands: a returned summary's may be under revision); a draft, or an authority that has not
started, shows its state only. Every writer takes the ``YearBundle`` of
``summaries.selectors.year_bundle`` and depends on nothing else that changes: the dates written into a document
are the bundle's data vintage, so the same data give the same bytes. Text is in the active language.
"""

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import BinaryIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.exports import Sheet, fixed_zip, vintage_text, write_xlsx
from evaluations.certificate_pdf import cjk_font
from indices.dashboard_selectors import level_names
from summaries.kpis import GROUPS, Kpi
from summaries.models import TemplateSection
from summaries.selectors import BoardRow, YearBundle, board_counts

ProgressCallback = Callable[[int, int], object] | None

NAVY = colors.HexColor("#1d3557")
GREY = colors.HexColor("#5c6670")
GRID = colors.HexColor("#c8cdd4")
SHADE = colors.HexColor("#eef1f5")
DOCX_BODY_FONT, DOCX_HEADING_FONT = "SimSun", "SimHei"  # Word's usual Chinese fonts (the reader's, not embedded)
DOCX_TABLE_SIZE = Pt(9)
BLANK_LINES = re.compile(r"\n\s*\n")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")  # Chinese characters and full-width punctuation


# --- Shared --------------------------------------------------------------------------------------------------------


def submitted(row: BoardRow) -> bool:
    """Whether the authority has submitted its summary (its figures are frozen; it may since have been returned
    or accepted)."""
    return row.summary is not None and row.summary.submitted_at is not None


def _local(moment: datetime | None, *, iso: bool = False) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return local.isoformat(timespec="seconds") if iso else local.strftime("%Y-%m-%d %H:%M")


def figure_text(value, digits: int) -> str:
    """A KPI figure as the documents print it: ``digits`` decimals, a dash where there is no figure."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _clean(text) -> str:
    """User text without the control characters that XML (and so PDF and DOCX) cannot carry."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(text or ""))


def narrative_paragraphs(text: str) -> list[str]:
    """A narrative's paragraphs: split on blank lines (a single line break stays inside its paragraph)."""
    return [part.strip() for part in BLANK_LINES.split(_clean(text).replace("\r\n", "\n").strip()) if part.strip()]


def _sections(bundle: YearBundle) -> list[TemplateSection]:
    return list(bundle.template.sections.all())


def _kpi_titles(bundle: YearBundle) -> list[str]:
    names = level_names()
    return [kpi.title(names) for kpi in bundle.kpis]


def _report(progress: ProgressCallback, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _heading(row: BoardRow) -> str:
    return f"{row.authority.code} · {row.authority.name}"


def _status_parts(row: BoardRow) -> list[str]:
    parts = [_("Status: {status}").format(status=row.status_label)]
    if submitted(row):
        summary = row.summary
        parts.append(_("Submitted at {when}").format(when=_local(summary.submitted_at)))
        if row.days_late:
            parts.append(ngettext("{days} day late", "{days} days late", row.days_late).format(days=row.days_late))
        if summary.data_vintage:
            parts.append(_("KPI data vintage: {when}").format(when=_local(summary.data_vintage)))
    return parts


def _cover_lines(bundle: YearBundle) -> list[str]:
    template = bundle.template
    lines = [_("Year: {year}").format(year=template.year)]
    if template.notice:
        lines.append(_("Notice: {notice}").format(notice=template.notice))
    lines.append(_("Deadline: {date}").format(date=template.deadline.isoformat()))
    lines.append(vintage_text(bundle.vintage))
    counts = [f"{label} {count}" for _status, label, count in board_counts(bundle.rows) if count]
    lines.append(_("Authorities: {counts}").format(counts=" · ".join(counts)))
    return lines


def _cover_row(row: BoardRow) -> list[str]:
    summary = row.summary if submitted(row) else None
    return [
        row.authority.code,
        row.authority.name,
        row.status_label,
        _local(summary.submitted_at) if summary else "",
        str(row.days_late) if summary and row.days_late else "",
    ]


def _cover_headers() -> list[str]:
    return [_("Code"), _("Authority"), _("Status"), _("Submitted at"), _("Days late")]


def _kpi_groups(kpis: list[Kpi], titles: list[str], figures: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The KPIs under their group headings: [(group, [(title, figure text)])], in catalogue order."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for kpi, title in zip(kpis, titles, strict=True):
        group = str(GROUPS[kpi.group])
        if not groups or groups[-1][0] != group:
            groups.append((group, []))
        groups[-1][1].append((title, figure_text(figures.get(kpi.code), kpi.digits)))
    return groups


def _not_submitted_text() -> str:
    return _("Nothing submitted yet: the KPI figures and the narrative appear here once the authority submits.")


# --- XLSX ----------------------------------------------------------------------------------------------------------


def _kpi_sheet_rows(bundle: YearBundle, progress: ProgressCallback):
    total = len(bundle.rows)
    _report(progress, 0, total)
    for done, row in enumerate(bundle.rows, start=1):
        summary = row.summary if submitted(row) else None
        yield [
            row.authority.code,
            row.authority.name,
            row.status_label,
            _local(summary.submitted_at, iso=True) if summary else "",
            row.days_late if summary else None,
            _local(summary.data_vintage, iso=True) if summary else "",
            *[summary.kpis.get(kpi.code) if summary else None for kpi in bundle.kpis],
        ]
        _report(progress, done, total)
    if bundle.targets:
        yield ["", _("National target"), "", "", None, "", *[bundle.targets.get(kpi.code) for kpi in bundle.kpis]]


def _section_sheet_rows(bundle: YearBundle, section: TemplateSection):
    for row in bundle.rows:
        text = row.summary.narratives.get(section.code, "") if submitted(row) else ""
        yield [row.authority.code, row.authority.name, row.status_label, text]


def write_year_xlsx(out: BinaryIO, bundle: YearBundle, progress: ProgressCallback = None) -> None:
    """The year as one workbook: the KPIs of every authority, a sheet per section's narratives, and "About"."""
    headers = [_("Code"), _("Authority"), _("Status"), _("Submitted at"), _("Days late"), _("KPI data vintage")]
    kpi_sheet = Sheet(_("KPIs"), [*headers, *_kpi_titles(bundle)], _kpi_sheet_rows(bundle, progress))
    section_sheets = [
        Sheet(
            section.title,
            [_("Code"), _("Authority"), _("Status"), section.title],
            _section_sheet_rows(bundle, section),
            widths=[8, 30, 14, 100],
            wrap=True,
        )
        for section in _sections(bundle)
    ]
    template = bundle.template
    notes = [
        (_("Year"), str(template.year)),
        (_("Deadline"), template.deadline.isoformat()),
        (_("Template"), template.title),
        (_("Notice"), template.notice),
    ]
    write_xlsx(out, [kpi_sheet, *section_sheets], vintage=bundle.vintage, title=template.title, notes=notes)


# --- PDF -----------------------------------------------------------------------------------------------------------


def _pdf_styles(font: str) -> dict[str, ParagraphStyle]:
    # "CJK" wrapping breaks lines between any two Chinese characters (Chinese has no spaces to break at).
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=16, wordWrap="CJK", spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontSize=20, leading=28, alignment=TA_CENTER, textColor=NAVY, spaceAfter=6
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=12, leading=18, alignment=TA_CENTER, spaceAfter=14
        ),
        "cover": ParagraphStyle("cover", parent=body, fontSize=10, leading=15, alignment=TA_CENTER, spaceAfter=2),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=15, leading=21, textColor=NAVY, spaceAfter=4, keepWithNext=1
        ),
        "section": ParagraphStyle(
            "section",
            parent=body,
            fontSize=12,
            leading=17,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "meta": ParagraphStyle("meta", parent=body, fontSize=9, leading=13, textColor=GREY, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.2, spaceAfter=0),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=8.5, leading=10.2, spaceAfter=0, alignment=TA_RIGHT
        ),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontSize=8.5, leading=10.2, spaceAfter=0, textColor=NAVY),
        # the cover's table of the 37 authorities, to fit one page
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=9.5, spaceAfter=0),
        "small_head": ParagraphStyle("small_head", parent=body, fontSize=8, leading=9.5, spaceAfter=0, textColor=NAVY),
    }


@lru_cache(maxsize=32)
def _latin(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-latin", parent=style, wordWrap=None)


def _para(text, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped for reportlab's mark-up, line breaks kept. Text without Chinese wraps
    at spaces only (the CJK wrapping would break English words anywhere)."""
    text = _clean(text)
    return Paragraph(escape(text).replace("\n", "<br/>"), style if CJK.search(text) else _latin(style))


def _pdf_table(rows: list[list], widths: list[float], *, header: bool = True, extra: list | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands + (extra or [])))
    return table


class _YearPdf(SimpleDocTemplate):
    """The bundle's document: an outline entry per authority, and progress as each authority is laid out."""

    def __init__(self, out, *, progress: ProgressCallback, total: int, **kwargs):
        super().__init__(out, **kwargs)
        self.progress, self.total, self.done = progress, total, 0

    def afterFlowable(self, flowable) -> None:
        mark = getattr(flowable, "outline_mark", None)
        if mark is None:
            return
        key, title, counts = mark
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=0)
        if counts:
            self.done += 1
            _report(self.progress, self.done, self.total)


def _pdf_cover(bundle: YearBundle, styles: dict, width: float) -> list:
    title = _para(bundle.template.title, styles["title"])
    title.outline_mark = ("cover", _("Cover"), False)
    story = [title, _para(_("Annual work summaries of the authorities"), styles["subtitle"])]
    story += [_para(line, styles["cover"]) for line in _cover_lines(bundle)]
    story.append(Spacer(1, 4 * mm))
    cell, head = styles["small"], styles["small_head"]
    rows = [[_para(text, head) for text in _cover_headers()]]
    rows += [[_para(text, cell) for text in _cover_row(row)] for row in bundle.rows]
    fixed = [13 * mm, 26 * mm, 30 * mm, 16 * mm]
    widths = [fixed[0], width - sum(fixed), *fixed[1:]]
    story.append(_pdf_table(rows, widths))
    return story


def _pdf_kpis(bundle: YearBundle, titles: list[str], figures: dict, styles: dict, width: float) -> Table:
    rows, extra = [[_para(_("KPI"), styles["cell_head"]), _para(_("Figure"), styles["cell_head"])]], []
    for group, items in _kpi_groups(bundle.kpis, titles, figures):
        extra += [("SPAN", (0, len(rows)), (1, len(rows))), ("BACKGROUND", (0, len(rows)), (1, len(rows)), SHADE)]
        rows.append([_para(group, styles["cell_head"]), ""])
        rows += [[_para(title, styles["cell"]), _para(value, styles["cell_right"])] for title, value in items]
    return _pdf_table(rows, [width - 40 * mm, 40 * mm], extra=extra)


def _pdf_authority(bundle: YearBundle, row: BoardRow, sections, titles, styles: dict, width: float) -> list:
    heading = _para(_heading(row), styles["heading"])
    heading.outline_mark = (f"authority-{row.authority.code}", _heading(row), True)
    story = [PageBreak(), heading, _para(" · ".join(_status_parts(row)), styles["meta"])]
    if row.summary is not None and row.summary.review_comment:
        story.append(_para(_("MIIT's comments: {comment}").format(comment=row.summary.review_comment), styles["meta"]))
    if not submitted(row):
        story.append(_para(_not_submitted_text(), styles["body"]))
        return story
    story += [Spacer(1, 3 * mm), _pdf_kpis(bundle, titles, row.summary.kpis, styles, width)]
    for section in sections:
        story.append(_para(section.title, styles["section"]))
        paragraphs = narrative_paragraphs(row.summary.narratives.get(section.code, ""))
        story += [_para(text, styles["body"]) for text in paragraphs] or [_para("—", styles["body"])]
    return story


def write_year_pdf(out: BinaryIO, bundle: YearBundle, progress: ProgressCallback = None) -> None:
    """The year as one PDF: a cover, then each authority's summary from a new page; page numbers in the footer.
    Reproducible: reportlab's invariant mode, and the document's dates are the data vintage."""
    font = cjk_font()
    styles = _pdf_styles(font)
    template = bundle.template
    margin = 18 * mm
    width = A4[0] - 2 * margin
    total = len(bundle.rows)
    document = _YearPdf(
        out,
        progress=progress,
        total=total,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=template.title,
        author="QualityPath",
        subject=vintage_text(bundle.vintage),
        creator="QualityPath",
        invariant=1,
    )
    footer_left = f"{template.title} · {vintage_text(bundle.vintage)}"
    page_label = _("Page {number}")
    stamp = timezone.localtime(bundle.vintage)
    offset = int(stamp.utcoffset().total_seconds() // 60)
    pdf_date = "D:{:%Y%m%d%H%M%S}{}{:02d}'{:02d}'".format(stamp, "+" if offset >= 0 else "-", *divmod(abs(offset), 60))

    def first_page(canvas, doc) -> None:
        canvas.setDateFormatter(lambda *_parts: pdf_date)  # the creation date: the vintage, not the clock
        canvas.showOutline()
        later_page(canvas, doc)

    def later_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(margin, 10 * mm, footer_left)
        canvas.drawRightString(A4[0] - margin, 10 * mm, page_label.format(number=doc.page))
        canvas.restoreState()

    _report(progress, 0, total)
    sections, titles = _sections(bundle), _kpi_titles(bundle)
    story = _pdf_cover(bundle, styles, width)
    for row in bundle.rows:
        story += _pdf_authority(bundle, row, sections, titles, styles, width)
    document.build(story, onFirstPage=first_page, onLaterPages=later_page)


# --- DOCX ----------------------------------------------------------------------------------------------------------


def _east_asian_font(style, font: str) -> None:
    """Set the font Word uses for Chinese in ``style`` (python-docx sets only the Latin ones)."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.attrib.pop(qn("w:eastAsiaTheme"), None)  # a theme font would override it


def _docx_setup(document, bundle: YearBundle) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    _east_asian_font(document.styles["Normal"], DOCX_BODY_FONT)
    document.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian_font(document.styles[name], DOCX_HEADING_FONT)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)

    properties, when = document.core_properties, bundle.vintage.astimezone(UTC)
    properties.title = bundle.template.title
    properties.subject = _("Annual work summaries of the authorities")
    properties.author = properties.last_modified_by = "QualityPath"
    properties.comments = vintage_text(bundle.vintage)
    properties.keywords = str(bundle.template.year)
    properties.created = properties.modified = properties.last_printed = when
    properties.revision = 1


def _docx_header_row(row) -> None:
    """Repeat the table's first row at the top of every page it runs onto."""
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _docx_table(document, headers: list[str]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, DOCX_TABLE_SIZE
    _docx_header_row(table.rows[0])
    return table


def _docx_add_row(table, values: list[str], *, right: int | None = None) -> None:
    cells = table.add_row().cells
    for number, (cell, text) in enumerate(zip(cells, values, strict=True)):
        cell.paragraphs[0].add_run(_clean(text)).font.size = DOCX_TABLE_SIZE
        if number == right:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_widths(table, widths: list[float]) -> None:
    """Fix the columns' widths (in mm), on the table's grid and on every cell (a merged cell spans its columns'):
    Word reads the cells', LibreOffice the grid's."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        column = 0
        for cell in row._tr.tc_lst:
            cell.width = Mm(sum(widths[column : column + cell.grid_span]))
            column += cell.grid_span


def _docx_lines(document, text: str, *, grey: bool = False):
    """A paragraph of ``text``, its single line breaks kept as breaks within the paragraph."""
    paragraph = document.add_paragraph()
    for number, line in enumerate(_clean(text).split("\n")):
        if number:
            paragraph.add_run().add_break()
        run = paragraph.add_run(line)
        if grey:
            run.font.color.rgb = RGBColor(0x5C, 0x66, 0x70)
            run.font.size = Pt(9)
    return paragraph


def _docx_cover(document, bundle: YearBundle) -> None:
    document.add_heading(_clean(bundle.template.title), level=0)
    subtitle = _docx_lines(document, _("Annual work summaries of the authorities"))
    subtitle.runs[0].font.size = Pt(13)
    for line in _cover_lines(bundle):
        _docx_lines(document, line)
    widths = [14, 76, 28, 34, 18]
    table = _docx_table(document, _cover_headers())
    for row in bundle.rows:
        _docx_add_row(table, _cover_row(row))
    _docx_widths(table, widths)


def _docx_authority(document, bundle: YearBundle, row: BoardRow, sections, titles) -> None:
    heading = document.add_heading(_clean(_heading(row)), level=1)
    heading.paragraph_format.page_break_before = True
    _docx_lines(document, " · ".join(_status_parts(row)), grey=True)
    if row.summary is not None and row.summary.review_comment:
        _docx_lines(document, _("MIIT's comments: {comment}").format(comment=row.summary.review_comment), grey=True)
    if not submitted(row):
        _docx_lines(document, _not_submitted_text())
        return
    widths = [130, 40]
    table = _docx_table(document, [_("KPI"), _("Figure")])
    for group, items in _kpi_groups(bundle.kpis, titles, row.summary.kpis):
        cells = table.add_row().cells
        merged = cells[0].merge(cells[1])
        run = merged.paragraphs[0].add_run(group)
        run.bold, run.font.size = True, DOCX_TABLE_SIZE
        for title, value in items:
            _docx_add_row(table, [title, value], right=1)
    _docx_widths(table, widths)
    for section in sections:
        document.add_heading(_clean(section.title), level=2)
        paragraphs = narrative_paragraphs(row.summary.narratives.get(section.code, ""))
        for text in paragraphs or ["—"]:
            _docx_lines(document, text)


def write_year_docx(out: BinaryIO, bundle: YearBundle, progress: ProgressCallback = None) -> None:
    """The year as one Word document, to edit: the PDF's cover and pages. Reproducible: the document's dates and
    its zip entries' timestamps are the data vintage."""
    document = Document()
    _docx_setup(document, bundle)
    _docx_cover(document, bundle)
    total = len(bundle.rows)
    _report(progress, 0, total)
    sections, titles = _sections(bundle), _kpi_titles(bundle)
    for done, row in enumerate(bundle.rows, start=1):
        _docx_authority(document, bundle, row, sections, titles)
        _report(progress, done, total)
    buffer = io.BytesIO()
    document.save(buffer)
    out.write(fixed_zip(buffer.getvalue(), bundle.vintage))
