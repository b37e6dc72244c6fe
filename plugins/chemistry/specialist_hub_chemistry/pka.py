"""Micro-pKa per ionisable site with the graph neural network of Genzling et al. (pka-predictor-moitessier).

The package's public ``predict`` returns an empty table (its values are only printed), so the
inner ``inferring`` loop it wraps is called directly on each batch, with its working files (the
featurised graphs it writes and reads back) in a private temporary folder and its console
tables swallowed. It reports, per site, the pKa and the acid form of that step of its sequential
(de)protonation; the dominant microspecies at the requested pH follows from those steps: sites
whose pKa lies above the pH stay protonated, the others lose their proton.

The package proposes the sites itself (``find_centers``) and misses two basic nitrogens common in
drug-like molecules: a neutral N-H bonded to an aromatic atom is sp2 in RDKit, and it takes an sp2
nitrogen as basic only when it has no hydrogen (so primary and secondary anilines get no site), and
its tetrazole test also catches the ring C-H next to imidazole's pyridine-type nitrogen. Its network
predicts both well once asked (aniline 4.15, imidazole 7.18; experimental 4.60 and 6.99), so the
wrapper adds them to the package's basic nitrogens.
"""

from __future__ import annotations

import contextlib
import copy
import io
import sys
import tempfile
import warnings
from pathlib import Path
from unittest import mock

import pandas as pd
from rdkit import Chem

from specialist_hub import InputError

from .molecules import MoleculeModel, smiles_mol

# Primary/secondary aniline N and imidazole's pyridine-type N (ring n:c:n(H or R):c:c, as in histidine,
# benzimidazole); amides, sulfonamides and diarylamines stay as the package has them (acidic N-H).
EXTRA_BASIC_NITROGENS = tuple(Chem.MolFromSmarts(smarts) for smarts in (
    "[NX3;H1,H2;+0;!$(N=*);!$(N#*)]-a",
    "[nX2;H0;+0;$(n1:c:[nX3;+0]:c:c1)]",
))


def with_missed_basic_nitrogens(find_centers):
    """The package's site finder plus the basic nitrogens it misses (see the module docstring)."""

    def centers(mol, *args, **kwargs):
        ionizable_nitrogens, charged, acidic_nitrogens, *others = find_centers(mol, *args, **kwargs)
        for pattern in EXTRA_BASIC_NITROGENS:
            for atom, *_ in mol.GetSubstructMatches(pattern):
                if atom not in ionizable_nitrogens and atom not in acidic_nitrogens:
                    ionizable_nitrogens.append(atom)
        return (ionizable_nitrogens, charged, acidic_nitrogens, *others)

    centers.adds_missed_basic_nitrogens = True  # type: ignore[attr-defined]
    return centers


def _parser_args():
    """The package's default settings (its parser reads ``sys.argv``, so give it an empty one)."""
    from pka_predictor.GNN.argParser import argsParser

    with mock.patch.object(sys, "argv", ["pka_predictor"]), contextlib.redirect_stdout(io.StringIO()):
        return argsParser()


def deprotonated(smiles: str, atom: int) -> str:
    """``smiles`` with one proton removed from ``atom`` (the base form of that site)."""
    mol = Chem.RWMol(Chem.MolFromSmiles(smiles))
    center = mol.GetAtomWithIdx(atom)
    center.SetNumExplicitHs(max(center.GetTotalNumHs() - 1, 0))
    center.SetNoImplicit(True)
    center.SetFormalCharge(center.GetFormalCharge() - 1)
    Chem.SanitizeMol(mol)
    return Chem.MolToSmiles(mol)


def major_microspecies(input_smiles: str, steps: list[tuple[float, str, int]], ph: float) -> str:
    """The protonation state at ``ph`` from (pKa, acid form, centre atom) steps: the acid form of
    the lowest pKa above the pH, else every site deprotonated."""
    above = [step for step in steps if step[0] > ph]
    if above:
        return Chem.MolToSmiles(Chem.MolFromSmiles(min(above)[1]))
    if not steps:
        return input_smiles
    _, acid_form, atom = max(steps)
    return deprotonated(acid_form, atom)


class PkaModel(MoleculeModel):
    def load(self):
        with warnings.catch_warnings():  # torch_geometric's import warns about torch.jit.script
            warnings.simplefilter("ignore", FutureWarning)
            from pka_predictor.GNN import prepare_set
            from pka_predictor.GNN.train_pKa_predictor import inferring

        if not getattr(prepare_set.find_centers, "adds_missed_basic_nitrogens", False):  # once per process
            prepare_set.find_centers = with_missed_basic_nitrogens(prepare_set.find_centers)
        self.inferring = inferring
        self.defaults = _parser_args()

    def preprocess(self, value):
        item = super().preprocess(value)
        if item.mol.GetNumHeavyAtoms() < 2:  # the package's graph featuriser needs at least one bond
            raise InputError("the pKa model needs a molecule with at least two heavy atoms")
        return item

    def forward(self, batch):
        args = copy.copy(self.defaults)  # one working folder and settings per call: calls may overlap
        with tempfile.TemporaryDirectory(prefix="hub-pka-") as name:
            folder = Path(name)
            pd.DataFrame({"Smiles": [item.canonical_smiles for item in batch]}).to_csv(folder / "input.csv",
                                                                                        index=False)
            args.data_path, args.input = f"{folder}/", "input.csv"
            args.infer_pickled, args.verbose = str(folder / "infer.pkl"), 0
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                pkas, _, acid_forms, molecules, centers, _, _ = self.inferring(args)
        steps: list[list[tuple[float, str, int]]] = [[] for _ in batch]
        for pka, acid_form, molecule, center in zip(pkas, acid_forms, molecules, centers):
            steps[int(molecule) - 1].append((float(pka), str(acid_form), int(center) - 1))  # both 1-based
        return steps

    def postprocess(self, raw, item):
        canonical = smiles_mol(item)  # the package's atom numbers follow the canonical SMILES
        written = Chem.Mol(item.mol)
        Chem.MolToSmiles(written)
        input_atom = list(written.GetProp("_smilesAtomOutputOrder", autoConvert=True))  # canonical -> input
        sites = []
        for pka, acid_form, atom in raw:
            acid = Chem.MolFromSmiles(acid_form)
            if acid is None or atom >= canonical.GetNumAtoms():
                raise InputError(f"the pKa model returned an unreadable state {acid_form!r}")
            center = canonical.GetAtomWithIdx(atom)
            gains_proton = acid.GetAtomWithIdx(atom).GetFormalCharge() > center.GetFormalCharge()
            sites.append({"atom": input_atom[atom], "element": center.GetSymbol(),
                          "type": "base" if gains_proton else "acid", "pka": pka})
        sites.sort(key=lambda site: site["atom"])
        species = major_microspecies(item.canonical_smiles, raw, self.options["ph"])
        return {"sites": sites, "atoms": [site["atom"] for site in sites], "n_sites": len(sites),
                "major_microspecies": species, "major_charge": Chem.GetFormalCharge(Chem.MolFromSmiles(species))}
