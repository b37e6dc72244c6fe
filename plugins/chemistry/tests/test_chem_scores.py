"""ESOL, QED, SA score, NP-likeness and alerts against published or reference-implementation values."""

import math
import os

import pytest

import specialist_hub as hub


def rmse(predicted, measured):
    return math.sqrt(sum((p - m) ** 2 for p, m in zip(predicted, measured)) / len(measured))


def outputs(model_id, inputs, **options):
    preds = hub.predict(model_id, inputs, **options)
    assert preds.all_ok, [p.error for p in preds if not p.ok]
    return preds.outputs


def test_esol_rmse_on_delaney_matches_the_model_card(delaney):
    smiles, measured = delaney
    predicted = [o["log_solubility"] for o in outputs("chemistry/esol", smiles)]
    assert len(predicted) == 1128
    assert rmse(predicted, measured) == pytest.approx(1.10, abs=0.01)
    assert "RMSE 1.10" in hub.get_spec("chemistry/esol").card["metrics"]


def test_esol_is_the_papers_equation():
    (out,) = outputs("chemistry/esol", ["c1ccccc1"])
    # benzene: Crippen logP 1.6866, MW 78.114, 0 rotatable bonds, all 6 heavy atoms aromatic
    assert out["log_solubility"] == pytest.approx(0.16 - 0.63 * 1.6866 - 0.0062 * 78.114 - 0.74, abs=1e-4)
    assert out["aromatic_proportion"] == 1.0
    assert out["solubility_mg_per_ml"] == pytest.approx(10 ** out["log_solubility"] * 78.114, rel=1e-6)


# RDKit's QED regression set (rdkit/Chem/test_data/QED/NCI_200_qed.csv) and its documented examples.
QED_REFERENCE = {
    "CC1=CC(=O)C=CC1=O": 0.44168670357001333,
    "OC1=C(Cl)C=C(C=C1[N+]([O-])=O)[N+]([O-])=O": 0.6021769211848343,
    "CN(C)C1=C(Cl)C(=O)C2=C(C=CC=C2)C1=O": 0.7480235038499875,
    "C1=CC=C(C=C1)P(C2=CC=CC=C2)C3=CC=CC=C3": 0.6342115735160806,
    "CCCCCCCCCCCCCCCC1=C(N)C=CC(=C1)O": 0.23014503448640766,
    "CCC(CC)([CH](OC(N)=O)C1=CC=CC=C1)C2=CC=CC=C2": 0.8480277580622478,
    "OCC(F)(F)C(F)(F)C(F)(F)C(F)F": 0.7360323696558896,
    "C1CN(CCO1)[Se][Se]N2CCOCC2": 0.6075833158914239,
    "OS(=O)(=O)C1=CC=CC=C1": 0.6184655094191568,
    "CC(=O)NC1=CC(=CC(=C1)C)C": 0.6756127009998774,
}
QED_DOCUMENTED = {"N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O": 0.253, "CCCCCNC(=N)NN=Cc1c[nH]c2ccc(CO)cc12": 0.234}


@pytest.mark.parametrize("reference, tolerance", [(QED_REFERENCE, 1e-6), (QED_DOCUMENTED, 1e-3)])
def test_qed_reproduces_rdkit_reference_values(reference, tolerance):
    results = outputs("chemistry/qed", list(reference))
    for (smiles, expected), out in zip(reference.items(), results):
        assert out["qed"] == pytest.approx(expected, abs=tolerance), smiles


def test_qed_reports_its_eight_properties_for_aspirin():
    (out,) = outputs("chemistry/qed", ["CC(=O)Oc1ccccc1C(=O)O"])
    assert out["qed"] == pytest.approx(0.550, abs=5e-4)
    assert (out["h_bond_acceptors"], out["h_bond_donors"], out["rotatable_bonds"], out["aromatic_rings"]) == (4, 1, 2, 1)
    assert out["polar_surface_area"] == pytest.approx(63.6, abs=0.05)  # PubChem CID 2244
    assert out["structural_alerts"] == 2
    assert 0 < out["qed_max_weights"] <= 1 and 0 < out["qed_unweighted"] <= 1


def test_sa_score_reproduces_the_100_reference_scores_shipped_with_rdkit():
    from rdkit import RDConfig

    with open(os.path.join(RDConfig.RDContribDir, "SA_Score", "data", "zim.100.txt")) as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle][1:]
    results = outputs("chemistry/sa-score", [smiles for smiles, _, _ in rows])
    assert len(results) == 100
    worst = max(abs(out["sa_score"] - float(score)) for out, (_, _, score) in zip(results, rows))
    assert worst < 1e-3
    (aspirin,) = outputs("chemistry/sa-score", ["CC(=O)Oc1ccccc1C(=O)O"])
    assert aspirin["sa_score"] == pytest.approx(1.58, abs=0.005)


NATURAL = ["CN1CC[C@]23[C@@H]4[C@H]1CC5=C2C(=C(C=C5)O)O[C@H]3[C@H](C=C4)O",  # morphine
           "C[C@@H]1CC[C@H]2[C@H](C(=O)O[C@H]3[C@@]24[C@H]1CC[C@](O3)(OO4)C)C"]  # artemisinin
SYNTHETIC = ["CC1=C(C=C(C=C1)NC(=O)C2=CC=C(C=C2)CN3CCN(CC3)C)NC4=NC=CC(=N4)C5=CN=CC=C5",  # imatinib
             "CN(C)C(=O)Nc1ccc(Cl)c(Cl)c1"]  # diuron


def test_np_likeness_separates_natural_products_from_synthetic_drugs():
    from rdkit import Chem

    from specialist_hub_chemistry.contrib import load_contrib

    scores = outputs("chemistry/np-likeness", NATURAL + SYNTHETIC)
    assert all(s["np_likeness"] > 2 for s in scores[:2])
    assert all(s["np_likeness"] < 0 for s in scores[2:])
    npscorer = load_contrib("NP_Score", "npscorer")
    model = npscorer.readNPModel()
    for smiles, out in zip(NATURAL + SYNTHETIC, scores):
        reference = npscorer.scoreMolWConfidence(Chem.MolFromSmiles(smiles), model)
        assert (out["np_likeness"], out["confidence"]) == pytest.approx(tuple(reference))


def test_alerts_catalogues_and_option_errors():
    catechol, clean = outputs("chemistry/alerts", ["Oc1ccccc1O", "CCO"])
    assert catechol["passes"] is False and catechol["catalogs_matched"] == ["Brenk", "NIH", "PAINS_B"]
    assert {"catalog": "PAINS_B", "name": "catechol_A(92)"} in catechol["alerts"]
    assert clean == {**clean, "passes": True, "n_alerts": 0, "alerts": []}
    (pains_only,) = outputs("chemistry/alerts", ["Oc1ccccc1O"], catalogs="pains")
    assert pains_only["alerts"] == [{"catalog": "PAINS_B", "name": "catechol_A(92)"}]
    with pytest.raises(hub.OptionError, match="unknown catalogue.*PAINZ"):
        hub.load("chemistry/alerts", catalogs="PAINZ")
