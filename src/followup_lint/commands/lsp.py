"""`followup-lint lsp`: the language server, on standard input and output."""

from __future__ import annotations

import click


@click.command("lsp")
def lsp() -> None:
    """Run the language server on stdin/stdout (for editors: diagnostics while you type, quick fixes).

    Point your editor's LSP client at `followup-lint lsp`; see docs/integrations.md for Neovim, VS Code,
    Helix and Emacs.
    """
    from ..cli import fail

    try:
        from ..language_server import serve
    except ImportError as error:
        fail(f"the language server needs pygls and lsprotocol ({(error.name or 'a module').split('.')[0]} is missing): "
             "pip install 'pygls>=2.1' lsprotocol")
    serve()


COMMANDS = [lsp]
