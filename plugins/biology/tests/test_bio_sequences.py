"""Shared sequence validation: every model names the bad character and its position; the batch goes on."""

import json

import pytest
from click.testing import CliRunner

import specialist_hub
from specialist_hub.cli import main

UBIQUITIN = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG"


@pytest.mark.parametrize("model_id", ["biology/protein-properties", "biology/antimicrobial"])
def test_protein_models_reject_bad_records_and_keep_going(model_id):
    predictions = specialist_hub.predict(model_id, [UBIQUITIN, "MKV1LL", "", "ATGGCGTACGATTAG", "GIGKFL"])
    assert [p.ok for p in predictions] == [True, False, False, False, True]
    assert "'1'" in predictions[1].error["message"] and "position 4" in predictions[1].error["message"]
    assert predictions[1].error["type"] == "InputError"
    assert "empty" in predictions[2].error["message"]
    assert "looks like DNA" in predictions[3].error["message"]


def test_case_whitespace_and_stop_are_normalised():
    plain = specialist_hub.predict("biology/protein-properties", UBIQUITIN)[0].output
    messy = specialist_hub.predict("biology/protein-properties", UBIQUITIN[:30].lower() + "\n " + UBIQUITIN[30:] + "*")
    assert messy[0].output == plain


def test_nucleotide_model_rejects_protein_and_mixed_bases():
    predictions = specialist_hub.predict("biology/nucleotide-properties", ["ACGTEF", "ACGUT", "acgt"])
    assert "'E' at position 5" in predictions[0].error["message"]
    assert "mixes T (DNA) and U (RNA)" in predictions[1].error["message"]
    assert predictions[2].ok and predictions[2].output["reverse_complement"] == "ACGT"


def test_cli_carries_fasta_ids_and_reports_failures(tmp_path):
    fasta = tmp_path / "proteins.fasta"
    fasta.write_text(f">ubq human ubiquitin\n{UBIQUITIN[:40]}\n{UBIQUITIN[40:]}\n>bad\nMKV1Z\n"
                     ">magainin2\nGIGKFLHSAKKFGKAFVGEIMNS\n")
    result = CliRunner().invoke(main, ["predict", "--domain", "bio", str(fasta), "--format", "jsonl"])
    assert result.exit_code == 1  # one record failed, the others were written
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["ubq", "bad", "magainin2"]
    assert rows[0]["output"]["molecular_weight"] == pytest.approx(8564.84, abs=0.005)
    assert "'1' at position 4" in rows[1]["error"]["message"]


def test_cli_reads_csv_sequence_column(tmp_path):
    table = tmp_path / "peptides.csv"
    table.write_text("id,sequence\nmag2,GIGKFLHSAKKFGKAFVGEIMNS\nglucagon,HSQGTFTSDYSKYLDSRRAQDFVQWLMNT\n")
    result = CliRunner().invoke(main, ["predict", "-m", "biology/antimicrobial", str(table), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["output"]["label"]) for r in rows] == [("mag2", "AMP"), ("glucagon", "non-AMP")]
