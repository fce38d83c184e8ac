"""The page furniture a document computes from the results: its title.

Quarto takes a document's title from static front matter, so a title that names the authority, centre or
provider is written by the document as a ``.ccassure-title`` block; the Lua filter both renderers apply
(``reports/assets/ccassure.lua``) lifts it into the title. One mechanism, the same title under
``ccassure render`` and ``quarto render``.
"""

from __future__ import annotations

from ccassure.reports.format import text


def title_block(title: str) -> str:
    """Markdown for the document's title (provider text escaped)."""
    return f"::: {{.ccassure-title}}\n# {text(title)}\n:::\n"


def authority_title(results, code: str) -> str:
    return title_block(f"{results.authority_name(code)}: children's centres compliance and performance")


def centre_title(results, centre: str) -> str:
    return title_block(f"{results.centre_name(centre) or centre}: centre evidence pack")


def provider_title(results, provider: str) -> str:
    return title_block(f"{results.provider_name(provider) or provider}: return validation report")
