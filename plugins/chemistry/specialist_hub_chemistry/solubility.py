"""SolTranNet (Francoeur & Koes 2021): aqueous log S from the weights shipped in ``soltrannet``.

``import soltrannet`` needs ``pkg_resources`` (gone from setuptools >= 81) and loads the model on
import, so the two self-contained modules we need (the network and the featuriser) are loaded
from the installed package's files instead, and the weights are loaded here onto our device.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch

from .contrib import import_file
from .molecules import MoleculeModel, smiles_mol
from .trust import TanimotoDomain

WEIGHTS = "soltrannet_aqsol_trained.weights"
OTHER_ATOM = 11  # feature column of atoms outside B, C, N, O, F, P, S, Cl, Br, I


def package_dir() -> Path:
    spec = importlib.util.find_spec("soltrannet")
    return Path(next(iter(spec.submodule_search_locations)))


def warnings_for(smiles: str, features: np.ndarray) -> str:
    """SolTranNet's own reliability warnings (salts, atoms it has no type for)."""
    found = []
    if "." in smiles:
        found.append("salt")
    if features[:, OTHER_ATOM].sum():
        found.append("atoms outside B,C,N,O,F,P,S,Cl,Br,I")
    return "; ".join(found) + (": prediction less reliable" if found else "")


class SolTranNetModel(TanimotoDomain, MoleculeModel):
    trust_file = "solubility_trust.npz"

    def load(self):
        self.load_trust()
        self.features = import_file(package_dir() / "data_utils.py", "_soltrannet_data_utils")
        self.network = import_file(package_dir() / "transformer.py", "_soltrannet_transformer").make_model()
        state = torch.load(package_dir() / WEIGHTS, map_location=self.device, weights_only=True)
        self.network.load_state_dict(state)
        self.network.to(self.device).eval()

    def preprocess(self, value):
        parsed = super().preprocess(value)
        # As `soltrannet.predict` does: featurise the molecule parsed from (canonical) SMILES.
        nodes, adjacency = self.features.featurize_mol(smiles_mol(parsed), add_dummy_node=True)
        return parsed, nodes, adjacency

    def forward(self, batch):
        size = max(nodes.shape[0] for _, nodes, _ in batch)
        width = batch[0][1].shape[1]
        nodes = torch.zeros((len(batch), size, width), dtype=torch.float32)
        adjacency = torch.zeros((len(batch), size, size), dtype=torch.float32)
        for i, (_, n, a) in enumerate(batch):
            nodes[i, : n.shape[0]] = torch.from_numpy(n)
            adjacency[i, : a.shape[0], : a.shape[1]] = torch.from_numpy(a)
        nodes, adjacency = nodes.to(self.device), adjacency.to(self.device)
        mask = torch.sum(torch.abs(nodes), dim=-1) != 0
        return self.network(nodes, mask, adjacency, None).flatten().tolist()

    def echo(self, item):
        return super().echo(item[0])

    def domain_molecule(self, item):
        return item[0]

    def postprocess(self, raw, item):
        parsed, nodes, _ = item
        return {"log_solubility": float(raw), "warning": warnings_for(parsed.canonical_smiles, nodes)}
