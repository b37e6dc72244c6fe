"""Antimicrobial-peptide classifier: a small numpy MLP on composition and physicochemical features.

The weights (``data/amp_mlp.npz``) come from ``plugins/biology/scripts/train_antimicrobial.py``,
trained on modlAMP's AMP (APD3) vs UniProt set; ``features`` is shared with that script so
training and inference see identical inputs. The calibrated probability maps the MLP's through
an isotonic fit on held-out peptides (its breakpoints, in the same file, come from
``plugins/biology/scripts/calibrate_antimicrobial.py``). The applicability domain is the nearest
training peptide by Jaccard similarity of dipeptide (2-mer) sets, alignment-free (composition),
and only inside the length range where the training set holds both AMPs and non-AMPs (10-50
residues: every longer training peptide is an AMP); the training peptides' 2-mer sets ship as
compact arrays in ``data/amp_domain.npz`` (from ``plugins/biology/scripts/domain_antimicrobial.py``),
compared with a batch in one matrix product.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .sequences import PROTEIN_AMBIGUOUS, SequenceModel, standard_residues

WEIGHTS = Path(__file__).parent / "data" / "amp_mlp.npz"
DOMAIN = Path(__file__).parent / "data" / "amp_domain.npz"
#: k of the k-mer sets the applicability domain compares.
DOMAIN_K = 2
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
#: Eisenberg et al. 1984 consensus hydrophobicity scale.
EISENBERG = dict(A=0.62, R=-2.53, N=-0.78, D=-0.90, C=0.29, Q=-0.85, E=-0.74, G=0.48, H=-0.40, I=1.38,
                 L=1.06, K=-1.50, M=0.64, F=1.19, P=0.12, S=-0.18, T=-0.05, W=0.81, Y=0.26, V=1.08)
#: Seven residue classes (conjoint-triad grouping, Shen et al. 2007) for the reduced dipeptide counts.
GROUPS = ("AGV", "ILFP", "YMTS", "HNQW", "RK", "DE", "C")
_GROUP_OF = {aa: i for i, members in enumerate(GROUPS) for aa in members}
#: Residues per turn of an alpha helix: 100 degrees, the angle of Eisenberg's hydrophobic moment.
HELIX_ANGLE = np.deg2rad(100.0)
MOMENT_WINDOW = 11
FEATURE_NAMES = (
    *(f"frac_{aa}" for aa in AMINO_ACIDS), "log_length", "net_charge", "charge_density", "mean_hydrophobicity",
    "hydrophobic_moment", "max_window_moment", "mean_window_moment",
    *(f"pair_{a}_{b}" for a in GROUPS for b in GROUPS),
)


def features(sequence: str) -> np.ndarray:
    """Feature vector of one validated protein sequence (order: FEATURE_NAMES)."""
    n = len(sequence)
    codes = np.frombuffer(sequence.encode("ascii"), dtype=np.uint8)
    composition = np.array([np.count_nonzero(codes == ord(aa)) for aa in AMINO_ACIDS], dtype=float) / n
    hydro = np.array([EISENBERG[aa] for aa in sequence])
    angles = HELIX_ANGLE * np.arange(n)
    cos, sin = hydro * np.cos(angles), hydro * np.sin(angles)
    window = min(MOMENT_WINDOW, n)
    # Window sums from cumulative sums; the moment's length does not depend on where angles start.
    cum_cos, cum_sin = np.concatenate(([0.0], np.cumsum(cos))), np.concatenate(([0.0], np.cumsum(sin)))
    moments = np.hypot(cum_cos[window:] - cum_cos[:-window], cum_sin[window:] - cum_sin[:-window]) / window
    charge = sum(sequence.count(aa) for aa in "KR") - sum(sequence.count(aa) for aa in "DE")
    pairs = np.zeros(len(GROUPS) ** 2)
    groups = [_GROUP_OF[aa] for aa in sequence]
    np.add.at(pairs, [a * len(GROUPS) + b for a, b in zip(groups, groups[1:])], 1.0)
    physchem = [np.log(n), charge, charge / n, hydro.mean(), np.hypot(cos.sum(), sin.sum()) / n,
                moments.max(), moments.mean()]
    return np.concatenate((composition, physchem, pairs / max(1, n - 1)))


#: Byte -> residue index (0-19) for the 20 standard residues, -1 otherwise.
_RESIDUE_INDEX = np.full(256, -1)
_RESIDUE_INDEX[np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)] = np.arange(20)


def kmer_codes(sequence: str, k: int = DOMAIN_K) -> np.ndarray:
    """The distinct k-mers of ``sequence`` over the 20 standard residues as sorted integer codes
    (base 20); k-mers holding any other letter (X, B, U...) are left out."""
    residues = _RESIDUE_INDEX[np.frombuffer(sequence.encode("ascii"), dtype=np.uint8)]
    count = len(residues) - k + 1
    if count < 1:
        return np.zeros(0, dtype=np.int64)
    codes, valid = np.zeros(count, dtype=np.int64), np.ones(count, dtype=bool)
    for offset in range(k):
        window = residues[offset:offset + count]
        codes, valid = codes * 20 + window, valid & (window >= 0)
    return np.unique(codes[valid])


class KmerIndex:
    """Nearest-neighbour Jaccard similarity of k-mer sets against a reference set of sequences:
    the references as rows of a 0/1 matrix over all 20^k k-mers, so the k-mers a batch shares with
    every reference are one matrix product."""

    def __init__(self, codes: np.ndarray, sizes: np.ndarray, k: int = DOMAIN_K):
        self.k, self.sizes = k, sizes.astype(np.float64)
        self.presence = np.zeros((len(sizes), 20 ** k), dtype=np.float32)
        self.presence[np.repeat(np.arange(len(sizes)), sizes), codes.astype(np.int64)] = 1.0

    def nearest_similarities(self, sequences: list[str]) -> np.ndarray:
        """Per sequence, the largest Jaccard similarity |A & B| / |A | B| to a reference."""
        queries = np.zeros((len(sequences), self.presence.shape[1]), dtype=np.float32)
        for row, sequence in enumerate(sequences):
            queries[row, kmer_codes(sequence, self.k)] = 1.0
        shared = (queries @ self.presence.T).astype(np.float64)  # exact: integer counts far below 2^24
        union = queries.sum(axis=1, keepdims=True, dtype=np.float64) + self.sizes[None, :] - shared
        return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0).max(axis=1)


def load_weights(path: Path = WEIGHTS) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def predict_proba(weights: dict[str, np.ndarray], matrix: np.ndarray) -> np.ndarray:
    """P(AMP) for rows of features: standardise, one ReLU layer, logistic output."""
    x = (matrix - weights["mean"]) / weights["scale"]
    hidden = np.maximum(x @ weights["w1"] + weights["b1"], 0.0)
    logits = hidden @ weights["w2"] + weights["b2"]
    return 1.0 / (1.0 + np.exp(-logits.ravel()))


def load_domain(path: Path = DOMAIN) -> tuple[KmerIndex, float, tuple[int, int]]:
    """The training peptides' dipeptide sets, the similarity threshold and the length range."""
    with np.load(path, allow_pickle=False) as domain:
        return (KmerIndex(domain["codes"], domain["sizes"]), float(domain["threshold"]),
                (int(domain["min_length"]), int(domain["max_length"])))


class AntimicrobialModel(SequenceModel):
    alphabet = PROTEIN_AMBIGUOUS

    def preprocess(self, value):
        """The sequence and its standard residues: the features and the domain read only those."""
        full = super().preprocess(value)
        return full, standard_residues(full)

    def load(self):
        self.weights = load_weights()
        self.domain, self.domain_threshold, self.lengths = load_domain()

    def domain_similarities(self, items):
        """Dipeptide-set Jaccard to the nearest training peptide; 0 outside the trained length range,
        where the training set holds only AMPs, so length alone would decide the label."""
        low, high = self.lengths
        similarities = np.zeros(len(items))
        inside = [i for i, (_, standard) in enumerate(items) if low <= len(standard) <= high]
        for start in range(0, len(inside), 256):  # 256 peptides x 4,160 references per product: about 4 MB
            rows = inside[start:start + 256]
            similarities[rows] = self.domain.nearest_similarities([items[i][1] for i in rows])
        return [float(v) for v in similarities]

    def forward(self, batch):
        probabilities = predict_proba(self.weights, np.stack([features(standard) for _, standard in batch]))
        return [float(p) for p in probabilities]

    def postprocess(self, raw, item):
        calibrated = float(np.interp(raw, self.weights["calibration_probability"],
                                     self.weights["calibration_calibrated"]))
        full, standard = item
        return {"probability": raw, "calibrated_probability": calibrated,
                "label": "AMP" if raw >= self.options["threshold"] else "non-AMP",
                "nonstandard_residues": len(full) - len(standard)}
