"""Inline SVG charts drawn on the server: no JavaScript library, no network (offline machines).

    bar_chart([("Cấp xã", 12.0), …], "Hồ sơ đã giải quyết theo cấp", maximum=None)
    line_chart([("T47", 72.5), …], "Chỉ số 766 theo tuần", maximum=100)

Both return markup ready for a template (``Markup``), with a title and a
description for screen readers; every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart", "line_chart"]

BAR_HEIGHT = 22
LABEL_WIDTH = 260
BAR_WIDTH = 360
LINE_WIDTH = 640
LINE_HEIGHT = 220
PAD = 36


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _label(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    title: str,
    *,
    maximum: float | None = None,
    unit: str = "",
) -> Markup:
    """Horizontal bars, one per item; an item without a value shows "chưa tính được"."""
    values = [v for _, v in items if v is not None]
    top = maximum if maximum is not None else max(values, default=0.0)
    height = BAR_HEIGHT * max(len(items), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 90
    parts = [
        f'<svg class="chart bar-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for row, (name, value) in enumerate(items):
        y = 4 + row * BAR_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" class="label">'
            f"{escape(_label(name))}</text>"
        )
        if value is None:
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{y + 15}" class="missing">chưa tính được</text>'
            )
            continue
        length = BAR_WIDTH * (value / top) if top > 0 else 0.0
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{max(length, 0.0):.1f}" '
            f'height="{BAR_HEIGHT - 6}" class="bar"><title>{escape(name)}: '
            f"{_number(value)}{escape(unit)}</title></rect>"
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + max(length, 0.0) + 6:.1f}" y="{y + 15}" class="value">'
            f"{_number(value)}{escape(unit)}</text>"
        )
    if not items:
        parts.append(f'<text x="{LABEL_WIDTH}" y="18" class="missing">Không có số liệu</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    points: Sequence[tuple[str, float | None]],
    title: str,
    *,
    maximum: float = 100.0,
) -> Markup:
    """A line through the points left to right (oldest first); gaps where a value is missing."""
    width, height = LINE_WIDTH, LINE_HEIGHT
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD
    parts = [
        f'<svg class="chart line-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{PAD + inner_h}" x2="{PAD + inner_w}" y2="{PAD + inner_h}" '
        'class="axis"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{PAD + inner_h}" class="axis"/>',
    ]
    for tick in (0.0, maximum / 2, maximum):
        y = PAD + inner_h - inner_h * tick / maximum
        parts.append(
            f'<text x="{PAD - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{_number(tick)}</text>"
        )
    if not points:
        parts.append(f'<text x="{PAD + 8}" y="{PAD + 20}" class="missing">Chưa có số liệu</text>')
    step = inner_w / max(len(points) - 1, 1)
    segment: list[str] = []
    for index, (name, value) in enumerate(points):
        x = PAD + step * index if len(points) > 1 else PAD + inner_w / 2
        if value is None:
            parts.append(_polyline(segment))
            segment = []
            continue
        y = PAD + inner_h - inner_h * min(max(value, 0.0), maximum) / maximum
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="point">'
            f"<title>{escape(name)}: {_number(value)}</title></circle>"
        )
        parts.append(
            f'<text x="{x:.1f}" y="{PAD + inner_h + 16}" text-anchor="middle" class="tick">'
            f"{escape(name)}</text>"
        )
    parts.append(_polyline(segment))
    parts.append("</svg>")
    return Markup("".join(parts))


def _polyline(points: list[str]) -> str:
    if len(points) < 2:
        return ""
    return f'<polyline points="{" ".join(points)}" class="line" fill="none"/>'
