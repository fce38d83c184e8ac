"""Markdown -> pandoc AST (parsed once) -> self-contained HTML (pandoc) and PDF (pandoc -t typst, typst).

pandoc comes from the ``pypandoc-binary`` wheel and typst from the ``typst`` wheel, so nothing is
downloaded: HTML carries its CSS and images inside it (``render/embed.py``), uses no MathJax or remote
fonts, and typst uses its built-in fonts and no ``@preview`` packages. The look is the project's (``Look``): the same
stylesheet, Lua filter and typst page template that ``quarto render`` uses through ``_quarto.yml``.
For many documents the Markdown is parsed once, to pandoc's JSON AST, and both writers read that (parsing
was two-thirds of the converters' CPU when each writer parsed the Markdown itself); for one document each
writer reads the Markdown itself, both at once, which ends sooner on two cores.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ccassure.render.embed import embed_figures, style_header
from ccassure.render.errors import ConversionError
from ccassure.render.look import Look

METADATA_KEYS = ("title", "subtitle", "date", "author", "lang", "abstract", "description")

# The Markdown ccassure's documents are written in: pandoc's strict Markdown plus only the features the
# documents use (docs/reports.md lists them). pandoc reads it in about 60% of the time its full Markdown
# takes (every other feature is a pattern tried on every line and word), the pages come out the same, and
# raw HTML or TeX in a value from a return can never reach a page.
REPORT_MARKDOWN_FEATURES = (
    "pipe_tables",            # every table
    "fenced_divs",            # ::: {.callout-note} and the title block
    "bracketed_spans",        # [text]{.class}
    "header_attributes",      # ## Heading {#id}
    "auto_identifiers",       # headings linked from the contents
    "space_in_atx_header",
    "implicit_figures",       # a chart alone in its paragraph is a figure with a caption
    "link_attributes",        # ![caption](chart.svg){alt="..." width="100%"}
    "backtick_code_blocks",
    "raw_attribute",          # ```{=typst} blocks for the PDF only
    "footnotes",
    "smart",                  # typographic quotes and dashes
    "all_symbols_escapable",  # the escaping of text taken from the data
)
REPORT_MARKDOWN = "markdown_strict-raw_html" + "".join(f"+{feature}" for feature in REPORT_MARKDOWN_FEATURES)




@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _metadata(front: dict[str, Any]) -> dict[str, Any]:
    meta = {k: front[k] for k in METADATA_KEYS if k in front and isinstance(front[k], (str, int, float, list))}
    meta.setdefault("lang", "en-GB")
    return meta


def _pandoc(args: list[str], stdin: bytes, cwd: Path) -> bytes:
    proc = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True, cwd=cwd, timeout=120)
    if proc.returncode != 0:
        raise ConversionError(f"pandoc failed: {proc.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return proc.stdout


@dataclass(frozen=True)
class Source:
    """What a pandoc writer reads: the document as pandoc's JSON AST (parsed once, for many documents), or
    the Markdown itself with the reader's options (for one document, where both writers then read it at
    once on the two cores, sooner than one parse followed by two writers)."""

    data: bytes
    reader_args: tuple[str, ...]


def _markdown_reader(workdir: Path, front: dict[str, Any], look: Look) -> list[str]:
    """pandoc's options for reading the document's Markdown: its metadata and the project's Lua filters."""
    workdir.mkdir(parents=True, exist_ok=True)
    meta_file = workdir / "_meta.json"
    meta_file.write_text(json.dumps(_metadata(front)), encoding="utf-8")
    args = ["--from", REPORT_MARKDOWN, "--metadata-file", str(meta_file)]
    for lua in look.lua_filters:
        args += ["--lua-filter", str(lua)]
    return args


def parse(markdown: str, workdir: Path, front: dict[str, Any], look: Look) -> Source:
    """The document as pandoc's JSON AST, with its metadata and the project's Lua filters applied."""
    ast = _pandoc([*_markdown_reader(workdir, front, look), "--to", "json"], markdown.encode("utf-8"), workdir)
    return Source(ast, ("--from", "json"))


def markdown_source(markdown: str, workdir: Path, front: dict[str, Any], look: Look) -> Source:
    """The Markdown as it is, for writers that each read it themselves."""
    return Source(markdown.encode("utf-8"), tuple(_markdown_reader(workdir, front, look)))


def to_html(source: Source, workdir: Path, output: Path, look: Look, toc: bool = True) -> Path:
    # --columns=72 when the Markdown is read here gives the table column widths the parse gives; no wrapping
    args = [*source.reader_args, "--to", "html5", "--standalone", "--section-divs", "--columns=72", "--wrap=none"]
    if toc and look.html_toc:
        args += ["--toc", f"--toc-depth={look.html_toc_depth}"]
        if look.html_toc_title:
            args += ["--metadata", f"toc-title={look.html_toc_title}"]
    if look.css is not None:
        # the project's stylesheet replaces pandoc's default one, as it does when given by --css
        args += ["--include-in-header", str(style_header(look.css, workdir)), "--metadata", "document-css=false"]
    page = _pandoc(args, source.data, workdir).decode("utf-8")
    output.write_text(embed_figures(page, workdir), encoding="utf-8")
    return output


def _typst_value(value: Any) -> str:
    """A _quarto.yml option as a typst literal: lengths stay bare (``1.6cm``), words are quoted."""
    text = str(value).strip()
    if text.replace(".", "", 1).rstrip("abcdefghijklmnopqrstuvwxyz%").isdigit():
        return text
    return json.dumps(text)


def show_call(look: Look, lang: str = "en-GB") -> str:
    """The pandoc-template text that calls the page template's ``article``, as Quarto's typst-show does,
    with the options of ``_quarto.yml``."""
    options = look.typst_options
    language, _, region = lang.partition("-")
    lines = ["#show: doc => article(", "$if(title)$", "  title: [$title$],", "$endif$",
             "$if(subtitle)$", "  subtitle: [$subtitle$],", "$endif$",
             f"  lang: {json.dumps(language)},"]
    if region:
        lines.append(f"  region: {json.dumps(region)},")
    if isinstance(options.get("margin"), dict):
        pairs = ", ".join(f"{k}: {_typst_value(v)}" for k, v in options["margin"].items())
        lines.append(f"  margin: ({pairs},),")
    if options.get("papersize"):
        lines.append(f"  paper: {json.dumps(str(options['papersize']))},")
    if options.get("mainfont"):
        lines.append(f"  font: ({json.dumps(str(options['mainfont']))},),")
    if options.get("fontsize"):
        lines.append(f"  fontsize: {_typst_value(options['fontsize'])},")
    lines += [f"  toc: {'true' if options.get('toc') else 'false'},", "  doc,", ")"]
    return "\n".join(lines)


def pandoc_typst_template(look: Look, lang: str = "en-GB") -> str:
    """A pandoc template: the project's page template, then the ``article`` call, then the body."""
    page = look.typst_template.read_text(encoding="utf-8").replace("$", "$$") if look.typst_template else (
        "#let article(title: none, subtitle: none, ..rest, doc) = { if title != none { heading(title) }; doc }")
    return f"{page}\n$for(header-includes)$\n$header-includes$\n$endfor$\n{show_call(look, lang)}\n\n$body$\n"


def to_pdf(source: Source, workdir: Path, output: Path, look: Look, lang: str = "en-GB") -> Path:
    import typst

    template = workdir / "_page.typst"
    template.write_text(pandoc_typst_template(look, lang), encoding="utf-8")
    # 72 columns: wide table lines make pandoc size columns by their dashes
    typst_source = _pandoc([*source.reader_args, "--to", "typst", "--standalone", "--template", str(template),
                            "--columns=72"], source.data, workdir).decode("utf-8")
    if "@preview/" in typst_source:
        raise ConversionError("typst source imports an @preview package, which would need the internet")
    typ = workdir / (output.stem + ".typ")
    typ.write_text(typst_source, encoding="utf-8")
    try:
        typst.compile(str(typ), output=str(output.resolve()), root=str(workdir))
    except Exception as exc:  # typst.TypstError and friends
        raise ConversionError(f"typst failed: {str(exc).strip()[:500]}") from None
    return output
