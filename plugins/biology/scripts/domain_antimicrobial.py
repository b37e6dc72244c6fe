"""Build biology/antimicrobial's applicability domain: specialist_hub_biology/data/amp_domain.npz.

The domain is the training peptides (modlAMP's AMPvsUniProt less the ``heldout_index`` of
amp_mlp.npz), each as its set of dipeptides (2-mers); an input's similarity is the Jaccard
similarity of its dipeptide set to the nearest training peptide's, and 0 outside the length range
where the training set holds both classes (the non-AMPs' range, 10-50 residues; AMPs run to 174,
so beyond 50 length alone decides the label). The threshold is the 10th percentile of that
similarity over the even half of the held-out peptides in that range (the half that fits the
calibration), so about 90 % of such peptides are in domain. On the odd half this prints the error
rate of the label in and out of domain, and the share of random 30-residue sequences (uniform
residues, seed 0) found in domain.

Needs: numpy, modlamp.  Run: python plugins/biology/scripts/domain_antimicrobial.py
"""

from __future__ import annotations

import numpy as np
from modlamp.datasets import load_AMPvsUniProt

from specialist_hub_biology.antimicrobial import (
    AMINO_ACIDS,
    DOMAIN,
    DOMAIN_K,
    KmerIndex,
    features,
    kmer_codes,
    load_weights,
    predict_proba,
)
from specialist_hub_biology.sequences import PROTEIN, clean_sequence

QUANTILE = 0.10


def main() -> None:
    data = load_AMPvsUniProt()
    sequences = [clean_sequence(s, PROTEIN, protein=True) for s in data.sequences]
    labels = np.asarray(data.target, dtype=int)
    weights = load_weights()
    heldout = weights["heldout_index"]
    train = np.setdiff1d(np.arange(len(sequences)), heldout)
    lengths = np.array([len(s) for s in sequences])
    # Where both classes were trained: from the shortest to the longest length that both hold.
    low = max(int(lengths[train][labels[train] == c].min()) for c in (0, 1))
    high = min(int(lengths[train][labels[train] == c].max()) for c in (0, 1))
    sets = [kmer_codes(sequences[i], DOMAIN_K) for i in train]
    codes, sizes = np.concatenate(sets).astype(np.uint16), np.array([len(s) for s in sets], dtype=np.uint16)
    index = KmerIndex(codes, sizes)
    in_range = (lengths[heldout] >= low) & (lengths[heldout] <= high)
    similarity = np.where(in_range, index.nearest_similarities([sequences[i] for i in heldout]), 0.0)
    fit = np.arange(len(heldout)) % 2 == 0
    threshold = float(np.quantile(similarity[fit & in_range], QUANTILE))
    np.savez_compressed(DOMAIN, codes=codes, sizes=sizes, threshold=np.float64(threshold),
                        min_length=np.int64(low), max_length=np.int64(high))
    wrong = (predict_proba(weights, np.stack([features(sequences[i]) for i in heldout])) >= 0.5) != labels[heldout]
    inside = similarity >= threshold
    for name, mask in (("in domain", inside & ~fit), ("out of domain", ~inside & ~fit),
                       ("out of domain by length", ~in_range & ~fit),
                       ("out of domain by composition", ~inside & in_range & ~fit)):
        print(f"held-out test half, {name}: {mask.sum()} peptides, error rate {wrong[mask].mean():.3f}")
    rng = np.random.default_rng(0)
    random = ["".join(rng.choice(list(AMINO_ACIDS), 30)) for _ in range(300)]
    share = np.mean(index.nearest_similarities(random) >= threshold)
    print(f"lengths {low}-{high}; threshold {threshold:.4f}; random 30-mers in domain: {share:.3f}; wrote {DOMAIN}")


if __name__ == "__main__":
    main()
