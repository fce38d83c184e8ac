"""The results folder (docs/results.md, format 2): what ``ccassure check`` and ``make report`` write, once."""

from ccassure.results.writer import FORMAT_VERSION, write_results

__all__ = ["FORMAT_VERSION", "write_results"]
