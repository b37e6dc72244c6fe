"""Output keeps what the user gave (issue 33): the whole input in files, the input file's other
columns on request, list fields as Arrow lists, each field at its own precision in the terminal."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from specialist_hub.cli import main

#: Green fluorescent protein, UniProt P42212 (GFP_AEQVI), 238 residues.
GFP = ("MSKGEELFTGVVPILVELDGDVNGHKFSVSGEGEGDATYGKLTLKFICTTGKLPVPWPTLVTTFSYGVQCFSRYPDHMKQHDFFKSAMPE"
       "GYVQERTIFFKDDGNYKTRAEVKFEGDTLVNRIELKGIDFKEDGNILGHKLEYNYNSHNVYIMADKQKNGIKVNFKIRHNIEDGSVQLAD"
       "HYQQNTPIGDGPVLLPDNHYLSTQSALSKDPNEKRDHMVLLEFVTAAGITHGMDELYK")
#: Cyclosporin A (PubChem CID 5284373), 130 characters of SMILES.
CYCLOSPORIN = ("CC[C@H]1C(=O)N(CC(=O)N([C@H](C(=O)N[C@H](C(=O)N([C@H](C(=O)N[C@H](C(=O)N[C@@H](C(=O)N([C@H](C(=O)N"
               "([C@H](C(=O)N([C@H](C(=O)N([C@H](C(=O)N1)[C@@H]([C@H](C)C/C=C/C)O)C)C(C)C)C)CC(C)C)C)CC(C)C)C)C)C)"
               "CC(C)C)C)C(C)C)CC(C)C)C)C")


def hub(*args):
    return CliRunner().invoke(main, ["predict", "-q", *args])


def test_files_get_the_whole_input_and_only_the_terminal_table_shortens_it(tmp_path):
    assert len(GFP) == 238 and len(CYCLOSPORIN) > 96
    for model, value in (("biology/protein-properties", GFP), ("chemistry/descriptors", CYCLOSPORIN)):
        csv_path, parquet_path = tmp_path / "out.csv", tmp_path / "out.parquet"
        for path in (csv_path, parquet_path):
            result = hub("-m", model, value, "-o", str(path))
            assert result.exit_code == 0, result.output
        with csv_path.open() as handle:
            assert [row["input"] for row in csv.DictReader(handle)] == [value]
        assert pq.read_table(parquet_path).column("input").to_pylist() == [value]
        jsonl = hub("-m", model, value, "-f", "jsonl")
        assert json.loads(jsonl.stdout)["input"] == value
        table = hub("-m", model, value, "-f", "table").stdout
        assert value not in table and f"({len(value)} chars)" in table.splitlines()[0]


#: Three proteins with the columns a user's table carries beside the sequence.
#: (ubiquitin: UniProt P0CG48 chain; insulin B chain: P01308 25-54)
PROTEINS = [("ubiquitin", "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG", "human", "8.6"),
            ("bad", "MK1LV", "none", "1.0"),
            ("insulin_b", "FVNQHLCGSHLVEALYLVCGERGFFYTPKT", "human", "3.4")]


def protein_table(tmp_path, name="proteins.csv"):
    path = tmp_path / name
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "sequence", "organism", "molecular_weight"])  # a measured weight beside the model's
        writer.writerows(PROTEINS)
    return path


def test_keep_columns_carries_the_input_tables_other_columns(tmp_path):
    table = protein_table(tmp_path)
    out = tmp_path / "out.csv"
    result = hub("-m", "biology/protein-properties", "-i", str(table), "--keep-columns", "all", "-o", str(out))
    assert result.exit_code == 1, result.output  # the bad sequence fails, and keeps its columns
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["id"], r["organism"], r["input.molecular_weight"]) for r in rows] == [(p[0], p[2], p[3]) for p in PROTEINS]
    assert rows[1]["ok"] == "False" and rows[0]["ok"] == "True"
    assert abs(float(rows[0]["molecular_weight"]) - 8564.84) < 0.5  # ExPASy's ubiquitin; the kept column is apart
    header = list(rows[0])
    assert header.index("organism") < header.index("molecular_weight")  # input columns before the outputs

    jsonl = hub("-m", "biology/protein-properties", "-i", str(table), "--keep-columns", "organism", "-f", "jsonl")
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["columns"] for r in records] == [{"organism": p[2]} for p in PROTEINS]
    plain = hub("-m", "biology/protein-properties", "-i", str(table), "-f", "jsonl")
    assert "columns" not in json.loads(plain.stdout.splitlines()[0])


def test_keep_columns_from_parquet_and_sdf_properties(tmp_path):
    import pyarrow as pa
    from rdkit import Chem

    parquet = tmp_path / "proteins.parquet"
    pq.write_table(pa.table({"sequence": [p[1] for p in PROTEINS], "organism": [p[2] for p in PROTEINS],
                             "rank": [1, 2, 3]}), parquet)
    out = tmp_path / "out.csv"
    hub("-m", "biology/protein-properties", "-i", str(parquet), "--keep-columns", "rank,organism", "-o", str(out))
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["input"], r["rank"], r["organism"]) for r in rows] == [(p[1], str(i + 1), p[2]) for i, p in enumerate(PROTEINS)]

    sdf = tmp_path / "mols.sdf"
    writer = Chem.SDWriter(str(sdf))
    for name, smiles, activity in (("aspirin", "CC(=O)Oc1ccccc1C(=O)O", "5.1"), ("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", "")):
        mol = Chem.MolFromSmiles(smiles)
        mol.SetProp("_Name", name)
        if activity:  # caffeine has no such data item
            mol.SetProp("pIC50 (nM)", activity)
        mol.SetProp("vendor", "acme\nlot 7")  # a two-line data item
        writer.write(mol)
    writer.close()
    out = tmp_path / "mols.parquet"
    result = hub("-m", "chemistry/descriptors", "-i", str(sdf), "--keep-columns", "all", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out).to_pylist()
    assert [(r["id"], r["pIC50 (nM)"], r["vendor"]) for r in rows] == [("aspirin", "5.1", "acme\nlot 7"),
                                                                         ("caffeine", None, "acme\nlot 7")]
    assert abs(rows[0]["exact_mass"] - 180.0423) < 1e-3  # aspirin C9H8O4, monoisotopic


def test_keep_columns_refusals_say_what_to_do(tmp_path):
    table = protein_table(tmp_path)
    missing = hub("-m", "biology/protein-properties", "-i", str(table), "--keep-columns", "organsim")
    assert missing.exit_code == 2 and "no column 'organsim'" in missing.stderr and "organism" in missing.stderr
    literal = hub("-m", "biology/protein-properties", GFP, "--keep-columns", "all")
    assert literal.exit_code == 2 and "needs CSV, TSV, Parquet or SDF inputs" in literal.stderr
    molecules = tmp_path / "mols.csv"
    molecules.write_text("smiles,vendor\nCCO,acme\n")
    sdf = hub("-m", "chemistry/descriptors", "-i", str(molecules), "--keep-columns", "all", "-f", "sdf")
    assert sdf.exit_code == 2 and "--keep-columns needs a csv, parquet, json, jsonl or table output" in sdf.stderr


def test_parquet_holds_list_and_dict_fields_as_arrow_lists_and_structs(tmp_path):
    """The values equal the same run's JSON Lines (the reference), as typed Arrow columns, across
    chunks where one has only empty lists (its items' type comes from the others)."""
    import pyarrow as pa

    molecules = ["CCO", "O=C(C=Cc1ccccc1)c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O"]  # the first chunk: no alerts
    out = tmp_path / "alerts.parquet"
    args = ["-m", "chemistry/alerts,chemistry/descriptors", *molecules, "--batch-size", "1"]
    assert hub(*args, "-o", str(out)).exit_code == 0
    table = pq.read_table(out)
    alerts = table.schema.field("alerts").type
    assert pa.types.is_list(alerts) and pa.types.is_struct(alerts.value_type)
    assert {alerts.value_type.field(i).name for i in range(alerts.value_type.num_fields)} == {"catalog", "name"}
    assert table.schema.field("catalogs_matched").type == pa.list_(pa.string())
    reference = [json.loads(line) for line in hub(*args, "-f", "jsonl").stdout.splitlines()]
    rows = table.to_pylist()
    for row, expected in zip(rows, reference):
        for name in ("alerts", "catalogs_matched", "removed_fragments"):
            if name in expected["output"]:
                assert row[name] == expected["output"][name], name
    chalcone = next(r for r in rows if r["position"] == 1 and r["model"] == "chemistry/alerts")
    assert chalcone["alerts"] == [{"catalog": "Brenk", "name": "Michael_acceptor_1"}]  # its enone


def test_parquet_falls_back_to_json_text_where_the_chunks_disagree(tmp_path):
    """A dict field whose values have no one Arrow type across chunks ({"x": 1}, then {"x": "a"}),
    or an empty dict (Parquet has no struct without fields), is JSON text; its neighbours stay typed."""
    from specialist_hub import ModelSpec, OutputField
    from specialist_hub.results import Prediction
    from specialist_hub.writers import OutputFile

    spec = ModelSpec(id="test/shapes", task="t", summary="s", input_kind="text", factory="x:Y", license="MIT",
                     citation="none", outputs=(OutputField("info", "dict", "varies"), OutputField("empty", "dict", "{}"),
                                               OutputField("words", "list", "typed")))

    def prediction(position, info):
        return Prediction(position, None, "in", spec.id, "1", "p", True, {"info": info, "empty": {}, "words": ["w"]})

    out = OutputFile(tmp_path / "out.parquet", "parquet", [spec], "fingerprint")
    out.write_chunk([prediction(0, {"x": 1})], 1)
    out.write_chunk([prediction(1, {"x": "a"})], 1)
    out.finish()
    table = pq.read_table(tmp_path / "out.parquet")
    assert [json.loads(v) for v in table.column("info").to_pylist()] == [{"x": 1}, {"x": "a"}]
    assert table.column("empty").to_pylist() == ["{}", "{}"]
    assert table.column("words").to_pylist() == [["w"], ["w"]]


def test_the_terminal_table_shows_each_field_at_its_precision():
    """Glucose, C6H12O6: monoisotopic mass 180.0634 Da (PubChem CID 5793: 180.06338810), average
    weight 180.156 g/mol; a field without declared decimals keeps four significant digits."""
    table = hub("-m", "chemistry/descriptors", "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O", "-f", "table").stdout
    lines = {line.split()[0]: line.split()[1:] for line in table.splitlines()[1:] if line.strip()}
    assert lines["exact_mass"] == ["180.0634", "Da"]
    assert lines["molecular_weight"] == ["180.156", "g/mol"]
    assert lines["logp"][0] == "-3.221"
