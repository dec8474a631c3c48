"""Configuration discovery, validation and effect, through the real CLI."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli

SPIEL = """Subject: Great to meet you

Hi Marty,

It was great to meet you at the Chamber event tonight. Let me tell you, I am so excited about our new
release! Our new platform has a redesigned dashboard and twelve new integrations. We are the leading
provider of fleet software in the area.

Let me know your thoughts!

Best,
Lena
"""


def rules_fired(result) -> set[str]:
    return {f["rule"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "spiel.txt").write_text(SPIEL)
    return tmp_path


def test_nearest_config_wins_and_sets_params_severity_ignore(project):
    (project / "pyproject.toml").write_text('[tool.followup-lint]\nignore = ["hype"]\n')
    (project / "drafts" / ".followup-lint.toml").write_text(
        'ignore = ["filler"]\n[severity]\nspieler = "error"\n[rules.me-me-me]\nratio = 50.0\n')
    result = run_cli("drafts/spiel.txt", "--format", "json", cwd=project)
    fired = rules_fired(result)
    assert "filler" not in fired and "me-me-me" not in fired
    assert "hype" in fired  # the nearer file wins; the pyproject table does not merge in
    spieler = [f for f in json.loads(result.stdout)["files"][0]["findings"] if f["rule"] == "spieler"]
    assert spieler[0]["severity"] == "error"


def test_isolated_and_config_flag(project):
    (project / ".followup-lint.toml").write_text('ignore = ["spieler"]\n')
    assert "spieler" not in rules_fired(run_cli("drafts/spiel.txt", "--format", "json", cwd=project))
    assert "spieler" in rules_fired(run_cli("drafts/spiel.txt", "--format", "json", "--isolated", cwd=project))
    other = project / "other.toml"
    other.write_text('select = ["spieler"]\n')
    assert rules_fired(run_cli("drafts/spiel.txt", "--format", "json", "--config", str(other), cwd=project)) == {"spieler"}


def test_stdin_uses_the_stdin_filename_directory_for_config(project):
    (project / "drafts" / ".followup-lint.toml").write_text('select = ["no-next-step"]\n')
    result = run_cli("-", "--stdin-filename", str(project / "drafts" / "x.txt"), "--format", "json", input=SPIEL)
    assert rules_fired(result) == {"no-next-step"}


def test_cli_flags_override_config(project):
    (project / ".followup-lint.toml").write_text('select = ["spieler"]\nfail-on = "error"\n')
    assert run_cli("drafts/spiel.txt", cwd=project).returncode == 0
    assert run_cli("drafts/spiel.txt", "--fail-on", "warning", cwd=project).returncode == 1
    assert rules_fired(run_cli("drafts/spiel.txt", "--select", "hype", "--format", "json", cwd=project)) == {"hype"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colour = true\n", "colour: unknown key"),
        ('select = "spieler"\n', "select: must be a list of strings"),
        ('select = ["nope"]\n', "select: unknown rule or category 'nope'"),
        ('[severity]\nspieler = "fatal"\n', "severity.spieler: 'fatal' is not one of info, warning, error"),
        ("[rules.me-me-me]\nratoi = 2\n", "rules.me-me-me.ratoi: unknown parameter (allowed: min_count, ratio)"),
        ('[rules.me-me-me]\nratio = "high"\n', "rules.me-me-me.ratio: must be a number"),
        ('fail-on = "sometimes"\n', "fail-on: 'sometimes' is not one of"),
        ('template-files = "templates/*"\n', "template-files: must be a list of strings"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(project, content, message):
    config = project / ".followup-lint.toml"
    config.write_text(content)
    result = run_cli("drafts/spiel.txt", cwd=project)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert str(config) in err and message in err
    assert len(err.strip().splitlines()) == 1


def test_team_rules_dir_from_config(project):
    (project / "team-rules").mkdir()
    (project / "team-rules" / "no-asap.yaml").write_text(
        "id: no-asap\ntitle: ASAP\nseverity: warning\ncategory: team\nmessage: 'Avoid \"{match}\".'\n"
        "rationale: Our style guide.\ndetect: {kind: existence, match: asap}\npatterns:\n  asap:\n    phrases: [asap]\n"
        "examples:\n  bad: [Reply asap., Call asap., Send it asap., Asap please.]\n"
        "  good: [Reply today., Call soon., Send it Monday., Please reply.]\n")
    (project / ".followup-lint.toml").write_text('rules-dirs = ["team-rules"]\nselect = ["no-asap"]\n')
    (project / "drafts" / "a.txt").write_text("Hi Jo, please send the form asap.\n")
    assert rules_fired(run_cli("drafts/a.txt", "--format", "json", cwd=project)) == {"no-asap"}
    assert "no-asap" in run_cli("rules", cwd=project).stdout.decode()


def test_exclude_applies_to_walked_files(project):
    (project / "drafts" / "archive").mkdir()
    (project / "drafts" / "archive" / "old.txt").write_text(SPIEL)
    (project / ".followup-lint.toml").write_text('extend-exclude = ["archive"]\n')
    paths = [f["path"] for f in json.loads(run_cli("drafts", "--format", "json", cwd=project).stdout)["files"]]
    assert paths == ["drafts/spiel.txt"]


def test_rules_and_explain_reflect_config(project):
    (project / ".followup-lint.toml").write_text('ignore = ["hype"]\n[rules.too-long]\ninfo_above = 150\n')
    listed = {r["id"]: r for r in json.loads(run_cli("rules", "--format", "json", cwd=project).stdout)}
    assert listed["hype"]["enabled"] is False and listed["too-long"]["params"]["info_above"] == 150
    assert "info_above = 150" in run_cli("explain", "too-long", cwd=project).stdout.decode()


def test_init_writes_a_config_that_loads(tmp_path):
    assert run_cli("init", cwd=tmp_path).returncode == 0
    assert (tmp_path / ".followup-lint.toml").exists()
    assert run_cli("init", cwd=tmp_path).returncode == 2
    (tmp_path / "d.txt").write_text(SPIEL)
    assert run_cli("d.txt", cwd=tmp_path).returncode == 1
    pyproject_dir = tmp_path / "p"
    pyproject_dir.mkdir()
    (pyproject_dir / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert run_cli("init", "--pyproject", cwd=pyproject_dir).returncode == 0
    (pyproject_dir / "d.txt").write_text(SPIEL)
    assert run_cli("d.txt", cwd=pyproject_dir).returncode == 1


def test_force_exclude_applies_to_named_files_and_stdin_filename(project):
    (project / ".followup-lint.toml").write_text('extend-exclude = ["drafts/*"]\n')
    assert json.loads(run_cli("drafts/spiel.txt", "--format", "json", cwd=project).stdout)["files"]
    assert json.loads(run_cli("drafts/spiel.txt", "--force-exclude", "--format", "json", cwd=project).stdout)["files"] == []
    skipped = run_cli("-", "--stdin-filename", "drafts/x.txt", "--force-exclude", "--format", "json", cwd=project, input=SPIEL)
    assert json.loads(skipped.stdout)["files"] == [] and skipped.returncode == 0


def test_an_edited_config_is_read_again_in_the_same_process(project):
    from followup_lint.api import settings_for_path

    config = project / ".followup-lint.toml"
    config.write_text('ignore = ["hype"]\n')
    assert settings_for_path(str(project / "drafts" / "spiel.txt")).ignore == ("hype",)
    config.write_text('ignore = ["filler"]\n')
    import os

    os.utime(config, ns=(config.stat().st_atime_ns, config.stat().st_mtime_ns + 1_000_000))
    assert settings_for_path(str(project / "drafts" / "spiel.txt")).ignore == ("filler",)


TEMPLATE = "Hi {{first_name}},\n\nThe Q3 report for {{company}} is attached. Does Tuesday at 10 work to go through it?\n"


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_template_files_are_linted_as_templates_and_the_rest_as_drafts(project, cache):
    """The same text in a folder that `template-files` names and in one it does not: only the draft has
    unfilled placeholders, in either order and from the cache (whose key knows which file is which)."""
    (project / ".followup-lint.toml").write_text('template-files = ["sequences/*"]\n')
    for folder in ("sequences/intro", "drafts"):
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / "step.txt").write_text(TEMPLATE)
    for order in (["sequences", "drafts"], ["drafts", "sequences"], ["sequences", "drafts"]):
        result = run_cli("check", *order, "--format", "json", *cache, cwd=project)
        unfilled = {file["path"] for file in json.loads(result.stdout)["files"]
                    for f in file["findings"] if f["rule"] == "unfilled-placeholder"}
        assert unfilled == {"drafts/step.txt"}, result.stdout
