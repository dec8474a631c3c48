"""Git hooks for template repositories, run for real: the pre-commit framework with this repository's
.pre-commit-hooks.yaml, and the plain hooks `followup-lint install-hook` writes, with real `git commit`
and `git push` in temporary repositories."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BAD_DRAFT = "Hi Kevin,\n\nJust checking in to see if you had a chance to look at the proposal. Any update?\n\nMaria\n"
BAD_TEMPLATE = ("Hi {{ first_name }},\n\nJust checking in to see if you had a chance to look at the proposal. "
                "Any update?\n\n{{ sender_name }}\n")
COPY_IGNORE = shutil.ignore_patterns(".git", ".hypothesis", ".pytest_cache", "__pycache__", "*.pyc", "tests", "bench",
                                     ".venv", "venv", ".tox", "node_modules", "build", "dist", "*.egg-info",
                                     ".followup-lint-cache")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture(scope="module")
def git_env(tmp_path_factory) -> dict[str, str]:
    """The environment for git in tests: no user or system config, no variables from an enclosing git hook."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"), GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1")
    return env


def git(*args: str, cwd: Path, env: dict[str, str], check: bool = True, input: str | None = None):
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, input=input, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def make_repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git("init", "-q", cwd=path, env=env)
    git("config", "user.name", "Test Writer", cwd=path, env=env)
    git("config", "user.email", "writer@example.com", cwd=path, env=env)
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- .pre-commit-hooks.yaml -----------------------------------------------------------------------------


def hook_definition(root: Path) -> dict:
    [hook] = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


def test_pre_commit_hook_selects_exactly_the_draft_and_sequence_files(root):
    from followup_lint.discover import LINTABLE_SUFFIXES, is_lintable_file

    hook = hook_definition(root)
    assert (hook["id"], hook["language"], hook["entry"]) == ("followup-lint", "python", "followup-lint")
    files = re.compile(hook["files"])
    names = [f"drafts/x{suffix}" for suffix in LINTABLE_SUFFIXES] + [
        "x.TXT", "Welcome.Blade.PHP", "Demo.Sequence.YAML", "README", "LICENSE", "setup.py", "index.php", "notes.rst",
        "x.txt.bak", "config.yaml", "sequence.yaml", "x.sequence.yaml.orig"]
    assert [name for name in names if files.search(name)] == [name for name in names if is_lintable_file(name)]


@pytest.fixture(scope="module")
def project_checkout(tmp_path_factory, root, git_env) -> Path:
    """This project's working tree, committed to a fresh repository (pre-commit installs hooks from a commit)."""
    checkout = tmp_path_factory.mktemp("checkout") / "followup-lint"
    shutil.copytree(root, checkout, symlinks=True, ignore=COPY_IGNORE)
    make_repo(checkout, git_env)
    git("add", "-A", cwd=checkout, env=git_env)
    git("commit", "-q", "-m", "snapshot", cwd=checkout, env=git_env)
    return checkout


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory, git_env) -> dict[str, str]:
    return {**git_env, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def try_repo(checkout: Path, repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(checkout), "followup-lint",
                           "--files", *files], cwd=repo, env=env, capture_output=True, text=True, timeout=1200)


@pytest.mark.slow
def test_pre_commit_framework_fails_a_bad_template_and_passes_a_good_one(tmp_path, root, project_checkout,
                                                                         pre_commit_env):
    repo = make_repo(tmp_path / "templates-repo", pre_commit_env)
    write(repo / "templates" / "nudge.md.j2", BAD_TEMPLATE)
    write(repo / "templates" / "recap.txt", (root / "examples" / "good-follow-up.txt").read_text(encoding="utf-8"))
    write(repo / "README", "Our follow-up templates. Just checking in? Never.\n")
    git("add", "-A", cwd=repo, env=pre_commit_env)

    bad = try_repo(project_checkout, repo, pre_commit_env, "templates/nudge.md.j2", "README")
    output = bad.stdout + bad.stderr
    assert bad.returncode == 1, output
    assert re.search(r"followup-lint\.+Failed", output), output
    assert "templates/nudge.md.j2:3:1: warning no-value" in output
    assert "README" not in output.split("Failed", 1)[1], "README is not a draft and must not be linted"

    good = try_repo(project_checkout, repo, pre_commit_env, "templates/recap.txt")
    output = good.stdout + good.stderr
    assert good.returncode == 0, output
    assert re.search(r"followup-lint\.+Passed", output), output


# ---- followup-lint install-hook -------------------------------------------------------------------------


def install(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "followup_lint", "install-hook", *args], cwd=repo, env=env,
                          capture_output=True, timeout=120)


def test_install_hook_writes_an_executable_hook(tmp_path, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    result = install(repo, git_env)
    assert result.returncode == 0, result.stderr.decode()
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert hook.stat().st_mode & stat.S_IXUSR
    assert "check --git-rev" in hook.read_text(encoding="utf-8")
    assert str(hook) in result.stdout.decode()
    again = install(repo, git_env)  # its own hook is updated without --force
    assert again.returncode == 0, again.stderr.decode()


def test_staged_bad_draft_blocks_the_commit_even_when_the_working_tree_is_fixed(tmp_path, root, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    assert install(repo, git_env).returncode == 0
    good = (root / "examples" / "good-follow-up.txt").read_text(encoding="utf-8")
    draft = write(repo / "drafts" / "kevin.txt", BAD_DRAFT)
    git("add", "drafts/kevin.txt", cwd=repo, env=git_env)
    draft.write_text(good, encoding="utf-8")  # fixed in the working tree, but the bad version is staged

    blocked = git("commit", "-m", "nudge Kevin", cwd=repo, env=git_env, check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "drafts/kevin.txt:3:1: warning no-value" in output
    assert git("rev-list", "--all", cwd=repo, env=git_env).stdout == ""
    assert draft.read_text(encoding="utf-8") == good, "the hook must not touch the working tree"

    git("add", "drafts/kevin.txt", cwd=repo, env=git_env)  # now the fixed version is staged
    committed = git("commit", "-m", "recap for Kevin", cwd=repo, env=git_env, check=False)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert git("show", "HEAD:drafts/kevin.txt", cwd=repo, env=git_env).stdout == good


def test_hook_lints_only_staged_drafts(tmp_path, root, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    assert install(repo, git_env).returncode == 0
    write(repo / "notes.py", "# Just checking in. Any update?\n")  # not a draft
    write(repo / "unstaged.md", BAD_DRAFT)  # a draft, but not staged
    write(repo / "My Templates" / "Recap.TXT", (root / "examples" / "good-follow-up.txt").read_text(encoding="utf-8"))
    git("add", "notes.py", "My Templates/Recap.TXT", cwd=repo, env=git_env)
    result = git("commit", "-m", "add", cwd=repo, env=git_env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unstaged.md" not in result.stdout + result.stderr


def test_install_hook_refuses_to_replace_a_foreign_hook_without_force(tmp_path, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    hook = repo / ".git" / "hooks" / "pre-commit"
    foreign = "#!/bin/sh\necho 'the team hook'\n"
    write(hook, foreign)
    refused = install(repo, git_env)
    assert refused.returncode == 2
    stderr = refused.stderr.decode()
    assert stderr.count("\n") == 1 and "--force" in stderr and "Traceback" not in stderr
    assert hook.read_text(encoding="utf-8") == foreign

    forced = install(repo, git_env, "--force")
    assert forced.returncode == 0, forced.stderr.decode()
    assert "followup-lint" in hook.read_text(encoding="utf-8")
    assert (hook.parent / "pre-commit.backup").read_text(encoding="utf-8") == foreign


def test_install_hook_outside_a_repository_is_a_one_line_error(tmp_path, git_env):
    result = install(tmp_path, git_env)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("followup-lint: error: not inside a git repository")


def test_install_hook_honours_core_hooks_path(tmp_path, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    git("config", "core.hooksPath", "githooks", cwd=repo, env=git_env)
    assert install(repo, git_env).returncode == 0
    assert (repo / "githooks" / "pre-commit").is_file()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_pre_push_hook_blocks_a_push_of_a_bad_draft(tmp_path, root, git_env):
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path, env=git_env)
    repo = make_repo(tmp_path / "repo", git_env)
    git("remote", "add", "origin", str(remote), cwd=repo, env=git_env)
    assert install(repo, git_env, "--pre-push").returncode == 0
    assert (repo / ".git" / "hooks" / "pre-push").is_file()

    write(repo / "recap.txt", (root / "examples" / "good-follow-up.txt").read_text(encoding="utf-8"))
    git("add", "-A", cwd=repo, env=git_env)
    git("commit", "-q", "-m", "recap", cwd=repo, env=git_env)
    first = git("push", "origin", "HEAD:refs/heads/main", cwd=repo, env=git_env, check=False)
    assert first.returncode == 0, first.stdout + first.stderr

    write(repo / "nudge.md", BAD_DRAFT)
    git("add", "-A", cwd=repo, env=git_env)
    git("commit", "-q", "-m", "nudge", cwd=repo, env=git_env)
    (repo / "nudge.md").unlink()  # the pushed commit is what counts, not the working tree
    second = git("push", "origin", "HEAD:refs/heads/main", cwd=repo, env=git_env, check=False)
    output = second.stdout + second.stderr
    assert second.returncode != 0, output
    assert "nudge.md:3:1: warning no-value" in output
    assert "recap.txt" not in output, "only the drafts in the commits being pushed are linted"


def test_documented_local_hook_matches_the_shipped_hook(root):
    docs = (root / "docs" / "integrations.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", docs, re.S) if "repo: local" in block]
    [[local]] = [[hook for repo in block["repos"] for hook in repo["hooks"]] for block in blocks]
    shipped = hook_definition(root)
    for key in ("id", "entry", "language", "types", "files"):
        assert local[key] == shipped[key], key


# ---- --git-rev: what the hooks run ----------------------------------------------------------------------


def lint_at(repo: Path, env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "followup_lint", "check", "--no-cache", "--format", "json", *args],
                          cwd=cwd or repo, env=env, capture_output=True, text=True, timeout=120)


def rules_by_path(result: subprocess.CompletedProcess) -> dict[str, list[str]]:
    return {entry["path"]: sorted({f["rule"] for f in entry["findings"]}) for entry in json.loads(result.stdout)["files"]}


def test_git_rev_reads_the_staged_or_committed_version_not_the_working_tree(tmp_path, root, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    good = (root / "examples" / "good-follow-up.txt").read_text(encoding="utf-8")
    write(repo / "drafts" / "kevin.txt", good)
    git("add", "-A", cwd=repo, env=git_env)
    git("commit", "-qm", "good", cwd=repo, env=git_env)
    write(repo / "drafts" / "kevin.txt", BAD_DRAFT)
    git("add", "-A", cwd=repo, env=git_env)
    write(repo / "drafts" / "kevin.txt", good)  # the working tree is good again; the index holds the bad one

    staged = lint_at(repo, git_env, "--git-rev", ":", "drafts/kevin.txt")
    assert staged.returncode == 1 and "no-value" in rules_by_path(staged)["drafts/kevin.txt"]
    committed = lint_at(repo, git_env, "--git-rev", "HEAD", "drafts/kevin.txt")
    assert committed.returncode == 0 and rules_by_path(committed) == {"drafts/kevin.txt": []}
    from_subfolder = lint_at(repo, git_env, "--git-rev", ":", "kevin.txt", cwd=repo / "drafts")
    assert rules_by_path(from_subfolder)["kevin.txt"] == rules_by_path(staged)["drafts/kevin.txt"]


PLAN = """name: After the demo
trigger: demo
steps:
  - day: 1
    channel: email
    template: steps/01-recap.txt
  - day: {second_day}
    channel: email
    template: steps/02-case-study.txt
"""
RECAP = "Hi Kevin,\n\nThanks for the demo on Tuesday. The pricing sheet you asked for is attached. Does Friday at 10am work?\n\nMaria\n"


def test_git_rev_reads_a_plan_and_its_steps_as_git_has_them(tmp_path, git_env):
    """What the commit holds is checked: the staged plan (a second touch the same day: too fast) and its
    staged step (a nudge), not the working tree, where both were fixed after staging."""
    repo = make_repo(tmp_path / "repo", git_env)
    write(repo / "plans" / "demo.sequence.yaml", PLAN.format(second_day=1))
    write(repo / "plans" / "steps" / "01-recap.txt", RECAP)
    write(repo / "plans" / "steps" / "02-case-study.txt", BAD_DRAFT)
    git("add", "-A", cwd=repo, env=git_env)
    write(repo / "plans" / "demo.sequence.yaml", PLAN.format(second_day=6))
    write(repo / "plans" / "steps" / "02-case-study.txt", RECAP.replace("pricing sheet", "case study"))

    staged = rules_by_path(lint_at(repo, git_env, "--git-rev", ":", "plans/demo.sequence.yaml"))
    working = rules_by_path(lint_at(repo, git_env, "plans/demo.sequence.yaml"))
    assert "too-fast" in staged["plans/demo.sequence.yaml"] and "no-value" in staged["plans/steps/02-case-study.txt"]
    assert "too-fast" not in working["plans/demo.sequence.yaml"]
    assert "no-value" not in working.get("plans/steps/02-case-study.txt", [])

    (repo / "plans" / "steps" / "01-recap.txt").unlink()
    git("rm", "-q", "--cached", "plans/steps/01-recap.txt", cwd=repo, env=git_env)
    missing = lint_at(repo, git_env, "--git-rev", ":", "plans/demo.sequence.yaml")
    assert missing.returncode == 2
    assert "steps/01-recap.txt: not in the staged version" in missing.stderr


@pytest.mark.parametrize(("args", "error"), [
    (("--git-rev", ":", "nowhere.txt"), "followup-lint: error: nowhere.txt: not in the staged version\n"),
    (("--git-rev", "no-such-rev", "a.txt"), "followup-lint: error: a.txt: not in no-such-rev\n"),
    (("--git-rev", ":", "."), "followup-lint: error: --git-rev: name files, not folders or standard input\n"),
    (("--git-rev", ":", "--fix", "a.txt"), "followup-lint: error: --git-rev: --fix writes the working tree, not git; "
                                           "use --diff to see the fixes\n"),
])
def test_git_rev_errors_are_one_line(tmp_path, git_env, args, error):
    repo = make_repo(tmp_path / "repo", git_env)
    write(repo / "a.txt", BAD_DRAFT)
    git("add", "a.txt", cwd=repo, env=git_env)
    result = lint_at(repo, git_env, *args)
    assert (result.returncode, result.stderr) == (2, error)


def test_git_rev_outside_a_repository(tmp_path, git_env):
    write(tmp_path / "a.txt", BAD_DRAFT)
    result = lint_at(tmp_path, git_env, "--git-rev", ":", "a.txt")
    assert result.returncode == 2
    assert result.stderr.startswith("followup-lint: error: --git-rev: not a git repository")


def test_hook_lints_all_staged_drafts_in_one_run(tmp_path, git_env):
    repo = make_repo(tmp_path / "repo", git_env)
    assert install(repo, git_env).returncode == 0
    write(repo / "drafts" / "kevin.txt", BAD_DRAFT)
    write(repo / "drafts" / "maria.md", BAD_DRAFT.replace("Kevin", "Maria"))
    git("add", "-A", cwd=repo, env=git_env)
    hook = (repo / ".git" / "hooks" / "pre-commit").read_text(encoding="utf-8")
    calls = repo / "calls.log"
    counting = hook.replace('"${lint[@]}" check', f'echo run >> {calls}; "${{lint[@]}}" check')
    assert counting != hook
    (repo / ".git" / "hooks" / "pre-commit").write_text(counting, encoding="utf-8")
    blocked = git("commit", "-m", "two nudges", cwd=repo, env=git_env, check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "drafts/kevin.txt:3:1: warning no-value" in output and "drafts/maria.md:3:1: warning no-value" in output
    assert calls.read_text() == "run\n"
