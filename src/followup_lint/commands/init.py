"""`followup-lint init`: write a commented starter configuration."""

from __future__ import annotations

from pathlib import Path

import click

STARTER = """\
# followup-lint configuration. Every key is optional; see `followup-lint rules` for rule ids and
# `followup-lint explain RULE` for each rule's parameters.

# Only these rules or categories (default: all). ALL means every rule.
# select = ["ALL"]
# Add rules or categories to the selection.
# extend-select = []
# Skip these rules or categories.
ignore = []

# Lowest severity that makes the exit code 1: info, warning (default), error or never.
fail-on = "warning"

# Folders of your team's own YAML rules, and of your own Jinja templates (relative to this file).
# rules-dirs = ["lint-rules"]
# templates-dirs = ["email-templates"]

# Globs of paths to skip when walking folders.
# extend-exclude = ["archive/*"]

# Globs of files that are templates whatever their suffix: their placeholders are expected.
# template-files = ["sequences/*"]

# Severity per rule.
# [severity]
# filler = "warning"

# Thresholds per rule (the names are the rule file's params).
# [rules.me-me-me]
# ratio = 2.0
# [rules.too-long]
# info_above = 150
"""


@click.command()
@click.option("--pyproject", is_flag=True, help="Append a [tool.followup-lint] table to pyproject.toml instead.")
@click.option("--force", is_flag=True, help="Overwrite an existing .followup-lint.toml.")
def init(pyproject: bool, force: bool) -> None:
    """Write a commented starter config (.followup-lint.toml) in the current folder."""
    from ..cli import fail

    if pyproject:
        target = Path("pyproject.toml")
        existing = target.read_text(encoding="utf-8") if target.exists() else ""
        if "[tool.followup-lint" in existing:
            fail(f"{target}: already has a [tool.followup-lint] table")
        table = "\n".join(_as_tool_table(line) for line in STARTER.splitlines())
        target.write_text(existing + ("\n" if existing and not existing.endswith("\n") else "")
                          + "\n[tool.followup-lint]\n" + table + "\n", encoding="utf-8")
    else:
        target = Path(".followup-lint.toml")
        if target.exists() and not force:
            fail(f"{target}: already exists (use --force to overwrite)")
        target.write_text(STARTER, encoding="utf-8")
    click.echo(f"wrote {target}")


def _as_tool_table(line: str) -> str:
    for table in ("[severity]", "[rules."):
        if line.lstrip("# ").startswith(table):
            return line.replace("[", "[tool.followup-lint.", 1)
    return line


COMMANDS = [init]
