"""The report documents: every ``reports/*.qmd`` whose front matter says how often it is rendered.

A document declares itself in its front matter, so that adding a document is adding one ``.qmd`` file::

    ccassure:
      render: per-authority        # once | per-authority | per-centre | per-provider | per-assessment
      title: "{name}: compliance and performance"   # the title of each copy (default: the title)
      order: 2                     # where it comes in the plan and the lists (default: after the others)

The render plan (``runner.plan``), ``ccassure render --only`` and its help, the index and the table in
docs/reports.md all read this list. Each copy receives, of the values below, those that the document's
``parameters`` cell declares: the subject's own (``authority``, ``centre``, ``provider`` or ``impact_dir``),
``results_dir``, ``min_count``, ``synthetic``, ``formats``, ``kinds`` (the documents being rendered),
``rules_dir`` and, in a run for one authority, ``authority``.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ccassure.render.qmd import QmdError, read_qmd
from ccassure.reports.format import safe_stem

FRONT_MATTER_KEY = "ccassure"
IMPACT_FOLDER = "impact"  # impact assessments in the results folder: impact/impact.json or impact/<name>/impact.json
IMPACT_MANIFEST = "impact.json"


@dataclass(frozen=True)
class Subject:
    """One copy of a document: whom it is about, its file-name key, its parameter value and title fields."""

    key: str
    value: Any
    fields: dict[str, Any]


@dataclass(frozen=True)
class Mode:
    """How often a document is rendered: its subjects, the parameter naming each, and what the help says."""

    name: str
    parameter: str | None
    words: str
    key: str  # what names each copy's file, for the docs
    subjects: Callable[[Any, str | None], list[Subject]]


def _one_authority(authority: str | None) -> bool:
    return authority not in (None, "", "all")


def _authorities(results: Any, authority: str | None) -> list[Subject]:
    codes = [authority] if _one_authority(authority) else results.authorities()
    return [Subject(c, c, {"code": c, "name": results.authority_name(c)}) for c in codes]


def _centres(results: Any, authority: str | None) -> list[Subject]:
    return [Subject(row.subject_id, row.subject_id, {"code": row.subject_id, "name": row.subject_name or row.subject_id})
            for a in _authorities(results, authority) for row in results.centres(a.key).itertuples()]


def _providers(results: Any, authority: str | None) -> list[Subject]:
    """Every provider with a validated return (a provider without one has nothing to report)."""
    with_returns = {str(v.get("provider")) for v in results.validations}
    return [Subject(p, p, {"code": p, "name": results.provider_name(p)})
            for p in results.providers(authority if _one_authority(authority) else None) if p in with_returns]


def assessments(results_dir: Path, authority: str | None = None) -> list[Subject]:
    """The impact assessments kept with the results (``ccassure impact --output``): the folder
    ``impact/`` itself, keyed by its authority, and each subfolder of it, keyed by its name."""
    root = Path(results_dir) / IMPACT_FOLDER
    found = []
    for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir())] if root.is_dir() else []:
        manifest = folder / IMPACT_MANIFEST
        if not manifest.is_file():
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not an assessment this version can read; the plan leaves it out
        code = str(data.get("authority_code") or "")
        if _one_authority(authority) and code != authority:
            continue
        key = (code or "assessment") if folder == root else folder.name
        found.append(Subject(key, str(folder.resolve()), {"code": code, "name": data.get("authority_name") or code,
                                                           "title": data.get("title") or ""}))
    return found


MODES: dict[str, Mode] = {m.name: m for m in (
    Mode("once", None, "once", "", lambda results, authority: [Subject("", None, {})]),
    Mode("per-authority", "authority", "one per authority", "code", _authorities),
    Mode("per-centre", "centre", "one per centre", "id", _centres),
    Mode("per-provider", "provider", "one per provider with a validated return", "provider", _providers),
    Mode("per-assessment", "impact_dir", "one per impact assessment kept with the results", "authority or folder",
         lambda results, authority: assessments(results.directory, authority)),
)}


def stem_of(kind: str, key: str) -> str:
    """The file name (without extension) of one copy: ``authority-E10000016``, or ``index`` when rendered once."""
    return f"{kind}-{safe_stem(key)}" if key else kind


@dataclass(frozen=True)
class Document:
    kind: str          # the file's stem: reports/<kind>.qmd -> <kind>.html, or <kind>-<key>.html
    path: Path
    mode: Mode
    title: str         # the pattern of each copy's title ({name}, {code}, {title})
    summary: str       # the subtitle, for the help and the docs
    order: int
    parameters: frozenset[str]

    def stem(self, subject: Subject) -> str:
        return stem_of(self.kind, subject.key)

    def title_for(self, subject: Subject) -> str:
        try:
            return self.title.format(**subject.fields)
        except (KeyError, IndexError, ValueError):
            return self.title


class DocumentError(ValueError):
    """A report document's front matter that the plan cannot follow (named, with what to write instead)."""


def _declared_parameters(notebook: Any) -> frozenset[str]:
    """The names the document's ``parameters`` cell assigns (the values it can be given)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return frozenset()
            return frozenset(t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                             for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                             if isinstance(t, ast.Name))
    return frozenset()


def read_document(path: Path) -> Document | None:
    """The document's declaration, or None for a .qmd that declares none (a fragment, a draft)."""
    doc = read_qmd(path)
    spec = doc.front_matter.get(FRONT_MATTER_KEY)
    if spec is None:
        return None
    if not isinstance(spec, dict) or str(spec.get("render", "")) not in MODES:
        raise DocumentError(f"{path.name}: the front matter's `{FRONT_MATTER_KEY}: render:` must be one of "
                            f"{', '.join(MODES)} (found {spec.get('render') if isinstance(spec, dict) else spec!r})")
    order = spec.get("order", 1000)
    if not isinstance(order, int):
        raise DocumentError(f"{path.name}: `{FRONT_MATTER_KEY}: order:` must be a whole number (found {order!r})")
    title = str(spec.get("title") or doc.front_matter.get("title") or path.stem)
    return Document(path.stem, path.resolve(), MODES[str(spec["render"])], title,
                    str(doc.front_matter.get("subtitle") or ""), order, _declared_parameters(doc.notebook))


def _signature(reports_dir: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(reports_dir.glob("*.qmd")))


@lru_cache(maxsize=8)
def _documents(reports_dir: Path, signature: tuple) -> tuple[Document, ...]:
    found = []
    for path in sorted(reports_dir.glob("*.qmd")):
        try:
            document = read_document(path)
        except QmdError as exc:
            raise DocumentError(str(exc)) from None
        if document is not None:
            found.append(document)
    return tuple(sorted(found, key=lambda d: (d.order, d.kind)))


def documents(reports_dir: Path) -> dict[str, Document]:
    """Every declared document of a reports folder, in plan order (read again when a file changes)."""
    reports_dir = Path(reports_dir).resolve()
    if not reports_dir.is_dir():
        return {}
    return {d.kind: d for d in _documents(reports_dir, _signature(reports_dir))}


def project_documents() -> dict[str, Document]:
    """The current project's documents (its ``reports/`` folder)."""
    from ccassure.project import current_project

    return documents(current_project().reports_dir)


def kinds_help(docs: dict[str, Document]) -> str:
    """``--only``'s help: each document and how often it is rendered."""
    return "Which documents: " + "; ".join(f"{kind} ({d.mode.words})" for kind, d in docs.items()) + "."


def documents_table() -> str:
    """The Markdown table of documents that docs/reports.md carries (a test keeps the two the same)."""
    rows = ["| document | rendered | file names | what it is |", "|---|---|---|---|"]
    for kind, d in project_documents().items():
        stem = kind if d.mode.parameter is None else f"{kind}-<{d.mode.key}>"
        names = f"`{stem}.html`, `.pdf`"
        rows.append(f"| `reports/{kind}.qmd` | {d.mode.words} | {names} | {d.summary} |")
    return "\n".join(rows)
