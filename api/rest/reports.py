"""Báo cáo: the monthly, quarterly and yearly report, the Decision 766 index, the rates.

Who may read which report is decided in :mod:`api.reporting` (auditors and
administrators everything, leaders and heads their own agency; ``unit``
narrows it). A report is JSON, or the official XLSX / DOCX with
``?format=xlsx|docx`` or an ``Accept`` header naming one of those types.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from engine.reports.export_docx import to_docx
from engine.reports.export_xlsx import to_xlsx
from engine.reports.periods import Period, PeriodKind

from ..reporting import (
    RATE_LABELS,
    REPORT_ROLES,
    parse_report_period,
    report_service,
    report_unit,
    scope_rates,
)
from .requests import caller, requires
from .schemas import ApiSchema, one_of

PREFIX = "/reports"
blp = Blueprint("reports", __name__, description="Báo cáo, chỉ số 766, tỷ lệ số hóa")

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"json": JSON, "xlsx": XLSX, "docx": DOCX}
KINDS = {"monthly": PeriodKind.MONTH, "quarterly": PeriodKind.QUARTER, "yearly": PeriodKind.YEAR}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_REPORT_JSON = {"schema": {"$ref": "#/components/schemas/Report"}}


class ScopeArgs(ApiSchema):
    unit = fields.String(
        metadata={"description": "an agency or unit id; default: the caller's whole scope"}
    )


class ReportArgs(ScopeArgs):
    format = fields.String(
        validate=one_of(tuple(FORMATS)),
        metadata={"description": "json (default), xlsx or docx; else the Accept header decides"},
    )


class PeriodSchema(ApiSchema):
    kind = fields.String(required=True)
    code = fields.String(required=True, metadata={"example": "2026-10"})
    label = fields.String(required=True, metadata={"example": "Tháng 10 năm 2026"})
    first_day = fields.String(required=True, metadata={"example": "2026-09-21"})
    last_day = fields.String(required=True, metadata={"example": "2026-10-20"})


class ReportSchema(ApiSchema):
    period = fields.Nested(PeriodSchema, required=True)
    generated_at = fields.String(required=True)
    scope = fields.Dict(required=True)
    total = fields.Dict(required=True)
    by_level = fields.List(fields.Dict(), required=True)
    by_field = fields.List(fields.Dict(), required=True)
    by_unit = fields.List(fields.Dict(), required=True)
    by_procedure = fields.List(fields.Dict(), required=True)
    late = fields.Dict(required=True)
    kpis = fields.Dict(required=True)


class TrendPointSchema(ApiSchema):
    week_start = fields.String(required=True)
    week_end = fields.String(required=True)
    score = fields.Float(required=True)
    max_points = fields.Float(required=True)
    scaled = fields.Float(allow_none=True)
    band = fields.String(allow_none=True)
    complete = fields.Boolean(required=True)


class IndexSchema(ApiSchema):
    period = fields.Nested(PeriodSchema, required=True)
    scopes = fields.List(
        fields.Dict(), required=True, metadata={"description": "all, then levels, then agencies"}
    )
    trend = fields.List(fields.Nested(TrendPointSchema), required=True)


class RateSchema(ApiSchema):
    name = fields.String(required=True, metadata={"example": "digitisation"})
    label = fields.String(required=True, metadata={"example": "Tỷ lệ hồ sơ được số hóa"})
    numerator = fields.Integer(required=True)
    denominator = fields.Integer(required=True)
    value = fields.Float(allow_none=True, metadata={"description": "null: không tính được"})
    target = fields.Float(required=True)
    meets_target = fields.Boolean(allow_none=True)


class RatesSchema(ApiSchema):
    period = fields.Nested(PeriodSchema, required=True)
    unit = fields.String(allow_none=True)
    received = fields.Integer(required=True)
    with_result = fields.Integer(required=True)
    rates = fields.List(fields.Nested(RateSchema), required=True)


def _period_body(period: Period) -> dict[str, Any]:
    return {
        "kind": period.kind.value,
        "code": period.code,
        "label": period.label,
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
    }


def _chosen_format(asked: str | None) -> str:
    if asked:
        return asked
    best = request.accept_mimetypes.best_match([JSON, XLSX, DOCX], default=JSON)
    return next(name for name, media in FORMATS.items() if media == best)


@blp.route("/<any(monthly,quarterly,yearly):kind>/<period>")
class Report(MethodView):
    @requires(*REPORT_ROLES)
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, ReportSchema)
    @blp.doc(responses={"200": {"content": {JSON: _REPORT_JSON, XLSX: _BINARY, DOCX: _BINARY}}})
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], kind: str, period: str) -> Any:
        """Báo cáo tình hình, kết quả giải quyết TTHC of a month (2026-10), quarter (2026-Q3)
        or year (2026): counts by level, field, unit and procedure, the late list, the KPIs."""
        unit = report_unit(caller(), args.get("unit"))
        service = report_service()
        chosen = parse_report_period(service, period, KINDS[kind])
        report = service.dossier_report(chosen, unit)
        output = _chosen_format(args.get("format"))
        if output == "json":
            return report.as_dict()
        content = to_xlsx(report) if output == "xlsx" else to_docx(report)
        name = f"bao_cao_{chosen.code}{'_' + unit if unit else ''}.{output}"
        response: Response = send_file(
            io.BytesIO(content), mimetype=FORMATS[output], as_attachment=True, download_name=name
        )
        return response


@blp.route("/index766/<period>")
class Index766(MethodView):
    @requires(*REPORT_ROLES)
    @blp.arguments(ScopeArgs, location="query")
    @blp.response(200, IndexSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], period: str) -> dict[str, Any]:
        """Chỉ số 766: six groups of indicators, scores and bands for everything, each level
        and each agency; indicators without data are "not computed" with the reason. With the
        weekly trend of the scope asked (all, or the unit)."""
        unit = report_unit(caller(), args.get("unit"))
        service = report_service()
        chosen = parse_report_period(service, period)
        index = service.service_index(chosen, unit)
        trend = service.trend("unit", unit) if unit else service.trend("all", "")
        return {
            "period": _period_body(chosen),
            "scopes": [scope.as_dict() for scope in index.scopes],
            "trend": [
                {
                    "week_start": p.period_start.isoformat(),
                    "week_end": p.period_end.isoformat(),
                    "score": p.score,
                    "max_points": p.max_points,
                    "scaled": p.scaled,
                    "band": p.band,
                    "complete": p.complete,
                }
                for p in trend
            ],
        }


@blp.route("/rates/<period>")
class Rates(MethodView):
    @requires(*REPORT_ROLES)
    @blp.arguments(ScopeArgs, location="query")
    @blp.response(200, RatesSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], period: str) -> dict[str, Any]:
        """Tỷ lệ: digitisation, electronic results, reuse, online submission and online
        payment of the period; a rate with nothing to count has value null."""
        unit = report_unit(caller(), args.get("unit"))
        chosen = parse_report_period(report_service(), period)
        rates = scope_rates(chosen, unit)
        return {
            "period": _period_body(chosen),
            "unit": unit,
            "received": rates.received,
            "with_result": rates.with_result,
            "rates": [
                {
                    "name": name,
                    "label": RATE_LABELS[name],
                    "numerator": ratio.numerator,
                    "denominator": ratio.denominator,
                    "value": float(ratio.value) if ratio.value is not None else None,
                    "target": float(ratio.target),
                    "meets_target": ratio.meets_target,
                }
                for name, ratio in rates.ratios.items()
            ],
        }
