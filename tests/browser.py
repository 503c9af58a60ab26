"""Headless Chromium for the page tests, driven by Playwright over the DevTools protocol.

The browser is the system's Chromium (``.ci/run`` installs it with apt), not one
Playwright downloads: Playwright's Python package is only the driver. Every
request other than the page's own file is refused and recorded, so a page that
reaches for the network fails its test instead of quietly working online.
"""
from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

from conftest import skip_unless_installed

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}


def chromium_or_skip() -> str:
    if CHROMIUM is None:
        skip_unless_installed("headless chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_unless_installed("playwright (the Chromium driver) is not installed")
    return CHROMIUM


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright ``Browser``), closed afterwards."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Page:
    """One page at 1440 × 900, offline: ``requests`` lists every URL it tried to fetch
    besides its own file, ``errors`` every uncaught script error."""

    def __init__(self, browser, path: Path, viewport: dict[str, int] | None = None):
        self.context = browser.new_context(viewport=viewport or VIEWPORT, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        own = path.resolve().as_uri()

        def route(request_route):
            url = request_route.request.url
            if url == own or url.startswith("data:") or url.startswith("blob:"):
                request_route.continue_()
            else:
                self.requests.append(url)
                request_route.abort()

        self.page.route("**/*", route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(own)

    def wait_drawn(self, timeout: float = 60_000) -> None:
        """Until vis-network has drawn the map and fitted it to the screen."""
        self.page.wait_for_function("document.getElementById('ig-status').dataset.drawn !== ''", timeout=timeout)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def close(self) -> None:
        self.context.close()
