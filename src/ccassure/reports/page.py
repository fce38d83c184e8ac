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


def _provider_name(results, provider: str) -> str:
    named = getattr(results, "provider_name", None)  # the results reader's, once the manifest names providers
    return str(named(provider)) if callable(named) else str(provider)


def authority_title(results, code: str) -> str:
    return title_block(f"{results.authority_name(code)}: children's centres compliance and performance")


def centre_title(results, centre: str) -> str:
    rows = results.centres()
    match = rows[rows["subject_id"] == centre]
    name = match["subject_name"].iloc[0] if len(match) and match["subject_name"].iloc[0] else centre
    return title_block(f"{name}: centre evidence pack")


def provider_title(results, provider: str) -> str:
    return title_block(f"{_provider_name(results, provider)}: return validation report")
