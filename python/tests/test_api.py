"""The Python API gives the command line's numbers, to the last digit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

import dysta
from dysta.api import _read_csv


def test_import_has_no_side_effects():
    import subprocess
    import sys

    code = (
        "import dysta, dysta._engine as e, os\n"
        "assert e.library.cache_info().currsize == 0, 'importing dysta loaded the engine'\n"
        "assert 'DYSTA_BENCHMARK_DIR' not in os.environ, 'importing dysta changed the environment'\n"
        "assert dysta.__version__ == dysta.engine_version()\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DYSTA_BENCHMARK_DIR"}
    subprocess.run([sys.executable, "-c", code], check=True, env=environment)


def test_simulate_equals_the_command_line(cli, tmp_path):
    result = dysta.simulate("cnn", load=0.9, schedulers=["sjf", "dysta", "lax-srpt"], seeds=[1, 2], requests=300)
    cli("simulate", "--workload", "cnn", "--load", "0.9", "--schedulers", "sjf,dysta,lax-srpt", "--seeds", "1-2",
        "--requests", "300", "--format", "csv", "-o", str(tmp_path / "s.csv"), "--per-request", str(tmp_path / "r.csv"))
    pd.testing.assert_frame_equal(result.summary, _read_csv(tmp_path / "s.csv"), check_exact=True)
    pd.testing.assert_frame_equal(result.per_request, _read_csv(tmp_path / "r.csv"), check_exact=True)
    # The text the engine printed and the text of the frame's values are the same bytes.
    assert (tmp_path / "s.csv").read_text().splitlines()[1].split(",")[3] == repr(float(result.summary["violation_rate"][0]))
    assert set(result.per_model["model"]) and "all" not in set(result.per_model["model"])
    assert result.run["load"] == 0.9 and result.run["slo"] == dysta.defaults()["slo"]


def test_a_printed_run_description_gives_the_same_results(cli, tmp_path):
    result = dysta.simulate("attention", rate=25, schedulers=["prema", "dysta"], seeds=3, requests=200, beta=0.02)
    assert result.settings["settings"]["run"] == result.run, "the outputs' settings carry the run description"
    (tmp_path / "run.json").write_text(json.dumps(result.run))
    cli("simulate", "--run", str(tmp_path / "run.json"), "--format", "csv", "-o", str(tmp_path / "s.csv"))
    pd.testing.assert_frame_equal(result.summary, _read_csv(tmp_path / "s.csv"), check_exact=True)


def test_replay_from_a_dataframe(cli, tmp_path):
    cli("simulate", "--workload", "cnn", "--seeds", "4", "--requests", "150", "--schedulers", "fcfs",
        "--emit-requests", str(tmp_path / "req.csv"), "-o", str(tmp_path / "x.txt"))
    table = _read_csv(tmp_path / "req.csv")
    from_file = dysta.simulate("cnn", replay=tmp_path / "req.csv", schedulers=["sjf", "dysta"])
    from_frame = dysta.simulate("cnn", replay=table, schedulers=["sjf", "dysta"])
    pd.testing.assert_frame_equal(from_file.per_request, from_frame.per_request, check_exact=True)


def test_errors_carry_the_command_lines_message(cli):
    with pytest.raises(dysta.DystaError) as raised:
        dysta.simulate("cnn", schedulers=["no-such-policy"], requests=10)
    stderr = cli("simulate", "--workload", "cnn", "--schedulers", "no-such-policy", "--requests", "10", check=False).stderr
    assert stderr.strip() == "dysta: error: " + str(raised.value)
    with pytest.raises(dysta.DystaError, match="unknown workload|no workload"):
        dysta.simulate("no-such-workload")
    with pytest.raises(dysta.DystaError, match="not both"):
        dysta.simulate("cnn", rate=3, load=0.5)


def test_catalog():
    names = set(dysta.schedulers()["name"])
    assert {"fcfs", "sjf", "dysta", "lax-srpt", "dysta-hw"} <= names
    frame = dysta.schedulers().set_index("name")
    assert not frame.loc["dysta-hw", "default"] and frame.loc["dysta", "default"]
    assert "avg-ratio" in set(dysta.predictors()["name"])
    assert "sanger" in set(dysta.accelerators()["name"])
    assert {"attention", "cnn"} <= set(dysta.workloads())


def test_timeline(tmp_path):
    result = dysta.timeline(tmp_path / "t", "cnn", schedulers=["dysta"], seeds=1, requests=40)
    assert {"start", "end"} <= set(result.layers.columns)
    assert (result.layers["end"] >= result.layers["start"]).all()
    assert len(result.requests) == 40
    assert result.perfetto and json.loads(result.perfetto[0].read_text())


def test_sweep_equals_the_command_line(cli, tmp_path):
    grid = dict(workloads=["cnn"], loads=[0.6, 0.9], slos=[10], schedulers=["sjf", "dysta"], seeds="1-2", requests=200)
    result = dysta.sweep(tmp_path / "py", **grid)
    (tmp_path / "grid.json").write_text(json.dumps(grid))
    cli("sweep", "--experiment", str(tmp_path / "grid.json"), "--out", str(tmp_path / "cli"))
    for name in ("runs.csv", "summary.csv", "runs.json", "summary.json"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert len(result.runs) == 2 * 2 * 2 and len(result.summary) == 4


def test_sweep_on_an_executor_is_byte_identical(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    grid = dict(workloads="cnn", loads=[0.7, 0.95], schedulers=["fcfs", "dysta"], seeds="1-3", requests=150)
    dysta.sweep(tmp_path / "local", **grid)
    with ProcessPoolExecutor(max_workers=2) as pool:
        dysta.sweep(tmp_path / "pool", executor=pool, shards=3, **grid)
    for name in ("runs.csv", "summary.csv", "runs.json", "summary.json"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes(), name


def test_sweep_on_a_dask_cluster_is_byte_identical(tmp_path):
    distributed = pytest.importorskip("distributed")
    grid = dict(workloads=["attention"], loads=[0.8], slos=[5, 10], schedulers=["sjf", "dysta"], seeds="1-2", requests=150)
    dysta.sweep(tmp_path / "local", **grid)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dysta.sweep(tmp_path / "dask", executor=client.get_executor(), shards=2, **grid)
    for name in ("runs.csv", "summary.csv", "runs.json", "summary.json"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_a_workload_from_dataframes(cli, tmp_path):
    import numpy as np

    rng = np.random.default_rng(7)
    frames = {}
    for name, layers, scale in (("tiny_dense", 3, 0.002), ("wide_dense", 5, 0.004)):
        rows = [(s, l, rng.uniform(0.1, 0.9), scale * rng.uniform(0.5, 1.5)) for s in range(6) for l in range(layers)]
        frames[name] = pd.DataFrame(rows, columns=["sample", "layer", "zero_fraction", "latency"])
    result = dysta.simulate(traces=frames, rate=150, schedulers=["fcfs", "dysta"], seeds=1, requests=200)
    # Each request's isolated latency is the sum of its sample's latency column.
    models = sorted(frames)
    for row in result.per_request.head(20).itertuples():
        frame = frames[row.model]
        assert row.isolated == pytest.approx(frame[frame["sample"] == row.sample]["latency"].sum(), rel=1e-12)
    # The folder write_workload makes is the one the command reads.
    folder = dysta.write_workload(tmp_path / "w", frames)
    cli("simulate", "--traces", str(folder), "--rate", "150", "--schedulers", "fcfs,dysta", "--seeds", "1",
        "--requests", "200", "--format", "csv", "-o", str(tmp_path / "s.csv"))
    pd.testing.assert_frame_equal(result.summary, _read_csv(tmp_path / "s.csv"), check_exact=True)
    assert set(result.per_request["model"]) == set(models)


def test_timeline_equals_the_command_line(cli, tmp_path):
    result = dysta.timeline(tmp_path / "py", "attention", schedulers=["lax-srpt"], seeds=2, requests=60)
    cli("simulate", "--workload", "attention", "--schedulers", "lax-srpt", "--seeds", "2", "--requests", "60",
        "--timeline", str(tmp_path / "cli"), "-o", str(tmp_path / "t.txt"))
    for suffix in ("-layers.csv", "-requests.csv", ".perfetto.json"):
        assert (tmp_path / f"py{suffix}").read_bytes() == (tmp_path / f"cli{suffix}").read_bytes(), suffix
    pd.testing.assert_frame_equal(result.layers.drop(columns=["scheduler", "seed"]), _read_csv(tmp_path / "cli-layers.csv"),
                                  check_exact=True)


def test_reproduce_equals_the_command_line(cli, tmp_path):
    frames = dysta.reproduce("fig13", tmp_path / "py", seeds="1", requests=100)
    cli("reproduce", "fig13", "--out", str(tmp_path / "cli"), "--seeds", "1", "--requests", "100", "--no-png", "--quiet")
    files = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert files and files == sorted(p.name for p in (tmp_path / "py").iterdir())
    for name in files:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    for stem, frame in frames.items():
        pd.testing.assert_frame_equal(frame, _read_csv(tmp_path / "cli" / f"{stem}.csv"), check_exact=True)
    assert frames, "fig13 writes CSV data"


def test_sweep_progress_counts_finished_runs(tmp_path, capsys):
    pytest.importorskip("tqdm")
    dysta.sweep(tmp_path / "out", workloads="cnn", loads=[0.5, 0.9], schedulers=["sjf", "dysta"], seeds="1-3",
                requests=300, threads=1, progress=True)
    assert "sweep: 12run" in capsys.readouterr().err
