"""``hub new-plugin``: writes a ready-to-install plugin package from the templates beside this file."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UsageError

TEMPLATES = Path(__file__).parent
#: Template file -> path in the new package ({package} is replaced by the import name).
LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "__init__.py.tmpl": "{package}/__init__.py",
    "plugin.py.tmpl": "{package}/plugin.py",
    "model.py.tmpl": "{package}/model.py",
    "test_plugin.py.tmpl": "tests/test_plugin.py",
}
NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def create_plugin(name: str, domain: str = "text", directory: str | Path | None = None) -> Path:
    """Write the plugin ``hub-plugin-NAME`` (import name ``hub_plugin_NAME``) and return its folder."""
    if not NAME.match(name) or not NAME.match(domain):
        raise UsageError(f"Plugin and domain names take lower-case letters, digits and '-'; got {name!r}, {domain!r}.")
    values = {"entry_point": name, "distribution": f"hub-plugin-{name}",
              "package": f"hub_plugin_{name.replace('-', '_')}", "domain": domain}
    target = Path(directory) if directory else Path(values["distribution"])
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} exists and is not empty; choose another --directory.")
    for template, relative in LAYOUT.items():
        text = (TEMPLATES / template).read_text()
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        path = target / relative.format(package=values["package"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return target
