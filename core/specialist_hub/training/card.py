"""The card of a trained model, generated from what was measured: Markdown with a parity or ROC
plot and a learning curve, and the sections ``hub info`` shows."""

from __future__ import annotations

from typing import Any

import numpy as np

from .artifact import ArtifactWriter
from .data import Labelled


def _figure(value: Any) -> str:
    return "–" if value is None or (isinstance(value, float) and not np.isfinite(value)) else f"{value:.3g}"


def _metrics_table(figures: dict[str, Any]) -> str:
    held, rand = figures["scaffold_or_group_split"], figures["random_split"]
    rows = ["| metric | grouped split (the field's) | random split |", "|---|---|---|"]
    rows += [f"| {key} | {_figure(held[key])} | {_figure(rand.get(key))} |" for key in held]
    return "\n".join(rows)


def _heads_table(figures: dict[str, Any]) -> str:
    key = "rmse" if figures["task"] == "regression" else "log_loss"
    rows = [f"| head | held-out {key} | seconds |", "|---|---|---|"]
    for name, tried in figures["heads"].items():
        rows.append(f"| {name}{' (chosen)' if name == figures['head'] else ''} | "
                    f"{_figure(tried.get(key)) if 'skipped' not in tried else 'skipped: ' + tried['skipped']} | "
                    f"{tried.get('seconds', '–')} |")
    return "\n".join(rows)


def _curve_verdict(curve: list[dict[str, float]], key: str) -> str:
    if len(curve) < 2:
        return "Too few records for a learning curve."
    last, before = curve[-1][key], curve[-2][key]
    gain = (before - last) / before if before else 0.0
    if gain > 0.03:
        return (f"The held-out {key} still fell by {gain:.0%} over the last quarter of the data: more labelled "
                f"records would likely help.")
    return f"The held-out {key} changed by {gain:.0%} over the last quarter of the data: the curve has flattened."


def _plots(writer: ArtifactWriter, name: str, figures: dict[str, Any]) -> list[str]:
    """A parity plot (regression) or ROC curve (two classes) of the held-out predictions, and the
    learning curve, as PNG files of the artifact; none without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made = []

    def save(fig: Any, path: str) -> None:
        fig.tight_layout()
        fig.savefig(writer.path(path))
        plt.close(fig)
        made.append(path)

    oof, key = figures["oof"], "rmse" if figures["task"] == "regression" else "log_loss"
    if figures["task"] == "regression":
        fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
        y, p = np.array(oof["y"]), np.array(oof["predicted"])
        ax.scatter(y, p, s=6, alpha=0.5)
        low, high = float(min(y.min(), p.min())), float(max(y.max(), p.max()))
        ax.plot([low, high], [low, high], color="grey", lw=1)
        ax.set(xlabel=f"measured {name}", ylabel=f"predicted {name} (held out)", title="Parity, grouped folds")
        save(fig, f"plots/{name}_parity.png")
    elif oof["score"]:
        from sklearn.metrics import roc_curve

        fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
        fpr, tpr, _ = roc_curve(oof["y"], oof["score"])
        ax.plot(fpr, tpr)
        ax.plot([0, 1], [0, 1], color="grey", lw=1)
        ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC, grouped folds")
        save(fig, f"plots/{name}_roc.png")
    curve = figures["learning_curve"]
    if curve:
        fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
        ax.plot([c["records"] for c in curve], [c[key] for c in curve], marker="o")
        ax.set(xlabel="training records", ylabel=f"held-out {key}", title="Learning curve")
        save(fig, f"plots/{name}_learning_curve.png")
    return made


def write_card(writer: ArtifactWriter, manifest: dict[str, Any], metrics: dict[str, Any], data: Labelled) -> str:
    """Write ``card.md`` and the plots, put the card's sections into the manifest, and return the Markdown."""
    featurizer, training = manifest["featurizer"], metrics["_training"]
    sections_metrics, limitations = [], []
    markdown = [f"# user/{manifest['name']}", "", manifest["summary"], ""]
    for target in manifest["targets"]:
        name = target["name"]
        figures = metrics[name]
        plots = _plots(writer, name, figures)
        figures.pop("oof", None)
        key = "rmse" if figures["task"] == "regression" else "log_loss"
        trust = (f"90 % conformal intervals held {figures['interval_coverage']:.1%} of held-out values"
                 if figures["task"] == "regression" else
                 f"90 % conformal sets held {figures['set_coverage']:.1%} of held-out labels (mean size "
                 f"{figures['mean_set_size']:.2f}); calibrated ECE {figures['calibrated']['ece']:.3f} vs raw "
                 f"{figures['scaffold_or_group_split']['ece']:.3f}")
        domain = figures["domain"]
        ratio = domain.get("ratio")
        domain_text = (f"{domain['out_of_domain']} of {domain['in_domain'] + domain['out_of_domain']} held-out records "
                       f"fell outside the applicability domain; their {domain['error']} was "
                       f"{_figure(ratio)}× that of the records inside" if ratio is not None else
                       "no held-out record fell outside the domain")
        block = [f"## {name} ({figures['task']}, {figures['records']} records, {figures['head']} head)", "",
                 _metrics_table(figures), "", "Heads compared on the grouped folds:", "", _heads_table(figures), "",
                 f"Trust, measured on held-out folds: {trust}; {domain_text}.", "",
                 _curve_verdict(figures["learning_curve"], key), ""]
        block += [f"![{path}]({path})" for path in plots] + [""]
        markdown += block
        held = figures["scaffold_or_group_split"]
        main = "rmse" if figures["task"] == "regression" else "roc_auc"
        sections_metrics.append(f"{name}: held-out {main} {_figure(held[main])} on the field's split, "
                                f"{_figure(figures['random_split'][main])} on a random split ({figures['head']} head); "
                                f"{trust}; {domain_text}.")
        if ratio is not None and ratio < 1.2:
            limitations.append(f"{name}: the applicability domain separates errors weakly (ratio {_figure(ratio)}).")
    dropped = data.dropped_counts()
    dropped_text = "; ".join(f"{count} {reason}" for reason, count in dropped.items()) or "none"
    training_data = (f"{training['records']} records of {manifest['data']['source']} (sha256 of the rows "
                     f"{manifest['data']['sha256'][:16]}…); dropped or merged: {dropped_text}. Split: {training['split']}, "
                     f"{training['folds']} folds. Features: {featurizer['summary']} ({featurizer['features']}).")
    markdown += ["## Training data", "", training_data, "", "## Notes", "", *[f"- {note}" for note in data.notes], "",
                 "## Licence", "", manifest["license"]["text"], ""]
    limitations.append("Figures come from cross-validation on the training file; performance on other sources "
                       "(other assays, labs or chemistry) can be lower, most of all outside the applicability domain.")
    manifest["card"] = {"intended_use": f"Predictions like the training data's ({manifest['summary']}).",
                        "training_data": training_data, "metrics": " ".join(sections_metrics),
                        "limitations": " ".join(limitations)}
    text = "\n".join(markdown)
    writer.path("card.md").write_text(text, encoding="utf-8")
    return text
