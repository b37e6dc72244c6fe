"""The README's set-up commands are what CI runs."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = bash_blocks((ROOT / "README.md").read_text())[1].strip()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines


def test_readme_first_prediction_runs():
    install = bash_blocks((ROOT / "README.md").read_text())[0].strip()
    first_prediction = shlex.split(install.split("&&", 1)[1])
    assert first_prediction[0] == "hub"
    hub = Path(sys.executable).with_name("hub")
    result = subprocess.run([str(hub), *first_prediction[1:], "--format", "jsonl"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["output"]["formula"] == "C9H8O4"  # aspirin, PubChem CID 2244
