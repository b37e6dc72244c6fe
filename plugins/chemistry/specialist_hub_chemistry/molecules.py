"""Shared molecule handling: parse SMILES or molfile records, standardise, canonicalise."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from rdkit import Chem, rdBase
from rdkit.Chem.MolStandardize import rdMolStandardize

from specialist_hub import InputError, ItemModel

from .plugin import MAX_ATOMS

# RDKit's parse errors go to Python logging, where parse_molecule collects them as the reason.
rdBase.LogToPythonLogger()
_rdkit_log = logging.getLogger("rdkit")
_rdkit_log.propagate = False
_rdkit_log.handlers = [logging.NullHandler()]  # RDKit's own stderr handler would print every failure


#: One atom of a SMILES: a bracket atom (group 1 when it is a hydrogen, [2H+] but not [Hg]) or an
#: organic-subset symbol.
_SMILES_ATOM = re.compile(r"(\[[0-9]*H(?![a-z])[^\]]*\])|\[[^\]]*\]|Br|Cl|[BCNOPSFIbcnops*]")
_HYDROGENS = {"H", "D", "T"}


def heavy_atoms(value: str, limit: int) -> int:
    """The heavy atoms (all but hydrogens; dummy atoms too) a SMILES or molfile writes, counted
    without parsing it and only up to ``limit + 1``, so a huge record costs no more than one at the limit."""
    if "\n" not in value:
        count = 0
        for match in _SMILES_ATOM.finditer(value):
            count += match.group(1) is None
            if count > limit:
                break
        return count
    lines = value.splitlines()
    if len(lines) > 3 and "V3000" in lines[3]:
        atoms = []
        for line in lines[4:]:
            if line.startswith("M  V30 END ATOM"):
                break
            words = line.split()
            if len(words) > 3 and words[2].isdigit() and not line.startswith("M  V30 BEGIN"):
                atoms.append(words[3])
    else:
        try:
            declared = int(lines[3][:3]) if len(lines) > 3 else 0
        except ValueError:
            return 0  # not a V2000 counts line: RDKit says what is wrong
        atoms = [line[31:34].strip() for line in lines[4:4 + min(declared, len(lines))]]
    return sum(symbol not in _HYDROGENS for symbol in atoms)


def check_size(value: Any, max_atoms: int) -> None:
    """Refuse a SMILES or molfile of more than ``max_atoms`` heavy atoms before RDKit parses it."""
    if isinstance(value, str) and heavy_atoms(value, max_atoms) > max_atoms:
        raise InputError(f"the molecule has more than {max_atoms:,} heavy atoms, the limit of this model; raise it "
                         f"with --option max_atoms=N if the input is trusted (on a server, only its host can)")


class ParsedMolecule(NamedTuple):
    mol: Chem.Mol
    canonical_smiles: str
    standardized: bool
    #: SMILES of the salt and solvent fragments standardisation took away.
    removed_fragments: tuple[str, ...] = ()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage().split("]", 1)[-1].strip(" :\n"))


def parse_molecule(value: Any, *, keep_hydrogens: bool = False, max_atoms: int = MAX_ATOMS) -> Chem.Mol:
    """An RDKit molecule from a SMILES string or a molfile block of at most ``max_atoms`` heavy
    atoms; InputError gives RDKit's reason.

    ``keep_hydrogens`` keeps a molfile's explicit hydrogens (and so their coordinates)."""
    if isinstance(value, Chem.Mol):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InputError("empty input: expected a SMILES string or a molfile record")
    check_size(value, max_atoms)
    is_block = "\n" in value
    if not is_block and not value.isascii():  # SMILES is ASCII; RDKit's log of it would cut a character in two
        position, character = next((i, c) for i, c in enumerate(value.strip()) if not c.isascii())
        raise InputError(f"invalid SMILES: {character!r} at position {position + 1} is not a SMILES character "
                         f"(SMILES are ASCII)")
    collect = _Collect()
    _rdkit_log.addHandler(collect)
    try:
        mol = (Chem.MolFromMolBlock(value, removeHs=not keep_hydrogens) if is_block
               else Chem.MolFromSmiles(value.strip()))
    except (SystemError, UnicodeDecodeError):  # RDKit's log message cut inside a character of the record
        raise InputError("invalid molfile record: RDKit could not parse it (it holds non-ASCII text)") from None
    finally:
        _rdkit_log.removeHandler(collect)
    if mol is None:
        what = "molfile record" if is_block else f"SMILES {value.strip()!r}"
        reason = "; ".join(dict.fromkeys(m for m in collect.messages if m)) or "RDKit could not parse it"
        raise InputError(f"invalid {what}: {reason}")
    if mol.GetNumAtoms() == 0:
        raise InputError("the molecule has no atoms")
    return mol


def standardize(mol: Chem.Mol) -> tuple[Chem.Mol, tuple[str, ...]]:
    """The molecule as the ChEMBL structure pipeline's parent (Bento et al., J. Cheminform. 12, 51
    (2020)), with RDKit MolStandardize: functional groups normalised and reionised, known salts and
    solvents removed, neutralised; and the SMILES of the fragments removed. Like ChEMBL's, no
    tautomer is canonicalised (that changes the molecule a model scores: prednisolone acetate's
    dienone would become a dienol) and metals stay bonded (disconnecting them turned a copper
    complex into one free ligand); fragments not on the salt list all stay."""
    mol = rdMolStandardize.Reionize(rdMolStandardize.Normalize(mol))
    before = Chem.GetMolFrags(mol, asMols=True)
    kept = rdMolStandardize.FragmentRemover().remove(mol)
    remaining = [Chem.MolToSmiles(fragment) for fragment in Chem.GetMolFrags(kept, asMols=True)]
    removed = [Chem.MolToSmiles(fragment) for fragment in before]
    for smiles in remaining:
        removed.remove(smiles)
    parent = rdMolStandardize.Uncharger().uncharge(kept)
    Chem.SanitizeMol(parent)  # the fragment remover leaves ring information unset
    return parent, tuple(removed)


def _prepare(value: Any, wanted: bool, max_atoms: int = MAX_ATOMS) -> ParsedMolecule:
    mol = parse_molecule(value, max_atoms=max_atoms)
    removed: tuple[str, ...] = ()
    if wanted:
        mol, removed = standardize(mol)
    return ParsedMolecule(mol, Chem.MolToSmiles(mol), wanted, removed)


class ParsedCache:
    """Parsed molecules by (text, standardise), least recently used first out, bounded by the
    characters of the texts it holds (a molecule's memory grows with its SMILES), so a library of
    huge polymers cannot fill memory; texts longer than ``longest`` are never kept.

    Several models on one record stream see each chunk once per model: each string is parsed once.
    Models only read the molecule (RDKit descriptor functions do not change it).
    """

    def __init__(self, budget: int = 2_000_000, longest: int = 2_000):
        self.budget, self.longest, self.size = budget, longest, 0
        self.entries: OrderedDict[tuple[str, bool], ParsedMolecule] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str, wanted: bool, max_atoms: int = MAX_ATOMS) -> ParsedMolecule:
        """The parsed molecule of ``text``; one of more than ``max_atoms`` heavy atoms is refused
        even when another model's higher limit left it in the cache."""
        check_size(text, max_atoms)
        key = (text, wanted)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        parsed = _prepare(text, wanted, max_atoms)
        if len(text) <= self.longest:
            with self.lock:
                if key not in self.entries:
                    self.entries[key] = parsed
                    self.size += len(text)
                while self.size > self.budget:
                    (old, _), _ = self.entries.popitem(last=False)
                    self.size -= len(old)
        return parsed


_parsed = ParsedCache()


class MoleculeModel(ItemModel):
    """Base for chemistry models: preprocess parses (and optionally standardises) each record;
    every output echoes the canonical SMILES it refers to."""

    def preprocess(self, value: Any) -> ParsedMolecule:
        wanted = bool(self.options.get("standardize", False))
        if isinstance(value, str):
            return _parsed.get(value, wanted, self.max_atoms)
        return _prepare(value, wanted, self.max_atoms)

    @property
    def max_atoms(self) -> int:
        return self.options.get("max_atoms", MAX_ATOMS)

    def echo(self, item: ParsedMolecule) -> dict[str, Any]:
        return {"canonical_smiles": item.canonical_smiles, "standardized": item.standardized,
                "removed_fragments": list(item.removed_fragments)}


def smiles_mol(item: ParsedMolecule) -> Chem.Mol:
    """The molecule re-read from its canonical SMILES: what SMILES-trained models were fed."""
    mol = Chem.MolFromSmiles(item.canonical_smiles)
    if mol is None:
        raise InputError(f"RDKit cannot re-read its own canonical SMILES {item.canonical_smiles!r}")
    return mol
