"""Sequences and threads: the plan schema, business days, the example plans, the mbox fixture, the CLI."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import mailbox
import shutil
import textwrap
from pathlib import Path

import pytest
from helpers import run_cli

from followup_lint.sequences.days import gap_range
from followup_lint.sequences.model import SequenceError
from followup_lint.sequences.run import lint_sequence_path, lint_sequence_text, plan_result

SEQUENCE_RULES = {"too-fast", "gives-up-early", "no-breakup", "breakup-too-early", "repeats-itself",
                  "value-starved", "single-channel"}
THREAD = "tests/threads/demo-thread.mbox"


@pytest.fixture(autouse=True)
def in_repository(root, monkeypatch):
    monkeypatch.chdir(root)


def located(reports) -> set[tuple[str, int, str]]:
    return {(report.path, finding.line, finding.rule) for report in reports for finding in report.findings}


def plan_text(body: str) -> str:
    return textwrap.dedent(body).lstrip()


# --- business days -------------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "second", "unit", "expected"), [
    (1, 3, "business", (2, 2)),
    (3, 3, "business", (0, 0)),
    (0, 0, "calendar", (0, 0)),
    (4, 5, "calendar", (0, 1)),  # Friday -> Saturday is 0, Monday -> Tuesday is 1
    (0, 5, "calendar", (3, 5)),  # from a Thursday, Friday -> Wednesday: 3; from a Sunday: 5
    (0, 7, "calendar", (5, 5)),  # a whole week always holds five business days
    (0, 2, "calendar", (0, 2)),  # Friday -> Sunday holds none
])
def test_gap_range(first, second, unit, expected):
    assert gap_range(first, second, unit) == expected


def test_too_late_in_calendar_days_fires_only_when_every_weekday_is_late():
    def late(day: int) -> bool:
        text = plan_text(f"""
            name: x
            trigger: demo
            days: calendar
            steps:
              - {{day: {day}, channel: email, body: "Hi Ana, here is the recording of the demo."}}
        """)
        return any(f.rule == "too-late" for r in lint_sequence_text(text, select=["too-late"]) for f in r.findings)

    assert [day for day in range(8) if late(day)] == [5, 6, 7]  # day 4 can be Fri..Mon: 2 business days


# --- the schema ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "error"), [
    ("name: x\nsteps: []\n", "plan.sequence.yaml:1: trigger: missing"),
    ("name: x\ntrigger: lunch\nsteps: [{day: 1, channel: email, body: hi}]\n",
     "plan.sequence.yaml:2: trigger: 'lunch' is not one of meeting, call, demo, proposal, event, web-form, download, referral, cold"),
    ("name: x\ntrigger: demo\nsteps: []\n", "plan.sequence.yaml:3: steps: must be a non-empty list of steps"),
    ("name: x\ntrigger: demo\ncolour: red\nsteps: [{day: 1, channel: email, body: hi}]\n",
     "plan.sequence.yaml:3: colour: unknown field (allowed: name, description, trigger, lead_source, stage, days, steps)"),
    ("name: x\ntrigger: demo\ndays: weeks\nsteps: [{day: 1, channel: email, body: hi}]\n",
     "plan.sequence.yaml:3: days: 'weeks' is not one of business, calendar"),
    ("name: x\ntrigger: demo\nsteps:\n  - day: 1\n    channel: fax\n    body: hi\n",
     "plan.sequence.yaml:5: step 1: channel: 'fax' is not one of email, call, voicemail, linkedin, mail, sms"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 1, channel: email, body: hi}\n  - {day: -2, channel: call, body: hi}\n",
     "plan.sequence.yaml:5: step 2: day: '-2' must be a whole number of days from the trigger (0 or more)"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 1.5, channel: email, body: hi}\n",
     "plan.sequence.yaml:4: step 1: day: '1.5' must be a whole number of days from the trigger (0 or more)"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 4, channel: email, body: hi}\n  - {day: 2, channel: call, body: hi}\n",
     "plan.sequence.yaml:5: step 2: day: 2 comes before the previous step's day 4 (list steps in order)"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 1, channel: email}\n",
     "plan.sequence.yaml:4: step 1: template: give either a template (a file) or an inline body, not neither"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 1, channel: email, body: hi, template: a.txt}\n",
     "plan.sequence.yaml:4: step 1: template: give either a template (a file) or an inline body, not both"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 1, channel: email, subject: hi, body: hi}\n",
     "plan.sequence.yaml:4: step 1: subject: unknown field (allowed: day, minutes, channel, template, body)"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 2, minutes: 30, channel: email, body: hi}\n",
     "plan.sequence.yaml:4: step 1: minutes: only for a touch on day 0 (minutes after the trigger)"),
    ("name: x\ntrigger: demo\nsteps:\n  - {day: 1, channel: email, template: missing/recap.txt}\n",
     "plan.sequence.yaml:4: step 1: template: missing/recap.txt: no such file"),
    ("name: x\ntrigger: demo\nsteps:\n  - day: 1\n    channel: email\n    body: ''\n",
     "plan.sequence.yaml:6: step 1: body: must be the text of the touch"),
    ("name: [x\n", "plan.sequence.yaml:2: (file): not valid YAML"),
    ("- just\n- a list\n", "plan.sequence.yaml:1: (file): must be a mapping with name, trigger and steps"),
])
def test_schema_errors_name_file_line_step_and_field(text, error):
    with pytest.raises(SequenceError) as raised:
        lint_sequence_text(text, path="plan.sequence.yaml")
    assert str(raised.value).startswith(error)


def test_yaml_words_like_on_and_no_stay_words():
    text = "name: on\ntrigger: demo\nstage: no\nsteps: [{day: 1, channel: email, body: hi}]\n"
    report = lint_sequence_text(text, select=["single-channel"])[0]
    assert report.metrics["sequence"] == "on"


# --- the example plans -----------------------------------------------------------------------------

def test_the_good_plan_passes_every_rule():
    reports = lint_sequence_path("examples/sequences/post-demo.sequence.yaml")
    assert [r.path for r in reports][:2] == ["examples/sequences/post-demo.sequence.yaml",
                                             "examples/sequences/post-demo/01-recap.j2"]
    assert located(reports) == set()
    timeline = reports[0].metrics["timeline"]
    assert [(s["day"], s["channel"], s["score"]) for s in timeline] == [
        (1, "email", 100), (3, "voicemail", 100), (6, "email", 100), (9, "linkedin", 100), (13, "mail", 100),
        (17, "call", 100), (22, "email", 100), (30, "email", 100)]


RUSHED = "examples/sequences/rushed.sequence.yaml"
RUSHED_1 = "examples/sequences/rushed/01-checking-in.j2"
RUSHED_3 = "examples/sequences/rushed/03-checking-in-again.j2"


def test_the_rushed_plan_fires_each_timing_persistence_and_value_rule():
    reports = lint_sequence_path(RUSHED)
    assert located(reports) == {
        (RUSHED, 5, "value-starved"), (RUSHED, 6, "too-late"), (RUSHED, 10, "too-fast"),
        (RUSHED, 11, "no-next-step"), (RUSHED, 11, "no-permission"), (RUSHED, 11, "too-short"),
        (RUSHED, 12, "gives-up-early"), (RUSHED, 14, "no-breakup"), (RUSHED, 14, "repeats-itself"),
        (RUSHED_1, 1, "subject-line"), (RUSHED_1, 5, "filler"), (RUSHED_1, 5, "no-value"),
        (RUSHED_1, 5, "lazy-question"), (RUSHED_1, 5, "no-next-step"),
        (RUSHED_3, 1, "subject-line"), (RUSHED_3, 5, "filler"), (RUSHED_3, 5, "no-value"),
        (RUSHED_3, 5, "lazy-question"), (RUSHED_3, 5, "no-next-step"),
    }


def test_sequence_findings_say_why():
    findings = {f.rule: f for f in lint_sequence_path(RUSHED)[0].findings}
    assert "the first touch comes 3 business days after the meeting" in findings["too-late"].message
    assert "step 2 (day 3, linkedin) comes the same day as step 1 (day 3, email), on another channel" in findings["too-fast"].message
    assert "step 3 (day 4, email) is 97% the same words as step 1 (day 3, email)" in findings["repeats-itself"].message
    assert "2 of 2 email touches (step 1, step 3)" in findings["value-starved"].message
    assert "after 3 touches" in findings["gives-up-early"].message
    assert findings["too-late"].remedies == ("late-recovery", "value-add")  # too-late's own rule file


WEB_FORM = "examples/sequences/web-form-blitz.sequence.yaml"


def test_the_web_form_plan_fires_the_lead_and_break_up_rules():
    reports = lint_sequence_path(WEB_FORM)
    assert [r.path for r in reports] == [WEB_FORM]
    assert located(reports) == {
        (WEB_FORM, 5, "single-channel"), (WEB_FORM, 9, "weak-lead-hard-sell"), (WEB_FORM, 9, "no-permission"),
        (WEB_FORM, 14, "no-permission"), (WEB_FORM, 18, "breakup-too-early"), (WEB_FORM, 19, "no-next-step"),
        (WEB_FORM, 19, "no-permission"), (WEB_FORM, 19, "too-short"), (WEB_FORM, 19, "no-value"),
        (WEB_FORM, 23, "no-permission"), (WEB_FORM, 23, "reading-grade"), (WEB_FORM, 28, "no-permission"),
        (WEB_FORM, 32, "no-breakup"), (WEB_FORM, 33, "no-permission"),
    }
    single_channel = next(f for f in reports[0].findings if f.rule == "single-channel")
    assert single_channel.severity == "info"


def test_break_up_in_a_sequence_is_reported_once():
    reports = lint_sequence_path(WEB_FORM)
    assert "premature-breakup" not in {f.rule for r in reports for f in r.findings}
    kept = lint_sequence_path(WEB_FORM, ignore=["breakup-too-early"])
    assert (WEB_FORM, 19, "premature-breakup") in located(kept)


def test_step_findings_point_at_the_template_and_name_the_plan_line():
    reports = lint_sequence_path(RUSHED)
    template = next(r for r in reports if r.path == RUSHED_1)
    no_value = next(f for f in template.findings if f.rule == "no-value")
    assert (no_value.line, no_value.column) == (5, 1)
    assert template.source_text[no_value.start:no_value.end] == "Just checking in"
    assert no_value.message.endswith(f"[step 1 (day 3, email) at {RUSHED}:6]")
    assert no_value.edits == () or all(edit.end <= len(template.source_text) for edit in no_value.edits)


def test_inline_body_findings_point_into_the_plan_file():
    reports = lint_sequence_path(WEB_FORM)
    hard_sell = next(f for f in reports[0].findings if f.rule == "weak-lead-hard-sell")
    assert reports[0].source_text[hard_sell.start:hard_sell.end] in reports[0].source_text.splitlines()[8]
    assert hard_sell.message.endswith(f"[step 1 (day 0, email) at {WEB_FORM}:6]")


def test_a_template_used_twice_is_reported_once_naming_both_steps(tmp_path):
    shutil.copy("examples/sequences/rushed/01-checking-in.j2", tmp_path / "nudge.j2")
    plan = tmp_path / "twice.sequence.yaml"
    plan.write_text("name: twice\ntrigger: proposal\nsteps:\n"
                    "  - {day: 1, channel: email, template: nudge.j2}\n"
                    "  - {day: 4, channel: email, template: nudge.j2}\n", encoding="utf-8")
    reports = lint_sequence_path(str(plan), select=["no-value"])
    template = next(r for r in reports if r.path.endswith("nudge.j2"))
    assert len(template.findings) == 1
    assert template.findings[0].message.endswith(f"[step 1 (day 1, email) at {plan}:4; step 2 (day 4, email) at {plan}:5]")


def test_plan_directives_suppress_sequence_findings():
    text = plan_text("""
        name: x
        trigger: proposal
        steps:
          - {day: 1, channel: email, body: "Hi Tom, the proposal is attached with the three options."}
          # followup-lint: disable-next-line=too-fast
          - {day: 1, channel: call, body: "Hi Tom, I'll call again Friday at 9 about option B."}
    """)
    report = lint_sequence_text(text, select=["too-fast"])[0]
    assert report.findings == []
    assert [f.rule for f in report.suppressed] == ["too-fast"]


def test_config_params_reach_the_sequence_rules(tmp_path):
    shutil.copytree("examples/sequences", tmp_path / "sequences")
    (tmp_path / ".followup-lint.toml").write_text("[rules.gives-up-early]\nmin_touches = 3\n", encoding="utf-8")
    path = str(tmp_path / "sequences" / "rushed.sequence.yaml")
    assert "gives-up-early" not in {f.rule for f in lint_sequence_path(path)[0].findings}
    assert "gives-up-early" in {f.rule for f in lint_sequence_path(path, isolated=True)[0].findings}


def test_a_missing_break_up_set_is_a_clear_error(tmp_path, rules):
    rule_file = Path(next(rule for rule in rules if rule.id == "premature-breakup").file.replace("rules/", "", 1))
    text = (Path("rules") / rule_file).read_text(encoding="utf-8")
    start = text.index("patterns:")
    end = text.index("detect:")
    replaced = text[:start] + "patterns:\n  last_word:\n    phrases: [farewell forever]\n" + text[end:]
    replaced = replaced.replace("match: breakup", "match: last_word")
    (tmp_path / "premature-breakup.yaml").write_text(replaced, encoding="utf-8")
    with pytest.raises(SequenceError, match="need the pattern set premature-breakup.breakup"):
        lint_sequence_path(RUSHED, rules_dirs=[str(tmp_path)])


# --- threads ---------------------------------------------------------------------------------------

def test_the_mbox_thread_is_linted():
    reports = lint_sequence_path(THREAD)
    assert [r.path for r in reports] == [THREAD]
    assert located(reports) == {
        (THREAD, 1, "value-starved"), (THREAD, 27, "too-fast"),
        (THREAD, 36, "filler"), (THREAD, 36, "no-value"), (THREAD, 36, "no-permission"),
        (THREAD, 36, "lazy-question"), (THREAD, 36, "no-next-step"),
        # message 5 is quoted-printable: its findings point at its first body line
        (THREAD, 89, "filler"), (THREAD, 89, "lazy-question"), (THREAD, 89, "no-next-step"),
        (THREAD, 89, "no-permission"), (THREAD, 89, "no-value"), (THREAD, 89, "reading-grade"),
        (THREAD, 97, "gives-up-early"), (THREAD, 108, "no-breakup"), (THREAD, 108, "repeats-itself"),
        (THREAD, 110, "filler"), (THREAD, 110, "no-value"), (THREAD, 110, "no-permission"),
        (THREAD, 110, "lazy-question"), (THREAD, 110, "no-next-step"),
    }
    metrics = reports[0].metrics
    assert (metrics["me"], metrics["replies"], metrics["touches"]) == ("lena@routewise.example", 1, 5)
    assert [entry["touch"] for entry in metrics["timeline"]] == [1, 2, 1, 2, 3]  # the reply resets the count


def test_a_verbatim_body_maps_to_its_exact_place_in_the_mailbox():
    report = lint_sequence_path(THREAD)[0]
    no_value = next(f for f in report.findings if f.rule == "no-value" and f.line == 36)
    assert report.source_text[no_value.start:no_value.end] == "Just checking in"
    assert no_value.message.endswith("[message 2 (touch 2, 2026-03-02 15:30)]")


def test_me_picks_whose_messages_are_the_touches():
    result = plan_result(THREAD, me="Marty@Halden.example")
    assert [step.message_number for step in result.sequence.steps] == [3]
    assert not result.sequence.final_run()  # Lena wrote last: Marty's message is not waiting for an answer
    with pytest.raises(SequenceError, match=r"--me: no message from nobody@example.com \(senders: "):
        plan_result(THREAD, me="nobody@example.com")


def _write_eml(folder: Path, name: str, sender: str, when: dt.datetime, body: str, **headers: str) -> None:
    lines = [f"From: {sender}", "To: someone@example.com", f"Subject: {headers.pop('subject', 'Route planning')}",
             f"Date: {email.utils.format_datetime(when)}", f"Message-ID: <{name}@example.com>"]
    lines += [f"{key.replace('_', '-')}: {value}" for key, value in headers.items()]
    (folder / f"{name}.eml").write_text("\n".join(lines) + "\n\n" + body + "\n", encoding="utf-8")


def test_a_folder_of_eml_files_is_a_thread(tmp_path):
    box = mailbox.mbox(THREAD, create=False)
    for index, message in enumerate(box, start=1):
        (tmp_path / f"{index:02d}.eml").write_bytes(message.as_bytes())
    box.close()
    reports = lint_sequence_path(str(tmp_path))
    by_file = {Path(r.path).name: {f.rule for f in r.findings} for r in reports}
    assert sorted(by_file) == ["01.eml", "02.eml", "04.eml", "05.eml", "06.eml"]  # 03.eml is the prospect's
    assert by_file["01.eml"] == {"value-starved"}
    assert {"too-fast", "no-value"} <= by_file["02.eml"]
    assert {"gives-up-early", "no-breakup", "repeats-itself"} <= by_file["06.eml"]


def test_a_message_in_a_thread_that_carries_a_file_brings_something(tmp_path):
    from email.message import EmailMessage

    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
    _write_eml(tmp_path, "a", "lena@routewise.example", start, "Hi Marty, here is the route report you asked for.")
    nudge = EmailMessage()
    nudge["From"], nudge["To"], nudge["Subject"] = "lena@routewise.example", "marty@halden.example", "Routes"
    nudge["Date"], nudge["Message-ID"] = email.utils.format_datetime(start + dt.timedelta(days=5)), "<b@example.com>"
    nudge.set_content("Hi Marty,\n\nJust checking in on the route report. Any thoughts?\n\nLena\n")
    (tmp_path / "b.eml").write_bytes(nudge.as_bytes())
    assert "no-value" in {f.rule for r in lint_sequence_path(str(tmp_path)) for f in r.findings}

    nudge.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="detours.pdf")
    (tmp_path / "b.eml").write_bytes(nudge.as_bytes())
    assert "no-value" not in {f.rule for r in lint_sequence_path(str(tmp_path)) for f in r.findings}


def test_a_touch_right_after_the_prospect_acts_is_too_fast_unless_it_answers(tmp_path):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
    _write_eml(tmp_path, "a", "lena@routewise.example", start, "Hi Marty, here is the route report you asked for.")
    _write_eml(tmp_path, "b", "marty@halden.example", start + dt.timedelta(days=1),
               "Forwarding this to our director.", In_Reply_To="<a@example.com>")
    _write_eml(tmp_path, "c", "lena@routewise.example", start + dt.timedelta(days=1, minutes=10),
               "Hi Marty, could you give me some feedback on my product?")
    _write_eml(tmp_path, "d", "lena@routewise.example", start + dt.timedelta(days=4),
               "Hi Marty, here is a map of the three detours our customers use most.")
    reports = lint_sequence_path(str(tmp_path), me="lena@routewise.example", select=["too-fast"])
    fired = [(Path(r.path).name, f.message) for r in reports for f in r.findings]
    assert len(fired) == 1 and fired[0][0] == "c.eml"
    assert "10 minutes after their message 2, without answering it" in fired[0][1]
    (tmp_path / "c.eml").write_text((tmp_path / "c.eml").read_text().replace(
        "Message-ID: <c@example.com>", "Message-ID: <c@example.com>\nIn-Reply-To: <b@example.com>"))
    assert not [f for r in lint_sequence_path(str(tmp_path), select=["too-fast"]) for f in r.findings]


@pytest.mark.parametrize(("setup", "error"), [
    (lambda folder: None, "no .eml files in this folder"),
    (lambda folder: (folder / "a.eml").write_text("From: a@example.com\nSubject: x\n\nhi\n"), "message 1: Date: missing or not a date"),
    (lambda folder: (folder / "a.eml").write_text("Date: Mon, 02 Mar 2026 10:00:00 +0000\n\nhi\n"), "message 1: From: missing"),
])
def test_thread_errors_are_one_line(tmp_path, setup, error):
    setup(tmp_path)
    with pytest.raises(SequenceError, match=error):
        lint_sequence_path(str(tmp_path))


# --- the CLI ---------------------------------------------------------------------------------------

def test_plan_prints_the_timeline():
    result = run_cli("plan", RUSHED)
    out = result.stdout.decode()
    assert result.returncode == 1
    lines = out.splitlines()
    assert lines[0] == "After the Chamber breakfast (examples/sequences/rushed.sequence.yaml: trigger meeting, business days)"
    table = lines[2:6]
    assert table[0].split() == ["day", "channel", "step", "text", "score", "findings"]
    assert table[1].split()[:5] == ["3", "email", "1", "rushed/01-checking-in.j2", "47"]
    assert table[2].split()[:7] == ["3", "linkedin", "2", "inline", "body", "(line", "9)"]
    assert "too-fast" in table[2] and "repeats-itself" in table[3]
    assert "whole sequence: value-starved" in out
    assert f"{RUSHED}:10:5: warning too-fast Too fast:" in out
    assert lines[-1] == "3 touches over 4 business days on 2 channels: 19 findings (15 warnings, 4 infos)."


def test_plan_of_the_good_example_exits_clean():
    result = run_cli("plan", "examples/sequences/post-demo.sequence.yaml")
    assert result.returncode == 0, result.stdout.decode()
    assert result.stdout.decode().splitlines()[-1] == "8 touches over 30 business days on 5 channels: no findings."


def test_plan_speaks_every_report_format():
    as_json = json.loads(run_cli("plan", RUSHED, "--format", "json").stdout)
    paths = [entry["path"] for entry in as_json["files"]]
    assert paths == [RUSHED, RUSHED_1, RUSHED_3]
    sarif = json.loads(run_cli("plan", THREAD, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"too-fast", "gives-up-early", "value-starved"}
    rule_ids = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rule_ids >= SEQUENCE_RULES
    github = run_cli("plan", RUSHED, "--format", "github").stdout.decode()
    assert f"file={RUSHED},line=10" in github
    junit = run_cli("plan", RUSHED, "--format", "junit").stdout.decode()
    assert junit.startswith("<?xml") and "too-fast" in junit


def test_plan_writes_html_to_a_file(tmp_path):
    target = tmp_path / "timeline.html"
    result = run_cli("plan", THREAD, "--format", "html", "-o", str(target))
    assert result.returncode == 1 and result.stdout == b""
    page = target.read_text(encoding="utf-8")
    assert page.count('<circle class="touch') == 5
    assert "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize(("args", "message"), [
    (("plan", "nowhere.sequence.yaml"), "followup-lint: error: nowhere.sequence.yaml: no such file\n"),
    (("plan", "README.md"), "followup-lint: error: README.md: not a sequence (expected a *.sequence.yaml plan, "
                            "an .mbox file or a folder of .eml files)\n"),
    (("plan", THREAD, "--me", "x@y.z"), "followup-lint: error: tests/threads/demo-thread.mbox: --me: "
                                        "no message from x@y.z (senders: lena@routewise.example, marty@halden.example)\n"),
    (("plan", RUSHED, "--select", "no-such-rule"), "no-such-rule"),
])
def test_plan_errors_are_one_line_with_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_a_broken_plan_is_a_one_line_error(tmp_path):
    plan = tmp_path / "broken.sequence.yaml"
    plan.write_text("name: x\ntrigger: demo\nsteps:\n  - {day: 1, channel: fax, body: hi}\n", encoding="utf-8")
    result = run_cli("plan", str(plan))
    assert result.returncode == 2
    assert result.stderr.decode() == (f"followup-lint: error: {plan}:4: step 1: channel: 'fax' is not one of "
                                      "email, call, voicemail, linkedin, mail, sms\n")


# --- plans and threads through `check` ---------------------------------------------------------------

def findings_by_file(stdout: bytes) -> dict[str, set[tuple[int, str]]]:
    return {entry["path"]: {(f["line"], f["rule"]) for f in entry["findings"]} for entry in json.loads(stdout)["files"]}


@pytest.mark.parametrize("path", [RUSHED, THREAD])
def test_check_lints_a_plan_or_thread_as_plan_does(path):
    checked = run_cli(path, "--format", "json", "--no-cache")
    planned = run_cli("plan", path, "--format", "json")
    assert checked.returncode == planned.returncode == 1
    assert findings_by_file(checked.stdout) == findings_by_file(planned.stdout)


def test_check_over_a_folder_reports_each_template_once_as_its_plan_sees_it(tmp_path):
    shutil.copytree("examples/sequences", tmp_path / "sequences")
    result = run_cli(str(tmp_path / "sequences"), "--format", "json", "--no-cache")
    files = json.loads(result.stdout)["files"]
    paths = [entry["path"] for entry in files]
    assert len(paths) == len(set(paths)) == 3 + 7 + 2  # three plans, their templates, once each
    by_name = {Path(entry["path"]).name: entry for entry in files}
    plan_rules = {f["rule"] for f in by_name["rushed.sequence.yaml"]["findings"]}
    assert plan_rules >= {"too-late", "too-fast", "gives-up-early", "no-breakup", "repeats-itself", "value-starved"}
    assert not by_name["post-demo.sequence.yaml"]["findings"]
    # Alone, the dead-horse template is a break-up of unknown touch; in its plan it is touch 8, as it should be.
    alone = run_cli(str(tmp_path / "sequences" / "post-demo" / "08-dead-horse.j2"), "--format", "json", "--no-cache")
    assert [f["rule"] for f in json.loads(alone.stdout)["files"][0]["findings"]] == ["premature-breakup"]
    assert by_name["08-dead-horse.j2"]["findings"] == []
    step_notes = [f["message"] for f in by_name["01-checking-in.j2"]["findings"]]
    assert step_notes and all("[step 1 (day 3, email) at " in message for message in step_notes)


def test_check_reports_a_broken_plan_and_goes_on(tmp_path):
    (tmp_path / "broken.sequence.yaml").write_text("name: x\ntrigger: demo\nsteps: []\n", encoding="utf-8")
    (tmp_path / "draft.txt").write_text("Hi Sam,\n\nJust checking in. Any update?\n", encoding="utf-8")
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache")
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"followup-lint: error: {tmp_path / 'broken.sequence.yaml'}")
    assert [Path(entry["path"]).name for entry in json.loads(result.stdout)["files"]] == ["draft.txt"]
