"""chemistry/xtb against the xtb documentation, an independent xtb optimisation and tblite itself."""

import numpy as np
import pytest

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass

BOHR = 0.529177210903


def _molblock(smiles, seed=7):
    from rdkit import Chem
    from rdkit.Chem import AllChem

    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    AllChem.EmbedMolecule(mol, randomSeed=seed)
    block = Chem.MolToMolBlock(mol)
    return block, Chem.MolFromMolBlock(block, removeHs=False)  # the coordinates as written (4 decimals)


def test_examples_match_the_xtb_documentation():
    assert_examples_pass("chemistry/xtb")  # GBSA and gas-phase water at the documented geometry


def test_optimised_water_matches_xtb_opt():
    (p,) = hub.predict("chemistry/xtb", ["O"])
    assert p.ok, p.error
    out = p.output
    # xtb --opt (GFN2, "normal" level) on water: -5.0705443306 Eh (ppqm test suite, tests/test_xtb.py)
    assert out["total_energy"] == pytest.approx(-5.0705443306, abs=1e-4)
    assert out["converged"] and out["gradient_norm"] < 1e-3 and out["coordinates"] == "etkdg"
    assert sum(out["partial_charges"]) == pytest.approx(0, abs=1e-6) and len(out["partial_charges"]) == 3


@pytest.mark.parametrize("smiles", ["CC(=O)Oc1ccccc1C(=O)O", "c1ccncc1"])
def test_dipole_gap_and_charges_equal_tblite_called_directly(smiles):
    from tblite.interface import Calculator

    block, mol = _molblock(smiles)
    (p,) = hub.predict("chemistry/xtb", [block], optimize=False)
    assert p.ok, p.error
    numbers = np.array([a.GetAtomicNum() for a in mol.GetAtoms()])
    calc = Calculator("GFN2-xTB", numbers, mol.GetConformer().GetPositions() / BOHR)
    calc.set("verbosity", 0)
    res = calc.singlepoint()
    eps = res.get("orbital-energies") * 27.211386245988
    homo = int(round(res.get("orbital-occupations").sum())) // 2 - 1
    out = p.output
    assert out["coordinates"] == "input"
    assert out["total_energy"] == pytest.approx(float(res.get("energy")), abs=1e-8)
    assert out["homo_lumo_gap"] == pytest.approx(eps[homo + 1] - eps[homo], abs=1e-6)
    assert out["dipole_moment"] == pytest.approx(np.linalg.norm(res.get("dipole")) * 2.541746473, abs=1e-6)
    assert out["partial_charges"] == pytest.approx(list(res.get("charges")), abs=1e-6)


def test_ten_delaney_molecules_run(delaney):
    smiles, _ = delaney
    chosen = smiles[::113][:10]
    preds = hub.predict("chemistry/xtb", chosen, optimize=False)
    assert preds.all_ok, [p.error for p in preds if not p.ok]
    for p in preds:
        assert p.output["total_energy"] < 0 and p.output["homo_lumo_gap"] > 0.5
        assert sum(p.output["partial_charges"]) == pytest.approx(0, abs=1e-5)


def test_charge_multiplicity_solvent_and_refusals():
    model = hub.load("chemistry/xtb", optimize=False)
    ammonium, methyl, uranyl, odd = model.predict(["[NH4+]", "[CH3]", "O=[U]=O", "C"])
    assert ammonium.output["charge"] == 1 and ammonium.output["multiplicity"] == 1
    assert sum(ammonium.output["partial_charges"]) == pytest.approx(1, abs=1e-6)
    assert methyl.output["multiplicity"] == 2 and methyl.output["homo_lumo_gap"] > 0
    assert not uranyl.ok and "H to Rn" in uranyl.error["message"] and "U" in uranyl.error["message"]
    assert odd.ok
    (wrong,) = model.configured({"multiplicity": 2}).predict(["C"])
    assert not wrong.ok and "multiplicity 2" in wrong.error["message"]
    (anion,) = model.configured({"charge": "-1", "multiplicity": 2}).predict(["C"])
    assert anion.ok and anion.output["charge"] == -1
    gas, water = model.predict(["CC(=O)O"])[0], model.configured({"solvent": "water"}).predict(["CC(=O)O"])[0]
    assert water.output["total_energy"] < gas.output["total_energy"]  # polar solute: negative solvation energy
    (no_gbsa,) = model.configured({"solvent": "aniline", "solvation_model": "gbsa"}).predict(["C"])
    assert not no_gbsa.ok and "solvation_model=alpb" in no_gbsa.error["message"]
