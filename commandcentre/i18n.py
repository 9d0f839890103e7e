"""Translation of user-visible text.

Source strings are Simplified Chinese (the duty room's language); catalogs in
``resources/i18n/<lang>.json`` map a source string to its translation. Every user-visible
string goes through :func:`tr` with named placeholders, never an f-string inside the call,
so that the catalog key stays constant (Electrum ``i18n.py`` habit). A test scans the code
for ``tr("...")`` literals and checks the English catalog has every one.
"""

from __future__ import annotations

import json
import logging
from functools import cache

from .paths import resources_dir

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")

_language = SOURCE_LANGUAGE


@cache
def _catalog(lang: str) -> dict[str, str]:
    if lang == SOURCE_LANGUAGE:
        return {}
    path = resources_dir() / "i18n" / f"{lang}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("translation catalog %s unusable: %s", path, err)
        return {}


def set_language(lang: str) -> None:
    """Switch the language of all later :func:`tr` calls (``zh`` or ``en``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def language() -> str:
    """The current UI language code."""
    return _language


def tr(message: str, /, **values: object) -> str:
    """Translate ``message`` into the current language and fill its ``{named}`` placeholders."""
    text = _catalog(_language).get(message, message) if _language != SOURCE_LANGUAGE else message
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must never hide the message: fall back to the source.
            log.warning("translation of %r does not fit its placeholders", message)
            return message.format(**values)
    return text
