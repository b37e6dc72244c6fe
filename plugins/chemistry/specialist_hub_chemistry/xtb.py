"""GFN2-xTB (Bannwarth, Ehlert & Grimme 2019) through ``tblite``, whose parameters are compiled in.

The geometry is the input's own (a molfile with 3-D coordinates, hydrogens kept) or an RDKit
ETKDG conformer with a fixed seed, pre-relaxed with MMFF94 (UFF where MMFF has no parameters) so
the quantum-chemical optimisation starts close to a minimum. tblite has no geometry optimiser
(xtb's ANCopt is not part of it): we minimise with SciPy's L-BFGS-B on Cartesian coordinates and
tblite's analytic gradients, restarting each SCC from the previous wavefunction.

tblite parallelises with OpenMP over all cores by default; for molecules of drug size the
threads mostly wait on each other (a 59-atom single point took 0.7 s on 2 busy cores against
0.03 s on one), so each calculation runs with the ``threads`` option's count (default 1).
"""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem
from scipy.optimize import minimize
from tblite.exceptions import TBLiteRuntimeError
from tblite.interface import Calculator
from threadpoolctl import ThreadpoolController

from specialist_hub import InputError, OptionError

from .molecules import MoleculeModel, ParsedMolecule, parse_molecule, standardize

METHOD = "GFN2-xTB"
BOHR_IN_ANGSTROM = 0.529177210903  # CODATA 2018
HARTREE_IN_EV = 27.211386245988  # CODATA 2018
E_BOHR_IN_DEBYE = 2.541746473  # 1 e·a0 in Debye (CODATA 2018)
#: GFN2-xTB is parametrised for H to Rn.
LAST_ELEMENT = 86
#: Largest gradient component at convergence (Eh/bohr). xtb's "normal" level stops at a gradient
#: norm of 1e-3 Eh/bohr; bounding every component by 1e-4 is at least as tight up to ~30 atoms.
GRADIENT_TOLERANCE = 1e-4
EMBED_SEED = 0xF00D


def with_coordinates(item: ParsedMolecule) -> tuple[Chem.Mol, str]:
    """The molecule with all hydrogens and a 3-D conformer, and where the coordinates came from."""
    mol = item.mol
    if mol.GetNumConformers() and mol.GetConformer().Is3D() and not item.standardized:
        return Chem.AddHs(mol, addCoords=True), "input"
    mol = Chem.AddHs(Chem.Mol(mol))
    params = AllChem.ETKDGv3()
    params.randomSeed = EMBED_SEED
    if AllChem.EmbedMolecule(mol, params) < 0:
        params.useRandomCoords = True  # RDKit's documented fallback for hard ring systems
        if AllChem.EmbedMolecule(mol, params) < 0:
            raise InputError("RDKit ETKDG could not generate 3-D coordinates; give a molfile with 3-D coordinates")
    if AllChem.MMFFHasAllMoleculeParams(mol):
        AllChem.MMFFOptimizeMolecule(mol, maxIters=2000)
    elif AllChem.UFFHasAllMoleculeParams(mol):
        AllChem.UFFOptimizeMolecule(mol, maxIters=2000)
    return mol, "etkdg"


def check_elements(mol: Chem.Mol) -> np.ndarray:
    numbers = np.array([atom.GetAtomicNum() for atom in mol.GetAtoms()])
    outside = sorted({atom.GetSymbol() for atom in mol.GetAtoms() if not 1 <= atom.GetAtomicNum() <= LAST_ELEMENT})
    if outside:
        raise InputError(f"{METHOD} has parameters for H to Rn (Z = 1-{LAST_ELEMENT}) only; "
                         f"not for {', '.join(outside)}")
    return numbers


def charge_and_spin(mol: Chem.Mol, charge_option: str, multiplicity: int) -> tuple[int, int]:
    """Net charge and unpaired electrons: from the structure unless the options say otherwise."""
    auto = charge_option.strip().lower() == "auto"  # else an integer: the option's pattern says so
    charge = Chem.GetFormalCharge(mol) if auto else int(charge_option)
    if multiplicity == 0:
        multiplicity = sum(atom.GetNumRadicalElectrons() for atom in mol.GetAtoms()) + 1
    unpaired = multiplicity - 1
    electrons = sum(atom.GetAtomicNum() for atom in mol.GetAtoms()) - charge
    if electrons < 1:  # a bare proton ([H+]): no occupied orbital, so no HOMO and no energy worth a number
        raise InputError(f"{electrons} electrons (charge {charge:+d}): {METHOD} needs at least one; "
                         f"check the structure or the option charge")
    if (electrons - unpaired) % 2:
        raise InputError(f"{electrons} electrons (charge {charge:+d}) cannot have multiplicity {multiplicity}; "
                         f"set the options charge or multiplicity")
    return charge, unpaired


def frontier_orbitals(result) -> tuple[float, float | None]:
    """HOMO and LUMO energies in eV: the highest and lowest alpha-occupied/empty orbitals.

    Counting electrons (not thresholding fractional Fermi occupations) keeps the HOMO well defined
    for near-degenerate levels and for restricted open-shell occupations (2, ..., 2, 1, 0, ...)."""
    energies = np.asarray(result.get("orbital-energies")) * HARTREE_IN_EV
    occupations = np.asarray(result.get("orbital-occupations"))
    electrons = round(float(occupations.sum()))
    unpaired = round(float(np.sum(occupations[(occupations > 0.5) & (occupations < 1.5)])))
    alpha = (electrons + unpaired) // 2
    lumo = float(energies[alpha]) if alpha < len(energies) else None
    return float(energies[alpha - 1]), lumo


class XtbModel(MoleculeModel):
    def load(self):
        self.thread_pools = ThreadpoolController()  # found once: looking tblite's OpenMP up takes ms per call

    def preprocess(self, value):
        if isinstance(value, str) and "\n" in value:  # a molfile: keep its hydrogens' coordinates
            wanted = bool(self.options.get("standardize", False))
            mol, removed = parse_molecule(value, keep_hydrogens=True, max_atoms=self.max_atoms), ()
            if wanted:
                mol, removed = standardize(mol)
            return ParsedMolecule(mol, Chem.MolToSmiles(Chem.RemoveHs(mol)), wanted, removed)
        return super().preprocess(value)

    def compute(self, item):
        with self.thread_pools.limit(limits=self.options["threads"], user_api="openmp"):
            return self.calculate(item)

    def calculate(self, item):
        mol, source = with_coordinates(item)
        numbers = check_elements(mol)
        charge, unpaired = charge_and_spin(mol, self.options["charge"], self.options["multiplicity"])
        positions = mol.GetConformer().GetPositions() / BOHR_IN_ANGSTROM
        calculator = Calculator(METHOD, numbers, positions, charge=charge, uhf=unpaired)
        calculator.set("verbosity", 0)
        solvent = self.options["solvent"]
        model = self.options["solvation_model"]
        if solvent:
            try:
                calculator.add(f"{model}-solvation", solvent)
            except TBLiteRuntimeError:
                raise OptionError(f"tblite has no {model.upper()} parameters for {METHOD} in {solvent}; "
                                  f"use solvation_model=alpb") from None
        state = {"result": None}

        def energy_and_gradient(flat):
            calculator.update(flat.reshape(-1, 3))
            state["result"] = calculator.singlepoint(state["result"])  # restart from the last SCC
            return float(state["result"].get("energy")), np.asarray(state["result"].get("gradient")).ravel()

        converged, steps = None, 0
        if self.options["optimize"]:
            found = minimize(energy_and_gradient, positions.ravel(), jac=True, method="L-BFGS-B",
                             options={"gtol": GRADIENT_TOLERANCE, "ftol": 1e-12, "maxcor": 50,
                                      "maxiter": self.options["max_steps"]})
            positions, converged, steps = found.x.reshape(-1, 3), bool(found.success), int(found.nit)
        energy, gradient = energy_and_gradient(positions.ravel())  # the line search may end elsewhere
        result = state["result"]
        homo, lumo = frontier_orbitals(result)
        conformer = mol.GetConformer()
        for index, xyz in enumerate(positions * BOHR_IN_ANGSTROM):
            conformer.SetAtomPosition(index, xyz.tolist())
        return {
            "total_energy": energy,
            "homo_energy": homo,
            "lumo_energy": lumo,
            "homo_lumo_gap": None if lumo is None else lumo - homo,
            "dipole_moment": float(np.linalg.norm(result.get("dipole"))) * E_BOHR_IN_DEBYE,
            "partial_charges": [float(q) for q in result.get("charges")],
            "gradient_norm": float(np.linalg.norm(gradient)),
            "charge": charge,
            "multiplicity": unpaired + 1,
            "converged": converged,
            "optimization_steps": steps,
            "coordinates": source,
            "molblock": Chem.MolToMolBlock(mol),
        }

