"""``distance``: the share of a population (points with a weight) within a straight-line distance of a site.

    test:
      type: distance
      points:                       # e.g. LSOAs with their under-5 population
        table: lsoa_population
        link: {authority_code: authority_code}
        latest: year                # keep the latest year per subject
        weight: under5
        join: {table: deprivation, on: {lsoa_code: lsoa_code}, where: "iod_version = :iod_version"}
        where: "deprivation.imd_decile <= :most_deprived_deciles"
      sites:                        # e.g. open centres
        table: centres
        where: "status = 'open'"
        link: {authority_code: authority_code}   # omit to count sites in any area
      within: max_distance_m        # metres (a parameter)
      at_least: min_share_percent

Distances are straight lines between British National Grid eastings and northings (metres), computed in
plain SQL. Points without coordinates are left out of the share and counted in the detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccassure.rules.expr import Condition, quote_ident, sql_literal
from ccassure.rules.testtypes.base import (
    TOTAL_KEY,
    CompileContext,
    LoadContext,
    Ref,
    SqlPlan,
    TestType,
    Thresholds,
)
from ccassure.rules.testtypes.common import CHOICE, EXPRESSION, LINK, NUMBER_OR_PARAM, THRESHOLDS, parse_link
from ccassure.rules.words import words


@dataclass(frozen=True)
class Join:
    table: str
    on: tuple[tuple[str, str], ...]
    where: Condition | None


@dataclass(frozen=True)
class PointsSpec:
    table: str
    link: tuple[tuple[str, str], ...] | None
    where: Condition | None
    weight: str | None
    latest: str | None
    easting: str
    northing: str
    join: Join | None


@dataclass(frozen=True)
class DistanceSpec:
    points: PointsSpec
    sites: PointsSpec
    within: Ref
    thresholds: Thresholds
    if_empty: str


_SIDE = {
    "type": "object", "additionalProperties": False, "required": ["table"],
    "properties": {
        "table": {"type": "string"},
        "link": LINK,
        "where": EXPRESSION,
        "weight": {"type": "string", "description": "Number column to weight each point by (points only)."},
        "latest": {"type": "string", "description": "Keep only rows with the latest value of this column per subject."},
        "easting": {"type": "string", "description": "Easting column (default easting)."},
        "northing": {"type": "string", "description": "Northing column (default northing)."},
        "join": {"type": "object", "additionalProperties": False, "required": ["table", "on"],
                 "properties": {"table": {"type": "string"},
                                "on": {"type": "object", "additionalProperties": {"type": "string"}},
                                "where": EXPRESSION}},
    },
}


class Distance(TestType):
    name = "distance"
    summary = "Share of a weighted population within a straight-line distance of a site."
    schema = {
        "type": "object", "additionalProperties": False, "required": ["type", "points", "sites", "within"],
        "properties": {
            "type": {"const": "distance"},
            "points": _SIDE,
            "sites": _SIDE,
            "within": {**NUMBER_OR_PARAM, "description": "Distance in metres."},
            "if_empty": {**CHOICE, "description": "Status when the subject has no located points "
                                                 "(default not_evaluable)."},
            **THRESHOLDS,
        },
    }

    def _side(self, raw: Any, ctx: LoadContext, step: str, link_required: bool) -> PointsSpec:
        if not isinstance(raw, dict):
            raise ctx.loc.error(f"{step} must be a mapping with table", step)
        contract = ctx.table(raw.get("table"), step, "table")
        scope = {contract.table: contract}
        join = None
        if raw.get("join") is not None:
            jraw = raw["join"]
            jcontract = ctx.table(jraw.get("table"), step, "join", "table")
            if jcontract.table == contract.table:
                raise ctx.loc.error("join needs another table", step, "join", "table")
            on = []
            for theirs, ours in (jraw.get("on") or {}).items():
                ctx.column(jcontract, theirs, step, "join", "on", theirs)
                ctx.column(contract, ours, step, "join", "on", theirs)
                on.append((theirs, ours))
            if not on:
                raise ctx.loc.error("join.on must map columns of the joined table to columns of the points",
                                    step, "join", "on")
            jwhere = None
            if jraw.get("where") is not None:
                jwhere = ctx.condition(jraw["where"], {jcontract.table: jcontract}, jcontract.table,
                                       step, "join", "where")
            join = Join(jcontract.table, tuple(on), jwhere)
            scope[jcontract.table] = jcontract
        where = ctx.condition(raw["where"], scope, contract.table, step, "where") if raw.get("where") else None
        link = None
        if raw.get("link") is not None or link_required:
            link = parse_link(raw.get("link"), contract, ctx, step, "link")
        weight = None
        if raw.get("weight") is not None:
            weight = ctx.column(contract, raw["weight"], step, "weight", types=("integer", "number"))
        latest = ctx.column(contract, raw["latest"], step, "latest") if raw.get("latest") is not None else None
        easting = ctx.column(contract, raw.get("easting", "easting"), step, "easting", types=("integer", "number"))
        northing = ctx.column(contract, raw.get("northing", "northing"), step, "northing",
                              types=("integer", "number"))
        return PointsSpec(contract.table, link, where, weight, latest, easting, northing, join)

    def parse(self, raw: dict[str, Any], ctx: LoadContext) -> DistanceSpec:
        points = self._side(raw.get("points"), ctx, "points", link_required=True)
        sites = self._side(raw.get("sites"), ctx, "sites", link_required=False)
        if sites.weight is not None:
            raise ctx.loc.error("weight belongs to points, not sites", "sites", "weight")
        return DistanceSpec(points, sites, ctx.ref(raw.get("within"), "within"), Thresholds.parse(raw, ctx),
                            ctx.choice(raw.get("if_empty"), "not_evaluable", "if_empty"))

    def tables(self, spec: DistanceSpec) -> list[str]:
        found = [spec.points.table, spec.sites.table]
        for side in (spec.points, spec.sites):
            if side.join:
                found.append(side.join.table)
        return list(dict.fromkeys(found))

    def params(self, spec: DistanceSpec) -> set[str]:
        used = spec.thresholds.params() | ({spec.within.param} if spec.within.param else set())
        for side in (spec.points, spec.sites):
            if side.where:
                used |= side.where.parameters
            if side.join and side.join.where:
                used |= side.join.where.parameters
        return used

    def _relation(self, side: PointsSpec, ctx: CompileContext, alias: str, with_subject: bool) -> str:
        aliases = {side.table: alias}
        joins = ""
        if side.join:
            jalias = alias + "j"
            aliases[side.join.table] = jalias
            jwhere = ctx.cond(side.join.where, {side.join.table: "x"})
            on = " AND ".join(f"{jalias}.{quote_ident(theirs)} = {alias}.{quote_ident(ours)}"
                              for theirs, ours in side.join.on)
            joins = (f" JOIN (SELECT * FROM {ctx.relation(side.join.table)} x WHERE {jwhere}) {jalias} ON {on}")
        where = ctx.cond(side.where, aliases)
        weight = f"coalesce({alias}.{quote_ident(side.weight)}, 0)" if side.weight else "1"
        pk = ", ".join(f"{sql_literal(k)}: {alias}.{quote_ident(k)}" for k in ctx.pk(side.table))
        cols = (f"{alias}.{quote_ident(side.easting)} AS e, {alias}.{quote_ident(side.northing)} AS n, "
                f"{weight} AS w, {{{pk}}} AS key")
        if with_subject and side.link:
            on = " AND ".join(f"{alias}.{quote_ident(theirs)} = s.{quote_ident(ours)}" for theirs, ours in side.link)
            latest = ""
            if side.latest:
                latest = (f" QUALIFY {alias}.{quote_ident(side.latest)} = "
                          f"max({alias}.{quote_ident(side.latest)}) OVER (PARTITION BY s.__subject_id)")
            return (f"SELECT s.__subject_id AS sid, {cols} FROM {ctx.subjects} s JOIN {ctx.relation(side.table)} "
                    f"{alias} ON {on}{joins} WHERE {where}{latest}")
        latest = ""
        if side.latest:
            latest = (f" QUALIFY {alias}.{quote_ident(side.latest)} = max({alias}.{quote_ident(side.latest)}) OVER ()")
        return f"SELECT NULL AS sid, {cols} FROM {ctx.relation(side.table)} {alias}{joins} WHERE {where}{latest}"

    def compile(self, spec: DistanceSpec, ctx: CompileContext) -> SqlPlan:
        radius = float(spec.within.resolve(ctx.params))
        points = self._relation(spec.points, ctx, "p", True)
        linked_sites = spec.sites.link is not None
        sites = self._relation(spec.sites, ctx, "c", linked_sites)
        same = "c.sid = p.sid AND " if linked_sites else ""
        near = (f"SELECT DISTINCT p.sid, p.key FROM p JOIN c ON {same}"
                f"c.e BETWEEN p.e - {radius} AND p.e + {radius} AND c.n BETWEEN p.n - {radius} AND p.n + {radius} "
                f"AND (CAST(c.e AS DOUBLE) - p.e) * (CAST(c.e AS DOUBLE) - p.e) + "
                f"(CAST(c.n AS DOUBLE) - p.n) * (CAST(c.n AS DOUBLE) - p.n) <= {radius * radius} "
                f"WHERE p.e IS NOT NULL AND p.n IS NOT NULL")
        located = "p.e IS NOT NULL AND p.n IS NOT NULL"
        summary = (f"SELECT p.sid, sum(p.w) FILTER (WHERE {located}) AS den, "
                   f"sum(p.w) FILTER (WHERE {located} AND r.key IS NOT NULL) AS num, "
                   f"count(*) FILTER (WHERE NOT ({located})) AS unlocated, count(*) FILTER (WHERE {located}) AS pts, "
                   f"list_transform(min(p.key, {int(ctx.evidence_limit)}) FILTER (WHERE {located} AND r.key IS NULL), "
                   f"lambda k: to_json({{'table': {sql_literal(spec.points.table)}, 'keys': k}})::VARCHAR) || "
                   f"[to_json({{'{TOTAL_KEY}': count(DISTINCT p.key) FILTER (WHERE {located} AND r.key IS NULL)}})"
                   f"::VARCHAR] AS ev "
                   f"FROM p LEFT JOIN near r ON r.sid = p.sid AND r.key = p.key GROUP BY p.sid")
        value = "(100.0 * coalesce(m.num, 0) / m.den)"
        outcome = (f"CASE WHEN coalesce(m.den, 0) = 0 THEN {sql_literal(spec.if_empty)} "
                   f"ELSE {spec.thresholds.outcome_sql(value, ctx.params)} END")
        observed = f"CASE WHEN coalesce(m.den, 0) = 0 THEN NULL ELSE CAST(round({value}, 1) AS VARCHAR) || '%' END"
        detail = (f"CASE WHEN m.sid IS NULL THEN {sql_literal(f'no {spec.points.table} rows for this subject')} "
                  f"WHEN coalesce(m.den, 0) = 0 THEN 'no population with coordinates' "
                  f"ELSE CAST(coalesce(m.num, 0) AS VARCHAR) || ' of ' || CAST(m.den AS VARCHAR) || ' within "
                  f"{radius:g} m' || CASE WHEN m.unlocated > 0 THEN '; ' || CAST(m.unlocated AS VARCHAR) || "
                  f"' rows without coordinates left out' ELSE '' END END")
        threshold = f"share within {radius:g} m: {spec.thresholds.text(ctx.params, '%')}"
        sql = (f"WITH p AS ({points}), c AS ({sites}), near AS ({near}), m AS ({summary}) "
               f"SELECT s.__subject_id AS subject_id, {outcome} AS outcome, {observed} AS observed, "
               f"{sql_literal(threshold)} AS threshold, m.ev AS evidence, {detail} AS detail "
               f"FROM {ctx.subjects} s LEFT JOIN m ON m.sid = s.__subject_id")
        return SqlPlan(sql)

    def describe(self, spec: DistanceSpec) -> str:
        return (f"share of {words(spec.points.table)} ({words(spec.points.weight or 'rows')}) within "
                f"{words(spec.within.describe())} metres of one of the {words(spec.sites.table)}")
