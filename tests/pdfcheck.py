"""What every PDF test checks: text per page, and that every font is embedded."""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import IndirectObject


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def font_files(path) -> dict[str, bool]:
    """Every font any page uses -> whether it is embedded as TrueType (/FontFile2 in its
    /FontDescriptor, or its descendant's). A standard Type 1 font (Helvetica) has none."""
    found: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        fonts = _resolve(_resolve(page["/Resources"]).get("/Font", {}))
        for ref in fonts.values():
            font = _resolve(ref)
            parts = [font, *(_resolve(d) for d in _resolve(font.get("/DescendantFonts", [])))]
            descriptors = [_resolve(p["/FontDescriptor"]) for p in parts if "/FontDescriptor" in p]
            found[str(font["/BaseFont"])] = any("/FontFile2" in d for d in descriptors)
    return found


def page_texts(path) -> list[str]:
    """The extracted text of each page."""
    return [page.extract_text() for page in PdfReader(path).pages]


CLOSING = "，。；：！？）》”’、…％】〕〉］｝」』"


def lines_starting_with_closing_punctuation(path) -> list[str]:
    """Extracted lines that begin with Chinese closing punctuation (there must be none)."""
    return [line for text in page_texts(path) for line in text.splitlines()
            if line.strip() and line.strip()[0] in CLOSING]
