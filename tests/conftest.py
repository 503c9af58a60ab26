"""Shared test setup."""
from __future__ import annotations

import os

import pytest


def skip_unless_installed(reason: str) -> None:
    """Skip a check whose tool is missing, visibly; in CI (``CI`` set) that is a failure,
    because ``.ci/run`` installs every tool and a skip there would hide a broken install."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — but CI must have it (.ci/run installs it)")
    pytest.skip(reason)
