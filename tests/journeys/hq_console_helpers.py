"""Shared pieces of the HQ console journeys: Debian's chromium driven by Playwright (never a
downloaded browser), a real HQ on 127.0.0.1 that ingested real batches from two real office
data dirs, and staff accounts made the way HQ makes them."""

from __future__ import annotations

from sync_helpers_by_path import sync_helpers

import re
import sys
from pathlib import Path


_sync_helpers = sync_helpers


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "correct horse battery"


def launch(playwright):
    """Fails (never skips) when Debian's chromium is missing: `scripts/dev.py test` installs it."""
    if not Path(CHROMIUM).exists():
        raise AssertionError(f"{CHROMIUM} is missing: run `python3 scripts/dev.py test` (installs chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"console-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, username: str, password: str = PASSWORD, code: str = "") -> None:
    page.goto(f"{base}/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    if code:
        page.fill("#totp", code)
    press_and_wait(page, "Enter")


def press_and_wait(page, key: str = "Enter") -> None:
    """Submit by keyboard and wait for the page the server answers with."""
    with page.expect_navigation():
        page.keyboard.press(key)


def click_and_wait(locator) -> None:
    with locator.page.expect_navigation():
        locator.click()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
