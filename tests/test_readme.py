"""The README's set-up commands are what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = bash_blocks((ROOT / "README.md").read_text())[1].strip()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines


def test_readme_install_command_predicts_with_the_chemistry_default():
    install = bash_blocks((ROOT / "README.md").read_text())[0].strip()
    assert install == 'pip install -e ".[all]" && hub predict --domain chem "CC(=O)Oc1ccccc1C(=O)O"'
