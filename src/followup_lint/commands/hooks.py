"""`followup-lint install-hook`: a plain git hook for repositories that do not use the pre-commit framework.

The pre-commit hook lints what the commit will contain: the staged version of each staged draft, all of
them read by one `followup-lint check --git-rev : PATH...`, so a fix left unstaged in the working tree does
not let a bad draft through. The pre-push hook lints the drafts changed by the commits
being pushed, as they are in the pushed commit. A hook that followup-lint did not write is never replaced
without --force (and then it is kept as `<hook>.backup`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import click

from ..atomic import replace_file

MARKER = "# followup-lint-hook"

HEADER = """\
#!/usr/bin/env bash
{marker} ({kind}): written by `followup-lint install-hook`. Run that again to update this file;
# delete it to remove the hook. Skip it once with `git {verb} --no-verify`.
set -u
shopt -s nocasematch

installed_python={python}
if [ -x "$installed_python" ] && "$installed_python" -c 'import followup_lint' 2>/dev/null; then
    lint=("$installed_python" -m followup_lint)
elif command -v followup-lint >/dev/null 2>&1; then
    lint=(followup-lint)
else
    echo "followup-lint: not installed for $installed_python nor on PATH; install it, or use --no-verify" >&2
    exit 1
fi

is_draft() {{
    case "$1" in
        {patterns}) return 0 ;;
    esac
    return 1
}}

status=0
lint_at() {{  # $1: the revision to read the drafts from (`:` is the staged version); the rest: their paths
    local rev=$1
    shift
    [ "$#" -gt 0 ] || return 0
    "${{lint[@]}}" check --git-rev "$rev" --quiet -- "$@"
    local code=$?
    if [ "$code" -gt "$status" ]; then status=$code; fi
}}
"""

PRE_COMMIT_BODY = """
drafts=()
while IFS= read -r -d '' path; do
    if is_draft "$path"; then drafts+=("$path"); fi
done < <(git diff --cached --name-only --diff-filter=ACMR -z)
lint_at : "${drafts[@]+"${drafts[@]}"}"

if [ "$status" -ne 0 ]; then
    echo "followup-lint: the staged drafts above need work (fix, then git add them), or commit with --no-verify" >&2
fi
exit "$status"
"""

PRE_PUSH_BODY = """
zero=$(git hash-object --stdin </dev/null | tr '0-9a-f' '0')
refs=()
while read -r local_ref local_oid remote_ref remote_oid; do
    refs+=("$local_oid $remote_oid")
done

for pair in "${refs[@]+"${refs[@]}"}"; do
    local_oid=${pair% *}
    remote_oid=${pair#* }
    if [ "$local_oid" = "$zero" ]; then continue; fi  # deleting a remote branch
    if [ "$remote_oid" != "$zero" ] && git cat-file -e "$remote_oid^{commit}" 2>/dev/null; then
        changed=(git diff --name-only --diff-filter=ACMR -z "$remote_oid" "$local_oid")
    else  # a new branch: the commits no remote has yet
        changed=(git log --format= --name-only --diff-filter=ACMR -z "$local_oid" --not --remotes)
    fi
    drafts=()
    while IFS= read -r -d '' path; do
        if [ -n "$path" ] && is_draft "$path" && git cat-file -e "$local_oid:$path" 2>/dev/null; then
            drafts+=("$path")
        fi
    done < <("${changed[@]}" | tr '\\n' '\\0' | sort -zu)
    lint_at "$local_oid" "${drafts[@]+"${drafts[@]}"}"
done

if [ "$status" -ne 0 ]; then
    echo "followup-lint: drafts in the pushed commits need work, or push with --no-verify" >&2
fi
exit "$status"
"""


def hook_script(kind: str, python: str) -> str:
    from ..discover import LINTABLE_SUFFIXES

    patterns = "|".join(f"*{shlex.quote(suffix)}" for suffix in LINTABLE_SUFFIXES)
    verb = "push" if kind == "pre-push" else "commit"
    header = HEADER.format(marker=MARKER, kind=kind, verb=verb, python=shlex.quote(python), patterns=patterns)
    return header + (PRE_PUSH_BODY if kind == "pre-push" else PRE_COMMIT_BODY)


def hooks_dir() -> Path:
    """The repository's hooks folder, honouring core.hooksPath and worktrees."""
    from ..cli import fail

    try:
        found = subprocess.run(["git", "rev-parse", "--git-path", "hooks"], capture_output=True, text=True,
                               check=False)
    except FileNotFoundError:
        fail("git is not installed (or not on PATH)")
    if found.returncode != 0:
        fail("not inside a git repository (run this in the repository of your drafts or templates)")
    return Path(found.stdout.strip()).resolve()


def write_executable(path: Path, text: str) -> None:
    """Never a half-written hook (``atomic.replace_file``)."""
    replace_file(path, text.encode("utf-8"), mode=0o755, prefix=f".{path.name}.", suffix="")


def free_backup_name(hook: Path) -> Path:
    candidate = hook.with_name(hook.name + ".backup")
    number = 1
    while candidate.exists():
        candidate = hook.with_name(f"{hook.name}.backup{number}")
        number += 1
    return candidate


@click.command("install-hook")
@click.option("--pre-push", is_flag=True, help="Lint the drafts in the commits being pushed (a pre-push hook) "
                                               "instead of the staged drafts on each commit.")
@click.option("--force", is_flag=True, help="Replace a hook that followup-lint did not write (kept as <hook>.backup).")
def install_hook(pre_push: bool, force: bool) -> None:
    """Install a git hook that lints the staged version of every staged draft (no pre-commit framework needed).

    \b
      followup-lint install-hook              lint staged drafts before each commit
      followup-lint install-hook --pre-push   lint the pushed commits' drafts before each push
    """
    from ..cli import fail

    kind = "pre-push" if pre_push else "pre-commit"
    folder = hooks_dir()
    hook = folder / kind
    note = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if hook.exists() and MARKER not in hook.read_text(encoding="utf-8", errors="replace"):
            if not force:
                fail(f"{hook}: a {kind} hook that followup-lint did not write is already there "
                     "(use --force to replace it; it will be kept as a backup)")
            backup = free_backup_name(hook)
            os.replace(hook, backup)
            note = f" (the previous hook is kept as {backup.name})"
        write_executable(hook, hook_script(kind, sys.executable))
    except OSError as error:
        fail(f"{hook}: cannot write the hook ({error.strerror or error})")
    click.echo(f"installed {hook}{note}")


COMMANDS = [install_hook]
