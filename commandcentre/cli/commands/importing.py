"""How an import is reported on the command line, for every register (rosters, plugins)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ...errors import EXIT_INVALID, EXIT_OK
from ...i18n import tr
from ...rosters.importing import ImportPreview, ImportRejected
from ..context import Context


def show_import(ctx: Context, run: Callable[[], ImportPreview], *, dry_run: bool) -> int:
    """Run an import (or its dry run) and print its preview; exit 3 when rows are refused."""
    try:
        preview = run()
    except ImportRejected as err:
        if ctx.as_json:
            ctx.emit(err.preview.as_dict())
        else:
            print(tr("{n} 行不能导入，未写入任何记录：", n=len(err.problems)), file=sys.stderr)
            for problem in err.problems:
                print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    if ctx.as_json:
        ctx.emit(preview.as_dict())
        return EXIT_OK if preview.ok else EXIT_INVALID
    c = preview.counts
    print(tr("{sheet}（表头在第 {row} 行）：新增 {insert} 条，更新 {update} 条，"
             "未变 {unchanged} 条，拒绝 {rejected} 行，跳过 {skipped} 行", sheet=preview.sheet,
             row=preview.header_row, **c))
    if preview.ignored:
        print(tr("未识别的列（未导入）：{columns}", columns="、".join(preview.ignored)))
    for problem in preview.problems:
        print(f"  {problem}")
    if dry_run:
        print(tr("预览：未写入任何记录。") if preview.ok else
              tr("有被拒绝的行：导入时不会写入任何记录。"))
    else:
        print(tr("已导入。"))
    return EXIT_OK if preview.ok else EXIT_INVALID
