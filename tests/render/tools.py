"""Helpers for the rendering tests: run the CLI in a subprocess, make sure pdftoppm and chromium exist,
and judge whether a PNG is blank."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENSURE = REPO / "scripts" / "ensure_chromium.sh"


def run_render(*args: str, timeout: int = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI": "true", "CCASSURE_PROJECT": str(REPO), **(env or {})}
    env.pop("MPLBACKEND", None)
    return subprocess.run([sys.executable, "-m", "ccassure", "render", *args], cwd=REPO, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


def ensure_tool(tool: str) -> str:
    """The path of ``tool`` (pdftoppm, pdftotext or chromium), installing it with the project script."""
    found = shutil.which(tool) or (tool == "chromium" and Path("/usr/bin/chromium").exists() and "/usr/bin/chromium")
    if found:
        return str(found)
    which = "chromium" if tool == "chromium" else "pdftoppm"
    proc = subprocess.run(["sh", str(ENSURE), which], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=900)
    found = shutil.which(tool)
    if not found:
        raise AssertionError(f"{tool} is missing and {ENSURE.name} could not install it:\n{proc.stderr[-2000:]}")
    return found


def png_ink(path: Path) -> tuple[float, int]:
    """(share of pixels that are not near-white, number of distinct colours) of a PNG."""
    import matplotlib.image as mpimg
    import numpy as np

    image = mpimg.imread(str(path))
    if image.dtype != np.uint8:
        image = (image * 255).astype(np.uint8)
    rgb = image[..., :3].reshape(-1, 3)
    ink = float((rgb.min(axis=1) < 200).mean())
    colours = len(np.unique(rgb[:: max(1, len(rgb) // 200_000)], axis=0))
    return ink, colours
