"""The rewriting assistant: `suggest` a template for a draft, list `templates`, `render` one.

Heavy modules (spaCy via the linter, Jinja) are imported inside the commands, never at start-up.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

TEMPLATE_DIRS = click.option("--templates", "template_dirs", multiple=True, metavar="DIR",
                             type=click.Path(file_okay=False),
                             help="Extra folder of templates (repeatable); a template with a built-in's id "
                                  "replaces it.")
ASSIGNMENTS = click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE",
                           help="A template variable (repeatable); wins over --vars and the draft.")
VARS_FILE = click.option("--vars", "vars_file", metavar="FILE.yaml", type=click.Path(dir_okay=False),
                         help="A YAML mapping of template variables.")
CONFIG = click.option("--config", "config_file", type=click.Path(dir_okay=False),
                      help="Use this config file only (its templates-dirs and rules).")
ISOLATED = click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
FORMAT = click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
                      show_default=True, help="Output format.")


def _fail(message: str) -> None:
    from ..cli import fail

    fail(message)


def _warn(message: str) -> None:
    click.echo(f"followup-lint: warning: {message}", err=True)


def parse_assignments(values: Sequence[str]) -> dict[str, str]:
    """`--set name=value` pairs; the value is kept as written (text, not YAML)."""
    assigned: dict[str, str] = {}
    for item in values:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            _fail(f"--set: '{item}' is not NAME=VALUE")
        assigned[name.strip()] = value
    return assigned


def read_vars_file(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    import yaml

    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"{path}: cannot read ({getattr(error, 'strerror', None) or 'not UTF-8 text'})")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        _fail(f"{path}: not valid YAML" + (f" (line {mark.line + 1})" if mark else ""))
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        _fail(f"{path}: must be a mapping of variable names to values")
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            _fail(f"{path}: {key}: must be a single value (text, number or date)")
    return data


def given_values(assignments: Sequence[str], vars_file: str | None) -> dict[str, Any]:
    return {**read_vars_file(vars_file), **parse_assignments(assignments)}


def settings_for(path: str | None, config_file: str | None, isolated: bool, rules_dirs: Sequence[str] = ()):
    """The configuration in effect for `path` (or the current folder), with --rules-dir added."""
    import os

    from ..api import settings_for_path
    from ..config import ConfigError

    if config_file and not os.path.isfile(config_file):
        _fail(f"{config_file}: no such config file")
    try:
        return settings_for_path(path, config_file=config_file, isolated=isolated).with_cli(rules_dirs=rules_dirs)
    except ConfigError as error:
        _fail(str(error))


def load_template_set(settings, template_dirs: Sequence[str]):
    """Built-in templates, then the config's templates-dirs, then each --templates folder."""
    from ..template_library import TemplateError, load_templates

    try:
        return load_templates([*settings.templates_dirs, *template_dirs])
    except TemplateError as error:
        _fail(str(error))


def warn_unknown(template, given: dict[str, Any]) -> None:
    declared = {variable.name for variable in template.variables}
    for name in given:
        if name not in declared:
            _warn(f"template '{template.id}' has no variable '{name}' (ignored)")


# ---- suggest -------------------------------------------------------------------------------------------

@click.command("suggest")
@click.argument("draft", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--template", "template_id", metavar="ID", help="Use this template instead of the best-ranked one.")
@ASSIGNMENTS
@VARS_FILE
@TEMPLATE_DIRS
@FORMAT
@click.option("--meta", multiple=True, metavar="KEY=VALUE",
              help="Draft metadata (touch=3, last_contact=2026-11-08 ...).")
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of YAML rule files (repeatable).")
@click.option("--stdin-filename", metavar="NAME", help="Name for standard input (output and config discovery).")
@CONFIG
@ISOLATED
@click.option("-q", "--quiet", is_flag=True, help="Print only the suggested email.")
def suggest_command(draft, template_id, assignments, vars_file, template_dirs, output_format, meta, rules_dirs,
                    stdin_filename, config_file, isolated, quiet) -> None:
    """Suggest a rewrite: rank the templates that cure the draft's findings and fill the best one from it.

    \b
      followup-lint suggest draft.txt
      followup-lint suggest draft.txt --template value-add --set proposed_time="Thursday at 10am"
      followup-lint suggest draft.txt --vars vars.yaml --format json
    """
    from ..api import lint_sources
    from ..cli import parse_meta
    from ..config import ConfigError
    from ..extract import extract_draft
    from ..read import InputError, decode, read_path
    from ..ruleset import RuleFileError
    from ..suggest import suggest
    from ..template_library import TemplateError

    given = given_values(assignments, vars_file)
    settings = settings_for(stdin_filename if draft == "-" else draft, config_file, isolated, rules_dirs)
    templates = load_template_set(settings, template_dirs)
    metadata = parse_meta(meta)
    try:
        source = decode(sys.stdin.buffer.read(), stdin_filename or "-") if draft == "-" else read_path(draft)
        [report] = lint_sources([source], metadata=metadata, settings=settings)
        result = suggest(report, extract_draft(source, metadata), templates, template_id=template_id, given=given)
    except (InputError, RuleFileError, TemplateError, ConfigError) as error:
        _fail(str(error))
    if result.template is not None:
        warn_unknown(result.template, given)
    if output_format == "json":
        from .. import __version__

        click.echo(json.dumps({"version": __version__, **result.to_dict()}, indent=2, ensure_ascii=False))
    elif quiet:
        if result.text is not None:
            click.echo(result.text, nl=False)
    else:
        click.echo(suggestion_text(result))


def suggestion_text(result) -> str:
    findings = result.report.findings
    rules = list(dict.fromkeys(finding.rule for finding in findings))
    lines = [f"{result.report.path}: " + (f"{len(findings)} finding{'s' if len(findings) != 1 else ''} "
                                          f"({', '.join(rules)})" if findings else "no findings")]
    if result.ranking:
        lines += ["", "Templates that cure them, best first:"]
        width = max(len(entry.template.id) for entry in result.ranking)
        for number, entry in enumerate(result.ranking, 1):
            cures = ", ".join(entry.cures)
            lines.append(f"  {number}. {entry.template.id:<{width}}  {entry.score:5.1f}  cures {cures}")
            if number <= 3:
                lines.append(f"     why: {entry.why}")
    if result.template is None:
        nothing = ("Nothing to rewrite: no finding has a template remedy. "
                   "Pick one with --template ID (see `followup-lint templates`).")
        lines += ["", nothing]
        return "\n".join(lines)
    lines += ["", f"Suggested email ({result.template.id}: {result.template.title}):", "", result.text.rstrip("\n"), ""]
    lines += variables_text(result)
    return "\n".join(lines)


def variables_text(result) -> list[str]:
    names = [variable.name for variable in result.template.variables]
    filled = [(name, result.values[name]) for name in names
              if name in result.values and result.values[name].origin in ("inferred", "metadata", "given")]
    lines = []
    if filled:
        lines.append("Filled in:")
        width = max(len(name) for name, _ in filled)
        value_width = min(40, max(len(str(value.value)) for _, value in filled))
        for name, value in filled:
            lines.append(f"  {name:<{width}}  {value.value!s:<{value_width}}  ({value.where})")
    if result.slots:
        lines.append(f"Slots left to fill ({len(result.slots)}; give them with --set NAME=VALUE or --vars FILE.yaml):")
        width = max(len(variable.name) for variable in result.slots)
        for variable in result.slots:
            lines.append(f"  {variable.name:<{width}}  {variable.description}")
    else:
        lines.append("No slots left: every variable is filled.")
    return lines


# ---- templates -----------------------------------------------------------------------------------------

@click.command("templates")
@click.argument("template_id", required=False, metavar="[ID]")
@TEMPLATE_DIRS
@FORMAT
@CONFIG
@ISOLATED
def templates_command(template_id, template_dirs, output_format, config_file, isolated) -> None:
    """List the rewriting templates, or show one (its situation, variables and text)."""
    from ..template_library import TemplateError, find_template

    templates = load_template_set(settings_for(None, config_file, isolated), template_dirs)
    if template_id is not None:
        try:
            templates = [find_template(templates, template_id)]
        except TemplateError as error:
            _fail(str(error))
    if output_format == "json":
        click.echo(json.dumps([template_summary(t, body=template_id is not None) for t in templates], indent=2,
                              ensure_ascii=False))
    elif template_id is not None:
        click.echo(template_details(templates[0]))
    else:
        width = max(len(template.id) for template in templates)
        for template in templates:
            click.echo(f"{template.id:<{width}}  {template.channel:<9}  {template.title}")


def template_summary(template, body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": template.id, "title": template.title, "channel": template.channel, "when": template.when,
        "remedies": list(template.remedies), "path": template.path,
        "variables": [{"name": v.name, "description": v.description, "required": v.required,
                       **({} if v.required else {"default": v.default}), "example": v.example_value}
                      for v in template.variables],
    }
    if body:
        data["body"] = template.body
    return data


def template_details(template) -> str:
    lines = [f"{template.id} ({template.channel}): {template.title}", "", "When:", _wrap(template.when), ""]
    if template.remedies:
        lines += [f"Cures: {', '.join(template.remedies)}", ""]
    lines.append("Variables:")
    width = max((len(variable.name) for variable in template.variables), default=0)
    for variable in template.variables:
        need = "required" if variable.required else f"default {variable.default!r}"
        lines.append(f"  {variable.name:<{width}}  {need}: {variable.description}")
    lines += ["", f"Template ({template.path}):", "", template.body.rstrip("\n")]
    return "\n".join(lines)


def _wrap(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="  ")


# ---- render --------------------------------------------------------------------------------------------

@click.command("render")
@click.argument("template_id", metavar="ID")
@ASSIGNMENTS
@VARS_FILE
@TEMPLATE_DIRS
@FORMAT
@click.option("--example", is_flag=True, help="Start from the template's own example values.")
@click.option("--slots", is_flag=True, help="Leave missing required variables as [[name: description]] slots.")
@CONFIG
@ISOLATED
def render_command(template_id, assignments, vars_file, template_dirs, output_format, example, slots, config_file,
                   isolated) -> None:
    """Render one template with the variables given (--set, --vars); a missing required one is an error."""
    from ..template_library import MissingVariableError, TemplateError, find_template, missing_variables, render

    given = given_values(assignments, vars_file)
    templates = load_template_set(settings_for(None, config_file, isolated), template_dirs)
    try:
        template = find_template(templates, template_id)
        warn_unknown(template, given)
        values = {**(template.example_values() if example else {}), **given}
        missing = [variable.name for variable in missing_variables(template, values)]
        text = render(template, values, slots=slots)
    except MissingVariableError as error:
        _fail(f"{error}; give it with --set {error.variable}=... (or --slots)")
    except TemplateError as error:
        _fail(str(error))
    if output_format == "json":
        click.echo(json.dumps({"template": template.id, "variables": {k: str(v) for k, v in values.items()},
                               "slots": missing if slots else [], "text": text}, indent=2, ensure_ascii=False))
    else:
        click.echo(text, nl=False)


COMMANDS = [suggest_command, templates_command, render_command]
