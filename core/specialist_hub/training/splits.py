"""Cross-validation folds: by group (scaffold, cluster, the user's column), predefined, or random."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

N_FOLDS = 5

Folds = list[tuple[np.ndarray, np.ndarray]]


def grouped_folds(groups: Sequence[str], n_folds: int = N_FOLDS, seed: int = 0) -> Folds:
    """Folds in which no group straddles train and test. Groups are dealt largest first to the
    fold with fewest records so far (ties broken at random), as chemprop's balanced scaffold split
    does, so one huge group (acyclic molecules share the empty scaffold) does not empty the others."""
    rng = np.random.default_rng(seed)
    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    order = sorted(members.values(), key=lambda m: (-len(m), rng.random()))
    n_folds = min(n_folds, len(order))
    assigned = [[] for _ in range(n_folds)]  # type: list[list[int]]
    for group_members in order:
        sizes = np.array([len(fold) for fold in assigned], dtype=float) + rng.random(n_folds) * 0.5
        assigned[int(np.argmin(sizes))].extend(group_members)
    return _as_folds(assigned, len(groups))


def predefined_folds(labels: Sequence[str]) -> Folds:
    """One fold per distinct value of the user's ``--split-column``."""
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    return _as_folds(list(by_label.values()), len(labels))


def random_folds(n: int, n_folds: int = N_FOLDS, seed: int = 0, labels: Sequence[int] | None = None) -> Folds:
    """Random folds; with ``labels``, stratified so every fold holds each class in proportion."""
    rng = np.random.default_rng(seed)
    assigned = [[] for _ in range(n_folds)]  # type: list[list[int]]
    strata = [list(range(n))] if labels is None else [
        [i for i in range(n) if labels[i] == label] for label in sorted(set(labels))]
    offset = 0
    for stratum in strata:
        for position, index in enumerate(rng.permutation(stratum)):
            assigned[(position + offset) % n_folds].append(int(index))
        offset += len(stratum)
    return _as_folds(assigned, n)


def _as_folds(assigned: list[list[int]], n: int) -> Folds:
    everything = np.arange(n)
    folds = []
    for members in assigned:
        test = np.array(sorted(members), dtype=int)
        if len(test):
            folds.append((np.setdiff1d(everything, test), test))
    return folds
