"""Which model answers ``--domain D`` when more than one claims to be the domain's default.

Installing a plugin must not silently change what ``hub predict --domain D`` runs: when a new
plugin marks a model ``default=True`` in a domain that already has a built-in default, the
built-in one stays in force and the registry warns. A user who wants another default says so in
``$HUB_DEFAULTS`` (``chemistry=chemistry/qed,biology=biology/esm2``) or in the ``[defaults]``
section of the config file (``$HUB_CONFIG``, else ``~/.config/specialist-hub/config.ini``)::

    [defaults]
    chemistry = chemistry/qed

The environment wins over the file, domain by domain. The registry calls :func:`choose_defaults`
once after registration; ``hub list`` marks the default in force.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from .spec import ModelSpec

DEFAULTS_ENV = "HUB_DEFAULTS"
CONFIG_ENV = "HUB_CONFIG"
#: The distribution whose plugins are the built-in ones.
BUILTIN_DISTRIBUTION = "specialist-hub"


def is_builtin_distribution(name: str | None) -> bool:
    return bool(name) and re.sub(r"[-_.]+", "-", str(name)).lower() == BUILTIN_DISTRIBUTION


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    return Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "specialist-hub" / "config.ini"


def configured_defaults(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The user's choices, domain -> model id: the config file's ``[defaults]``, then ``$HUB_DEFAULTS``."""
    parser = configparser.ConfigParser()
    parser.read(config_path(environ), encoding="utf-8")  # a missing file reads as empty
    entries = parser.items("defaults") if parser.has_section("defaults") else []
    chosen = {domain: model_id.strip().strip('"') for domain, model_id in entries}
    for entry in environ.get(DEFAULTS_ENV, "").split(","):
        domain, sep, model_id = entry.partition("=")
        if sep and domain.strip() and model_id.strip():
            chosen[domain.strip()] = model_id.strip()
    return chosen


def choose_defaults(specs: Iterable[ModelSpec], builtin_ids: Collection[str],
                    configured: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """``(domain -> default model id in force, warnings)``.

    :param specs: every registered spec, in registration order.
    :param builtin_ids: the ids registered by the hub's own plugins.
    :param configured: the user's choices (:func:`configured_defaults`); a choice that names no
        installed model of its domain is ignored with a warning.
    """
    by_domain: dict[str, list[ModelSpec]] = {}
    for spec in specs:
        by_domain.setdefault(spec.domain, []).append(spec)
    chosen: dict[str, str] = {}
    warnings: list[str] = []
    how_to_choose = f"set {DEFAULTS_ENV}=DOMAIN=MODEL_ID or add it under [defaults] in {config_path()}"
    for domain, members in sorted(by_domain.items()):
        wanted = configured.get(domain)
        if wanted in {spec.id for spec in members}:
            chosen[domain] = str(wanted)
            continue
        if wanted:
            warnings.append(f"The configured {domain} default {wanted!r} is not an installed {domain} model; "
                            f"ignoring it ({how_to_choose}).")
        claims = [spec.id for spec in members if spec.default]
        if not claims:
            continue
        builtin = [model_id for model_id in claims if model_id in builtin_ids]
        chosen[domain] = (builtin or claims)[0]
        if len(claims) > 1:
            kept = "the built-in one" if builtin else "the first registered"
            warnings.append(f"{len(claims)} models claim to be the {domain} default ({', '.join(claims)}); "
                            f"{chosen[domain]} stays in force ({kept}). To choose another, {how_to_choose}.")
    return chosen, warnings
