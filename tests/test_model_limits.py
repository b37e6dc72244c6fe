"""Bounded work and honest answers at the model level (issue 32): a record is bounded by what it
costs the model (heavy atoms, bases, seconds of audio) before the work starts, a bad option value
is a usage error before the run, and an input with nothing to compute fails instead of giving a
plausible number. Nothing here is timed: each limit is checked by what it refuses and says."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specialist_hub import Option
from specialist_hub.cli import main
from specialist_hub.errors import InvalidSpecError, OptionError
from specialist_hub.registry import Registry

REGISTRY = Registry()
TRNA_PHE = "GCGGAUUUAGCUCAGUUGGGAGAGCGCCAGACUGAAGAUCUGGAGGUCCUGUGUUCGAUCCACAGAAUUCGCACCA"


def predict(model_id: str, inputs: list, **options):
    return REGISTRY.load(model_id, **options).predict(inputs)


def hub_predict(tmp_path, *arguments: str):
    """``hub predict`` in process on the given arguments, JSON lines into a file: (exit code, records, stderr)."""
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["predict", *arguments, "-o", str(out), "--no-isolate"])
    records = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return result.exit_code, records, result.stderr


# -- option values refused before the run -----------------------------------------------------------

@pytest.mark.parametrize(("model_id", "option", "said"), [
    ("biology/primers", "tm_min=70", "'tm_min' (70.0) must not exceed 'tm_opt' (60.0)"),
    ("biology/primers", "size_opt=30", "'size_opt' (30) must not exceed 'size_max' (27)"),
    ("biology/primers", "product_size_min=500", "'product_size_min' (500) must not exceed 'product_size_max' (300)"),
    ("biology/primers", "target=abc", "Option 'target' (Region START-END"),
    ("chemistry/xtb", "charge=1e3", "Option 'charge' (Net charge"),
    ("chemistry/protonate", "ph_min=9", "'ph_min' (9.0) must not exceed 'ph_max' (8.4)"),
])
def test_a_bad_option_value_is_a_usage_error_before_the_run(tmp_path, model_id, option, said):
    template = "ATGC" * 100 if model_id.startswith("biology") else "CCO"
    code, records, stderr = hub_predict(tmp_path, "-m", model_id, "-O", option, template)
    assert code == 2, stderr
    assert said in stderr
    assert records == []  # refused before any record ran (was exit 1 with a failed record)


def test_good_values_of_the_checked_options_still_run():
    (designed,) = predict("biology/primers", ["ATGC" * 100], target=" 150 - 250 ", tm_min=55.0, tm_opt=55.0)
    assert designed.ok, designed.error
    (water,) = predict("chemistry/xtb", ["O"], charge="+0", optimize=False)
    assert water.ok and water.output["charge"] == 0


def test_pattern_and_at_most_are_checked_when_a_spec_is_built():
    with pytest.raises(InvalidSpecError, match="pattern applies to str options"):
        Option("n", "int", 1, "d", pattern="[0-9]+")
    with pytest.raises(InvalidSpecError, match="at_most applies to number options"):
        Option("s", "str", "", "d", at_most="n")
    spec = REGISTRY.get("biology/primers")
    with pytest.raises(OptionError, match="must match"):
        spec.resolve_options({"target": "100-200-300"})
