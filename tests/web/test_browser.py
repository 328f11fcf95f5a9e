"""A dossier from reception to result in a real browser: Debian's Chromium driven by Playwright.

The app runs on a real HTTP server on 127.0.0.1 (a thread), on SQLite, with
the project's real procedures, organisation and e-forms. Officers of three
units log in in turn and work the dossier through every step; the citizen
then finds it finished in the public lookup. Screenshots of the inbox and the
dossier page are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from api.app import create_app
from engine.calendar import WorkingCalendar
from engine.clock import FakeClock
from engine.config import Config, PathsConfig
from engine.definitions.loading import known_forms
from engine.definitions.organisation import load_organisation
from engine.digitisation.demo import sample_components
from engine.files import FileStore
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine
from engine.store.db import Database

from ..runtime.conftest import FAST_HASHER, VN
from .conftest import PASSWORD, REPO

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
UNAVAILABLE_MARKER = REPO / ".venv" / ".chromium-unavailable"
ARTIFACTS = REPO / "test-artifacts"
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=VN)
FRIDAY = datetime(2026, 12, 4, 8, 0, tzinfo=VN)
OFFICERS = {  # the real demo organisation's units (procedures/units.yaml)
    "tiepnhan": ("Trần Thị Thu", "mot_cua_xa", ["officer"]),
    "tuphap": ("Lê Văn Bình", "tu_phap_xa", ["officer"]),
    "chutich": ("Nguyễn Văn An", "lanh_dao_xa", ["leader"]),
    "thanhtra": ("Đinh Thị Thanh", None, ["auditor"]),
}
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _chromium_or_skip() -> None:
    """Skip only where Chromium cannot be installed; anywhere else its absence is a failure."""
    if CHROMIUM.is_file():
        return
    if UNAVAILABLE_MARKER.is_file():
        pytest.skip(f"Chromium could not be installed: {UNAVAILABLE_MARKER.read_text().strip()}")
    if os.geteuid() != 0:
        pytest.skip("Chromium is not installed and this user cannot install it (needs root).")
    pytest.fail("Chromium is missing at /usr/bin/chromium: run `make test`, which installs it.")


@pytest.fixture
def server(database: Database, tmp_path: Path) -> Iterator[tuple[str, Engine, FakeClock]]:
    """The real app on an ephemeral port, with the sample procedures and four officers."""
    from werkzeug.serving import make_server

    clock = FakeClock(FRIDAY)
    engine = Engine(
        database,
        WorkingCalendar.from_config(Config()),
        load_organisation(REPO / "procedures" / "units.yaml"),
        clock,
        password_hasher=FAST_HASHER,
        files=FileStore(tmp_path / "uploads", 5 * 1024 * 1024),
    )
    engine.repository.sync_units()
    engine.repository.deploy_paths([REPO / "procedures"], forms=known_forms(REPO / "forms"))
    for username, (name, unit, roles) in OFFICERS.items():
        engine.users.create(username, name, unit, roles, PASSWORD)
    _earlier_dossiers(engine, clock)
    config = dataclasses.replace(
        Config(), base_dir=tmp_path, paths=PathsConfig(forms=REPO / "forms")
    )
    httpd = make_server("127.0.0.1", 0, create_app(config, engine), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", engine, clock
    finally:
        httpd.shutdown()
        thread.join()


def _earlier_dossiers(engine: Engine, clock: FakeClock) -> None:
    """Two dossiers handed to the justice officer on Friday (overdue by Monday), one on Monday."""
    receiver = engine.users.get("tiepnhan").actor
    papers = sample_components(engine, "1.001193")
    for moment, name in (
        (FRIDAY, "Phạm Văn Đức"),
        (FRIDAY, "Lê Thị Hằng"),
        (MONDAY, "Võ Minh Khôi"),
    ):
        clock.set(moment)
        code = engine.runtime.receive("1.001193", Applicant(name), receiver, components=papers)
        assert code.dossier_code is not None
        (first,) = engine.runtime.get(code.dossier_code).open_tasks
        engine.tasks.complete(first.id, receiver)
    clock.set(MONDAY)


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=BROWSER_ARGS,
            locale="vi-VN",
            viewport={"width": 1366, "height": 900},
        )
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        try:
            yield page
        finally:
            context.close()


def test_a_dossier_goes_from_reception_to_result_across_three_units(
    server: tuple[str, Engine, FakeClock], browser_page: Any
) -> None:
    base, engine, clock = server
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)

    log_in(page, base, "tiepnhan")
    code = receive_birth_registration(page)
    assert re.fullmatch(r"000\.31\.36\.H10-261207-\d{4}", code)

    # Reception's own step is already assigned to the receiving officer.
    clock.advance(timedelta(minutes=20))
    page.get_by_role("link", name="Về hộp việc").click()
    page.get_by_role("link", name=code).click()
    decide(page, "Đồng ý, chuyển bước tiếp")
    log_out(page)

    # The justice officer finds it by the applicant's name typed without diacritics.
    clock.advance(timedelta(minutes=40))
    log_in(page, base, "tuphap")
    page.keyboard.press("/")
    page.keyboard.type("nguyen thi hong nhung")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=nguyen"))
    queue = page.locator("section", has=page.get_by_role("heading", name="Việc chờ nhận"))
    expect(queue.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Bỏ lọc").click()
    page.wait_for_url(re.compile(r"/inbox$"))
    expect(page.locator("tr.late")).to_have_count(2)  # Friday's dossiers stand out
    page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)
    page.locator("tr", has_text=code).get_by_role("button", name="Nhận xử lý").click()
    expect(page.locator(".flash")).to_contain_text("Đã nhận xử lý")
    clock.advance(timedelta(minutes=50))
    page.get_by_role("link", name=code).click()
    expect(page.locator(".dossier-info")).to_contain_text("Nguyễn Thị Hồng Nhung")
    page.screenshot(path=str(ARTIFACTS / "task.png"), full_page=True)
    decide(page, "Đồng ý, chuyển bước tiếp")
    log_out(page)

    clock.advance(timedelta(hours=1))
    log_in(page, base, "chutich")
    page.get_by_role("link", name=code).click()
    decide(page, "Đồng ý, chuyển bước tiếp")
    log_out(page)

    clock.advance(timedelta(minutes=30))
    log_in(page, base, "tiepnhan")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name="Trả kết quả")).to_be_visible()
    page.get_by_role("button", name="Trả kết quả").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã trả kết quả hồ sơ {code}")
    page.goto(f"{base}/dossiers/{code}")
    expect(page.locator("h1 .badge")).to_have_text("Đã trả kết quả")
    expect(page.locator("svg.bpmn .node.task.done")).to_have_count(4)
    expect(page.locator("table.sheet tbody tr")).to_have_count(5)
    page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=True)
    log_out(page)

    # An auditor replays the dossier as it stood after its third event.
    log_in(page, base, "thanhtra", start=f"/dossiers/{code}?at=3")
    expect(page.locator("#replay dl")).to_contain_text("Đang giải quyết")
    page.locator("#replay").screenshot(path=str(ARTIFACTS / "replay.png"))
    log_out(page)

    page.goto(f"{base}/tra-cuu")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator(".lookup-result")).to_contain_text("Đã trả kết quả")
    assert "Nguyễn Thị Hồng Nhung" not in page.content()  # no personal data in public
    assert engine.runtime.get(code).status.value == "returned"


def log_in(page: Any, base: str, username: str, start: str = "/") -> None:
    page.goto(f"{base}{start}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def decide(page: Any, decision: str) -> None:
    page.get_by_role("button", name=decision).click()
    expect(page.locator(".flash").first).to_contain_text("Đã hoàn thành")


def receive_birth_registration(page: Any) -> str:
    """Fill the reception form of Đăng ký khai sinh, fix one mistake, get the receipt."""
    page.get_by_role("link", name="Tiếp nhận").click()
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    applicant = {
        "nop__ho_ten": "Nguyễn Thị Hồng Nhung",
        "nop__so_dinh_danh": "07919000123",  # one digit short: corrected below
        "nop__dia_chi": "Thôn 3, xã Phước Lộc",
        "nop__dien_thoai": "0905123456",
    }
    for name, value in applicant.items():
        page.locator(f"#field-{name}").fill(value)
    for code in ("TK", "GCS", "GTTT"):
        page.locator(f"#tick_{code}").check()
    for code, name in (("TK", "to-khai.pdf"), ("GCS", "giay-chung-sinh.pdf")):
        page.locator(f"#file_{code}").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": TINY_PDF}
        )
    fill_birth_declaration(page)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    error = page.locator("#field-nop__so_dinh_danh-error")
    expect(error).to_have_text("Số định danh cá nhân phải gồm 12 chữ số")
    page.screenshot(path=str(ARTIFACTS / "reception.png"), full_page=True)
    assert "Đã tải lên: giay-chung-sinh.pdf" in page.content()  # the scan is kept
    page.locator("#field-nop__so_dinh_danh").fill("079190001234")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    receipt = page.get_by_role("heading", name="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    expect(receipt).to_be_visible()
    # Received Monday 08:00, 8 working hours: 3.5 h to 11:30, 4 h in the afternoon, 0.5 h Tuesday.
    expect(page.locator(".appointment")).to_have_text("08:00 08/12/2026")
    return page.locator(".receipt-code .code").inner_text()


def fill_birth_declaration(page: Any) -> None:
    fields = {
        "kinh_gui": "Ủy ban nhân dân xã Phước Lộc",
        "nguoi_yeu_cau_ho_ten": "Nguyễn Thị Hồng Nhung",
        "nguoi_yeu_cau_dinh_danh": "079190001234",
        "nguoi_yeu_cau_noi_cu_tru": "Thôn 3, xã Phước Lộc",
        "quan_he": "Mẹ",
        "ho_ten": "Trần Minh Khang",
        "ngay_sinh": "2026-11-30",
        "ngay_sinh_bang_chu": "Ngày ba mươi tháng mười một năm hai nghìn không trăm hai mươi sáu",
        "dan_toc": "Kinh",
        "quoc_tich": "Việt Nam",
        "noi_sinh": "Trạm y tế xã Phước Lộc",
        "que_quan": "Xã Phước Lộc",
        "me_ho_ten": "Nguyễn Thị Hồng Nhung",
    }
    for name, value in fields.items():
        page.locator(f"#field-don_tk__{name}").fill(value)
    page.locator("#field-don_tk__gioi_tinh").select_option("nam")
    page.locator("#field-don_tk__cam_doan").check()
