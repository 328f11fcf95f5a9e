"""The report as a Word document: A4 landscape, Times New Roman, the national heading.

Laid out with the bricks of the official forms (``forms.templates.docx_layout``):
the reporting agency and the national title side by side, the title and the
period, then one table per section with a two-row header repeated on every page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table, _Cell

from forms.templates.docx_layout import (
    Style,
    national_heading,
    new_document,
    paragraph,
    set_column_widths,
    text_width_mm,
    title,
)

from .activity import Counts, Line
from .layout import COUNT_COLUMNS, KPI_HEADINGS, LATE_HEADINGS, SECTIONS, TITLE, kpi_row, percent
from .service import DossierReport

__all__ = ["to_docx"]

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
TABLE_PT = 8
NAME_MM = 40.0
STT_MM = 9.0
CELL_MARGIN_TWIPS = 40  # 0.7 mm each side: twenty figures must fit across the page


def to_docx(report: DossierReport) -> bytes:
    document = new_document(landscape=True)
    when = report.generated_at.astimezone(report.period.tz)
    national_heading(
        document,
        [(report.scope_label.upper(), Style(bold=True, size=12, align="center"))],
        [f"ngày {when:%d} tháng {when.month} năm {when.year}"],
    )
    title(document, TITLE, f"{report.period.label} ({report.period.window_text.lower()})")
    number = 0
    for number, (attribute, heading, first) in enumerate(SECTIONS):
        _section(document, number, heading)
        _count_table(document, first, getattr(report, attribute), report.total, attribute)
    _section(document, number + 1, "Danh sách cán bộ, đơn vị làm chậm hồ sơ")
    _late_tables(document, report)
    _section(document, number + 2, "Kết quả thực hiện chỉ tiêu")
    _kpi_tables(document, report)
    paragraph(document)
    paragraph(
        document,
        f"Số liệu tổng hợp tự động từ hệ thống lúc {when:%H giờ %M phút, ngày %d/%m/%Y}.",
        Style(italic=True, size=11),
    )
    document.core_properties.title = f"{TITLE} – {report.period.label}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _section(document: DocxDocument, number: int, heading: str) -> None:
    para = paragraph(document, f"{ROMAN[number]}. {heading}", Style(bold=True, size=13))
    para.paragraph_format.space_before = Pt(10)
    para.paragraph_format.keep_with_next = True


# --- the count tables -------------------------------------------------------------------------


def _count_table(
    document: DocxDocument, first: str, lines: Sequence[Line], total: Counts, kind: str
) -> None:
    columns = len(COUNT_COLUMNS)
    each = (text_width_mm(document) - STT_MM - NAME_MM) / columns
    widths = [STT_MM, NAME_MM, *([each] * columns)]
    table = _grid(document, rows=2, columns=columns + 2)
    header = [row.cells for row in table.rows[:2]]
    _tall(header, 0, "STT")
    _tall(header, 1, first)
    column = 2
    for group, members in groupby(COUNT_COLUMNS, key=lambda spec: spec.group):
        specs = list(members)
        if group is None:
            for spec in specs:
                _tall(header, column, spec.heading)
                column += 1
            continue
        merged = header[0][column].merge(header[0][column + len(specs) - 1])
        _write(merged, group, bold=True, align="center")
        for spec in specs:
            _write(header[1][column], spec.heading, bold=True, align="center")
            column += 1
    for index, line in enumerate(lines, start=1):
        label = f"{line.label} ({line.key})" if kind == "by_procedure" else line.label
        _counts_row(table, str(index), label, line.counts, bold=False)
    _counts_row(table, "", "Tổng cộng", total, bold=True)
    set_column_widths(table, widths)


def _counts_row(table: Table, index: str, label: str, counts: Counts, bold: bool) -> None:
    cells = table.add_row().cells
    _write(cells[0], index, bold=bold, align="center")
    _write(cells[1], label, bold=bold, align="left")
    for cell, spec in zip(cells[2:], COUNT_COLUMNS, strict=True):
        value = spec.value(counts)
        text = percent(value) if spec.is_percent else f"{value:g}" if value is not None else ""
        _write(cell, text, bold=bold, align="right")


def _tall(header: list[tuple[_Cell, ...]], column: int, text: str) -> None:
    _write(header[0][column].merge(header[1][column]), text, bold=True, align="center")


# --- the late list and the targets ------------------------------------------------------------


def _late_tables(document: DocxDocument, report: DossierReport) -> None:
    entries = report.late.entries
    if not entries:
        paragraph(document, "Trong kỳ không có bước xử lý nào quá hạn.", Style(size=12))
        return
    rows = [
        (
            str(i),
            e.unit_name,
            e.officer_name or "(chưa phân công)",
            str(e.completed_late),
            str(e.still_overdue),
            str(e.dossiers_late),
            ", ".join(e.codes),
        )
        for i, e in enumerate(entries, start=1)
    ]
    _simple_table(document, LATE_HEADINGS, rows, (8, 50, 42, 22, 22, 22, 86))
    paragraph(document)
    units = [
        (
            str(i),
            u.unit_name,
            str(u.officers),
            str(u.completed_late),
            str(u.still_overdue),
            str(u.dossiers_late),
        )
        for i, u in enumerate(report.late.units, start=1)
    ]
    headings = ("STT", "Đơn vị", "Số cán bộ", *LATE_HEADINGS[3:6])
    _simple_table(document, headings, units, (8, 110, 30, 34, 34, 36))


def _kpi_tables(document: DocxDocument, report: DossierReport) -> None:
    kpis = report.kpis
    rows = [(str(i), *kpi_row(r)) for i, r in enumerate(kpis.results, start=1)]
    _simple_table(document, KPI_HEADINGS, rows, (8, 62, 18, 20, 22, 20, 102))
    if kpis.satisfaction_by_field:
        paragraph(document, "Mức độ hài lòng theo lĩnh vực:", Style(italic=True, size=12))
        fields = [
            (
                str(i),
                f.field,
                f"≥ {percent(100 * f.target, 0)} %",
                f"{percent(None if f.ratio.value is None else 100 * f.ratio.value)} %",
                str(f.ratio.denominator),
                "Đạt" if f.met else "Chưa đạt",
            )
            for i, f in enumerate(kpis.satisfaction_by_field, start=1)
        ]
        field_headings = ("STT", "Lĩnh vực", "Mục tiêu", "Hài lòng", "Số đánh giá", "Đánh giá")
        _simple_table(document, field_headings, fields, (8, 110, 30, 34, 34, 36))
    if kpis.officer_target is None:
        return
    paragraph(
        document,
        f"Số hồ sơ tiếp nhận của từng cán bộ (chỉ tiêu {kpis.yearly_officer_target} hồ sơ/năm, "
        f"quy đổi cho kỳ {kpis.officer_target:.0f} hồ sơ):",
        Style(italic=True, size=12),
    )
    officers = [
        (
            str(i),
            o.name,
            o.unit_name or o.unit_id or "",
            str(o.received),
            "Đạt" if o.met else "Chưa đạt",
        )
        for i, o in enumerate(kpis.officers, start=1)
    ]
    _simple_table(
        document,
        ("STT", "Cán bộ tiếp nhận", "Đơn vị", "Hồ sơ tiếp nhận", "Đánh giá"),
        officers,
        (8, 110, 60, 38, 36),
    )


# --- table plumbing ---------------------------------------------------------------------------


def _grid(document: DocxDocument, rows: int, columns: int) -> Table:
    table = document.add_table(rows=rows, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    for row in table.rows:
        properties = row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    return table


def _simple_table(
    document: DocxDocument,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
) -> None:
    table = _grid(document, rows=1, columns=len(headings))
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        _write(cell, text, bold=True, align="center")
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _write(cell, text, bold=False, align="center" if index == 0 else "left")
    scale = text_width_mm(document) / sum(widths)
    set_column_widths(table, [w * scale for w in widths])


def _write(cell: _Cell, text: str, *, bold: bool, align: str) -> None:
    """Make ``text`` the cell's only paragraph (a merged cell keeps one paragraph)."""
    old = list(cell.paragraphs)
    filled = paragraph(cell, text, Style(bold=bold, size=TABLE_PT, align=align))
    filled.paragraph_format.space_after = Pt(0)
    for para in old:
        para._p.getparent().remove(para._p)
