"""Reaction atom mapping from the attention of RXNMapper's ALBERT model (Schwaller, Hoover, Reymond,
Strobelt & Laino, Sci. Adv. 7, eabe4166 (2021)), for the transformers the hub uses.

rxnmapper 0.4.3 (MIT, github.com/rxn4chemistry/rxnmapper) pins transformers < 5, so this module
restates its method (``core.py``, ``attention.py``, ``smiles_utils.py`` and the reaction handling it
takes from rxn-chem-utils) and runs the weights it ships, converted to safetensors in data/rxnmapper
(scripts/convert_rxnmapper.py), through transformers' own ``AlbertModel``:

1. The reaction is read as rxnmapper reads it: plain, with ``~`` fragment bonds, or as CXSMILES with
   ``|f:...|`` fragment groups. With ``canonicalize``, agents join the reactants, each compound becomes
   RDKit canonical SMILES without atom maps, and the compounds of each side are sorted.
2. ``precursors>>products``, fragments joined by ``~`` as in training, is cut into SMILES tokens and
   encoded; the signal is head 6 of layer 11 of the 12 (both counted from 1), rxnmapper's choice.
3. Greedily, the product atom whose attention to a reactant atom of the same element is strongest
   (product-to-reactant plus reactant-to-product attention, normalised over each product atom's
   candidates) is mapped to it; both are then taken out, and the attention between their neighbours
   is multiplied by 90, so that neighbours map to neighbours. This ends when no attention is left.
4. Product atoms are numbered 1, 2, ... in order; a mapped reactant atom takes its product atom's
   number. The confidence is the product of the normalised attentions of the choices.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from rdkit import Chem
from rdkit.Chem import rdChemReactions
from transformers import AlbertModel

from specialist_hub import InputError, Model
from specialist_hub.hf import from_pretrained
from specialist_hub.weights import weights_file

from .molecules import heavy_atoms, parse_molecule

#: rxnmapper's SMILES token pattern: its vocabulary holds these tokens.
TOKEN = re.compile(r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>>?|\*|\$|\%[0-9]{2}|[0-9])")
#: Where rxnmapper reads the attention (0-based layer and head) and how much a mapped pair's neighbours gain.
LAYER, HEAD, NEIGHBOUR_BOOST = 10, 5, 90.0
ARROW = re.compile(r"(?<!-)>")  # '>' separates the sides, except as the end of a dative bond '->'
ATOM_MAP_NUMBER = re.compile(r":\d+]")
FRAGMENT_GROUPS = re.compile(r"f:([\d.,]+)")
WEIGHTS = "data/rxnmapper/model.safetensors"


@dataclass(frozen=True)
class Reaction:
    """Compounds on each side (a compound of several fragments joins them with '.') and how the input
    wrote fragments: ``plain``, ``tilde`` (``[Na+]~[O-]C``) or ``extended`` (CXSMILES ``|f:0.1|``)."""

    reactants: tuple[str, ...]
    agents: tuple[str, ...]
    products: tuple[str, ...]
    style: str = "plain"


@dataclass(frozen=True)
class Prepared:
    """A reaction ready for the encoder, with the atom graph the mapping walks on."""

    reaction: Reaction
    token_ids: list[int]
    atom_positions: np.ndarray  # token position of each atom, reactant atoms first
    reactant_atoms: int
    elements: np.ndarray  # atomic number of each atom
    adjacency: np.ndarray  # atoms x atoms, bonded (fragment bonds '~' included)


def reaction_smiles(value: Any) -> str:
    """The reaction SMILES of a record: a reaction SMILES, an MDL RXN block or an RDKit reaction."""
    if isinstance(value, rdChemReactions.ChemicalReaction):
        return rdChemReactions.ReactionToSmiles(value)
    if not isinstance(value, str) or not value.strip():
        raise InputError("empty input: expected a reaction SMILES (reactants>>products) or an MDL RXN record")
    if value.lstrip().startswith("$RXN"):
        try:
            reaction = rdChemReactions.ReactionFromRxnBlock(value)
        except ValueError as exc:
            raise InputError(f"invalid RXN record: {exc}") from None
        if reaction is None:
            raise InputError("invalid RXN record: RDKit could not read it")
        return rdChemReactions.ReactionToSmiles(reaction)
    if "\n" in value.strip():
        raise InputError("expected one reaction SMILES per record or an MDL RXN record starting with $RXN")
    return value.strip()


def reaction_heavy_atoms(value: str, limit: int) -> int:
    """The heavy atoms of a reaction SMILES (every side) or of the V2000 molfiles of an RXN block,
    counted without parsing and only up to about ``limit + 1``."""
    if not value.lstrip().startswith("$RXN"):
        return heavy_atoms(value, limit)
    count = 0
    for molfile in value.split("$MOL\n")[1:]:
        count += heavy_atoms(molfile, limit)
        if count > limit:
            break
    return count


def parse_reaction(text: str) -> Reaction:
    """The compounds of a reaction SMILES, fragments grouped as its format says."""
    style = "extended" if " |" in text else "tilde" if "~" in text else "plain"
    smiles, _, extension = text.partition(" ") if style == "extended" else (text, "", "")
    sides = ARROW.split(smiles)
    if len(sides) != 3:
        raise InputError(f"not a reaction SMILES: {text!r}; write reactants>>products or reactants>agents>products")
    groups = [[compound for compound in side.split(".") if compound] for side in sides]
    if style == "tilde":
        groups = [[compound.replace("~", ".") for compound in group] for group in groups]
    elif style == "extended":
        groups = _join_fragments(groups, _fragment_groups(extension))
    reactants, agents, products = (tuple(group) for group in groups)
    if not (reactants or agents) or not products:
        raise InputError(f"the reaction {text!r} needs reactants and products on both sides of '>>'")
    return Reaction(reactants, agents, products, style)


def _fragment_groups(extension: str) -> list[list[int]]:
    found = FRAGMENT_GROUPS.search(extension)
    if found is None:
        return []
    groups = ([int(index) for index in group.split(".") if index] for group in found.group(1).split(","))
    return [group for group in groups if group]


def _join_fragments(groups: list[list[str]], fragments: list[list[int]]) -> list[list[str]]:
    """CXSMILES fragment groups (indices over all molecules) joined into compounds, which follow the
    side's single molecules (rxn-chem-utils' order)."""
    joined_groups, start = [], 0
    for molecules in groups:
        indices = range(start, start + len(molecules))
        joined, used = [], set()
        for group in fragments:
            inside = [index in indices for index in group]
            if all(inside):
                joined.append(".".join(molecules[index - start] for index in group))
                used.update(group)
            elif any(inside):
                raise InputError(f"the CXSMILES fragment group {'.'.join(map(str, group))} spans two sides of the reaction")
        joined_groups.append([molecule for index, molecule in zip(indices, molecules) if index not in used] + joined)
        start += len(molecules)
    return joined_groups


def _read(smiles: str) -> Chem.Mol:
    """An unsanitised molecule, as rxnmapper reads compounds; InputError gives RDKit's reason."""
    mol = Chem.MolFromSmiles(smiles, sanitize=False)
    if mol is None:
        parse_molecule(smiles)  # raises InputError with RDKit's reason
        raise InputError(f"invalid SMILES {smiles!r}")
    return mol


def canonical_compound(smiles: str) -> str:
    """RDKit canonical SMILES without atom maps, made as rxn-chem-utils makes it (hydrogens removed
    before sanitisation)."""
    mol = _read(smiles)
    for atom in mol.GetAtoms():
        atom.SetAtomMapNum(0)
    mol = Chem.RemoveHs(mol, sanitize=False)
    try:
        Chem.SanitizeMol(mol)
    except (ValueError, RuntimeError) as exc:
        raise InputError(f"invalid molecule {smiles!r}: {exc}; map it as written with canonicalize=false") from None
    return Chem.MolToSmiles(mol)


def canonical_reaction(reaction: Reaction) -> Reaction:
    """Agents among the reactants, canonical compounds, sorted: what rxnmapper maps by default."""
    precursors = sorted(canonical_compound(c) for c in (*reaction.reactants, *reaction.agents))
    products = sorted(canonical_compound(c) for c in reaction.products)
    return Reaction(tuple(precursors), (), tuple(products), reaction.style)


def prepare(reaction: Reaction, vocabulary: dict[str, int], max_tokens: int) -> Prepared:
    """Tokens of ``precursors>>products`` and the atom graph read from the same tokens."""
    reaction = Reaction((*reaction.reactants, *reaction.agents), (), reaction.products, reaction.style)
    smiles = ">>".join(".".join(c.replace(".", "~") for c in side) for side in (reaction.reactants, reaction.products))
    tokens = TOKEN.findall(smiles)
    unread = TOKEN.sub("", smiles)
    if unread:
        raise InputError(f"the reaction SMILES has characters the model's tokenizer cannot read: {unread!r}")
    if len(tokens) + 2 > max_tokens:
        raise InputError(f"the reaction SMILES has {len(tokens) + 2} tokens; the model reads at most {max_tokens}")
    positions, elements, blocks = [], [], []
    for molecule in _molecules(tokens):
        mol = _read("".join(tokens[i] for i in molecule))
        atoms = [i + 1 for i in molecule if _is_atom(tokens[i])]  # + 1: [CLS] comes first
        if len(atoms) != mol.GetNumAtoms():
            raise InputError(f"RDKit reads {mol.GetNumAtoms()} atoms in {''.join(tokens[i] for i in molecule)!r}, "
                             f"the tokenizer {len(atoms)}")
        positions += atoms
        elements += [atom.GetAtomicNum() for atom in mol.GetAtoms()]
        blocks.append(Chem.GetAdjacencyMatrix(mol).astype(bool))
    adjacency = np.zeros((len(positions), len(positions)), dtype=bool)
    start = 0
    for block in blocks:
        adjacency[start:start + len(block), start:start + len(block)] = block
        start += len(block)
    arrow = tokens.index(">>") + 1
    unknown = vocabulary["[UNK]"]
    ids = [vocabulary["[CLS]"], *(vocabulary.get(token, unknown) for token in tokens), vocabulary["[SEP]"]]
    return Prepared(reaction, ids, np.array(positions), sum(p < arrow for p in positions), np.array(elements), adjacency)


def _is_atom(token: str) -> bool:
    return token[0].isalpha() or token[0] == "[" or "*" in token


def _molecules(tokens: Sequence[str]) -> Iterator[list[int]]:
    """Token indices of each molecule: runs between '.' and '>>' ('~' joins fragments into one graph)."""
    run: list[int] = []
    for index, token in enumerate(tokens):
        if token in (".", ">>"):
            if run:
                yield run
            run = []
        else:
            run.append(index)
    if run:
        yield run


def attention_guided_mapping(attention: np.ndarray, item: Prepared) -> tuple[np.ndarray, float]:
    """For each product atom, the index of its reactant atom (-1: unmapped), and the confidence."""
    r = item.reactant_atoms
    reactant_tokens, product_tokens = item.atom_positions[:r], item.atom_positions[r:]
    scores = attention[np.ix_(product_tokens, reactant_tokens)] + attention[np.ix_(reactant_tokens, product_tokens)].T
    scores = scores * (item.elements[r:, None] == item.elements[None, :r]).astype(float)
    product_neighbours, reactant_neighbours = item.adjacency[r:, r:], item.adjacency[:r, :r]
    weights = np.ones_like(scores)
    mapping = np.full(len(product_tokens), -1)
    chosen = np.ones(len(product_tokens))
    for _ in range(len(product_tokens)):
        weighted = scores * weights
        totals = weighted.sum(axis=1, keepdims=True)
        normalised = np.divide(weighted, totals, out=np.zeros_like(weighted), where=totals != 0)
        product = int(np.argmax(normalised.max(axis=1)))
        reactant = int(np.argmax(normalised[product]))
        if np.isclose(normalised[product, reactant], 0.0):
            break
        mapping[product], chosen[product] = reactant, normalised[product, reactant]
        weights[np.ix_(product_neighbours[product], reactant_neighbours[reactant])] *= NEIGHBOUR_BOOST
        weights[product, :] = 0
        weights[:, reactant] = 0
    return mapping, float(np.prod(chosen))


def mapped_reaction(reaction: Reaction, mapping: np.ndarray, canonical: bool) -> str:
    """The reaction with atom-map numbers, in the input's fragment notation."""
    number = {int(reactant): product + 1 for product, reactant in enumerate(mapping) if reactant >= 0}
    precursor_numbers = (number.get(atom, 0) for atom in itertools.count())
    product_numbers = itertools.count(1)
    precursors = [_numbered(c, precursor_numbers, canonical) for c in reaction.reactants]
    products = [_numbered(c, product_numbers, canonical) for c in reaction.products]
    if reaction.style == "tilde":
        return ">>".join(".".join(c.replace(".", "~") for c in side) for side in (precursors, products))
    text = ">>".join(".".join(side) for side in (precursors, products))
    if reaction.style != "extended":
        return text
    groups, start = [], 0
    for compound in (*precursors, *products):
        size = compound.count(".") + 1
        if size > 1:
            groups.append(".".join(str(index) for index in range(start, start + size)))
        start += size
    return f"{text} |f:{','.join(groups)}|" if groups else text


def _numbered(compound: str, numbers: Iterator[int], canonical: bool) -> str:
    mol = _read(compound)
    Chem.SanitizeMol(mol, Chem.SanitizeFlags.SANITIZE_FINDRADICALS)
    for atom in mol.GetAtoms():
        atom.SetAtomMapNum(next(numbers))
    return Chem.MolToSmiles(mol, canonical=canonical)


class AtomMapModel(Model):
    def load(self):
        folder = weights_file(self.spec, WEIGHTS).parent
        self.vocabulary = {token: index for index, token in enumerate((folder / "vocab.txt").read_text().splitlines())}
        # Layers after LAYER cannot change its attention: they are not run.
        self.encoder = from_pretrained(AlbertModel.from_pretrained, str(folder), add_pooling_layer=False,
                                       attn_implementation="eager", num_hidden_layers=LAYER + 1)
        self.encoder.to(self.device).eval()
        self.max_tokens = self.encoder.config.max_position_embeddings

    def preprocess(self, value):
        # Each heavy atom is at least one token (canonical SMILES drop hydrogens, never add atoms) beside
        # [CLS], '>>' and [SEP], so a reaction of more cannot be read: refused before RDKit parses it
        # (canonicalising a million-atom reaction ran over 300 s).
        most = self.max_tokens - 3
        if isinstance(value, str) and reaction_heavy_atoms(value, most) > most:
            raise InputError(f"the reaction has more than {most} heavy atoms; the model reads at most "
                             f"{self.max_tokens} tokens, one or more an atom, so it cannot map it: map its steps "
                             f"or fewer reactants at a time")
        text = reaction_smiles(value)
        reaction = parse_reaction(text)
        if self.options["canonicalize"]:
            reaction = canonical_reaction(reaction)
        elif ATOM_MAP_NUMBER.search(text):
            raise InputError("the reaction already has atom-map numbers: map it with canonicalize=true, "
                             "which removes them")
        return prepare(reaction, self.vocabulary, self.max_tokens)

    def forward(self, batch):
        ids = torch.zeros((len(batch), max(len(item.token_ids) for item in batch)), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, item in enumerate(batch):
            ids[row, :len(item.token_ids)] = torch.tensor(item.token_ids)
            mask[row, :len(item.token_ids)] = 1
        output = self.encoder(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                              output_attentions=True)
        heads = output.attentions[LAYER][:, HEAD].float().cpu().numpy()
        return [heads[row, :len(item.token_ids), :len(item.token_ids)] for row, item in enumerate(batch)]

    def postprocess(self, raw, item):
        mapping, confidence = attention_guided_mapping(raw, item)
        return {"mapped_reaction": mapped_reaction(item.reaction, mapping, self.options["canonicalize"]),
                "confidence": confidence, "n_mapped_atoms": int((mapping >= 0).sum()),
                "n_product_atoms": len(mapping)}
