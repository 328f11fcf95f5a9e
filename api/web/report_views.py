"""Báo cáo: the period's report tables, charts, late list, KPIs; downloads; the 766 index.

Who sees what is decided in :mod:`api.reporting` (auditors and administrators
everything, leaders and heads their own agency). The period is a month
(``2026-10``: 21/09–20/10), a quarter (``2026-Q3``) or a year (``2026``).
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, render_template, request, send_file, url_for

from engine.reports.export_docx import to_docx
from engine.reports.export_xlsx import to_xlsx
from engine.reports.layout import kpi_row, percent
from engine.reports.periods import Period
from engine.reports.service import ReportService
from engine.runtime.paperwork import FormNotApplicable, render_tracking_book

from ..auth import engine, login_required
from ..reporting import (
    EVERYTHING_ROLES,
    RATE_LABELS,
    REPORT_ROLES,
    BadPeriod,
    parse_report_period,
    report_service,
    report_unit,
    scope_rates,
)
from . import NAV, bp
from .charts import bar_chart, line_chart
from .common import organisation, user

NAV.append(("web.reports", "Báo cáo", REPORT_ROLES))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTIONS = (
    ("by_procedure", "Theo thủ tục hành chính", "Thủ tục hành chính"),
    ("by_unit", "Theo cơ quan giải quyết", "Cơ quan"),
    ("by_field", "Theo lĩnh vực", "Lĩnh vực"),
    ("by_level", "Theo cấp", "Cấp"),
)


def current_period_code(reports: ReportService) -> str:
    """The report month holding today: after the closing day it is next month's."""
    today = reports.now().astimezone(reports.tz).date()
    month = date(today.year, today.month, 1)
    if today.day > reports.settings.month_closing_day:
        month = (month + timedelta(days=32)).replace(day=1)
    return f"{month:%Y-%m}"


def period_choices(reports: ReportService) -> list[str]:
    """Recent months, quarters and years for the picker's suggestions."""
    year, month = (int(part) for part in current_period_code(reports).split("-"))
    months = [
        f"{(year * 12 + month - 1 - i) // 12:04d}-{(month - 1 - i) % 12 + 1:02d}" for i in range(12)
    ]
    quarter = (month - 1) // 3 + 1
    quarters = [
        f"{(year * 4 + quarter - 1 - i) // 4:04d}-Q{(quarter - 1 - i) % 4 + 1}" for i in range(4)
    ]
    return months + quarters + [f"{year:04d}", f"{year - 1:04d}"]


def read_period(reports: ReportService) -> Period:
    return parse_report_period(
        reports, request.args.get("ky", "").strip() or current_period_code(reports)
    )


def _picker(
    reports: ReportService, unit: str | None, text: str, page: str = "web.reports"
) -> dict[str, Any]:
    """What the period and unit picker needs."""
    return {
        "action": url_for(page),
        "choices": period_choices(reports),
        "units": _unit_choices(),
        "unit": unit,
        "period_text": text,
        "everything": bool(user().roles & EVERYTHING_ROLES),
    }


def _unit_choices() -> list[tuple[str, str]]:
    """Agencies the user may pick: all for auditors/administrators, else their own inside."""
    me = user()
    units = organisation()
    own = report_unit(me, None)
    return [
        (u.id, u.name)
        for u in units.units.values()
        if u.is_agency and (own is None or units.belongs_to(u.id, own))
    ]


@bp.errorhandler(BadPeriod)
def bad_period(error: BadPeriod) -> Any:
    """A period that cannot be read: the page again, its picker and the message (400)."""
    page = "web.index766" if request.endpoint == "web.index766" else "web.reports"
    template = "index766.html" if page == "web.index766" else "reports.html"
    return (
        render_template(
            template,
            error=error.message,
            **_picker(report_service(), None, request.args.get("ky", ""), page),
        ),
        400,
    )


@bp.get("/bao-cao")
@login_required
def reports() -> Any:
    unit = report_unit(user(), request.args.get("don_vi"))
    service = report_service()
    period = read_period(service)
    report = service.dossier_report(period, unit)
    rates = scope_rates(period, unit)
    return render_template(
        "reports.html",
        report=report,
        period=period,
        **_picker(service, unit, period.code),
        sections=[(getattr(report, a), heading, first) for a, heading, first in SECTIONS],
        charts=_charts(report),
        kpis=[kpi_row(r) for r in report.kpis.results],
        rates=[(RATE_LABELS[name], ratio) for name, ratio in rates.ratios.items()],
        percent=percent,
    )


def _charts(report: Any) -> dict[str, Any]:
    levels = [(line.label, float(line.counts.resolved)) for line in report.by_level]
    units = [(line.label, line.counts.on_time_rate) for line in report.by_unit]
    fields = [(line.label, float(line.counts.received)) for line in report.by_field]
    return {
        "levels": bar_chart(levels, "Số hồ sơ đã giải quyết theo cấp"),
        "units": bar_chart(units, "Tỷ lệ giải quyết đúng hạn theo cơ quan", maximum=100, unit=" %"),
        "fields": bar_chart(fields, "Số hồ sơ mới tiếp nhận theo lĩnh vực"),
    }


@bp.get("/bao-cao/tai-ve/<kind>")
@login_required
def report_download(kind: str) -> Any:
    unit = report_unit(user(), request.args.get("don_vi"))
    service = report_service()
    if kind not in ("xlsx", "docx"):
        abort(404)
    period = read_period(service)
    report = service.dossier_report(period, unit)
    content = to_xlsx(report) if kind == "xlsx" else to_docx(report)
    name = f"bao_cao_{period.code}{'_' + unit if unit else ''}.{kind}"
    return send_file(
        io.BytesIO(content),
        mimetype=XLSX if kind == "xlsx" else DOCX,
        as_attachment=True,
        download_name=name,
    )


@bp.get("/bao-cao/so-theo-doi")
@login_required
def tracking_book() -> Any:
    """Mẫu 07 for the period: the agency's book (an auditor picks the agency)."""
    unit = report_unit(user(), request.args.get("don_vi"))
    service = report_service()
    period = read_period(service)
    try:
        content, name = render_tracking_book(engine(), period.first_day, period.last_day, unit)
    except FormNotApplicable as error:
        raise FormNotApplicable(
            f"Từ {period.first_day:%d/%m/%Y} đến {period.last_day:%d/%m/%Y} có hồ sơ của nhiều "
            "cơ quan: chọn một cơ quan ở ô “Đơn vị” rồi tải sổ theo dõi."
        ) from error
    return send_file(io.BytesIO(content), mimetype=DOCX, as_attachment=True, download_name=name)


@bp.get("/bao-cao/766")
@login_required
def index766() -> Any:
    unit = report_unit(user(), request.args.get("don_vi"))
    service = report_service()
    period = read_period(service)
    index = service.service_index(period, unit)
    kind, key = ("unit", unit) if unit else ("all", "")
    trend = service.trend(kind, key or "")
    points = [(_week(p.period_start), p.scaled) for p in trend]
    return render_template(
        "index766.html",
        index=index,
        period=period,
        **_picker(service, unit, period.code, "web.index766"),
        trend=trend,
        trend_chart=line_chart(points, "Chỉ số 766 theo tuần (thang điểm 100)"),
        percent=percent,
    )


def _week(start: datetime) -> str:
    return f"{start:%d/%m}"
