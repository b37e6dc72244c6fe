"""How predictions look: an HTML table for notebooks, a few lines of text for terminals.

The core draws the table (fields in spec order with their units, errors in their own column,
long values folded); plugins draw the inputs of their kinds through the ``register_renderers``
hook (molecule depictions, image thumbnails, audio players), so no RDKit or PIL code lives here.
The size is bounded whatever the number of predictions: the first :data:`ROW_LIMIT` rows, at most
:data:`INPUT_BUDGET` characters of drawn inputs, and folded values cut to :data:`FOLDED_CHARS`.
"""

from __future__ import annotations

import html
import importlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from .trust import out_of_domain_note

if TYPE_CHECKING:
    from .spec import ModelSpec

#: ``render(value=..., output=...)`` -> an HTML fragment for one input cell, or None; or the
#: ``"module:function"`` that names it, imported on first use (see hookspecs).
Renderer: TypeAlias = "Callable[..., str | None] | str"

#: Rows an HTML table shows; the others are counted, and slicing (``results[20:40]``) shows them.
ROW_LIMIT = 20
#: Characters of drawn inputs one table may hold; the inputs of later rows are shown as text.
INPUT_BUDGET = 2_000_000
#: Lists and dicts with more items, or longer text, are folded into a ``<details>`` element.
FOLD_ITEMS = 6
FOLD_CHARS = 80
#: Characters of a folded value shown when unfolded.
FOLDED_CHARS = 2_000
#: Rows the plain-text ``repr`` lists, and the width of each line.
TEXT_ROWS = 8
TEXT_WIDTH = 110

#: Selectors start with ``div.hub-predictions table.hub-table`` to outrank JupyterLab's own table rules
#: (right-aligned cells, fixed layout, pictures shrunk to the column).
_T = "div.hub-predictions table.hub-table"
STYLE = "<style>" + "".join(f"{_T}{rule}" for rule in (
    "{border-collapse:collapse;font-size:12px;line-height:1.35;table-layout:auto;margin:0}",
    " caption{caption-side:top;text-align:left;font-weight:600;padding:2px 0 6px}",
    f" th,{_T} td{{padding:4px 8px;border-bottom:1px solid #8884;text-align:left;vertical-align:top;"
    "white-space:normal}",
    " th{white-space:nowrap}",
    " td.hub-num{text-align:right;font-variant-numeric:tabular-nums}",
    " td.hub-error{color:#b00020;background:#b0002012;min-width:12em}",
    " td.hub-no-error{min-width:12em}",
    " .hub-null{opacity:.45}",
    " tr.hub-out-of-domain td{background:#f5a6231f}",
    " tr.hub-out-of-domain td[data-field=in_domain]{color:#8a4b00;font-weight:600}",
    " tr.hub-out-of-domain td[data-field=in_domain]::after{content:' \\26A0  out of domain'}",
    " details summary{cursor:pointer;opacity:.8}",
    " details pre{margin:2px 0;white-space:pre-wrap;word-break:break-all;max-width:42em;max-height:18em;"
    "overflow:auto;font-size:11px}",
    f" td.hub-input svg,{_T} td.hub-input img{{max-width:none}}",
)) + "div.hub-predictions .hub-more{opacity:.8;margin:6px 0 0}</style>"


class ShownPrediction(Protocol):
    """The fields of a prediction that tables and lines show: a
    :class:`~specialist_hub.results.Prediction` (whose module imports this one for its views)."""

    @property
    def position(self) -> int: ...

    @property
    def id(self) -> str | None: ...

    @property
    def input(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def ok(self) -> bool: ...

    @property
    def output(self) -> dict[str, Any] | None: ...

    @property
    def error(self) -> dict[str, str] | None: ...


@dataclass(frozen=True)
class DisplayContext:
    """What a table needs beyond the records: each model's spec (field order, units, input kind),
    the plugins' renderers, and the inputs as the caller gave them, by position, when kept."""

    specs: Mapping[str, ModelSpec] = field(default_factory=dict)
    renderers: Sequence[tuple[str, Renderer]] = ()
    values: Mapping[int, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, specs: Iterable[ModelSpec], renderers: Iterable[tuple[str, Renderer]] = (),
           values: Mapping[int, Any] | None = None) -> DisplayContext:
        """The context of the models with these specs, drawn by these renderers (their registry's)."""
        return cls({spec.id: spec for spec in specs}, tuple(renderers), dict(values or {}))

    def render_input(self, prediction: ShownPrediction) -> str | None:
        """The first renderer's HTML for this prediction's input, or None (shown as text)."""
        spec = self.specs.get(prediction.model)
        if spec is None:
            return None
        value = self.values.get(prediction.position, prediction.input)
        for kind, render in self.renderers:
            if kind != spec.input_kind:
                continue
            try:
                fragment = _resolve(render)(value=value, output=prediction.output, spec=spec)
            except Exception:  # noqa: BLE001 - a renderer's bug must not hide the results
                continue
            if fragment:
                return fragment
        return None


def _resolve(render: Renderer) -> Callable[..., str | None]:
    if not isinstance(render, str):
        return render
    module, _, name = render.partition(":")
    return getattr(importlib.import_module(module), name)


# -- HTML ----------------------------------------------------------------------------------------

def predictions_html(predictions: Sequence[ShownPrediction], context: DisplayContext | None = None,
                     limit: int = ROW_LIMIT) -> str:
    """The predictions as one bounded HTML table (the first ``limit`` rows and a count)."""
    context = context or DisplayContext()
    total = len(predictions)
    failed = sum(not p.ok for p in predictions)
    models = list(dict.fromkeys(p.model for p in predictions))
    shown = list(predictions[:limit])
    columns = _columns(shown, context)
    with_ids = any(p.id is not None for p in shown)
    head = ["#", *(["id"] if with_ids else []), "input", *(["model"] if len(models) > 1 else [])]
    header = "".join(f"<th>{html.escape(name)}</th>" for name in head)
    header += "".join(f'<th title="{html.escape(description)}">{html.escape(title)}</th>'
                      for _, title, description in columns)
    header += "<th>error</th>" if failed else ""
    budget = INPUT_BUDGET
    rows = []
    for prediction in shown:
        drawn = context.render_input(prediction) if budget > 0 else None
        budget -= len(drawn or "")
        cells = [f'<td class="hub-pos">{prediction.position}</td>']
        if with_ids:
            cells.append(f"<td>{_text(prediction.id)}</td>")
        cells.append(f'<td class="hub-input">{drawn or _text(prediction.input)}</td>')
        if len(models) > 1:
            cells.append(f"<td>{html.escape(prediction.model)}</td>")
        output = prediction.output or {}
        cells += [_cell(name, output.get(name), name in output) for name, _, _ in columns]
        if failed:
            cells.append(_error_cell(prediction))
        note = out_of_domain_note(prediction.output)
        marked = f' class="hub-out-of-domain" title="{html.escape(note)}"' if note else \
            f' class="{"hub-ok" if prediction.ok else "hub-failed"}"'
        rows.append(f'<tr{marked}>{"".join(cells)}</tr>')
    caption = (f"{total:,} prediction{'s' if total != 1 else ''} · {total - failed:,} ok · {failed:,} failed · "
               f"{html.escape(', '.join(models[:4]) + (' …' if len(models) > 4 else ''))}")
    more = ""
    if total > len(shown):
        more = (f'<p class="hub-more">Showing {len(shown):,} of {total:,}: see the others with '
                f"<code>results[{len(shown)}:{2 * len(shown)}]</code>, all with <code>results.to_dataframe()</code>"
                "</p>")
    return (f'<div class="hub-predictions">{STYLE}<table class="hub-table"><caption>{caption}</caption>'
            f'<thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}</div>')


def _columns(shown: Sequence[ShownPrediction], context: DisplayContext) -> list[tuple[str, str, str]]:
    """(field, header, description) per output field: the specs' fields in order, units in the header."""
    columns: dict[str, tuple[str, str, str]] = {}
    for prediction in shown:
        spec = context.specs.get(prediction.model)
        if spec is not None:
            for out in spec.outputs:
                header = f"{out.name} ({out.unit})" if out.unit else out.name
                columns.setdefault(out.name, (out.name, header, out.description))
        for name in prediction.output or {}:
            columns.setdefault(name, (name, name, ""))
    return list(columns.values())


def _text(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _error_cell(prediction: ShownPrediction) -> str:
    if prediction.ok:
        return '<td class="hub-no-error"></td>'
    error = prediction.error or {}
    return f'<td class="hub-error"><b>{_text(error.get("type"))}</b>: {_text(error.get("message"))}</td>'


def _cell(name: str, value: Any, present: bool = True) -> str:
    """One output value; empty when the prediction failed or its model has no such field."""
    attribute = f'data-field="{html.escape(name)}"'
    if not present:
        return f"<td {attribute}></td>"
    if value is None:
        return f'<td {attribute} class="hub-null">–</td>'
    if isinstance(value, bool):
        return f"<td {attribute}>{value}</td>"
    if isinstance(value, (int, float)):
        return f'<td {attribute} class="hub-num">{_number(value)}</td>'
    if isinstance(value, str) and len(value) <= FOLD_CHARS:
        return f"<td {attribute}>{html.escape(value)}</td>"
    if isinstance(value, (list, tuple, dict)) and len(value) <= FOLD_ITEMS:
        text = _preview(value, FOLD_CHARS + 1)
        if len(text) <= FOLD_CHARS:
            return f"<td {attribute}><code>{html.escape(text)}</code></td>"
    return f"<td {attribute}>{_folded(value)}</td>"


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    return format(value, ".6g") if math.isfinite(value) else str(value)


def _folded(value: Any) -> str:
    """A ``<details>`` element: a one-line summary, and the value's first characters when unfolded."""
    if isinstance(value, str):
        summary, body = f"{value[:60]}… ({len(value):,} characters)", value[:FOLDED_CHARS]
    else:
        what = ("key" if isinstance(value, dict) else "item") + ("" if len(value) == 1 else "s")
        summary, body = f"{type(value).__name__} of {len(value):,} {what}", _preview(value, FOLDED_CHARS)
    cut = "…" if len(body) >= FOLDED_CHARS else ""
    return f"<details><summary>{html.escape(summary)}</summary><pre>{html.escape(body)}{cut}</pre></details>"


def _preview(value: Any, limit: int) -> str:
    """JSON text of ``value``, built item by item and stopped near ``limit`` characters, so a list of
    a million floats costs no more than a short one."""
    if isinstance(value, dict):
        parts, opening, closing = ((f"{json.dumps(str(k))}: {_json(v)}" for k, v in value.items()), "{", "}")
    elif isinstance(value, (list, tuple)):
        parts, opening, closing = ((_json(item) for item in value), "[", "]")
    else:
        return _json(value)[:limit]
    text, used = [], len(opening)
    for part in parts:
        text.append(part)
        used += len(part) + 2
        if used >= limit:
            break
    return (opening + ", ".join(text) + closing)[:limit]


def _json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


# -- text ----------------------------------------------------------------------------------------

def predictions_text(predictions: Sequence[ShownPrediction], limit: int = TEXT_ROWS) -> str:
    """A terminal-sized summary: counts and models, then one clipped line per prediction."""
    total = len(predictions)
    if not total:
        return "Predictions: none"
    failed = sum(not p.ok for p in predictions)
    models = list(dict.fromkeys(p.model for p in predictions))
    lines = [f"Predictions: {total:,} from {', '.join(models[:3])}{' …' if len(models) > 3 else ''} "
             f"({total - failed:,} ok, {failed:,} failed)"]
    lines += ["  " + _clip(prediction_line(p), TEXT_WIDTH - 2) for p in predictions[:limit]]
    if total > limit:
        lines.append(f"  … {total - limit:,} more")
    return "\n".join(lines)


def prediction_text(prediction: ShownPrediction) -> str:
    """One prediction as one line, short enough for a terminal."""
    return f"<Prediction {_clip(prediction_line(prediction), TEXT_WIDTH - 14)}>"


def prediction_line(prediction: ShownPrediction) -> str:
    subject = f"#{prediction.position} {_clip(prediction.input, 32, middle=True)!r} {prediction.model}"
    if not prediction.ok:
        error = prediction.error or {}
        return f"{subject} failed: {error.get('type')}: {error.get('message')}"
    fields = ", ".join(f"{name}={_short(value)}" for name, value in (prediction.output or {}).items())
    note = out_of_domain_note(prediction.output)
    return f"{subject} {'OUT OF DOMAIN' if note else 'ok'}: {fields}"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return format(value, ".4g")
    if isinstance(value, (list, tuple)):
        return f"[{len(value)} items]" if value else "[]"
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}" if value else "{}"
    return repr(_clip(value, 24) if isinstance(value, str) else value)


def _clip(text: str, width: int, middle: bool = False) -> str:
    """``text`` on one line in ``width`` characters; ``middle`` keeps both ends (a path's file name)."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    if middle:
        return text[:width // 2 - 1] + "…" + text[-(width - width // 2):]
    return text[:width - 1] + "…"
