"""Suggestions: variables read from the draft, templates ranked by the findings they cure, the email rendered."""

from __future__ import annotations

import json
import textwrap

import pytest

from helpers import run_cli

from followup_lint.api import lint_text
from followup_lint.extract import extract_draft
from followup_lint.findings import SEVERITY_RANK, Finding
from followup_lint.read import Source
from followup_lint.suggest import infer_variables, rank_templates
from followup_lint.template_library import parse_template

SPIEL = "examples/spieler.txt"


def inferred(text: str, metadata=None) -> dict[str, object]:
    draft = extract_draft(Source("draft.txt", textwrap.dedent(text)), metadata)
    return {name: value.value for name, value in infer_variables(draft).items()}


def where(text: str, name: str) -> str:
    draft = extract_draft(Source("draft.txt", textwrap.dedent(text)))
    return infer_variables(draft)[name].where


# ---- inference -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("greeting", "expected"),
    [
        ("Hi Marty,", "Marty"),
        ("Hey Sam -", "Sam"),
        ("Dear Ms. Novak,", "Ms. Novak"),
        ("Good morning Priya!", "Priya"),
        ("Hello Marty Jones,", "Marty"),
        ("Hi {{first_name}},", "{{first_name}}"),
        ("Hi there,", None),
        ("Hello team,", None),
        ("Hi, this is Rob from Harbor Mutual.", None),
        ("Dear Mr. and Mrs. Lee,", None),
    ],
)
def test_first_name_comes_from_the_greeting(greeting, expected):
    found = inferred(f"{greeting}\n\nHere is the route report you asked for.\n")
    assert found.get("first_name") == expected


def test_sender_company_and_phone_come_from_the_signature():
    text = """\
        Hi Dana,

        Here is the checklist you asked for. Which site should we start with?

        Best regards,
        Priya Shah
        Head of Sales | Halden Logistics
        +44 161 555 0199
        """
    found = inferred(text)
    assert (found["sender"], found["sender_company"], found["sign_off"]) == ("Priya Shah", "Halden Logistics",
                                                                          "Best regards")
    assert found["phone"] == "161 555 0199" or "555 0199" in found["phone"]
    assert where(text, "sender") == "signature, line 6"


@pytest.mark.parametrize(
    ("signature", "sender", "company"),
    [
        ("Regards,\nAlicia Romero, CIC\nCommercial Lines | Bayview Insurance Partners\n", "Alicia Romero",
         "Bayview Insurance Partners"),
        ("Sincerely,\nRichard Ashworth\nSenior Vice President, Treasury Management\nHarbor Trust Bank\n",
         "Richard Ashworth", "Harbor Trust Bank"),
        ("Best regards,\nLily Zhang\nSales Manager\nNingbo Hengda Mould Co., Ltd.\nTel: +86 138 0000 0000\n",
         "Lily Zhang", "Ningbo Hengda Mould Co. Ltd."),
        ("Thanks so much,\nBrianna\nAmplify Collective\nbrianna@amplify.example\n", "Brianna", "Amplify Collective"),
        ("--\nEli Hoffman\nMerchant Services | Pinnacle Payments\n(555) 014-7720\n", "Eli Hoffman",
         "Pinnacle Payments"),
        ("Cheers,\n{{sender_name}}\nSales Director, The Grandview Hotel\n", "{{sender_name}}", "The Grandview Hotel"),
    ],
)
def test_signature_layouts(signature, sender, company):
    found = inferred("Hi Dana,\n\nThe quote is attached. Does Friday work?\n\n" + signature)
    assert (found.get("sender"), found.get("sender_company")) == (sender, company)


def test_sender_named_on_the_sign_off_line():
    found = inferred("Hey Sam,\n\nThe quote is attached. Does Friday work?\n\nCheers, Rob\n")
    assert (found["sign_off"], found["sender"]) == ("Cheers", "Rob")


@pytest.mark.parametrize(
    ("sentence", "event"),
    [
        ("It was great to meet you at the Chamber event tonight.", "the Chamber event"),
        ("Thanks for stopping by during the Leeds Logistics Expo.", "the Leeds Logistics Expo"),
        ("Good meeting you at SaaStr Annual last week.", "SaaStr Annual"),
        ("Thanks for your time after yesterday's networking breakfast.", "yesterday's networking breakfast"),
        ("Here is the report you asked for.", None),
    ],
)
def test_event_is_read_from_the_draft(sentence, event):
    assert inferred(f"Hi Jo,\n\n{sentence}\n").get("event") == event


def test_event_is_read_from_the_subject_when_the_body_has_none():
    found = inferred("Subject: Great to meet you at the Harbor Gala\n\nHi Jo,\n\nHere is the menu.\n")
    assert found["event"] == "the Harbor Gala"


@pytest.mark.parametrize(
    ("text", "metadata", "expected"),
    [
        ("Hi Jo,\n\nThanks for the call on Tuesday. Here are the notes.\n", None, "on Tuesday"),
        ("Hi Jo,\n\nGreat to meet you at the expo last week.\n", None, "last week"),
        ("Hi Jo,\n\nWe met on 2026-11-08 at the expo.\n", None, "on November 8"),
        ("Hi Jo,\n\nHere are the notes.\n", {"last_contact": "2026-11-08"}, "on November 8"),
        ("Hi Jo,\n\nCan we talk on Thursday? I will call you next Monday.\n", None, None),
    ],
)
def test_last_contact_from_metadata_or_a_past_contact_sentence(text, metadata, expected):
    assert inferred(text, metadata).get("last_contact") == expected


def test_metadata_wins_over_what_the_text_suggests():
    text = "Hi Marty,\n\nGreat to meet you at the Chamber event.\n"
    found = inferred(text, {"event": "the spring mixer", "first_name": "Martin"})
    assert (found["event"], found["first_name"]) == ("the spring mixer", "Martin")


def test_their_point_product_company_and_question():
    text = """\
        Hi Ana,

        You mentioned that your drivers lose an hour a day
        to the detours on Route 9. Our new RouteWise platform reroutes them live, and your team at
        Halden Freight could try it on two routes.

        > Does it work with our SAP system? We run it at both depots.
        """
    found = inferred(text)
    assert found["their_point"] == "your drivers lose an hour a day to the detours on Route 9"
    assert found["product"] == "RouteWise"
    assert found["company"] == "Halden Freight"
    assert found["question"] == "Does it work with our SAP system?"
    assert where(text, "question") == "quoted reply, line 7"


@pytest.mark.parametrize(
    ("sentence", "point"),
    [
        ("You mentioned on Tuesday's call that your reps lose Friday afternoons to the pipeline report.",
         "your reps lose Friday afternoons to the pipeline report"),
        ("You mentioned the back office runs out of gloves mid-week, so I checked with the warehouse.",
         "the back office runs out of gloves mid-week"),
        ("You said you'd be happy to vouch for it, would you leave a review?", None),
        ("As you said, and it is true, prices rose.", None),
    ],
)
def test_their_point_is_their_words_only(sentence, point):
    assert inferred(f"Hi Jo,\n\n{sentence}\n").get("their_point") == point


def test_your_own_quoted_email_is_not_their_question():
    text = """\
        Hi Renee,

        Bumping this up. Did you see my note below?

        Cheers,
        Omar

        On Mon, Nov 3, 2026 at 8:02 AM Omar Khalil <omar@talentforge.example> wrote:
        > Hi Renee,
        > I have three candidates with Rockwell experience. Worth a quick
        > conversation about your open roles?
        """
    assert "question" not in inferred(text)
    theirs = text.replace("Omar Khalil <omar@talentforge.example>", "Renee Park <renee@plant.example>")
    theirs = theirs.replace("> Hi Renee,", "> Hi Omar,")
    assert inferred(theirs)["question"] == "Worth a quick conversation about your open roles?"


# ---- ranking -------------------------------------------------------------------------------------------

def finding(rule: str, remedies: tuple[str, ...], severity: str = "warning") -> Finding:
    return Finding(rule, severity, "m", 0, 1, 1, 1, 1, 2, remedies=remedies)


def template(id: str, remedies: str = "[]", channel: str = "email", required: bool = False):
    variables = "[{name: who, description: d, required: true, example: x}]" if required else "[]"
    return parse_template(f"---\nid: {id}\ntitle: t\nwhen: w\nremedies: {remedies}\nchannel: {channel}\n"
                          f"variables: {variables}\n---\n{{{{ who }}}}\n" if required else
                          f"---\nid: {id}\ntitle: t\nwhen: w\nremedies: {remedies}\nchannel: {channel}\n---\nHi\n")


def test_ranking_follows_the_remedies_preference_order():
    templates = [template("a"), template("b"), template("c"), template("unrelated")]
    findings = [finding("r1", ("a", "b", "c")), finding("r2", ("b", "a"))]
    ranked = rank_templates(templates, findings)
    assert [entry.template.id for entry in ranked] == ["a", "b", "c"]  # a: 1 + 1/2, b: 1/2 + 1, c: 1/3
    assert ranked[0].score == ranked[1].score and ranked[0].score > ranked[2].score
    assert ranked[2].cures == ["r1"] and "remedy 3 of 3" in ranked[2].why


def test_severity_weighs_and_each_rule_counts_once():
    templates = [template("a"), template("b")]
    findings = [finding("r1", ("a",), "info")] * 5 + [finding("r2", ("b",), "warning")]
    assert [entry.template.id for entry in rank_templates(templates, findings)] == ["b", "a"]


def test_a_template_naming_the_rule_counts_less_than_being_listed():
    templates = [template("listed"), template("claims", "[r1]")]
    ranked = rank_templates(templates, [finding("r1", ("listed",))])
    assert [entry.template.id for entry in ranked] == ["listed", "claims"]
    assert "among the rules it cures" in ranked[1].why


def test_another_channel_counts_half():
    templates = [template("card", channel="card"), template("mail")]
    findings = [finding("r1", ("card",)), finding("r2", ("mail",))]
    assert [e.template.id for e in rank_templates(templates, findings)] == ["mail", "card"]
    assert "half weight" in rank_templates(templates, findings)[1].why
    assert [e.template.id for e in rank_templates(templates, findings, channel="card")] == ["card", "mail"]


def test_ties_go_to_the_template_the_draft_can_fill():
    templates = [template("a-needs", required=True), template("b-mail")]
    findings = [finding("r1", ("a-needs",)), finding("r2", ("b-mail",))]
    assert [e.template.id for e in rank_templates(templates, findings)] == ["b-mail", "a-needs"]
    assert [e.template.id for e in rank_templates(templates, findings, {"who": "Jo"})] == ["a-needs", "b-mail"]


# ---- the command ---------------------------------------------------------------------------------------

def test_suggest_spieler_prints_a_recap_naming_recipient_and_event(root):
    result = run_cli("suggest", SPIEL, cwd=root)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "Suggested email (meeting-recap" in out or "Suggested email (value-add" in out
    email = out.split("Suggested email", 1)[1]
    assert "Hi Marty," in email and "the Chamber event" in email
    assert "Slots left to fill" in out
    slots = out.split("Slots left to fill", 1)[1]
    for line in slots.splitlines()[1:]:
        assert f"[[{line.split()[0]}:" in email


def test_suggest_json_has_ranking_variables_and_text(root):
    data = json.loads(run_cli("suggest", SPIEL, "--format", "json", cwd=root).stdout)
    ranking = data["ranking"]
    assert data["template"] == ranking[0]["id"] in {"meeting-recap", "value-add"}
    for entry in ranking:
        assert entry["why"] and entry["cures"]
        assert {data["findings"][i]["rule"] for i in entry["findings"]} == set(entry["cures"])
        assert all(entry["id"] in f["remedies"] or f["rule"] in entry["cures"]
                   for f in (data["findings"][i] for i in entry["findings"]))
    assert [entry["score"] for entry in ranking] == sorted((entry["score"] for entry in ranking), reverse=True)
    variables = data["variables"]
    assert variables["first_name"] == {"value": "Marty", "origin": "inferred", "where": "greeting, line 3"}
    assert variables["event"]["value"] == "the Chamber event" and "line 5" in variables["event"]["where"]
    assert variables["sender"]["value"] == "Lena Ortiz"
    assert "Marty" in data["text"] and "the Chamber event" in data["text"]
    for slot in data["slots"]:
        assert f"[[{slot['name']}: {slot['description']}]]" in data["text"]
        assert variables[slot["name"]]["origin"] == "slot"


def test_filled_suggestion_passes_the_linter(root, tmp_path):
    variables = tmp_path / "vars.yaml"
    variables.write_text(textwrap.dedent("""\
        topic: Your drivers and the Route 9 detours
        their_point: your drivers lose about an hour a day rerouting around the bridge works
        idea: A fleet near you cut that to 15 minutes by sending drivers the day's closures before they set off.
        proposed_time: Thursday at 10am
        """))
    result = run_cli("suggest", SPIEL, "--template", "meeting-recap", "--vars", str(variables), "-q", cwd=root)
    text = result.stdout.decode()
    assert result.returncode == 0 and "[[" not in text and "Hi Marty," in text
    report = lint_text(text, "rewritten.txt")
    assert [f.rule for f in report.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]] == []
    original = lint_text((root / SPIEL).read_text(), SPIEL)
    assert report.metrics["score"] > original.metrics["score"]


def test_set_wins_over_vars_and_the_draft(root, tmp_path):
    variables = tmp_path / "vars.yaml"
    variables.write_text("first_name: Martin\nevent: the breakfast\nlast_contact: 2026-11-08\n")
    data = json.loads(run_cli("suggest", SPIEL, "--vars", str(variables), "--set", "first_name=Mo",
                              "--format", "json", cwd=root).stdout)
    assert data["variables"]["first_name"] == {"value": "Mo", "origin": "given", "where": "--set/--vars"}
    assert data["variables"]["event"]["value"] == "the breakfast"
    assert data["variables"]["last_contact"]["value"] == "on November 8"
    assert "Hi Mo," in data["text"] and "the breakfast" in data["text"]


def test_template_option_picks_one_and_unknown_is_an_error(root):
    result = run_cli("suggest", SPIEL, "--template", "voicemail", "-q", cwd=root)
    assert result.stdout.decode().startswith("Hi Marty, it's Lena Ortiz from RouteWise; we met at the Chamber event.")
    bad = run_cli("suggest", SPIEL, "--template", "nope", cwd=root)
    err = bad.stderr.decode()
    assert bad.returncode == 2 and "unknown template 'nope'" in err and len(err.strip().splitlines()) == 1


def test_suggest_reads_standard_input_and_user_templates(tmp_path):
    (tmp_path / "nudge.j2").write_text(textwrap.dedent("""\
        ---
        id: nudge-cure
        title: t
        when: w
        remedies: [no-value]
        variables:
          - {name: first_name, description: their name, required: true, example: Jo}
        ---
        Hello {{ first_name }}, here is something new.
        """))
    draft = "Hi Kevin,\n\nJust checking in on the proposal. Any update?\n\nThanks,\nMaria\n"
    data = json.loads(run_cli("suggest", "-", "--templates", str(tmp_path), "--template", "nudge-cure",
                              "--format", "json", input=draft).stdout)
    assert data["path"] == "-" and data["text"] == "Hello Kevin, here is something new.\n"
    assert any(entry["id"] == "nudge-cure" for entry in data["ranking"])


def test_clean_draft_has_nothing_to_rewrite(root):
    result = run_cli("suggest", "examples/good-follow-up.txt", "--format", "json", cwd=root)
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["findings"] == [] and data["template"] is None and data["text"] is None


def test_unreadable_draft_is_one_line_exit_2(tmp_path):
    result = run_cli("suggest", str(tmp_path / "missing.txt"))
    err = result.stderr.decode()
    assert result.returncode == 2 and "no such file" in err and len(err.strip().splitlines()) == 1
