"""The language server (`followup-lint lsp`): diagnostics and code actions in any editor with an LSP client.

Built on pygls with lsprotocol types, on stdio. A document is linted when it is opened or saved, and a
moment after the last change while typing (debounced: `initializationOptions.debounceMs`, default 300).
Linting runs on one worker thread, so the server keeps answering while spaCy works; a result is published
only if the document has not changed since.

Each diagnostic carries the rule id as its code, a link to the rule's definition (its YAML file: what it
looks for, why, the article passage and examples) and, for rules that read draft metadata, the front
matter lines they read as related information. Code actions: apply a finding's safe fix, fix everything
safely fixable, disable the rule for that line (a `followup-lint: disable-next-line=` directive in the
file's own comment syntax), and rewrite the draft with a template that cures its findings.

Positions: lines end at \\n, \\r\\n or \\r, as LSP counts them, and characters are counted in the code
units the client negotiated (UTF-16 unless it chose UTF-8 or UTF-32), so text after an emoji lines up.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from .findings import Edit, FileReport, Finding
from .textmap import LineIndex

log = logging.getLogger(__name__)

SOURCE = "followup-lint"
DEFAULT_DEBOUNCE_MS = 300
CONFIG_FILE_NAMES = (".followup-lint.toml", "pyproject.toml")
SEVERITIES = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
              "info": types.DiagnosticSeverity.Information}
MAX_TEMPLATE_ACTIONS = 3
DIRECTIVE = "DIRECTIVE"
# The file's own comment syntax for an inline directive, by suffix; anything else gets a plain line.
COMMENT_STYLES = (
    ((".md", ".markdown", ".html", ".htm"), "<!-- DIRECTIVE -->"),
    ((".j2", ".jinja", ".jinja2"), "{# DIRECTIVE #}"),
    ((".hbs", ".handlebars", ".mustache"), "{{! DIRECTIVE }}"),
    ((".blade.php",), "{{-- DIRECTIVE --}}"),
    ((".liquid",), "{% comment %}DIRECTIVE{% endcomment %}"),
)
LANGUAGE_SUFFIXES = {"markdown": ".md", "html": ".html", "jinja": ".j2", "jinja-html": ".j2", "handlebars": ".hbs",
                     "mustache": ".mustache", "blade": ".blade.php", "liquid": ".liquid"}
_NEWLINES = re.compile(r"\r\n|\r|\n")
_TOP_LEVEL_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)[ \t]*:")


# ---- positions ------------------------------------------------------------------------------------------

def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8_units(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


UNIT_COUNTERS = {types.PositionEncodingKind.Utf16: _utf16_units, types.PositionEncodingKind.Utf8: _utf8_units,
                 types.PositionEncodingKind.Utf32: len}


class Positions:
    """Character offsets in a text <-> LSP positions in the negotiated encoding."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.units = UNIT_COUNTERS.get(encoding, _utf16_units)

    def position(self, offset: int) -> types.Position:
        line, _ = self.lines.position(offset)
        line_start = self.lines.line_starts[line - 1]
        return types.Position(line=line - 1, character=self.units(self.text[line_start:max(offset, line_start)]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        starts = self.lines.line_starts
        if position.line >= len(starts):
            return len(self.text)
        line_start = starts[position.line]
        units = 0
        for index, char in enumerate(self.lines.line_text(position.line + 1)):
            if units >= position.character:
                return line_start + index
            units += self.units(char)
        return line_start + len(self.lines.line_text(position.line + 1))


# ---- linting --------------------------------------------------------------------------------------------

@dataclass
class Linted:
    """One lint of one version of a document."""

    version: int | None
    text: str
    path: str | None
    report: FileReport | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    settings: Any = None
    error: str | None = None


def lint_document(path: str | None, text: str, version: int | None, folder: str | None) -> Linted:
    """Lint the editor's text; the configuration is the one in effect for the file (or the workspace)."""
    from .api import configured_rules, lint_sources, settings_for_path
    from .config import ConfigError
    from .read import InputError, Source
    from .ruleset import RuleFileError

    linted = Linted(version, text, path)
    try:
        linted.settings = settings_for_path(path or folder)
        rules, _ = configured_rules(linted.settings)
        linted.rules = {rule.id: rule for rule in rules}
        [linted.report] = lint_sources([Source(path, text)], settings=linted.settings, forget_words=True)
    except (ConfigError, RuleFileError, InputError) as error:
        linted.error = str(error)
    return linted


def clear_config_cache() -> None:
    """Forget parsed config files, after one was saved in the editor."""
    from . import api

    api.clear_caches()  # a saved config or rule file must be read again


# ---- diagnostics ----------------------------------------------------------------------------------------

def rule_definition_uri(rule) -> str | None:
    """A link to the rule's YAML file: what it looks for, why, its source passage and examples."""
    from .ruleset import builtin_rules_dir

    name = Path(rule.file).name
    builtin = builtin_rules_dir() / name
    if rule.file == f"rules/{name}" and builtin.is_file():
        return builtin.resolve().as_uri()
    path = Path(rule.file)
    return path.resolve().as_uri() if path.is_file() else None


def front_matter_end(text: str) -> int:
    """The offset just after the front matter block (0 without one, or with one the linter reports)."""
    from .extract import read_front_matter
    from .read import InputError

    try:
        return read_front_matter(text, "-")[1]
    except InputError:
        return 0


def front_matter_lines(text: str) -> dict[str, tuple[int, int]]:
    """Top-level keys of the front matter block -> (start, end) offsets of their line."""
    from .extract import split_lines

    found: dict[str, tuple[int, int]] = {}
    for line in split_lines(text[:front_matter_end(text)]):
        match = _TOP_LEVEL_KEY.match(line.text)
        if match:
            found.setdefault(match.group("key"), (line.start, line.end))
    return found


def diagnostic(uri: str, finding: Finding, linted: Linted, positions: Positions, features: ClientFeatures,
               metadata_lines: dict[str, tuple[int, int]]) -> types.Diagnostic:
    rule = linted.rules.get(finding.rule)
    href = rule_definition_uri(rule) if rule is not None and features.code_description else None
    related = None
    if rule is not None and features.related_information:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=positions.range(*metadata_lines[key])),
            message=f"{finding.rule} reads `{key}` from the front matter")
            for key in rule.reads if key in metadata_lines] or None
    return types.Diagnostic(
        range=positions.range(finding.start, finding.end),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related,
        data={"fixable": bool(finding.edits)},
    )


def diagnostics_for(uri: str, linted: Linted, encoding: str, features: ClientFeatures) -> list[types.Diagnostic]:
    positions = Positions(linted.text, encoding)
    if linted.error:
        return [types.Diagnostic(range=positions.range(0, 0), message=linted.error,
                                 severity=types.DiagnosticSeverity.Error, source=SOURCE)]
    metadata_lines = front_matter_lines(linted.text)
    return [diagnostic(uri, finding, linted, positions, features, metadata_lines) for finding in linted.report.findings]


@dataclass(frozen=True)
class ClientFeatures:
    code_description: bool = False
    related_information: bool = False

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities | None) -> ClientFeatures:
        publish = getattr(getattr(capabilities, "text_document", None), "publish_diagnostics", None)
        return cls(code_description=bool(getattr(publish, "code_description_support", False)),
                   related_information=bool(getattr(publish, "related_information", False)))


# ---- code actions ---------------------------------------------------------------------------------------

def comment_style(path: str | None, language_id: str | None) -> str:
    name = (path or LANGUAGE_SUFFIXES.get(language_id or "", "")).lower()
    for suffixes, style in COMMENT_STYLES:
        if name.endswith(suffixes):
            return style
    return DIRECTIVE


def suppression_edit(text: str, finding: Finding, style: str) -> Edit | None:
    """Disable the finding's rule for its first line: extend a `disable-next-line` directive on the line
    above, or insert one there (indented like the line). None when the line is already covered."""
    from .read import newline_style
    from .suppressions import DIRECTIVE_RE

    lines = LineIndex(text)
    line_start = lines.line_starts[finding.line - 1]
    if finding.line > 1:
        above = DIRECTIVE_RE.search(lines.line_text(finding.line - 1))
        if above and above.group("action") == "disable-next-line":
            if not above.group("rules") or finding.rule in re.split(r"\s*,\s*", above.group("rules")):
                return None
            at = lines.line_starts[finding.line - 2] + above.end("rules")
            return Edit(at, at, f",{finding.rule}")
    indent = re.match(r"[ \t]*", lines.line_text(finding.line)).group()
    directive = style.replace(DIRECTIVE, f"followup-lint: disable-next-line={finding.rule}")
    return Edit(line_start, line_start, indent + directive + newline_style(text))


def text_edits(text: str, edits: list[Edit], positions: Positions) -> list[types.TextEdit]:
    from .read import newline_style

    newline = newline_style(text)
    return [types.TextEdit(range=positions.range(edit.start, edit.end),
                           new_text=_NEWLINES.sub(newline, edit.replacement) if newline != "\n" else edit.replacement)
            for edit in edits]


def workspace_edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def overlaps(finding: Finding, start: int, end: int) -> bool:
    return finding.start <= end and start <= finding.end


def wanted(kind: str, only: list[str] | None) -> bool:
    """A code action kind passes the client's `only` filter (kinds are hierarchical: `source` covers
    `source.fixAll`)."""
    return not only or any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def code_actions(uri: str, linted: Linted, params: types.CodeActionParams, encoding: str, language_id: str | None,
                 features: ClientFeatures) -> list[types.CodeAction]:
    from .fixes import safe_edits

    if linted.report is None:
        return []
    positions = Positions(linted.text, encoding)
    start, end = positions.offset(params.range.start), positions.offset(params.range.end)
    only = [str(kind) for kind in params.context.only or []]
    findings = [finding for finding in linted.report.findings if overlaps(finding, start, end)]
    metadata_lines = front_matter_lines(linted.text)
    body_start = front_matter_end(linted.text)  # no directive inside the front matter
    actions: list[types.CodeAction] = []
    style = comment_style(linted.path, language_id)
    for finding in findings:
        attached = [diagnostic(uri, finding, linted, positions, features, metadata_lines)]
        fixes = safe_edits(linted.text, finding.edits)
        if fixes and wanted(types.CodeActionKind.QuickFix, only):
            actions.append(types.CodeAction(
                title=f"Fix {finding.rule}: apply the safe fix", kind=types.CodeActionKind.QuickFix,
                diagnostics=attached, is_preferred=True,
                edit=workspace_edit(uri, text_edits(linted.text, fixes, positions))))
        suppression = suppression_edit(linted.text, finding, style) if finding.start >= body_start else None
        if suppression is not None and wanted(types.CodeActionKind.QuickFix, only):
            actions.append(types.CodeAction(
                title=f"Disable {finding.rule} for this line", kind=types.CodeActionKind.QuickFix,
                diagnostics=attached, edit=workspace_edit(uri, text_edits(linted.text, [suppression], positions))))
    all_fixes = safe_edits(linted.text, [edit for finding in linted.report.findings for edit in finding.edits])
    if all_fixes and wanted(types.CodeActionKind.SourceFixAll, only) and (findings or only):
        actions.append(types.CodeAction(
            title="Fix all safely fixable followup-lint findings", kind=types.CodeActionKind.SourceFixAll,
            edit=workspace_edit(uri, text_edits(linted.text, all_fixes, positions))))
    if any(finding.remedies for finding in findings) and wanted(types.CodeActionKind.RefactorRewrite, only):
        actions += template_actions(uri, linted, positions)
    return actions


def template_actions(uri: str, linted: Linted, positions: Positions) -> list[types.CodeAction]:
    """Rewrite the draft (everything after its front matter) with the templates that cure its findings."""
    from .extract import extract_draft
    from .read import InputError, Source
    from .suggest import suggest
    from .template_library import TemplateError, load_templates

    try:
        templates = load_templates(list(getattr(linted.settings, "templates_dirs", ())))
        draft = extract_draft(Source(linted.path, linted.text))
        body_start = front_matter_end(linted.text)
        ranking = suggest(linted.report, draft, templates).ranking
        actions = []
        for entry in ranking[:MAX_TEMPLATE_ACTIONS]:
            text = suggest(linted.report, draft, templates, template_id=entry.template.id).text
            edit = Edit(body_start, len(linted.text), text)
            actions.append(types.CodeAction(
                title=f"Rewrite with the '{entry.template.id}' template: {entry.template.title}",
                kind=types.CodeActionKind.RefactorRewrite,
                edit=workspace_edit(uri, text_edits(linted.text, [edit], positions))))
        return actions
    except (TemplateError, InputError) as error:
        log.warning("no template actions: %s", error)
        return []


# ---- the server -----------------------------------------------------------------------------------------

class FollowupLintServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: the client sends the whole text, so what is linted is exactly what the editor shows
        # (incremental sync would rebuild it with Python's splitlines, which also splits at \x0c, \u2028 ...).
        super().__init__("followup-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.debounce_seconds = DEFAULT_DEBOUNCE_MS / 1000
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="followup-lint")
        self.pending: dict[str, asyncio.Task] = {}
        self.results: dict[str, Linted] = {}
        self.shown_errors: set[str] = set()

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    @property
    def features(self) -> ClientFeatures:
        return ClientFeatures.of(self.client_capabilities)

    def folder(self) -> str | None:
        return self.workspace.root_path

    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay` seconds, replacing any lint still waiting for it."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self.lint_later(uri, delay))

    async def lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            linted = await self.lint_now(uri)
            if linted is not None:
                self.publish(uri, linted)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a crash must not end the server
            log.exception("linting %s failed", uri)
            self.show_error(f"followup-lint: internal error while linting: {error}")
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def lint_now(self, uri: str) -> Linted | None:
        """Lint the current version of the document; None if it changed (or closed) meanwhile."""
        document = self.workspace.get_text_document(uri)
        version, text = document.version, document.source
        path = to_fs_path(uri) if uri.startswith("file:") else None
        loop = asyncio.get_running_loop()
        linted = await loop.run_in_executor(self.worker, lint_document, path, text, version, self.folder())
        if uri not in self.workspace.text_documents or self.workspace.get_text_document(uri).version != version:
            return None
        self.results[uri] = linted
        return linted

    async def current(self, uri: str) -> Linted | None:
        """The lint of the document as it is now, linting it first if the last one is stale."""
        linted = self.results.get(uri)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        if linted is None or linted.version != document.version or linted.text != document.source:
            linted = await self.lint_now(uri)
        return linted

    def publish(self, uri: str, linted: Linted) -> None:
        if linted.error:
            self.show_error(linted.error)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=linted.version, diagnostics=diagnostics_for(uri, linted, self.encoding, self.features)))

    def show_error(self, message: str) -> None:
        if message not in self.shown_errors:
            self.shown_errors.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.results.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def create_server() -> FollowupLintServer:
    server = FollowupLintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: FollowupLintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        debounce = options.get("debounceMs", DEFAULT_DEBOUNCE_MS)
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and debounce >= 0:
            ls.debounce_seconds = debounce / 1000

    @server.feature(types.INITIALIZED)
    def initialized(ls: FollowupLintServer, params: types.InitializedParams) -> None:
        # Load the rules and spaCy now, so the first opened draft does not wait for them.
        ls.worker.submit(lint_document, None, "Hi.", None, ls.folder())

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FollowupLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FollowupLintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce_seconds)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: FollowupLintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if Path(to_fs_path(uri) or uri).name in CONFIG_FILE_NAMES:
            clear_config_cache()
            ls.shown_errors.clear()
            for open_uri in list(ls.workspace.text_documents):
                ls.schedule(open_uri, 0)
        elif uri in ls.workspace.text_documents:
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FollowupLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[
        types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, types.CodeActionKind.RefactorRewrite]))
    async def code_action(ls: FollowupLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        linted = await ls.current(uri)
        if linted is None:
            return []
        document = ls.workspace.get_text_document(uri)
        return code_actions(uri, linted, params, ls.encoding, document.language_id, ls.features)

    return server


def serve() -> None:
    create_server().start_io()
