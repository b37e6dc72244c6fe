"""``hub train`` and ``hub package``: click commands over :func:`~specialist_hub.training.trainer.train`
and :func:`~specialist_hub.training.package.build_wheel` (heavy imports happen inside them)."""

from __future__ import annotations

import json
import sys

import click

from ..errors import UsageError


def _stage_reporter(quiet: bool):
    """A one-line progress bar that names the stage and the time spent, on a terminal; stage lines otherwise."""
    if quiet:
        return lambda message: None, lambda: None
    if sys.stderr.isatty():
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            bar = tqdm(total=None, bar_format="{desc} [{elapsed}]", file=sys.stderr, leave=False)
            return (lambda message: bar.set_description_str(f"hub train: {message}")), bar.close
    return (lambda message: click.echo(f"hub train: {message}", err=True)), lambda: None


def _summary(report) -> list[str]:
    lines = [*report.notes]
    for reason, items in report.dropped.items():
        lines.append(f"{len(items)} {reason}" + (f" (e.g. {items[0]})" if items else ""))
    for name, figures in report.metrics.items():
        if name.startswith("_"):
            continue
        held, rand = figures["scaffold_or_group_split"], figures["random_split"]
        if figures["task"] == "regression":
            lines.append(f"{name}: {figures['head']} head; held-out RMSE {held['rmse']:.3f}, R² {held['r2']:.3f} "
                         f"(random split: RMSE {rand['rmse']:.3f}, R² {rand['r2']:.3f}); 90 % intervals covered "
                         f"{figures['interval_coverage']:.1%}")
        else:
            lines.append(f"{name}: {figures['head']} head; held-out ROC-AUC {held['roc_auc']:.3f}, balanced accuracy "
                         f"{held['balanced_accuracy']:.3f} (random split: ROC-AUC {rand['roc_auc']:.3f}); 90 % sets "
                         f"covered {figures['set_coverage']:.1%}")
        ratio = figures["domain"].get("ratio")
        if ratio is not None:
            lines.append(f"{name}: out-of-domain held-out error {ratio:.2f}× the in-domain error")
    return lines


def _options(pairs: tuple[str, ...]) -> dict[str, object]:
    options: dict[str, object] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"--featurizer-option takes NAME=VALUE, got {pair!r}.")
        try:
            options[name.strip()] = json.loads(text)
        except ValueError:
            options[name.strip()] = text
    return options


@click.command("train")
@click.option("--domain", "-d", help="The field of the inputs (chem, bio, vision, audio, video): picks its featuriser.")
@click.option("--input", "-i", "input_path", required=True, type=click.Path(exists=True),
              help="Labelled CSV/TSV/Parquet/SDF table, or a folder with one subfolder per class.")
@click.option("--target", "-t", "targets", multiple=True, help="Column to learn (repeatable; class folders need none).")
@click.option("--name", "-n", required=True, help="The model's name: it becomes user/NAME.")
@click.option("--column", "--smiles-column", "column", help="Input column of the table (default: its usual name).")
@click.option("--id-column", help="Record-id column (default: id, name...).")
@click.option("--group-column", help="Records sharing a value (a series, patient, site) stay in one fold.")
@click.option("--split-column", help="Each distinct value of this column is one cross-validation fold.")
@click.option("--task", type=click.Choice(["regression", "classification"]),
              help="Override the task inferred from the target's values.")
@click.option("--featurizer", help="A featuriser id (default: the domain's default), or model:ID for an installed "
                                   "model's embedding (e.g. model:biology/esm2).")
@click.option("--featurizer-option", "featurizer_options", multiple=True, metavar="NAME=VALUE",
              help="A featuriser option, e.g. checkpoint=DIR (repeatable; VALUE is read as JSON when it parses).")
@click.option("--head", "heads", multiple=True, type=click.Choice(["linear", "knn", "lightgbm"]),
              help="Candidate head (repeatable; default all, chosen by held-out error).")
@click.option("--time-budget", default=600.0, show_default=True, type=click.FloatRange(1, 86400),
              help="Seconds for choosing heads; heads that would exceed it are skipped (said in the card).")
@click.option("--force", is_flag=True, help="Replace an existing model of this name.")
@click.option("--license", "license_text", default="", help="The licence of your data and model, for its card.")
@click.option("--non-commercial", is_flag=True, help="Mark the model as not for commercial use.")
@click.option("--unit", default="", help="Unit of the regression target(s), for the card and outputs.")
@click.option("--summary", default="", help="One line for hub list.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**31 - 1), help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress.")
def train_command(domain, input_path, targets, name, column, id_column, group_column, split_column, task, featurizer,
                  featurizer_options, heads, time_budget, force, license_text, non_commercial, unit, summary, seed, as_json,
                  quiet):
    """Train your own specialist on a labelled file; it becomes user/NAME for predict, serve and package.

    \b
    Examples:
      hub train -d chem --input assay.csv --target pIC50 --name my-assay
      hub train -d chem -i tox.sdf -t active --name tox --group-column series
    """
    try:
        from .trainer import train
    except ImportError as exc:
        raise UsageError(f'hub train needs {exc.name}: pip install "specialist-hub[train]"') from None
    say, close = _stage_reporter(quiet or as_json)
    try:
        report = train(input_path, list(targets), name, domain=domain, featurizer=featurizer,
                       featurizer_options=_options(featurizer_options), column=column,
                       id_column=id_column, group_column=group_column, split_column=split_column, task=task,
                       heads=list(heads) or None, time_budget=time_budget, force=force, license=license_text,
                       commercial_use=not non_commercial, unit=unit, summary=summary, seed=seed, progress=say)
    finally:
        close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, allow_nan=False, default=str))
        return
    for line in _summary(report):
        click.echo(line)
    click.echo(f"Saved {report.model_id} in {report.folder} (card: {report.folder / 'card.md'}).")
    click.echo(f"Next: hub predict -m {report.model_id} INPUT   |   hub package {report.model_id} -o dist/")


@click.command("package")
@click.argument("model_id")
@click.option("--output", "-o", default="dist", show_default=True, help="Folder the wheel is written to.")
@click.option("--id", "plugin_id", help="The model's id once installed (default: DOMAIN/NAME of its featuriser's domain).")
@click.option("--version", "package_version", default="1.0.0", show_default=True, help="The package's version.")
def package_command(model_id, output, plugin_id, package_version):
    """Build a pip-installable plugin wheel that carries a trained model (user/NAME)."""
    from .package import build_wheel

    wheel = build_wheel(model_id, output, plugin_id=plugin_id, version=package_version)
    click.echo(f"Wrote {wheel}; install it with: pip install {wheel}")
