"""The rewriting templates: every built-in renders, reads well and passes the linter; user templates are sandboxed."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from helpers import run_cli

from followup_lint.api import lint_text
from followup_lint.findings import SEVERITY_RANK
from followup_lint.template_library import (
    Slot, TemplateError, load_template_file, load_templates, parse_template, render, slots_in,
)

REQUIRED_IDS = {"value-add", "smart-question", "dead-horse", "permission-primer", "meeting-recap", "just-one-more",
                "late-recovery", "handwritten-note", "voicemail"}
BUILTIN = load_templates()
IDS = [template.id for template in BUILTIN]


def user_template(body: str, *, id: str = "mine", variables: str = "[]") -> str:
    return textwrap.dedent(f"""\
        ---
        id: {id}
        title: A user template
        when: For tests.
        remedies: []
        variables: {variables}
        ---
        """) + body


def lint_rendered(template):
    text = render(template, template.example_values())
    return text, lint_text(text, f"{template.id}.txt", metadata={"channel": template.channel})


def test_every_template_the_issue_asks_for_is_built_in():
    assert REQUIRED_IDS <= set(IDS)


def test_every_remedy_a_rule_names_is_a_template(rules):
    missing = {(rule.id, remedy) for rule in rules for remedy in rule.remedies if remedy not in IDS}
    assert not missing


def test_every_rule_a_template_cures_exists(rules):
    known = {rule.id for rule in rules}
    assert not {(t.id, rule) for t in BUILTIN for rule in t.remedies if rule not in known}


def test_when_cites_an_article_the_rules_cite(rules):
    articles = {rule.source.get("article") for rule in rules if rule.source}
    for template in BUILTIN:
        cited = set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", template.when))
        assert cited and cited <= articles, template.id
        assert '"' in template.when, f"{template.id}: quote the passage"


@pytest.mark.parametrize("template", BUILTIN, ids=IDS)
def test_template_renders_with_its_examples_and_passes_the_linter(template):
    text, report = lint_rendered(template)
    assert "[[" not in text and "{{" not in text
    warning = SEVERITY_RANK["warning"]
    warnings = [f"{f.rule}: {f.message}" for f in report.findings if SEVERITY_RANK[f.severity] >= warning]
    assert warnings == []


@pytest.mark.parametrize("template", BUILTIN, ids=IDS)
def test_template_is_short_and_about_them(template):
    _, report = lint_rendered(template)
    metrics = report.metrics
    assert metrics["words"] < 125
    assert metrics["second_person"] > metrics["first_person"]


@pytest.mark.parametrize("template", BUILTIN, ids=IDS)
def test_template_has_one_clear_next_step(template):
    _, report = lint_rendered(template)
    assert "no-next-step" not in {f.rule for f in report.findings}
    assert report.metrics["questions"] <= 1


@pytest.mark.parametrize("template", BUILTIN, ids=IDS)
def test_every_variable_is_used_and_every_required_one_has_an_example(template):
    for variable in template.variables:
        assert re.search(r"\{\{-?\s*" + variable.name + r"\b", template.body) or \
            re.search(r"\{%-?\s*(?:if|elif)\s+" + variable.name + r"\b", template.body), variable.name
        if variable.required:
            assert variable.example


def test_missing_required_variable_becomes_a_visible_slot():
    template = next(t for t in BUILTIN if t.id == "meeting-recap")
    text = render(template, {"first_name": "Marty"}, slots=True)
    assert "Hi Marty," in text
    assert "[[event: where you met or spoke" in text
    assert slots_in(text)[:2] == ["topic", "event"]  # in reading order: the subject comes first
    assert isinstance(Slot("x", "y"), str) and Slot("x", "y") == "[[x: y]]"


def test_missing_required_variable_is_an_error_naming_it_and_the_template():
    template = next(t for t in BUILTIN if t.id == "value-add")
    with pytest.raises(TemplateError, match=r"template 'value-add': missing required variable 'first_name'"):
        render(template, {})
    with pytest.raises(TemplateError, match="'first_name'"):
        render(template, {**template.example_values(), "first_name": "  "})


def test_optional_parts_follow_the_variables():
    template = next(t for t in BUILTIN if t.id == "value-add")
    values = template.example_values()
    assert "When we spoke at the Chamber event," in render(template, values)
    assert "When we spoke on Tuesday," in render(template, {**values, "event": ""})
    assert "When we last spoke," in render(template, {**values, "event": "", "last_contact": ""})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hi there\n", "no front matter"),
        ("---\nid: x\n---\nHi\n", "title: required"),
        ("---\nid: Bad_Id\ntitle: t\nwhen: w\n---\nHi\n", "must be lowercase words"),
        ("---\nid: x\ntitle: t\nwhen: w\ncolour: red\n---\nHi\n", "unknown key 'colour'"),
        ("---\nid: x\ntitle: t\nwhen: w\n---\nHi {{ name }}\n", "'name', which is not declared"),
        ("---\nid: x\ntitle: t\nwhen: w\nvariables: [{name: a, description: d}]\n---\n{{ a }}\n",
         "give `required: true` or a `default`"),
        ("---\nid: x\ntitle: t\nwhen: w\nvariables: [{name: a, description: d, required: true}]\n---\n{{ a }}\n",
         "example: required"),
        ("---\nid: x\ntitle: t\nwhen: w\n---\nHi {% if %}\n", "x.j2:6: template syntax error"),
        ("---\nid: x\ntitle: t: u\nwhen: w\n---\nHi\n", "front matter is not valid YAML"),
        ("---\nid: x\ntitle: t\nwhen: w\nchannel: fax\n---\nHi\n", "channel: 'fax'"),
    ],
)
def test_a_malformed_template_is_one_clear_error(text, problem):
    with pytest.raises(TemplateError) as error:
        parse_template(text, "x.j2")
    assert problem in str(error.value)
    assert "\n" not in str(error.value)


def test_user_folder_adds_templates_and_replaces_a_builtin_by_id(tmp_path):
    (tmp_path / "value-add.j2").write_text(user_template("Mine, {{ who }}.\n", id="value-add",
                                                         variables="[{name: who, description: d, default: you}]"))
    (tmp_path / "extra.jinja").write_text(user_template("Extra.\n", id="extra"))
    (tmp_path / "notes.txt").write_text("not a template")
    templates = {t.id: t for t in load_templates([tmp_path])}
    assert render(templates["value-add"]) == "Mine, you.\n"
    assert "extra" in templates and REQUIRED_IDS <= set(templates)


def test_two_templates_with_one_id_in_a_folder_is_an_error(tmp_path):
    (tmp_path / "a.j2").write_text(user_template("A\n", id="same"))
    (tmp_path / "b.j2").write_text(user_template("B\n", id="same"))
    with pytest.raises(TemplateError, match="already used"):
        load_templates([tmp_path])


def test_the_sandbox_refuses_python_internals(tmp_path):
    path = tmp_path / "evil.j2"
    path.write_text(user_template("{{ ''.__class__ }}\n", id="evil"))
    with pytest.raises(TemplateError, match="refused by the sandbox"):
        render(load_template_file(path))
    path.write_text(user_template("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", id="evil"))
    with pytest.raises(TemplateError, match="refused by the sandbox"):
        render(load_template_file(path))


def test_the_sandbox_refuses_memory_bombs(tmp_path):
    path = tmp_path / "bomb.j2"
    for body in ("{{ 'a' * 1000000000 }}\n", "{{ 10 ** 100000 }}\n", "{{ [1] * 10000000 }}\n"):
        path.write_text(user_template(body, id="bomb"))
        with pytest.raises(TemplateError, match="refused by the sandbox"):
            render(load_template_file(path))
    path.write_text(user_template("{{ '-' * 20 }}\n", id="fine"))
    assert render(load_template_file(path)).strip() == "-" * 20


# ---- the commands --------------------------------------------------------------------------------------

def one_line_error(result) -> str:
    err = result.stderr.decode()
    assert result.returncode == 2, (result.stdout, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_cli_sandbox_refusal_is_one_line_exit_2(tmp_path):
    (tmp_path / "evil.j2").write_text(user_template("Hi {{ ''.__class__ }}\n", id="evil"))
    err = one_line_error(run_cli("render", "evil", "--templates", str(tmp_path)))
    assert "evil.j2" in err and "sandbox" in err and "__class__" in err


def test_cli_missing_required_variable_is_one_line_exit_2():
    err = one_line_error(run_cli("render", "value-add", "--set", "first_name=Marty"))
    assert "'value-add'" in err and "'topic'" in err and "--set topic=" in err


def test_cli_render_with_set_vars_and_example(tmp_path):
    variables = tmp_path / "vars.yaml"
    variables.write_text("first_name: Dana\nsender: Omar\n")
    result = run_cli("render", "handwritten-note", "--example", "--vars", str(variables), "--set", "sender=Priya")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert text.startswith("Dear Dana,") and text.rstrip().endswith("Priya")


def test_cli_render_slots_and_json():
    result = run_cli("render", "smart-question", "--slots", "--set", "first_name=Dana", "--format", "json")
    data = json.loads(result.stdout)
    assert data["template"] == "smart-question"
    assert "Hi Dana," in data["text"]
    assert set(data["slots"]) == set(slots_in(data["text"])) and "smart_question" in data["slots"]


def test_cli_bad_vars_file_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "vars.yaml"
    bad.write_text("- just\n- a list\n")
    assert "mapping" in one_line_error(run_cli("render", "value-add", "--vars", str(bad)))
    assert "no such file" in one_line_error(run_cli("render", "value-add", "--vars", str(tmp_path / "none.yaml")))
    assert "NAME=VALUE" in one_line_error(run_cli("render", "value-add", "--set", "first_name"))


def test_cli_lists_and_shows_templates(tmp_path):
    listing = run_cli("templates").stdout.decode()
    assert {line.split()[0] for line in listing.splitlines()} == set(IDS)
    shown = run_cli("templates", "dead-horse").stdout.decode()
    assert "004_8303e05419335e0f.txt" in shown and "check_back" in shown
    data = json.loads(run_cli("templates", "--format", "json").stdout)
    assert {entry["id"] for entry in data} == set(IDS)
    assert all({"when", "remedies", "variables", "channel"} <= set(entry) for entry in data)
    assert "unknown template" in one_line_error(run_cli("templates", "no-such-template"))
    assert "not a folder" in one_line_error(run_cli("templates", "--templates", str(tmp_path / "missing")))


def test_config_templates_dirs_are_loaded_and_isolated_ignores_them(tmp_path):
    folder = tmp_path / "email-templates"
    folder.mkdir()
    (folder / "site-visit.j2").write_text(user_template("Thanks for the tour.\n", id="site-visit"))
    (tmp_path / ".followup-lint.toml").write_text('templates-dirs = ["email-templates"]\n')
    listed = run_cli("templates", cwd=tmp_path).stdout.decode()
    assert "site-visit" in listed.split()
    assert run_cli("render", "site-visit", cwd=tmp_path).stdout.decode() == "Thanks for the tour.\n"
    isolated = run_cli("render", "site-visit", "--isolated", cwd=tmp_path)
    assert "unknown template 'site-visit'" in one_line_error(isolated)
