"""Predictions as notebooks show them (HTML tables, short reprs) and DataFrames in and out of predict."""

from __future__ import annotations

import html
import pickle
import re

import pytest
from hub_test_plugins import LengthPlugin, text_spec

import specialist_hub
from specialist_hub import InputError, Model, OutputField, Prediction, Predictions, api, display, hookimpl
from specialist_hub.display import DisplayContext
from specialist_hub.registry import Registry

pd = pytest.importorskip("pandas")


class AllTypes(Model):
    """One output field of every type; the word 'bad' is refused."""

    def preprocess(self, value):
        if value == "bad":
            raise InputError("bad is refused")
        return value

    def forward(self, batch):
        return [{"size": float(len(word)), "count": len(word), "long": len(word) > 3, "word": word,
                 "letters": list(word), "info": {"first": word[:1]}} for word in batch]


TYPED = text_spec("typed", factory="test_display:AllTypes", options=(), outputs=(
    OutputField("size", "float", "Length as a float", unit="chars"),
    OutputField("count", "int", "Length"),
    OutputField("long", "bool", "Longer than 3"),
    OutputField("word", "str", "The word"),
    OutputField("letters", "list", "The letters"),
    OutputField("info", "dict", "The first letter"),
))


def draw_word(value, output, **_):
    return f'<b class="drawn">{html.escape(value)}:{(output or {}).get("letters")}</b>'


def refuse_to_draw(value, output, **_):
    raise RuntimeError("renderer bug")


class RenderPlugin:
    """Draws ``text`` inputs; a broken renderer and one for another kind come first and are passed over."""

    @hookimpl
    def register_models(self, register):
        register(TYPED)

    @hookimpl
    def register_renderers(self, register):
        register("text", refuse_to_draw)
        register("image", "no_such_module:render")
        register("text", "test_display:draw_word")


@pytest.fixture(autouse=True)
def registry(use_registry):
    return use_registry(Registry([LengthPlugin(), RenderPlugin()], entry_points=False))


def prediction(position, ok=True, model="test/length", **output):
    return Prediction(position=position, id=None, input=f"word{position}", model=model, model_version="1",
                      package="", ok=ok, output=output if ok else None,
                      error=None if ok else {"type": "InputError", "message": f"bad <input> {position}"})


def cells(table, field):
    return re.findall(rf'<td data-field="{field}"[^>]*>(.*?)</td>', table)


# -- HTML ------------------------------------------------------------------------------------------

def test_the_table_has_units_in_headers_errors_in_their_column_and_drawn_inputs():
    results = specialist_hub.predict("test/length", ["ab", "1", "cde"], quiet=True)
    table = results._repr_html_()
    assert "<th>#</th><th>input</th>" in table
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers == ["#", "input", "letters", "upper", "error"]  # the spec's order
    assert cells(table, "letters") == ["2", "", "3"]  # the failed row's outputs are empty
    assert re.findall(r'<td class="hub-error"><b>(\w+)</b>', table) == ["InputError"]
    assert "3 predictions · 2 ok · 1 failed · test/length" in table
    assert "<b class=\"drawn\">ab:2</b>" in table  # the working renderer, after the broken one


def test_units_come_from_the_spec_and_values_are_formatted():
    (result,) = specialist_hub.predict("test/typed", ["abcdefghij"], quiet=True)
    table = Predictions([result], DisplayContext({"test/typed": TYPED}))._repr_html_()
    assert '<th title="Length as a float">size (chars)</th>' in table
    assert cells(table, "size") == ["10"] and cells(table, "long") == ["True"]
    assert cells(table, "info") == ['<code>{&quot;first&quot;: &quot;a&quot;}</code>']
    assert cells(table, "letters")[0].startswith("<details><summary>list of 10 items</summary>")


def test_long_lists_and_texts_are_folded_and_cut():
    huge = [0.5] * 1_000_000
    table = display.predictions_html([prediction(0, values=huge, text="x" * 100_000)])
    assert len(table) < 12_000
    (values,) = cells(table, "values")
    assert "list of 1,000,000 items" in values and values.count("0.5") < display.FOLDED_CHARS / 4
    assert "(100,000 characters)" in cells(table, "text")[0]


def test_a_hundred_thousand_predictions_render_the_first_rows_and_a_count_under_a_megabyte():
    results = Predictions([prediction(i, ok=i % 7 != 3, letters=i, upper="W" * 30, scores=list(range(50)))
                           for i in range(100_000)], DisplayContext())
    table = results._repr_html_()
    assert len(table.encode()) < 1_000_000
    assert table.count("<tr class=") == display.ROW_LIMIT
    assert "100,000 predictions · 85,714 ok · 14,286 failed" in table
    assert "Showing 20 of 100,000" in table and "results[20:40]" in table


def test_drawn_inputs_stop_at_the_budget_and_the_rest_are_text(registry, monkeypatch):
    monkeypatch.setattr(display, "INPUT_BUDGET", 20)  # one drawn input spends it
    results = specialist_hub.predict("test/length", ["ab", "cd", "ef"], quiet=True)
    table = results._repr_html_()
    assert table.count('class="drawn"') == 1
    assert '<td class="hub-input">cd</td>' in table


def test_slices_keep_the_context_and_pickles_drop_it():
    results = specialist_hub.predict("test/length", ["ab", "cd", "ef"], quiet=True)
    assert isinstance(results[1:], Predictions) and results[1:].context is results.context
    assert 'class="drawn">cd' in results[1:]._repr_html_()
    assert isinstance(results[0], Prediction)
    copy = pickle.loads(pickle.dumps(results))
    assert copy == results and copy.context is None


def test_a_prediction_alone_renders_as_a_one_row_table():
    table = prediction(4, ok=False)._repr_html_()
    assert table.count("<tr class=") == 1 and "bad &lt;input&gt; 4" in table


# -- text ------------------------------------------------------------------------------------------

def test_the_plain_repr_is_a_few_short_lines():
    results = Predictions([prediction(i, ok=i != 1, letters=i, upper="W" * 500) for i in range(100_000)])
    lines = repr(results).splitlines()
    assert lines[0] == "Predictions: 100,000 from test/length (99,999 ok, 1 failed)"
    assert len(lines) == display.TEXT_ROWS + 2 and lines[-1] == "  … 99,992 more"
    assert all(len(line) <= display.TEXT_WIDTH for line in lines)
    assert lines[2] == "  #1 'word1' test/length failed: InputError: bad <input> 1"
    assert repr(results[0]).startswith("<Prediction #0 'word0' test/length ok: letters=0, upper='WWWW")
    assert len(repr(results[0])) <= display.TEXT_WIDTH
    assert repr(Predictions()) == "Predictions: none"


# -- DataFrames ------------------------------------------------------------------------------------

def test_a_dataframe_comes_back_with_outputs_appended_index_order_and_dtypes_kept():
    frame = pd.DataFrame({"name": ["b", "a", "c", "d"], "n": [3, 1, 2, 4],
                          "when": pd.to_datetime(["2024-01-02"] * 4), "text": ["abcd", "bad", None, "xy"]},
                         index=pd.Index([7, 7, 2, 9], name="key"))
    kinds = frame.dtypes.copy()
    out = specialist_hub.predict("test/typed", frame, column="text", quiet=True)
    assert out is not frame and list(frame.columns) == ["name", "n", "when", "text"]  # the input is untouched
    assert out.index.equals(frame.index) and out["name"].tolist() == ["b", "a", "c", "d"]
    assert out.dtypes.iloc[:4].equals(kinds)
    assert list(out.columns[4:]) == ["size", "count", "long", "word", "letters", "info", "error_type",
                                     "error_message"]
    assert {name: str(out[name].dtype) for name in ("size", "count", "long", "letters")} == {
        "size": "float64", "count": "Int64", "long": "boolean", "letters": "object"}
    assert out["size"].tolist()[0] == 4.0 and out["count"].tolist()[3] == 2 and out["letters"].iloc[3] == ["x", "y"]
    assert out["size"].isna().tolist() == [False, True, True, False]  # failed rows: missing outputs
    assert out["error_type"].isna().tolist() == [True, False, False, True]
    assert out["error_message"].iloc[1] == "bad is refused"
    assert out["error_message"].iloc[2] == "no value in column 'text'"


def test_a_series_becomes_a_frame_and_model_lists_prefix_their_columns():
    words = pd.Series(["ab", "cde"], index=["x", "y"], name="word")
    out = specialist_hub.predict(["test/length", "test/typed"], words, quiet=True)
    assert out.index.tolist() == ["x", "y"] and out["word"].tolist() == ["ab", "cde"]
    assert out["test/length.letters"].tolist() == [2, 3] and out["test/typed.size"].tolist() == [2.0, 3.0]
    assert "test/typed.error_message" in out.columns
    unnamed = specialist_hub.predict("test/length", pd.Series(["ab"]), prefix=True, quiet=True)
    assert list(unnamed.columns) == ["input", "test/length.letters", "test/length.upper", "test/length.error_type",
                                     "test/length.error_message"]


def test_frame_mistakes_say_how_to_fix_them():
    with pytest.raises(specialist_hub.UsageError, match="no column 'nope'"):
        specialist_hub.predict("test/length", pd.DataFrame({"text": ["a"]}), column="nope", quiet=True)
    with pytest.raises(specialist_hub.UsageError, match="Choose one with column=NAME"):
        specialist_hub.predict("test/length", pd.DataFrame({"other": ["a"]}), quiet=True)
    with pytest.raises(specialist_hub.UsageError, match="already has column.*letters.*prefix=True"):
        specialist_hub.predict("test/length", pd.DataFrame({"text": ["a"], "letters": [1]}), quiet=True)
    with pytest.raises(specialist_hub.UsageError, match="Several models give 'letters'"):
        specialist_hub.predict(["test/length", "test/length"], pd.Series(["a"]), prefix=False, quiet=True)


def test_a_polars_frame_gets_typed_columns_with_nulls_for_failures():
    pl = pytest.importorskip("polars")
    out = specialist_hub.predict("test/typed", pl.DataFrame({"text": ["abcd", "bad"]}), quiet=True)
    assert out.columns[:3] == ["text", "size", "count"]
    assert out.schema["size"] == pl.Float64 and out.schema["count"] == pl.Int64 and out.schema["long"] == pl.Boolean
    assert out["size"].to_list() == [4.0, None] and out["error_type"].to_list() == [None, "InputError"]


# -- progress --------------------------------------------------------------------------------------

def test_progress_shows_unless_quiet(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.setattr(api, "PROGRESS_DELAY", 0)
    specialist_hub.predict("test/length", ["ab", "cd", "ef"])
    assert "3/3" in capsys.readouterr().err
    specialist_hub.predict("test/length", ["ab", "cd", "ef"], quiet=True)
    assert capsys.readouterr().err == ""


def test_out_of_domain_predictions_are_marked_in_html_text_and_tables(use_registry):
    import io

    from hub_test_plugins import TrustPlugin

    from specialist_hub.writers import TableWriter

    use_registry(Registry([TrustPlugin()], entry_points=False))
    results = specialist_hub.predict("test/trusted", ["hello", "cat"])
    spec = specialist_hub.get_spec("test/trusted")
    rows = re.findall(r"<tr( [^>]*)?>", results._repr_html_())[1:]
    note = "outside the applicability domain (similarity 0 &lt; threshold 0.5)"
    assert rows == [' class="hub-ok"', f' class="hub-out-of-domain" title="{note}"']
    lines = repr(results).splitlines()
    assert " ok: " in lines[1] and " OUT OF DOMAIN: " in lines[2]
    stream = io.StringIO()
    writer = TableWriter(stream, [spec])
    for prediction in results:
        writer.write(prediction)
    headers = [line for line in stream.getvalue().splitlines() if line.startswith("#")]
    assert headers == ["#0 hello  (test/trusted)", "#1 cat  (test/trusted)  OUT OF DOMAIN: outside the applicability "
                                                  "domain (similarity 0 < threshold 0.5)"]
