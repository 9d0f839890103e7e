"""Map helpers (地图辅助) without a GIS: township areas sketched from their seats.

A county file gives each township's seat (驻地) as a point, not its boundary. For the comms
map's orientation layer, :func:`township_cells` draws each township as the part of the county's
bounding box nearer to its seat than to any other seat (a Voronoi cell, clipped), computed by
clipping the box with one half-plane per neighbour. The result is labelled as a sketch in the
UI; real boundaries replace it when a county supplies them.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[float, float]  # (x, y) = (lon, lat)


def _clip(polygon: list[Point], a: Point, b: Point) -> list[Point]:
    """The part of ``polygon`` nearer to ``a`` than to ``b`` (Sutherland–Hodgman, one edge)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = b[0] - a[0], b[1] - a[1]

    def side(p: Point) -> float:  # < 0 on a's side of the perpendicular bisector
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[Point] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        sc, sp = side(current), side(previous)
        if (sc <= 0) != (sp <= 0):
            t = sp / (sp - sc)
            out.append((previous[0] + t * (current[0] - previous[0]),
                        previous[1] + t * (current[1] - previous[1])))
        if sc <= 0:
            out.append(current)
    return out


def bounds(points: Sequence[Point], margin: float = 0.15) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` around ``points`` with ``margin`` of the span (at least 0.02°)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    dx = max(max(xs) - min(xs), 0.02) * margin
    dy = max(max(ys) - min(ys), 0.02) * margin
    return min(xs) - dx, min(ys) - dy, max(xs) + dx, max(ys) + dy


def township_cells(seats: Sequence[Point], margin: float = 0.15) -> list[list[Point]]:
    """One polygon per seat, in order: the box around all seats split by nearest seat.

    Seats at the same place share a cell (the first keeps it, the others get the same one).
    """
    if not seats:
        return []
    x0, y0, x1, y1 = bounds(seats, margin)
    box = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    cells = []
    for i, seat in enumerate(seats):
        cell = list(box)
        for j, other in enumerate(seats):
            if j != i and other != seat:
                cell = _clip(cell, seat, other)
                if not cell:
                    break
        cells.append(cell)
    return cells


def contains(polygon: Sequence[Point], p: Point) -> bool:
    """Whether ``p`` is inside ``polygon`` or on its edge (ray casting, for tests and hits)."""
    inside = False
    n = len(polygon)
    for i in range(n):
        (ax, ay), (bx, by) = polygon[i], polygon[(i + 1) % n]
        cross = (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)
        if (min(ax, bx) <= p[0] <= max(ax, bx) and min(ay, by) <= p[1] <= max(ay, by)
                and abs(cross) < 1e-12):
            return True
        if (ay > p[1]) != (by > p[1]):
            x = ax + (p[1] - ay) * (bx - ax) / (by - ay)
            if p[0] < x:
                inside = not inside
    return inside
