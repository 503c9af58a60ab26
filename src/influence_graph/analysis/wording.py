"""Wording shared by every explanation and renderer: names, titles, lists, strengths,
stances, roles, numbers, dates and risks — so the briefing, the plan and the map say
the same thing the same way (one minus sign, one way to show power, one word per role).

>>> join(["Li Wei", "Zhao Ming", "Wang Fang"])
'Li Wei, Zhao Ming and Wang Fang'
>>> closeness(2 / 3), closeness(0.45)
('zipper', '0.45')
>>> ordinal(2), ordinal(11), ordinal(23)
('2nd', '11th', '23rd')
>>> signed(-0.0174), signed(0.25), signed(0.001), percent(0.1123)
('−0.02', '+0.25', '0.00', '11.2%')
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import networkx as nx

from .. import graph as g
from ..model import CLOSENESS_VALUES
# Part of this module's wording, kept with the file format so that the model's own messages
# (diffs, merges) write names and signed numbers as every output does.
from ..model.account import MINUS, signed, titled  # noqa: F401
from ..sanitize import plain_text


def clean(text: str) -> str:
    """User text for any output (terminal, Markdown, HTML, SVG): control characters
    (escape sequences, carriage returns, bells, newlines, bidirectional overrides)
    become spaces, so none reaches the reader raw (:func:`influence_graph.sanitize.plain_text`).

    >>> clean("Zhao\\x1b[31m Ming\\u202e\\r\\n")
    'Zhao [31m Ming   '
    """
    return plain_text(text)


def name(graph: nx.Graph, node: str) -> str:
    """The node's name, else its id."""
    return graph.nodes[node].get(g.NAME) or node


def label(graph: nx.Graph, node: str) -> str:
    """Name with title, e.g. ``Zhao Ming (CEO)``; the name alone when there is no title."""
    return titled(name(graph, node), graph.nodes[node].get(g.TITLE))


def path(graph: nx.Graph, nodes: Iterable[str]) -> str:
    """A path of people as ``A → B → C``; people whose name appears twice on it get
    their title too, so two placeholder "First Last"s are told apart.

    >>> p = nx.DiGraph()
    >>> p.add_nodes_from([("m", {"name": "Your Name"}), ("b", {"name": "First Last", "title": "Buyer"}),
    ...                   ("c", {"name": "First Last", "title": "CEO"})])
    >>> path(p, ["m", "b", "c"])
    'Your Name → First Last (Buyer) → First Last (CEO)'
    """
    nodes = list(nodes)
    seen = [name(graph, n) for n in nodes]
    return " → ".join(label(graph, n) if seen.count(text) > 1 else text for n, text in zip(nodes, seen))


def join(words: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def labels(graph: nx.Graph, nodes: Iterable[str], limit: int = 5) -> str:
    """Labels (name and title) joined into a phrase; past ``limit`` people, ``… and 4 more``."""
    return _listing([label(graph, n) for n in nodes], limit)


def names(graph: nx.Graph, nodes: Iterable[str], limit: int = 5) -> str:
    """Names joined into a phrase; past ``limit`` people, ``… and 4 more``."""
    return _listing([name(graph, n) for n in nodes], limit)


def _listing(words: list[str], limit: int) -> str:
    return join(words[:limit] + ([f"{len(words) - limit} more"] if len(words) > limit else []))


def closeness(strength: float) -> str:
    """clip / zipper / velcro when the strength is one of those, else the number."""
    for word, value in CLOSENESS_VALUES.items():
        if math.isclose(strength, value, abs_tol=1e-5):  # the JSON rounds ⅔ to 0.666667
            return word
    return f"{strength:.2f}"


def stance(graph: nx.Graph, node: str) -> str:
    """``champion`` … ``opponent``, ``unknown stance``, or a number like ``stance +0.30``."""
    data = graph.nodes[node]
    if not data.get(g.STANCE_KNOWN):
        return "unknown stance"
    given = data.get(g.STANCE)
    return given if isinstance(given, str) else f"stance {signed(data[g.STANCE_VALUE])}"


def reasons(items: Iterable[str]) -> str:
    """Reasons joined into one text: ``a; b; c`` (a sentence's own full stop dropped, so
    no ".;" appears).

    >>> reasons(["Xu Li is close to CloudNova.", "winning Xu Li over would help"])
    'Xu Li is close to CloudNova; winning Xu Li over would help'
    """
    return "; ".join(item.rstrip().removesuffix(".") for item in items)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 decision maker``, ``3 decision makers``; ``plural`` for irregular nouns."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


# --- numbers ------------------------------------------------------------------------

def rounded_change(old: float, new: float, digits: int = 2) -> float:
    """The change between two numbers as shown rounded, so that "from −0.02 to +0.25"
    reads "(+0.27)", the difference a reader computes, never "(+0.26)".

    >>> rounded_change(-0.0174, 0.2453)
    0.27
    """
    return round(round(new, digits) - round(old, digits), digits)


def percent(share: float, digits: int = 1) -> str:
    """A share as a percentage: ``11.2%``; ``<0.1%`` for a tiny non-zero share.

    >>> percent(0.0004), percent(0), percent(1 / 3, 0)
    ('<0.1%', '0.0%', '33%')
    """
    floor = 10 ** -digits
    if 0 < share * 100 < floor:
        return f"<{floor:.{digits}f}%"
    return f"{share * 100:.{digits}f}%"


def power(share: float, rank: int | None = None, of: int | None = None) -> str:
    """A person's real power as every output shows it: their share of everyone's settled
    opinion, with their place when given.

    >>> power(0.1123, 1, 35), power(0.075)
    ('11.2% (1st of 35)', '7.5%')
    """
    text = percent(share)
    return f"{text} ({ordinal(rank)} of {of})" if rank and of else text


def money(value: float | None, currency: str | None = None) -> str:
    """An amount for a seller: ``12 million CNY``, ``850,000 EUR``, ``2.5 billion``.

    >>> money(12_000_000, "CNY"), money(850_000, "EUR"), money(2.5e9), money(None)
    ('12 million CNY', '850,000 EUR', '2.5 billion', '')
    """
    if value is None:
        return ""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".removesuffix(".0") + f" {word}"
            break
    else:
        text = f"{value:,.0f}"
    return f"{text} {currency}".strip() if currency else text


def day(date: dt.date, today: dt.date | None = None) -> str:
    """A date as a seller reads it: ``Mon 23 Nov``; the year too when it is not the
    year of ``today`` (or no ``today`` is given).

    >>> day(dt.date(2026, 11, 23), dt.date(2026, 11, 20)), day(dt.date(2027, 3, 31), dt.date(2026, 11, 20))
    ('Mon 23 Nov', 'Wed 31 Mar 2027')
    """
    text = f"{date:%a} {date.day} {date:%b}"
    return text if today is not None and date.year == today.year else f"{text} {date.year}"


def days(n: int) -> str:
    """``in 131 days``, ``tomorrow``, ``today``, ``3 days ago``.

    >>> days(131), days(1), days(0), days(-3)
    ('in 131 days', 'tomorrow', 'today', '3 days ago')
    """
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    return f"in {n} days" if n > 0 else f"{count(-n, 'day')} ago"


# --- the forecast ---------------------------------------------------------------------

# Where the decision unit's settled opinion (−1 … +1) lands, in words, from the top.
_FORECAST_WORDS = ((0.5, "strongly for us"), (0.2, "for us"), (0.05, "leaning our way"),
                   (-0.05, "undecided"), (-0.2, "leaning against us"), (-0.5, "against us"))
FORECAST_SCALE = f"{MINUS}1 all against us … +1 all for us"


def forecast_words(support: float) -> str:
    """The forecast in words.

    >>> forecast_words(-0.0174), forecast_words(0.3), forecast_words(-0.8)
    ('undecided', 'for us', 'strongly against us')
    """
    for floor, words in _FORECAST_WORDS:
        if support >= floor:
            return words
    return "strongly against us"


# An answer that holds in this share of re-drawn scenarios is solid; below FRAGILE_SHARE, a guess.
STABLE_SHARE, FRAGILE_SHARE = 0.9, 0.7


def stability(share: float) -> str:
    """How a seller should take an answer that holds in ``share`` of the re-drawn scenarios.

    >>> stability(0.95), stability(0.8), stability(0.52)
    ('a solid call', 'fairly stable', 'too close to call')
    """
    if share >= STABLE_SHARE:
        return "a solid call"
    return "fairly stable" if share >= FRAGILE_SHARE else "too close to call"


# --- roles, stances, closeness, risks -------------------------------------------------

ROLE_WORDS = {
    "decision_maker": "decision maker",
    "economic_buyer": "economic buyer",
    "technical_buyer": "technical buyer",
    "user_buyer": "user buyer",
    "influencer": "influencer",
    "gatekeeper": "gatekeeper",
    "coach": "coach",
}


def roles(codes: Iterable[str]) -> str:
    """Buying roles in words: ``decision maker, economic buyer``.

    >>> roles(["economic_buyer", "coach"]), roles([])
    ('economic buyer, coach', '')
    """
    return ", ".join(ROLE_WORDS.get(code, code.replace("_", " ")) for code in codes)


def words(code: str | None) -> str:
    """A code word from a file (``key_account_manager``, ``customer_service``) as words.

    >>> words("key_account_manager"), words(None)
    ('key account manager', '')
    """
    return (code or "").replace("_", " ")


def path_strength(strength: float) -> str:
    """A warm path's strength (the product of the strengths along it) in words.

    >>> path_strength(0.8), path_strength(0.56), path_strength(0.2)
    ('strong', 'fair', 'weak')
    """
    return "strong" if strength >= 2 / 3 else "fair" if strength >= 1 / 3 else "weak"


# How close one of us is to one of them: the file's three words, explained once.
CLOSENESS_WORDS = {"clip": "transactional", "zipper": "familiar", "velcro": "tight, we depend on each other"}
CLOSENESS_SCALE = "clip = transactional, zipper = familiar, velcro = tight (we depend on each other)"

CATEGORY_WORDS = {"hidden_power": "hidden power", "figurehead": "figurehead",
                  "aligned": "power matches title", "peripheral": "less central"}

# Risk kinds (the JSON's ``risks[].kind``) as a seller names them.
RISK_WORDS = {
    "opponent": "opponent",
    "skeptic": "skeptic",
    "competitor_tie": "tied to a competitor",
    "bottleneck": "single point of failure",
    "single_threaded": "single-threaded",
    "uncovered": "nobody from our team",
    "no_support": "no support",
    "unknown_stance": "stance unknown",
    "powerless_champion": "champion without influence",
}


def risk(kind: str) -> str:
    """A risk kind in words.

    >>> risk("competitor_tie"), risk("something_new")
    ('tied to a competitor', 'something new')
    """
    return RISK_WORDS.get(kind, words(kind))


def closeness_explained(strength: float) -> str:
    """A relationship's closeness with what it means: ``velcro (tight)``; other numbers as a word.

    >>> closeness_explained(1.0), closeness_explained(1 / 3), closeness_explained(0.5)
    ('velcro (tight, we depend on each other)', 'clip (transactional)', 'moderate')
    """
    word = closeness(strength)
    return f"{word} ({CLOSENESS_WORDS[word]})" if word in CLOSENESS_WORDS else strength_word(strength)


def strength_word(strength: float) -> str:
    """A strength in (0, 1] as a word: ``strong`` (≥ 0.7), ``moderate`` (≥ 0.4), ``weak``.

    >>> strength_word(0.8), strength_word(0.5), strength_word(0.2)
    ('strong', 'moderate', 'weak')
    """
    return "strong" if strength >= 0.7 else "moderate" if strength >= 0.4 else "weak"


def top_share(rank: int, total: int) -> str:
    """Where rank ``rank`` of ``total`` stands, in words a seller reads at a glance.

    >>> top_share(1, 35), top_share(3, 35), top_share(8, 35), top_share(20, 35)
    ('top 5%', 'top 10%', 'top quarter', 'bottom half')
    """
    share = rank / max(total, 1)
    for limit, words in ((0.05, "top 5%"), (0.10, "top 10%"), (0.25, "top quarter"), (0.5, "top half")):
        if share <= limit:
            return words
    return "bottom half"
