"""Reports: the monthly, quarterly and yearly report, KPIs, the Decision 766 index, feedback.

``ReportService`` is the entry point (see :mod:`engine.reports.service`).
"""

from .periods import Period, parse_period
from .service import DossierReport, ReportService

__all__ = ["DossierReport", "Period", "ReportService", "parse_period"]
