from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def cache_outside_the_checkout(tmp_path_factory):
    """The CLI keeps its result cache in the working directory; the tests' runs keep theirs in a temp dir
    (a test that is about the cache's place sets its own)."""
    os.environ.setdefault("FOLLOWUP_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("followup-lint-cache")))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def rules():
    from followup_lint.api import available_rules

    return available_rules()
