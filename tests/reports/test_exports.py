"""The December report as JSON, XLSX and DOCX, through `motcua report`; figures as counted."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from api.cli import cli
from engine.reports import DossierReport, ReportService
from engine.reports.export_docx import to_docx
from engine.reports.export_xlsx import to_xlsx
from engine.runtime.engine import Engine

from ..runtime.conftest import FIXTURES
from .conftest import Desk, Officers
from .december import build_december

pytestmark = pytest.mark.postgres

# The December totals, in the order of the report's count columns.
TOTALS = [14, 2, 12, 6, 4, 1, 1, 6, 3, 1, 2, 66.67, 2, 1, 1, 4, 2, 2, 1, 1]


@pytest.fixture
def report(engine: Engine, officers: Officers, desk: Desk) -> DossierReport:
    build_december(engine, officers, desk)
    reports = ReportService(engine)
    return reports.dossier_report(reports.parse_period("2026-12"))


def run(database_url: str, *args: str) -> Result:
    env = {
        "MOTCUA_DATABASE__URL": database_url,
        "MOTCUA_PATHS__UNITS": str(FIXTURES / "units.yaml"),
    }
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


def test_the_workbook_has_a_sheet_per_table_with_numbers(report: DossierReport) -> None:
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == [
        "Tổng hợp theo cấp",
        "Theo lĩnh vực",
        "Theo cơ quan giải quyết",
        "Theo thủ tục hành chính",
        "Cán bộ, đơn vị trễ hạn",
        "Chỉ tiêu",
    ]
    sheet = book["Theo lĩnh vực"]
    assert sheet["A2"].value == "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet["A3"].value == "Tháng 12 năm 2026 (từ ngày 21/11/2026 đến ngày 20/12/2026)"
    assert [sheet.cell(row=6, column=c).value for c in (1, 2, 3, 10)] == [
        "STT",
        "Lĩnh vực",
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đã giải quyết",
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=8, max_row=10)]
    assert [row[:2] for row in rows] == [[1, "Hộ tịch"], [2, "Đất đai"], [None, "Tổng cộng"]]
    total = rows[2][2:]
    assert [round(v, 2) if isinstance(v, float) else v for v in total] == TOTALS


def test_the_document_is_landscape_in_times_new_roman_with_the_totals(
    report: DossierReport,
) -> None:
    document = Document(io.BytesIO(to_docx(report)))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    text = [p.text for p in document.paragraphs]
    assert "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "I. Tổng hợp theo cấp" in text and "V. Danh sách cán bộ, đơn vị làm chậm hồ sơ" in text
    fonts = {
        run.font.name for table in document.tables for cell in table._cells
        for p in cell.paragraphs for run in p.runs
    }  # fmt: skip
    assert fonts == {"Times New Roman"}
    levels = document.tables[1]  # the first is the national heading
    assert [c.text for c in levels.rows[1].cells[2:5]] == [
        "Tổng số",
        "Kỳ trước chuyển sang",
        "Mới tiếp nhận",
    ]
    totals = [c.text for c in levels.rows[-1].cells]
    assert totals[1] == "Tổng cộng"
    assert totals[2:] == [
        str(v).replace(".", ",") if isinstance(v, float) else str(v) for v in TOTALS
    ]


def test_motcua_report_monthly_prints_json(report: DossierReport, database_url: str) -> None:
    result = run(database_url, "report", "monthly", "2026-12")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["period"]["first_day"], data["total"]["received"]) == ("2026-11-21", 12)
    assert data["total"]["on_time_rate"] == pytest.approx(66.6667, abs=1e-3)


@pytest.mark.parametrize("output_format", ["xlsx", "docx"])
def test_motcua_report_writes_files(
    report: DossierReport, database_url: str, tmp_path: Path, output_format: str
) -> None:
    target = tmp_path / f"thang-12.{output_format}"
    result = run(
        database_url, "report", "monthly", "2026-12", "--format", output_format, "-o", str(target)
    )
    assert (result.exit_code, result.output.strip()) == (0, str(target))
    assert target.read_bytes()[:2] == b"PK"  # a zip: both formats are Office Open XML


def test_a_period_of_the_wrong_kind_is_refused(database_url: str) -> None:
    result = run(database_url, "report", "quarterly", "2026-12")
    assert result.exit_code == 2
    assert "write the period as 2026-Q3" in result.output


def test_motcua_report_index_shows_scores_and_bands(
    report: DossierReport, database_url: str
) -> None:
    result = run(database_url, "report", "index", "2026-12")
    assert result.exit_code == 0, result.output
    assert "Bộ chỉ số 766 – Tháng 12 năm 2026" in result.output
    assert "UBND xã A:" in result.output
    on_time = next(line for line in result.output.splitlines() if "trước hạn, đúng hạn" in line)
    assert "66.67 %" in on_time and "16.67/20" in on_time  # 4 of 6 resolved, target 80 %
    assert "Chưa tính" in result.output  # the indicators without data say so
