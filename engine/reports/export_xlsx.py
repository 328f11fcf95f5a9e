"""The report as an Excel workbook (openpyxl): one sheet per table, figures as numbers.

Sheets: by level, field, agency and procedure (with a total line), the late
list, and the targets. Leaders and the provincial office re-sort and sum these
tables themselves, so every figure is a number cell, never text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .activity import Counts, Line
from .layout import (
    COUNT_COLUMNS,
    KPI_HEADINGS,
    LATE_HEADINGS,
    SECTIONS,
    TITLE,
    kpi_row,
)
from .service import DossierReport

__all__ = ["to_xlsx"]

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def to_xlsx(report: DossierReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for attribute, heading, first in SECTIONS:
        sheet = book.create_sheet(heading[:31])
        row = _heading(sheet, report, heading)
        _count_table(sheet, row, first, getattr(report, attribute), report.total, attribute)
    _late_sheet(book.create_sheet("Cán bộ, đơn vị trễ hạn"), report)
    _kpi_sheet(book.create_sheet("Chỉ tiêu"), report)
    book.properties.title = f"{TITLE} – {report.period.label}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _heading(sheet: Worksheet, report: DossierReport, heading: str) -> int:
    lines = [
        (report.scope_label.upper(), True),
        (TITLE, True),
        (f"{report.period.label} ({report.period.window_text.lower()})", False),
        (heading, True),
    ]
    for number, (text, bold) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text)
        cell.font = Font(name=FONT, bold=bold, size=13 if number == 2 else 12)
    return len(lines) + 2


def _count_table(
    sheet: Worksheet, top: int, first: str, lines: Sequence[Line], total: Counts, kind: str
) -> None:
    with_code = kind in ("by_procedure", "by_unit")
    fixed = ["STT", *(["Mã"] if with_code else []), first]
    _two_level_header(sheet, top, fixed)
    row = top + 2
    for index, line in enumerate(lines, start=1):
        names: list[object] = [index, *([line.key] if with_code else []), line.label]
        _data_row(sheet, row, names, line.counts, bold=False)
        row += 1
    _data_row(sheet, row, [None, *([None] if with_code else []), "Tổng cộng"], total, bold=True)
    widths = [6, *([16] if with_code else []), 42] + [11] * len(COUNT_COLUMNS)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = sheet.cell(row=top + 2, column=len(fixed) + 1)


def _two_level_header(sheet: Worksheet, top: int, fixed: list[str]) -> None:
    """Fixed columns and ungrouped ones span both header rows; groups head their columns."""
    for number, text in enumerate(fixed, start=1):
        _tall_header(sheet, top, number, text)
    column = len(fixed) + 1
    for group, members in groupby(COUNT_COLUMNS, key=lambda spec: spec.group):
        specs = list(members)
        if group is None:
            for spec in specs:
                _tall_header(sheet, top, column, spec.heading)
                column += 1
            continue
        _header_cell(sheet, top, column, group)
        last = column + len(specs) - 1
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=last)
        for spec in specs:
            _header_cell(sheet, top + 1, column, spec.heading)
            column += 1
    sheet.row_dimensions[top + 1].height = 45


def _tall_header(sheet: Worksheet, top: int, column: int, text: str) -> None:
    _header_cell(sheet, top, column, text)
    sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)


def _header_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=text)
    cell.font = Font(name=FONT, bold=True, size=11)
    cell.alignment = CENTRE
    cell.border = BOX


def _data_row(sheet: Worksheet, row: int, names: list[object], counts: Counts, bold: bool) -> None:
    values: list[object] = [*names, *(spec.value(counts) for spec in COUNT_COLUMNS)]
    percent_at = {len(names) + i for i, s in enumerate(COUNT_COLUMNS) if s.is_percent}
    for index, value in enumerate(values):
        cell = sheet.cell(row=row, column=index + 1, value=value)
        cell.font = Font(name=FONT, bold=bold, size=11)
        cell.border = BOX
        cell.alignment = WRAP if index < len(names) else Alignment(horizontal="right")
        if index in percent_at:
            cell.number_format = "0.00"


def _table(
    sheet: Worksheet, top: int, headings: Sequence[str], rows: Sequence[Sequence[object]]
) -> int:
    for number, text in enumerate(headings, start=1):
        _header_cell(sheet, top, number, text)
    for offset, values in enumerate(rows, start=1):
        for number, value in enumerate(values, start=1):
            cell = sheet.cell(row=top + offset, column=number, value=value)
            cell.font = Font(name=FONT, size=11)
            cell.border = BOX
            cell.alignment = WRAP
    return top + len(rows) + 2


def _late_sheet(sheet: Worksheet, report: DossierReport) -> None:
    row = _heading(sheet, report, "Danh sách cán bộ, đơn vị làm chậm hồ sơ")
    entries = [
        (
            index,
            e.unit_name,
            e.officer_name or "(chưa phân công)",
            e.completed_late,
            e.still_overdue,
            e.dossiers_late,
            ", ".join(e.codes),
        )
        for index, e in enumerate(report.late.entries, start=1)
    ]
    row = _table(sheet, row, LATE_HEADINGS, entries)
    units = [
        (i, u.unit_name, u.officers, u.completed_late, u.still_overdue, u.dossiers_late)
        for i, u in enumerate(report.late.units, start=1)
    ]
    headings = ("STT", "Đơn vị", "Số cán bộ", *LATE_HEADINGS[3:6])
    _table(sheet, row, headings, units)
    for number, width in enumerate((6, 36, 26, 14, 14, 14, 60), start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def _kpi_sheet(sheet: Worksheet, report: DossierReport) -> None:
    row = _heading(sheet, report, "Kết quả thực hiện chỉ tiêu")
    kpis = report.kpis
    rows = [(i, *kpi_row(r)) for i, r in enumerate(kpis.results, start=1)]
    row = _table(sheet, row, KPI_HEADINGS, rows)
    fields = [
        (
            i,
            f.field,
            f.target * 100,
            None if f.ratio.value is None else 100 * f.ratio.value,
            f.ratio.denominator,
            "Đạt" if f.met else "Chưa đạt",
        )
        for i, f in enumerate(kpis.satisfaction_by_field, start=1)
    ]
    headings = ("STT", "Lĩnh vực", "Mục tiêu hài lòng (%)", "Hài lòng (%)", "Số đánh giá", "")
    row = _table(sheet, row, headings, fields)
    target = kpis.officer_target
    note = (
        f"Chỉ tiêu {kpis.yearly_officer_target} hồ sơ/năm, quy đổi cho kỳ: {target:.0f} hồ sơ"
        if target is not None
        else "Chưa tính: không có lịch làm việc"
    )
    sheet.cell(row=row, column=2, value=note).font = Font(name=FONT, italic=True, size=11)
    officers = [
        (
            i,
            o.name,
            o.unit_name or o.unit_id or "",
            o.received,
            round(o.target),
            "Đạt" if o.met else "Chưa đạt",
        )
        for i, o in enumerate(kpis.officers, start=1)
    ]
    headings = ("STT", "Cán bộ tiếp nhận", "Đơn vị", "Hồ sơ tiếp nhận", "Chỉ tiêu kỳ", "")
    _table(sheet, row + 1, headings, officers)
    for number, width in enumerate((6, 48, 14, 14, 12, 12, 70), start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
