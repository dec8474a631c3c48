"""Safe fixes: applying edits, the diff, and the atomic write that keeps how the file was stored."""

from __future__ import annotations

import os
import stat
import textwrap

import pytest

from followup_lint.api import lint_sources
from followup_lint.findings import Edit, FileReport, Finding
from followup_lint.fixes import FixError, apply_edits, fixed_text, unified_diff, write_atomically
from followup_lint.read import Source, read_path

FILLER_RULE = textwrap.dedent("""\
    id: fixture-filler
    title: Filler words (test fixture)
    severity: info
    category: style
    message: "Filler: \\"{match}\\"."
    rationale: A fixture rule for the fix round trip, built on the registered filler check.
    fix: delete
    patterns:
      filler_sentence:
        phrases:
          - I hope this email finds you well
      filler_phrase:
        tokens:
          - [{LOWER: just, _: {placeholder: ""}}]
    detect:
      kind: check
      check: filler
    examples:
      bad:
        - Hi Sam, I «just» wanted to share the checklist. Which site comes first?
        - Hi Ana, «I hope this email finds you well.» Here is the quote. Does it fit your budget?
        - Hi Jo, «just» a note on the permit. Shall I file it Friday?
        - Hi Lee, the report is «just» two pages. Which part should we go through?
      good:
        - Hi Sam, here is the checklist. Which site comes first?
        - Hi Ana, here is the quote. Does it fit your budget?
        - Hi Jo, the permit is due Friday. Shall I file it?
        - Hi Lee, the report is two pages. Which part should we go through?
    """)

DRAFT = (
    "Hi Sam,\n"
    "\n"
    "I hope this email finds you well.\n"
    "I just wanted to share the café menu – crème brûlée, jalapeño and à la carte – you asked for on Tuesday.\n"
    "It is just two pages.\n"
    "Which site should we start with?\n"
    "\n"
    "Best,\n"
    "Lena\n"
)


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "fixture-filler.yaml").write_text(FILLER_RULE)
    return str(folder)


def lint_file(path, rules_dir):
    source = read_path(str(path))
    [report] = lint_sources([source], select=["fixture-filler"], rules_dirs=[rules_dir])
    return source, report


def fix_file(path, rules_dir) -> bool:
    source, report = lint_file(path, rules_dir)
    return write_atomically(source, fixed_text(report))


# ---- apply_edits ---------------------------------------------------------------------------------------

def test_edits_apply_from_the_end_without_shifting_offsets():
    text = "one two three four"
    assert apply_edits(text, [Edit(4, 8, ""), Edit(14, 18, "4"), Edit(0, 3, "ONE")]) == "ONE three 4"


def test_overlapping_edits_keep_the_first_and_out_of_range_ones_are_dropped():
    text = "abcdefgh"
    assert apply_edits(text, [Edit(2, 5, "X"), Edit(4, 6, "Y"), Edit(7, 99, "Z")]) == "abXfgh"


@pytest.mark.parametrize("placeholder", ["{{first_name}}", "[First Name]", "%FIRSTNAME%", "[[insight: one line]]"])
def test_an_edit_never_touches_a_placeholder(placeholder):
    text = f"Hi {placeholder}, just a note."
    start = text.index(placeholder)
    inside = Edit(start + 2, start + 4, "")
    across = Edit(start - 1, start + 3, "")
    clear = Edit(text.index("just "), text.index("just ") + len("just "), "")
    assert apply_edits(text, [inside, across]) == text
    assert apply_edits(text, [clear]) == f"Hi {placeholder}, a note."


def test_an_insertion_inside_a_placeholder_is_refused_but_next_to_it_is_fine():
    text = "Hi {{first_name}}!"
    assert apply_edits(text, [Edit(5, 5, "x")]) == text
    assert apply_edits(text, [Edit(3, 3, "dear ")]) == "Hi dear {{first_name}}!"


def test_replacement_newlines_follow_the_text_newline_style():
    text = "Hi Sam,\r\nline one\r\n"
    assert apply_edits(text, [Edit(7, 7, "\nadded")]) == "Hi Sam,\r\nadded\r\nline one\r\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Sam,\nI hope you are well.\nHere is the plan.\n", "Hi Sam,\nHere is the plan.\n"),
        ("Hi Sam,\r\n\r\nI hope you are well.\r\n\r\nHere is the plan.\r\n", "Hi Sam,\r\n\r\nHere is the plan.\r\n"),
        ("Hi Sam, I hope you are well. Here is the plan.\n", "Hi Sam,  Here is the plan.\n"),
    ],
)
def test_a_deletion_that_empties_a_line_removes_the_line(text, expected):
    start = text.index("I hope")
    end = text.index("well.") + len("well.")
    assert apply_edits(text, [Edit(start, end, "")]) == expected


def test_fixed_text_applies_every_finding_of_a_report():
    text = "Hi Sam, I just wanted to say hello, just once."
    first, second = text.index("just"), text.rindex("just")

    def finding(start):
        return Finding("x", "info", "m", start, start + 4, 1, start + 1, 1, start + 5,
                       edits=(Edit(start, start + 5, ""),))

    report = FileReport("draft.txt", [finding(first), finding(second)], source_text=text)
    assert fixed_text(report) == "Hi Sam, I wanted to say hello, once."


# ---- unified_diff ----------------------------------------------------------------------------------------

def test_unified_diff_names_the_file_and_shows_the_change():
    before = "Hi Sam,\nI just wanted to say hello.\nBest\n"
    after = "Hi Sam,\nI wanted to say hello.\nBest\n"
    diff = unified_diff("draft.txt", before, after)
    lines = diff.splitlines()
    assert lines[:2] == ["--- draft.txt", "+++ draft.txt"]
    assert "-I just wanted to say hello." in lines and "+I wanted to say hello." in lines
    assert unified_diff("draft.txt", before, before) == ""


def test_unified_diff_marks_a_last_line_without_newline():
    diff = unified_diff("d.txt", "just hello", "hello")
    assert diff.count("\\ No newline at end of file") == 2


# ---- the round trip on real files ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("crlf.txt", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
        ("bom.txt", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("legacy.txt", lambda text: text.encode("cp1252")),
        ("plain.txt", lambda text: text.encode("utf-8")),
    ],
)
def test_fix_round_trip_keeps_how_the_file_was_stored_and_is_idempotent(tmp_path, rules_dir, name, encode):
    path = tmp_path / name
    original = encode(DRAFT)
    path.write_bytes(original)
    os.chmod(path, 0o640)
    before = read_path(str(path))

    assert fix_file(path, rules_dir) is True
    after_bytes = path.read_bytes()
    after = read_path(str(path))
    expected = DRAFT.replace("I hope this email finds you well.\n", "").replace("I just wanted", "I wanted")
    expected = expected.replace("It is just two", "It is two")
    assert after.text.replace("\r\n", "\n") == expected
    assert (after.encoding, after.bom, after.newline) == (before.encoding, before.bom, before.newline)
    assert after_bytes == encode(expected)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == [name]  # no temporary file left behind

    assert fix_file(path, rules_dir) is False  # a second fix changes nothing
    assert path.read_bytes() == after_bytes


def test_the_legacy_fixture_really_is_cp1252(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(DRAFT.encode("cp1252"))
    assert read_path(str(path)).encoding == "cp1252"


def test_fix_writes_through_a_symlink_and_keeps_the_link(tmp_path, rules_dir):
    target = tmp_path / "real.txt"
    target.write_text(DRAFT)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert fix_file(link, rules_dir)
    assert link.is_symlink()
    assert "just" not in target.read_text()


def test_placeholders_survive_a_fix(tmp_path, rules_dir):
    path = tmp_path / "template.txt"
    path.write_text("Hi {{first_name}},\n\nI just wanted to share the checklist. Which site comes first?\n")
    fix_file(path, rules_dir)
    assert path.read_text() == "Hi {{first_name}},\n\nI wanted to share the checklist. Which site comes first?\n"


def test_standard_input_cannot_be_fixed_in_place():
    with pytest.raises(FixError, match="standard input"):
        write_atomically(Source(None, "just hi"), "hi")


def test_a_fix_the_encoding_cannot_store_is_one_clear_error(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Caf\xe9 notes for you\n".encode("latin-1"))
    source = Source(str(path), "Café notes for you\n", "cp1252")
    with pytest.raises(FixError) as error:
        write_atomically(source, "Café notes → for you\n")
    message = str(error.value)
    assert "cp1252" in message and "\n" not in message
    assert path.read_bytes() == "Caf\xe9 notes for you\n".encode("latin-1")
    assert sorted(os.listdir(tmp_path)) == ["legacy.txt"]
