"""Trust fields of chemistry/esol: conformal intervals whose coverage holds on compounds calibration
never saw (measured log S from Delaney 2004), and an applicability domain by the leverage of its
descriptors (checked against the hat matrix of Delaney's compounds computed another way)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import specialist_hub
from specialist_hub.cli import main

DELANEY = Path(__file__).parent / "data" / "delaney.csv"
BENZENE, ASPIRIN = "c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O"
MAGAININ = "GIGKFLHSAKKFGKAFVGEIMNS"


@pytest.fixture(scope="module")
def held_out():
    """The odd rows of Delaney's set: never used to calibrate the intervals."""
    rows = list(csv.DictReader(DELANEY.open()))[1::2]
    return [r["smiles"] for r in rows], [float(r["measured_log_solubility"]) for r in rows]


@pytest.mark.parametrize("coverage, low, high", [(0.8, 0.76, 0.84), (0.9, 0.88, 0.94), (0.95, 0.93, 0.97)])
def test_intervals_hold_the_stated_share_of_measured_values_never_seen(held_out, coverage, low, high):
    smiles, measured = held_out
    predictions = specialist_hub.predict("chemistry/esol", smiles, coverage=coverage, quiet=True)
    inside = [p.output["log_solubility_low"] <= y <= p.output["log_solubility_high"]
              for p, y in zip(predictions, measured)]
    assert low <= sum(inside) / len(inside) <= high


def test_wider_coverage_gives_wider_intervals_from_the_same_loaded_model():
    narrow, wide = (specialist_hub.predict("chemistry/esol", BENZENE, coverage=c)[0].output for c in (0.8, 0.95))
    assert wide["log_solubility_low"] < narrow["log_solubility_low"] < narrow["log_solubility"]
    assert narrow["log_solubility"] < narrow["log_solubility_high"] < wide["log_solubility_high"]


def test_a_peptide_is_out_of_domain_and_small_organics_are_in():
    from rdkit import Chem

    peptide = Chem.MolToSmiles(Chem.MolFromSequence(MAGAININ))  # magainin 2, 23 residues
    small, drug, large = specialist_hub.predict("chemistry/esol", [BENZENE, ASPIRIN, peptide], quiet=True)
    assert small.output["in_domain"] and drug.output["in_domain"]
    assert not large.output["in_domain"] and large.output["domain_distance"] > 100 * large.output["domain_threshold"]


def test_the_leverage_is_the_hat_matrix_diagonal_of_delaney_s_descriptors():
    """h_ii from a QR factorisation of the design matrix (H = Q Q^T), not from (X^T X)^-1 as the model
    computes it; the threshold is the Williams plot's 3p/n."""
    import numpy as np

    smiles = [r["smiles"] for r in csv.DictReader(DELANEY.open())]
    outputs = specialist_hub.predict("chemistry/esol", smiles, quiet=True).outputs
    design = np.array([[1, o["logp"], o["molecular_weight"], o["rotatable_bonds"], o["aromatic_proportion"]]
                       for o in outputs])
    q, _ = np.linalg.qr(design)
    hat = (q ** 2).sum(axis=1)
    assert hat.sum() == pytest.approx(5)  # trace of a hat matrix: its number of parameters
    assert [o["domain_distance"] for o in outputs] == pytest.approx(hat, rel=1e-9, abs=1e-12)
    assert outputs[0]["domain_threshold"] == pytest.approx(3 * 5 / len(smiles))
    assert [o["in_domain"] for o in outputs] == [bool(h <= 3 * 5 / len(smiles)) for h in hat]


def test_in_domain_only_drops_and_counts_the_rest():
    from rdkit import Chem

    peptide = Chem.MolToSmiles(Chem.MolFromSequence(MAGAININ))
    result = CliRunner().invoke(main, ["predict", "-m", "chemistry/esol", BENZENE, peptide, "-f", "jsonl",
                                       "--in-domain-only", "--no-isolate"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["input"] for line in result.stdout.splitlines()] == [BENZENE]
    assert "1 prediction(s) left out" in result.stderr
    refused = CliRunner().invoke(main, ["predict", "-m", "chemistry/qed", BENZENE, "--in-domain-only"])
    assert refused.exit_code == 2 and "applicability domain" in refused.stderr


def test_the_spec_gains_the_standard_trust_fields():
    spec = specialist_hub.get_spec("chemistry/esol")
    names = spec.output_names
    assert names[names.index("log_solubility"):names.index("log_solubility") + 3] == (
        "log_solubility", "log_solubility_low", "log_solubility_high")
    assert {"in_domain", "domain_distance", "domain_threshold"} <= set(names) and "domain_similarity" not in names
    assert "crepes" in spec.requires and any(o.name == "coverage" and o.stage == "call" for o in spec.options)
