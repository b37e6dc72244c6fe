"""What the install says (issue 33): every extra and domain named where a newcomer looks first,
and a CPU-only torch install that the extras keep."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from specialist_hub.cli import main

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DOMAINS = ("chemistry", "biology", "vision", "audio", "video")


def test_help_and_description_name_every_domain_and_what_else_the_hub_does():
    help_text = " ".join(CliRunner().invoke(main, ["--help"]).output.split())
    for text in (help_text, PROJECT["description"]):
        assert all(domain in text for domain in DOMAINS), text
        assert all(word in text.lower() for word in ("train", "serve", "ray", "mcp")), text


def test_the_readme_extras_line_names_every_extra_of_pyproject():
    readme = (ROOT / "README.md").read_text()
    extras_line = " ".join(readme.split("Extras:", 1)[1].split("\n\n", 1)[0].split())
    named = set(re.findall(r"`([a-z-]+)`", extras_line))
    assert set(PROJECT["optional-dependencies"]) <= named


def test_cpu_only_torch_is_documented_and_no_extra_forces_a_cuda_build():
    readme = (ROOT / "README.md").read_text()
    assert "pip install torch torchaudio --index-url https://download.pytorch.org/whl/cpu" in readme
    requirements = [r for extra in PROJECT["optional-dependencies"].values() for r in extra] + PROJECT["dependencies"]
    assert not [r for r in requirements if re.search(r"nvidia|cuda|-gpu|\+cu\d", r, re.I)]
    torch_pins = {r for r in requirements if re.match(r"torch(audio)?\b", r)}
    assert torch_pins and all("+" not in pin and "==" not in pin for pin in torch_pins)  # any build of the range
