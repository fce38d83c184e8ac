"""A headless Chromium screenshot of an authority report: the page renders offline and is not blank."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from .tools import ensure_tool, png_ink

pytestmark = pytest.mark.slow

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--window-size=1280,2000"]


def screenshot(html: Path, png: Path) -> subprocess.CompletedProcess:
    chromium = ensure_tool("chromium")
    with tempfile.TemporaryDirectory(prefix="ccassure-chromium-") as profile:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
                               html.resolve().as_uri()], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=120)


def test_authority_report_screenshot(rendered, tmp_path):
    proc, out, _ = rendered
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "authority.png"
    shot = screenshot(out / "authority-E90000000.html", png)
    assert png.is_file(), shot.stderr[-2000:]
    import matplotlib.image as mpimg

    height, width = mpimg.imread(str(png)).shape[:2]
    assert (width, height) == (1280, 2000)
    ink, colours = png_ink(png)
    # text, tables, the synthetic-data callout and charts: plenty of ink and many colours
    assert ink > 0.03, f"screenshot looks blank ({ink:.2%} non-white)"
    assert colours > 50, f"screenshot has only {colours} colours"


def test_blank_page_is_detected(tmp_path):
    """The check above can fail: an empty page gives (almost) no ink."""
    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")
    png = tmp_path / "blank.png"
    screenshot(blank, png)
    ink, colours = png_ink(png)
    assert ink < 0.001 and colours < 5
