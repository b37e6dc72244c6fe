"""The predict path: one settings object, one loaded plan per process, resumes that never mix two
runs, destinations checked before the run, late write failures with their own exit code, and a
--where grammar that refuses what would silently drop rows."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hub_test_plugins import CrashPlugin, LengthPlugin, NonFinitePlugin, PathPlugin

import specialist_hub
from specialist_hub.cli import main
from specialist_hub.isolation import IsolatedRunner
from specialist_hub.loaded import LoadedPlan
from specialist_hub.plan import RunSettings, plan_run
from specialist_hub.registry import Registry, set_registry
from specialist_hub.results import Prediction

TESTS = Path(__file__).parent


@pytest.fixture(autouse=True)
def registry():
    registry = Registry([LengthPlugin(), CrashPlugin(), NonFinitePlugin(), PathPlugin()], entry_points=False)
    previous = set_registry(registry)
    yield registry
    set_registry(previous)


def hub(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def rows(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def interrupt_at_chunk(monkeypatch, number):
    """Make the in-process run stop (as Ctrl-C does) when it reaches chunk ``number``."""
    real, calls = LoadedPlan.predict, []

    def predict(plan, chunk):
        calls.append(1)
        if len(calls) == number:
            raise KeyboardInterrupt
        return real(plan, chunk)

    monkeypatch.setattr(LoadedPlan, "predict", predict)


# -- one settings object, one loaded plan -------------------------------------------------------

def test_the_cli_and_the_api_isolate_by_default():
    assert RunSettings().isolate is True
    summary = specialist_hub.predict_file("test/crashes", ["ab", "crash", "cd"], stdout=io.StringIO(), format="jsonl")
    assert summary.records == 3 and summary.failed == 1  # the crash took the worker, not this process


def test_settings_are_checked_once_when_built():
    with pytest.raises(specialist_hub.UsageError, match="--workers must be at least 1"):
        RunSettings(workers=0)
    with pytest.raises(specialist_hub.UsageError, match="Unknown run setting"):
        RunSettings.of(None, wokers=2)
    assert RunSettings(workers="2").workers == 2


def test_an_isolated_worker_loads_the_plan_once_not_per_chunk(tmp_path, monkeypatch):
    log = tmp_path / "loads.txt"
    monkeypatch.setenv("HUB_TEST_LOAD_LOG", str(log))
    words = ["ab", "cde", "fghi", "jk", "lmnop", "q"]
    result = hub("predict", "-m", "test/logs-loads", *words, "--batch-size", "1", "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert [r["output"]["letters"] for r in rows(result.stdout)] == [2, 3, 4, 2, 5, 1]
    loads = log.read_text().splitlines()
    assert len(loads) == 1 and int(loads[0]) != os.getpid()  # once, in the worker, for six chunks


def test_a_worker_made_from_a_thread_that_ends_keeps_serving(registry):
    plan = plan_run(registry, ["test/length"])
    runner = IsolatedRunner(registry)
    try:
        answers = []
        thread = threading.Thread(target=lambda: answers.append(runner.run(plan.requests, records(["abc"]))))
        thread.start()
        thread.join()
        (pid,) = runner.pids()
        again = runner.run(plan.requests, records(["hello"]))  # the thread that asked first is gone
        assert [p.output["letters"] for p in answers[0] + again] == [3, 5]
        assert runner.pids() == [pid] and runner.crashes == 0
    finally:
        runner.close()


def records(words):
    return [specialist_hub.Record(i, word) for i, word in enumerate(words)]


# -- resume never mixes two runs -----------------------------------------------------------------

WORDS = ["ab", "cde", "fghi", "jk", "lmnop", "qr"]


def pipeline_file(tmp_path, name, model, when=""):
    path = tmp_path / name
    path.write_text(textwrap.dedent(f"""
        id = "test/job"
        [[steps]]
        name = "x"
        model = "{model}"
        when = "{when}"
    """))
    return path


@pytest.mark.parametrize("first, second", [
    (["--pipeline", "one.toml"], ["--pipeline", "two.toml"]),  # step x: test/length -> test/drifting
    (["--pipeline", "one.toml"], ["--pipeline", "three.toml"]),  # the same step with a condition
    (["-m", "test/length,test/drifting", "--wide"], ["-m", "test/drifting,test/length", "--wide"]),
    (["-m", "test/length", "--where", "letters > 2"], ["-m", "test/length", "--where", "letters > 3"]),
    (["-m", "test/length", "--where", "letters > 2"], ["-m", "test/length"]),
])
def test_resume_refuses_a_run_whose_rows_would_differ(tmp_path, monkeypatch, first, second):
    pipeline_file(tmp_path, "one.toml", "test/length")
    pipeline_file(tmp_path, "two.toml", "test/drifting")
    pipeline_file(tmp_path, "three.toml", "test/length", when="")
    (tmp_path / "three.toml").write_text((tmp_path / "three.toml").read_text().replace('when = ""', 'when = "true"'))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.jsonl"
    interrupt_at_chunk(monkeypatch, 2)
    hub("predict", *first, *WORDS, "-o", out, "--batch-size", "2", "--no-isolate")
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    resumed = hub("predict", *second, *WORDS, "-o", out, "--batch-size", "2", "--no-isolate", "--resume")
    assert resumed.exit_code == 2 and "is another run" in resumed.stderr, resumed.output


def test_resume_refuses_a_changed_file_inside_an_input_directory(tmp_path, monkeypatch):
    folder = tmp_path / "images"
    folder.mkdir()
    for name in ("a.png", "b.png", "c.png"):
        (folder / name).write_bytes(b"1234")
    out = tmp_path / "out.jsonl"
    interrupt_at_chunk(monkeypatch, 2)
    hub("predict", "-m", "test/file-size", folder, "-o", out, "--batch-size", "1", "--no-isolate")
    monkeypatch.undo()
    stat = (folder / "c.png").stat()
    (folder / "c.png").write_bytes(b"5678")  # same size, same times: only the content changed
    os.utime(folder / "c.png", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    resumed = hub("predict", "-m", "test/file-size", folder, "-o", out, "--batch-size", "1", "--no-isolate",
                  "--resume")
    assert resumed.exit_code == 2 and "is another run" in resumed.stderr


def test_a_resumed_where_run_keeps_the_failures_counted_before_the_kill(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    words = ["ab", "1", "cde", "fghi"]  # "1" fails in the first chunk, and --where leaves it out
    uninterrupted = hub("predict", "-m", "test/length", *words, "-o", tmp_path / "whole.jsonl", "--batch-size", "2",
                        "--no-isolate", "--where", "letters > 0")
    interrupt_at_chunk(monkeypatch, 2)
    hub("predict", "-m", "test/length", *words, "-o", out, "--batch-size", "2", "--no-isolate", "--where",
        "letters > 0")
    monkeypatch.undo()
    resumed = hub("predict", "-m", "test/length", *words, "-o", out, "--batch-size", "2", "--no-isolate", "--where",
                  "letters > 0", "--resume")
    assert uninterrupted.exit_code == 1
    assert resumed.exit_code == 1 and "1 prediction(s) failed" in resumed.stderr
    assert "1 prediction(s) left out" in resumed.stderr
    assert out.read_text() == (tmp_path / "whole.jsonl").read_text()


# -- destinations checked before the run, late failures with their own exit code -----------------

def test_an_output_that_is_a_folder_is_refused_before_the_run(tmp_path, monkeypatch):
    interrupt_at_chunk(monkeypatch, 1)  # nothing may run: the first chunk would stop the test
    (tmp_path / "out.csv").mkdir()
    result = hub("predict", "-m", "test/length", "ab", "-o", tmp_path / "out.csv", "--no-isolate")
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_an_output_that_cannot_be_made_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    result = hub("predict", "-m", "test/length", "ab", "-o", blocker / "out.csv")
    assert result.exit_code == 2 and "Cannot write --output" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_annotate_folder_that_cannot_be_written_is_refused_before_the_run(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    result = hub("predict", "-m", "test/annotates", "ab", "--annotate", blocker / "drawn", "-f", "jsonl")
    assert result.exit_code == 2 and "--annotate" in result.stderr and result.stdout == ""
    fine = hub("predict", "-m", "test/annotates", "ab", "--annotate", tmp_path / "drawn", "-f", "jsonl")
    assert fine.exit_code == 0 and (tmp_path / "drawn" / "ab.txt").read_text() == "ab"


def test_a_write_that_fails_during_the_run_exits_4_and_keeps_the_partial_file(tmp_path):
    code = textwrap.dedent("""
        import resource, signal, sys
        from hub_test_plugins import LengthPlugin
        from specialist_hub.cli import main
        from specialist_hub.registry import Registry, set_registry
        set_registry(Registry([LengthPlugin()], entry_points=False))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        sys.argv = ["hub", "predict", "-m", "test/length", "--input", sys.argv[1], "-o", sys.argv[2],
                    "--batch-size", "5", "--no-isolate"]
        main()
    """)
    source = tmp_path / "words.txt"
    source.write_text("".join(f"{'abc' * (1 + i % 5)}\n" for i in range(400)))
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code, str(source), str(out)], env=env, capture_output=True,
                          text=True, timeout=120)
    partial = tmp_path / ".out.jsonl.partial"
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and str(partial) in done.stderr and "--resume" in done.stderr
    kept = json.loads((tmp_path / ".out.jsonl.progress.json").read_text())["records"]
    assert 0 < kept < 400 and not out.exists()
    assert len(rows(partial.read_text()[: json.loads((tmp_path / ".out.jsonl.progress.json").read_text())["offset"]])) == kept


# -- the input column, ids and encodings ---------------------------------------------------------

def test_a_path_with_a_line_break_is_the_input_column_as_it_is(tmp_path):
    odd = tmp_path / "two\nlines.png"
    odd.write_bytes(b"12345")
    (row,) = rows(hub("predict", "-m", "test/file-size", odd, "-f", "jsonl", "--no-isolate").stdout)
    assert row["input"] == str(odd) and row["output"]["bytes"] == 5


def test_a_byte_order_mark_is_no_part_of_the_first_record(tmp_path):
    source = tmp_path / "words.txt"
    source.write_bytes("\ufeffalpha\nbe\n".encode())
    table = tmp_path / "words.csv"
    table.write_bytes("\ufefftext,id\nalpha,w1\n".encode())
    from_lines = rows(hub("predict", "-m", "test/length", "--input", source, "-f", "jsonl", "--no-isolate").stdout)
    from_table = rows(hub("predict", "-m", "test/length", "--input", table, "-f", "jsonl", "--no-isolate").stdout)
    assert [r["input"] for r in from_lines] == ["alpha", "be"] and from_lines[0]["output"]["letters"] == 5
    assert from_table[0]["input"] == "alpha" and from_table[0]["id"] == "w1"


def test_undecodable_bytes_end_the_reading_with_exit_3(tmp_path):
    source = tmp_path / "words.txt"
    source.write_bytes(b"alpha\n" * 3000 + b"be\xff\xfeta\n" + b"gamma\n" * 10)
    out = tmp_path / "out.jsonl"
    result = hub("predict", "-m", "test/length", "--input", source, "-o", out, "--no-isolate")
    assert result.exit_code == 3 and "UnicodeDecodeError" in result.stderr
    written = rows(out.read_text())  # what was decoded before the bad bytes (read in blocks of a few kB)
    assert 1000 < len(written) <= 3000 and {r["input"] for r in written} == {"alpha"}


@pytest.mark.parametrize("bad", [b"be\xff\xfeta", "café".encode("latin-1")], ids=["invalid-utf8", "latin-1"])
def test_undecodable_bytes_on_stdin_end_the_reading_with_exit_3_under_the_c_locale(bad):
    code = textwrap.dedent("""
        from hub_test_plugins import LengthPlugin
        from specialist_hub.cli import main
        from specialist_hub.registry import Registry, set_registry
        set_registry(Registry([LengthPlugin()], entry_points=False))
        main(["predict", "-m", "test/length", "-f", "jsonl", "--no-isolate"])
    """)
    env = {name: value for name, value in os.environ.items() if name not in ("PYTHONUTF8", "PYTHONIOENCODING")}
    env.update(LC_ALL="C", LANG="C", PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], input=b"alpha\n" * 3000 + bad + b"\ngamma\n", env=env,
                          capture_output=True, timeout=120)
    stderr = done.stderr.decode()
    assert done.returncode == 3, stderr  # was 1: surrogateescape let the bytes into a record, which failed
    assert "standard input: cannot be read past record" in stderr and "UnicodeDecodeError" in stderr
    written = rows(done.stdout.decode())
    assert 1000 < len(written) <= 3000 and {r["input"] for r in written} == {"alpha"}


# -- --where: refused instead of silently dropping rows ------------------------------------------

@pytest.mark.parametrize("where, message", [
    ("not " * 600 + "letters > 0", "nested too deeply"),
    ("letters > 'abc'", "compares letters (a int) with 'abc'"),
    ("letters > None", "compares letters"),
    ("", "--where needs a condition"),
    ("   ", "--where needs a condition"),
])
def test_a_where_condition_that_no_prediction_can_pass_is_a_usage_error(where, message):
    result = hub("predict", "-m", "test/length", "ab", "--where", where, "-f", "jsonl", "--no-isolate")
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_where_field_one_of_several_models_lacks_is_refused():
    result = hub("predict", "-m", "test/length,test/non-finite", "ab", "--where", "letters > 1", "-f", "jsonl")
    assert result.exit_code == 2 and "test/non-finite does not give" in result.stderr and "--wide" in result.stderr


def test_a_deeply_nested_pipeline_condition_is_refused_before_the_run(tmp_path):
    path = pipeline_file(tmp_path, "deep.toml", "test/length")
    path.write_text(path.read_text() + textwrap.dedent(f"""
        [[steps]]
        name = "y"
        model = "test/length"
        when = "{'not ' * 600}x.letters > 0"
    """))
    result = hub("predict", "--pipeline", path, "ab", "-f", "jsonl")
    assert result.exit_code == 2 and "nested too deeply" in result.stderr


# -- writers that cannot hold a failed record say so, and escape once -----------------------------

def failed(position, record_id):
    return Prediction(position=position, id=record_id, input="x", model="m", model_version="1", package="",
                      ok=False, error={"type": "InputError", "message": "bad\nsequence"})


def test_gff3_writes_a_comment_for_a_failed_record_and_escapes_ids_once():
    from specialist_hub_biology.gff3 import Gff3Writer

    stream = io.StringIO()
    writer = Gff3Writer(stream, [])
    writer.write(failed(0, "contig 1"))
    gene = {"start": 1, "end": 30, "strand": "+", "partial_begin": False, "partial_end": False,
            "start_codon": "ATG", "rbs_motif": "None", "confidence": 99.5, "score": 12.0}
    writer.write(Prediction(position=1, id="chr;1 x", input="x", model="biology/genes", model_version="1",
                            package="", ok=True, output={"genes": [gene]}))
    lines = stream.getvalue().splitlines()
    assert lines[1] == "# contig%201 failed, no features: InputError: bad sequence"
    gene_line = lines[2].split("\t")
    assert gene_line[0] == "chr%3B1%20x"  # GFF3: seqids escape all but [a-zA-Z0-9.:^*$@!+_?-|]
    assert gene_line[8] == "ID=chr%3B1 x_1"  # attributes: ; escaped once, spaces allowed


def test_vtt_notes_a_failed_recording_and_srt_says_it_cannot():
    from specialist_hub_audio.subtitles import SrtWriter, VttWriter

    stream = io.StringIO()
    VttWriter(stream, []).write(failed(0, "talk.wav"))
    assert stream.getvalue() == "WEBVTT\n\nNOTE talk.wav failed, no cues: InputError: bad sequence\n\n"
    assert SrtWriter.holds_failures is False and VttWriter.holds_failures is True


def test_a_format_without_a_place_for_the_models_outputs_is_refused_before_the_run(tmp_path, monkeypatch):
    interrupt_at_chunk(monkeypatch, 1)  # nothing may run
    set_registry(Registry())  # the installed plugins' srt, vtt and gff3 (the fixture puts its registry back)
    for fmt, fits in (("srt", "audio/speech-to-text"), ("vtt", "audio/transcribe"), ("gff3", "biology/genes")):
        result = hub("predict", "-m", "chemistry/qed", "CCO", "-f", fmt, "--no-isolate")
        assert result.exit_code == 2 and result.stdout == "", (fmt, result.output)  # was an empty file, exit 0
        assert f"chemistry/qed has no output that format {fmt!r} shows" in result.stderr and fits in result.stderr
        assert "jsonl" in result.stderr
    result = hub("predict", "-m", "chemistry/qed", "CCO", "-o", tmp_path / "qed.srt", "--no-isolate")
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []  # no partial file either


def test_an_sdf_title_stays_one_line_when_the_id_has_a_line_break(tmp_path):
    from rdkit import Chem

    set_registry(Registry())
    table = tmp_path / "mols.csv"
    with open(table, "w", newline="") as handle:
        csv.writer(handle).writerows([["smiles", "id"], ["CCO", "ethanol\nbatch 2"], ["c1ccccc1", "benzene"]])
    out = tmp_path / "out.sdf"
    result = hub("predict", "-m", "chemistry/qed", "--input", table, "-o", out, "--no-isolate")
    assert result.exit_code == 0, result.output
    molecules = list(Chem.SDMolSupplier(str(out)))
    assert [m.GetProp("_Name") for m in molecules] == ["ethanol batch 2", "benzene"]
    assert Chem.MolToSmiles(molecules[1]) == "c1ccccc1"


def test_a_csv_smiles_cell_with_a_line_break_is_a_read_error_not_a_molfile(tmp_path):
    set_registry(Registry())
    table = tmp_path / "mols.csv"
    with open(table, "w", newline="") as handle:
        csv.writer(handle).writerows([["smiles"], ["CCO\nCC"], ["CCN"]])
    found = rows(hub("predict", "-m", "chemistry/qed", "--input", table, "-f", "jsonl", "--no-isolate").stdout)
    assert [r["ok"] for r in found] == [False, True]
    assert "line break" in found[0]["error"]["message"]
