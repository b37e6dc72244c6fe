"""``hub new-plugin``: writes a ready-to-install plugin package from the templates beside this file.

The domain chooses the example model: chemistry, biology, vision and audio get a small, real
model of their input kind (molecule, sequence, image, audio); any other domain gets a text model.
Each passes ``hub check`` and its own tests as generated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..registry import DOMAIN_ALIASES
from ..weights import sha256_of
from .media import four_colours_png, sine_wav

TEMPLATES = Path(__file__).parent
#: Template file ({kind}: the starter's input kind) -> path in the new plugin ({package}: import name,
#: {model}: the starter model's name).
LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "tests.yml.tmpl": ".github/workflows/tests.yml",
    "__init__.py.tmpl": "{package}/__init__.py",
    "plugin-{kind}.py.tmpl": "{package}/plugin.py",
    "card-{kind}.md.tmpl": "{package}/cards/{model}.md",
    "model-{kind}.py.tmpl": "{package}/model.py",
    "test_plugin.py.tmpl": "tests/test_plugin.py",
}
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"\{\{\w+\}\}")


@dataclass(frozen=True)
class Starter:
    """The example model written for one input kind."""

    #: The model's name: its id is ``DOMAIN/model``.
    model: str
    #: ``hub predict`` arguments for the README; ``{package}`` is the import name.
    predict: str
    #: A Python literal of an input the model must refuse with InputError (the generated test).
    bad_input: str
    #: Requirements beyond ``specialist-hub``, as in the hub's extra for the domain.
    dependencies: tuple[str, ...] = ()
    #: Package data: the path inside the package -> what writes it.
    files: Mapping[str, Callable[[], bytes]] = field(default_factory=dict)
    #: The one of ``files`` that is the model's weights (its sha256 goes into the spec).
    weights: str = ""


STARTERS = {
    "text": Starter("flesch-reading-ease", '"The cat sat on the mat."', '"1234 5678"',
                    files={"weights/flesch-1948.json": (TEMPLATES / "flesch-1948.json.tmpl").read_bytes},
                    weights="weights/flesch-1948.json"),
    "molecule": Starter("ghose-filter", '"CC(=O)Oc1ccccc1C(=O)O"', '"not a molecule"', ("rdkit>=2023.9",)),
    "sequence": Starter("wallace-tm", "CGTTCCAAAGATGTGGGCATGAGCTTAC", '"ACGTXZ"'),
    "image": Starter("brightness", "{package}/examples/four-colours.png", '"missing.png"',
                     ("Pillow>=10", "numpy>=1.24"), files={"examples/four-colours.png": four_colours_png}),
    "audio": Starter("tone", "{package}/examples/a440.wav", '"missing.wav"', ("numpy>=1.24", "soundfile>=0.12"),
                     files={"examples/a440.wav": sine_wav}),
}
#: The input kind of each built-in domain; other domains get the text starter.
DOMAIN_KINDS = {"chemistry": "molecule", "biology": "sequence", "vision": "image", "audio": "audio"}


def create_plugin(name: str, domain: str = "text", directory: str | Path | None = None) -> Path:
    """Write the plugin ``hub-plugin-NAME`` (import name ``hub_plugin_NAME``) and return its folder."""
    domain = DOMAIN_ALIASES.get(domain, domain)
    if not NAME.match(name) or not NAME.match(domain):
        raise UsageError(f"Plugin and domain names take lower-case letters, digits and '-'; got {name!r}, {domain!r}.")
    kind = DOMAIN_KINDS.get(domain, "text")
    starter = STARTERS[kind]
    package = f"hub_plugin_{name.replace('-', '_')}"
    target = Path(directory) if directory else Path(f"hub-plugin-{name}")
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} exists and is not empty; choose another --directory.")
    for relative, write in starter.files.items():
        path = target / package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(write())
    values = {"entry_point": name, "distribution": f"hub-plugin-{name}", "package": package, "domain": domain,
              "model": starter.model, "model_id": f"{domain}/{starter.model}", "predict": starter.predict.format(package=package),
              "bad_input": starter.bad_input,
              "dependencies": ", ".join(f'"{d}"' for d in ("specialist-hub", *starter.dependencies))}
    if starter.weights:
        weights = target / package / starter.weights
        values.update(weights_sha256=sha256_of(weights), weights_size=str(weights.stat().st_size))
    values["about"] = _render(f"about-{kind}.md.tmpl", values).strip()
    for template, relative in LAYOUT.items():
        path = target / relative.format(package=package, model=starter.model)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_render(template.format(kind=kind), values))
    return target


def _render(template: str, values: Mapping[str, str]) -> str:
    text = (TEMPLATES / template).read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    leftover = PLACEHOLDER.search(text)
    if leftover:
        raise RuntimeError(f"scaffold template {template} has no value for {leftover.group()}")
    return text
