"""The `followup-lint` command: a thin layer over the library API.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

import click

from . import __version__
from .reporters import FORMATS, ReportOptions

FAIL_ON = ("info", "warning", "error", "never")
GC_THRESHOLDS = (50_000, 20, 100)  # the collector's, for a command that runs once (see `run`)
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class DefaultToCheck(click.Group):
    """`followup-lint PATH...` means `followup-lint check PATH...`, as in ruff."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def run(args: Sequence[str] | None = None) -> None:
    """The console script. Two start-up costs that a one-shot command need not pay:

    - the cyclic garbage collector, which rescans the import-time heap (spaCy, the rule tables) every few
      hundred allocations while the pipeline is built; it runs far less often here;
    - tearing the interpreter down: freeing every module and object one by one takes ~0.1 s after the
      report is out. Output is flushed and the process ends with its exit code directly instead.
      Everything a command writes is written (atomically) before it returns; nothing waits for exit.
      Under coverage, which saves its data at exit, the process exits normally.
    """
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        main(args=args)
        code: object = EXIT_CLEAN
    except SystemExit as leaving:
        code = leaving.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe (`| head`): what was written is all that was wanted
        pass
    if "coverage" in sys.modules:
        sys.exit(code)
    os._exit(code or 0)


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
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest severity that makes the exit code 1 [default: warning, or the config's fail-on].")
@click.option("--meta", multiple=True, metavar="KEY=VALUE", help="Draft metadata (touch=3, met=2026-11-08, ...).")
@click.option("--stdin-filename", metavar="NAME", help="Name for standard input (output and config discovery).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file only.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--force-exclude", is_flag=True,
              help="Apply exclude globs to files named directly and to --stdin-filename too (for hooks).")
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of YAML rule files (repeatable).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Refuse files larger than this.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the safe fixes as a unified diff; change nothing.")
@click.option("--fix", "apply_fix", is_flag=True,
              help="Apply the safe fixes (atomically; for - print the fixed text), then report what remains.")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--show-suppressed", is_flag=True, help="Also list findings hidden by followup-lint directives.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes; 0 = one per CPU [default: one per CPU for more than 50 files, else 1].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache (.followup-lint-cache/).")
@click.option("--me", metavar="ADDRESS", help="In a thread (.mbox), the sender whose messages are the touches.")
@click.option("--git-rev", metavar="REV",
              help="Read each file as git has it at REV (: for the staged version), in one git call (for hooks).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
@click.option("--no-color", is_flag=True, help="No colour (also NO_COLOR=1).")
def check(paths, output_format, select, ignore, fail_on, meta, stdin_filename, config_file, isolated, force_exclude,
          rules_dirs, max_bytes, show_diff, apply_fix, statistics, show_suppressed, jobs, no_cache, me, git_rev,
          quiet, no_color) -> None:
    """Lint drafts: files, folders (recursively), or - for standard input. Follow-up plans
    (*.sequence.yaml) and threads (.mbox) are linted as sequences (see also `followup-lint plan`)."""
    from .api import configured_rules, settings_for_path
    from .config import ConfigError
    from .discover import is_sequence_file, iter_paths
    from .findings import SEVERITY_RANK
    from .read import InputError, MissingFileError, NotADraftError
    from .reporters import get_reporter
    from .ruleset import RuleFileError
    from .sequences.model import SequenceError

    if not paths:
        fail("no files given (use - for standard input)")
    if config_file and not os.path.isfile(config_file):
        fail(f"{config_file}: no such config file")
    metadata = parse_meta(meta)
    blobs = read_git_blobs(paths, git_rev, max_bytes, apply_fix) if git_rev else None
    overrides = {"select": split_names(select), "ignore": split_names(ignore), "fail_on": fail_on,
                 "rules_dirs": rules_dirs}
    groups: dict = {}  # settings -> [(position, source)]
    sequences: list = []  # [(position, path, settings)]
    errors = 0
    position = 0
    stdin_ids: set[int] = set()
    try:
        for path, named in iter_paths(paths):
            config_path = (stdin_filename or None) if path == "-" else path
            settings = settings_for_path(config_path, config_file=config_file, isolated=isolated).with_cli(**overrides)
            if (not named or force_exclude) and settings.is_excluded(config_path or path):
                continue
            if path != "-" and is_sequence_file(path):
                sequences.append((position, path, settings))
                position += 1
                continue
            try:
                source = blob_source(blobs, path) if blobs is not None else read_input(path, stdin_filename, max_bytes)
            except InputError as error:
                if not named and isinstance(error, (NotADraftError, MissingFileError)):  # bad-input handling
                    click.echo(f"followup-lint: warning: {error} (skipped)", err=True)
                    continue
                click.echo(f"followup-lint: error: {error}", err=True)
                errors += 1
                continue
            if path == "-":
                stdin_ids.add(id(source))
            groups.setdefault(settings, []).append((position, source))
            position += 1
        cache = open_cache() if not no_cache else None
        linted = lint_groups(groups, metadata=metadata, jobs=jobs, cache=cache,
                             show_diff=show_diff, apply_fix=apply_fix, stdin_ids=stdin_ids)
        from_plans: set[str] = set()
        for position_, path, settings in sequences:  # after --fix, so their positions match the fixed files
            try:
                read = git_reader(blobs, git_rev, max_bytes) if blobs is not None else None
                reports = lint_sequence_file(path, settings, me, max_bytes, read, cache)
                linted = merge_sequence_reports(linted, position_, reports, settings, from_plans)
            except SequenceError as error:
                click.echo(f"followup-lint: error: {error}", err=True)
                errors += 1
    except (ConfigError, RuleFileError, InputError) as error:
        fail(str(error))
    linted.sort(key=lambda item: item[0])
    if show_diff:
        sys.exit(EXIT_FINDINGS if any(report.notes and "fixable" in report.notes[-1] for _, report, _ in linted)
                 else EXIT_CLEAN)
    reports = [report for _, report, _ in linted]
    shown_settings = next(iter(groups), None) or settings_for_path(None, config_file=config_file,
                                                                    isolated=isolated).with_cli(**overrides)
    rules, enabled = configured_rules(shown_settings)
    options = ReportOptions(color=use_color(no_color), quiet=quiet, version=__version__,
                            rules=[r for r in rules if r.id in enabled], statistics=statistics,
                            show_suppressed=show_suppressed, fail_on=shown_settings.fail_on)
    fixed_stdin = apply_fix and bool(stdin_ids)  # stdout carries the fixed text; the report goes to stderr
    click.echo(get_reporter(output_format)(reports, options), nl=False, color=options.color, err=fixed_stdin)
    if errors:
        sys.exit(EXIT_ERROR)
    failing = any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK.get(settings.fail_on, 99)
                  for _, report, settings in linted for f in report.findings)
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def open_cache():
    from .cache import ReportCache, default_cache_dir

    return ReportCache(default_cache_dir())


def lint_groups(groups: dict, *, metadata: dict, jobs: int | None, cache, show_diff: bool,
                apply_fix: bool, stdin_ids: set[int]) -> list:
    """Lint each group of sources sharing settings, through the cache (None: uncached) and a pool of
    workers: [(position, report, settings)]."""
    from .api import configured_rules
    from .cache import config_fingerprint, lint_through_cache
    from .parallel import LintPool, available_cpus, default_jobs

    total = sum(len(members) for members in groups.values())
    workers = default_jobs(total) if jobs is None else (jobs or available_cpus())
    linted = []
    with LintPool(workers) as pool:
        for settings, members in groups.items():
            configured_rules(settings)  # validates select/ignore names before any file is linted
            sources = [source for _, source in members]

            def lint(batch, settings=settings):
                return pool.lint_sources(batch, metadata=metadata, settings=settings)

            reports = lint_through_cache(sources, lint, cache=cache, is_template=settings.is_template_file,
                                         config_fingerprint=config_fingerprint(settings, metadata))
            if show_diff or apply_fix:
                reports = apply_fixes(sources, reports, show_diff=show_diff, write=apply_fix, stdin_ids=stdin_ids,
                                      relint=lint)
            linted += [(index, report, settings) for (index, _), report in zip(members, reports)]
    return linted


def lint_sequence_file(path: str, settings, me: str | None, max_bytes: int, read=None, cache=None) -> list:
    """A plan's or thread's reports, from the cache when none of its files changed."""
    from .cache import config_fingerprint, lint_sequence_through_cache
    from .sequences.load import load_sequence

    def lint(sequence) -> list:
        from .sequences.run import lint_sequence  # spaCy: only when the cache cannot answer

        return lint_sequence(sequence, settings).reports

    sequence = load_sequence(path, me=me, max_bytes=max_bytes, read=read)
    return lint_sequence_through_cache(sequence, lint, cache=cache, config_fingerprint=config_fingerprint(settings))


def merge_sequence_reports(linted: list, position: int, reports: list, settings, from_plans: set[str]) -> list:
    """A plan's reports join the run at the plan's place. A template the run also linted as a draft keeps
    one report: the plan's, which knows the step's touch number, channel and lead source (the draft's
    notes stay); a template in several plans gets the findings of each, each naming its step."""
    from .findings import score

    by_file = {os.path.realpath(report.path): index for index, (_, report, _) in enumerate(linted)
               if not report.error}
    merged = list(linted)
    for report in reports:
        key = os.path.realpath(report.path)
        if key not in by_file:
            by_file[key] = len(merged)
            merged.append((position, report, settings))
        else:
            at, existing, its_settings = merged[by_file[key]]
            if key in from_plans:
                seen = {(f.rule, f.start, f.end) for f in existing.findings}
                report.findings = sorted([*existing.findings, *(f for f in report.findings
                                                                if (f.rule, f.start, f.end) not in seen)],
                                         key=lambda f: (f.start, f.end, f.rule))
                report.metrics = {**existing.metrics, "score": score(report.findings)}
            else:
                report.metrics = {**existing.metrics, **report.metrics}
            report.path, report.notes = existing.path, existing.notes
            merged[by_file[key]] = (at, report, its_settings)
        from_plans.add(key)
    return merged


def apply_fixes(sources, reports, *, show_diff: bool, write: bool, relint, stdin_ids: set[int]):
    """--diff prints each file's safe fixes; --fix writes them atomically (standard input: prints the fixed
    text to stdout) and returns the reports of the fixed text. Fixes are applied until linting the result
    finds no more (fixes.fix_until_stable), so a second run changes nothing."""
    import dataclasses

    from .fixes import FixError, fix_until_stable, unified_diff, write_atomically

    def relint_changed(indexes, texts):
        return relint([dataclasses.replace(sources[index], text=text) for index, text in zip(indexes, texts)])

    fixed_texts, fixed_reports = fix_until_stable([source.text for source in sources], reports, relint_changed)
    for source, report, after in zip(sources, reports, fixed_texts):
        if show_diff:
            diff = unified_diff(source.display_path, source.text, after)
            if diff:
                click.echo(diff, nl=False)
                report.notes.append("fixable: see the diff")
        elif id(source) in stdin_ids:
            click.echo(after, nl=False)
        else:
            try:
                write_atomically(source, after)
            except FixError as error:
                fail(str(error))
    return reports if show_diff else fixed_reports


def read_git_blobs(paths: Sequence[str], rev: str, max_bytes: int, apply_fix: bool) -> dict:
    """--git-rev: every named draft and plan read from git at once (a plan's step files follow through
    ``git_reader``). Threads (.mbox) are read from the working tree."""
    from .discover import is_sequence_file
    from .git_blobs import GitError, read_blobs
    from .sequences.plan_file import is_plan_path

    if apply_fix:
        fail("--git-rev: --fix writes the working tree, not git; use --diff to see the fixes")
    if "-" in paths or any(os.path.isdir(path) for path in paths):
        fail("--git-rev: name files, not folders or standard input")
    try:
        return read_blobs([path for path in paths if not is_sequence_file(path) or is_plan_path(path)], rev,
                          max_bytes=max_bytes)
    except GitError as error:
        fail(str(error))


def git_reader(blobs: dict, rev: str, max_bytes: int):
    """path -> Source as git has it at ``rev``: a path read already, or one more git call (a plan's step
    files). A path git does not have raises InputError."""
    from .git_blobs import GitError, read_blobs
    from .read import InputError

    def read(path: str):
        if path not in blobs:
            try:
                blobs.update(read_blobs([path], rev, max_bytes=max_bytes))
            except GitError as error:
                raise InputError(str(error)) from None
        return blob_source(blobs, path)

    return read


def blob_source(blobs: dict, path: str):
    found = blobs[path]
    if isinstance(found, Exception):
        raise found
    return found


def read_input(path: str, stdin_filename: str | None, max_bytes: int):
    from .read import InputError, decode, read_path

    if path != "-":
        return read_path(path, max_bytes=max_bytes)
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{stdin_filename or '-'}: standard input is over the limit of {max_bytes:,} bytes (--max-bytes)")
    return decode(data, stdin_filename or "-")


def effective_rules(config_file, isolated, rules_dirs):
    """Rules as the configuration in effect here (cwd) shapes them: (rules, enabled ids)."""
    from .api import configured_rules, settings_for_path
    from .config import ConfigError
    from .ruleset import RuleFileError

    try:
        settings = settings_for_path(None, config_file=config_file, isolated=isolated).with_cli(rules_dirs=rules_dirs)
        return configured_rules(settings)
    except (ConfigError, RuleFileError) as error:
        fail(str(error))


config_options = [
    click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file only."),
    click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
    click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
                 help="Extra folder of YAML rule files."),
]


def with_config_options(function):
    for option in reversed(config_options):
        function = option(function)
    return function


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@with_config_options
def list_rules(output_format, config_file, isolated, rules_dirs) -> None:
    """List the rules (id, severity, title) as the configuration in effect sets them."""
    import json

    rules, enabled = effective_rules(config_file, isolated, rules_dirs)
    if output_format == "json":
        click.echo(json.dumps([{**rule_summary(rule), "enabled": rule.id in enabled} for rule in rules], indent=2))
        return
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        state = "" if rule.id in enabled else "  (disabled)"
        click.echo(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.title}{state}")


def rule_summary(rule) -> dict[str, object]:
    return {
        "id": rule.id, "title": rule.title, "severity": rule.severity, "category": rule.category,
        "scope": rule.scope, "params": rule.params, "remedies": list(rule.remedies), "reads": list(rule.reads),
        "source": rule.source, "fixable": bool(rule.fix),
    }


@main.command()
@click.argument("rule_id")
@with_config_options
def explain(rule_id, config_file, isolated, rules_dirs) -> None:
    """Why a rule exists: its rationale, the article passage, thresholds (as configured) and examples."""
    rules, _ = effective_rules(config_file, isolated, rules_dirs)
    rule = {rule.id: rule for rule in rules}.get(rule_id)
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
