"""Left-to-right layout of a compiled procedure for Camunda Modeler and bpmn.io.

The diagram is a grid: one column per element along the process, one row per
swimlane (a lane gets several rows when parallel branches of the same unit sit
in one column). Shapes sit in the middle of their cells, so the margins
between columns and the band under every row are free of shapes; edges that
cannot go straight run along those free channels and never cross a shape:

- next to each other on a row: a straight line;
- into the next column on another row: an elbow through the gap between them;
- otherwise along the band under the source's row (a return loop is drawn
  back under the row, visibly), then up or down the gap left of the target.

Everything is integer arithmetic on the plan's order, so the same plan always
gives the same coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Shape", "Bounds", "Point", "LayoutPlan", "Diagram", "lay_out"]

Point = tuple[int, int]

POOL_X = 150
POOL_Y = 80
POOL_LABEL = 30
LANE_LABEL = 30
CONTENT_MARGIN = 20
SLOT_HEIGHT = 120
BAND_PADDING = 10
TRACK_SPACING = 10
BOX_INSET = 20
GAP_OFFSETS = (4, 9, 14)  # below BOX_INSET and every shape margin: a gap line touches nothing


class Shape(StrEnum):
    TASK = "task"
    GATEWAY = "gateway"
    EVENT = "event"


_SIZE = {Shape.TASK: (100, 80), Shape.GATEWAY: (50, 50), Shape.EVENT: (36, 36)}
_COLUMN_WIDTH = {Shape.TASK: 150, Shape.GATEWAY: 100, Shape.EVENT: 100}


@dataclass(frozen=True)
class Bounds:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def center_x(self) -> int:
        return self.x + self.width // 2

    @property
    def center_y(self) -> int:
        return self.y + self.height // 2


@dataclass(frozen=True)
class _Cell:
    column: int
    lane: str
    slot: int
    shape: Shape


@dataclass(frozen=True)
class _Box:
    members: tuple[str, ...]
    anchor: str  # the member whose row the box's incoming and outgoing edges use


@dataclass(frozen=True)
class _Edge:
    id: str
    source: str
    target: str
    loop_back: bool  # drawn from the source's left side back to the target (supplement return)


@dataclass
class LayoutPlan:
    """What goes where on the grid, in the order the compiler met it."""

    lanes: list[str] = field(default_factory=list)
    columns: list[Shape] = field(default_factory=list)
    cells: dict[str, _Cell] = field(default_factory=dict)
    boxes: dict[str, _Box] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edges: list[_Edge] = field(default_factory=list)

    def new_column(self, shape: Shape) -> int:
        self.columns.append(shape)
        return len(self.columns) - 1

    def widen(self, column: int, shape: Shape) -> None:
        if _COLUMN_WIDTH[shape] > _COLUMN_WIDTH[self.columns[column]]:
            self.columns[column] = shape

    def place(self, element_id: str, shape: Shape, column: int, lane: str, slot: int = 0) -> None:
        if lane not in self.lanes:
            self.lanes.append(lane)
        self.widen(column, shape)
        self.cells[element_id] = _Cell(column, lane, slot, shape)

    def box(self, box_id: str, members: Iterable[str], anchor: str) -> None:
        self.boxes[box_id] = _Box(tuple(members), anchor)

    def group(self, group_id: str, members: Iterable[str]) -> None:
        self.groups[group_id] = tuple(members)

    def connect(self, edge_id: str, source: str, target: str, *, loop_back: bool = False) -> None:
        self.edges.append(_Edge(edge_id, source, target, loop_back))

    def lane_order(self, first: Iterable[str]) -> None:
        """Put these lanes on top, in this order, the others below as they came."""
        leading = [lane for lane in first if lane in self.lanes]
        self.lanes = leading + [lane for lane in self.lanes if lane not in leading]


@dataclass
class Diagram:
    participant: Bounds
    lanes: dict[str, Bounds]
    shapes: dict[str, Bounds]
    edges: dict[str, list[Point]]


@dataclass(frozen=True)
class _Node:
    """A shape or a box on the grid: the columns and rows it covers."""

    first_column: int
    last_column: int
    top_row: int
    bottom_row: int
    anchor_row: int
    plain: bool


@dataclass
class _Route:
    kind: str
    band_row: int = 0
    track: int = 0
    source_gap: int = 0
    target_gap: int = 0


class _Grid:
    def __init__(self, plan: LayoutPlan):
        self.plan = plan
        slots = {lane: 1 for lane in plan.lanes}
        for cell in plan.cells.values():
            slots[cell.lane] = max(slots[cell.lane], cell.slot + 1)
        self.rows = [(lane, slot) for lane in plan.lanes for slot in range(slots[lane])]
        self.row_of = {key: index for index, key in enumerate(self.rows)}
        self.nodes = {element: self._shape_node(cell) for element, cell in plan.cells.items()}
        for box_id, box in plan.boxes.items():
            self.nodes[box_id] = self._box_node(box)
        self.occupied: set[tuple[int, int]] = set()
        for node in self.nodes.values():
            for column in range(node.first_column, node.last_column + 1):
                for row in range(node.top_row, node.bottom_row + 1):
                    self.occupied.add((column, row))
        self.tracks: dict[int, int] = {}
        self.gaps: dict[tuple[int, str], int] = {}

    def _shape_node(self, cell: _Cell) -> _Node:
        row = self.row_of[(cell.lane, cell.slot)]
        return _Node(cell.column, cell.column, row, row, row, True)

    def _box_node(self, box: _Box) -> _Node:
        members = [self._shape_node(self.plan.cells[m]) for m in box.members]
        anchor = self._shape_node(self.plan.cells[box.anchor])
        return _Node(
            min(m.first_column for m in members),
            max(m.last_column for m in members),
            min(m.top_row for m in members),
            max(m.bottom_row for m in members),
            anchor.anchor_row,
            False,
        )

    def free(self, cells: Iterable[tuple[int, int]]) -> bool:
        return not any(cell in self.occupied for cell in cells)

    def route(self, edge: _Edge) -> _Route:
        s, t = self.nodes[edge.source], self.nodes[edge.target]
        if edge.loop_back and self._corner_free(s, t):
            return _Route("corner")
        if (
            s.anchor_row == t.anchor_row
            and t.first_column > s.last_column
            and self.free((c, s.anchor_row) for c in range(s.last_column + 1, t.first_column))
        ):
            return _Route("straight")
        if t.first_column == s.last_column + 1:
            return _Route("elbow", target_gap=self._gap(t.first_column, "left"))
        if s.plain and t.plain and s.first_column == t.first_column and self._column_free(s, t):
            return _Route("vertical")
        if t.first_column > s.last_column and self._corner_free(s, t):
            return _Route("corner")
        return self._channel(s, t)

    def _column_free(self, s: _Node, t: _Node) -> bool:
        low, high = sorted((s.anchor_row, t.anchor_row))
        return self.free((s.first_column, r) for r in range(low + 1, high))

    def _corner_free(self, s: _Node, t: _Node) -> bool:
        if not (s.plain and t.plain) or s.anchor_row == t.anchor_row:
            return False
        low, high = sorted((s.first_column, t.first_column))
        across = [(c, s.anchor_row) for c in range(low + 1, high)] + [
            (t.first_column, s.anchor_row)
        ]
        top, bottom = sorted((s.anchor_row, t.anchor_row))
        down = [(t.first_column, r) for r in range(top + 1, bottom)]
        return self.free(across + down)

    def _channel(self, s: _Node, t: _Node) -> _Route:
        band = s.bottom_row
        if self._crosses_box(band, s, t):
            band = len(self.rows) - 1
            route = _Route(
                "bottom", band_row=band, source_gap=self._gap(s.last_column + 1, "right")
            )
        else:
            route = _Route("channel", band_row=band)
        route.track = self.tracks.get(band, 0)
        self.tracks[band] = route.track + 1
        route.target_gap = self._gap(t.first_column, "left")
        return route

    def _crosses_box(self, band: int, s: _Node, t: _Node) -> bool:
        low = min(s.first_column, t.first_column)
        high = max(s.last_column, t.first_column)
        for node in self.nodes.values():
            if node.plain or node in (s, t):
                continue
            overlaps = node.first_column <= high and low <= node.last_column
            if overlaps and node.top_row <= band < node.bottom_row:
                return True
        return False

    def _gap(self, column: int, side: str) -> int:
        key = (column, side)
        index = self.gaps.get(key, 0)
        self.gaps[key] = index + 1
        return GAP_OFFSETS[index % len(GAP_OFFSETS)]


def lay_out(plan: LayoutPlan) -> Diagram:
    """Coordinates for every lane, shape, box, group and edge of the plan."""
    grid = _Grid(plan)
    routes = {edge.id: grid.route(edge) for edge in plan.edges}
    geometry = _Geometry(plan, grid)
    shapes = {element: geometry.shape_bounds(element) for element in plan.cells}
    for box_id in plan.boxes:
        shapes[box_id] = geometry.box_bounds(box_id)
    for group_id, members in plan.groups.items():
        shapes[group_id] = _around([shapes[m] for m in members], 12)
    edges = {
        edge.id: geometry.waypoints(edge, routes[edge.id], shapes[edge.source], shapes[edge.target])
        for edge in plan.edges
    }
    return Diagram(geometry.participant(), geometry.lane_bounds(), shapes, edges)


class _Geometry:
    def __init__(self, plan: LayoutPlan, grid: _Grid):
        self.plan = plan
        self.grid = grid
        self.column_x: list[int] = []
        x = POOL_X + POOL_LABEL + LANE_LABEL + CONTENT_MARGIN
        for shape in plan.columns:
            self.column_x.append(x)
            x += _COLUMN_WIDTH[shape]
        self.right = x + CONTENT_MARGIN
        self.slot_top: list[int] = []
        self.band_top: list[int] = []
        self.lane_spans: dict[str, tuple[int, int]] = {}
        y = POOL_Y
        for index, (lane, _slot) in enumerate(grid.rows):
            top = self.lane_spans.get(lane, (y, y))[0]
            self.slot_top.append(y)
            y += SLOT_HEIGHT
            self.band_top.append(y)
            y += 2 * BAND_PADDING + TRACK_SPACING * max(grid.tracks.get(index, 0) - 1, 0)
            self.lane_spans[lane] = (top, y)
        self.bottom = y

    def participant(self) -> Bounds:
        return Bounds(POOL_X, POOL_Y, self.right - POOL_X, self.bottom - POOL_Y)

    def lane_bounds(self) -> dict[str, Bounds]:
        x = POOL_X + POOL_LABEL
        return {
            lane: Bounds(x, top, self.right - x, bottom - top)
            for lane, (top, bottom) in self.lane_spans.items()
        }

    def column_width(self, column: int) -> int:
        return _COLUMN_WIDTH[self.plan.columns[column]]

    def row_center(self, row: int) -> int:
        return self.slot_top[row] + SLOT_HEIGHT // 2

    def shape_bounds(self, element: str) -> Bounds:
        cell = self.plan.cells[element]
        width, height = _SIZE[cell.shape]
        center_x = self.column_x[cell.column] + self.column_width(cell.column) // 2
        center_y = self.row_center(self.grid.row_of[(cell.lane, cell.slot)])
        return Bounds(center_x - width // 2, center_y - height // 2, width, height)

    def box_bounds(self, box_id: str) -> Bounds:
        node = self.grid.nodes[box_id]
        left = self.column_x[node.first_column] + BOX_INSET
        right = self.column_x[node.last_column] + self.column_width(node.last_column) - BOX_INSET
        top = self.slot_top[node.top_row] + BOX_INSET // 2
        bottom = self.slot_top[node.bottom_row] + SLOT_HEIGHT - BOX_INSET // 2
        return Bounds(left, top, right - left, bottom - top)

    def track_y(self, route: _Route) -> int:
        return self.band_top[route.band_row] + BAND_PADDING + TRACK_SPACING * route.track

    def waypoints(self, edge: _Edge, route: _Route, s: Bounds, t: Bounds) -> list[Point]:
        source, target = self.grid.nodes[edge.source], self.grid.nodes[edge.target]
        sy = s.center_y if source.plain else self.row_center(source.anchor_row)
        ty = t.center_y if target.plain else self.row_center(target.anchor_row)
        if route.kind == "straight":
            return [(s.right, sy), (t.x, sy)]
        if route.kind == "elbow":
            gap_x = self.column_x[target.first_column] - route.target_gap
            if sy == ty:
                return [(s.right, sy), (t.x, ty)]
            return [(s.right, sy), (gap_x, sy), (gap_x, ty), (t.x, ty)]
        if route.kind == "vertical":
            if t.y > s.y:
                return [(s.center_x, s.bottom), (t.center_x, t.y)]
            return [(s.center_x, s.y), (t.center_x, t.bottom)]
        if route.kind == "corner":
            start_x = s.x if t.center_x < s.center_x else s.right
            end_y = t.y if t.y > sy else t.bottom
            return [(start_x, sy), (t.center_x, sy), (t.center_x, end_y)]
        gap_x = self.column_x[target.first_column] - route.target_gap
        band_y = self.track_y(route)
        if route.kind == "channel":
            return [
                (s.center_x, s.bottom),
                (s.center_x, band_y),
                (gap_x, band_y),
                (gap_x, ty),
                (t.x, ty),
            ]
        exit_x = self.column_x[source.last_column] + self.column_width(source.last_column)
        exit_x += route.source_gap
        return [
            (s.right, sy),
            (exit_x, sy),
            (exit_x, band_y),
            (gap_x, band_y),
            (gap_x, ty),
            (t.x, ty),
        ]


def _around(bounds: list[Bounds], padding: int) -> Bounds:
    left = min(b.x for b in bounds) - padding
    top = min(b.y for b in bounds) - padding
    right = max(b.right for b in bounds) + padding
    bottom = max(b.bottom for b in bounds) + padding
    return Bounds(left, top, right - left, bottom - top)
