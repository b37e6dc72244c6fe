"""SolTranNet and ADMET-AI: the shipped weights reproduce their authors' own numbers."""

import csv
import math

import pytest

import specialist_hub as hub
from specialist_hub_chemistry.admet_endpoints import ENDPOINTS, MISLABELLED_IN_ADMET_CSV


def test_soltrannet_reproduces_the_package_tests_and_warns():
    preds = hub.predict("chemistry/solubility", ["c1ccccc1", "[Zn+2]", "[Na+].[Cl-]"], device="cpu")
    assert preds.all_ok
    benzene, zinc, salt = preds.outputs
    # soltrannet 1.0.0 tests/test_predictions.py
    assert benzene == {**benzene, "log_solubility": pytest.approx(-1.052748, abs=1e-4), "warning": ""}
    assert zinc["log_solubility"] == pytest.approx(-6.881845, abs=1e-4)
    assert "atoms outside" in zinc["warning"]
    assert salt["log_solubility"] == pytest.approx(-0.168690, abs=1e-3)
    assert salt["warning"].startswith("salt; atoms outside")


def test_soltrannet_rmse_on_delaney_and_batching(delaney):
    smiles, measured = delaney
    model = hub.load("chemistry/solubility", device="cpu")
    predicted = [p.output["log_solubility"] for p in model.predict(smiles)]
    assert math.sqrt(sum((p - m) ** 2 for p, m in zip(predicted, measured)) / len(measured)) == pytest.approx(0.79, abs=0.01)
    singles = [model.predict([s])[0].output["log_solubility"] for s in smiles[:3]]
    assert singles == pytest.approx(predicted[:3], abs=1e-5)  # padding in a batch does not change results
    assert "RMSE 0.79" in hub.get_spec("chemistry/solubility").card["metrics"]


def test_admet_endpoints_table_matches_the_installed_package(admet):
    from admet_ai.constants import DEFAULT_ADMET_PATH

    with open(DEFAULT_ADMET_PATH, newline="") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle) if r["category"] != "Physicochemical"}
    assert [e.task for e in ENDPOINTS] == list(rows)
    for e in ENDPOINTS:
        assert e.classification == (rows[e.task]["task_type"] == "classification"), e.task
        packaged = "" if rows[e.task]["units"] == "-" else rows[e.task]["units"]
        assert packaged == MISLABELLED_IN_ADMET_CSV.get(e.task, e.unit), e.task
    assert sorted(t for tasks, _ in admet.ensembles for t in tasks) == sorted(rows)
    # canonical_smiles, standardized, removed_fragments; value and percentile per endpoint; ensemble_std; the 3 domain fields
    assert len(hub.get_spec("chemistry/admet").outputs) == 3 + 2 * 41 + 1 + 3


def test_caco2_values_are_log_cm_per_s_whatever_admet_csv_says():
    """Caco-2 permeability of well-absorbed drugs is about 1e-5 cm/s (Artursson & Karlsson, Biochem.
    Biophys. Res. Commun. 175, 880 (1991): complete absorption above 1e-6 cm/s). The package's own
    DrugBank predictions sit there as log10(cm/s), not as log(10^-6 cm/s), which would be near 1."""
    from admet_ai.constants import DEFAULT_DRUGBANK_PATH

    with open(DEFAULT_DRUGBANK_PATH, newline="") as handle:
        values = sorted(float(r["Caco2_Wang"]) for r in csv.DictReader(handle))
    assert -6.0 < values[len(values) // 2] < -4.0
    (caco2,) = [o for o in hub.get_spec("chemistry/admet").outputs if o.name == "caco2_wang"]
    assert caco2.unit == "log(cm/s)"


def test_admet_reproduces_the_authors_drugbank_predictions(admet):
    from admet_ai.constants import DEFAULT_DRUGBANK_PATH

    with open(DEFAULT_DRUGBANK_PATH, newline="") as handle:
        reference = {r["name"]: r for r in csv.DictReader(handle)
                     if r["name"] in ("(+)-menthol", "Caffeine", "Ibuprofen", "Atorvastatin")}
    assert len(reference) == 4
    preds = admet.predict([r["smiles"] for r in reference.values()])
    assert preds.all_ok
    for row, out in zip(reference.values(), preds.outputs):
        for e in ENDPOINTS:
            assert out[e.field] == pytest.approx(float(row[e.task]), abs=2e-3, rel=1e-3), (row["name"], e.task)
            assert 0 <= out[e.percentile_field] <= 100


def test_admet_percentiles_follow_scipy_on_the_drugbank_reference(admet):
    from admet_ai.constants import DEFAULT_DRUGBANK_PATH
    from scipy.stats import percentileofscore

    with open(DEFAULT_DRUGBANK_PATH, newline="") as handle:
        herg = [float(r["hERG"]) for r in csv.DictReader(handle)]
    (p,) = admet.predict(["CN1CCC[C@H]1c1cccnc1"])  # nicotine
    assert p.output["herg_drugbank_percentile"] == pytest.approx(percentileofscore(herg, p.output["herg"]))


def test_admet_without_percentiles_and_bad_atc_code():
    model = hub.load("chemistry/admet", device="cpu", drugbank_percentiles=False)
    (p,) = model.predict(["CCO"])
    assert p.ok and p.output["ames_drugbank_percentile"] is None and 0 <= p.output["ames"] <= 1
    with pytest.raises(hub.OptionError, match="atc_code"):
        hub.load("chemistry/admet", device="cpu", atc_code="ZZZ")


def test_admet_domain_is_the_nearest_drugbank_drug_by_rdkit_bulk_tanimoto(admet):
    from admet_ai.constants import DEFAULT_DRUGBANK_PATH
    from rdkit import Chem, DataStructs
    from rdkit.Chem import rdFingerprintGenerator

    with open(DEFAULT_DRUGBANK_PATH, newline="") as handle:
        drugs = [Chem.MolFromSmiles(r["smiles"]) for r in csv.DictReader(handle)]
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    reference = [generator.GetFingerprint(mol) for mol in drugs if mol is not None]
    queries = ["CC(=O)Oc1ccccc1C(=O)O", "CCCCCCCCCCCCCCCCCCCC(=O)NCCS(=O)(=O)O", "[Fe+2].[Cl-].[Cl-]"]
    for smiles, out in zip(queries, admet.predict(queries).outputs):
        expected = max(DataStructs.BulkTanimotoSimilarity(generator.GetFingerprint(Chem.MolFromSmiles(smiles)), reference))
        assert out["domain_similarity"] == pytest.approx(expected, abs=1e-12)
        assert out["in_domain"] is (expected >= out["domain_threshold"])
        assert set(out["ensemble_std"]) == {e.field for e in ENDPOINTS} and min(out["ensemble_std"].values()) >= 0
    assert admet.predict(queries[:1]).outputs[0]["domain_similarity"] == 1.0  # aspirin is a DrugBank drug
