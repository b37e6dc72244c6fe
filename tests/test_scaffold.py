"""The plugin author kit: `hub new-plugin` output installs, lists, checks and tests without edits."""

import filecmp
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from specialist_hub.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_scaffold_round_trip(tmp_path):
    package = tmp_path / "hub-plugin-roundtrip"
    created = CliRunner().invoke(main, ["new-plugin", "roundtrip", "--domain", "demo", "--directory", str(package)])
    assert created.exit_code == 0, created.output
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(package)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}

    def run(*args):
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=tmp_path)

    listing = run("-m", "specialist_hub", "list", "--domain", "demo")
    assert "demo/flesch-reading-ease" in listing.stdout, listing.stderr
    check = run("-m", "specialist_hub", "check", "demo/flesch-reading-ease")
    assert check.returncode == 0 and "PASS" in check.stdout, check.stdout + check.stderr
    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests"))
    assert tests.returncode == 0 and "1 passed" in tests.stdout, tests.stdout + tests.stderr


def test_scaffold_refuses_to_overwrite(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new-plugin", "x", "--directory", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.stderr


def test_the_shipped_template_is_the_scaffold_output(tmp_path):
    CliRunner().invoke(main, ["new-plugin", "template", "--directory", str(tmp_path / "t")])
    comparison = filecmp.dircmp(tmp_path / "t", ROOT / "examples" / "plugin-template",
                                ignore=["__pycache__", ".pytest_cache", "hub_plugin_template.egg-info"])

    def differences(cmp):
        found = cmp.left_only + cmp.right_only + cmp.diff_files
        return found + [d for sub in cmp.subdirs.values() for d in differences(sub)]

    assert differences(comparison) == []
