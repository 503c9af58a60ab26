"""The account file's size limits, and the one check of each value against them.

An account file is written by people (or exported from a CRM): no real value
comes near these limits, while a value past them is a mistake or an attack that
would make a file name too long, a table take minutes, or a parser run out of
stack. Both readers (YAML, JSON) and :func:`~influence_graph.model.parse_account`
apply them through the functions here, so the limits are stated once.
"""
from __future__ import annotations

import math
from typing import Any

MAX_ID_LENGTH = 100
"""Characters in an id: a stored account is the file ``<id>.yaml`` (and its temp
file ``.<id>.yaml.<random>.tmp``), which must fit the 255-byte file name limit."""
MAX_TEXT_LENGTH = 100_000
"""Characters in any one text (a name, a note): about 30 pages."""
MAX_KEY_LENGTH = 1_000
"""Characters in a key: the format's keys are short words, and so are contact
labels; YAML itself allows no longer plain key (1,024)."""
MAX_DEPTH = 32
"""Levels of lists and mappings inside one another (the format uses at most 4)."""
MAX_NUMBER = 1e18
"""Largest magnitude of a number (an opportunity value in any currency fits)."""
MAX_NUMBER_TEXT = 100
"""Characters in a number as typed: past this it is not a number anyone means."""


def text_problem(text: str) -> str | None:
    """What is wrong with a text value, or None.

    >>> text_problem("Zhao Ming") is None
    True
    >>> text_problem("x" * 100_001)
    'a text of 100,001 characters is too long (at most 100,000)'
    """
    if len(text) > MAX_TEXT_LENGTH:
        return f"a text of {len(text):,} characters is too long (at most {MAX_TEXT_LENGTH:,})"
    return None


def key_problem(key: Any) -> str | None:
    """What is wrong with a mapping key, or None: keys are short texts.

    >>> key_problem("name") is None, key_problem(1)
    (True, 'the key 1 must be text; quote it: "1"')
    """
    if not isinstance(key, str):
        typed = "true" if key is True else "false" if key is False else "null" if key is None else repr(key)
        return f'the key {typed} must be text; quote it: "{typed}"'
    if len(key) > MAX_KEY_LENGTH:
        return f"a key of {len(key):,} characters is too long (at most {MAX_KEY_LENGTH:,})"
    return None


def number_problem(number: int | float) -> str | None:
    """What is wrong with a number, or None: numbers are finite and at most 10^18.

    >>> number_problem(0.5) is None, number_problem(float("nan"))
    (True, 'nan is not a number (numbers must be finite)')
    >>> number_problem(10**20)
    '100000000000000000000 is too large (at most 10^18); if it is text, quote it'
    """
    if isinstance(number, float) and not math.isfinite(number):
        return f"{number} is not a number (numbers must be finite)"
    if abs(number) > MAX_NUMBER:
        shown = f"{number:.3g}" if isinstance(number, float) else str(number) if number.bit_length() < 200 else "a number"
        return f"{shown} is too large (at most 10^18); if it is text, quote it"
    return None


def long_number_problem(typed: str) -> str | None:
    """What is wrong with a number as typed, before it is converted, or None.

    >>> long_number_problem("9" * 5000)
    'a number of 5,000 characters is too long (at most 100); if it is text, quote it'
    """
    if len(typed) > MAX_NUMBER_TEXT:
        return f"a number of {len(typed):,} characters is too long (at most {MAX_NUMBER_TEXT}); if it is text, quote it"
    return None


TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels of lists and mappings)"
