"""biology/esm2 on a tiny random-weight ESM-2 saved locally: shapes, determinism, batching, offline error."""

import json

import pytest
import torch
from click.testing import CliRunner
from transformers import EsmForMaskedLM, EsmTokenizer

import specialist_hub
from specialist_hub import CheckpointNotFoundError
from specialist_hub.cli import main

#: The hidden size of the tiny random ESM-2 of conftest's ``tiny_esm`` fixture.
HIDDEN = 16
SEQUENCES = ["MKTAYIAKQRQISFVKSHFSRQ", "GIGKFLHSAKKFGKAFVGEIMNS", "MQIFVK"]


def test_shapes_and_pseudo_perplexity(tiny_esm):
    (out,) = specialist_hub.predict("biology/esm2", SEQUENCES[0], device="cpu", checkpoint=tiny_esm, output="both")
    out = out.output
    assert out["length"] == len(SEQUENCES[0]) and len(out["embedding"]) == HIDDEN
    assert len(out["residue_log_likelihoods"]) == len(SEQUENCES[0])
    assert all(value < 0 for value in out["residue_log_likelihoods"])
    mean = sum(out["residue_log_likelihoods"]) / len(SEQUENCES[0])
    assert out["pseudo_perplexity"] == pytest.approx(torch.tensor(-mean).exp().item(), rel=1e-6)
    # A random 33-token model is close to uniform: perplexity near the vocabulary size.
    assert 5 < out["pseudo_perplexity"] < 100


def test_pll_matches_a_direct_masked_forward(tiny_esm):
    """Residue 3's log-likelihood recomputed by hand with transformers."""
    sequence = SEQUENCES[2]
    out = specialist_hub.predict("biology/esm2", sequence, device="cpu", checkpoint=tiny_esm,
                                 output="pseudo_perplexity")[0].output
    assert out["embedding"] is None
    tokenizer, model = EsmTokenizer.from_pretrained(tiny_esm), EsmForMaskedLM.from_pretrained(tiny_esm).eval()
    ids = tokenizer(sequence, return_tensors="pt")["input_ids"]
    masked = ids.clone()
    masked[0, 3] = tokenizer.mask_token_id  # token 3 = residue 3 (token 0 is <cls>)
    with torch.no_grad():
        expected = model(input_ids=masked).logits[0, 3].log_softmax(-1)[ids[0, 3]].item()
    assert out["residue_log_likelihoods"][2] == pytest.approx(expected, abs=1e-5)


def test_deterministic_and_batch_equals_singles(tiny_esm):
    model = specialist_hub.load("biology/esm2", device="cpu", checkpoint=tiny_esm, output="both")
    batch = [p.output for p in model.predict(SEQUENCES, batch_size=3)]
    singles = [model.predict(s)[0].output for s in SEQUENCES]
    again = [p.output for p in model.predict(SEQUENCES, batch_size=3)]
    assert batch == again
    for b, s in zip(batch, singles):
        assert b["embedding"] == pytest.approx(s["embedding"], abs=1e-5)
        assert b["pseudo_perplexity"] == pytest.approx(s["pseudo_perplexity"], rel=1e-5)


def test_too_long_and_bad_residues_fail_per_record(tiny_esm):
    predictions = specialist_hub.predict("biology/esm2", ["L" * 41, "MKV!", "MKVXU"], device="cpu",
                                         checkpoint=tiny_esm)
    assert "at most 40" in predictions[0].error["message"]
    assert "'!' at position 4" in predictions[1].error["message"]
    assert predictions[2].ok


def test_cli_with_local_checkpoint(tiny_esm, tmp_path):
    fasta = tmp_path / "p.faa"
    fasta.write_text(">a\nMKTAYIAKQR\n>b\nGIGKFL\n")
    result = CliRunner().invoke(main, ["predict", "-m", "biology/esm2", str(fasta), "-O", f"checkpoint={tiny_esm}",
                                       "--device", "cpu", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], len(r["output"]["embedding"])) for r in rows] == [("a", HIDDEN), ("b", HIDDEN)]


def test_default_checkpoint_offline_names_it():
    with pytest.raises(CheckpointNotFoundError, match="facebook/esm2_t6_8M_UR50D"):
        specialist_hub.load("biology/esm2", device="cpu")
