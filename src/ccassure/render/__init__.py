"""ccassure's own renderer for the Quarto documents in ``reports/``.

``.qmd`` -> notebook (``qmd``) -> parameters injected as papermill/Quarto do -> executed on one warm
kernel (``kernel``) -> Markdown (``markdown``) -> self-contained HTML with pandoc and PDF with typst
(``convert``). ``runner`` plans the documents per authority, centre and provider and runs them.
"""

from ccassure.render.runner import Job, JobResult, Renderer, RenderSummary, plan

__all__ = ["Job", "JobResult", "RenderSummary", "Renderer", "plan"]
