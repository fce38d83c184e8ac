"""The rule catalogue for reports: every rule in ``rules/``, with its basis, test and thresholds.

Uses the rules package (``ccassure.rules``) when it can load the folder; otherwise reads the YAML
files as plain data (read only: nothing in a rule file is executed here).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ccassure.yamlload import load_yaml, to_plain


def _as_dict(rule: Any) -> dict[str, Any]:
    if isinstance(rule, dict):
        return rule
    if dataclasses.is_dataclass(rule) and not isinstance(rule, type):
        return dataclasses.asdict(rule)
    for attr in ("to_dict", "model_dump", "dict"):
        method = getattr(rule, attr, None)
        if callable(method):
            try:
                value = method()
            except TypeError:
                continue
            if isinstance(value, dict):
                return value
    return {k: v for k, v in vars(rule).items() if not k.startswith("_")} if hasattr(rule, "__dict__") else {}


def _from_rules_package(rules_dir: Path) -> list[dict[str, Any]] | None:
    try:
        import ccassure.rules as rules_pkg
    except ImportError:
        return None
    for name in ("load_rules", "load_rule_files", "load_rules_dir", "load"):
        loader = getattr(rules_pkg, name, None)
        if callable(loader):
            try:
                loaded = loader(rules_dir)
            except Exception:  # noqa: BLE001 - fall back to plain YAML below
                return None
            items = loaded.values() if isinstance(loaded, dict) else loaded
            try:
                items = [r if not isinstance(r, str) else loaded[r] for r in items]
                return [_as_dict(r) for r in items]
            except TypeError:
                return None
    return None


def _from_yaml(rules_dir: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(list(rules_dir.rglob("*.yaml")) + list(rules_dir.rglob("*.yml"))):
        try:
            data = to_plain(load_yaml(path))
        except Exception as exc:  # noqa: BLE001 - a broken file is shown, not fatal
            found.append({"id": path.name, "title": f"Could not be read: {exc}", "_file": str(path)})
            continue
        items = data.get("rules", data.get("kpis", [data])) if isinstance(data, dict) else data
        for item in items or []:
            if isinstance(item, dict):
                item = dict(item)
                item["_file"] = str(path.relative_to(rules_dir))
                found.append(item)
    return found


def load_catalogue(rules_dir: str | Path) -> tuple[list[dict[str, Any]], str]:
    """(rules, message). ``message`` explains an empty catalogue in plain words."""
    folder = Path(rules_dir)
    if not folder.is_dir():
        return [], f"No rules folder at {folder}."
    rules = _from_rules_package(folder)
    source = "rules package"
    if rules:
        # show each test as its author wrote it (YAML), not as the parsed model
        raw = {str(r.get("id")): r for r in _from_yaml(folder)}
        for rule in rules:
            written = raw.get(str(rule.get("id")))
            if written and "test" in written:
                rule["test"] = written["test"]
    if not rules:
        rules = _from_yaml(folder)
        source = "rule files"
    if not rules:
        return [], f"No rules have been written yet in {folder.name}/."
    rules.sort(key=lambda r: str(r.get("id", "")))
    return rules, f"{len(rules)} rule(s) read from {folder.name}/ by the {source}."


def rule_index(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r.get("id")): r for r in rules if r.get("id")}


def load_kpi_frameworks(rules_dir: str | Path) -> list[dict[str, Any]]:
    """KPI frameworks in ``rules/kpis/`` as written (plain YAML, read only)."""
    folder = Path(rules_dir) / "kpis"
    frameworks = []
    for path in sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml"))) if folder.is_dir() else []:
        if path.name.startswith("_"):
            continue
        try:
            data = to_plain(load_yaml(path))
        except Exception as exc:  # noqa: BLE001 - shown, not fatal
            data = {"framework": path.stem, "title": f"Could not be read: {exc}", "kpis": []}
        if isinstance(data, dict):
            data["_file"] = path.name
            frameworks.append(data)
    return frameworks
