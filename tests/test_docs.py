"""Meta-tests: every hook, spec field, CLI command and option, and API name is documented."""

import dataclasses
import inspect
from pathlib import Path

import pytest

import specialist_hub
from specialist_hub import hookspecs
from specialist_hub.cli import main
from specialist_hub.spec import Example, ModelSpec, Option, OutputField, Weights, field_table

DOCS = Path(__file__).resolve().parents[1] / "docs"


def hook_names():
    return [name for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(f, "specialist_hub_spec")]


def test_there_are_hooks():
    assert "register_models" in hook_names()


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_documented_with_its_signature(hook):
    signature = inspect.signature(getattr(hookspecs, hook))
    text = (DOCS / "writing-a-plugin.md").read_text()
    assert f"`{hook}({', '.join(signature.parameters)})`" in text
    assert getattr(hookspecs, hook).__doc__.strip()


@pytest.mark.parametrize("cls", [ModelSpec, OutputField, Option, Weights, Example])
def test_every_spec_field_is_documented(cls):
    text = (DOCS / "writing-a-plugin.md").read_text()
    missing = [f.name for f in dataclasses.fields(cls) if f"`{f.name}`" not in text]
    assert missing == []


@pytest.mark.parametrize("cls", [ModelSpec, OutputField, Option, Weights, Example])
def test_the_docs_field_tables_are_the_generated_ones(cls):
    """Types, required fields and defaults come from the dataclasses, so the docs cannot drift."""
    table = field_table(cls)
    assert table in (DOCS / "writing-a-plugin.md").read_text(), f"paste the table of {cls.__name__}:\n{table}"


def test_every_cli_command_and_option_is_documented():
    text = (DOCS / "cli.md").read_text()
    for name, command in main.commands.items():
        assert f"`hub {name}" in text, name
        for param in command.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("--") and flag != "--help":
                    assert flag in text, f"hub {name} {flag}"


def test_every_public_api_name_is_documented():
    text = (DOCS / "api.md").read_text()
    assert [name for name in specialist_hub.__all__ if f"`{name}" not in text] == []
