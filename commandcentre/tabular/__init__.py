"""Office spreadsheets (.xlsx / .csv) the way duty rooms keep them: the generic pieces every
register importer and exporter needs, kept apart from any one register.

- :mod:`.cells`: reading one cell as text, name, phone, code, number, date, 是/否 or list;
- :mod:`.reading`: :func:`open_table` finds the header and streams the data rows;
- :mod:`.writing`: :func:`save_table` writes a printable .xlsx or an Excel-friendly .csv.
"""

from .cells import (
    EXCEL_EPOCH,
    CellError,
    cjk_width,
    code,
    day,
    flag,
    fold,
    header_text,
    integer,
    is_blank,
    items,
    number,
    phone,
    phone_key,
    squash,
)
from .reading import HEADER_SCAN_ROWS, Table, open_table
from .writing import save_table

__all__ = ["EXCEL_EPOCH", "HEADER_SCAN_ROWS", "CellError", "Table", "cjk_width", "code", "day",
           "flag", "fold", "header_text", "integer", "is_blank", "items", "number",
           "open_table", "phone", "phone_key", "save_table", "squash"]
