"""Small text helpers shared by the briefing (summary) and the account plan:
Markdown escaping, and finding people's names in sentences so that no renderer
breaks a name across lines."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_\[\]>|~]|^#)")  # "#" makes a heading only at the start
# "&" starts a character reference only when one follows ("&lt;", "&#60;"); "R&D" stays as typed.
_MD_REFERENCE = re.compile(r"&(?=#?\w+;)")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """User text for a terminal, Markdown or HTML: control characters (escape
    sequences, carriage returns, bells, newlines) become spaces, so none reaches the
    reader raw.

    >>> clean("Zhao\\x1b[31m Ming\\r\\n")
    'Zhao [31m Ming  '
    """
    return _CONTROL.sub(" ", text)


def md_text(text: Any) -> str:
    """Text that Markdown shows as typed, on one line, with no control character: markup characters escaped
    (``|`` cannot end a table cell), newlines become spaces, and ``<`` written as
    ``&lt;`` — every Markdown flavour honours that entity, while some (Python-Markdown)
    would pass ``\\<img …>`` through as live HTML.

    >>> print(md_text("a | b\\nc <d> R&D &amp; #1"))
    a \\| b c &lt;d\\> R&D &amp;amp; #1
    >>> print(md_text("# not a heading"))
    \\# not a heading
    """
    text = _MD_REFERENCE.sub("&amp;", " ".join(clean(str(text)).split()))
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern that finds any of ``names`` in a sentence, longest first. A name
    that ends in brackets ("Wang Fang (王芳)") is also found where a title was put
    inside them ("Wang Fang (王芳, CFO)"): the match is then "Wang Fang (王芳".
    None when there are no names.

    >>> pattern = name_pattern(["Wang Fang (王芳)", "Li Na"])
    >>> [m.group(0) for m in pattern.finditer("Ask Li Na about Wang Fang (王芳, CFO) and Wang Fang (王芳).")]
    ['Li Na', 'Wang Fang (王芳', 'Wang Fang (王芳)']
    >>> pattern.search("Li Nan") is None
    True
    """
    parts = []
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if name.endswith(")"):
            parts.append(re.escape(name[:-1]) + r"(?:\)|(?=,))")
        else:
            parts.append(re.escape(name) + r"(?!\w)")
    # Not inside a word, nor inside a character reference ("&amp;") when matched in HTML.
    return re.compile(r"(?<![\w&#])(?:" + "|".join(parts) + ")") if parts else None
