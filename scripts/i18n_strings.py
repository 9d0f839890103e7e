#!/usr/bin/env python3
"""List the source strings passed to ``tr()`` in the project (``--missing LANG``: only those
the catalog resources/i18n/LANG.json lacks; ``--check LANG``: exit 1 if any is missing)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("commandcentre", "ui", "plugins")


def tr_strings(root: Path = ROOT) -> dict[str, str]:
    """Every literal first argument of a ``tr(...)`` call, with where it was first seen."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "tr" and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value,
                                     f"{path.relative_to(root)}:{node.lineno}")
    return found


def main(argv: list[str]) -> int:
    strings = tr_strings()
    if len(argv) == 2 and argv[0] in ("--missing", "--check"):
        catalog = json.loads((ROOT / "resources" / "i18n" / f"{argv[1]}.json").read_text("utf-8"))
        missing = {s: w for s, w in strings.items() if s not in catalog}
        print(json.dumps(missing, ensure_ascii=False, indent=1))
        return 1 if missing and argv[0] == "--check" else 0
    print(json.dumps(strings, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
