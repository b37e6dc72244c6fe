"""The Ray engine (local Ray, 2 CPUs) gives the same rows as the single-process engine."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from specialist_hub.cli import main

ENV = {**os.environ, "RAY_AUTH_MODE": "disabled"}


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    path = tmp_path_factory.mktemp("ray") / "molecules.csv"
    rows = ["smiles,name"] + [f"{'C' * (i % 9 + 1)}O{'C' * (i // 9)},m{i}" for i in range(300)]
    rows[17] = "C1CC,broken"
    path.write_text("\n".join(rows) + "\n")
    return path


def hub(*args):
    command = [sys.executable, "-m", "specialist_hub", "predict", "-m", "chemistry/descriptors,chemistry/esol"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, env=ENV, timeout=300)


def test_ray_output_equals_single_process_output_row_for_row(table, tmp_path):
    local = hub("--input", table, "-o", tmp_path / "local.jsonl", "--batch-size", "32")
    on_ray = hub("--input", table, "-o", tmp_path / "ray.jsonl", "--batch-size", "32", "--engine", "ray",
                 "--workers", "2")
    assert local.returncode == on_ray.returncode == 1, on_ray.stderr[-2000:]
    local_rows = [json.loads(line) for line in (tmp_path / "local.jsonl").read_text().splitlines()]
    ray_rows = [json.loads(line) for line in (tmp_path / "ray.jsonl").read_text().splitlines()]
    assert len(ray_rows) == 600  # 300 molecules x 2 models
    assert ray_rows == local_rows


def test_ray_engine_refuses_formats_it_cannot_read(tmp_path):
    smi = tmp_path / "x.smi"
    smi.write_text("CCO\n")
    result = hub("--input", smi, "--engine", "ray", "-o", tmp_path / "out.csv")
    assert result.returncode == 2 and "CSV, TSV or Parquet" in result.stderr


def test_without_ray_the_engine_prints_the_install_hint(monkeypatch, table, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    result = CliRunner().invoke(main, ["predict", "-m", "chemistry/descriptors", "--engine", "ray", "--input",
                                       str(table), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert 'pip install "specialist-hub[ray]"' in result.stderr
    assert list(tmp_path.iterdir()) == []  # no output file was started
