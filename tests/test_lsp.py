"""The language server end to end: a real LSP client (pytest-lsp) talking to `python -m followup_lint lsp`
in a subprocess over stdio. Expected ranges come from the library's own findings, converted to LSP
positions here (UTF-16 code units unless the client negotiates another encoding)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from followup_lint.api import lint_text
from followup_lint.fixes import apply_edits

ROOT = Path(__file__).resolve().parent.parent
SPIELER = (ROOT / "examples" / "spieler.txt").read_text(encoding="utf-8")
GOOD = (ROOT / "examples" / "good-follow-up.txt").read_text(encoding="utf-8")
EMOJI_DRAFT = "Hi Sam 👋🏽, just checking in on the proposal. 🙂 Any update?\n"
LATE_DRAFT = "---\ntouch: 1\nmet: 2026-01-05\nsent: 2026-01-28\n---\nHi Sam, just checking in on the proposal.\n"
WAIT_SECONDS = 90  # the first lint loads spaCy in the server; CI machines are slow


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order (with its document version)."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES,
                                   types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish_diagnostics})
    return client


def capabilities(encodings: list[str] | None = None) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True, code_description_support=True,
                data_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=list(types.CodeActionKind)))),
        ),
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "followup_lint", "lsp"],
                                              client_factory=recording_client))
async def client(lsp_client: LanguageClient, request, tmp_path):
    options = getattr(request, "param", {})
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities(options.get("encodings")), root_uri=tmp_path.as_uri(),
        initialization_options={"debounceMs": options.get("debounce_ms", 150)}))
    yield
    await lsp_client.shutdown_session()


# ---- helpers --------------------------------------------------------------------------------------------

def code_units(text: str, encoding: str = "utf-16") -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def lsp_position(text: str, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n")
    return line, code_units(before[before.rfind("\n") + 1:], encoding)


def as_tuple(range_: types.Range) -> tuple[tuple[int, int], tuple[int, int]]:
    return (range_.start.line, range_.start.character), (range_.end.line, range_.end.character)


def expected_ranges(text: str, path: str, encoding: str = "utf-16") -> list[tuple[str, tuple]]:
    report = lint_text(text, path=path)
    return sorted((f.rule, (lsp_position(text, f.start, encoding), lsp_position(text, f.end, encoding)))
                  for f in report.findings)


def got_ranges(diagnostics) -> list[tuple[str, tuple]]:
    return sorted((d.code, as_tuple(d.range)) for d in diagnostics)


def offset_of(text: str, position: types.Position) -> int:
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return start + index
        units += code_units(char)
    return start + len(line)


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    spans = [(offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits]
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


async def published(client: LanguageClient, uri: str, version: int) -> types.PublishDiagnosticsParams:
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        for params in reversed(client.published):
            if params.uri == uri and params.version == version:
                return params
        await asyncio.sleep(0.05)
    seen = [(p.uri, p.version) for p in client.published]
    raise AssertionError(f"no diagnostics for {uri} version {version}; published: {seen}")


def open_document(client: LanguageClient, path: Path, text: str, language: str = "plaintext") -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def actions_for(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only=None):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic], only=only)))


def only_one(diagnostics, code: str) -> types.Diagnostic:
    [found] = [d for d in diagnostics if d.code == code]
    return found


# ---- tests ----------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_spieler_draft_gets_its_diagnostic_at_the_right_range(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert got_ranges(diagnostics) == expected_ranges(SPIELER, str(tmp_path / "marty.txt"))

    spiel = only_one(diagnostics, "spieler")
    start = offset_of(SPIELER, spiel.range.start)
    assert SPIELER[start:].startswith("Let me tell you")
    assert spiel.severity == types.DiagnosticSeverity.Warning
    assert spiel.source == "followup-lint"
    assert "spiel" in spiel.message
    definition = Path(spiel.code_description.href.removeprefix("file://"))
    assert definition.name == "spieler.yaml" and "id: spieler" in definition.read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_edit_publishes_the_updated_set(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    assert "spieler" in {d.code for d in (await published(client, uri, 1)).diagnostics}

    change_document(client, uri, 2, GOOD)
    diagnostics = (await published(client, uri, 2)).diagnostics
    assert got_ranges(diagnostics) == expected_ranges(GOOD, str(tmp_path / "marty.txt"))
    assert "spieler" not in {d.code for d in diagnostics}


@pytest.mark.asyncio
async def test_changes_while_typing_are_debounced(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    await published(client, uri, 1)
    lines = SPIELER.splitlines(keepends=True)
    for version in range(2, 7):  # five quick keystrokes' worth of changes
        change_document(client, uri, version, "".join(lines[:version + 2]))
    final = await published(client, uri, 6)
    assert got_ranges(final.diagnostics) == expected_ranges("".join(lines[:8]), str(tmp_path / "marty.txt"))
    assert [p.version for p in client.published if p.uri == uri] == [1, 6]


@pytest.mark.asyncio
@pytest.mark.parametrize("client", [{"debounce_ms": 60_000}], indirect=True)
async def test_save_lints_at_once(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    await published(client, uri, 1)
    change_document(client, uri, 2, GOOD)
    await asyncio.sleep(1.0)
    assert [p.version for p in client.published if p.uri == uri] == [1], "the change waits for the debounce"
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    saved = await published(client, uri, 2)
    assert "spieler" not in {d.code for d in saved.diagnostics}


@pytest.mark.asyncio
@pytest.mark.parametrize("client, encoding", [({}, "utf-16"), ({"encodings": ["utf-8"]}, "utf-8")],
                         indirect=["client"])
async def test_positions_after_emoji_count_the_negotiated_code_units(client: LanguageClient, encoding, tmp_path):
    uri = open_document(client, tmp_path / "sam.txt", EMOJI_DRAFT)
    diagnostics = (await published(client, uri, 1)).diagnostics
    assert got_ranges(diagnostics) == expected_ranges(EMOJI_DRAFT, str(tmp_path / "sam.txt"), encoding)
    filler = only_one(diagnostics, "filler")
    prefix = EMOJI_DRAFT[:EMOJI_DRAFT.index("just")]
    assert filler.range.start.character == code_units(prefix, encoding) != len(prefix)
    assert filler.range.end.character == code_units(prefix + "just", encoding)


@pytest.mark.asyncio
async def test_quick_fix_applies_the_findings_fix(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    diagnostics = (await published(client, uri, 1)).diagnostics
    filler = only_one(diagnostics, "filler")
    actions = await actions_for(client, uri, filler, only=[types.CodeActionKind.QuickFix])
    [fix] = [a for a in actions if a.title.startswith("Fix filler")]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert [d.code for d in fix.diagnostics] == ["filler"]

    fixed = apply_text_edits(SPIELER, fix.edit.changes[uri])
    [finding] = [f for f in lint_text(SPIELER, path=str(tmp_path / "marty.txt")).findings if f.rule == "filler"]
    assert fixed == apply_edits(SPIELER, finding.edits) != SPIELER
    change_document(client, uri, 2, fixed)
    assert "filler" not in {d.code for d in (await published(client, uri, 2)).diagnostics}


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "directive"), [
    ("marty.txt", "followup-lint: disable-next-line=spieler"),
    ("marty.md", "<!-- followup-lint: disable-next-line=spieler -->"),
    ("marty.j2", "{# followup-lint: disable-next-line=spieler #}"),
    ("marty.hbs", "{{! followup-lint: disable-next-line=spieler }}"),
])
async def test_disable_for_this_line_inserts_a_directive_in_the_files_comment_syntax(
        client: LanguageClient, tmp_path, name, directive):
    uri = open_document(client, tmp_path / name, SPIELER)
    spiel = only_one((await published(client, uri, 1)).diagnostics, "spieler")
    actions = await actions_for(client, uri, spiel)
    [disable] = [a for a in actions if a.title == "Disable spieler for this line"]
    assert disable.kind == types.CodeActionKind.QuickFix

    changed = apply_text_edits(SPIELER, disable.edit.changes[uri])
    lines = changed.splitlines()
    assert lines[spiel.range.start.line] == directive
    assert lines[spiel.range.start.line + 1] == SPIELER.splitlines()[spiel.range.start.line]
    change_document(client, uri, 2, changed)
    assert "spieler" not in {d.code for d in (await published(client, uri, 2)).diagnostics}


@pytest.mark.asyncio
async def test_fix_all_and_template_rewrite_actions(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    spiel = only_one((await published(client, uri, 1)).diagnostics, "spieler")

    [fix_all] = await actions_for(client, uri, spiel, only=[types.CodeActionKind.Source])
    assert fix_all.kind == types.CodeActionKind.SourceFixAll
    everything_fixed = run_fix(SPIELER, tmp_path / "marty.txt")
    assert apply_text_edits(SPIELER, fix_all.edit.changes[uri]) == everything_fixed

    rewrites = await actions_for(client, uri, spiel, only=[types.CodeActionKind.RefactorRewrite])
    assert rewrites and all(a.kind == types.CodeActionKind.RefactorRewrite for a in rewrites)
    rewritten = apply_text_edits(SPIELER, rewrites[0].edit.changes[uri])
    assert "Hi Marty," in rewritten, "the template is filled from the draft"
    assert "Let me tell you" not in rewritten


def run_fix(text: str, path: Path) -> str:
    import subprocess

    result = subprocess.run([sys.executable, "-m", "followup_lint", "-", "--fix", "--stdin-filename", str(path)],
                            input=text.encode(), capture_output=True, timeout=120)
    return result.stdout.decode()


@pytest.mark.asyncio
async def test_metadata_rules_point_to_the_front_matter_they_read(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "sam.md", LATE_DRAFT, language="markdown")
    late = only_one((await published(client, uri, 1)).diagnostics, "too-late")
    related = {LATE_DRAFT.splitlines()[info.location.range.start.line] for info in late.related_information}
    assert related == {"touch: 1", "met: 2026-01-05", "sent: 2026-01-28"}
    assert all(info.location.uri == uri for info in late.related_information)


@pytest.mark.asyncio
async def test_closing_a_document_clears_its_diagnostics(client: LanguageClient, tmp_path):
    uri = open_document(client, tmp_path / "marty.txt", SPIELER)
    assert (await published(client, uri, 1)).diagnostics
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while client.diagnostics.get(uri) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    assert list(client.diagnostics[uri]) == []


def test_positions_count_lsp_line_ends_and_utf16_code_units():
    from followup_lint.language_server import Positions

    text = "a\r\nb👋c\rd\u2028e\nf"
    positions = Positions(text)
    assert positions.position(text.index("c")) == types.Position(line=1, character=3)
    assert positions.position(text.index("e")) == types.Position(line=2, character=2), "U+2028 is not a line end in LSP"
    assert positions.position(len(text)) == types.Position(line=3, character=1)
    for offset, char in enumerate(text):
        if char not in "\r\n":
            assert positions.offset(positions.position(offset)) == offset
    assert positions.offset(types.Position(line=1, character=99)) == text.index("\r", 3), "clamped to the line end"
    assert positions.offset(types.Position(line=9, character=0)) == len(text)


def test_the_server_forgets_the_new_words_of_each_draft_and_lints_the_same():
    """spaCy keeps every word it meets; the server lints in a memory zone, so a long editing session
    does not grow its vocabulary, and what it reports is what a plain lint reports."""
    from followup_lint.language_server import lint_document
    from followup_lint.parse import get_pipeline

    vocab = get_pipeline().vocab
    drafts = sorted((ROOT / "tests" / "corpus" / "core").glob("*.txt"))[:40]
    lint_document(None, "Hi Sam, warming up.", 0, None)
    known = len(vocab.strings)
    linted = []
    for number, path in enumerate(drafts):
        new_word = f"zqv{number}blorf"
        text = path.read_text(encoding="utf-8") + f"\nP.S. {new_word} {{{{custom_{number}}}}} Brandnew{number}ly\n"
        linted.append(lint_document(str(path), text, number, None))
        assert linted[-1].error is None
        assert len(vocab.strings) == known and new_word not in vocab.strings and new_word not in vocab, path.name
    for document in linted:  # the words these drafts share were learned and forgotten many times over
        expected = lint_text(document.text, path=document.path)
        assert [f.to_dict() for f in document.report.findings] == [f.to_dict() for f in expected.findings]
        assert document.report.metrics == expected.metrics


def test_lemmas_learned_in_a_memory_zone_are_looked_up_again_in_the_next():
    from followup_lint.parse import get_pipeline

    nlp = get_pipeline()
    for _ in range(2):
        with nlp.memory_zone():
            assert [token.lemma_ for token in nlp("Pelicans meandered")] == ["pelican", "meander"]
            assert [token.lemma_ for token in nlp("the pelicans")] == ["the", "pelican"]
