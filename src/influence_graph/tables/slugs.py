"""Readable ids from names in any script: 张伟 -> ``zhang-wei``, Müller -> ``muller``."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from anyascii import anyascii

FALLBACK = "person"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _romanized(char: str) -> str:
    """One character in Latin letters. A character of a script without case whose
    romanization is capitalized is a syllable of its own (Han, Hangul): it gets a
    word break, so 张伟 is "Zhang Wei", not "ZhangWei"."""
    if char.isascii():
        return char
    text = anyascii(char)
    if text[:1].isupper() and unicodedata.category(char) == "Lo":
        return f" {text} "
    return text


def slug(text: str, fallback: str = FALLBACK) -> str:
    """An id made of ``text``: lowercase ASCII letters and digits joined by ``-``.

    >>> [slug(n) for n in ["张伟", "Müller", "Анна Иванова", "O'Brien, Seán", "김민수", "??"]]
    ['zhang-wei', 'muller', 'anna-ivanova', 'o-brien-sean', 'gim-min-su', 'person']
    """
    latin = "".join(_romanized(char) for char in unicodedata.normalize("NFC", text))
    return _NOT_SLUG.sub("-", latin.lower()).strip("-") or fallback


def unique_slug(text: str, taken: Collection[str], fallback: str = FALLBACK) -> str:
    """:func:`slug` of ``text``, with ``-2``, ``-3`` … added when it is already ``taken``.

    >>> unique_slug("王芳", {"wang-fang"})
    'wang-fang-2'
    """
    base = slug(text, fallback)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
