import pytest
from hub_test_plugins import LengthPlugin, text_spec

import specialist_hub
from specialist_hub.conformance import compare
from specialist_hub.errors import InvalidSpecError
from specialist_hub.registry import Registry


@pytest.fixture(autouse=True)
def test_registry(use_registry):
    use_registry(Registry([LengthPlugin()], entry_points=False))


def test_predict_keeps_order_across_batches_and_isolates_failures():
    words = ["a", "bb", "boom", "ccc", "", "dddd", "eeeee"]
    results = specialist_hub.predict("test/length", words, batch_size=2)
    assert [p.position for p in results] == list(range(7))
    assert [p.ok for p in results] == [True, True, False, True, False, True, True]
    assert [p.output["letters"] for p in results if p.ok] == [1, 2, 3, 4, 5]


def test_a_single_string_is_one_record():
    (only,) = specialist_hub.predict("test/length", "hello")
    assert only.output == {"letters": 5, "upper": "HELLO"}


def test_results_are_json_ready_and_become_a_dataframe():
    import json

    results = specialist_hub.predict("test/length", ["ab", "1"])
    json.dumps(results.to_records())
    frame = results.to_dataframe()
    assert list(frame["letters"].iloc[:1]) == [2]
    assert frame["error_type"].tolist()[1] == "InputError"


def test_list_models_and_specs():
    assert "test/length" in [s.id for s in specialist_hub.list_models("test")]
    assert specialist_hub.get_spec("test/length").output_names == ("letters", "upper")


def test_compare_reports_where_and_by_how_much():
    assert compare({"a": 1.0, "b": [1, 2]}, {"a": 1.0000001, "b": [1, 2], "c": 0}, 1e-6) == []
    problems = compare({"a": 1.0, "b": "x", "c": [1, 2]}, {"a": 1.5, "b": "y", "c": [1]}, 0.01)
    assert problems == ["output.a: expected 1.0 ± 0.01, got 1.5 (off by +0.5)",
                        "output.b: expected 'x', got 'y'",
                        "output.c: expected 2 items, got 1"]


def test_trust_fields_are_added_per_batch_and_a_failing_record_fails_alone(use_registry):
    from hub_test_plugins import TrustPlugin

    use_registry(Registry([TrustPlugin()], entry_points=False))
    results = specialist_hub.predict("test/trusted", ["hello", "help", "xyzzy", "cat"], coverage=0.75)
    assert [p.ok for p in results] == [True, True, False, True]
    assert results[2].error["message"] == "similarity search exploded"
    # split-conformal half-width at 75 % over the residuals 0.5, 1.0, ..., 4.5: the
    # ceil(0.75 * (9 + 1)) = 8th smallest, 4.0 (Vovk et al.; crepes' ConformalRegressor)
    hello, help_, _, cat = (p.output for p in results)
    assert (hello["length_low"], hello["length_high"]) == (1.0, 9.0)
    assert (hello["in_domain"], hello["domain_similarity"]) == (True, 1.0)
    assert (help_["in_domain"], help_["domain_similarity"]) == (True, 0.6)
    assert (cat["in_domain"], cat["domain_similarity"], cat["domain_threshold"]) == (False, 0.0, 0.5)


def test_a_domain_measured_as_a_distance_is_in_at_or_below_its_threshold(use_registry):
    from hub_test_plugins import TrustPlugin

    from specialist_hub.trust import out_of_domain_note

    use_registry(Registry([TrustPlugin()], entry_points=False))
    spec = specialist_hub.get_spec("test/distant")
    assert "domain_distance" in spec.output_names and "domain_similarity" not in spec.output_names
    results = specialist_hub.predict("test/distant", ["hello", "cat", "to", "elephant"])
    assert [(p.output["in_domain"], p.output["domain_distance"]) for p in results] == [
        (True, 0.0), (True, 2.0), (False, 3.0), (False, 3.0)]
    assert out_of_domain_note(results[2].output) == "outside the applicability domain (distance 3 > threshold 2)"
    with pytest.raises(InvalidSpecError, match="domain_measure"):
        text_spec("odd", factory="hub_test_plugins:DistantLength", applicability_domain=True, domain_measure="rank")
