"""Báo cáo and Chỉ số 766 pages: who sees them, the tables and charts, downloads, bad input."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import openpyxl
from flask.testing import FlaskClient

from engine.clock import FakeClock
from engine.runtime.engine import Engine

from .conftest import hand_over, login, receive, text

# MONDAY_8AM is 07/12/2026: the report month 2026-12 runs 21/11/2026 - 20/12/2026.


def test_a_leader_sees_the_report_of_their_agency_with_tables_and_charts(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    first = receive(engine)
    receive(engine)
    hand_over(engine, first)
    clock.advance(timedelta(days=3))  # the examination step is late now
    login(client, "chutich")
    response = client.get("/bao-cao?ky=2026-12")
    assert response.status_code == 200
    page = text(response)
    assert "UBND xã A · Tháng 12 năm 2026 · Từ ngày 21/11/2026 đến ngày 20/12/2026" in page
    assert "Tổng số hồ sơ nhận giải quyết 2" in page
    for heading in ("Theo thủ tục hành chính", "Theo cơ quan giải quyết", "Theo lĩnh vực"):
        assert heading in page
    assert "Đăng ký khai sinh" in page
    assert "Tổng cộng 2 0 2" in page  # total, carried over, new
    html = response.get_data(as_text=True)
    assert html.count('<svg class="chart bar-chart"') == 3
    assert "Danh sách đơn vị, cán bộ xử lý quá hạn" in page
    assert first in page  # on the late list
    assert "Tỷ lệ hồ sơ nộp trực tuyến ≥ 50 %" in page
    assert "Tỷ lệ hồ sơ được số hóa ≥ 80 % không tính được" in page  # nothing finished yet
    assert 'href="/bao-cao/tai-ve/xlsx?ky=2026-12&amp;don_vi=ubnd_xa"' in html
    assert ">Báo cáo</a>" in html  # in the navigation


def test_officers_do_not_see_reports_and_heads_only_their_agency(
    client: FlaskClient, engine: Engine
) -> None:
    login(client, "tuphap")
    assert ">Báo cáo</a>" not in client.get("/").get_data(as_text=True)
    response = client.get("/bao-cao")
    assert response.status_code == 403
    assert "Chỉ lãnh đạo, trưởng phòng, thanh tra" in text(response)
    login(client, "truongtp")
    assert client.get("/bao-cao").status_code == 200
    refused = client.get("/bao-cao?don_vi=cuc_thue")
    assert refused.status_code == 403
    assert "Bạn chỉ được xem báo cáo của UBND xã A" in text(refused)
    assert client.get("/bao-cao/766?don_vi=cuc_thue").status_code == 403
    assert client.get("/bao-cao/tai-ve/xlsx?don_vi=cuc_thue").status_code == 403


def test_an_auditor_sees_everything_or_picks_a_unit(client: FlaskClient, engine: Engine) -> None:
    receive(engine)
    login(client, "thanhtra")
    everything = text(client.get("/bao-cao?ky=2026-Q4"))
    assert "Quý IV năm 2026 · Từ ngày 21/09/2026 đến ngày 20/12/2026" in everything
    assert "Toàn hệ thống" in everything
    tax = text(client.get("/bao-cao?ky=2026&don_vi=cuc_thue"))
    assert "Thuế cơ sở · Năm 2026" in tax
    assert "Tổng số hồ sơ nhận giải quyết 0" in tax
    unknown = client.get("/bao-cao?don_vi=khong_co")
    assert unknown.status_code == 404
    assert "Không có đơn vị “khong_co”" in text(unknown)


def test_a_bad_period_is_a_clear_message(client: FlaskClient, engine: Engine) -> None:
    login(client, "thanhtra")
    for bad in ("2026-13", "tháng mười", "0000-01", "2026-Q5", "1999"):
        for path in ("/bao-cao", "/bao-cao/766", "/bao-cao/tai-ve/docx", "/bao-cao/so-theo-doi"):
            response = client.get(path, query_string={"ky": bad})
            assert response.status_code == 400, (path, bad)
            assert f"Kỳ báo cáo “{bad}” không hợp lệ" in text(response)
    assert "nhập tháng (2026-10), quý (2026-Q3) hoặc năm (2026)" in text(
        client.get("/bao-cao?ky=2026-13")
    )
    assert "năm báo cáo phải từ 2000 đến 2100" in text(client.get("/bao-cao?ky=1999"))
    assert client.get("/bao-cao/tai-ve/pdf").status_code == 404


def test_the_downloads_open_in_excel_and_word(client: FlaskClient, engine: Engine) -> None:
    code = receive(engine)
    login(client, "chutich")
    xlsx = client.get("/bao-cao/tai-ve/xlsx?ky=2026-12")
    assert xlsx.status_code == 200
    assert "bao_cao_2026-12_ubnd_xa.xlsx" in xlsx.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Đăng ký khai sinh" in cells
    word = client.get("/bao-cao/tai-ve/docx?ky=2026-12")
    paragraphs = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in paragraphs
    book07 = client.get("/bao-cao/so-theo-doi?ky=2026-12")
    assert book07.status_code == 200
    document = docx.Document(io.BytesIO(book07.data))
    cells07 = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert code in cells07


def test_the_tracking_book_of_an_agency_or_of_the_only_agency_with_dossiers(
    client: FlaskClient, engine: Engine
) -> None:
    login(client, "thanhtra")
    receive(engine)
    response = client.get("/bao-cao/so-theo-doi?ky=2026-12&don_vi=cuc_thue")
    assert response.status_code == 200  # an empty book of the tax agency
    assert client.get("/bao-cao/so-theo-doi?ky=2026-12").status_code == 200  # one agency only


def test_the_766_page_shows_groups_missing_indicators_and_the_trend(
    client: FlaskClient, engine: Engine, clock: FakeClock
) -> None:
    from engine.reports.service import ReportService

    receive(engine)
    clock.advance(timedelta(days=7))
    ReportService(engine).take_weekly_snapshot()
    login(client, "thanhtra")
    response = client.get("/bao-cao/766?ky=2026-12")
    assert response.status_code == 200
    page = text(response)
    for group in (
        "Công khai, minh bạch",
        "Tiến độ giải quyết",
        "Dịch vụ công trực tuyến",
        "Thanh toán trực tuyến",
        "Mức độ hài lòng",
        "Số hóa hồ sơ",
    ):
        assert group in page
    assert "chưa tính được" in page
    assert "Chưa tính:" in page  # the reason beside an indicator without data
    assert "UBND xã A" in page  # the agency's own scope
    html = response.get_data(as_text=True)
    assert '<svg class="chart line-chart"' in html
    assert "<circle" in html  # the snapshot taken
