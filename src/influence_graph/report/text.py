"""Small text helpers shared by the briefing (summary) and the account plan."""
from __future__ import annotations

from typing import Any

from ..sanitize import markdown_text

md_text = markdown_text  # the name the briefing and the plan use: see sanitize.markdown_text


def stance_text(stance: Any) -> str:
    """A stance as shown to a seller: the label, or a signed number.

    >>> stance_text(0.3), stance_text("skeptic")
    ('+0.30', 'skeptic')
    """
    if stance is None:
        return "n/a"
    return f"{stance:+.2f}" if isinstance(stance, (int, float)) else str(stance)
