"""``check``: a named Python check from the project's checks/ folder (see ccassure.rules.checks).

    test:
      type: check
      name: inequality_gap_trend
      tables: [outcome_metrics]       # the tables it reads (not_evaluable when any is missing)
      options: {metric: gld_percent}  # plain values handed to the check
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from ccassure.rules.checks import CheckContext, get_check
from ccassure.rules.testtypes.base import RESULT_COLUMNS, CompileContext, LoadContext, PythonPlan, TestType
from ccassure.rules.words import words


@dataclass(frozen=True)
class CheckSpec:
    name: str
    tables: tuple[str, ...]
    options: tuple[tuple[str, Any], ...]


class PythonCheck(TestType):
    name = "check"
    summary = "A named Python check registered from the project's checks/ folder."
    uses_all_parameters = True
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "name", "tables"],
        "properties": {
            "type": {"const": "check"},
            "name": {"type": "string", "description": "Name the check was registered under with @check(...)."},
            "tables": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "options": {"type": "object", "description": "Plain values passed to the check as ctx.options."},
        },
    }

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> CheckSpec:
        name = raw.get("name")
        if not ctx.checks(name):
            raise ctx.loc.error(f"no Python check named {name!r} is registered (put it in the project's checks/ "
                                "folder with @check(...))", "name")
        tables = raw.get("tables") or []
        for index, table in enumerate(tables):
            ctx.table(table, "tables", index)
        options = raw.get("options") or {}
        if not isinstance(options, dict):
            raise ctx.loc.error("options must be a mapping", "options")
        return CheckSpec(name, tuple(tables), tuple(sorted(options.items())))

    def tables(self, spec: CheckSpec) -> list[str]:
        return list(spec.tables)

    def compile(self, spec: CheckSpec, ctx: CompileContext) -> PythonPlan:
        def run(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
            function = get_check(spec.name)
            if function is None:
                raise LookupError(f"Python check {spec.name!r} is not registered")
            subjects = con.execute(f"SELECT * FROM {ctx.subjects}").df()
            context = CheckContext(con, subjects, list(spec.tables), dict(ctx.params), ctx.period,
                                   dict(spec.options), ctx.rule_id)
            result = function(context)
            frame = pd.DataFrame(list(result) if not isinstance(result, pd.DataFrame) else result)
            for column in RESULT_COLUMNS:
                if column not in frame.columns:
                    frame[column] = None
            frame["evidence"] = [
                [item if isinstance(item, str) else json.dumps(item, default=str) for item in (ev or [])]
                for ev in (value if isinstance(value, (list, tuple)) else None for value in frame["evidence"])
            ]  # a subject whose result gave no evidence (NaN where others did) has none
            return frame[list(RESULT_COLUMNS)]
        return PythonPlan(run)

    def describe(self, spec: CheckSpec) -> str:
        return f"a checked-in calculation ({words(spec.name)}) over {', '.join(words(t) for t in spec.tables)}"
