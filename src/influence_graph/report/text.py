"""Small text helpers shared by the briefing (summary) and the account plan."""
from __future__ import annotations

import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")


def md_text(text: Any) -> str:
    """Text that Markdown shows as typed, on one line: markup characters escaped
    (``|`` cannot end a table cell, ``<`` cannot start HTML), newlines become spaces.

    >>> print(md_text("a | b\\nc <d>"))
    a \\| b c \\<d\\>
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def stance_text(stance: Any) -> str:
    """A stance as shown to a seller: the label, or a signed number.

    >>> stance_text(0.3), stance_text("skeptic")
    ('+0.30', 'skeptic')
    """
    if stance is None:
        return "n/a"
    return f"{stance:+.2f}" if isinstance(stance, (int, float)) else str(stance)
