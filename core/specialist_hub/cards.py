"""Model cards rendered from a ModelSpec: Markdown for ``hub info --markdown`` and the docs."""

from __future__ import annotations

import json

from .inputs import describe_value
from .spec import ModelSpec

#: Card sections a plugin may fill, in the order they are shown.
CARD_SECTIONS = ("intended_use", "training_data", "metrics", "limitations")


def render_markdown(spec: ModelSpec, available: bool = True, install_hint: str = "") -> str:
    lines = [f"# {spec.id}", "", spec.summary, ""]
    facts = [("Task", spec.task), ("Input", spec.input_kind), ("Version", spec.version),
             ("Licence", spec.license),
             ("Commercial use", "yes" if spec.commercial_use else "**no** — a non-commercial licence applies"),
             ("Domain default", "yes" if spec.default else "no"),
             ("Runs on", "CPU or GPU (torch)" if spec.uses_torch else "CPU"),
             ("Deterministic", "yes" if spec.deterministic else "no")]
    if not available:
        facts.append(("Status", f"not installed — `{install_hint}`"))
    if spec.url:
        facts.append(("Source", spec.url))
    lines += [f"- **{name}:** {value}" for name, value in facts] + [""]
    for section in CARD_SECTIONS:
        if spec.card.get(section):
            lines += [f"## {section.replace('_', ' ').capitalize()}", "", spec.card[section].strip(), ""]
    lines += ["## Outputs", "", "| field | type | unit | description |", "|---|---|---|---|"]
    lines += [f"| {o.name} | {o.type}{'?' if o.nullable else ''} | {o.unit} | {o.description} |" for o in spec.outputs]
    lines.append("")
    if spec.options:
        lines += ["## Options", "", "| option | type | default | description |", "|---|---|---|---|"]
        for option in spec.options:
            choices = f" (one of {', '.join(map(str, option.choices))})" if option.choices else ""
            lines.append(f"| {option.name} | {option.type} | {option.default!r} | {option.description}{choices} |")
        lines.append("")
    if spec.weights:
        lines += ["## Weights", "", "| file | size | sha256 | source |", "|---|---|---|---|"]
        lines += [f"| {w.file} | {w.size:,} B | `{w.sha256}` | {w.source} |" for w in spec.weights]
        lines.append("")
    if spec.examples:
        lines += ["## Examples", ""]
        for example in spec.examples:
            options = f" with options {dict(example.options)}" if example.options else ""
            expected = json.dumps(dict(example.expected), default=str)
            reference = f"; reference: {example.reference}" if example.reference else ""
            lines.append(f"- input `{describe_value(example.input)}`{options} → `{expected}` "
                         f"(tolerance {example.tolerance:g}){reference}")
        lines.append("")
    lines += ["## Citation", "", spec.citation.strip(), ""]
    return "\n".join(lines)
