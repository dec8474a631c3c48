"""Subcommands beyond `check`, one module each. Every module exposes ``COMMANDS``, a list of click commands,
and keeps heavy imports inside the command functions (listing commands must not import spaCy)."""
