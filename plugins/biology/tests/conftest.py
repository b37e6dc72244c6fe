"""Biology plugin tests run offline: no test may download a checkpoint."""

import gzip
import os
from importlib.resources import files

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

#: Prodigal's reference outputs ship inside the pyrodigal package (its own test data).
PRODIGAL_DATA = files("pyrodigal.tests") / "data"


def read_fasta(name: str) -> list[tuple[str, str]]:
    """(header, sequence) pairs of a gzipped FASTA from pyrodigal's test data."""
    records: list[tuple[str, str]] = []
    with gzip.open(PRODIGAL_DATA / name, "rt") as handle:
        for line in handle:
            if line.startswith(">"):
                records.append((line[1:].strip(), ""))
            else:
                records[-1] = (records[-1][0], records[-1][1] + line.strip())
    return records


@pytest.fixture(scope="session")
def prodigal_data():
    """Folder of Prodigal's reference files, and a reader for its gzipped FASTA files."""
    return PRODIGAL_DATA, read_fasta


# The ESM-2 alphabet, in the order of facebook/esm2_* vocab.txt (Lin et al. 2023).
ESM2_VOCAB = ["<cls>", "<pad>", "<eos>", "<unk>", "L", "A", "G", "V", "S", "E", "R", "T", "I", "D", "P", "K", "Q",
              "N", "F", "Y", "M", "H", "W", "C", "X", "B", "U", "Z", "O", ".", "-", "<null_1>", "<mask>"]
HIDDEN = 16


@pytest.fixture(scope="session")
def tiny_esm(tmp_path_factory) -> str:
    """A random-weight ESM-2 of hidden size 16 saved with save_pretrained (for biology/esm2 and hub train)."""
    import torch
    from transformers import EsmConfig, EsmForMaskedLM, EsmTokenizer

    folder = tmp_path_factory.mktemp("tiny_esm2")
    (folder / "vocab.txt").write_text("\n".join(ESM2_VOCAB) + "\n")
    EsmTokenizer(str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = EsmConfig(vocab_size=len(ESM2_VOCAB), hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=32, max_position_embeddings=42, position_embedding_type="rotary",
                       pad_token_id=1, mask_token_id=32, token_dropout=True, emb_layer_norm_before=False)
    EsmForMaskedLM(config).eval().save_pretrained(folder)
    return str(folder)
