"""Trust fields of chemistry/solubility (SolTranNet): conformal intervals checked on measured log S
(Delaney 2004) that calibration never saw, and a Tanimoto applicability domain."""

from __future__ import annotations

import csv
from pathlib import Path

import specialist_hub

DELANEY = Path(__file__).parent / "data" / "delaney.csv"
MAGAININ = "GIGKFLHSAKKFGKAFVGEIMNS"


def test_the_90_percent_interval_holds_85_to_95_percent_of_measured_values_never_calibrated_on():
    rows = list(csv.DictReader(DELANEY.open()))[1::2]  # the odd rows: calibration used the even ones
    predictions = specialist_hub.predict("chemistry/solubility", [r["smiles"] for r in rows], quiet=True)
    inside = [p.output["log_solubility_low"] <= float(r["measured_log_solubility"]) <= p.output["log_solubility_high"]
              for p, r in zip(predictions, rows)]
    assert 0.85 <= sum(inside) / len(inside) <= 0.95


def test_a_peptide_is_out_of_domain_and_benzene_in():
    from rdkit import Chem

    peptide = Chem.MolToSmiles(Chem.MolFromSequence(MAGAININ))  # magainin 2, 23 residues
    benzene, large = (p.output for p in specialist_hub.predict("chemistry/solubility", ["c1ccccc1", peptide]))
    assert benzene["in_domain"] and benzene["domain_similarity"] == 1.0  # benzene is in Delaney's set
    assert benzene["log_solubility_low"] < benzene["log_solubility"] < benzene["log_solubility_high"]
    assert not large["in_domain"] and large["domain_similarity"] < large["domain_threshold"]
