"""CJK fonts for PDF reports: find an embeddable TrueType face and register it with reportlab.

Search order (the first face that loads wins):

1. a path given to :func:`cjk_fonts` or in ``$COMMANDCENTRE_PDF_FONT`` (``PATH`` or
   ``PATH#N`` for face ``N`` of a ``.ttc`` collection);
2. a font bundled under ``resources/fonts/`` (WenQuanYi Micro Hei, Apache-2.0 / GPL with font
   exception, may be shipped);
3. Windows: ``%WINDIR%\\Fonts`` 微软雅黑 ``msyh.ttc``, 黑体 ``simhei.ttf``, 宋体 ``simsun.ttc``;
4. Linux: WenQuanYi Micro Hei / Zen Hei (``fonts-wqy-microhei``, ``fonts-wqy-zenhei``), then
   Noto Sans CJK if present (usually CFF outlines, which reportlab refuses; tried anyway).

The heading face is a bold / Hei face when the platform has one (微软雅黑 Bold, 黑体); WenQuanYi
has no bold, so on Linux the heading face is the body face.

When nothing loads, a warning is logged and reportlab's built-in CID font ``STSong-Light`` is
used. CID fonts are **not embedded**: the PDF then relies on the reader having an Asian font
pack (poppler without a CJK fontconfig font shows boxes). Reports made that way are marked
``embedded=False`` so callers can warn the operator; the test suite requires the embedded path.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from ..paths import resources_dir

log = logging.getLogger(__name__)

FONT_ENV = "COMMANDCENTRE_PDF_FONT"
CID_FALLBACK = "STSong-Light"

_LINUX_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")
# (relative path under a font root, face index); first match wins.
_LINUX_BODY = (
    ("truetype/wqy/wqy-microhei.ttc", 0),
    ("wqy-microhei/wqy-microhei.ttc", 0),          # Fedora / Arch layouts
    ("wqy-microhei-fonts/wqy-microhei.ttc", 0),
    ("truetype/wqy/wqy-zenhei.ttc", 0),
    ("wqy-zenhei/wqy-zenhei.ttc", 0),
    ("opentype/noto/NotoSansCJK-Regular.ttc", 2),  # face 2 = SC; CFF, usually refused
    ("truetype/noto/NotoSansCJK-Regular.ttc", 2),
    ("noto-cjk/NotoSansCJK-Regular.ttc", 2),
)
_LINUX_HEADING = (
    ("opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("truetype/noto/NotoSansCJK-Bold.ttc", 2),
    ("noto-cjk/NotoSansCJK-Bold.ttc", 2),
)
_WINDOWS_BODY = (("msyh.ttc", 0), ("simhei.ttf", 0), ("simsun.ttc", 0))
_WINDOWS_HEADING = (("msyhbd.ttc", 0), ("simhei.ttf", 0))
_BUNDLED = (("wqy-microhei.ttc", 0),)


@dataclass(frozen=True)
class CJKFonts:
    """The registered font names for a report: ``regular`` for body text, ``bold`` for titles
    and headings (the same name when no bold CJK face exists). ``embedded`` is False only for
    the STSong-Light fallback; ``regular_file`` / ``bold_file`` say where the faces came from."""

    regular: str
    bold: str
    embedded: bool
    regular_file: Path | None
    bold_file: Path | None


_lock = threading.Lock()
_registered: dict[tuple[str, int], str] = {}   # (file, face) -> registered name
_refused: set[tuple[str, int]] = set()          # files that failed once; not retried


def cjk_fonts(path: str | os.PathLike[str] | None = None) -> CJKFonts:
    """Find and register the report fonts (see the module docstring for the search order).

    Registering is done once per file and face per process; later calls are cheap.
    """
    configured = _configured_candidate(path)
    body_candidates = ([configured] if configured else []) + _system_candidates(heading=False)
    with _lock:
        body = _first_loadable(body_candidates)
        if body is None:
            log.warning("no embeddable CJK TrueType font found (set %s to a .ttf/.ttc); "
                        "falling back to %s, which is NOT embedded in the PDF",
                        FONT_ENV, CID_FALLBACK)
            if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
            return CJKFonts(CID_FALLBACK, CID_FALLBACK, False, None, None)
        # A configured font is the operator's choice for everything; do not mix in a system
        # heading face they did not ask for.
        chosen = configured is not None and body[1] == configured[0]
        heading = None if chosen else _first_loadable(_system_candidates(heading=True))
        regular_name, regular_file = body
        bold_name, bold_file = heading or body
        # <b> inside a paragraph in the body face then switches to the heading face.
        addMapping(regular_name, 0, 0, regular_name)
        addMapping(regular_name, 1, 0, bold_name)
        addMapping(regular_name, 0, 1, regular_name)
        addMapping(regular_name, 1, 1, bold_name)
        return CJKFonts(regular_name, bold_name, True, regular_file, bold_file)


def _configured_candidate(path: str | os.PathLike[str] | None) -> tuple[Path, int] | None:
    raw = os.fspath(path) if path is not None else os.environ.get(FONT_ENV, "").strip()
    if not raw:
        return None
    face = 0
    match = re.fullmatch(r"(.+)#(\d+)", raw)
    if match:
        raw, face = match.group(1), int(match.group(2))
    candidate = Path(raw).expanduser()
    if not candidate.is_file():
        log.warning("configured PDF font %s does not exist; searching the system fonts",
                    candidate)
        return None
    return candidate, face


def _system_candidates(*, heading: bool) -> list[tuple[Path, int]]:
    found: list[tuple[Path, int]] = []
    if not heading:
        found += [(resources_dir() / "fonts" / name, face) for name, face in _BUNDLED]
    windows_dirs: list[Path] = []
    if os.name == "nt":
        windows_dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:  # fonts installed for the current user only
            windows_dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    for folder in windows_dirs:
        found += [(folder / name, face)
                  for name, face in (_WINDOWS_HEADING if heading else _WINDOWS_BODY)]
    for root in _LINUX_ROOTS:
        found += [(Path(root) / rel, face)
                  for rel, face in (_LINUX_HEADING if heading else _LINUX_BODY)]
    return found


def _first_loadable(candidates: list[tuple[Path, int]]) -> tuple[str, Path] | None:
    for file, face in candidates:
        name = _register(file, face)
        if name:
            return name, file
    return None


def _register(file: Path, face: int) -> str | None:
    key = (str(file), face)
    if key in _registered:
        return _registered[key]
    if key in _refused or not file.is_file():
        return None
    # One name per file and face, so two different configured fonts never collide.
    name = "CC-" + re.sub(r"[^A-Za-z0-9]+", "-", file.stem) + f"-{face}"
    try:
        font = TTFont(name, str(file), subfontIndex=face)
    except (TTFError, OSError, ValueError) as err:
        # Typical: Noto / Source Han CJK are CFF-outline OpenType ("postscript outlines are
        # not supported"); keep looking rather than fail the report.
        log.info("PDF font %s#%d not usable: %s", file, face, err)
        _refused.add(key)
        return None
    pdfmetrics.registerFont(font)
    _registered[key] = name
    log.info("PDF font %s#%d registered as %s", file, face, name)
    return name
