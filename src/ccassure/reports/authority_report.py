"""The authority report's sections: a member summary first, then scorecards, the KPI dashboard and detail.

Every function returns Markdown built only from the results folder (through ``ccassure.reports.results``);
nothing here decides a status. Providers and centres appear by name, duties by their title, numbers through
the disclosure policy, and rule messages through ``plain_text.plain_message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import Any

import pandas as pd

from ccassure.reports import kpi_view as kv
from ccassure.reports.disclosure import Policy, sentence_is_disclosive
from ccassure.reports.format import md_table, plural, rag_label, room_for, status_label, text
from ccassure.reports.plain_text import citation_words, date_words, period_words, plain_message
from ccassure.reports.results import CENTRE_TYPES, Results, parse_json

PROBLEMS = ("not_met", "at_risk")
WORST_FIRST = ["not_met", "at_risk", "not_evaluable", "met", "not_applicable"]
SUBJECT_WORDS = {"board": "advisory board", "change": "proposed change", "authority": "the authority",
                 "programme": "programme", "provider": "provider", "cluster": "cluster"}


def _lower_first(words: str) -> str:
    """'Under-fives registered' -> 'under-fives registered', leaving names and acronyms ('EYFSP') alone."""
    words = str(words)
    first = words.split(" ", 1)[0]
    return words[0].lower() + words[1:] if len(words) > 1 and (words[1].islower() or first in ("A", "I")) else words


def _present(value: Any) -> bool:
    return value is not None and value == value  # NaN is the one value not equal to itself


def _na_last(value: Any) -> tuple[bool, Any]:
    """A sort key that puts missing values last, as ``sort_values`` does."""
    return (True, "") if not _present(value) else (False, value)


def _grouped(rows: list[Any], key: Any) -> dict[Any, list[Any]]:
    """Rows by key, keys in order of first appearance and rows in their order (``groupby(sort=False)``)."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def parameter_words(name: str, spec: Any) -> str:
    """A threshold as a committee reads it: '3000 metres, straight line (a local policy choice)'. The rule
    file's unit says what the number counts, so the parameter's own name is shown only when it has none."""
    value = spec.get("value") if isinstance(spec, dict) else spec
    unit = spec.get("unit") if isinstance(spec, dict) else None
    kind = spec.get("kind") if isinstance(spec, dict) else None
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif isinstance(value, float) and value == int(value):
        value = int(value)
    shown = plain_message(str(value)) if isinstance(value, str) else f"{value:,}" if isinstance(value, int) else value
    if not unit:
        words = f"{plain_message(str(name))}: {shown}"
    elif isinstance(value, str):
        words = f"{plain_message(str(unit))}: {shown}"
    else:
        lead = next((w for prefix, w in BOUND_WORDS if str(name).startswith(prefix)), "")
        words = f"{lead}{shown} {plain_message(str(unit))}"
    return words + (f" ({'set in law' if kind == 'law' else 'a local policy choice'})" if kind else "")


# what a threshold's name says about its direction (the rule files' naming convention), in words
BOUND_WORDS = (("warn_below", "at risk below "), ("fail_below", "not met below "), ("warn_above", "at risk above "),
               ("fail_above", "not met above "), ("max_", "at most "), ("min_", "at least "))


@dataclass
class AuthorityReport:
    """Everything the authority document shows, for one authority, from one loaded results folder."""
    results: Results
    authority: str
    min_count: int = 5

    # --- shared views ----------------------------------------------------------------------------------------
    @cached_property
    def policy(self) -> Policy:
        return Policy(threshold=int(self.min_count or 0))

    @cached_property
    def name(self) -> str:
        return self.results.authority_name(self.authority)

    @cached_property
    def findings(self) -> pd.DataFrame:
        return self.results.findings_for(self.authority)

    @cached_property
    def period(self) -> str | None:
        quarters = sorted(p for p in self.findings["period"].dropna().unique() if "Q" in str(p))
        if quarters:
            return quarters[-1]
        return self.results.latest_period()

    @cached_property
    def latest(self) -> pd.DataFrame:
        return self.findings[self.findings["period"] == self.period]

    @cached_property
    def centres(self) -> pd.DataFrame:
        return self.results.centres(self.authority)

    @cached_property
    def providers(self) -> pd.DataFrame:
        return self.results.provider_table(self.authority)

    @cached_property
    def frameworks(self) -> list[str]:
        return self.results.frameworks(self.authority)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        return kv.protected_kpis(self.results, self.authority, self.policy, self.frameworks)

    @cached_property
    def latest_kpis(self) -> pd.DataFrame:
        if self.kpis.empty:
            return self.kpis
        latest = self.kpis[self.kpis["period"] == self.period]
        return latest if len(latest) else self.kpis[self.kpis["period"] == self.kpis["period"].max()]

    @cached_property
    def actions(self) -> pd.DataFrame:
        a = self.results.record("actions")
        if a.empty or "authority_code" not in a.columns:
            return a
        return a[a["authority_code"].astype(str) == self.authority]

    def _kpi_titles(self) -> dict[str, str]:
        k = self.results.kpis
        return dict(zip(k["kpi_id"], k["title"], strict=False)) if len(k) else {}

    def finding_words(self, message: Any) -> str:
        """A rule message for the page: plain words, and withheld when its counts are small numbers."""
        words = plain_message(message)
        if sentence_is_disclosive(words, self.policy):
            return "The figures behind this finding are not shown because they involve small numbers."
        return text(words)

    def where(self, row: Any) -> str:
        """Where a finding or KPI result sits, in names: centre and its provider, a board, a change."""
        subject_type = str(row.subject_type)
        name = text(row.subject_name or row.subject_id)
        if subject_type in CENTRE_TYPES:
            provider = self.results.provider_name(row.provider_id) if row.provider_id else ""
            if not provider:
                provider = self._centre_provider.get(row.subject_id) or ""
            return f"{name} ({text(provider)})" if provider and provider != row.provider_id else name
        if subject_type == "provider":
            return f"{text(self.results.provider_name(row.subject_id))} (provider)"
        if subject_type == "cluster":
            return f"{name} cluster"
        if subject_type == "authority":
            return f"{text(self.name)} (the authority)"
        return f"{name} ({SUBJECT_WORDS.get(subject_type, subject_type)})"

    @cached_property
    def _centre_provider(self) -> dict[str, str]:
        return {str(c): str(p) for c, p in zip(self.centres["subject_id"], self.centres["provider_name"], strict=True)
                if p}

    def since(self, rule_id: str, subject_id: str, status: str, subject_type: str | None = None) -> str:
        """The first quarter of the current unbroken run of this status (or 'first quarter checked'). A
        proposed change is judged in every quarter checked, so its run starts no earlier than its decision."""
        history = self._status_history.get((rule_id, subject_id), [])
        first = self.period
        for period, seen in reversed(history):
            if period > str(self.period):
                continue
            if seen != status:
                break
            first = period
        earliest = history[0][0] if history else None
        if subject_type == "change":
            dated = self._change_dates.get(str(subject_id))
            if dated is not None:
                kind, day = dated
                quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
                if quarter > str(self.period):
                    return f"not decided yet ({kind} {date_words(day)})"
                if quarter >= str(first):
                    return f"{period_words(quarter)} ({kind} {date_words(day)})"
        return period_words(first) + (" (first quarter checked)" if first == earliest and len(history) > 1 else "")

    @cached_property
    def _change_dates(self) -> dict[str, tuple[str, Any]]:
        """change -> ("decided", date), else ("proposed", date): when a change's duties start to bite."""
        changes = self.results.record("service_changes")
        if changes.empty or "change_id" not in changes.columns:
            return {}
        found = {}
        for r in changes.to_dict("records"):
            for column, kind in (("decision_date", "decided"), ("proposal_date", "proposed")):
                day = pd.to_datetime(r.get(column), errors="coerce")
                if not pd.isna(day):
                    found[str(r["change_id"])] = (kind, day)
                    break
        return found

    @cached_property
    def _status_history(self) -> dict[tuple, list[tuple[str, str]]]:
        history: dict[tuple, list[tuple[str, str]]] = {}
        quarters = self.findings[self.findings["period"].astype(str).str.contains("Q")]
        for r in quarters.sort_values("period").itertuples():
            history.setdefault((r.rule_id, r.subject_id), []).append((r.period, r.status))
        return history

    def kpi_since(self, row: Any) -> str:
        history = self._rag_history.get((row.kpi_id, row.subject_id, row.window), [])
        first = row.period
        for period, rag in reversed(history):
            if period > row.period:
                continue
            if rag != "red":
                break
            first = period
        return period_words(first)

    @cached_property
    def _rag_history(self) -> dict[tuple, list[tuple[str, str]]]:
        history: dict[tuple, list[tuple[str, str]]] = {}
        for r in self.kpis.sort_values("period").itertuples():
            history.setdefault((r.kpi_id, r.subject_id, r.window), []).append((r.period, r.rag))
        return history

    @cached_property
    def _actions_by_item(self) -> dict[tuple[str, str], tuple[str, str, str, str]]:
        """(item, subject) -> (action, owner, due date, status); the last row recorded wins."""
        a = self.actions
        if a.empty or "item_id" not in a.columns or "subject_id" not in a.columns:
            return {}
        found = {}
        for r in a.to_dict("records"):
            found[(str(r.get("item_id")), str(r.get("subject_id")))] = (
                text(r.get("action")), text(r.get("owner")), date_words(r.get("due_date")),
                text(str(r.get("status") or "").replace("_", " ").capitalize()))
        return found

    def action_for(self, item_id: str, subject_id: str) -> tuple[str, str, str, str]:
        """(action, owner, due date, status) from the authority's actions table; blanks when none is recorded."""
        return self._actions_by_item.get((str(item_id), str(subject_id)), ("", "", "", ""))

    def action_words(self, item_id: str, subject_id: str) -> str:
        """The recorded action in one cell: what, then owner, due date and progress ("" when none)."""
        action, owner, due, state = self.action_for(item_id, subject_id)
        details = "; ".join(b for b in (f"Owner: {owner}" if owner else "", f"due {due}" if due else "", state) if b)
        return " ".join(b for b in (action.rstrip(".") + "." if action else "", details + "." if details else "") if b)

    # --- page one --------------------------------------------------------------------------------------------
    def member_summary(self) -> str:
        r = self.results
        as_at = date_words(r.data_as_at) or "not recorded"
        report_date = date_words(r.generated_at) or date_words(pd.Timestamp.now())
        provider_names = "; ".join(
            f"{text(p.name)} ({plural(int((self.centres['provider_id'] == p.id).sum()), 'centre')})"
            for p in self.providers.itertuples()) or "none recorded"
        lines = [
            f"**Authority:** {text(self.name)}  ",
            f"**Period:** {period_words(self.period)}  ",
            f"**Data as at:** {as_at}  ",
            f"**Report date:** {report_date}  ",
            f"**Centres:** {len(self.centres)}, run by {plural(len(self.providers), 'provider')}: {provider_names}",
        ]
        return "\n".join(lines)

    def headlines(self, limit: int = 6) -> list[str]:
        """Three to six sentences, worst first, each naming where and what."""
        sentences: list[tuple[int, str]] = []
        latest = self.latest
        judged = latest[latest["status"] != "not_applicable"]
        not_met = judged[judged["status"] == "not_met"]
        at_risk = judged[judged["status"] == "at_risk"]
        # a duty's title says what the law asks ("each service is made available"): the sentence says it failed
        for status, part, rank, verb in (("not met", not_met, 0, "does not meet"), ("at risk", at_risk, 3, "is at risk on")):
            if part.empty:
                continue
            worst_subjects = part.groupby(["subject_type", "subject_id"]).size().sort_values(ascending=False)
            named = []
            for (subject_type, subject_id), _n in list(worst_subjects.items())[:2]:
                row = part[(part["subject_type"] == subject_type) & (part["subject_id"] == subject_id)].iloc[0]
                duties = part[(part["subject_id"] == subject_id)]["title"].dropna().unique()
                named.append(f"{self.where(row)} {verb} “{text(_lower_first(duties[0]))}”"
                             + (f" and {plural(len(duties) - 1, 'other duty', 'other duties')}" if len(duties) > 1 else ""))
            more = len(worst_subjects) - len(named)
            sentences.append((rank, f"**{plural(len(part), 'duty check')} {'is' if len(part) == 1 else 'are'} "
                                    f"{status}** in {period_words(self.period)}, at "
                                    f"{plural(len(worst_subjects), 'place')}: " + " · ".join(named)
                              + (f" · and {more} more (see the table below)." if more > 0 else ".")))
        red = self.latest_kpis[self.latest_kpis["rag"] == "red"] if len(self.latest_kpis) else self.latest_kpis
        if len(red):
            providers = red[red["subject_type"] == "provider"]
            ranked = sorted(providers.groupby("subject_id"), key=lambda item: -len(item[1]))

            def rated(pid: str) -> int:
                return int(((self.latest_kpis["subject_id"] == pid)
                            & self.latest_kpis["rag"].isin(["green", "amber", "red"])).sum())

            for pid, part in ranked[:1]:  # the worst provider by name and measure; every other one in one sentence
                example = part.iloc[0]
                sentences.append((1, f"**{text(self.results.provider_name(pid))} is off target (Red) on "
                                     f"{len(part)} of {rated(pid)} rated measures**, including "
                                     f"{text(_lower_first(kv.title_text(example, self.results)))}: "
                                     f"{kv.shown_value(example)} against a target of {kv.target_text(example)}."))
            if len(ranked) > 1:
                others = [f"{text(self.results.provider_name(pid))} on {len(part)} of {rated(pid)}"
                          for pid, part in ranked[1:]]
                sentences.append((1, f"**{'Another provider is' if len(others) == 1 else 'Other providers are'} off "
                                     f"target (Red):** {'; '.join(others)} rated measures."))
            own = red[red["subject_type"] == "authority"]
            if len(own):
                titles = [text(_lower_first(kv.title_text(r, self.results))) for r in own.itertuples()][:3]
                sentences.append((2, f"**Across the authority, {plural(len(own), 'measure')} "
                                     f"{'is' if len(own) == 1 else 'are'} off target (Red):** {'; '.join(titles)}"
                                     + (" and more." if len(own) > 3 else ".")))
            centre_red = red[red["subject_type"].isin(CENTRE_TYPES)]
            if len(centre_red):
                sentences.append((2, f"**{plural(centre_red['subject_id'].nunique(), 'centre')} "
                                     f"{'has' if centre_red['subject_id'].nunique() == 1 else 'have'} at least one "
                                     f"measure off target**; every one is listed in the appendix."))
        missing = judged[judged["status"] == "not_evaluable"]
        if len(missing):
            sentences.append((4, f"{plural(len(missing), 'check')} could not be made because the data needed were "
                                 "missing; these are never counted as met."))
        met = int((judged["status"] == "met").sum())
        if len(judged):
            sentences.append((5, f"Of {len(judged)} duty checks that apply in {period_words(self.period)}, {met} "
                                 f"({100 * met / len(judged):.0f}%) are met. Checks that do not apply are left out "
                                 "of every share in this report."))
        ordered = [s for _, s in sorted(sentences, key=lambda x: x[0])]
        return ordered[:limit] if len(ordered) >= 3 else ordered

    def headline_markdown(self) -> str:
        lines = self.headlines()
        if not lines:
            return "_No findings or KPI results have been recorded for this authority yet._"
        return "\n".join(f"- {line}" for line in lines)

    def exceptions(self) -> str:
        """Every duty not met or at risk in the latest quarter, every measure off target (Red) and every
        provider figure that disagrees, with the action, owner, due date and progress recorded for each."""
        problems = self.latest[self.latest["status"].isin(PROBLEMS)].copy()
        rows = []
        problems["order_"] = problems["status"].map(WORST_FIRST.index)
        problems["where_"] = [self.where(r) for r in problems.itertuples()]
        for r in problems.sort_values(["order_", "where_", "title"]).itertuples():
            rows.append((status_label(r.status), r.where_, text(r.title),
                         self.since(r.rule_id, r.subject_id, r.status, r.subject_type),
                         self.finding_words(r.message), *self.action_for(r.rule_id, r.subject_id)))
        rows += self._red_measure_rows()
        crosschecks = self.results.kpi_findings
        if len(crosschecks):
            flagged = crosschecks[(crosschecks["authority_code"] == self.authority) & (crosschecks["period"] == self.period)
                                  & crosschecks["status"].isin(PROBLEMS)]
            for r in flagged.itertuples():
                kpi_id = kv.crosschecked_kpi(r.rule_id)
                title = self.results.node(kpi_id).get("title") or self._kpi_titles().get(kpi_id)
                message = kv.crosscheck_message(str(r.message or ""), kpi_id, title)
                rows.append((status_label(r.status), self.where(r), self.crosscheck_title(r.rule_id),
                             period_words(r.period), self.finding_words(message), *self.action_for(r.rule_id, r.subject_id)))
        if not rows:
            return f"No duty is not met or at risk and no measure is off target in {period_words(self.period)}."
        intro = (f"{plural(len(rows), 'exception')} in {period_words(self.period)}, worst first: duties, then measures "
                 "off target (each place off target is listed in the appendix). The action, its owner, due date and "
                 "progress come from the authority's own actions list; a blank means none is recorded yet.")
        # the status heads the duty's cell, and owner, due date and progress share one column: on A4 a column
        # each would leave every column too narrow to read
        rows = [(where, f"{status}: {duty}", since, found, action,
                 "; ".join(b for b in (owner, f"due {due}" if due else "", progress) if b))
                for status, where, duty, since, found, action, owner, due, progress in rows]
        return intro + "\n\n" + md_table(rows, ["Where", "Status: duty or measure", "Since", "What was found",
                                                 "Action", "Owner; due date; progress"], escape=[False] * 6,
                                           prefer=[1, 1.5, 1, 4, 1.5, 1])

    def _red_measure_rows(self, named: int = 2) -> list[tuple[str, ...]]:
        """One exceptions row per measure off target: where it is Red (the authority, each provider, how many
        centres and the furthest off), since when, and the action recorded at the first place that has one."""
        every = self._latest_kpi_rows
        red = [r for r in every if r.rag == "red"]
        rows = []
        for (kpi_id, window), part in _grouped(red, lambda r: (r.kpi_id, r.window)).items():
            part = self._furthest_off(part)
            own = [r for r in part if r.subject_type == "authority"]
            providers = [r for r in part if r.subject_type == "provider"]
            centres = [r for r in part if r.subject_type in CENTRE_TYPES]
            rated = sum(1 for r in every if (r.kpi_id, r.window) == (kpi_id, window) and r.subject_type in CENTRE_TYPES
                        and r.rag in ("green", "amber", "red"))
            places = (["The authority"] if own else []) + ([plural(len(providers), "provider")] if providers else []) \
                + ([f"{len(centres)} of {rated} centres"] if centres else []) \
                or [plural(len(part), "cluster")]
            reference = (own or providers or part)[0]
            found = [f"{kv.shown_value(reference)} against a target of {kv.target_text(reference)}"
                     + ("" if own else f" at {self.where(reference)}") + f"; {kv.direction_words(reference.direction)}."]
            if len(providers) > (0 if own else 1):
                found.append("Providers off target: " + ", ".join(
                    f"{text(self.results.provider_name(r.subject_id))} {kv.shown_value(r)}" for r in providers) + ".")
            if centres:
                found.append("Furthest off: " + ", ".join(f"{text(r.subject_name or r.subject_id)} {kv.shown_value(r)}"
                                                           for r in centres[:named])
                             + (f" and {len(centres) - named} more." if len(centres) > named else "."))
            acted = next((r for r in part if (str(r.kpi_id), str(r.subject_id)) in self._actions_by_item), None)
            action = self.action_for(acted.kpi_id, acted.subject_id) if acted is not None else ("", "", "", "")
            title = text(kv.window_title(reference, self.results))
            rows.append((min(kv.LEVEL_ORDER.get(r.subject_type, 9) for r in part), -len(part), title,
                         (rag_label("red"), "; ".join(places), title, self.kpi_since(reference), " ".join(found), *action)))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        return [r[3] for r in rows]

    def crosscheck_title(self, rule_id: str) -> str:
        """What a KPI cross-check asks, naming the measure: the provider's own figure agrees with its records."""
        kpi_id = kv.crosschecked_kpi(rule_id)
        title = self.results.node(kpi_id).get("title") or self._kpi_titles().get(kpi_id)
        return (f"The provider's own figure for {text(_lower_first(str(title)))} agrees with its records" if title
                else "The provider's own figure agrees with its records")

    def resolved(self) -> str:
        """Duties and provider figures that were not met or at risk earlier in the periods checked, but not now."""
        current = set(zip(self.latest["rule_id"][self.latest["status"].isin(PROBLEMS)],
                          self.latest["subject_id"][self.latest["status"].isin(PROBLEMS)], strict=True))
        frames = [self.findings]
        checks = self.results.kpi_findings
        if len(checks):
            frames.append(checks[checks["authority_code"] == self.authority])
        earlier = pd.concat(frames, ignore_index=True)
        earlier = earlier[(earlier["period"] != self.period) & earlier["status"].isin(PROBLEMS)
                          & earlier["period"].astype(str).str.contains("Q")]
        if earlier.empty:
            return ""
        now = dict(zip(zip(self.latest["rule_id"], self.latest["subject_id"], strict=True), self.latest["status"],
                       strict=True))
        if len(checks):
            latest_checks = checks[(checks["authority_code"] == self.authority) & (checks["period"] == self.period)]
            now.update(zip(zip(latest_checks["rule_id"], latest_checks["subject_id"], strict=True),
                           latest_checks["status"], strict=True))
            current |= {k for k, v in now.items() if v in PROBLEMS}
        # plain Python over the few columns needed: grouping a wide frame row by row cost more than the rest
        columns = ["rule_id", "subject_id", "period", "title", "subject_type", "subject_name", "provider_id"]
        by_item: dict[tuple, list[SimpleNamespace]] = {}
        for record in earlier[columns].sort_values("period", kind="stable").to_dict("records"):
            key = (record["rule_id"], record["subject_id"])
            if key not in current:
                by_item.setdefault(key, []).append(SimpleNamespace(**record))
        rows = []
        for (rule_id, subject_id), part in by_item.items():
            first = part[-1]
            when = ", ".join(period_words(p) for p in sorted({r.period for r in part}))
            title = first.title if not str(rule_id).startswith(kv.CROSSCHECK_PREFIX) else self.crosscheck_title(rule_id)
            state = now.get((rule_id, subject_id))
            rows.append((self.where(first), text(title), when,
                         status_label(state) if state else "Not checked in the latest quarter"))
        if not rows:
            return ""
        rows.sort(key=lambda r: (r[0], r[1]))
        return (f"Not met or at risk earlier in the periods checked, but not in {period_words(self.period)}:\n\n"
                + md_table(rows, ["Where", "Duty", "When", "Now"], escape=[False] * 4))

    def _red(self) -> pd.DataFrame:
        return self.latest_kpis[self.latest_kpis["rag"] == "red"] if len(self.latest_kpis) else self.latest_kpis

    def _no_red(self) -> str:
        return (f"No measure is off target (Red) in {period_words(self.period)}." if len(self.latest_kpis)
                else "_No KPI results were recorded for this authority._")

    @cached_property
    def _latest_kpi_rows(self) -> list[Any]:
        """The latest quarter's KPI rows as named tuples, read once: the page-one sections group them in plain
        Python, which costs far less than filtering the frame again for every measure and place."""
        return list(self.latest_kpis.itertuples(index=False)) if len(self.latest_kpis) else []

    def red_kpis(self, named: int = 2) -> str:
        """Page one: one row per measure off target anywhere, with the authority's own figure, how many
        providers, clusters and centres are Red, every Red provider and the ``named`` centres furthest off
        target by name, and the actions recorded. Every place, row by row, is in :meth:`red_kpis_by_place`
        (the appendix), so no figure is lost."""
        every = self._latest_kpi_rows
        red = [r for r in every if r.rag == "red"]
        if not red:
            return self._no_red()
        levels = (("provider",), "provider", "providers"), (("cluster",), "cluster", "clusters"), \
            (CENTRE_TYPES, "centre", "centres")
        by_measure = _grouped(every, lambda r: (r.kpi_id, r.window))
        rows = []
        for (_kpi_id, window), part in _grouped(red, lambda r: (r.kpi_id, r.window)).items():
            everyone = by_measure[(_kpi_id, window)]
            same = [r for r in everyone if r.rag in ("green", "amber", "red")]
            own = [r for r in everyone if r.subject_type == "authority"]
            framework = [r for r in everyone if str(getattr(r, "target_source", None)) != "centre_target"]
            reference = own[0] if own else (framework[0] if framework else part[0])
            authority = (f"{kv.shown_value(own[0])} {kv.rating_text(own[0], bool(own[0].rag_shown)).split(':')[0]}"
                         if own else "–")
            counts = [f"{n} of {m} {one if m == 1 else many}" for types, one, many in levels
                      if (n := sum(r.subject_type in types for r in part))
                      for m in [sum(r.subject_type in types for r in same)]]
            providers = [f"{text(self.results.provider_name(r.subject_id))} {kv.shown_value(r)}"
                         for r in self._furthest_off([r for r in part if r.subject_type == "provider"])]
            centres = [r for r in part if r.subject_type in CENTRE_TYPES]
            worst = [f"{text(r.subject_name or r.subject_id)} {kv.shown_value(r)}"
                     for r in self._furthest_off(centres)[:named]]
            if len(centres) > named:
                worst.append(f"and {len(centres) - named} more")
            actions = [f"{self.where(r)}: {self.action_words(r.kpi_id, r.subject_id)}" for r in part
                       if (str(r.kpi_id), str(r.subject_id)) in self._actions_by_item]
            rows.append((min(kv.LEVEL_ORDER.get(r.subject_type, 9) for r in part), -len(part),
                         text(kv.window_title(reference, self.results)),
                         kv.target_text(reference), authority, "; ".join(counts) or "the authority only",
                         "; ".join(providers) or "–", "; ".join(worst) or "–", " · ".join(actions)))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        return (f"{plural(len(rows), 'measure')} off target (Red) somewhere in {period_words(self.period)}, "
                f"{plural(len(red), 'figure')} in all, the authority's own first. The appendix lists every place.\n\n"
                + md_table([r[2:] for r in rows], ["Measure", "Target", "Authority", "Red at", "Providers off target",
                                                   "Centres furthest off target", "Action recorded"],
                           escape=[False] * 7))

    @staticmethod
    def _furthest_off(rows: list[Any]) -> list[Any]:
        """Places in order of how far they are from target (providers before centres at the same distance);
        a figure withheld for small numbers is ranked last, so that its order gives nothing away."""
        def distance(r: Any) -> float:
            value = kv.number_or_none(r.value) if bool(r.value_shown) else None
            target = kv.number_or_none(r.target)
            if value is None or target is None:
                return float("-inf")
            gap = value - target if str(r.direction).lower().startswith("lower") else target - value
            return float("-inf") if gap != gap else gap

        return sorted(rows, key=lambda r: (-distance(r), kv.LEVEL_ORDER.get(r.subject_type, 9)))

    def red_kpis_by_place(self) -> str:
        """The appendix: every measure off target at every place, with its own action columns."""
        red = self._red()
        if red.empty:
            return self._no_red()
        red = red.assign(level_=red["subject_type"].map(kv.LEVEL_ORDER).fillna(9),
                         where_=[self.where(r) for r in red.itertuples()])
        rows = []
        for r in red.sort_values(["level_", "where_", "kpi_id"]).itertuples():
            rows.append((r.where_, text(kv.title_text(r, self.results)), kv.WINDOW_WORDS.get(r.window, r.window),
                         kv.shown_value(r), kv.target_text(r), self.kpi_since(r), self.action_words(r.kpi_id, r.subject_id)))
        return (f"{plural(len(rows), 'figure')} off target (Red) in {period_words(self.period)}, authority first, "
                "then providers, clusters and centres.\n\n"
                + md_table(rows, ["Where", "Measure", "Period", "Value", "Target", "Red since", "Action"], "lllrrll",
                           escape=[False] * 7))

    # --- scorecards --------------------------------------------------------------------------------------------
    def _kpi_cell(self, row: Any) -> str:
        if row is None:
            return "–"
        rating = kv.rating_text(row, bool(row.rag_shown))
        value = kv.shown_value(row)
        cell = f"{value} {rating.split(':')[0]}" if value not in ("–",) else rating
        if str(getattr(row, "target_source", "") or "") == "centre_target":  # the column's target is not its own
            cell += f" (own target {kv.value_text(row.target, row.unit)})"
        return cell

    def kpi_matrix(self, subject_type: str, chunk: int = 4, provider: str | None = None) -> str:
        """Measures down, subjects across (providers, clusters, or one provider's centres): value and rating."""
        types = CENTRE_TYPES if subject_type == "centre" else (subject_type,)
        part = [r for r in self._latest_kpi_rows
                if r.subject_type in types and (provider is None or r.provider_id == provider)]
        if not part:
            return f"_No {subject_type}-level KPI results were recorded._"
        ids = list(dict.fromkeys(r.subject_id for r in part))
        if subject_type == "centre":
            names = dict(zip(self.centres["subject_id"], self.centres["subject_name"], strict=False))
            subjects = [(s, names.get(s, s)) for s in sorted(ids, key=lambda s: names.get(s, s))]
        elif subject_type == "provider":
            subjects = [(p.id, p.name) for p in self.providers.itertuples() if p.id in set(ids)]
        else:
            subjects = [(s, s) for s in sorted(s for s in ids if _present(s))]
        first_of_measure = {}  # the row whose target heads the measure: a framework target, not a centre's own
        for r in part:
            if str(getattr(r, "target_source", "") or "") != "centre_target":
                first_of_measure.setdefault((r.kpi_id, r.window), r)
        for r in part:
            first_of_measure.setdefault((r.kpi_id, r.window), r)
        measures = sorted(first_of_measure.values(), key=lambda m: (_na_last(m.framework), _na_last(m.kpi_id)))
        by_cell = {(r.kpi_id, r.window, r.subject_id): r for r in part}
        out = []
        for start in range(0, len(subjects), chunk):
            chosen = subjects[start:start + chunk]
            rows = []
            for m in measures:
                cells = [self._kpi_cell(by_cell.get((m.kpi_id, m.window, sid))) for sid, _ in chosen]
                label = text(kv.window_title(m, self.results))
                rows.append((label, kv.target_text(m), *cells))
            out.append(md_table(rows, ["Measure", "Target", *(str(n) for _, n in chosen)], "l" + "r" * (1 + len(chosen)),
                                escape=[False] * (2 + len(chosen))))
        return "\n\n".join(out)

    def provider_scorecards(self) -> str:
        out = []
        for p in self.providers.itertuples():
            own = self.centres[self.centres["provider_id"] == p.id]
            problems = self.latest[(self.latest["provider_id"] == p.id) & self.latest["status"].isin(PROBLEMS)]
            red = self.latest_kpis[(self.latest_kpis["provider_id"] == p.id) & (self.latest_kpis["rag"] == "red")] \
                if len(self.latest_kpis) else self.latest_kpis
            out.append(room_for("14em") + f"\n### {text(p.name)}\n")
            clusters = sorted({str(c) for c in own["cluster"].dropna()})
            out.append(f"Runs {plural(len(own), 'centre')}: " + ", ".join(text(n) for n in own["subject_name"])
                       + (f" (cluster{'s' if len(clusters) > 1 else ''} {', '.join(text(c) for c in clusters)})."
                          if clusters else ".") + "\n")
            out.append(self._duties_at_centres(problems))
            own_kpis = [r for r in self._latest_kpi_rows if r.subject_type == "provider" and r.subject_id == p.id]
            if own_kpis:
                out.append(self._kpi_rows(own_kpis) + "\n")
            if len(self.latest_kpis):
                out.append("Its centres, measure by measure:\n\n" + self.kpi_matrix("centre", provider=p.id) + "\n")
            centre_red = red[red["subject_type"].isin(CENTRE_TYPES)] if len(red) else red
            if len(centre_red):
                names = centre_red.groupby("subject_name").size().sort_values(ascending=False)
                out.append("Centres with measures off target: " + "; ".join(
                    f"{text(n)} ({plural(int(c), 'measure')})" for n, c in names.items()) + ".\n")
        return "\n".join(out) or "_No providers are recorded for this authority._"

    def _duties_at_centres(self, problems: pd.DataFrame) -> str:
        """A scorecard's duties not met or at risk, worst first (or a sentence saying there are none)."""
        if problems.empty:
            return f"No duty at its centres is not met or at risk in {period_words(self.period)}.\n"
        ordered = problems.assign(_o=problems["status"].map(WORST_FIRST.index)).sort_values(["_o", "subject_name"])
        rows = [(status_label(r.status), self.where(r), text(r.title)) for r in ordered.itertuples()]
        return md_table(rows, ["Status", "Where", "Duty"], escape=[False] * 3) + "\n"

    def cluster_scorecards(self) -> str:
        """Per cluster (where the authority groups its centres): its centres and their providers, the duties
        not met or at risk at them, and every measure of the cluster with value, target and rating."""
        clusters = sorted({str(c) for c in self.centres["cluster"].dropna() if _present(c)})
        if not clusters:
            return "_This authority does not group its centres into clusters._"
        out = []
        for cluster in clusters:
            own = self.centres[self.centres["cluster"].astype(str) == cluster]
            ids = set(own["subject_id"])
            out.append(room_for("14em") + f"\n### {text(cluster)} cluster\n")
            out.append(f"{plural(len(own), 'centre')}: " + "; ".join(
                f"{text(n)} ({text(p)})" if p else text(n) for n, p in zip(own["subject_name"], own["provider_name"],
                                                                          strict=True)) + ".\n")
            problems = self.latest[self.latest["subject_id"].isin(ids) & self.latest["status"].isin(PROBLEMS)]
            out.append(self._duties_at_centres(problems))
            measures = [r for r in self._latest_kpi_rows if r.subject_type == "cluster" and str(r.subject_id) == cluster]
            out.append((self._kpi_rows(measures) if measures else "_No cluster figures were recorded._") + "\n")
        return "\n".join(out)

    def _kpi_rows(self, k: list[Any]) -> str:
        rows = []
        for r in sorted(k, key=lambda r: (_na_last(r.framework), _na_last(r.kpi_id), _na_last(r.window))):
            rows.append((text(kv.title_text(r, self.results)), kv.WINDOW_WORDS.get(r.window, r.window), kv.shown_value(r),
                         kv.target_text(r), kv.rating_text(r, bool(r.rag_shown))))
        return md_table(rows, ["Measure", "Period", "Value", "Target", "Rating"], "llrrl", escape=[False] * 5)

    # --- duties ------------------------------------------------------------------------------------------------
    def duties_scorecard(self) -> str:
        if self.latest.empty:
            return "_No findings for this authority._"
        rows = []
        columns = ["rule_id", "title", "status", "citation"]
        by_duty = _grouped(list(self.latest[columns].itertuples(index=False)), lambda r: (r.rule_id, r.title))
        for (_rule, title), part in sorted(by_duty.items(), key=lambda item: tuple(map(_na_last, item[0]))):
            statuses = [r.status for r in part if _present(r.status)]
            counts = {s: statuses.count(s) for s in set(statuses)}
            judged = sum(n for s, n in counts.items() if s != "not_applicable")
            worst = next((s for s in WORST_FIRST if s in counts), "not_applicable")
            citation = next((r.citation for r in part if _present(r.citation)), None)
            rows.append((WORST_FIRST.index(worst), text(title), text(citation_words(citation)),
                         status_label(worst), *(counts.get(s, 0) for s in ("met", "not_met", "at_risk", "not_evaluable")),
                         judged))
        rows.sort(key=lambda r: (r[0], r[1]))
        return (f"{period_words(self.period)}. _Overall_ is the least favourable status among the places judged; "
                "places where a duty does not apply are not counted.\n\n"
                + md_table([r[1:] for r in rows], ["Duty", "Basis", "Overall", "Met", "Not met", "At risk",
                                                  "Not evaluable", "Judged"], "lllrrrrr", escape=[False] * 8))

    def centre_matrix(self, chunk: int = 6) -> str:
        """Every centre-level duty, centre by centre, worst centres first, each with its provider."""
        rows_ = self.latest[self.latest["subject_type"].isin(CENTRE_TYPES)]
        if rows_.empty:
            return "_No centre-level findings._"
        rules = (rows_.drop_duplicates("rule_id").sort_values("title")[["rule_id", "title"]])
        codes = {r.rule_id: f"D{i + 1}" for i, r in enumerate(rules.itertuples())}
        key = md_table([(codes[r.rule_id], text(r.title)) for r in rules.itertuples()], ["Column", "Duty"],
                       escape=[False, False])
        status = rows_.pivot_table(index="subject_id", columns="rule_id", values="status", aggfunc="first")
        centres = self.centres.set_index("subject_id")
        order = []
        for sid, values in status.iterrows():
            bad = sum(1 for v in values if v in PROBLEMS)
            name = centres["subject_name"].get(sid, sid) if sid in centres.index else sid
            provider = centres["provider_name"].get(sid, "") if sid in centres.index else ""
            order.append((-bad, str(name), sid, str(provider), values, bad))
        order.sort()
        out = [f"{period_words(self.period)}. ✔ met · ✖ not met · ▲ at risk · ? not evaluable · – does not apply. "
               "Centres with most duties not met or at risk first.", "", key]
        for start in range(0, len(rules), chunk):
            chosen = list(rules["rule_id"])[start:start + chunk]
            table_rows = [(f"{text(name)}", text(provider), str(bad),
                           *(status_label(values.get(r), short=True) if isinstance(values.get(r), str) else "–"
                             for r in chosen)) for _, name, _, provider, values, bad in order]
            out += ["", room_for("12em") if start else "",  # a table part does not start with one row at a page foot
                    md_table(table_rows, ["Centre", "Provider", "Not met or at risk", *(codes[r] for r in chosen)],
                                 "llr" + "c" * len(chosen), escape=[False] * (3 + len(chosen)))]
        return "\n".join(out)

    def subject_duties(self, subject_type: str) -> str:
        """Board, change or authority-level duties: one row per subject and duty."""
        part = self.latest[self.latest["subject_type"] == subject_type]
        judged = part[part["status"] != "not_applicable"]
        if judged.empty:
            noun = {"board": "advisory board", "change": "proposed change", "authority": "authority-wide"}[subject_type]
            return f"_No {noun} duties apply in {period_words(self.period)}._"
        judged = judged.assign(_o=judged["status"].map(WORST_FIRST.index))
        rows = [(text(r.subject_name or r.subject_id), text(r.title), status_label(r.status),
                 self.finding_words(r.message) if r.status != "met" else "")
                for r in judged.sort_values(["_o", "subject_name", "title"]).itertuples()]
        return md_table(rows, ["Name", "Duty", "Status", "What was found"], escape=[False] * 4)

    # --- KPI dashboard -------------------------------------------------------------------------------------------
    def comparator(self, kpi_id: str, kind: str = "england") -> str:
        c = self.results.record("comparators")
        if c.empty or "kpi_id" not in c.columns:
            return ""
        hit = c[(c["kpi_id"].astype(str) == kpi_id) & (c["comparator"].astype(str) == kind)]
        if "authority_code" in hit.columns and kind != "england":
            hit = hit[hit["authority_code"].astype(str).isin([self.authority, "", "None", "nan"])]
        if hit.empty:
            return ""
        latest = hit.sort_values("period").iloc[-1]
        return f"{float(latest['value']):.1f}%"

    def comparator_kinds(self) -> list[str]:
        c = self.results.record("comparators")
        if c.empty or "comparator" not in c.columns:
            return []
        present = set(c["comparator"].astype(str))
        return [k for k in ("england", "region", "statistical_neighbours") if k in present]

    def kpi_dashboard(self) -> str:
        k = self.latest_kpis
        own = k[k["subject_type"] == "authority"] if len(k) else k
        if own.empty:
            return "_No KPI results: KPI rules have not been evaluated for this authority._"
        kinds = self.comparator_kinds()
        labels = {"england": "England", "region": "Region", "statistical_neighbours": "Similar areas"}
        out = [f"{period_words(self.period)}, the authority as a whole. Changes are in percentage points (pp) for "
               "percentages. “Lower is better” is marked where it applies."]
        if not kinds:
            out.append(" No England or other comparator figures were supplied.")
        for framework, part in own.groupby("framework", sort=True):
            node = self.results.node(f"framework:{framework}")
            out.append(f"\n\n**{text(node.get('title') or framework + ' measures')}**\n")
            rows = []
            for r in part.sort_values(["kpi_id", "window"]).itertuples():
                measure = text(kv.title_text(r, self.results))
                if kv.direction_words(r.direction) == "lower is better":
                    measure += " (lower is better)"
                prev, year = kv.changes_shown(r)
                rows.append((measure, kv.WINDOW_WORDS.get(r.window, r.window), kv.shown_value(r), r.count_text,
                             kv.target_text(r), *(self.comparator(r.kpi_id, kind) or "–" for kind in kinds),
                             kv.rating_text(r, bool(r.rag_shown)), prev, year))
            headers = ["Measure", "Period", "Value", "Count", "Target", *(labels[k] for k in kinds), "Rating",
                       "Change on last quarter", "Change on a year before"]
            out.append(md_table(rows, headers, "llrrr" + "r" * len(kinds) + "lrr", escape=[False] * len(headers)))
        return "\n".join(out)

    def centre_targets(self) -> str:
        t = self.results.record("centre_targets")
        if t.empty:
            return "No centre has its own target: every centre is measured against the framework target."
        centres = set(self.centres["subject_id"])
        t = t[t["centre_id"].astype(str).isin(centres)]
        if t.empty:
            return "No centre has its own target: every centre is measured against the framework target."
        rows = []
        for r in t.sort_values(["centre_id", "kpi_id"]).itertuples():
            node = self.results.node(str(r.kpi_id))
            rows.append((text(self.results.centre_name(r.centre_id)), text(node.get("title") or r.kpi_id),
                         kv.value_text(r.target, node.get("unit") or "percent"), text(r.period),
                         kv.value_text(node.get("target"), node.get("unit") or "percent") if node.get("target") is not None
                         else "–"))
        return ("These centres are measured against their own agreed target instead of the framework's:\n\n"
                + md_table(rows, ["Centre", "Measure", "Centre's target", "Period", "Framework target"], "llrlr",
                           escape=[False] * 5))

    def not_charted(self) -> str:
        own = self.kpis[self.kpis["subject_type"] == "authority"] if len(self.kpis) else self.kpis
        if own.empty:
            return ""
        rows = []
        for (_kpi, window), part in own.groupby(["kpi_id", "window"]):
            shown = part[part["value_shown"] & pd.to_numeric(part["value"], errors="coerce").notna()]
            if shown.empty:
                reason = kv.rating_text(part.sort_values("period").iloc[-1])
                reason = "Values not shown (small numbers)" if reason.startswith(("●", "◆", "▼")) else reason
                rows.append((text(kv.title_text(part.iloc[0], self.results)), kv.WINDOW_WORDS.get(window, window),
                             f"{reason} in {'any' if reason == 'No data' else 'every'} quarter"))
        if not rows:
            return "Every measure is charted."
        return ("Not charted, because there is no value to plot:\n\n"
                + md_table(rows, ["Measure", "Period", "Why"], escape=[False] * 3))

    def chart_frame(self) -> pd.DataFrame:
        own = self.kpis[self.kpis["subject_type"] == "authority"] if len(self.kpis) else self.kpis
        if own.empty:
            return own
        own = own.copy()
        own.loc[~own["value_shown"], "value"] = None
        own["title"] = [kv.window_title(r, self.results, quarter=False) for r in own.itertuples()]
        keep = own.groupby(["kpi_id", "window"])["value"].transform(lambda v: pd.to_numeric(v, errors="coerce").notna().any())
        own = own[keep.astype(bool)]
        own["kpi_id"] = own["kpi_id"].astype(str) + "|" + own["window"].astype(str)
        return own

    # --- reproducibility ------------------------------------------------------------------------------------------
    def data_quality(self) -> str:
        summaries = self.results.validations_for(authority=self.authority)
        if not summaries:
            return "_No validation summaries were supplied with these results._"
        rows = []
        for v in summaries:
            counts = v.get("counts") or {}
            who = v.get("provider_name") or self.results.provider_name(v.get("provider_id") or v.get("provider"))
            if str(v.get("provider")) == self.authority or who == self.authority:
                who = f"{self.name} (own records)"
            verdict = "✖ Has errors" if counts.get("errors") else ("▲ Warnings only" if counts.get("warnings") else "✔ Valid")
            rows.append((text(who), period_words(v.get("period")), verdict, int(counts.get("errors", 0) or 0),
                         int(counts.get("warnings", 0) or 0)))
        rows.sort(key=lambda r: (r[0], r[1]))
        return md_table(rows, ["Return from", "Quarter", "Result", "Errors", "Warnings"], "lllrr",
                        escape=[False, False, False, True, True])

    def rule_versions(self) -> str:
        f = self.findings
        if f.empty:
            return "_No findings._"
        rows = []
        for (_rule_id, version), part in f.groupby(["rule_id", "rule_version"], dropna=False, sort=True):
            node = self.results.node(str(_rule_id))
            params = node.get("parameters") or parse_json(part["parameters"].iloc[-1], {}) or {}
            words = []
            for name, spec in (params.items() if isinstance(params, dict) else []):
                words.append(parameter_words(name, spec))
            rows.append((text(part["title"].iloc[-1]), text(version), text("; ".join(words)) if words else "–"))
        rows.sort()
        submissions = self.results.manifest.get("data_versions") or []
        own = [d for d in submissions if isinstance(d, dict) and str(d.get("authority_code")) == self.authority]
        note = (f"\n\nThe findings were computed from {plural(len(own), 'submitted return')}; the latest was submitted "
                f"on {date_words(max(str(d.get('submitted_at')) for d in own))}." if own else "")
        return md_table(rows, ["Duty", "Version", "Thresholds in force"], escape=[False] * 3) + note
