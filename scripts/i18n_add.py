#!/usr/bin/env python3
"""Add translations to resources/i18n/<lang>.json: ``i18n_add.py en '源文' 'Translation' …``
(pairs of arguments); refuses a pair whose {placeholders} differ."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def main(argv: list[str]) -> int:
    lang, pairs = argv[0], argv[1:]
    if not pairs or len(pairs) % 2:
        print("usage: i18n_add.py LANG SOURCE TRANSLATION [SOURCE TRANSLATION …]")
        return 2
    path = ROOT / "resources" / "i18n" / f"{lang}.json"
    catalog = json.loads(path.read_text(encoding="utf-8"))
    for source, target in zip(pairs[::2], pairs[1::2], strict=True):
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
            print(f"placeholders differ: {source!r} / {target!r}")
            return 1
        catalog[source] = target
    path.write_text(json.dumps(catalog, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
