"""A real headless browser for the HTML tests: Chromium, as .ci/run installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def executable() -> str:
    """The browser; in CI a missing browser fails the test instead of skipping it."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("no Chromium on this CI machine: .ci/run installs it")
    pytest.skip("no Chromium installed (apt-get install chromium)")


def _run(page: Path, profile: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    command = [
        executable(),
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        *flags,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def dom(page: Path, profile: Path) -> str:
    """The document as the browser parsed it (after any script would have run)."""
    done = _run(page, profile, "--dump-dom")
    assert done.returncode == 0 and "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path, profile: Path, target: Path) -> Path:
    done = _run(page, profile, f"--screenshot={target}", "--window-size=1280,1600")
    assert done.returncode == 0 and target.is_file(), done.stderr[-2000:]
    return target


class Collected(HTMLParser):
    """The tags, links (src/href) and ids of a page, as the tests check them."""

    def __init__(self, page: str = "") -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name in ("src", "href")]
        self.ids.update(value or "" for name, value in attrs if name == "id")
