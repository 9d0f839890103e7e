"""Every user-visible string goes through tr() and has an English translation."""

from __future__ import annotations

import json
import re
import sys

from commandcentre.i18n import set_language, tr
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from i18n_strings import tr_strings

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CATALOG = json.loads((ROOT / "resources" / "i18n" / "en.json").read_text(encoding="utf-8"))


def test_every_source_string_has_an_english_translation():
    missing = {s: where for s, where in tr_strings().items() if s not in CATALOG}
    assert not missing, f"add to resources/i18n/en.json: {missing}"


def test_translations_keep_their_placeholders():
    for source, target in CATALOG.items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source


def test_catalog_has_no_stale_entries():
    used = tr_strings()
    stale = [s for s in CATALOG if s not in used]
    assert not stale, f"remove from resources/i18n/en.json: {stale}"


def test_tr_switches_language_and_fills_placeholders():
    try:
        set_language("en")
        expected = CATALOG["已添加乡镇 {name}。"].format(name="X")
        assert tr("已添加乡镇 {name}。", name="X") == expected
    finally:
        set_language("zh")
    assert tr("已添加乡镇 {name}。", name="新镇") == "已添加乡镇 新镇。"


def test_no_f_string_inside_tr():
    """tr(f"...") would make a new catalog key per value; placeholders are named instead."""
    offenders = []
    for package in ("commandcentre", "ui", "plugins"):
        for path in (ROOT / package).rglob("*.py"):
            if re.search(r"\btr\(\s*f[\"']", path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
