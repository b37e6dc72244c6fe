"""chemistry/descriptors against PubChem, plus the molecule inputs every chemistry model shares."""

import gzip
import json

import pytest
from click.testing import CliRunner

import specialist_hub as hub
from specialist_hub.cli import main

# PubChem computed properties (CID: MW, exact mass, formula, TPSA, donors, rotatable bonds, heavy atoms).
# Caffeine's TPSA is left out: PubChem (Cactvs) gives 58.4, Ertl's method as in RDKit 61.82.
PUBCHEM = {
    "CC(=O)Oc1ccccc1C(=O)O": (2244, 180.16, 180.04225873, "C9H8O4", 63.6, 1, 3, 13),
    "CN1C=NC2=C1C(=O)N(C(=O)N2C)C": (2519, 194.19, 194.08037557, "C8H10N4O2", None, 0, 0, 14),
    "CC(C)CC1=CC=C(C=C1)C(C)C(=O)O": (3672, 206.28, 206.13067982, "C13H18O2", 37.3, 1, 4, 15),
    "CC(=O)NC1=CC=C(C=C1)O": (1983, 151.16, 151.06332854, "C8H9NO2", 49.3, 2, 1, 11),
}


@pytest.mark.parametrize("smiles", PUBCHEM)
def test_descriptors_match_pubchem(smiles):
    cid, mw, exact, formula, tpsa, donors, rotatable, heavy = PUBCHEM[smiles]
    (p,) = hub.predict("chemistry/descriptors", [smiles])
    out = p.output
    assert p.ok, p.error
    assert out["molecular_weight"] == pytest.approx(mw, abs=0.01), cid
    assert out["exact_mass"] == pytest.approx(exact, abs=1e-4), cid
    assert out["formula"] == formula
    if tpsa is not None:
        assert out["tpsa"] == pytest.approx(tpsa, abs=0.05)
    assert (out["h_bond_donors"], out["rotatable_bonds"], out["heavy_atoms"]) == (donors, rotatable, heavy)
    assert out["lipinski_violations"] == 0 and out["veber_pass"] is True


def test_molar_refractivity_is_in_cm3_per_mol():
    """Lorentz-Lorenz molar refractivity at the sodium D line (CRC Handbook values from n, density
    and M): benzene 26.2, ethanol 12.9 cm^3/mol; Wildman & Crippen fitted their contributions to such
    values, so the unit is cm^3/mol (not m^3/mol, a million times off)."""
    (field,) = [o for o in hub.get_spec("chemistry/descriptors").outputs if o.name == "molar_refractivity"]
    assert field.unit == "cm^3/mol"
    benzene, ethanol = (p.output["molar_refractivity"] for p in hub.predict("chemistry/descriptors", ["c1ccccc1", "CCO"]))
    assert benzene == pytest.approx(26.2, rel=0.03) and ethanol == pytest.approx(12.9, rel=0.03)


def test_bad_smiles_fails_only_its_record_with_rdkits_reason():
    preds = hub.predict("chemistry/descriptors", ["CCO", "C1CC", "c1ccccc1", "CC(C)(C)(C)(C)C"])
    assert [p.ok for p in preds] == [True, False, True, False]
    assert preds[1].error["type"] == "InputError"
    message = preds[1].error["message"]
    assert "'C1CC'" in message and "unclosed ring" in message.lower()
    assert "valence" in preds[3].error["message"].lower()
    assert [p.position for p in preds] == [0, 1, 2, 3]



def _molblock(smiles, name):
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles)
    mol.SetProp("_Name", name)
    return Chem.MolToMolBlock(mol) + "$$$$\n"


def _sdf_text():
    broken = "broken\n  junk\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\nthis is not an atom line\nM  END\n$$$$\n"
    return _molblock("CC(=O)Oc1ccccc1C(=O)O", "aspirin") + broken + _molblock("CCO", "ethanol")


def _run(args):
    result = CliRunner().invoke(main, ["predict", *args, "--format", "jsonl", "--quiet"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return result, lines


def test_sdf_gz_with_a_broken_record_via_cli(tmp_path):
    path = tmp_path / "mols.sdf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(_sdf_text())
    result, lines = _run(["-m", "chemistry/descriptors", "--input", str(path)])
    assert result.exit_code == 1  # some records failed, the rest were written
    assert [line["id"] for line in lines] == ["aspirin", "broken", "ethanol"]
    assert [line["ok"] for line in lines] == [True, False, True]
    assert "molfile record" in lines[1]["error"]["message"]
    assert lines[0]["output"]["formula"] == "C9H8O4"
    assert lines[2]["output"]["canonical_smiles"] == "CCO"


def test_smi_and_csv_readers_carry_ids_via_cli(tmp_path):
    smi = tmp_path / "mols.smi"
    smi.write_text("SMILES Name\nCCO ethanol\nc1ccccc1 benzene\n")
    result, lines = _run(["-m", "chemistry/qed", str(smi)])
    assert result.exit_code == 0, result.output
    assert [(line["id"], line["output"]["canonical_smiles"]) for line in lines] == [
        ("ethanol", "CCO"), ("benzene", "c1ccccc1")]

    table = tmp_path / "mols.csv"
    table.write_text("compound_id,structure,note\nA1,CCO,x\nA2,not-a-smiles,y\n")
    result, lines = _run(["-m", "chemistry/esol", "--smiles-column", "structure", str(table)])
    assert result.exit_code == 1
    assert [(line["id"], line["ok"]) for line in lines] == [("A1", True), ("A2", False)]


def test_several_models_on_one_stream_via_cli(tmp_path):
    result, lines = _run(["-m", "chemistry/descriptors,chemistry/sa-score", "CCO", "c1ccccc1O"])
    assert result.exit_code == 0
    assert [(line["position"], line["model"]) for line in lines] == [
        (0, "chemistry/descriptors"), (0, "chemistry/sa-score"),
        (1, "chemistry/descriptors"), (1, "chemistry/sa-score")]


def test_standardisation_keeps_the_neutral_parent_and_its_tautomer():
    salt = "C[N+](C)(C)C.CC(=O)[O-].[Na+].[Cl-]"  # mixture: largest organic fragment wins
    raw, std = (hub.predict("chemistry/descriptors", [smiles], standardize=flag)[0]
                for smiles, flag in ((salt, False), ("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", True)))
    assert raw.output["standardized"] is False and "." in raw.output["canonical_smiles"]
    assert std.output["standardized"] is True
    assert std.output["canonical_smiles"] == "CC(=O)Oc1ccccc1C(=O)O"  # neutralised aspirin
    assert std.output["formal_charge"] == 0 and std.output["removed_fragments"] == ["[Na+]"]
    (tautomer,) = hub.predict("chemistry/descriptors", ["Oc1ccccn1"], standardize=True)
    assert tautomer.output["canonical_smiles"] == "Oc1ccccn1"  # 2-hydroxypyridine stays (ChEMBL: no tautomer step)


def test_the_parsed_molecule_cache_is_bounded_by_characters_not_entries():
    from specialist_hub_chemistry.molecules import ParsedCache

    cache = ParsedCache(budget=60, longest=25)
    for n in range(1, 15):
        cache.get("C" * n, False)
    assert cache.size <= 60 and sum(len(text) for text, _ in cache.entries) == cache.size
    polymer = "C" * 200  # longer than `longest`: parsed, never kept
    assert cache.get(polymer, False).mol.GetNumAtoms() == 200 and (polymer, False) not in cache.entries


PREDNISOLONE_ACETATE = "CC(=O)OCC(=O)[C@@]1(O)CC[C@H]2[C@@H]3CCC4=CC(=O)C=C[C@]4(C)[C@H]3[C@@H](O)C[C@@]21C"


def test_standardising_keeps_the_tautomer_and_says_which_fragments_it_removed():
    """The ChEMBL structure pipeline (Bento et al. 2020; chembl_structure_pipeline 1.2.4 gives the
    parents below) canonicalises no tautomer and removes only known salts and solvents."""
    from rdkit import Chem

    (standardised,) = hub.predict("chemistry/qed", [PREDNISOLONE_ACETATE], standardize=True)
    (plain,) = hub.predict("chemistry/qed", [PREDNISOLONE_ACETATE])
    assert standardised.output["canonical_smiles"] == Chem.CanonSmiles(PREDNISOLONE_ACETATE)  # the 1,4-dien-3-one
    assert standardised.output["qed"] == pytest.approx(plain.output["qed"], abs=1e-12)
    assert round(plain.output["qed"], 2) == 0.70
    (salt,) = hub.predict("chemistry/descriptors", ["CN1CCC[C@H]1c1cccnc1.Cl"], standardize=True)
    assert salt.output["canonical_smiles"] == Chem.CanonSmiles("CN1CCC[C@H]1c1cccnc1")  # nicotine
    assert salt.output["removed_fragments"] == ["Cl"]
    (copper,) = hub.predict("chemistry/descriptors", ["[Cu+2].[O-]c1cccc2cccnc12.[O-]c1cccc2cccnc12"],
                            standardize=True)
    assert "Cu" in copper.output["canonical_smiles"] and copper.output["removed_fragments"] == []
    (untouched,) = hub.predict("chemistry/descriptors", ["CCO"])
    assert untouched.output["standardized"] is False and untouched.output["removed_fragments"] == []
