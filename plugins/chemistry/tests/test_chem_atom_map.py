"""chemistry/atom-map against rxnmapper 0.4.3 itself: the mappings of its own tests, and its mappings
of 55 reactions computed with rxnmapper under transformers 4 (scripts/rxnmapper_reference.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdkit.Chem import rdChemReactions

import specialist_hub as hub
from specialist_hub.cli import main
from specialist_hub.pipeline import Pipeline, Step
from specialist_hub.registry import Registry
from specialist_hub.testing import assert_deterministic, assert_examples_pass

DATA = Path(__file__).parent / "data"

# rxnmapper 0.4.3 sdist, tests/test_mapper.py: (reaction, canonicalize_rxns, mapped_rxn, confidence) of
# test_example_maps (3), test_fragment_bond, test_extended_smiles_format, test_no_canonicalization,
# test_reaction_with_invalid_valence, test_multiple_products, test_reaction_with_dative_bond and
# test_reaction_with_asterisks, in that order.
RXNMAPPER_TESTS = [
    ("CC(C)S.CN(C)C=O.Fc1cccnc1F.O=C([O-])[O-].[K+].[K+]>>CC(C)Sc1ncccc1F", True,
     "[CH3:1][CH:2]([CH3:3])[SH:4].CN(C)C=O.F[c:5]1[n:6][cH:7][cH:8][cH:9][c:10]1[F:11].O=C([O-])[O-].[K+].[K+]>>"
     "[CH3:1][CH:2]([CH3:3])[S:4][c:5]1[n:6][cH:7][cH:8][cH:9][c:10]1[F:11]", 0.9565619900376546),
    ("C1COCCO1.CC(C)(C)OC(=O)CONC(=O)NCc1cccc2ccccc12.Cl>>O=C(O)CONC(=O)NCc1cccc2ccccc12", True,
     "C1COCCO1.CC(C)(C)[O:3][C:2](=[O:1])[CH2:4][O:5][NH:6][C:7](=[O:8])[NH:9][CH2:10][c:11]1[cH:12][cH:13][cH:14]"
     "[c:15]2[cH:16][cH:17][cH:18][cH:19][c:20]12.Cl>>[O:1]=[C:2]([OH:3])[CH2:4][O:5][NH:6][C:7](=[O:8])[NH:9]"
     "[CH2:10][c:11]1[cH:12][cH:13][cH:14][c:15]2[cH:16][cH:17][cH:18][cH:19][c:20]12", 0.9704424331552834),
    ("C=CCN=C=S.CNCc1ccc(C#N)cc1.NNC(=O)c1cn2c(n1)CCCC2>>C=CCN1C(C2=CN3CCCCC3=N2)=NN=C1N(C)CC1=CC=C(C#N)C=C1", True,
     "S=[C:17]=[N:4][CH2:3][CH:2]=[CH2:1].[NH:18]([CH3:19])[CH2:20][c:21]1[cH:22][cH:23][c:24]([C:25]#[N:26])[cH:27]"
     "[cH:28]1.O=[C:5]([c:6]1[cH:7][n:8]2[c:9]([n:10]1)[CH2:11][CH2:12][CH2:13][CH2:14]2)[NH:15][NH2:16]>>[CH2:1]=[CH:2]"
     "[CH2:3][n:4]1[c:5](-[c:6]2[cH:7][n:8]3[c:9]([n:10]2)[CH2:11][CH2:12][CH2:13][CH2:14]3)[n:15][n:16][c:17]1[N:18]"
     "([CH3:19])[CH2:20][c:21]1[cH:22][cH:23][c:24]([C:25]#[N:26])[cH:27][cH:28]1", 0.919023506871605),
    ("CC[O-]~[Na+].BrCC.[Na+]~[H-]>>CCOCC", True,
     "Br[CH2:2][CH3:1].[Na+]~[O-:3][CH2:4][CH3:5].[H-]~[Na+]>>[CH3:1][CH2:2][O:3][CH2:4][CH3:5]", 0.9606074439250337),
    ("CC[O-].[Na+].BrCC.[Na+].[H-]>>CCOCC |f:0.1,3.4|", True,
     "Br[CH2:2][CH3:1].[Na+].[O-:3][CH2:4][CH3:5].[H-].[Na+]>>[CH3:1][CH2:2][O:3][CH2:4][CH3:5] |f:1.2,3.4|",
     0.9606074439250337),
    ("C(C)O.BrC(C)>>CCOCC", False,
     "[CH2:2]([CH3:1])[OH:3].Br[CH2:4][CH3:5]>>[CH3:1][CH2:2][O:3][CH2:4][CH3:5]", 0.9754605679009868),
    ("CCO.BrCFC>>CCOCFC", False,
     "[CH3:1][CH2:2][OH:3].Br[CH2:4][F:5][CH3:6]>>[CH3:1][CH2:2][O:3][CH2:4][F:5][CH3:6]", 0.9730222157275086),
    ("CCOCC.[Na+]~[Br-]>>CC[O-]~[Na+].BrCC", True,
     "[CH3:1][CH2:2][O:6][CH2:5][CH3:4].[Br-:3]~[Na+:7]>>[CH3:1][CH2:2][Br:3].[CH3:4][CH2:5][O-:6]~[Na+:7]",
     0.7312865053856896),
    ("COC(=O)CCBr.O=C[O-]->[K+]>>COC(=O)CCOC(=O)C", False,
     "[CH3:1][O:2][C:3](=[O:4])[CH2:5][CH2:6]Br.[O:9]=[CH:8][O-:7]->[K+]>>[CH3:1][O:2][C:3](=[O:4])[CH2:5][CH2:6]"
     "[O:7][C:8](=[O:9])[CH3:10]", 0.9322116305783666),
    ("[1*]C=C.O>>*CCO", False, "[1*:1][CH:2]=[CH2:3].[OH2:4]>>[*:1][CH2:2][CH2:3][OH:4]", 0.9988284870307568),
]
SNAR, SNAR_MAPPED = RXNMAPPER_TESTS[0][0], RXNMAPPER_TESTS[0][2]


@pytest.fixture(scope="module")
def mapper():
    return hub.load("chemistry/atom-map", device="cpu")


@pytest.mark.parametrize("canonicalize", [True, False])
def test_rxnmapper_test_mappings_are_reproduced(mapper, canonicalize):
    cases = [case for case in RXNMAPPER_TESTS if case[1] == canonicalize]
    results = mapper.configured({"canonicalize": canonicalize}).predict([case[0] for case in cases])
    for (_, _, mapped, confidence), result in zip(cases, results):
        assert result.ok, result.error
        assert result.output["mapped_reaction"] == mapped
        assert result.output["confidence"] == pytest.approx(confidence, rel=1e-5)


def reference_rows():
    with open(DATA / "rxnmapper_reference.tsv", newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


def test_the_mappings_of_55_reactions_equal_rxnmappers(mapper):
    reactions = {name: smiles for smiles, name in (line.split("\t") for line in
                                                     (DATA / "reactions.rsmi").read_text().splitlines()[1:])}
    rows = reference_rows()
    assert len(reactions) == 55 and len(rows) == 108  # rxnmapper maps the 2 reactions with agents canonically only
    for canonicalize in ("true", "false"):
        chosen = [row for row in rows if row["canonicalize"] == canonicalize]
        results = mapper.configured({"canonicalize": canonicalize == "true"}).predict(
            [reactions[row["name"]] for row in chosen])
        for row, result in zip(chosen, results):
            assert result.ok, (row["name"], result.error)
            assert result.output["mapped_reaction"] == row["mapped_rxn"], row["name"]
            assert result.output["confidence"] == pytest.approx(float(row["confidence"]), rel=1e-4), row["name"]


def test_examples_pass_and_repeat():
    assert_examples_pass("chemistry/atom-map")
    assert_deterministic("chemistry/atom-map")


def test_bad_reactions_fail_alone(mapper):
    too_long = "C(C)" * 200 + ">>CC"  # 402 atoms in 1 + 800 + 3 + 1 tokens (canonical: CC(C)C(C)...)
    inputs = ["not a reaction", "CCO", "C1CC>>CC", "CC>>", "CCO.BrCFC>>CCOCFC", too_long, SNAR, ""]
    results = mapper.predict(inputs)
    assert [r.ok for r in results] == [False] * 6 + [True, False]
    messages = [r.error["message"] for r in results if not r.ok]
    assert "not a reaction SMILES" in messages[1] and "C1CC" in messages[2] and "both sides" in messages[3]
    assert "Explicit valence" in messages[4] and "canonicalize=false" in messages[4]
    assert "tokens; the model reads at most 512" in messages[5]
    assert results[6].output["mapped_reaction"] == SNAR_MAPPED


def test_a_reaction_of_more_atoms_than_the_model_reads_fails_before_rdkit_parses_it(mapper, monkeypatch):
    """509 heavy atoms fill the 512 tokens with [CLS], '>>' and [SEP]; one more cannot be read, and a
    million-atom reaction (canonicalising it ran over 300 s) or RXN block is refused without parsing."""
    from specialist_hub_chemistry import atom_map

    fits, over = "C" * 255 + ">>" + "C" * 254, "C" * 255 + ">>" + "C" * 255
    rxn_block = rdChemReactions.ReactionToRxnBlock(rdChemReactions.ReactionFromSmarts(over, useSmiles=True))
    (fitted,) = mapper.predict([fits])
    assert fitted.ok and fitted.output["n_product_atoms"] == 254

    def refuse(*_, **__):
        raise AssertionError("RDKit was asked to parse a reaction the model cannot read")

    monkeypatch.setattr(atom_map.Chem, "MolFromSmiles", refuse)
    monkeypatch.setattr(atom_map.rdChemReactions, "ReactionFromRxnBlock", refuse)
    results = mapper.predict([over, "C" * 500_000 + ">>" + "C" * 500_000, rxn_block])
    for result in results:
        assert not result.ok
        assert "more than 509 heavy atoms; the model reads at most 512 tokens" in result.error["message"]


def test_atom_maps_are_replaced_when_canonicalizing_and_refused_otherwise(mapper):
    again = mapper.predict([SNAR_MAPPED])[0]
    assert again.output["mapped_reaction"] == SNAR_MAPPED
    refused = mapper.configured({"canonicalize": False}).predict([SNAR_MAPPED])[0]
    assert not refused.ok and "canonicalize=true" in refused.error["message"]


def test_agents_are_mapped_as_reactants_also_as_written(mapper):
    as_written = mapper.configured({"canonicalize": False}).predict(["C(C)O.BrC(C)>CN(C)C=O>CCOCC"])[0]
    assert as_written.ok, as_written.error
    precursors, products = as_written.output["mapped_reaction"].split(">>")
    assert precursors.endswith(".CN(C)C=O") and products == "[CH3:1][CH2:2][O:3][CH2:4][CH3:5]"


def test_rsmi_rxn_and_rdf_files(tmp_path):
    reaction = rdChemReactions.ReactionFromSmarts(SNAR, useSmiles=True)
    lines = rdChemReactions.ReactionToRxnBlock(reaction).splitlines(keepends=True)
    block = "".join([lines[0], "snar\n", *lines[2:]])
    (tmp_path / "snar.rxn").write_text(block)
    molecule = "ethanol\n     RDKit          2D\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n"
    (tmp_path / "set.rdf").write_text(f"$RDFILE 1\n$DATM    2026-01-01\n$RFMT $RIREG 17\n{block}$DTYPE yield\n$DATUM 90\n"
                                      f"$MFMT $MIREG 3\n{molecule}$RFMT $RIREG 18\n{block.replace('snar', '')}")
    (tmp_path / "two.rsmi").write_text(f"# comment\n{SNAR} first\n{RXNMAPPER_TESTS[4][0]} second\n")
    result = CliRunner().invoke(main, ["predict", "-m", "chemistry/atom-map", "--input", str(tmp_path / "snar.rxn"),
                                       "--input", str(tmp_path / "set.rdf"), "--input", str(tmp_path / "two.rsmi"),
                                       "-f", "jsonl", "--quiet", "--no-isolate"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert result.exit_code == 1  # the RDF's molecule record is no reaction
    assert [line["id"] for line in lines] == ["snar", "snar", "3", "18", "first", "second"]
    assert [line["ok"] for line in lines] == [True, True, False, True, True, True]
    assert "not a reaction" in lines[2]["error"]["message"]
    assert {lines[i]["output"]["mapped_reaction"] for i in (0, 1, 3, 4)} == {SNAR_MAPPED}
    assert lines[5]["output"]["mapped_reaction"] == RXNMAPPER_TESTS[4][2]  # the CXSMILES kept its '|f:..|'


def test_uspto_style_tab_separated_lines_with_a_header_and_tables(tmp_path):
    records = list(hub.read_inputs([str(DATA / "reactions.rsmi")], "reaction"))
    assert len(records) == 55 and records[0].id == "fischer-esterification"
    assert records[49].value.endswith(" |f:1.2|")
    (tmp_path / "reactions.csv").write_text(f"name,reaction_smiles\nsnar,{SNAR}\n")
    assert [(r.id, r.value) for r in hub.read_inputs([str(tmp_path / "reactions.csv")], "reaction")] == [("snar", SNAR)]


def test_served_and_in_a_pipeline():
    from fastapi.testclient import TestClient

    from specialist_hub.server import create_app

    # Mapping the mapped reaction again, canonically, removes the maps and finds the same mapping.
    registry = Registry(pipelines=[Pipeline("test/map-twice", "Map, then map the mapped reaction", steps=(
        Step("map", "chemistry/atom-map"),
        Step("again", "chemistry/atom-map", input="map.mapped_reaction", when="map.confidence > 0.5")))])
    client = TestClient(create_app(registry=registry), base_url="http://127.0.0.1")
    served = client.post("/models/chemistry/atom-map/predict", json={"inputs": [SNAR, "CC>>C(C"]})
    assert served.status_code == 200
    first, bad = served.json()
    assert first["output"]["mapped_reaction"] == SNAR_MAPPED and not bad["ok"]
    twice = client.post("/models/test/map-twice/predict", json={"inputs": [SNAR]}).json()[0]
    assert twice["output"]["map.mapped_reaction"] == twice["output"]["again.mapped_reaction"] == SNAR_MAPPED
