"""Markdown -> self-contained HTML (pandoc) and -> PDF (pandoc -t typst, then typst).

pandoc comes from the ``pypandoc-binary`` wheel and typst from the ``typst`` wheel, so nothing is
downloaded: HTML embeds its CSS and images (``--embed-resources``), uses no MathJax or remote fonts, and
typst uses its built-in fonts and no ``@preview`` packages.
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from ccassure.reports.format import SYNTHETIC_NOTICE

METADATA_KEYS = ("title", "subtitle", "date", "author", "lang", "abstract", "description")


class ConversionError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _metadata(front: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    meta = {k: front[k] for k in METADATA_KEYS if k in front and isinstance(front[k], (str, int, float, list))}
    meta.setdefault("lang", "en-GB")
    meta.update(extra or {})
    return meta


def _pandoc(args: list[str], stdin: str, cwd: Path) -> str:
    proc = subprocess.run([pandoc_path(), *args], input=stdin.encode("utf-8"), capture_output=True, cwd=cwd,
                          stdin=None, timeout=120)
    if proc.returncode != 0:
        raise ConversionError(f"pandoc failed: {proc.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return proc.stdout.decode("utf-8")


def to_html(markdown: str, workdir: Path, output: Path, css: Path | None, front: dict[str, Any],
            synthetic: bool, toc: bool = True) -> Path:
    meta = _metadata(front, {"pagetitle": str(front.get("title", output.stem))})
    meta_file = workdir / "_html_meta.json"
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    args = ["--from", "markdown", "--to", "html5", "--standalone", "--embed-resources", "--metadata-file",
            str(meta_file), "--resource-path", str(workdir), "--output", str(output.resolve()),
            "--section-divs", "--columns=100000"]
    if toc:
        args += ["--toc", "--toc-depth=2"]
    if css is not None:
        args += ["--css", str(css.resolve())]
    body = markdown
    if synthetic:
        body += f"\n\n::: {{.synthetic-footer}}\n{SYNTHETIC_NOTICE}\n:::\n"
    _pandoc(args, body, workdir)
    return output


def _typst_header(synthetic: bool) -> str:
    notice = SYNTHETIC_NOTICE.replace("\\", "\\\\").replace('"', '\\"')
    footer_text = f'text(size: 7pt, weight: "bold", "{notice}")' if synthetic else "none"
    return (
        "#set page(paper: \"a4\", margin: (x: 1.6cm, y: 1.8cm), footer: context [\n"
        f"  #set text(size: 7pt)\n  #{footer_text if synthetic else '[]'} #h(1fr) "
        "Page #counter(page).display() of #counter(page).final().first()\n])\n"
        "#set text(font: (\"Libertinus Serif\", \"DejaVu Sans\"), size: 10pt)\n"
        "#set par(justify: false)\n"
        "#show table: set par(justify: false)\n"
        "#show figure.where(kind: table): set block(breakable: true)\n"
        "#show table: set text(size: 8pt, hyphenate: false)\n"
        "#set table(stroke: 0.5pt + luma(60%), inset: 4pt)\n"
        "#show table.cell.where(y: 0): set text(weight: \"bold\")\n"
        "#show heading.where(level: 1): it => { pagebreak(weak: true); it }\n"
        "#show raw: set text(size: 8pt)\n"
    )


def to_pdf(markdown: str, workdir: Path, output: Path, front: dict[str, Any], synthetic: bool) -> Path:
    import typst

    meta = _metadata(front)
    meta_file = workdir / "_typst_meta.json"
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    header = workdir / "_typst_header.typ"
    header.write_text(_typst_header(synthetic), encoding="utf-8")
    # inside the document, after the template's own settings: ragged-right text reads more easily
    before = workdir / "_typst_before.typ"
    before.write_text("#set par(justify: false)\n", encoding="utf-8")
    source = _pandoc(["--from", "markdown", "--to", "typst", "--standalone", "--metadata-file", str(meta_file),
                      "--include-in-header", str(header), "--include-before-body", str(before),
                      # 72 columns: wide table lines make pandoc size columns by their dashes
                      "--columns=72", "-V", "papersize=a4"],
                     markdown, workdir)
    if "@preview/" in source:
        raise ConversionError("typst source imports an @preview package, which would need the internet")
    typ = workdir / (output.stem + ".typ")
    typ.write_text(source, encoding="utf-8")
    try:
        typst.compile(str(typ), output=str(output.resolve()), root=str(workdir))
    except Exception as exc:  # typst.TypstError and friends
        raise ConversionError(f"typst failed: {str(exc).strip()[:500]}") from None
    return output
