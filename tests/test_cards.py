"""Card files: a model's card prose is a Markdown file beside its plugin, read and checked when the
spec is built; every mistake names the file and line."""

from pathlib import Path

import pytest

from specialist_hub import OutputField, SpecFamily
from specialist_hub.cards import CARD_SECTIONS, card_heading, check_card_folder, load_card, render_markdown
from specialist_hub.errors import InvalidSpecError
from specialist_hub.registry import Registry
from specialist_hub.testing import assert_cards_belong

SHIPPED = ("chemistry", "biology", "vision", "audio", "video")
ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
## Intended use

Counting letters, {what}.

## Training data

None: the rule is {rule:.2f} of a rule.

## Metrics

Exact; {{braces}} stay.

## Limitations

- one
- two
"""


def card_file(tmp_path, text, name="letters"):
    path = tmp_path / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def family(tmp_path, **options):
    return SpecFamily("text", input_kind="text", install_hint="", cards=tmp_path, **options)


def spec_of(build, name="letters", **fields):
    return build(name, task="t", summary="s", factory="m:C", license="MIT", citation="c",
                 outputs=(OutputField("n", "int", "N"),), **fields)


def test_each_heading_is_a_section_and_placeholders_are_filled(tmp_path):
    card = load_card(card_file(tmp_path, GOOD), {"rule": 0.5}, shared={"what": "for tests", "unused": "x"})
    assert card == {"intended_use": "Counting letters, for tests.", "training_data": "None: the rule is 0.50 of a rule.",
                    "metrics": "Exact; {braces} stay.", "limitations": "- one\n- two"}
    assert [card_heading(section) for section in CARD_SECTIONS] == ["Intended use", "Training data", "Metrics",
                                                                     "Limitations"]


def test_a_family_reads_each_models_card_from_its_folder_and_renders_it(tmp_path):
    card_file(tmp_path, GOOD)
    spec = spec_of(family(tmp_path, card_values={"what": "shared"}), card_values={"rule": 1})
    assert spec.card["intended_use"] == "Counting letters, shared."
    markdown = render_markdown(spec)
    assert "## Intended use\n\nCounting letters, shared.\n" in markdown and "## Limitations\n\n- one\n- two\n" in markdown


def test_a_familys_card_function_may_consume_a_section_of_its_own(tmp_path):
    card_file(tmp_path, "## Intended use\n\nLetters.\n\n## Input\n\nASCII only.\n")
    merged = family(tmp_path, card=lambda card: {"intended_use": f"{card['intended_use']} {card.pop('input')}"})
    assert spec_of(merged).card == {"intended_use": "Letters. ASCII only."}
    with pytest.raises(InvalidSpecError, match=r"letters\.md:5: unknown card section '## Input'"):
        spec_of(family(tmp_path))


@pytest.mark.parametrize(("text", "values", "error"), [
    ("## Intended use\n\nA.\n\n## Caveats\n\nB.\n", {}, r"letters\.md:5: unknown card section '## Caveats'; the "
                                                        r"sections are ## Intended use, ## Training data"),
    ("## Intended use\n\nFigure {rmse}.\n", {}, r"letters\.md:3: placeholder \{rmse\} is not filled"),
    ("## Intended use\n\nA.\n", {"rmse": 1.1}, r"letters\.md: the card is given rmse but never uses it"),
    ("## Intended use\n\nA {b[0]}.\n", {}, r"letters\.md:3: placeholder \{b\[0\]\} must be \{name\}"),
    ("## Intended use\n\nA }.\n", {}, r"letters\.md:3: Single '\}' encountered"),
    ("## intended use\n\nA.\n", {}, r"letters\.md:1: write the heading '## intended use' as '## Intended use'"),
    ("## Metrics\n\nA.\n\n## Metrics\n\nB.\n", {}, r"letters\.md:5: section '## Metrics' repeats the one at line 1"),
    ("Preface.\n\n## Metrics\n\nA.\n", {}, r"letters\.md:1: text before the first '## ' heading"),
    ("# text/letters\n\n## Metrics\n\nA.\n", {}, r"letters\.md:1: a card file has no '# title'"),
    ("## Metrics\n\n## Limitations\n\nA.\n", {}, r"letters\.md:1: section '## Metrics' is empty"),
])
def test_every_mistake_in_a_card_file_names_the_file_and_line(tmp_path, text, values, error):
    card_file(tmp_path, text)
    with pytest.raises(InvalidSpecError, match=error):
        spec_of(family(tmp_path), card_values=values)


def test_a_missing_card_file_an_inline_card_and_a_stray_card_file_are_errors(tmp_path):
    with pytest.raises(InvalidSpecError, match=r"letters\.md: card file missing; write it with the sections "
                                               r"## Intended use"):
        spec_of(family(tmp_path))
    card_file(tmp_path, GOOD)
    with pytest.raises(InvalidSpecError, match=r"text/letters: its card is the file .*letters\.md; leave out card="):
        spec_of(family(tmp_path), card={"intended_use": "inline"})
    with pytest.raises(InvalidSpecError, match="card_values= fill a card file's placeholders"):
        spec_of(SpecFamily("text", input_kind="text", install_hint=""), card_values={"what": "x"})
    card_file(tmp_path, GOOD, name="old-name")
    check_card_folder(tmp_path, ["text/letters", "text/old-name"])
    with pytest.raises(InvalidSpecError, match=r"card file\(s\) old-name\.md belong to no registered model "
                                               r"\(letters\); rename or delete them"):
        check_card_folder(tmp_path, ["text/letters"])


@pytest.fixture(scope="module")
def shipped():
    return Registry()


@pytest.mark.parametrize("plugin", SHIPPED)
def test_every_shipped_model_has_its_card_file_and_every_card_file_its_model(shipped, plugin):
    assert_cards_belong(plugin, shipped)
    folder = ROOT / "plugins" / plugin / f"specialist_hub_{plugin}" / "cards"
    models = shipped.plugins[plugin].models
    assert sorted(path.stem for path in folder.glob("*.md")) == sorted(model_id.split("/")[1] for model_id in models)
    for model_id in models:
        card = shipped.get(model_id).card
        assert set(card) <= set(CARD_SECTIONS) and card.get("intended_use"), model_id
