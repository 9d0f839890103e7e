"""Township cells sketched from seats: each seat in its own cell, cells cover the box."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.geo import bounds, contains, township_cells
from commandcentre.paths import resources_dir

coords = st.tuples(st.floats(99.0, 100.0), st.floats(25.0, 26.5))


def area(polygon) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1]
                   for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True))) / 2


@settings(max_examples=80, deadline=None)
@given(st.lists(coords, min_size=1, max_size=12, unique=True))
def test_each_seat_lies_in_its_cell_and_the_cells_tile_the_box(seats):
    cells = township_cells(seats)
    assert len(cells) == len(seats)
    for seat, cell in zip(seats, cells, strict=True):
        assert contains(cell, seat)
        # Any point of the cell (here: its vertex centroid, inside as the cell is convex) is
        # at least as near to this seat as to any other.
        cx = sum(v[0] for v in cell) / len(cell)
        cy = sum(v[1] for v in cell) / len(cell)
        mine = (cx - seat[0]) ** 2 + (cy - seat[1]) ** 2
        assert all(mine <= (cx - o[0]) ** 2 + (cy - o[1]) ** 2 + 1e-9 for o in seats)
    x0, y0, x1, y1 = bounds(seats)
    assert abs(sum(area(c) for c in cells) - (x1 - x0) * (y1 - y0)) < 1e-6 * (x1 - x0) * (
        y1 - y0) + 1e-12


def test_demo_county_townships():
    county = json.loads((resources_dir() / "demo" / "county.json").read_text(encoding="utf-8"))
    seats = [(t["lon"], t["lat"]) for t in county["townships"]]
    cells = township_cells(seats)
    assert all(len(c) >= 3 for c in cells)
    for i, seat in enumerate(seats):
        assert contains(cells[i], seat)
        assert not any(contains(cells[i], s) for j, s in enumerate(seats) if j != i)


def test_no_seats_no_cells():
    assert township_cells([]) == []
    (cell,) = township_cells([(99.5, 25.8)])
    assert contains(cell, (99.5, 25.8)) and len(cell) == 4
