"""The `followup-lint` command: a thin layer over the library API.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from . import __version__
from .reporters import FORMATS, ReportOptions

FAIL_ON = ("info", "warning", "error", "never")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class DefaultToCheck(click.Group):
    """`followup-lint PATH...` means `followup-lint check PATH...`, as in ruff."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def fail(message: str) -> None:
    click.echo(f"followup-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def parse_meta(values: Sequence[str]) -> dict[str, object]:
    import yaml

    metadata: dict[str, object] = {}
    for item in values:
        key, separator, raw = item.partition("=")
        if not separator or not key.strip():
            raise click.BadParameter(f"'{item}' is not key=value", param_hint="--meta")
        try:
            metadata[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            metadata[key.strip()] = raw
    return metadata


def split_names(values: Sequence[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followup-lint")
def main() -> None:
    """Lint sales follow-up email drafts for the habits that get them ignored.

    \b
      followup-lint draft.txt            lint files or folders (same as `followup-lint check ...`)
      followup-lint - < draft.txt        lint standard input
      followup-lint rules                list the rules
      followup-lint explain no-value     why a rule exists, with examples
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "--output-format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--select", multiple=True, help="Only these rules or categories (comma-separated; ALL for all).")
@click.option("--ignore", multiple=True, help="Skip these rules or categories (comma-separated).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="warning", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--meta", multiple=True, metavar="KEY=VALUE", help="Draft metadata (touch=3, met=2026-11-08, ...).")
@click.option("--stdin-filename", metavar="NAME", help="Name for standard input in the output.")
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of YAML rule files (repeatable).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Refuse files larger than this.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
@click.option("--no-color", is_flag=True, help="No colour (also NO_COLOR=1).")
def check(paths, output_format, select, ignore, fail_on, meta, stdin_filename, rules_dirs, max_bytes, quiet,
          no_color) -> None:
    """Lint drafts: files, folders (recursively), or - for standard input."""
    from .api import available_rules, lint_sources, select_rules
    from .discover import iter_paths
    from .findings import SEVERITY_RANK
    from .read import InputError, decode, read_path
    from .reporters import get_reporter
    from .ruleset import RuleFileError

    if not paths:
        fail("no files given (use - for standard input)")
    metadata = parse_meta(meta)
    selected, ignored = split_names(select), split_names(ignore)
    try:
        rules = available_rules(rules_dirs)
        enabled = select_rules(rules, selected, ignored)
    except RuleFileError as error:
        fail(str(error))
    except ValueError as error:
        fail(f"--select/--ignore: {error}")

    sources = []
    errors = 0
    for path, named in iter_paths(paths):
        try:
            if path == "-":
                source = decode(sys.stdin.buffer.read(max_bytes + 1)[: max_bytes + 1], stdin_filename or "-")
                if len(source.text.encode("utf-8", "surrogatepass")) > max_bytes * 4:
                    raise InputError("-: standard input is over --max-bytes")
            else:
                source = read_path(path, max_bytes=max_bytes)
        except InputError as error:
            if not named and "binary" in str(error):
                click.echo(f"followup-lint: warning: {error} (skipped)", err=True)
                continue
            click.echo(f"followup-lint: error: {error}", err=True)
            errors += 1
            continue
        sources.append(source)
    try:
        linted = lint_sources(sources, metadata=metadata, select=selected, ignore=ignored,
                              rules_dirs=rules_dirs) if sources else []
    except (InputError, RuleFileError) as error:
        fail(str(error))
    options = ReportOptions(color=use_color(no_color), quiet=quiet, version=__version__,
                            rules=[r for r in rules if r.id in enabled])
    output = get_reporter(output_format)(linted, options)
    click.echo(output, nl=False, color=options.color)
    if errors:
        sys.exit(EXIT_ERROR)
    threshold = SEVERITY_RANK.get(fail_on, 99)
    failing = any(SEVERITY_RANK[f.severity] >= threshold for report in linted for f in report.findings)
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False))
def list_rules(output_format, rules_dirs) -> None:
    """List the rules: id, severity, title."""
    import json

    from .ruleset import RuleFileError, load_rules

    try:
        rules = load_rules(rules_dirs)
    except RuleFileError as error:
        fail(str(error))
    if output_format == "json":
        click.echo(json.dumps([rule_summary(rule) for rule in rules], indent=2))
        return
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        click.echo(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.title}")


def rule_summary(rule) -> dict[str, object]:
    return {
        "id": rule.id, "title": rule.title, "severity": rule.severity, "category": rule.category,
        "scope": rule.scope, "params": rule.params, "remedies": list(rule.remedies), "reads": list(rule.reads),
        "source": rule.source, "fixable": bool(rule.fix),
    }


@main.command()
@click.argument("rule_id")
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False))
def explain(rule_id, rules_dirs) -> None:
    """Why a rule exists: its rationale, the article passage, thresholds and examples."""
    from .ruleset import RuleFileError, load_rules

    try:
        rules = {rule.id: rule for rule in load_rules(rules_dirs)}
    except RuleFileError as error:
        fail(str(error))
    rule = rules.get(rule_id)
    if rule is None:
        fail(f"unknown rule '{rule_id}' (see `followup-lint rules`)")
    click.echo(explanation(rule))


def explanation(rule) -> str:
    lines = [f"{rule.id} ({rule.severity}, {rule.category}): {rule.title}", ""]
    if rule.description:
        lines += [rule.description, ""]
    lines += ["Why:", _indent(rule.rationale), ""]
    if rule.source:
        lines += ["Source:"] + [f"  {key}: {value}" for key, value in rule.source.items()] + [""]
    if rule.params:
        lines += ["Parameters:"] + [f"  {key} = {value}" for key, value in rule.params.items() if value is not None] + [""]
    if rule.reads:
        lines += [f"Reads metadata: {', '.join(rule.reads)}", ""]
    if rule.remedies:
        lines += [f"Remedies (templates): {', '.join(rule.remedies)}", ""]
    lines += ["Bad:"] + [_indent(example.text, "  ✗ ") for example in rule.examples_bad[:2]] + [""]
    lines += ["Good:"] + [_indent(example.text, "  ✓ ") for example in rule.examples_good[:2]]
    return "\n".join(lines)


def _indent(text: str, first: str = "  ") -> str:
    pad = " " * len(first)
    return "\n".join((first if index == 0 else pad) + line for index, line in enumerate(text.strip().splitlines()))


def _register_subcommands() -> None:
    import pkgutil
    from importlib import import_module

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda item: item.name):
        for command in import_module(f"{commands.__name__}.{info.name}").COMMANDS:
            main.add_command(command)


_register_subcommands()
