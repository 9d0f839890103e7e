"""Shared fixtures and sheet builders for the roster tests (tests/core/test_rosters_*.py).

``roster_schema`` (autouse where imported): until ``m1_7`` is listed in
``commandcentre/storage/migrations/__init__.py``, append its MIGRATION (v1.7) to
``migrations.MIGRATIONS`` and set ``migrations.CURRENT_VERSION`` to it, with monkeypatch, so
every store opened in the test migrates through it; once it is listed, the fixture does
nothing. Session-scoped stores (the demo county, the accounts template) are built before any
function fixture runs, so they stay at the real version; the roster fixtures copy the demo file
with the SQLite backup API (never ``Store.open`` on the shared file) and open the copy, which
migrates only the copy.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from commandcentre.accounts import Role, Session
from commandcentre.storage import Store
from commandcentre.storage.migrations.m1_7 import MIGRATION

ADMIN = Session("acc-admin", "admin", "管理员", Role.ADMINISTRATOR)
OPERATOR = Session("acc-op", "zhiban", "值班员", Role.OPERATOR)
OBSERVER = Session("acc-obs", "guancha", "观察员", Role.OBSERVER)


@pytest.fixture(autouse=True)
def roster_schema(monkeypatch):
    from commandcentre.storage import migrations

    if MIGRATION not in migrations.MIGRATIONS:
        assert migrations.MIGRATIONS[-1].version < MIGRATION.version
        monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, MIGRATION])
        monkeypatch.setattr(migrations, "CURRENT_VERSION", MIGRATION.version)
    return MIGRATION


@pytest.fixture
def rstore(tmp_path, roster_schema):
    """An empty store at the roster schema."""
    store = Store.open(tmp_path / "rosters.db")
    assert store.version >= MIGRATION.version
    yield store
    store.close()


@pytest.fixture
def rdemo_path(demo_db, tmp_path, roster_schema) -> Path:
    """A private copy of the demo county, migrated to the roster schema."""
    path = tmp_path / "demo-rosters.db"
    src, dst = sqlite3.connect(demo_db), sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    Store.open(path).close()  # migrates the copy
    return path


@pytest.fixture
def rdemo(rdemo_path):
    store = Store.open(rdemo_path)
    yield store
    store.close()


def counts(store: Store) -> dict[str, int]:
    """Rows in every table (the audit trail included), to show an import wrote nothing."""
    names = [r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE '%fts%'")]
    return {n: store.scalar(f"SELECT count(*) FROM {n}") for n in names}


def office_sheet(path: Path, title: str, header: list[str], rows: list[list], *,
                 subtitle: str | None = "填报单位：青峪县应急管理局    填报日期：2026年3月1日",
                 merge_down: dict[int, list[tuple[int, int]]] | None = None,
                 footer: bool = True, text_cols: tuple[int, ...] = ()) -> Path:
    """A sheet the way an office types it: a merged title row, a 填报单位 line, a 序号 column,
    a bold header, the data (phones as numbers unless ``text_cols``), a blank line and a
    制表人 line. ``merge_down`` = {column: [(first data row, last data row)]} (0-based data
    rows, column counted without 序号) merges a column's cells vertically, as offices do
    for the team name over its members."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    width = len(header) + 1
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=16)
    if subtitle:
        ws.append([subtitle])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(["序号", *header])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    first = ws.max_row + 1
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
        for c in text_cols:
            ws.cell(row=ws.max_row, column=c + 2).number_format = "@"
    for col, spans in (merge_down or {}).items():
        for a, b in spans:
            for r in range(first + a + 1, first + b + 1):
                ws.cell(row=r, column=col + 2).value = None  # only the corner keeps a value
            ws.merge_cells(start_row=first + a, start_column=col + 2, end_row=first + b,
                           end_column=col + 2)
    if footer:
        ws.append([])
        ws.append(["制表人：王晓", None, "审核人：李强"])
    book.save(path)
    return path


WHEN = datetime(2026, 3, 1, 9, 0)
