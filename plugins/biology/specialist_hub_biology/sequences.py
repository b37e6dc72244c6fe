"""Sequence validation shared by every biology model: one alphabet per model, one error style.

Kept free of heavy imports so ``plugin.py`` can quote the alphabets in the model cards.
"""

from __future__ import annotations

import re
from typing import Any

from specialist_hub import InputError, ItemModel, Model

#: The 20 standard amino acids (one-letter codes).
PROTEIN = "ACDEFGHIKLMNPQRSTVWY"
#: Standard amino acids plus X (unknown), B (D/N), Z (E/Q), U (selenocysteine), O (pyrrolysine).
PROTEIN_EXTENDED = PROTEIN + "XBZUO"
#: The extended alphabet plus J (L/I): what assemblies and databases put in proteins.
PROTEIN_AMBIGUOUS = PROTEIN_EXTENDED + "J"
_NONSTANDARD = re.compile(f"[^{PROTEIN}]")
#: DNA or RNA bases plus N (unknown base).
NUCLEOTIDE = "ACGTUN"

_NUCLEIC_LETTERS = frozenset("ACGTUN")
#: A protein record made only of these letters and at least this long is almost surely DNA/RNA.
DNA_LOOKALIKE_LENGTH = 10
_WHITESPACE = re.compile(r"\s+")


def clean_sequence(value: Any, alphabet: str, protein: bool) -> str:
    """Upper-cased sequence without whitespace, or InputError naming the problem and position.

    For proteins one trailing ``*`` (a stop codon in translated FASTA) is dropped, and a record
    of only A/C/G/T/U/N is refused as nucleic acid.
    """
    if not isinstance(value, str):
        raise InputError(f"expected a sequence string, got {type(value).__name__}")
    sequence = _WHITESPACE.sub("", value).upper()
    if protein and sequence.endswith("*"):
        sequence = sequence[:-1]
    if not sequence:
        raise InputError("empty sequence")
    bad = re.search(f"[^{alphabet}]", sequence)
    if bad:
        kind = "protein" if protein else "nucleotide"
        raise InputError(
            f"illegal character {bad.group()!r} at position {bad.start() + 1}: {kind} sequences for this "
            f"model may contain only {alphabet}"
        )
    if protein and len(sequence) >= DNA_LOOKALIKE_LENGTH and _NUCLEIC_LETTERS.issuperset(sequence):
        raise InputError(
            "sequence looks like DNA/RNA (only A, C, G, T, U, N); this model takes protein sequences: "
            "translate it first, or use biology/nucleotide-properties or biology/genes"
        )
    if not protein and "T" in sequence and "U" in sequence:
        raise InputError(f"sequence mixes T (DNA) and U (RNA); first U at position {sequence.index('U') + 1}")
    return sequence


def standard_residues(sequence: str) -> str:
    """``sequence`` without the residues other than the 20 standard ones (X, B, Z, J, U, O), for the
    quantities only those define; InputError when none is left."""
    standard = _NONSTANDARD.sub("", sequence)
    if not standard:
        raise InputError("no standard amino acid in the sequence (only X, B, Z, J, U or O)")
    return standard


def dna_only(sequence: str, task: str) -> str:
    """``sequence`` (cleaned, nucleotide) unless it is RNA, for models that read a DNA template."""
    if "U" in sequence:
        raise InputError(f"{task} takes DNA; this sequence contains U (RNA)")
    return sequence


def within_limit(model: Model, sequence: str, unit: str = "bases") -> str:
    """``sequence``, unless it is longer than ``model``'s ``max_length`` option (declared by the
    models whose time or memory a long record drives into minutes or GBs: folding's grows with the
    cube of the length), refused before the work starts."""
    limit = model.options.get("max_length")
    if limit is not None and len(sequence) > limit:
        raise InputError(f"{len(sequence):,} {unit} is above the limit of {limit:,} {unit} of {model.spec.id}; "
                         f"raise it with --option max_length=N if the time is affordable (on a server, only its "
                         f"host can)")
    return sequence


class SequenceModel(ItemModel):
    """Base for biology models: preprocess validates against ``alphabet``; compute does one record."""

    alphabet: str = PROTEIN
    protein: bool = True

    def preprocess(self, value: Any) -> str:
        return within_limit(self, clean_sequence(value, self.alphabet, self.protein),
                            "residues" if self.protein else "bases")
