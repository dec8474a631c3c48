"""Read and validate a ``*.sequence.yaml`` plan (schema in docs/sequences.md).

Errors are one line: ``<file>:<line>: step <n>: <field>: <problem>`` (or without the step for a
top-level field). Line numbers come from the YAML nodes, so every step also knows where it is written,
and a step's inline ``body`` keeps a map from its text back into the plan file.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import yaml

from ..read import DEFAULT_MAX_BYTES, InputError, Source, read_path
from ..ruleset import RuleLoader
from .days import DAY_UNITS
from .model import CHANNELS, TRIGGERS, OffsetMap, Sequence, SequenceError, Step

PLAN_SUFFIXES = (".sequence.yaml", ".sequence.yml")
TOP_KEYS = ("name", "description", "trigger", "lead_source", "stage", "days", "steps")
STEP_KEYS = ("day", "minutes", "channel", "template", "body")


def load_plan(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES,
              read: Callable[[str], Source] | None = None) -> Sequence:
    """A plan from its decoded source; templates are read relative to the plan's folder, from the working
    tree or with ``read`` (path -> Source, raising InputError: what ``--git-rev`` reads from git)."""
    read = read or functools.partial(read_path, max_bytes=max_bytes)
    path = source.display_path
    root = _compose(source.text, path)
    if not isinstance(root, yaml.MappingNode):
        raise SequenceError(f"{path}:1: (file): must be a mapping with name, trigger and steps")
    fields = _fields(root, path, None)
    data = {key: _value(value, path) for key, (_, value) in fields.items()}
    _check_top_level(fields, data, path)
    steps_key, steps_node = fields["steps"]
    folder = os.path.dirname(source.path) if source.path and source.path != "-" else ""
    files: dict[str, Source] = {path: source}
    steps = []
    previous_day = 0
    for number, item in enumerate(steps_node.value, start=1):
        step = _step(item, number, source, folder, files, data.get("lead_source"), read)
        if step.day < previous_day:
            raise _error(path, item, number, "day",
                         f"{step.day} comes before the previous step's day {previous_day} (list steps in order)")
        previous_day = step.day
        steps.append(step)
    return Sequence(
        kind="plan", path=path, name=data["name"].strip(), steps=steps, files=files,
        whole_span=(path, (steps_key.start_mark.index, steps_key.end_mark.index)),
        trigger=data["trigger"], lead_source=data.get("lead_source"), stage=data.get("stage"),
        day_unit=data.get("days") or "business",
    )


def is_plan_path(path: str) -> bool:
    return path.lower().endswith(PLAN_SUFFIXES)


def _compose(text: str, path: str) -> yaml.Node | None:
    loader = RuleLoader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise SequenceError(f"{path}:{line}: (file): not valid YAML ({getattr(error, 'problem', None) or error})") from None
    finally:
        loader.dispose()


def _value(node: yaml.Node, path: str) -> Any:
    """The Python value of a node, with the plan's YAML rules (only true/false are booleans)."""
    loader = RuleLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or error
        raise SequenceError(f"{path}:{node.start_mark.line + 1}: (value): {problem}") from None
    finally:
        loader.dispose()


def _fields(node: yaml.MappingNode, path: str, step: int | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if not isinstance(name, str):
            raise _error(path, key, step, "(key)", "keys must be plain names")
        if name in fields:
            raise _error(path, key, step, name, "given twice")
        fields[name] = (key, value)
    return fields


def _error(path: str, node: yaml.Node, step: int | None, field_name: str, problem: str) -> SequenceError:
    where = f"step {step}: " if step is not None else ""
    return SequenceError(f"{path}:{node.start_mark.line + 1}: {where}{field_name}: {problem}")


def _check_top_level(fields, data: dict[str, Any], path: str) -> None:
    for name, (key, _) in fields.items():
        if name not in TOP_KEYS:
            raise _error(path, key, None, name, f"unknown field (allowed: {', '.join(TOP_KEYS)})")
    for name in ("name", "trigger", "steps"):
        if name not in fields:
            raise SequenceError(f"{path}:1: {name}: missing")
    for name in ("name", "description", "lead_source", "stage"):
        if name in data and (not isinstance(data[name], str) or not data[name].strip()):
            raise _error(path, fields[name][1], None, name, "must be a non-empty string")
    _one_of(data["trigger"], TRIGGERS, path, fields["trigger"][1], None, "trigger")
    if "days" in data:
        _one_of(data["days"], DAY_UNITS, path, fields["days"][1], None, "days")
    steps = fields["steps"][1]
    if not isinstance(steps, yaml.SequenceNode) or not steps.value:
        raise _error(path, steps, None, "steps", "must be a non-empty list of steps")


def _one_of(value: Any, allowed: tuple[str, ...], path: str, node, step: int | None, name: str) -> None:
    if value not in allowed:
        raise _error(path, node, step, name, f"'{value}' is not one of {', '.join(allowed)}")


def _step(item: yaml.Node, number: int, plan: Source, folder: str, files: dict[str, Source],
          lead_source: str | None, read: Callable[[str], Source]) -> Step:
    path = plan.display_path
    if not isinstance(item, yaml.MappingNode):
        raise _error(path, item, number, "(step)", "must be a mapping with day, channel and template or body")
    fields = _fields(item, path, number)
    for name, (key, _) in fields.items():
        if name not in STEP_KEYS:
            raise _error(path, key, number, name, f"unknown field (allowed: {', '.join(STEP_KEYS)})")
    for name in ("day", "channel"):
        if name not in fields:
            raise _error(path, item, number, name, "missing")
    values = {name: _value(value, path) for name, (_, value) in fields.items()}
    day = values["day"]
    if not _is_count(day):
        raise _error(path, fields["day"][1], number, "day", f"'{day}' must be a whole number of days from the trigger (0 or more)")
    minutes = values.get("minutes")
    if "minutes" in values:
        if not _is_count(minutes):
            raise _error(path, fields["minutes"][1], number, "minutes", f"'{minutes}' must be a whole number (0 or more)")
        if day != 0:
            raise _error(path, fields["minutes"][1], number, "minutes", "only for a touch on day 0 (minutes after the trigger)")
    _one_of(values["channel"], CHANNELS, path, fields["channel"][1], number, "channel")
    given = [name for name in ("template", "body") if name in fields]
    if len(given) != 1:
        raise _error(path, item, number, "template", "give either a template (a file) or an inline body, not "
                     + ("both" if given else "neither"))
    spans = {"head": _line_span(plan.text, item.start_mark.index)}
    for name, (key, value) in fields.items():
        spans[name] = (key.start_mark.index, _field_end(key, value, plan.text))
    spans["text"] = spans[given[0]]
    if given == ["template"]:
        text, text_map, text_file, label = _template(values["template"], fields["template"][1], number, path,
                                                     folder, read)
        files[text_file] = text
    else:
        text, text_map, label = _inline_body(values["body"], fields["body"][1], number, plan, spans["body"])
        text_file = path
    return Step(number=number, touch=number, channel=values["channel"], text=text, text_map=text_map,
                text_file=text_file, label=label, anchor_file=path, spans=spans, day=day, minutes=minutes)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _line_span(text: str, offset: int) -> tuple[int, int]:
    end = len(text)
    for newline in ("\n", "\r"):
        found = text.find(newline, offset)
        if found != -1:
            end = min(end, found)
    return offset, end


def _field_end(key: yaml.Node, value: yaml.Node, text: str) -> int:
    """End of `key: value` on the key's line (a block scalar's text is not part of the field)."""
    if isinstance(value, yaml.ScalarNode) and value.style in ("|", ">"):
        return _line_span(text, key.start_mark.index)[1]
    if isinstance(value, yaml.ScalarNode):
        return value.end_mark.index
    return key.end_mark.index


def _template(value: Any, node: yaml.Node, number: int, plan_path: str, folder: str,
              read: Callable[[str], Source]) -> tuple[Source, OffsetMap, str, str]:
    if not isinstance(value, str) or not value.strip():
        raise _error(plan_path, node, number, "template", "must be a file path (relative to the sequence file)")
    file_path = os.path.normpath(os.path.join(folder, value))
    try:
        source = read(file_path)
    except InputError as error:
        problem = str(error).removeprefix(f"{file_path}: ")
        raise _error(plan_path, node, number, "template", f"{value}: {problem}") from None
    return source, OffsetMap(), file_path, value


def _inline_body(value: Any, node: yaml.Node, number: int, plan: Source,
                 field_span: tuple[int, int]) -> tuple[Source, OffsetMap, str]:
    if not isinstance(value, str) or not value.strip():
        raise _error(plan.display_path, node, number, "body", "must be the text of the touch")
    return Source(plan.display_path, value), body_map(value, node, plan.text, field_span), "inline body"


def body_map(value: str, node: yaml.ScalarNode, text: str, fallback: tuple[int, int]) -> OffsetMap:
    """Where each character of an inline body is in the plan file: exact for literal blocks (`|`) and
    single-line scalars, else every offset points at the `body:` field."""
    if node.style == "|":
        return _literal_block_map(value, node, text) or OffsetMap.nowhere(fallback)
    start = node.start_mark.index + (1 if node.style in ("'", '"') else 0)
    if "\n" not in value and text.startswith(value, start):
        return OffsetMap.at(start)
    return OffsetMap.nowhere(fallback)


def _literal_block_map(value: str, node: yaml.ScalarNode, text: str) -> OffsetMap | None:
    """A literal block's lines are the file's lines after the `|` line, less the block's indentation."""
    first_line = text.find("\n", node.start_mark.index)
    if first_line == -1:
        return None
    position = first_line + 1
    anchors = []
    text_offset = 0
    indent = None
    for line in value.split("\n")[:-1] if value.endswith("\n") else value.split("\n"):
        line_end = text.find("\n", position)
        source_line = text[position:line_end if line_end != -1 else len(text)].rstrip("\r")
        if line:
            if indent is None:
                indent = len(source_line) - len(source_line.lstrip(" "))
            if source_line[indent:] != line:
                return None
            anchors.append((text_offset, position + indent))
        elif source_line.strip():
            return None
        text_offset += len(line) + 1
        if line_end == -1:
            break
        position = line_end + 1
    return OffsetMap(tuple(anchors)) if anchors else None
