"""The evaluator: runs loaded rules over validated tables with DuckDB and returns one findings table.

It knows nothing about test types beyond the interface in ``testtypes/base.py``: for each rule it lists the
subjects, splits them by ``applies_when`` (true: tested; false: not_applicable; unknown: not_evaluable),
asks the rule's test type for a plan, runs it, and turns outcomes into statuses:

    pass -> met    warn -> at_risk    fail -> the rule's severity (capped at at_risk for unverified wording)
    missing -> not_evaluable          na -> not_applicable

A table the test needs that was not supplied makes every subject not_evaluable: missing data is never met.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from ccassure.contracts import ContractSet, load_contracts
from ccassure.contracts.dtypes import DUCKDB_TYPES
from ccassure.periods import Period, parse_period, quarter_of
from ccassure.rules.blanks import blank_detail, blank_sql
from ccassure.rules.commencement import in_force_sql, judge_on_dates, not_in_force_detail, subject_date_sql
from ccassure.rules.expr import quote_ident, sql_literal
from ccassure.rules.loader import RuleSet
from ccassure.rules.model import SUBJECTS, Rule, SubjectDef
from ccassure.rules.programmes import programme_subjects_sql
from ccassure.rules.result import Finding, Findings
from ccassure.rules.testtypes import TEST_TYPES
from ccassure.rules.testtypes.base import TOTAL_KEY, CompileContext

OUTCOME_STATUS = {"pass": "met", "warn": "at_risk", "missing": "not_evaluable", "na": "not_applicable"}
DEFAULT_MESSAGES = {
    "not_evaluable": "{subject_name}: cannot be evaluated for {period}: {detail}",
    "not_applicable": "{subject_name}: this rule does not apply.",
}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def authority_sources(contracts: ContractSet, present: Iterable[str]) -> list[str]:
    """The tables an authority subject is listed from: every provider-return or authority-records table whose
    contract scopes it by an authority_code column (a fact of the contract, not a list kept here)."""
    return [c.table for c in contracts if c.table in set(present) and c.dataset != "reference"
            and c.authority_scope == "authority_column" and c.authority_column == "authority_code"]


def latest_period(data: Mapping[str, pd.DataFrame] | duckdb.DuckDBPyConnection) -> Period | None:
    """The latest calendar quarter with a session in the data (None when there are no sessions)."""
    if isinstance(data, duckdb.DuckDBPyConnection):
        try:
            value = data.sql('SELECT max(CAST("date" AS DATE)) FROM "sessions"').fetchall()[0][0]
        except duckdb.Error:
            return None
    else:
        frame = data.get("sessions")
        if frame is None or frame.empty or "date" not in frame:
            return None
        value = pd.to_datetime(frame["date"]).max()
        value = None if pd.isna(value) else value.date()
    return quarter_of(value) if value is not None else None


class Evaluator:
    """One DuckDB connection over the data; evaluate any number of rules against it."""

    def __init__(self, data: Mapping[str, pd.DataFrame] | duckdb.DuckDBPyConnection, *,
                 contracts: ContractSet | None = None, data_versions: Mapping[str, list[str]] | None = None,
                 authority: str | None = None, evidence_limit: int = 20,
                 con: duckdb.DuckDBPyConnection | None = None):
        """``data``: typed frames (registered in ``con``, a new connection by default), or a connection that
        already holds the typed tables under their names (the store path of a check)."""
        self.contracts = contracts or load_contracts()
        self.authority = authority
        self.evidence_limit = evidence_limit
        self._versions = {k: list(v) for k, v in (data_versions or {}).items()}
        self._hashes: dict[str, str] = {}
        self._subject_views: dict[str, str | None] = {}
        if isinstance(data, duckdb.DuckDBPyConnection):
            self.con = data
            names = {row[0] for row in data.sql(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
            ).fetchall()}
            self.present = {name for name in names if name in self.contracts}
        else:
            self.con = con if con is not None else duckdb.connect()
            self.present = set()
            for name, frame in data.items():
                if frame is None or name not in self.contracts:
                    continue
                self._register(name, frame)

    def _register(self, name: str, frame: pd.DataFrame) -> None:
        """Expose a typed frame to DuckDB as a view with the contract's columns and SQL types.

        The frame goes in as an Arrow table (near zero-copy for pyarrow-backed columns): DuckDB binds and
        scans Arrow far faster than a pandas frame, and nothing is copied per rule.
        """
        contract = self.contracts[name]
        raw = f"__arrow_{name}"
        known = [spec.name for spec in contract.columns if spec.name in frame.columns]
        self.con.register(raw, pa.Table.from_pandas(frame[known], preserve_index=False))
        columns = []
        for spec in contract.columns:
            kind = DUCKDB_TYPES[spec.type]
            source = quote_ident(spec.name) if spec.name in frame.columns else "NULL"
            columns.append(f"CAST({source} AS {kind}) AS {quote_ident(spec.name)}")
        self.con.execute(f"CREATE OR REPLACE VIEW {quote_ident(name)} AS SELECT {', '.join(columns)} "
                         f"FROM {quote_ident(raw)}")
        self.present.add(name)

    # data versions ----------------------------------------------------------------------------------------
    def version_of(self, table: str) -> list[str]:
        if table in self._versions:
            return self._versions[table]
        if table not in self._hashes:
            count, digest = self.con.sql(f"SELECT count(*), bit_xor(hash(t)) FROM {quote_ident(table)} t").fetchall()[0]
            token = hashlib.sha256(f"{table}:{count}:{digest}".encode()).hexdigest()[:16]
            self._hashes[table] = f"unversioned:{token}"
        return [self._hashes[table]]

    # subjects ---------------------------------------------------------------------------------------------
    def _authority_filter(self, column: str) -> str:
        if not self.authority:
            return "TRUE"
        return f"{column} = {sql_literal(self.authority)}"

    def subject_view(self, subject: SubjectDef) -> str | None:
        """Name of a view of every subject of this type (None when its table was not supplied)."""
        if subject.type in self._subject_views:
            return self._subject_views[subject.type]
        view = f"__subjects_{subject.type}"
        name_sql = "NULL"
        provider = "NULL"
        if subject.type == "programme":
            sql = programme_subjects_sql(self.present, self._authority_filter("authority_code"))
            if sql is None:
                self._subject_views[subject.type] = None
                return None
        elif subject.table is None:
            sources = authority_sources(self.contracts, self.present)
            if not sources:
                self._subject_views[subject.type] = None
                return None
            union = " UNION ".join(f"SELECT authority_code FROM {quote_ident(t)}" for t in sources)
            if "authorities" in self.present:
                name_sql = "(SELECT any_value(a.authority_name) FROM authorities a WHERE a.authority_code = s.authority_code)"
            sql = (f"SELECT s.authority_code, s.authority_code AS __subject_id, coalesce({name_sql}, s.authority_code) "
                   f"AS __subject_name, s.authority_code AS __authority, NULL::VARCHAR AS __provider "
                   f"FROM (SELECT DISTINCT authority_code FROM ({union}) WHERE authority_code IS NOT NULL) s "
                   f"WHERE {self._authority_filter('s.authority_code')}")
        else:
            if subject.table not in self.present:
                if subject.type == "provider" and "centres" in self.present:
                    self.con.execute(
                        "CREATE OR REPLACE TEMP VIEW __derived_providers AS SELECT DISTINCT provider_id, "
                        "CAST(NULL AS VARCHAR) AS provider_name, authority_code, CAST(NULL AS VARCHAR) AS contract_ref,"
                        " CAST(NULL AS DATE) AS contract_start, CAST(NULL AS DATE) AS contract_end FROM centres")
                    table = "__derived_providers"
                else:
                    self._subject_views[subject.type] = None
                    return None
            else:
                table = subject.table
            key = f"s.{quote_ident(subject.key)}"
            name_sql = f"s.{quote_ident(subject.name)}" if subject.name else "NULL"
            if subject.type == "change":
                name_sql = (f"coalesce(s.\"description\", s.\"change_type\" || ' of ' || s.\"centre_id\", {key})")
                if "centres" in self.present:
                    provider = ("(SELECT any_value(c.provider_id) FROM centres c WHERE c.centre_id = s.centre_id)")
            elif subject.provider:
                provider = f"s.{quote_ident(subject.provider)}"
            authority = f"s.{quote_ident(subject.authority)}" if subject.authority else "NULL"
            sql = (f"SELECT s.*, CAST({key} AS VARCHAR) AS __subject_id, CAST({name_sql} AS VARCHAR) AS __subject_name, "
                   f"CAST({authority} AS VARCHAR) AS __authority, CAST({provider} AS VARCHAR) AS __provider "
                   f"FROM {quote_ident(table)} s WHERE {self._authority_filter(authority)}")
        # a table, not a view: the subjects are read by every rule of their type, and the authority list is a
        # union over every table that names an authority (sessions and contacts among them)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS {sql}")
        self._subject_views[subject.type] = view
        return view

    # rules ------------------------------------------------------------------------------------------------
    def evaluate(self, rules: RuleSet | Iterable[Rule] | Rule, period: Period | str,
                 parameters: Mapping[str, Mapping[str, Any]] | None = None) -> Findings:
        period = parse_period(period)
        items = [rules] if isinstance(rules, Rule) else list(rules)
        findings = Findings(period=period.label)
        for rule in items:
            findings.extend(self.evaluate_rule(rule, period, (parameters or {}).get(rule.id)))
        return findings

    def evaluate_rule(self, rule: Rule, period: Period, overrides: Mapping[str, Any] | None = None) -> Findings:
        """Each subject meets the parameter values in force on its date (rules/commencement.py)."""
        return judge_on_dates(rule, period, overrides, self._evaluate_version, lambda: self._subject_dates(rule, period))

    def _subject_dates(self, rule: Rule, period: Period) -> dict[str, Any]:
        view = self.subject_view(SUBJECTS[rule.subject])
        if view is None:
            return {}
        return dict(self.con.execute(f"SELECT __subject_id, {subject_date_sql(period)} FROM {view} s").fetchall())

    def _evaluate_version(self, rule: Rule, period: Period, overrides: Mapping[str, Any] | None = None) -> Findings:
        params = rule.parameter_values(dict(overrides or {}))
        subject = SUBJECTS[rule.subject]
        view = self.subject_view(subject)
        base = _Base(rule, period, params, self._data_versions(rule))
        if view is None:
            missing = subject.table or "any table with authority_code"
            base.problem = f"{missing} was not supplied"
            return Findings([base.finding(None, None, None, None, "not_evaluable", None, None,
                                          f"the {missing} table was not supplied, so no {rule.subject} could be listed",
                                          [])], period=period.label, problems=[f"{rule.id}: {base.problem}"])
        subject_alias = {(subject.table or "authority"): "s"}
        applies = "TRUE"
        if rule.applies_when:
            applies = rule.applies_when.sql(subject_alias, params, (period.start, period.end))
        in_force = in_force_sql(rule.in_force, rule.subject, period)  # rules/commencement.py
        blank = blank_sql(rule.blank_means)  # rules/blanks.py: the first blank column the rule gives a meaning
        # the applicable subjects, inlined as a sub-query (no per-rule DDL: it is slow in DuckDB's Python API)
        applicable_sql = f"(SELECT * FROM {view} s WHERE ({applies}) AND ({in_force}) AND ({blank}) IS NULL)"
        ctx = CompileContext(rule.id, subject, applicable_sql, params, period, self.contracts, self.present,
                             self.evidence_limit)
        listing = self.con.execute(f"SELECT __subject_id, __subject_name, __authority, __provider, ({applies}), "
                                   f"({in_force}), {blank} FROM {view} s ORDER BY __subject_id").fetchall()
        out: list[Finding] = []
        problems: list[str] = []
        applicable = []
        for sid, name, authority, provider, flag, current, blank_column in listing:
            if flag is None:
                out.append(base.finding(sid, name, authority, provider, "not_evaluable", None, None,
                                        "a value needed to decide whether the rule applies is blank "
                                        f"({rule.applies_when.words})", []))
            elif not flag:
                out.append(base.finding(sid, name, authority, provider, "not_applicable", None, None, None, []))
            elif not current:
                out.append(base.finding(sid, name, authority, provider, "not_applicable", None, None,
                                        not_in_force_detail(rule.in_force, rule.subject), []))
            elif blank_column:
                status = base.capped(rule.blank_means[blank_column])
                out.append(base.finding(sid, name, authority, provider, status, None, None,
                                        blank_detail(blank_column, status), []))
            else:
                applicable.append((sid, name, authority, provider))
        if not applicable:
            return Findings(out, period=period.label)
        test_type = TEST_TYPES[rule.test_type]
        absent = [t for t in test_type.tables(rule.test) if t not in self.present]
        results: dict[str, tuple] = {}
        failure = None
        if absent:
            failure = f"needs the {', '.join(absent)} table{'s' if len(absent) > 1 else ''}, which {'were' if len(absent) > 1 else 'was'} not supplied"
        else:
            try:
                frame = test_type.compile(rule.test, ctx).execute(self.con)
                for row in frame.itertuples(index=False):
                    results[str(row.subject_id)] = (row.outcome, row.observed, row.threshold, row.evidence, row.detail)
            except Exception as exc:  # a bug or a data shape the rule did not expect: say so, never pass
                failure = f"could not be evaluated ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
                problems.append(f"{rule.id}: {failure}")
        for sid, name, authority, provider in applicable:
            if failure:
                out.append(base.finding(sid, name, authority, provider, "not_evaluable", None, None, failure, []))
                continue
            outcome, observed, threshold, evidence, detail = results.get(
                str(sid), ("missing", None, None, [], "no result for this subject"))
            status = base.status(outcome)
            out.append(base.finding(sid, name, authority, provider, status, _text(observed), _text(threshold),
                                    _text(detail), *_evidence(evidence)))
        return Findings(out, period=period.label, problems=problems)

    def _data_versions(self, rule: Rule) -> dict[str, list[str]]:
        return {table: self.version_of(table) for table in rule.tables if table in self.present}


def _evidence(value: Any) -> tuple[list[Any], int]:
    """The evidence items of a test result and the exact number of matching rows: a row-listing test ends
    its (capped) list with a {"evidence_total": n} item (testtypes/base.py TOTAL_KEY); other tests list
    every item, all of which matched. Items marked "matched": false (rows that decided a not_met) are not
    counted."""
    items, total = [], None
    for item in _list(value):
        parsed = json.loads(item) if isinstance(item, str) else item
        if isinstance(parsed, dict) and set(parsed) == {TOTAL_KEY}:
            total = (total or 0) + int(parsed[TOTAL_KEY] or 0)
        else:
            items.append(item)
    if total is None:
        total = sum(1 for item in items if not (isinstance(item, dict) and item.get("matched") is False)
                    and not (isinstance(item, str) and '"matched":false' in item.replace(" ", "")))
    return items, total


def _list(value: Any) -> list[Any]:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    return [item for item in value if item is not None]


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


class _Base:
    """Builds the findings of one rule run."""

    def __init__(self, rule: Rule, period: Period, params: dict[str, Any], versions: dict[str, list[str]]):
        self.rule = rule
        self.period = period
        self.params = params
        self.params_json = json.dumps(params, sort_keys=True, default=str)
        self.versions_json = json.dumps(versions, sort_keys=True)
        self.problem: str | None = None

    def status(self, outcome: str) -> str:
        return self.capped(self.rule.severity if outcome == "fail" else OUTCOME_STATUS.get(outcome, "not_evaluable"))

    def capped(self, status: str) -> str:
        return "at_risk" if status == "not_met" and self.rule.cap == "at_risk" else status

    def finding(self, sid, name, authority, provider, status, observed, threshold, detail, evidence,
                evidence_total: int | None = None) -> Finding:
        rule = self.rule
        subject = SUBJECTS[rule.subject]
        items: list[Any] = []
        if sid is not None and subject.table is not None:
            items.append({"table": subject.table, "keys": {subject.key: sid}})
        for item in evidence:
            items.append(json.loads(item) if isinstance(item, str) else item)
        values = {"subject_name": name or sid or "", "subject_id": sid or "", "subject_type": rule.subject,
                  "period": self.period.label, "observed": observed if observed is not None else "no value",
                  "threshold": threshold or "", "detail": detail or "", "authority_code": authority or "",
                  "provider_id": provider or "", "status": status,
                  **{k: v for k, v in self.params.items()}}
        message = render_message(rule, status, values)
        return Finding(
            rule_id=rule.id, rule_version=rule.version, title=rule.title, subject_type=rule.subject,
            subject_id=sid, subject_name=name, authority_code=authority, provider_id=provider,
            period=self.period.label, status=status, observed=observed, threshold=threshold, message=message,
            evidence=json.dumps(items, default=str), parameters=self.params_json, data_versions=self.versions_json,
            severity=rule.effective_severity, citation=rule.basis.citation, guidance=rule.guidance,
            evidence_total=len(evidence) if evidence_total is None else evidence_total,
        )


def render_message(rule: Rule, status: str, values: dict[str, Any]) -> str:
    """Fill a message template: only {name} placeholders are replaced (no attribute access, no format spec)."""
    template = rule.messages.get(status)
    capped = status == "at_risk" and rule.cap == "at_risk" and "at_risk" not in rule.messages
    if template is None:
        if status == "at_risk":
            template = rule.messages.get("not_met", "{subject_name}: at risk.")
        else:
            template = DEFAULT_MESSAGES.get(status, "{subject_name}: " + status)
    text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)
    if status in ("not_evaluable", "not_applicable") and values.get("detail") and "{detail}" not in template:
        text += f" ({values['detail']})"
    if capped:
        text += f" Reported as at risk, not as not met: {rule.cap_reason}."
    return " ".join(text.split())


def evaluate(rules: RuleSet | Iterable[Rule] | Rule, data: Mapping[str, pd.DataFrame] | duckdb.DuckDBPyConnection,
             *, period: Period | str | None = None, authority: str | None = None,
             parameters: Mapping[str, Mapping[str, Any]] | None = None,
             data_versions: Mapping[str, list[str]] | None = None, contracts: ContractSet | None = None,
             evidence_limit: int = 20) -> Findings:
    """Evaluate rules over typed tables (``{table: DataFrame}``) or a DuckDB connection holding them.

    ``period`` defaults to the latest quarter with sessions; ``parameters`` are the authority's overrides
    ({rule_id: {name: value}}); ``data_versions`` ({table: [submission ids]}) is recorded in every finding
    (default: ``unversioned:<content hash>``).
    """
    evaluator = Evaluator(data, contracts=contracts, data_versions=data_versions, authority=authority,
                          evidence_limit=evidence_limit)
    if period is None:
        period = latest_period(data)
        if period is None:
            raise ValueError("no period given and no sessions to take the latest quarter from: pass period='2016Q4'")
    return evaluator.evaluate(rules, period, parameters)
