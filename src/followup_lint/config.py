"""Configuration: `[tool.followup-lint]` in pyproject.toml or a `.followup-lint.toml`, found by walking up
from each linted file (the nearest wins), validated strictly, and applied to the rules.

Every problem names the file, the key and what is allowed; the CLI reports it with exit code 2.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILE = ".followup-lint.toml"
SEVERITIES = ("info", "warning", "error")
FAIL_ON = ("info", "warning", "error", "never")
LIST_KEYS = ("select", "ignore", "extend-select", "rules-dirs", "templates-dirs", "template-files", "exclude",
             "extend-exclude")
KEYS = (*LIST_KEYS, "severity", "rules", "fail-on")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".followup-lint-cache")


class ConfigError(Exception):
    """`<file>: <key>: <problem>`."""


@dataclass(frozen=True)
class Settings:
    """The effective configuration for a group of files."""

    path: str | None = None  # the config file it came from
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str, Any], ...] = ()  # (rule id, param, value)
    rules_dirs: tuple[str, ...] = ()
    templates_dirs: tuple[str, ...] = ()
    template_files: tuple[str, ...] = ()  # globs, made absolute: files linted as templates
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    fail_on: str = "warning"

    def fingerprint(self) -> str:
        """Stable text identifying everything that changes results (for caches)."""
        data = dataclasses.asdict(self)
        data.pop("path")
        return json.dumps(data, sort_keys=True, default=str)

    def with_cli(self, *, select=(), ignore=(), fail_on=None, rules_dirs=()) -> Settings:
        """CLI flags override the file: --select replaces select, --ignore adds to ignore."""
        return dataclasses.replace(
            self,
            select=tuple(select) or self.select,
            extend_select=() if select else self.extend_select,
            ignore=(*self.ignore, *ignore),
            fail_on=fail_on or self.fail_on,
            rules_dirs=(*self.rules_dirs, *rules_dirs),
        )

    def is_template_file(self, path: str | None) -> bool:
        """A file that `template-files` names: linted as a template, whatever its suffix."""
        if not path or path == "-" or not self.template_files:
            return False
        absolute = str(Path(path).resolve())
        return any(fnmatch.fnmatch(absolute, pattern) for pattern in self.template_files)

    def is_excluded(self, path: str) -> bool:
        parts = Path(path).parts
        for pattern in (*self.exclude, *self.extend_exclude):
            if fnmatch.fnmatch(path, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
                return True
        return False


def find_config(start: Path) -> Path | None:
    """The nearest .followup-lint.toml, or pyproject.toml with [tool.followup-lint], at or above `start`."""
    directory = start if start.is_dir() else start.parent
    for folder in [directory.resolve(), *directory.resolve().parents]:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "followup-lint" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return True  # a broken pyproject that mentions us should be reported, not skipped


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None


def load_settings(path: Path, known_rules: dict[str, Any] | None = None) -> Settings:
    """Read and validate one config file; `known_rules` (id -> Rule) enables rule id and param checks."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("followup-lint", {})
    return settings_from_table(data, str(path), path.parent, known_rules)


def settings_from_table(data: Any, name: str, base: Path, known_rules: dict[str, Any] | None = None) -> Settings:
    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{name}: {key}: {problem}")

    if not isinstance(data, dict):
        raise fail("(table)", "must be a table of settings")
    for key in data:
        if key not in KEYS:
            raise fail(key, f"unknown key (allowed: {', '.join(KEYS)})")
    values: dict[str, Any] = {}
    for key in LIST_KEYS:
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise fail(key, "must be a list of strings")
        values[key] = tuple(items)
    categories = {rule.category for rule in (known_rules or {}).values()}
    if known_rules is not None:
        for key in ("select", "ignore", "extend-select"):
            for item in values[key]:
                if item != "ALL" and item not in known_rules and item not in categories:
                    raise fail(key, f"unknown rule or category '{item}' (see `followup-lint rules`)")
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("severity", "must be a table of rule = \"info\" | \"warning\" | \"error\"")
    for rule_id, level in severity.items():
        if known_rules is not None and rule_id not in known_rules:
            raise fail(f"severity.{rule_id}", "unknown rule")
        if level not in SEVERITIES:
            raise fail(f"severity.{rule_id}", f"'{level}' is not one of {', '.join(SEVERITIES)}")
    params = _rule_params(data.get("rules", {}), known_rules, fail)
    fail_on = data.get("fail-on", "warning")
    if fail_on not in FAIL_ON:
        raise fail("fail-on", f"'{fail_on}' is not one of {', '.join(FAIL_ON)}")
    return Settings(
        path=name,
        select=values["select"], ignore=values["ignore"], extend_select=values["extend-select"],
        severity=tuple(sorted(severity.items())), params=params,
        rules_dirs=tuple(str((base / d).resolve()) for d in values["rules-dirs"]),
        templates_dirs=tuple(str((base / d).resolve()) for d in values["templates-dirs"]),
        template_files=tuple(str(base.resolve() / pattern) for pattern in values["template-files"]),
        exclude=values["exclude"] or DEFAULT_EXCLUDE, extend_exclude=values["extend-exclude"], fail_on=fail_on,
    )


def _rule_params(table: Any, known_rules, fail) -> tuple[tuple[str, str, Any], ...]:
    if not isinstance(table, dict):
        raise fail("rules", "must be a table of [rules.<rule-id>] tables")
    found = []
    for rule_id, overrides in table.items():
        if not isinstance(overrides, dict):
            raise fail(f"rules.{rule_id}", "must be a table of parameter = value")
        rule = (known_rules or {}).get(rule_id)
        if known_rules is not None and rule is None:
            raise fail(f"rules.{rule_id}", "unknown rule")
        for param, value in overrides.items():
            if rule is not None:
                if param not in rule.params:
                    allowed = ", ".join(sorted(rule.params)) or "none"
                    raise fail(f"rules.{rule_id}.{param}", f"unknown parameter (allowed: {allowed})")
                _check_param_type(rule.params[param], value, f"rules.{rule_id}.{param}", fail)
            found.append((rule_id, param, tuple(value) if isinstance(value, list) else value))
    return tuple(sorted(found, key=lambda item: (item[0], item[1])))


def _check_param_type(default: Any, value: Any, key: str, fail) -> None:
    if isinstance(default, bool) or isinstance(value, bool):
        raise fail(key, "must be a number, a string or a list")
    if isinstance(default, (int, float)) or default is None:
        if not isinstance(value, (int, float)):
            raise fail(key, f"must be a number (default {default})")
        if value < 0:
            raise fail(key, "must not be negative")
    elif isinstance(default, list) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise fail(key, "must be a list of strings")
    elif isinstance(default, str) and not isinstance(value, str):
        raise fail(key, "must be a string")


def apply_settings(rules: list, settings: Settings) -> list:
    """Rules with the settings' severities and parameters applied (rule values are immutable)."""
    severity = dict(settings.severity)
    overrides: dict[str, dict[str, Any]] = {}
    for rule_id, param, value in settings.params:
        overrides.setdefault(rule_id, {})[param] = list(value) if isinstance(value, tuple) else value
    result = []
    for rule in rules:
        changes: dict[str, Any] = {}
        if rule.id in severity:
            changes["severity"] = severity[rule.id]
        if rule.id in overrides:
            changes["params"] = {**rule.params, **overrides[rule.id]}
        result.append(dataclasses.replace(rule, **changes) if changes else rule)
    return result


def enabled_rule_ids(rules: list, settings: Settings) -> frozenset[str]:
    """`select` (default: all) plus `extend-select`, minus `ignore`; names are ids, categories or ALL."""
    known = {rule.id for rule in rules}

    def expand(names) -> set[str]:
        chosen: set[str] = set()
        for name in names:
            if name == "ALL":
                chosen |= known
            elif name in known:
                chosen.add(name)
            else:
                matched = {rule.id for rule in rules if rule.category == name}
                if not matched:
                    raise ConfigError(f"{settings.path or 'command line'}: select/ignore: unknown rule or category '{name}'")
                chosen |= matched
        return chosen

    enabled = expand(settings.select) if settings.select else set(known)
    return frozenset((enabled | expand(settings.extend_select)) - expand(settings.ignore))
