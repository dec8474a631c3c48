"""`followup-lint plan FILE`: the timeline of a follow-up plan or thread, and its findings.

FILE is a ``*.sequence.yaml`` plan, an ``.mbox`` file or a folder of ``.eml`` files. Heavy modules (the
linter, spaCy) are imported inside the command, never at start-up.
"""

from __future__ import annotations

import os
import sys

import click

PLAN_FORMATS = ("text", "html", "json", "sarif", "github", "junit")
FAIL_ON = ("info", "warning", "error", "never")


@click.command("plan")
@click.argument("path", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(PLAN_FORMATS), default="text", show_default=True,
              help="text: the timeline; html: a page with an SVG timeline; the others as in `check`.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@click.option("--me", metavar="ADDRESS", help="In a thread, the sender whose messages are the touches "
                                              "[default: whoever sent the most].")
@click.option("--select", multiple=True, help="Only these rules or categories (comma-separated; ALL for all).")
@click.option("--ignore", multiple=True, help="Skip these rules or categories (comma-separated).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest severity that makes the exit code 1 [default: warning, or the config's fail-on].")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file only.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of YAML rule files (repeatable).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Refuse files larger than this.")
def plan(path, output_format, output, me, select, ignore, fail_on, config_file, isolated, rules_dirs, max_bytes) -> None:
    """Show a follow-up plan (*.sequence.yaml) or thread (.mbox, folder of .eml) as a timeline: day,
    channel, template, the score of each step and its findings."""
    from ..cli import fail, split_names
    from ..config import ConfigError
    from ..read import InputError
    from ..ruleset import RuleFileError
    from ..sequences.model import SequenceError
    from ..sequences.run import effective_settings, lint_sequence, load_sequence

    if config_file and not os.path.isfile(config_file):
        fail(f"{config_file}: no such config file")
    try:
        sequence = load_sequence(path, me=me, max_bytes=max_bytes)
        settings = effective_settings(path, config_file=config_file, isolated=isolated, select=split_names(select),
                                      ignore=split_names(ignore), rules_dirs=rules_dirs)
        result = lint_sequence(sequence, settings)
        text = render(result, output_format, settings, fail_on or settings.fail_on)
    except (SequenceError, ConfigError, RuleFileError, InputError) as error:
        fail(str(error))
    if output:
        write_output(output, text, fail)
    else:
        click.echo(text, nl=False)
    threshold = fail_on or settings.fail_on
    sys.exit(1 if failing(result, threshold) else 0)


def render(result, output_format: str, settings, fail_on: str) -> str:
    from .. import __version__
    from ..api import configured_rules
    from ..reporters import ReportOptions, get_reporter
    from ..sequences.timeline import render_html, render_text

    if output_format == "text":
        return render_text(result)
    if output_format == "html":
        return render_html(result)
    rules, enabled = configured_rules(settings)
    options = ReportOptions(version=__version__, rules=[rule for rule in rules if rule.id in enabled], fail_on=fail_on)
    return get_reporter(output_format)(result.reports, options)


def failing(result, threshold: str) -> bool:
    from ..findings import SEVERITY_RANK

    limit = SEVERITY_RANK.get(threshold, 99)
    return any(SEVERITY_RANK[item.finding.severity] >= limit for item in result.findings)


def write_output(path: str, text: str, fail) -> None:
    """Write the whole file or nothing (``atomic.replace_file``). A new file gets the usual permissions
    (umask); an existing one keeps its mode."""
    from ..atomic import replace_file

    try:
        replace_file(os.path.abspath(path), text.encode("utf-8"), mode=_mode_for(path))
    except OSError as error:
        fail(f"{path}: cannot write ({error.strerror or error})")


def _mode_for(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


COMMANDS = [plan]
