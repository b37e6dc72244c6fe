"""The ``hub`` command: a thin layer over the Python API.

Exit codes: 0 every record succeeded; 1 some records failed (the others are still written);
2 usage error (unknown domain or model, bad option, missing dependency); 3 an input could not be
read to its end (damaged or over the size limit; the records before it are written); 4 the output
could not be written during the run (a full disk; the records written so far are kept for --resume).
"""

from __future__ import annotations

import functools
import json
import os
import sys

import click

from .errors import HubError, UsageError
from .inputs import ReadOptions
from .registry import get_registry
from .training.cli import package_command, train_command
from .version import __version__

EXIT_OK, EXIT_RECORDS_FAILED, EXIT_USAGE, EXIT_INPUT_UNREADABLE = 0, 1, 2, 3


class HubGroup(click.Group):
    """Turns HubErrors into a one-line message and their exit code instead of a traceback, and
    adds the commands that plugins register (looked up only when a name is not a core command)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HubError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self._plugin_commands()})

    def get_command(self, ctx, cmd_name):
        return super().get_command(ctx, cmd_name) or self._plugin_commands().get(cmd_name)

    def _plugin_commands(self) -> dict[str, click.Command]:
        commands: dict[str, click.Command] = {}
        for command in get_registry().commands:
            if command.name and command.name not in self.commands:
                commands.setdefault(command.name, command)
        return commands


@click.group(cls=HubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hub")
def main() -> None:
    """Specialist Hub: small, specialised models for chemistry, biology, vision, audio and video,
    to predict with, train your own and serve (HTTP, Ray, MCP).

    \b
    Exit codes: 0 all records ok; 1 some records failed; 2 usage error; 3 input unreadable;
    4 output unwritable.
    """


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


LICENSE_OPTION = click.option(
    "--license", "license_filter", type=click.Choice(["any", "commercial"]), default="any", show_default=True,
    help="commercial: leave out (list) or refuse (predict) models whose licences forbid commercial use.")


def _licensed(registry, license_filter: str):
    """The registry, or one of the same plugins that refuses non-commercial models (a registry's
    policy is fixed when it is built, so its worker processes hold the same)."""
    if license_filter == "commercial" and not registry.commercial_only:
        return registry.replace(commercial_only=True)
    return registry


@main.command("list")
@click.option("--domain", "-d", help="Only this domain (chemistry/chem, biology/bio, vision/image, audio, video).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@LICENSE_OPTION
def list_command(domain, as_json, license_filter):
    """List the models of every installed plugin."""
    registry = _licensed(get_registry(), license_filter)
    specs = registry.list_models(domain)
    if as_json:
        _echo_json([registry.describe(spec) for spec in specs])
        return
    _warn_broken_plugins(registry)
    if not specs:
        click.echo("No models installed. Install a plugin, e.g. pip install \"specialist-hub[all]\".", err=True)
        return
    width = max(len(s.id) for s in specs) + 2
    for spec in specs:
        missing = registry.missing_requirements(spec)
        flag = "*" if registry.is_default(spec) else " "
        kind = ("[pipeline] " if spec.id in registry.pipelines else "") + (
            "" if spec.commercial_use else "[non-commercial] ")
        status = f"  [unavailable: {registry.install_hint(spec)}]" if missing else ""
        click.echo(f"{flag} {spec.id:<{width}}{kind}{spec.summary}{status}")
    click.echo("\n* domain default; [pipeline] a job of several models ('hub info ID' shows its steps); "
               "[non-commercial] a licence forbids commercial use (--license commercial hides them)", err=True)


def _warn_broken_plugins(registry) -> None:
    for info in registry.plugins.values():
        for problem in ([info.error] if info.error else []) + info.warnings:
            click.echo(f"warning: {problem}", err=True)
    for notice in registry.notices:
        click.echo(f"warning: {notice}", err=True)


@main.command()
@click.argument("model_id")
@click.option("--json", "as_json", is_flag=True, help="The card as JSON.")
@click.option("--markdown", is_flag=True, help="The card as Markdown (the default view is the same text).")
def info(model_id, as_json, markdown):
    """Show a model's card: summary, inputs, outputs with units, licence, citation, weights."""
    from .cards import render_markdown

    registry = get_registry()
    spec = registry.get(model_id)
    if as_json:
        _echo_json(registry.describe(spec))
        return
    missing = registry.missing_requirements(spec)
    click.echo(render_markdown(spec, available=not missing, install_hint=registry.install_hint(spec)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def plugins(as_json):
    """List installed plugins, their models, and any error that stopped them loading."""
    registry = get_registry()
    infos = list(registry.plugins.values())
    if as_json:
        _echo_json([i.to_dict() for i in infos])
        return
    rows = [(i.name, f"{i.distribution} {i.version}" if i.distribution else i.module,
             f"ERROR: {i.error}" if i.error else f"{len(i.models)} models" + "".join(
                 f"; warning: {w}" for w in i.warnings)) for i in infos]
    widths = [max((len(row[column]) for row in rows), default=0) + 2 for column in range(2)]
    for name, where, state in rows:
        click.echo(f"{name:<{widths[0]}}{where:<{widths[1]}}{state}")


@main.command()
@click.argument("model_ids", nargs=-1)
@click.option("--domain", "-d", help="Only the models of this domain.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable results for CI.")
def check(model_ids, domain, as_json):
    """Run each model's shipped examples and compare with the expected outputs (exit 1 on failure).

    Without IDs, a plugin that failed to load fails the check too: its models are missing.
    """
    from .conformance import check_model, check_plugins

    registry = get_registry()
    specs = [registry.get(i) for i in model_ids] if model_ids else registry.list_models(domain)
    results = [] if model_ids else check_plugins(registry)
    results += [result for spec in specs for result in check_model(registry, spec)]
    if as_json:
        _echo_json([r.to_dict() for r in results])
    else:
        labels = [(r.model, f"example {r.example}") if r.model else (f"plugin {r.plugin}", "") for r in results]
        width = max((len(label) for label, _ in labels), default=10) + 2
        for r, (label, example) in zip(results, labels):
            click.echo(f"{r.status.upper():<12}{label:<{width}}{example:<12}{r.message}")
            for mismatch in r.mismatches:
                click.echo(f"{'':<14}{mismatch}")
        counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "error", "unavailable")}
        click.echo(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to check", err=True)
    sys.exit(EXIT_OK if all(r.ok for r in results) else EXIT_RECORDS_FAILED)


def _parse_options(pairs) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--option expects KEY=VALUE, got {pair!r}.")
        options[key.strip()] = value
    return options


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--domain", "-d", help="Domain whose default model runs when --model is not given.")
@click.option("--model", "-m", "model_ids", help="Model id(s), comma-separated.")
@click.option("--input", "-i", "input_files", multiple=True, help="Input file, directory, or - for stdin.")
@click.option("--output", "-o", help="Output file (format from its extension); default stdout.")
@click.option("--format", "-f", "fmt", metavar="FORMAT",
              help="table, json, jsonl, csv, parquet, or a plugin's format such as gff3 (default: from the --output "
                   "extension, else table on a terminal and jsonl otherwise).")
@click.option("--batch-size", type=click.IntRange(min=1), help="Records per model call (and per checkpoint).")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or mps.")
@click.option("--option", "-O", "option_pairs", multiple=True, metavar="KEY=VALUE", help="A model option.")
@click.option("--column", "--smiles-column", "column", help="Input column of a CSV/TSV file.")
@click.option("--id-column", help="Record-id column of a CSV/TSV file.")
@click.option("--keep-columns", metavar="all|A,B",
              help="Carry the input table's other columns (CSV/TSV/Parquet; SDF properties) into the output: all, "
                   "or a comma-separated list.")
@click.option("--workers", default="1", show_default=True,
              help="Processes, each loading the model once; 'auto' picks from the cores.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run into the same --output.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: Ray Data actors on a local Ray or the cluster in RAY_ADDRESS (CSV/TSV/Parquet input).")
@click.option("--annotate", "annotate_dir", metavar="DIR",
              help="Write copies of the inputs with the results drawn on them (models with annotate_dir).")
@click.option("--isolate/--no-isolate", default=True, show_default=True,
              help="Run the models in a supervised worker process, so a native crash fails only its record.")
@click.option("--pipeline", "pipeline_file", type=click.Path(exists=True, dir_okay=False),
              help="Run the pipeline in this TOML file (steps of models) instead of --model.")
@click.option("--wide", is_flag=True, help="One row per input for several models, with columns model.field.")
@click.option("--where", metavar="CONDITION",
              help="Keep only predictions whose output passes, e.g. \"qed > 0.5 and n_alerts == 0\".")
@click.option("--in-domain-only", is_flag=True,
              help="Leave out (and count) inputs outside the model's applicability domain.")
@LICENSE_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def predict(inputs, domain, model_ids, input_files, output, fmt, batch_size, device, option_pairs, column,
            id_column, keep_columns, workers, resume, engine, annotate_dir, isolate, pipeline_file, wide, where,
            in_domain_only, license_filter, quiet):
    """Run models over inputs given as arguments, files, directories or stdin.

    \b
    Examples:
      hub predict --domain chem "CC(=O)Oc1ccccc1C(=O)O"
      hub predict -m chemistry/qed,chemistry/esol --input mols.sdf -o out.csv
      cat seqs.fasta | hub predict --domain bio -
    """
    from .api import predict_file
    from .pipeline import Pipeline, wide_pipeline
    from .plan import RunSettings, check_writable_folder

    registry = _licensed(get_registry(), license_filter)
    pipeline = None
    if pipeline_file:
        if model_ids or wide:
            raise UsageError("Give --pipeline or --model/--wide, not both.")
        pipeline = Pipeline.from_toml(pipeline_file)
    else:
        specs = _select_models(registry, domain, model_ids)
        pipeline = wide_pipeline(specs) if wide else None
    if pipeline is not None:
        registry = registry.replace(pipelines=[pipeline])
        specs = [registry.get(pipeline.id)]
    sources = list(inputs) + list(input_files)
    if not sources:
        if sys.stdin.isatty():
            raise UsageError("No input: give values or files as arguments, --input FILE, or pipe data to stdin.")
        sources = ["-"]
    options = _parse_options(option_pairs)
    if annotate_dir:
        check_writable_folder(annotate_dir, "--annotate")
        options["annotate_dir"] = annotate_dir
    progress = not quiet and sys.stderr.isatty()
    if not progress:  # model libraries' own bars (downloads, weight loading) too
        os.environ.setdefault("TQDM_DISABLE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    settings = RunSettings(device=device, batch_size=batch_size, workers=workers, engine=engine, isolate=isolate,
                           where=where, in_domain_only=in_domain_only, format=fmt, resume=resume, progress=progress,
                           read=ReadOptions(column, id_column, keep_columns=_kept_columns(keep_columns)))
    summary = predict_file(specs, sources, output, options=options, settings=settings, registry=registry)
    if summary.filtered:
        click.echo(f"{summary.filtered} prediction(s) left out by --where/--in-domain-only.", err=True)
    if summary.resumed_from:
        click.echo(f"Resumed after {summary.resumed_from} records.", err=True)
    if summary.failed and summary.failures_written:
        click.echo(f"{summary.failed} prediction(s) failed; see their error fields.", err=True)
    elif summary.failed:
        click.echo(f"{summary.failed} prediction(s) failed; this output format has no place for errors, so they "
                   f"are not in it: run again with --format jsonl to see them.", err=True)
    if summary.stream_error is not None:
        click.echo(f"Error: {summary.stream_error}", err=True)
        sys.exit(EXIT_INPUT_UNREADABLE)
    sys.exit(EXIT_RECORDS_FAILED if summary.failed else EXIT_OK)


def _kept_columns(text: str | None) -> tuple[str, ...] | str:
    """--keep-columns: ``all``, or the listed names."""
    if text is None:
        return ()
    if text.strip().lower() == "all":
        return "all"
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise UsageError("--keep-columns takes 'all' or column names separated by commas.")
    return names


def _select_models(registry, domain, model_ids):
    if model_ids:
        specs = [registry.get(i.strip()) for i in model_ids.split(",") if i.strip()]
        if domain:
            wanted = registry.resolve_domain(domain)
            stray = [s.id for s in specs if s.domain != wanted]
            if stray:
                raise UsageError(f"{', '.join(stray)} not in domain {wanted!r}.")
        return specs
    if domain:
        return [registry.default_model(domain)]
    raise UsageError("Say which model to run: --domain D (its default model) or --model ID.")


@main.command("new-plugin")
@click.argument("name")
@click.option("--domain", "-d", default="text", show_default=True,
              help="Domain of the model's id; chemistry, biology, vision and audio get a model of their input "
                   "kind (molecule, sequence, image, audio), any other domain a text model.")
@click.option("--directory", help="Where to write it (default ./hub-plugin-NAME).")
def new_plugin(name, domain, directory):
    """Write a ready plugin package: pyproject with the entry point and package data, one example model
    for the domain's input kind, tests, README, .gitignore and a CI workflow."""
    from .scaffold import create_plugin

    target = create_plugin(name, domain, directory)
    click.echo(f"Created {target}. Next: pip install -e {target} && HUB_PLUGINS={name} hub check "
               f"&& python -m pytest {target}/tests")


@main.command("weights")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--package", default="", help="Import name of the package that ships the file "
                                            "(default: the outermost package folder above it).")
def weights_command(files, package):
    """Print the Weights(...) entry of each file (sha256, size, package and path) for a ModelSpec."""
    import dataclasses
    from pathlib import Path

    from .weights import describe_file

    for file in files:
        entry = describe_file(Path(file), package)
        if not entry.package:
            click.echo(f"warning: {file} is in no Python package, so the hub cannot verify it at load; "
                       f"ship it inside your plugin's package and pass --package.", err=True)
        given = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}
        click.echo(f"Weights({', '.join(f'{k}={json.dumps(v)}' for k, v in given.items() if v or k == 'source')})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; 0.0.0.0 exposes the server to the network (set an API key).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--models", "model_ids", help="Serve only these model ids, comma-separated.")
@click.option("--domain", "-d", help="Serve only the models of this domain.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Server processes; each loads the models it is asked for.")
@click.option("--api-key-file", type=click.Path(exists=True, dir_okay=False),
              help="Require a key in this file (one per line, one per client) on every request but /health "
                   "(default: $HUB_API_KEY, if set).")
@click.option("--rate-limit", metavar="COUNT/PERIOD",
              help="Most requests per API key (per client address without keys), e.g. 100/minute or "
                   "'10/second;1000/hour'; 429 with Retry-After beyond. Default: no limit.")
@click.option("--max-batch", type=click.IntRange(min=1), help="Most inputs per request (default 256).")
@click.option("--max-body-mb", type=click.FloatRange(min=0, min_open=True), help="Largest request body (default 32).")
@click.option("--cors-origin", "cors_origins", multiple=True, help="Allow browser calls from this origin (repeatable).")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or mps.")
@click.option("--isolate/--no-isolate", default=True, show_default=True,
              help="Run each model in a supervised worker process: a native crash fails one record, not the server.")
@click.option("--max-loaded-models", default=8, show_default=True, type=click.IntRange(1, 1000),
              help="Most models kept loaded at once (least recently used first out).")
@click.option("--allow-host", "allowed_hosts", multiple=True,
              help="Without an API key, also answer requests to this host name (repeatable; default: loopback only).")
@click.option("--batch-wait-ms", default=2.0, show_default=True, type=click.FloatRange(0, 1000),
              help="How long a request waits for others to the same model to share its forward batch; 0: no batching.")
@click.option("--max-batch-records", type=click.IntRange(min=1),
              help="Most records per forward batch (default: each model's batch size).")
@click.option("--request-timeout-s", default=300.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Answer 504 when a prediction takes longer.")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log one JSON line per request on stderr (instead of uvicorn's text lines).")
@click.option("--graceful-timeout-s", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="On SIGTERM or Ctrl-C, how long to let requests in flight finish.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: run each model as a Ray Serve deployment (local Ray, or the cluster in $RAY_ADDRESS).")
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(min=1),
              help="With --engine ray: replicas per model.")
@click.option("--max-replicas", type=click.IntRange(min=1),
              help="With --engine ray: let Ray Serve autoscale each model from --replicas up to this many.")
@click.option("--cpus-per-replica", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="With --engine ray: CPUs reserved by each replica.")
@click.option("--gpus-per-replica", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="With --engine ray: GPUs per replica (fractions share a GPU).")
def serve(host, port, model_ids, domain, workers, api_key_file, rate_limit, max_batch, max_body_mb, cors_origins,
          device, isolate, max_loaded_models, allowed_hosts, batch_wait_ms, max_batch_records, request_timeout_s,
          access_log, graceful_timeout_s, engine, replicas, max_replicas, cpus_per_replica, gpus_per_replica):
    """Serve the models over HTTP: a JSON API (docs at /docs) and a web playground at /.

    \b
    Examples:
      hub serve --domain chem
      HUB_API_KEY=secret hub serve --host 0.0.0.0 --port 8080 --workers 2
      hub serve --api-key-file keys.txt --rate-limit 100/minute
    """
    try:
        from . import server
    except ImportError as exc:
        raise UsageError(f'hub serve needs {exc.name}: pip install "specialist-hub[serve]"') from None
    registry = get_registry()
    if model_ids and domain:
        raise UsageError("Give --models or --domain, not both.")
    models: list[str] | None = None
    if model_ids:
        models = [registry.get(i.strip()).id for i in model_ids.split(",") if i.strip()]
    elif domain:
        models = [spec.id for spec in registry.list_models(domain)]
    limits = {"max_batch": max_batch, "max_body_bytes": int(max_body_mb * 1024 * 1024) if max_body_mb else None}
    settings = server.ServeSettings(
        host=host, port=port, workers=workers, models=tuple(models) if models is not None else None,
        api_keys=tuple(server.api_key_from(api_key_file) or ()),
        rate_limit=rate_limit, cors_origins=cors_origins, device=device, isolate=isolate,
        max_loaded_models=max_loaded_models, allowed_hosts=allowed_hosts, batch_wait_ms=batch_wait_ms,
        max_batch_records=max_batch_records, request_timeout_s=request_timeout_s, access_log=access_log,
        graceful_timeout_s=graceful_timeout_s, engine=engine, replicas=replicas, max_replicas=max_replicas,
        cpus_per_replica=cpus_per_replica, gpus_per_replica=gpus_per_replica,
        **{k: v for k, v in limits.items() if v})
    server.serve(settings, registry)


@main.command("mcp")
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True,
              help="stdio for a client that starts the server; http: streamable HTTP on 127.0.0.1.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="The port of --transport http.")
@click.option("--model", "-m", "model_ids", multiple=True, help="Expose only these model ids (comma-separated, repeatable).")
@click.option("--domain", "-d", "domains", multiple=True, help="Expose only the models of this domain (repeatable).")
@click.option("--pipeline", "pipeline_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Also expose the pipeline in this TOML file as a tool (repeatable).")
@LICENSE_OPTION
@click.option("--root", "roots", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder whose files image, audio and video tools may read (repeatable; default: the working "
                   "directory). Client roots narrow these further, never widen them.")
@click.option("--output-dir", type=click.Path(file_okay=False),
              help="Folder for the files models write (masks, MIDI, images), returned as resource links (default: a "
                   "temporary folder removed when the server stops).")
@click.option("--max-inputs", default=256, show_default=True, type=click.IntRange(1, 10_000), help="Most inputs per call.")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or mps.")
@click.option("--isolate/--no-isolate", default=True, show_default=True,
              help="Run each model in a supervised worker process: a native crash fails one record, not the server.")
@click.option("--max-loaded-models", default=8, show_default=True, type=click.IntRange(1, 1000),
              help="Most models kept loaded at once (least recently used first out).")
@click.option("--request-timeout-s", default=300.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="A call that takes longer fails with a timeout error.")
@click.option("--api-key-file", type=click.Path(exists=True, dir_okay=False),
              help="With --transport http: require a key in this file (one per line, one per client; default: "
                   "$HUB_API_KEY, if set), as hub serve does.")
@click.option("--rate-limit", metavar="COUNT/PERIOD",
              help="With --transport http: most requests per API key (per address without keys), e.g. 100/minute.")
@click.option("--list", "list_tools", is_flag=True, help="Print the tools (name, model, summary) and exit.")
@click.option("--json", "as_json", is_flag=True, help="With --list: the tool definitions, schemas included, as JSON.")
def mcp_command(transport, port, model_ids, domains, pipeline_files, license_filter, roots, output_dir, max_inputs,
                device, isolate, max_loaded_models, request_timeout_s, api_key_file, rate_limit, list_tools, as_json):
    """Serve every installed model and pipeline as a typed tool of the Model Context Protocol, for AI agents.

    \b
    Examples:
      hub mcp --list
      hub mcp --domain chemistry --license commercial
      HUB_API_KEY=secret hub mcp --transport http --port 8001
    """
    from .mcp import MCPSettings, exposed_specs, open_tools
    from .mcp.tools import discovery_tools, model_tools
    from .pipeline import Pipeline

    if transport == "stdio" and (api_key_file or rate_limit):
        raise UsageError("--api-key-file and --rate-limit guard --transport http; a stdio server answers only the "
                         "client that started it.")
    pipelines = [Pipeline.from_toml(path) for path in pipeline_files]
    registry = get_registry().replace(commercial_only=True if license_filter == "commercial" else None,
                                      max_loaded=max_loaded_models, pipelines=pipelines)
    ids = [part.strip() for given in model_ids for part in given.split(",") if part.strip()]
    choose = functools.partial(exposed_specs, model_ids=ids, domains=domains, pipeline_ids=[p.id for p in pipelines])
    specs = choose(registry)
    if list_tools:
        tools = model_tools(specs, registry, max_inputs)
        if as_json:
            _echo_json(discovery_tools(sorted({s.domain for s in specs})) + [dict(t.definition) for t in tools])
            return
        width = max([len("search_models"), *(len(t.name) for t in tools)]) + 2
        click.echo(f"{'search_models':<{width}}find models by what they do\n{'model_card':<{width}}a model's full card")
        for tool in tools:
            flag = "" if tool.spec.commercial_use else "[non-commercial] "
            click.echo(f"{tool.name:<{width}}{flag}{tool.spec.id}: {tool.spec.summary}")
        return
    try:  # not needed to list the tools, so --list works without the extra
        import mcp  # noqa: F401 - the SDK, checked before anything starts

        from .server import ServeSettings, api_key_from
    except ImportError as exc:
        raise UsageError(f'hub mcp needs {exc.name}: pip install "specialist-hub[mcp]"') from None
    keys = tuple(api_key_from(api_key_file) or ()) if transport == "http" else ()
    settings = MCPSettings(ServeSettings(port=port, api_keys=keys, rate_limit=rate_limit, max_batch=max_inputs,
                                         device=device, isolate=isolate, request_timeout_s=request_timeout_s,
                                         output_dir=output_dir), roots=tuple(roots))
    with open_tools(registry, specs, settings, choose) as served:
        if transport == "http":
            from .mcp.http import serve_http

            serve_http(served, settings.serve)
        else:
            import anyio

            from .mcp.server import serve_stdio

            anyio.run(serve_stdio, served)


main.add_command(train_command)
main.add_command(package_command)
