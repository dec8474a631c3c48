"""Load rule files: one YAML file per rule, validated on load into plain ``Rule`` values.

A rule is data: id, title, severity, message, rationale with its source, remedies, named thresholds
(``params``), named pattern sets, a ``detect`` block choosing one of the declarative detector kinds (or a
registered Python check), and good/bad examples that run as tests. A malformed file is reported as
``<file>: <field>: <problem>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .detectors import DETECTOR_KINDS, METADATA_OPERATORS, SENTENCE_FILTERS

SEVERITIES = ("info", "warning", "error")
SCOPES = ("body", "subject", "sequence")  # sequence rules judge a plan of touches, not one draft
ANCHORS = ("opening", "closing", "body", "subject")
ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SET_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SET_REFERENCE_RE = re.compile(r"^(?:(?P<rule>[a-z][a-z0-9-]*)\.)?(?P<set>[a-z][a-z0-9_]*)$")
TOP_LEVEL_KEYS = {
    "id", "title", "severity", "category", "message", "description", "rationale", "source", "remedies",
    "scope", "params", "patterns", "detect", "fix", "examples", "reads",
}
PATTERN_KEYS = {"phrases", "tokens", "regex", "any_of", "all_in_sentence", "sentence", "unless_in_sentence", "description"}
FIX_KINDS = ("delete",)


class RuleLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 5x faster
    """YAML for word lists: YAML 1.1 reads on/off/yes/no/y/n as booleans, which would silently corrupt
    lists like [at, on, by]; only true/false are booleans here."""


RuleLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RuleLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class RuleFileError(Exception):
    """A rule file that does not load: ``<file>: <field>: <problem>``."""


@dataclass(frozen=True)
class PatternSet:
    name: str
    phrases: tuple[str, ...] = ()
    tokens: tuple[tuple[dict[str, Any], ...], ...] = ()
    regex: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    all_in_sentence: tuple[str, ...] = ()
    sentence: str | None = None
    unless_in_sentence: tuple[str, ...] = ()

    @property
    def references(self) -> tuple[str, ...]:
        """The other sets this one is built from or filtered by."""
        return (*self.any_of, *self.all_in_sentence, *self.unless_in_sentence)


@dataclass(frozen=True)
class Example:
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    marked: tuple[int, int] | None = None  # where the finding must point, from «...» in the text


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    category: str
    message: str
    rationale: str
    source: dict[str, str]
    remedies: tuple[str, ...]
    scope: str
    params: dict[str, Any]
    patterns: dict[str, PatternSet]
    detect: dict[str, Any]
    examples_bad: tuple[Example, ...]
    examples_good: tuple[Example, ...]
    description: str = ""
    fix: str | None = None
    reads: tuple[str, ...] = ()
    file: str = ""

    @property
    def kind(self) -> str:
        return self.detect["kind"]

    def params_list(self, name: str) -> list[str]:
        """A param holding a list of words, lowercased."""
        return [str(item).lower() for item in self.params.get(name) or []]


def builtin_rules_dir() -> Path:
    return Path(str(resources.files("followup_lint") / "rules"))


def load_rules(extra_dirs: Iterable[str | Path] = ()) -> list[Rule]:
    """Built-in rules, then each extra folder's; a later rule with the same id replaces an earlier one."""
    by_id: dict[str, Rule] = {}
    for directory, is_builtin in [(builtin_rules_dir(), True), *((Path(d), False) for d in extra_dirs)]:
        for rule in load_rule_dir(directory, display_prefix="rules/" if is_builtin else None):
            by_id[rule.id] = rule
    rules = list(by_id.values())
    check_references(rules)
    return sorted(rules, key=lambda rule: rule.id)


def load_rule_dir(directory: Path, display_prefix: str | None = None) -> list[Rule]:
    if not directory.is_dir():
        raise RuleFileError(f"{directory}: not a folder of rule files")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
    return [load_rule_file(p, display=(display_prefix + p.name) if display_prefix else str(p)) for p in files]


def load_rule_file(path: Path, display: str | None = None) -> Rule:
    display = display or str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=RuleLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "yaml"
        raise RuleFileError(f"{display}: {where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RuleFileError(f"{display}: cannot read ({error})") from None
    return rule_from_data(data, display)


def rule_from_data(data: Any, display: str) -> Rule:
    def fail(field_name: str, problem: str) -> RuleFileError:
        return RuleFileError(f"{display}: {field_name}: {problem}")

    if not isinstance(data, dict):
        raise fail("(file)", "must be a mapping of rule fields")
    unknown = set(data) - TOP_LEVEL_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown field (allowed: {', '.join(sorted(TOP_LEVEL_KEYS))})")
    for key in ("id", "title", "severity", "category", "message", "rationale", "detect", "examples"):
        if key not in data:
            raise fail(key, "missing")
    for key in ("id", "title", "category", "message", "rationale"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(key, "must be a non-empty string")
    if not ID_RE.match(data["id"]):
        raise fail("id", f"'{data['id']}' is not kebab-case (e.g. no-next-step)")
    if data["severity"] not in SEVERITIES:
        raise fail("severity", f"'{data['severity']}' is not one of {', '.join(SEVERITIES)}")
    scope = data.get("scope", "body")
    if scope not in SCOPES:
        raise fail("scope", f"'{scope}' is not one of {', '.join(SCOPES)}")
    source = data.get("source") or {}
    if not isinstance(source, dict) or not all(isinstance(v, str) for v in source.values()):
        raise fail("source", "must map article/study/passage to strings")
    remedies = data.get("remedies") or []
    if not isinstance(remedies, list) or not all(isinstance(r, str) and ID_RE.match(r) for r in remedies):
        raise fail("remedies", "must be a list of template ids")
    patterns = {name: _pattern_set(name, spec, fail) for name, spec in (data.get("patterns") or {}).items()}
    detect = data["detect"]
    if not isinstance(detect, dict) or "kind" not in detect:
        raise fail("detect", "must be a mapping with a 'kind'")
    kind = DETECTOR_KINDS.get(detect["kind"])
    if kind is None:
        raise fail("detect.kind", f"'{detect['kind']}' is not one of {', '.join(sorted(DETECTOR_KINDS))}")
    params = {**kind.defaults, **(data.get("params") or {})}
    _validate_detect(detect, kind, params, patterns, data["id"], fail)
    if "anchor" in detect and detect["anchor"] not in ANCHORS:
        raise fail("detect.anchor", f"'{detect['anchor']}' is not one of {', '.join(ANCHORS)}")
    fix = data.get("fix")
    if fix is not None and fix not in FIX_KINDS:
        raise fail("fix", f"'{fix}' is not one of {', '.join(FIX_KINDS)}")
    try:
        data["message"].format_map(_Probe())
    except (ValueError, IndexError) as error:
        raise fail("message", f"bad placeholder ({error})") from None
    bad, good = _examples(data["examples"], fail)
    reads = tuple(sorted(set(data.get("reads") or []) | set(detect.get("when") or {}) | set(detect.get("unless_when") or {})))
    return Rule(
        id=data["id"], title=data["title"].strip(), severity=data["severity"], category=data["category"],
        message=data["message"].strip(), rationale=data["rationale"].strip(), source=source,
        remedies=tuple(remedies), scope=scope, params=params, patterns=patterns, detect=detect,
        examples_bad=bad, examples_good=good, description=(data.get("description") or "").strip(), fix=fix,
        reads=reads, file=display,
    )


class _Probe(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _pattern_set(name: str, spec: Any, fail) -> PatternSet:
    where = f"patterns.{name}"
    if not SET_NAME_RE.match(str(name)):
        raise fail(where, "set names are lower_snake_case")
    if not isinstance(spec, dict):
        raise fail(where, "must be a mapping (phrases, tokens, regex, ...)")
    unknown = set(spec) - PATTERN_KEYS
    if unknown:
        raise fail(f"{where}.{sorted(unknown)[0]}", f"unknown key (allowed: {', '.join(sorted(PATTERN_KEYS))})")
    phrases = spec.get("phrases") or []
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise fail(f"{where}.phrases", "must be a list of non-empty strings")
    tokens = spec.get("tokens") or []
    if not isinstance(tokens, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in tokens
    ):
        raise fail(f"{where}.tokens", "must be a list of spaCy Matcher patterns (lists of token dicts)")
    for index, pattern in enumerate(tokens):
        for expression in _token_regexes(pattern):
            problem = regex_problem(expression)
            if problem:
                raise fail(f"{where}.tokens[{index}]", f"REGEX {expression!r}: {problem}")
    regexes = spec.get("regex") or []
    if not isinstance(regexes, list):
        raise fail(f"{where}.regex", "must be a list of regular expressions")
    for index, expression in enumerate(regexes):
        problem = regex_problem(expression)
        if problem:
            raise fail(f"{where}.regex[{index}]", problem)
    sentence = spec.get("sentence")
    if sentence is not None and sentence not in SENTENCE_FILTERS:
        raise fail(f"{where}.sentence", f"'{sentence}' is not one of {', '.join(SENTENCE_FILTERS)}")
    union, composite, unless = (_set_names(spec, key, where, fail)
                                for key in ("any_of", "all_in_sentence", "unless_in_sentence"))
    if not (phrases or tokens or regexes or union or composite or sentence):
        raise fail(where, "needs phrases, tokens, regex, any_of, all_in_sentence or sentence")
    return PatternSet(
        name=name, phrases=tuple(phrases), tokens=tuple(tuple(p) for p in tokens), regex=tuple(regexes),
        any_of=union, all_in_sentence=composite, sentence=sentence, unless_in_sentence=unless,
    )


def _set_names(spec: dict, key: str, where: str, fail) -> tuple[str, ...]:
    names = spec.get(key) or []
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise fail(f"{where}.{key}", "must be a list of pattern set names")
    return tuple(names)


_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,\d*\})")
PROBE_TIMEOUT = 0.05  # seconds one probe may take; a sound expression needs microseconds


def regex_problem(expression: Any) -> str | None:
    """Refuse expressions that do not compile or that backtrack catastrophically.

    Two checks: a nested quantifier such as `(a+)+` is refused outright; then the expression runs (with
    the `regex` module's timeout) against probes made of long runs of its own characters ending in a
    mismatch, which exposes the other exponential shapes, such as `(a|a)*$`.
    """
    if not isinstance(expression, str):
        return "must be a string"
    try:
        re.compile(expression)
    except re.error as error:
        return f"does not compile ({error})"
    if _NESTED_QUANTIFIER.search(expression):
        return "nested quantifier (like (a+)+) can take exponential time; rewrite without it"
    import regex

    compiled = regex.compile(expression, regex.IGNORECASE)
    for probe in _probes(expression):
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return "backtracks catastrophically (exponential time on a run of repeated characters); rewrite it"
    return None


def _probes(expression: str) -> list[str]:
    characters = dict.fromkeys([*"aA1 -._", *(c for c in expression if c.isalnum())])
    return [character * 48 + "\x00" for character in list(characters)[:24]]


def _validate_detect(detect, kind, params, patterns, rule_id, fail) -> None:
    unknown = set(detect) - kind.fields - {"kind", "when", "unless_when", "anchor"}
    if unknown:
        raise fail(f"detect.{sorted(unknown)[0]}", f"not a field of kind '{detect['kind']}'")
    for field_name in kind.required:
        if field_name not in detect:
            raise fail(f"detect.{field_name}", f"required by kind '{detect['kind']}'")
    for field_name in kind.set_fields:
        value = detect.get(field_name)
        names = [value] if isinstance(value, str) else (value or [])
        for reference in names:
            match = SET_REFERENCE_RE.match(str(reference))
            if not match:
                raise fail(f"detect.{field_name}", f"'{reference}' is not a pattern set name")
            if match.group("rule") in (None, rule_id) and match.group("set") not in patterns:
                raise fail(f"detect.{field_name}", f"no pattern set '{reference}' in this rule")
    for name, pattern in patterns.items():
        for reference in pattern.references:
            match = SET_REFERENCE_RE.match(reference)
            if not match or (match.group("rule") in (None, rule_id) and match.group("set") not in patterns):
                raise fail(f"patterns.{name}", f"refers to unknown set '{reference}'")
    for key, value in params.items():
        if key in kind.defaults and value is not None and not isinstance(value, (int, float)):
            raise fail(f"params.{key}", "must be a number")
        if not isinstance(value, (int, float, str, list, type(None))) or isinstance(value, bool):
            raise fail(f"params.{key}", "must be a number, a string or a list")
    for block in ("when", "unless_when"):
        conditions = detect.get(block) or {}
        if not isinstance(conditions, dict):
            raise fail(f"detect.{block}", "must map metadata keys to conditions")
        for key, condition in conditions.items():
            if not isinstance(condition, dict) or not set(condition) <= set(METADATA_OPERATORS):
                raise fail(f"detect.{block}.{key}", f"conditions use {', '.join(METADATA_OPERATORS)}")
    if kind.name == "check":
        from .checks import CHECKS

        if detect["check"] not in CHECKS:
            raise fail("detect.check", f"no registered check '{detect['check']}'")


def _token_regexes(pattern: list[dict[str, Any]]):
    """Every REGEX value in a Matcher pattern (attributes, extension attributes)."""
    stack: list[Any] = list(pattern)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "REGEX":
                    yield value
                else:
                    stack.append(value)


_MARK_RE = re.compile(r"«(.*?)»", re.S)


def _examples(data: Any, fail) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if not isinstance(data, dict):
        raise fail("examples", "must have 'bad' and 'good' lists")
    result = []
    for group in ("bad", "good"):
        items = data.get(group)
        if not isinstance(items, list) or len(items) < 4:
            raise fail(f"examples.{group}", "needs at least 4 examples")
        examples = []
        for index, item in enumerate(items):
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise fail(f"examples.{group}[{index}]", "must be a string or a mapping with 'text'")
            meta = item.get("meta") or {}
            if not isinstance(meta, dict):
                raise fail(f"examples.{group}[{index}].meta", "must be a mapping")
            text, marked = _strip_mark(item["text"])
            examples.append(Example(text=text, meta=meta, path=item.get("path"), marked=marked))
        result.append(tuple(examples))
    return result[0], result[1]


def _strip_mark(text: str) -> tuple[str, tuple[int, int] | None]:
    match = _MARK_RE.search(text)
    if not match:
        return text, None
    clean = text[:match.start()] + match.group(1) + text[match.end():]
    return clean, (match.start(), match.start() + len(match.group(1)))


def check_references(rules: list[Rule]) -> None:
    """Sets named as `other-rule.set` must exist."""
    by_id = {rule.id: rule for rule in rules}
    for rule in rules:
        references = []
        for field_name in DETECTOR_KINDS[rule.kind].set_fields:
            value = rule.detect.get(field_name)
            references += [value] if isinstance(value, str) else list(value or [])
        for pattern in rule.patterns.values():
            references += pattern.references
        for reference in references:
            match = SET_REFERENCE_RE.match(reference)
            other = match.group("rule") if match else None
            if other and other != rule.id:
                if other not in by_id or match.group("set") not in by_id[other].patterns:
                    raise RuleFileError(f"{rule.file}: detect: refers to unknown set '{reference}'")
