"""The ``reaction`` input kind: reaction SMILES and MDL reaction files, split into records.

Registered by the plugin, so this module imports no RDKit: readers only split files (one reaction
SMILES per line of a ``.rsmi`` file, the one reaction of an ``.rxn`` file, each ``$RFMT`` record of
an ``.rdf`` file) and the model parses each record with RDKit, so a bad reaction fails alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from specialist_hub.inputs import InputKind, ReadOptions, Record, open_text

#: The first field of a header line in reaction SMILES files (Lowe's USPTO .rsmi files start with one).
HEADER_WORDS = {"reactionsmiles", "reaction_smiles", "rxn_smiles", "reaction", "rxn", "smiles"}


def split_reaction_line(line: str) -> tuple[str, str | None]:
    """(reaction SMILES, optional name) of one line: fields are tab-separated (USPTO files), else the
    reaction is the first word, with its CXSMILES extension (``CC>>CC |f:0.1|``) kept."""
    if "\t" in line:
        smiles, name = (field.strip() for field in line.split("\t")[:2])
        return smiles, name or None
    smiles, _, rest = line.partition(" ")
    rest = rest.strip()
    if rest.startswith("|") and "|" in rest[1:]:
        end = rest.index("|", 1) + 1
        smiles, rest = f"{smiles} {rest[:end]}", rest[end:].strip()
    return smiles, rest or None


class ReactionKind(InputKind):
    name = "reaction"
    description = ("Chemical reactions: reaction SMILES (reactants>agents>products, optionally CXSMILES |f:...|), "
                   ".rsmi/.txt lines, .csv/.tsv tables, MDL .rxn files or .rdf reaction databases")
    readers = {".rsmi": "read_lines", ".txt": "read_lines", ".csv": "read_table", ".tsv": "read_table",
               ".rxn": "read_rxn", ".rdf": "read_rdf"}
    column_names = ("reaction_smiles", "rxn_smiles", "reactionsmiles", "reaction", "rxn", "rsmi", "smiles")

    def read_stream(self, stream: Iterable[str], options: ReadOptions) -> Iterator[tuple[str, str | None]]:
        for line in stream:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            smiles, name = split_reaction_line(line)
            if smiles.lower() not in HEADER_WORDS:
                yield smiles, name

    def read_rxn(self, path, options: ReadOptions) -> Iterator[tuple[str, str | None]]:
        """The file's one reaction as an RXN block; its name line is the record id."""
        with open_text(path, options.max_record_chars) as handle:
            lines = list(handle)
        yield _rxn_record(lines, None)

    def read_rdf(self, path, options: ReadOptions) -> Iterator[tuple[str, str | None] | Record]:
        """Each ``$RFMT`` record's RXN block (its data fields are left out); molecule records
        (``$MFMT``) become read errors, as they hold no reaction."""
        with open_text(path, options.max_record_chars) as handle:
            record: list[str] | None = None
            for line in handle:
                if line.startswith(("$RFMT", "$MFMT")):
                    if record is not None:
                        yield _rdf_record(record)
                    record = [line]
                elif record is not None:
                    record.append(line)
            if record is not None:
                yield _rdf_record(record)


def _rdf_record(lines: list[str]) -> tuple[str, str | None] | Record:
    header = lines[0].split()
    registry = header[2] if len(header) > 2 else None  # "$RFMT $RIREG 123": the registry number
    if header[0] == "$MFMT":
        return Record(-1, "", registry, read_error="an RDF molecule record ($MFMT), not a reaction")
    body = lines[1:]
    end = next((i for i, line in enumerate(body) if line.startswith("$DTYPE")), len(body))
    return _rxn_record(body[:end], registry)


def _rxn_record(lines: list[str], fallback_id: str | None) -> tuple[str, str | None]:
    text = "".join(lines)
    name = lines[1].strip() if len(lines) > 1 and lines[0].startswith("$RXN") else ""
    return (text if text.endswith("\n") else text + "\n"), (name or fallback_id)
