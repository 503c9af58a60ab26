"""Small text helpers shared by the briefing (summary) and the account plan:
Markdown escaping, and finding people's names in sentences so that no renderer
breaks a name across lines."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..analysis import wording as say

if TYPE_CHECKING:
    from ..analysis.result import Analysis, UncoveredPerson

_MD_SPECIAL = re.compile(r"([\\`*_\[\]>|~]|^#)")  # "#" makes a heading only at the start
# "&" starts a character reference only when one follows ("&lt;", "&#60;"); "R&D" stays as typed.
_MD_REFERENCE = re.compile(r"&(?=#?\w+;)")


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
    text = _MD_REFERENCE.sub("&amp;", " ".join(say.clean(str(text)).split()))
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


def biggest_uncovered(analysis: Analysis) -> list[UncoveredPerson]:
    """The key people nobody on our team is close to, biggest first: the decision unit
    and the three strongest by power, then the others by power."""
    def size(entry: UncoveredPerson) -> tuple[bool, int]:
        person = analysis.person(entry.id)
        return not person.in_dmu and person.power_rank > 3, person.power_rank

    return sorted(analysis.uncovered_decision_makers, key=size)


def way_in(analysis: Analysis, entry: UncoveredPerson) -> str:
    """The best way in to someone nobody of ours is close to: the warm path without them
    at its end and its strength in words ("Jiang Tao → Li Na, strong"), "deepen Qin Lan's
    contact" when one of us has met them, or "no warm path"."""
    if len(entry.path) >= 3:
        return " → ".join(analysis.name_of(x) for x in entry.path[:-1]) + f", {say.path_strength(entry.path_strength)}"
    if len(entry.path) == 2:
        return f"deepen {analysis.name_of(entry.path[0])}'s contact"
    return "no warm path"
