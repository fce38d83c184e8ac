"""The reference importer kinds: one list, from which ``ccassure import``'s choices and help, the store's
``import_reference`` and the table in docs/store.md are all read.

Each CSV importer's shared part lives here once too: :func:`importer` checks the file, finds its encoding
and header (handing the importer a :class:`~ccassure.reference.common.CsvFile` to pick columns from) and,
once the importer has built its frame, conforms it to the table's contract. This module imports nothing
heavy, so that listing the kinds (``ccassure import --help``) does not import pandas.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Importer:
    kind: str
    table: str | None          # the reference table it replaces (None: a folder of contract-format tables)
    reader: str | None         # "module:function" reading one file into that table's frame
    file: str                  # the file it reads, for --help and the docs
    notes: str = ""            # how it reads it, for the docs
    suffixes: tuple[str, ...] = (".csv",)

    @property
    def reads_csv(self) -> bool:
        return self.suffixes == (".csv",)


IMPORTERS: dict[str, Importer] = {i.kind: i for i in (
    Importer("gias", "gias_centres", "ccassure.reference.gias:read_gias",
             "GIAS \"Children's centre fields CSV\" `edubaseallchildrencentreYYYYMMDD.csv` (any GIAS establishment "
             "extract)",
             "Windows-1252 or UTF-8; dates `dd-mm-yyyy`; type code 47 → `childrens_centre`, 48 → `linked_site` "
             "(or from the `(name)` column), others `other`; status codes 1–4."),
    Importer("iod", "deprivation", "ccassure.reference.iod:read_iod", "IoD2019 / IoD2025 File 7 CSV",
             "version from `LSOA code (2011)` / `(2021)`; prefix matching (the truncated IoD2025 CYP header is "
             "tolerated); IMD and IDACI deciles, IDACI score, 0–15 denominator. One import per IoD version."),
    Importer("population", "lsoa_population", "ccassure.reference.population:read_population",
             "ONS SAPE single-year-of-age workbook `sapelsoasyoa….xlsx` (or one sheet saved as CSV)",
             "every `Mid-YYYY LSOA 2021` sheet; header row found (row 4 in the published files); under-5s = "
             "F0–F4 + M0–M4.", suffixes=(".xlsx", ".csv")),
    Importer("postcodes", "postcodes", "ccassure.reference.postcodes:read_postcodes",
             "NSPL / ONSPD CSV, any naming generation",
             "roles: `pcds`/`pcd`/`pcd7`; `oslaua`/`laua`/`ladNNcd`; `oscty`/`cty`/`ctyNNcd`; `lsoa21`/`lsoa21cd`; "
             "`oseast1m`/`east1m`. `authority_code` is the county (E10…) in two-tier areas, else the lower tier. "
             "Zero grid references → missing; non-empty `doterm` → `terminated`."),
    Importer("eyfsp", "eyfsp", "ccassure.reference.eyfsp:read_eyfsp",
             "DfE EYFSP headline measures CSV (EES table 1, current or 2022 naming)",
             "local-authority rows, sex Total; `z`/`c`/`x`/`low` → missing; breakdowns as `total`, `fsm_eligible`, "
             "`fsm_not_eligible`, `fsm_unknown`, else `topic:value` in snake case."),
    Importer("authorities", "authorities", "ccassure.reference.authorities:read_authorities",
             "CSV of authority codes (e.g. `la_codes_target.csv`)", "type from `la_type` or the ONS code prefix."),
    Importer("comparators-eyfsp", "comparators", "ccassure.reference.comparators:read_eyfsp_comparators",
             "DfE EYFSP headline measures CSV (its national and regional rows)",
             "England and regional good level of development (all children) as comparator figures beside the "
             "local one; academic years as `2024-25`."),
    Importer("tables", None, None,
             "a folder of reference tables already in ccassure's contract format (such as `sample_data/reference`)",
             "validated first; a folder with errors is refused whole.", suffixes=()),
)}

# the kinds that read one published file (``tables`` is a folder, imported table by table)
FILE_KINDS: dict[str, Importer] = {k: i for k, i in IMPORTERS.items() if i.reader is not None}


def reader(kind: str) -> Callable[[Path | str], Any]:
    """The function that reads a file of ``kind`` into its table's frame."""
    if kind not in FILE_KINDS:
        raise ValueError(f"unknown reference kind {kind!r}; choose one of {', '.join(FILE_KINDS)}")
    module, function = str(FILE_KINDS[kind].reader).split(":")
    return getattr(importlib.import_module(module), function)


def importer(kind: str) -> Callable[[Callable[..., Any]], Callable[[Path | str], Any]]:
    """Make ``read_<kind>(path)`` from the body that builds the frame: the file is checked (and, for a CSV,
    its encoding and header read into a ``CsvFile``) before, and the frame conformed to the table's contract
    after, the same way for every importer."""

    def wrap(body: Callable[..., Any]) -> Callable[[Path | str], Any]:
        @functools.wraps(body)
        def read(path: Path | str) -> Any:
            from ccassure.reference.common import CsvFile, check_file, finish

            spec = IMPORTERS[kind]
            source = CsvFile.open(path) if spec.reads_csv else check_file(path, suffixes=spec.suffixes)
            checked = source.path if isinstance(source, CsvFile) else source
            return finish(body(source), str(spec.table), checked)

        return read

    return wrap


def kinds_help() -> list[str]:
    """``ccassure import``'s help: each kind and the file it reads, one line each."""
    return [f"{kind}: {i.file}".replace("`", "") for kind, i in IMPORTERS.items()]


def importers_table() -> str:
    """The Markdown table of kinds that docs/store.md carries (a test keeps the two the same)."""
    rows = ["| KIND | file | notes |", "|---|---|---|"]
    rows += [f"| `{kind}` | {i.file} | {i.notes} |" for kind, i in IMPORTERS.items()]
    return "\n".join(rows)
