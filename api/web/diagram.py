"""The process diagram as SVG, drawn on the server from the compiled BPMN's BPMNDI.

Every deployed definition carries the diagram the compiler laid out (pool,
lanes, shapes with their bounds, edges with their waypoints). This module
reads those coordinates and writes plain SVG: lanes as bands with their unit
names, user tasks as rounded boxes with wrapped names, gateways as diamonds,
events as circles, flows as arrows with the decision on them. A
:class:`Progress` colours each task: done, current, late, or not reached. No
script and no inline style: the look comes from ``motcua.css`` classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from markupsafe import Markup

from engine.definitions.bpmn_compile import END_EVENT, START_EVENT
from engine.definitions.bpmn_xml import BPMN, BPMNDI, DC, DI
from engine.definitions.executable import REFUSED_END_EVENT
from engine.runtime.dossier import DossierStatus
from engine.runtime.views import TaskView

__all__ = [
    "Progress",
    "Box",
    "Drawing",
    "read_drawing",
    "render_svg",
    "diagram_svg",
    "task_progress",
    "end_progress",
    "wrap",
]

SVG = "http://www.w3.org/2000/svg"
MARGIN = 10
FONT_SIZE = 11
CHARS_PER_PX = 1 / 6.2  # average width of a character of the page font at 11px
_NODE_KINDS = {
    "userTask": "task",
    "task": "task",
    "exclusiveGateway": "gateway",
    "parallelGateway": "gateway parallel",
    "startEvent": "event start",
    "endEvent": "event end",
    "subProcess": "subprocess",
    "group": "group",
}


@dataclass(frozen=True)
class Progress:
    """Which elements (by BPMN id = step id) are done, open now, or were late."""

    done: frozenset[str] = frozenset()
    current: frozenset[str] = frozenset()
    late: frozenset[str] = frozenset()

    def state_of(self, element_id: str) -> str:
        if element_id in self.late:
            return "late"
        if element_id in self.current:
            return "current"
        if element_id in self.done:
            return "done"
        return "todo"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Drawing:
    """What the BPMN file says to draw, read once per definition."""

    pool: tuple[str, Box] | None = None
    lanes: list[tuple[str, Box]] = field(default_factory=list)
    nodes: list[tuple[str, str, str, Box]] = field(default_factory=list)  # id, kind, name, box
    edges: list[tuple[str, list[tuple[float, float]]]] = field(default_factory=list)
    category_names: dict[str, str] = field(default_factory=dict)

    @property
    def extent(self) -> Box:
        boxes = [b for _, b in self.lanes] + [n[3] for n in self.nodes]
        if self.pool is not None:
            boxes.append(self.pool[1])
        if not boxes:
            return Box(0, 0, 100, 50)
        left = min(b.x for b in boxes)
        top = min(b.y for b in boxes)
        right = max(b.right for b in boxes)
        bottom = max(b.bottom for b in boxes)
        return Box(left, top, right - left, bottom - top)


def read_drawing(bpmn_xml: str) -> Drawing:
    """The shapes, lanes and edges of a BPMN document with their names."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(bpmn_xml.encode("utf-8"), parser)
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    drawing = Drawing()
    for value in root.iter(f"{{{BPMN}}}categoryValue"):
        drawing.category_names[value.get("id", "")] = value.get("value", "")
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        _add_shape(drawing, by_id.get(shape.get("bpmnElement", "")), shape)
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        element = by_id.get(edge.get("bpmnElement", ""))
        points = [
            (float(p.get("x", 0)), float(p.get("y", 0))) for p in edge.iter(f"{{{DI}}}waypoint")
        ]
        if element is not None and len(points) >= 2:
            drawing.edges.append((element.get("name") or "", points))
    return drawing


def _add_shape(drawing: Drawing, element: etree._Element | None, shape: etree._Element) -> None:
    bounds = shape.find(f"{{{DC}}}Bounds")
    if element is None or bounds is None:
        return
    box = Box(*(float(bounds.get(k, 0)) for k in ("x", "y", "width", "height")))
    local = etree.QName(element).localname
    name = element.get("name") or ""
    if local == "participant":
        drawing.pool = (name, box)
    elif local == "lane":
        drawing.lanes.append((name, box))
    elif local in _NODE_KINDS:
        if local == "group":
            name = drawing.category_names.get(element.get("categoryValueRef", ""), "")
        drawing.nodes.append((element.get("id", ""), _NODE_KINDS[local], name, box))


def diagram_svg(bpmn_xml: str, progress: Progress | None = None, label: str = "") -> Markup:
    return render_svg(read_drawing(bpmn_xml), progress, label)


def render_svg(drawing: Drawing, progress: Progress | None = None, label: str = "") -> Markup:
    """The drawing as an inline ``<svg>`` element, coloured by ``progress`` when given."""
    extent = drawing.extent
    svg = etree.Element(
        f"{{{SVG}}}svg",
        nsmap={None: SVG},
        viewBox=_numbers(extent.x - MARGIN, extent.y - MARGIN, *_padded(extent)),
        width=_number(extent.width + 2 * MARGIN),
        height=_number(extent.height + 2 * MARGIN),
        role="img",
    )
    svg.set("class", "bpmn" + (" progress" if progress else ""))
    svg.set("aria-label", label or "Sơ đồ quy trình")
    _defs(svg)
    _pool_and_lanes(svg, drawing)
    for _id, kind, name, box in drawing.nodes:
        if kind in ("group", "subprocess"):
            _container(svg, kind, name, box)
    for name, points in drawing.edges:
        _edge(svg, name, points)
    for element_id, kind, name, box in drawing.nodes:
        if kind not in ("group", "subprocess"):
            state = progress.state_of(element_id) if progress else "todo"
            _node(svg, element_id, kind, name, box, state)
    return Markup(etree.tostring(svg, encoding="unicode"))


def _padded(extent: Box) -> tuple[float, float]:
    return extent.width + 2 * MARGIN, extent.height + 2 * MARGIN


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SVG}}}{tag}")
    for key, value in attributes.items():
        element.set(key.rstrip("_").replace("_", "-"), value)
    return element


def _number(value: float) -> str:
    return f"{value:g}"


def _numbers(*values: float) -> str:
    return " ".join(_number(v) for v in values)


def _defs(svg: etree._Element) -> None:
    defs = _sub(svg, "defs")
    marker = _sub(
        defs,
        "marker",
        id="bpmn-arrow",
        viewBox="0 0 10 10",
        refX="10",
        refY="5",
        markerWidth="7",
        markerHeight="7",
        orient="auto-start-reverse",
    )
    _sub(marker, "path", d="M0,0 L10,5 L0,10 z", class_="arrowhead")


def _pool_and_lanes(svg: etree._Element, drawing: Drawing) -> None:
    if drawing.pool is not None:
        name, box = drawing.pool
        _rect(svg, box, "pool")
        _vertical_label(svg, name, box, "pool-label")
    for name, box in drawing.lanes:
        _rect(svg, box, "lane")
        _vertical_label(svg, name, box, "lane-label")


def _rect(parent: etree._Element, box: Box, css: str, radius: float = 0) -> etree._Element:
    rect = _sub(
        parent,
        "rect",
        x=_number(box.x),
        y=_number(box.y),
        width=_number(box.width),
        height=_number(box.height),
        class_=css,
    )
    if radius:
        rect.set("rx", _number(radius))
    return rect


def _vertical_label(svg: etree._Element, name: str, box: Box, css: str) -> None:
    """A lane's or pool's name written upwards in the band at its left edge."""
    lines = wrap(name, box.height - 8, max_lines=2)
    center_x = box.x + 15
    center_y = box.y + box.height / 2
    text = _sub(
        svg,
        "text",
        x=_number(center_x),
        y=_number(center_y),
        class_=css,
        transform=f"rotate(-90 {_number(center_x)} {_number(center_y)})",
    )
    _lines(text, lines, center_x, center_y)


def _container(svg: etree._Element, kind: str, name: str, box: Box) -> None:
    group = _sub(svg, "g", class_=kind)
    _rect(group, box, "frame", radius=10)
    if name:
        label = _sub(group, "text", x=_number(box.x + 8), y=_number(box.y + 14), class_="label")
        label.text = name


def _edge(svg: etree._Element, name: str, points: list[tuple[float, float]]) -> None:
    path = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
    _sub(svg, "polyline", points=path, class_="flow", marker_end="url(#bpmn-arrow)")
    if name:
        (x1, y1), (x2, y2) = points[0], points[1]
        x, y = (x1 + x2) / 2 + 4, (y1 + y2) / 2 - 4
        label = _sub(svg, "text", x=_number(x), y=_number(y), class_="flow-label")
        label.text = name


def _node(svg: etree._Element, element_id: str, kind: str, name: str, box: Box, state: str) -> None:
    group = _sub(svg, "g", class_=f"node {kind} {state}")
    group.set("data-id", element_id)
    title = _sub(group, "title")
    title.text = name or element_id
    center_x, center_y = box.x + box.width / 2, box.y + box.height / 2
    if kind == "task":
        _rect(group, box, "shape", radius=8)
        text = _sub(group, "text", x=_number(center_x), y=_number(center_y), class_="name")
        _lines(text, wrap(name, box.width - 8, max_lines=4), center_x, center_y)
    elif kind.startswith("gateway"):
        diamond = [
            (center_x, box.y),
            (box.right, center_y),
            (center_x, box.bottom),
            (box.x, center_y),
        ]
        _sub(group, "polygon", points=" ".join(f"{x:g},{y:g}" for x, y in diamond), class_="shape")
        mark = _sub(group, "text", x=_number(center_x), y=_number(center_y), class_="mark")
        mark.text = "+" if "parallel" in kind else "×"
    else:
        _sub(
            group,
            "circle",
            cx=_number(center_x),
            cy=_number(center_y),
            r=_number(box.width / 2),
            class_="shape",
        )
        if name:
            label = _sub(
                group, "text", x=_number(center_x), y=_number(box.bottom + 14), class_="event-name"
            )
            label.text = name


def _lines(text: etree._Element, lines: Iterable[str], x: float, center_y: float) -> None:
    rows = list(lines)
    first = center_y - (len(rows) - 1) * (FONT_SIZE + 2) / 2
    for index, row in enumerate(rows):
        span = _sub(text, "tspan", x=_number(x), y=_number(first + index * (FONT_SIZE + 2)))
        span.text = row


def wrap(text: str, width: float, max_lines: int) -> list[str]:
    """Words in lines that fit ``width`` pixels; the last line ends in … when cut short."""
    limit = max(4, int(width * CHARS_PER_PX))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return [line if len(line) <= limit else line[: limit - 1] + "…" for line in lines]


def task_progress(tasks: Iterable[TaskView], now: datetime, at: datetime | None = None) -> Progress:
    """Colours from a dossier's tasks as they stood at ``at`` (default: now).

    A task open at that moment is current, one completed before it is done;
    either is late when it passed its due time (the timer's mark, or the
    times themselves). The start event is done once the dossier exists, an
    end event once the dossier reached it.
    """
    moment = at or now
    done: set[str] = {START_EVENT}
    current: set[str] = set()
    late: set[str] = set()
    for task in tasks:
        if task.created_at > moment:
            continue
        closed = task.completed_at is not None and task.completed_at <= moment
        if closed and task.status == "completed":
            done.add(task.step_id)
            if _late(task.due_at, task.completed_at):
                late.add(task.step_id)
        elif not closed:
            current.add(task.step_id)
            if (task.late and at is None) or _late(task.due_at, moment):
                late.add(task.step_id)
    return Progress(frozenset(done), frozenset(current), frozenset(late))


def _late(due: datetime | None, moment: datetime | None) -> bool:
    return due is not None and moment is not None and moment > due


def end_progress(progress: Progress, status: DossierStatus) -> Progress:
    """Mark the end event the dossier reached (result returned, or refused)."""
    ends = {DossierStatus.RETURNED: END_EVENT, DossierStatus.REFUSED: REFUSED_END_EVENT}
    if status not in ends:
        return progress
    return Progress(progress.done | {ends[status]}, progress.current, progress.late)
