"""chemistry/similar-drugs: RDKit's own Tanimoto on DrugBank, and user libraries in every format."""

import csv
import json

import pytest

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))


def test_aspirin_finds_itself_first_and_the_examples_pass():
    (p,) = hub.predict("chemistry/similar-drugs", ["OC(=O)c1ccccc1OC(C)=O"])  # aspirin, written differently
    assert p.ok, p.error
    out = p.output
    assert (out["nearest"], out["nearest_id"], out["similarity"]) == ("Acetylsalicylic acid", "DB00945", 1.0)
    assert out["library_size"] == 2845 and len(out["matches"]) == 5
    assert_examples_pass("chemistry/similar-drugs")


def test_similarities_equal_rdkit_bulk_tanimoto_on_drugbank():
    from rdkit import Chem, DataStructs
    from rdkit.Chem import rdFingerprintGenerator

    from specialist_hub.weights import package_folder

    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    # importing admet_ai would take torch and chemprop along: read its file in place
    with open(package_folder("admet_ai") / "resources/data/drugbank_approved.csv", newline="") as handle:
        drugs = [(r["name"], generator.GetFingerprint(Chem.MolFromSmiles(r["smiles"]))) for r in csv.DictReader(handle)]
    query = "CC(C)Cc1ccc(C(C)C(=O)O)cc1"  # ibuprofen
    reference = DataStructs.BulkTanimotoSimilarity(generator.GetFingerprint(Chem.MolFromSmiles(query)),
                                                   [fp for _, fp in drugs])
    expected = sorted(zip(reference, range(len(drugs))), key=lambda pair: (-pair[0], pair[1]))[:20]
    (p,) = hub.predict("chemistry/similar-drugs", [query], top_k=20)
    assert [m["name"] for m in p.output["matches"]] == [drugs[i][0] for _, i in expected]
    assert [m["similarity"] for m in p.output["matches"]] == pytest.approx([s for s, _ in expected], abs=1e-12)
    (strict,) = hub.predict("chemistry/similar-drugs", [query], top_k=20, min_similarity=0.5)
    assert all(m["similarity"] >= 0.5 for m in strict.output["matches"]) and strict.output["matches"]


LIBRARY = [("CCO", "ethanol", "L1"), ("CCCO", "propanol", "L2"), ("c1ccccc1O", "phenol", "L3"),
           ("not a smiles", "broken", "L4"), ("CC(=O)Oc1ccccc1C(=O)O", "aspirin", "L5")]


def _write(path):
    rows = [dict(smiles=s, name=n, id=i) for s, n, i in LIBRARY]
    if path.suffix == ".smi":
        path.write_text("".join(f"{s} {n}\n" for s, n, _ in LIBRARY))
    elif path.suffix == ".csv":
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, ["id", "smiles", "name"])
            writer.writeheader()
            writer.writerows(rows)
    elif path.suffix == ".sdf":
        from rdkit import Chem

        with Chem.SDWriter(str(path)) as writer:
            for s, n, _ in LIBRARY:
                mol = Chem.MolFromSmiles(s)
                if mol is not None:
                    mol.SetProp("_Name", n)
                    writer.write(mol)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)


@pytest.mark.parametrize("suffix", [".smi", ".csv", ".sdf", ".parquet"])
def test_user_library_is_indexed_once_and_searched(tmp_path, suffix):
    library = tmp_path / f"library{suffix}"
    _write(library)
    model = hub.load("chemistry/similar-drugs", reference=str(library), top_k=2)
    (p,) = model.predict(["OCC"])
    assert p.output["library_size"] == 4  # the unparsable record is skipped
    assert p.output["nearest"] == "ethanol" and p.output["similarity"] == 1.0
    assert p.output["matches"][1]["name"] == "propanol"
    if suffix == ".csv":
        assert p.output["nearest_id"] == "L1"
    (index,) = (tmp_path / "cache" / "similar-drugs").iterdir()
    meta = json.loads((index / "index.json").read_text())
    assert (meta["size"], meta["skipped"]) == (4, 0 if suffix == ".sdf" else 1)
    stamp = (index / "fingerprints.bin").stat().st_mtime_ns
    hub.load("chemistry/similar-drugs", reference=str(library), radius=2)  # same file, same settings
    assert (index / "fingerprints.bin").stat().st_mtime_ns == stamp
    assert not list(index.parent.glob("*.*-*"))  # no staging folder left behind


def test_search_streams_in_chunks(tmp_path, monkeypatch):
    from specialist_hub_chemistry import similarity

    monkeypatch.setattr(similarity, "CHUNK_ROWS", 2)  # force several chunks on a small library
    library = tmp_path / "library.smi"
    _write(library)
    (p,) = hub.predict("chemistry/similar-drugs", ["c1ccccc1O"], reference=str(library), top_k=3)
    assert [m["name"] for m in p.output["matches"]][:1] == ["phenol"] and len(p.output["matches"]) == 3


def test_bad_reference_is_an_option_error(tmp_path):
    with pytest.raises(hub.OptionError, match="no file"):
        hub.load("chemistry/similar-drugs", reference=str(tmp_path / "missing.smi"))
    (tmp_path / "lib.xyz").write_text("x")
    with pytest.raises(hub.OptionError, match="cannot read"):
        hub.load("chemistry/similar-drugs", reference=str(tmp_path / "lib.xyz"))
