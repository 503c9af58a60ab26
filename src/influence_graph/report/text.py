"""Small text helpers shared by the briefing (summary) and the account plan."""
from __future__ import annotations

import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_\[\]>|~]|^#)")  # "#" makes a heading only at the start
# "&" starts a character reference only when one follows ("&lt;", "&#60;"); "R&D" stays as typed.
_MD_REFERENCE = re.compile(r"&(?=#?\w+;)")


def md_text(text: Any) -> str:
    """Text that Markdown shows as typed, on one line: markup characters escaped
    (``|`` cannot end a table cell), newlines become spaces, and ``<`` written as
    ``&lt;`` — every Markdown flavour honours that entity, while some (Python-Markdown)
    would pass ``\\<img …>`` through as live HTML.

    >>> print(md_text("a | b\\nc <d> R&D &amp; #1"))
    a \\| b c &lt;d\\> R&D &amp;amp; #1
    >>> print(md_text("# not a heading"))
    \\# not a heading
    """
    text = _MD_REFERENCE.sub("&amp;", " ".join(str(text).split()))
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


def stance_text(stance: Any) -> str:
    """A stance as shown to a seller: the label, or a signed number.

    >>> stance_text(0.3), stance_text("skeptic")
    ('+0.30', 'skeptic')
    """
    if stance is None:
        return "n/a"
    return f"{stance:+.2f}" if isinstance(stance, (int, float)) else str(stance)
