"""PCR primer pairs with primer3 (primer3-py), positions reported 1-based on the template.

A target the product must span comes from ``[...]`` in the sequence itself (Primer3web's
markup, so each FASTA record can carry its own) or else from the ``target`` option.
primer3's C library keeps its settings in globals, so calls are serialised with a lock.
"""

from __future__ import annotations

import re
import threading

import primer3

from specialist_hub import InputError

from .sequences import NUCLEOTIDE, SequenceModel, clean_sequence, dna_only, within_limit

_PRIMER3 = threading.Lock()


def marked_targets(value: str) -> tuple[str, list[list[int]]]:
    """The sequence without ``[``/``]`` marks, and primer3 targets ``[start0, length]`` for each marked region."""
    bases, targets, opened = [], [], None
    for char in re.sub(r"\s+", "", value):
        if char == "[":
            if opened is not None:
                raise InputError(f"nested '[' at base {len(bases) + 1}: mark each target as [bases]")
            opened = len(bases)
        elif char == "]":
            if opened is None or opened == len(bases):
                raise InputError(f"']' at base {len(bases)} closes no target")
            targets.append([opened, len(bases) - opened])
            opened = None
        else:
            bases.append(char)
    if opened is not None:
        raise InputError(f"target opened at base {opened + 1} is never closed with ']'")
    return "".join(bases), targets


def primer(found: dict, right: bool) -> dict:
    """A primer from primer3's record; COORDS is (5' base, length), the 5' base of a right primer being its last."""
    first, length = found["COORDS"]
    start = first - length + 1 if right else first
    return {"sequence": found["SEQUENCE"], "start": start + 1, "end": start + length, "tm": found["TM"],
            "gc_percent": found["GC_PERCENT"], "penalty": found["PENALTY"]}


class PrimersModel(SequenceModel):
    alphabet = NUCLEOTIDE
    protein = False

    def preprocess(self, value):
        if not isinstance(value, str):
            return super().preprocess(value)
        stripped, targets = marked_targets(value)
        sequence = within_limit(self, dna_only(clean_sequence(stripped, self.alphabet, protein=False), "primer design"))
        if not targets and self.options["target"]:
            targets = [self.target_option(len(sequence))]
        return sequence, targets

    def target_option(self, length: int) -> list[int]:
        start, end = map(int, re.findall(r"[0-9]+", self.options["target"]))  # START-END, by the option's pattern
        if not 1 <= start <= end <= length:
            raise InputError(f"target {start}-{end} does not lie within the {length}-base template")
        return [start - 1, end - start + 1]

    def settings(self) -> dict:
        o = self.options  # min <= opt <= max and the target's form are checked with the options (at_most, pattern)
        return {
            "PRIMER_PRODUCT_SIZE_RANGE": [[o["product_size_min"], o["product_size_max"]]],
            "PRIMER_MIN_TM": o["tm_min"], "PRIMER_OPT_TM": o["tm_opt"], "PRIMER_MAX_TM": o["tm_max"],
            "PRIMER_MIN_SIZE": o["size_min"], "PRIMER_OPT_SIZE": o["size_opt"], "PRIMER_MAX_SIZE": o["size_max"],
            "PRIMER_NUM_RETURN": o["num_return"], "PRIMER_SALT_MONOVALENT": o["na_mm"],
            "PRIMER_SALT_DIVALENT": o["mg_mm"], "PRIMER_DNTP_CONC": o["dntps_mm"], "PRIMER_DNA_CONC": o["primer_nm"],
        }

    def compute(self, item):
        sequence, targets = item
        arguments = {"SEQUENCE_TEMPLATE": sequence}
        if targets:
            arguments["SEQUENCE_TARGET"] = targets
        settings = self.settings()
        with _PRIMER3:
            try:
                found = primer3.design_primers(arguments, settings)
            except OSError as error:  # primer3's own message for settings this template cannot meet
                raise InputError(f"primer3: {error}") from None
        pairs = [{"left": primer(left, right=False), "right": primer(right, right=True),
                  "product_size": pair["PRODUCT_SIZE"], "product_tm": pair["PRODUCT_TM"], "penalty": pair["PENALTY"]}
                 for left, right, pair in zip(found["PRIMER_LEFT"], found["PRIMER_RIGHT"], found["PRIMER_PAIR"])]
        return {"length": len(sequence), "pair_count": len(pairs), "pairs": pairs,
                "explanation": found.get("PRIMER_PAIR_EXPLAIN", "")}
