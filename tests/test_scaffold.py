"""The plugin author kit: `hub new-plugin` output installs, lists, checks and tests without edits,
for every domain's starter model."""

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from specialist_hub.cli import main
from specialist_hub.scaffold import DOMAIN_KINDS, STARTERS

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: mypy, a dev dependency, brings tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def new_plugin(tmp_path: Path, name: str, domain: str) -> Path:
    package = tmp_path / f"hub-plugin-{name}"
    created = CliRunner().invoke(main, ["new-plugin", name, "--domain", domain, "--directory", str(package)])
    assert created.exit_code == 0, created.output
    return package


def hub_runner(tmp_path: Path, *paths: Path, plugin: str):
    """Run Python in a fresh interpreter that sees ``paths`` and only the plugin ``plugin`` (and
    pytest without the dev environment's plugins, which the generated tests do not need)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, paths), os.environ.get("PYTHONPATH", "")]),
           "HUB_PLUGINS": plugin, "HUB_CACHE_DIR": str(tmp_path / "cache"), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}

    def run(*args, cwd=tmp_path):
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)

    return run


def fake_install(plugin: Path, site: Path) -> None:
    """What ``pip install -e`` would register, from the generated pyproject.toml: the
    distribution's metadata and entry points (the package itself is found on PYTHONPATH)."""
    project = tomllib.loads((plugin / "pyproject.toml").read_text())["project"]
    dist = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    points = project["entry-points"]["specialist_hub"]
    (dist / "entry_points.txt").write_text("[specialist_hub]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()))


@pytest.mark.parametrize("domain", [*DOMAIN_KINDS, "text"])
def test_every_domain_gets_a_model_of_its_kind_that_checks_predicts_and_tests(tmp_path, domain):
    name = f"rt-{domain}"
    plugin = new_plugin(tmp_path, name, domain)
    kind = DOMAIN_KINDS.get(domain, "text")
    model_id = f"{domain}/{STARTERS[kind].model}"
    assert f'input_kind="{kind}"' in (plugin / f"hub_plugin_rt_{domain}" / "plugin.py").read_text()
    assert model_id in (plugin / "README.md").read_text()
    fake_install(plugin, tmp_path / "site")
    run = hub_runner(tmp_path, tmp_path / "site", plugin, plugin=name)

    listing = run("-m", "specialist_hub", "list", "--domain", domain)
    assert model_id in listing.stdout, listing.stderr
    check = run("-m", "specialist_hub", "check")
    assert check.returncode == 0 and "PASS" in check.stdout and "FAIL" not in check.stdout, check.stdout + check.stderr
    readme_input = STARTERS[kind].predict.format(package=f"hub_plugin_rt_{domain}").strip('"')
    predicted = run("-m", "specialist_hub", "predict", "-m", model_id, readme_input, "-f", "jsonl", cwd=plugin)
    assert predicted.returncode == 0 and '"ok": true' in predicted.stdout, predicted.stdout + predicted.stderr
    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", str(plugin / "tests"))
    assert tests.returncode == 0 and "2 passed" in tests.stdout, tests.stdout + tests.stderr


def test_an_installed_plugin_ships_its_weights_and_a_tampered_file_fails_the_check(tmp_path):
    """A real (non-editable) pip install: the package data reaches site-packages, the core
    verifies it, and a changed byte makes ``hub check`` fail with both hashes."""
    plugin = new_plugin(tmp_path, "roundtrip", "demo")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(plugin)], check=True, capture_output=True)
    run = hub_runner(tmp_path, site, plugin="roundtrip")
    check = run("-m", "specialist_hub", "check", "demo/flesch-reading-ease")
    assert check.returncode == 0 and "PASS" in check.stdout, check.stdout + check.stderr

    installed = site / "hub_plugin_roundtrip" / "weights" / "flesch-1948.json"
    declared = run("-m", "specialist_hub", "weights", str(installed)).stdout
    installed.write_text(installed.read_text().replace("206.835", "206.836"))
    tampered = run("-m", "specialist_hub", "check", "demo/flesch-reading-ease")
    actual = run("-m", "specialist_hub", "weights", str(installed)).stdout
    expected_hash, actual_hash = (line.split('sha256="')[1][:64] for line in (declared, actual))
    assert tampered.returncode == 1 and "FAIL" in tampered.stdout
    assert f"expected {expected_hash}, got {actual_hash}" in tampered.stdout, tampered.stdout


def test_domain_aliases_give_the_domain_itself(tmp_path):
    plugin = new_plugin(tmp_path, "alias", "chem")
    assert 'SpecFamily("chemistry", input_kind="molecule"' in (plugin / "hub_plugin_alias" / "plugin.py").read_text()


def test_the_template_ships_a_gitignore_and_a_ci_workflow(tmp_path):
    plugin = new_plugin(tmp_path, "ci", "biology")
    assert "*.egg-info/" in (plugin / ".gitignore").read_text()
    workflow = (plugin / ".github" / "workflows" / "tests.yml").read_text()
    assert "hub check" in workflow and "python -m pytest tests" in workflow and "HUB_PLUGINS: ci" in workflow


def test_scaffold_refuses_to_overwrite(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new-plugin", "x", "--directory", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.stderr


def test_the_shipped_template_is_the_scaffold_output(tmp_path):
    CliRunner().invoke(main, ["new-plugin", "template", "--domain", "text", "--directory", str(tmp_path / "t")])
    comparison = filecmp.dircmp(tmp_path / "t", ROOT / "examples" / "plugin-template",
                                ignore=["__pycache__", ".pytest_cache", "hub_plugin_template.egg-info"])

    def differences(cmp):
        found = cmp.left_only + cmp.right_only + cmp.diff_files
        return found + [d for sub in cmp.subdirs.values() for d in differences(sub)]

    assert differences(comparison) == []
