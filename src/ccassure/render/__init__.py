"""ccassure's own renderer for the Quarto documents in ``reports/``.

``.qmd`` -> notebook (``qmd``) -> parameters injected as papermill/Quarto do -> executed on one warm
kernel (``kernel``) -> Markdown (``markdown``) -> self-contained HTML with pandoc and PDF with typst
(``convert``). ``runner`` plans the documents per authority, centre and provider and runs them.

The names below are imported on first use: ``import ccassure.render.kernel`` must not pull in pandas and the
reports (the kernel is started before them, so that its start-up overlaps theirs).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Job", "JobResult", "RenderSummary", "Renderer", "plan"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ccassure.render import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'ccassure.render' has no attribute {name!r}")
