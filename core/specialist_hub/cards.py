"""Model cards: read from a plugin's Markdown card files, and rendered from a ModelSpec as Markdown
for ``hub info --markdown`` and the docs.

A card's prose lives in a Markdown file beside the plugin (``cards/NAME.md``), not in Python
strings, so scripts can rewrite measured figures and reviewers read plain diffs. Its ``##``
headings are the card's sections, headed as the rendered card heads them (``## Intended use``);
``{name}`` placeholders take figures the plugin computes. Every mistake (an unknown heading, an
unfilled placeholder, a missing file) is an :class:`InvalidSpecError` naming the file and line.
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import InvalidSpecError
from .inputs import describe_value
from .spec import ModelSpec

#: Card sections a plugin may fill, in the order they are shown.
CARD_SECTIONS = ("intended_use", "training_data", "metrics", "limitations")


def card_heading(section: str) -> str:
    """How a card section is headed, in a card file and in the rendered card: ``Intended use``."""
    return section.replace("_", " ").capitalize()


def load_card(path: str | os.PathLike, values: Mapping[str, Any] | None = None, *,
              shared: Mapping[str, Any] | None = None,
              rewrite: Callable[[dict[str, str]], dict[str, str]] | None = None) -> dict[str, str]:
    """The card sections of one Markdown card file, checked.

    Each ``## Heading`` starts a section that runs to the next one (``###`` and deeper belong to
    the section's text); text before the first heading and a ``#`` title are errors (the card's
    title is the model id). ``{name}`` is replaced by ``values[name]`` or ``shared[name]``,
    ``{name:.3f}`` formats it; ``{{`` and ``}}`` are literal braces. Every name in ``values`` must be
    used (a figure the card no longer states is a mistake); ``shared`` holds what any card of a
    family may use. ``rewrite`` (a family's card function) runs before the sections are checked,
    so it may consume a section of its own (biology's ``## Input``).
    """
    path, values, shared = Path(path), dict(values or {}), dict(shared or {})
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidSpecError(f"{path}: card file missing; write it with the sections "
                               f"{', '.join('## ' + card_heading(s) for s in CARD_SECTIONS)}.") from None
    sections: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    used: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("# ", "## ")):
            heading = line.lstrip("#").strip()
            section = heading.lower().replace(" ", "_")
            if line.startswith("# "):
                raise InvalidSpecError(f"{path}:{number}: a card file has no '# title' (the model id is the card's "
                                       f"title); its sections start with '## '.")
            if heading != card_heading(section):
                raise InvalidSpecError(f"{path}:{number}: write the heading '## {heading}' as "
                                       f"'## {card_heading(section)}', as the rendered card heads it.")
            if section in sections:
                raise InvalidSpecError(f"{path}:{number}: section '## {heading}' repeats the one at line "
                                       f"{starts[section]}.")
            sections[section], starts[section] = [], number
        elif sections:
            sections[next(reversed(sections))].append(_fill(line, path, number, {**shared, **values}, used))
        elif line.strip():
            raise InvalidSpecError(f"{path}:{number}: text before the first '## ' heading; start with "
                                   f"'## {card_heading(CARD_SECTIONS[0])}'.")
    card = {section: "\n".join(lines).strip() for section, lines in sections.items()}
    for section, body in card.items():
        if not body:
            raise InvalidSpecError(f"{path}:{starts[section]}: section '## {card_heading(section)}' is empty; "
                                   f"write it or leave the heading out.")
    unused = sorted(set(values) - used)
    if unused:
        raise InvalidSpecError(f"{path}: the card is given {', '.join(unused)} but never uses "
                               f"{'them' if len(unused) > 1 else 'it'}; write {{{unused[0]}}} where the figure "
                               f"goes or stop passing it.")
    if rewrite is not None:
        card = rewrite(card)
    for section in card:
        if section not in CARD_SECTIONS:
            raise InvalidSpecError(f"{path}:{starts.get(section, 1)}: unknown card section "
                                   f"'## {card_heading(section)}'; the sections are "
                                   f"{', '.join('## ' + card_heading(s) for s in CARD_SECTIONS)}.")
    return card


def _fill(line: str, path: Path, number: int, values: Mapping[str, Any], used: set[str]) -> str:
    """One line with its placeholders filled (a placeholder never spans lines)."""
    if "{" not in line and "}" not in line:
        return line
    try:
        parts = list(string.Formatter().parse(line))
    except ValueError as exc:
        raise InvalidSpecError(f"{path}:{number}: {exc}; write {{{{ and }}}} for a literal brace.") from None
    filled = []
    for literal, name, spec, conversion in parts:
        filled.append(literal)
        if name is None:
            continue
        if not name.isidentifier() or conversion or "{" in (spec or ""):
            raise InvalidSpecError(f"{path}:{number}: placeholder {{{name}}} must be {{name}} or {{name:format}} "
                                   f"(write {{{{ and }}}} for literal braces).")
        if name not in values:
            given = ", ".join(sorted(values)) or "none"
            raise InvalidSpecError(f"{path}:{number}: placeholder {{{name}}} is not filled; the plugin gives this "
                                   f"card {given} (pass card_values={{{name!r}: ...}}).")
        used.add(name)
        try:
            filled.append(format(values[name], spec or ""))
        except (TypeError, ValueError) as exc:
            raise InvalidSpecError(f"{path}:{number}: placeholder {{{name}:{spec}}}: {exc}.") from None
    return "".join(filled)


def check_card_folder(folder: str | os.PathLike, model_ids: Iterable[str]) -> None:
    """Every card file in ``folder`` belongs to one of ``model_ids`` (a card left behind by a renamed
    or removed model is an error, as :func:`load_card` makes a missing one)."""
    names = {model_id.split("/", 1)[-1] for model_id in model_ids}
    stray = sorted(path.name for path in Path(folder).glob("*.md") if path.stem not in names)
    if stray:
        raise InvalidSpecError(f"{folder}: card file(s) {', '.join(stray)} belong to no registered model "
                               f"({', '.join(sorted(names))}); rename or delete them.")


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
            lines += [f"## {card_heading(section)}", "", spec.card[section].strip(), ""]
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
