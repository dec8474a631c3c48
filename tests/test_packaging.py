"""The built wheel carries the rules and templates and works from outside the checkout."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import venv
import zipfile

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(root)],
        check=True, capture_output=True, timeout=300,
    )
    [built] = out.glob("followup_lint-*.whl")
    return built


def test_wheel_ships_rules_and_templates(wheel, root):
    names = zipfile.ZipFile(wheel).namelist()
    for rule_file in (root / "rules").glob("*.yaml"):
        assert f"followup_lint/rules/{rule_file.name}" in names
    shipped_templates = [n for n in names if n.startswith("followup_lint/templates/")]
    assert len(shipped_templates) == len([p for p in (root / "templates").rglob("*") if p.is_file()])


def test_installed_wheel_lints_outside_the_checkout(wheel, root, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # Dependencies (spaCy & co.) come from the test environment, appended after the venv's own
    # site-packages (after the install, so pip does not see the test environment's copy), so
    # followup_lint itself is imported from the wheel only.
    own_site = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    (env_dir / own_site / "test-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    draft = outside / "draft.txt"
    draft.write_text((root / "examples" / "checking-in.txt").read_text())
    where = subprocess.run([str(python), "-c", "import followup_lint, sys; print(followup_lint.__file__)"],
                           capture_output=True, text=True, cwd=outside, check=True).stdout
    assert str(env_dir) in where
    result = subprocess.run([str(env_dir / "bin" / "followup-lint"), "draft.txt", "--format", "json"],
                            capture_output=True, text=True, cwd=outside, timeout=120)
    assert result.returncode == 1, result.stderr
    rules = {f["rule"] for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert "no-value" in rules
