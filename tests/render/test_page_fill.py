"""No PDF page but the last is left mostly blank: a part that would start a new page on a page less than
60% filled runs on instead, and tables break across pages (issue 9: page 2 of an authority report held a
few lines, the block after it pushed to page 3)."""

from __future__ import annotations

import re
import subprocess

from .tools import ensure_tool

FOOTER = 0.92  # the footer (synthetic-data note, page numbers) sits below this share of the page height
LEAST_FILLED = 0.55


def page_fill(pdf, tmp_path) -> list[float]:
    """How far down each page its content reaches (share of the page height, footer left out)."""
    import matplotlib.image as mpimg
    import numpy as np

    subprocess.run([ensure_tool("pdftoppm"), "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    fills = []
    for png in sorted(tmp_path.glob("page*.png")):
        image = mpimg.imread(str(png))[..., :3]
        if image.dtype != np.uint8:
            image = (image * 255).astype(np.uint8)
        body = image[: int(image.shape[0] * FOOTER)]
        inked = np.where((body.min(axis=2) < 200).any(axis=1))[0]
        fills.append((inked.max() + 1) / image.shape[0] if len(inked) else 0.0)
    return fills


def test_no_authority_report_page_but_the_last_is_mostly_blank(rendered, tmp_path):
    _, out, _ = rendered
    for pdf in sorted(out.glob("authority-*.pdf")):
        (tmp_path / pdf.stem).mkdir()
        fills = page_fill(pdf, tmp_path / pdf.stem)
        assert len(fills) >= 2
        thin = [f"page {n} filled to {f:.0%}" for n, f in enumerate(fills[:-1], start=1) if f < LEAST_FILLED]
        assert not thin, f"{pdf.name}: {', '.join(thin)}"


def test_page_numbers_run_on_across_the_conditional_page_breaks(rendered):
    """The footer says "Page n of N" with n counting up (a page break inside typst's `context` had reset the
    page counter to 1 after the first part it moved)."""
    _, out, _ = rendered
    for pdf in sorted(out.glob("authority-*.pdf")):
        text = subprocess.run([ensure_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True,
                              check=True, stdin=subprocess.DEVNULL).stdout
        pages = [p for p in text.split("\f") if p.strip()]
        numbers = [re.findall(r"Page (\d+) of (\d+)", p) for p in pages]
        assert numbers == [[(str(n), str(len(pages)))] for n in range(1, len(pages) + 1)], pdf.name
