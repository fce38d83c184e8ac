"""The small Python API that report documents use to read and format results.

    from ccassure.reports import load_results, md_table, status_label, suppress, banner
    results = load_results("_output/results")

Reports never recompute a judgement: they read the findings and KPI results written by
``ccassure check`` and format them.
"""

from ccassure.reports.format import (
    PALETTE,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
    SYNTHETIC_NOTICE,
    banner,
    fmt_number,
    md_table,
    rag_label,
    safe_stem,
    status_key,
    status_label,
    suppress,
    text,
)
from ccassure.reports.results import INSPECTION_AREAS, Results, inspection_area, load_results, parse_json

__all__ = ["INSPECTION_AREAS", "PALETTE", "STATUS_COLOURS", "STATUS_LABELS", "STATUS_ORDER", "SYNTHETIC_NOTICE",
           "Results", "banner", "fmt_number", "inspection_area", "load_results", "md_table",
           "parse_json", "rag_label", "safe_stem", "status_key", "status_label", "suppress", "text"]
