"""The Python API: the engine's commands as functions returning pandas DataFrames.

Every function builds the same settings the ``dysta`` command takes and runs the same engine in
this process, so its numbers are the command line's to the last digit (docs/python.md).
"""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _engine
from .errors import DystaError
from .policy import register

PathLike = Union[str, "os.PathLike[str]"]
Scheduler = Any  # a name (str), a dysta.Policy subclass or instance, or a function


_EXACT = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _read_csv(path: Any) -> pd.DataFrame:
    # Exact parsing: the doubles the engine printed as shortest round-trip text (pandas ≥ 3
    # parses exactly by default; earlier versions need "round_trip").
    return pd.read_csv(path, keep_default_na=False, na_values=[""], **_EXACT)


def _schedulers(schedulers: Optional[Sequence[Scheduler]]) -> tuple[Optional[List[str]], list]:
    """Names for the engine and the Python policies to register."""
    if schedulers is None:
        return None, []
    if isinstance(schedulers, str):
        schedulers = [part.strip() for part in schedulers.split(",") if part.strip()]
    names: List[str] = []
    registered: Dict[str, Any] = {}
    for item in schedulers:
        if isinstance(item, str):
            names.append(item)
            continue
        entry = register(item)
        if entry.name in registered and registered[entry.name].cls is not entry.cls:
            raise DystaError(f"two different Python policies are named '{entry.name}'")
        registered[entry.name] = entry
        names.append(entry.name)
    # A name with options (py-x[k=v]) refers to a registered Python policy by its base name.
    builtin = {s["name"] for s in _engine.catalog()["schedulers"]}
    for entry in registered.values():
        if entry.name in builtin:
            raise DystaError(f"the Python policy '{entry.name}' has the name of a built-in policy: give it another name")
    return names, list(registered.values())


def _normalized(key: str, value: Any) -> Any:
    """A setting as the engine's JSON takes it: paths absolute, ranges as lists, mappings as
    name → text."""
    if key in ("traces", "replay"):
        if isinstance(value, (list, tuple)):
            return [str(Path(v).resolve()) for v in value]
        return str(Path(value).resolve())
    if isinstance(value, range):
        return list(value)
    if key in ("hardware", "accelerator_parameters"):
        return {str(k): str(v) for k, v in value.items()}
    return value


def _description(**settings: Any) -> Dict[str, Any]:
    """The run description (docs/file-formats.md, "Run description"), absent settings left out."""
    out: Dict[str, Any] = {}
    for key, value in settings.items():
        if value is None:
            continue
        if key == "seeds" and isinstance(value, int):
            value = [value]
        out[key] = _normalized(key, value)
    return out


class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per scheduler (model ``all``): the columns of ``dysta simulate --format csv``.
    per_model : pandas.DataFrame
        The same metrics per scheduler and model variant (``--per-model``).
    per_request : pandas.DataFrame
        One row per request, scheduler and seed (``--per-request``): times in seconds. Parsed
        on first access (the engine's CSV text is kept until then).
    settings : dict
        The settings the outputs carry (``summary.csv.settings.json``).
    run : dict
        The run description with every default filled in (``--print-run``; asked of the
        engine on first access).
    """

    def __init__(self, summary: pd.DataFrame, per_model: pd.DataFrame, per_request_csv: bytes,
                 settings: Dict[str, Any], description: str, policies: list):
        self.summary = summary
        self.per_model = per_model
        self.settings = settings
        self._per_request_csv: Optional[bytes] = per_request_csv
        self._per_request: Optional[pd.DataFrame] = None
        self._description = description
        self._policies = policies
        self._run: Optional[Dict[str, Any]] = None

    @property
    def run(self) -> Dict[str, Any]:
        if self._run is None:
            with tempfile.TemporaryDirectory(prefix="dysta-") as temporary:
                folder = Path(temporary)
                (folder / "run.json").write_text(self._description)
                _engine.run(["simulate", "--run", str(folder / "run.json"), "--print-run", "-o", str(folder / "resolved.json")],
                            self._policies)
                self._run = json.loads((folder / "resolved.json").read_text())
        return self._run

    @property
    def per_request(self) -> pd.DataFrame:
        if self._per_request is None:
            import io

            self._per_request = _read_csv(io.BytesIO(self._per_request_csv or b""))
            self._per_request_csv = None
        return self._per_request

    def __repr__(self) -> str:
        return f"SimulationResult(schedulers={list(self.summary['scheduler'])}, run={self.run})"


def _simulate_arguments(run_file: Path, threads: Optional[int]) -> List[str]:
    arguments = ["simulate", "--run", str(run_file), "--quiet"]
    if threads is not None:
        arguments += ["--threads", str(threads)]
    return arguments


def _prepare(folder: Path, replay: Any, schedulers: Optional[Sequence[Scheduler]], settings: Dict[str, Any]):
    if isinstance(replay, pd.DataFrame):
        path = folder / "requests.csv"
        replay.to_csv(path, index=False)
        replay = path
    names, policies = _schedulers(schedulers)
    if isinstance(settings.get("traces"), Mapping):
        settings = dict(settings, traces=write_workload(folder / "traces", settings["traces"], name="dataframes"))
    description = _description(replay=replay, schedulers=names, **settings)
    run_file = folder / "run.json"
    run_file.write_text(json.dumps(description, indent=2, sort_keys=True))
    return run_file, policies


def simulate(
    workload: Optional[str] = None, *, traces: Union[None, PathLike, Mapping[str, pd.DataFrame]] = None,
    trace_kind: Optional[str] = None, schedulers: Optional[Sequence[Scheduler]] = None, rate: Optional[float] = None, load: Optional[float] = None,
    requests: Optional[int] = None, slo: Optional[float] = None, seeds: Union[None, int, Sequence[int]] = None,
    replay: Union[None, PathLike, pd.DataFrame] = None, scenario: Optional[str] = None,
    accelerator: Optional[str] = None, accelerator_parameters: Optional[Mapping[str, Any]] = None,
    seq_len: Optional[int] = None, semantics: Optional[str] = None, predictor: Optional[str] = None,
    alpha: Optional[float] = None, beta: Optional[float] = None, accelerators: Optional[int] = None,
    switch_cost: Optional[float] = None, hardware: Optional[Mapping[str, Any]] = None, threads: Optional[int] = None,
) -> SimulationResult:
    """Run schedulers on one workload and compare them (``dysta simulate``).

    Every scheduler sees the identical request stream of each seed. Absent arguments take the
    command line's defaults (``dysta.defaults()``).

    Parameters
    ----------
    workload : str, optional
        Shipped benchmark workload (``dysta.workloads()``); default ``"attention"``.
    traces : path or mapping of str to pandas.DataFrame, optional
        A folder of trace files used instead (docs/trace-format.md), or model variant name →
        DataFrame of its cells, as :func:`write_workload` takes them.
    trace_kind : {"native", "sanger", "eyeriss"}, optional
        Format of ``traces`` (default ``"native"``).
    schedulers : sequence, optional
        Built-in names (``"dysta"``, ``"lax-srpt[margin=0.2]"``, see ``dysta.schedulers()``),
        :class:`dysta.Policy` subclasses or instances, or functions ``select(queue, now)``.
        Default: every built-in policy but ``dysta-hw``.
    rate : float, optional
        Poisson arrival rate in requests per second (default 30 for attention, 3 for CNN).
    load : float, optional
        Offered load ρ (dimensionless) instead of a rate.
    requests : int, optional
        Requests per seed (default 1000).
    slo : float, optional
        SLO multiplier: target latency = slo × mean isolated latency of the architecture (default 10).
    seeds : int or sequence of int, optional
        One request stream per seed (default 1–5).
    replay : path or pandas.DataFrame, optional
        A request table (columns id, arrival, model, sample, priority, target; seconds) replayed
        instead of generated arrivals.
    scenario : {"mobile", "arvr", "datacenter"}, optional
        Deployment scenario (sets workload, arrivals, SLO and accelerators).
    accelerator : str, optional
        Latency model (``dysta.accelerators()``); default the workload's own.
    accelerator_parameters : mapping, optional
        Latency-model parameter overrides, e.g. ``{"clock_hz": 4e8}``.
    seq_len : int, optional
        Sanger sequence length in tokens for every sample.
    semantics : {"default", "artifact"}, optional
        The corrected rules or the paper artifact's exact rules (docs/semantics.md).
    predictor : str, optional
        Sparsity predictor (``dysta.predictors()``); default ``"avg-ratio"``.
    alpha, beta : float, optional
        SDRM3's fairness weight α (default 1) and Dysta's β (default 0.01).
    accelerators : int, optional
        Identical accelerators sharing the ready queue (default 1).
    switch_cost : float, optional
        Context-switch cost in seconds (default 0).
    hardware : mapping, optional
        ``dysta-hw`` parameters (docs/hardware.md), e.g. ``{"preset": "w16"}``.
    threads : int, optional
        Worker threads (default: all cores); results do not depend on it.

    Returns
    -------
    SimulationResult
        ``.summary``, ``.per_model`` and ``.per_request`` DataFrames, ``.settings`` and ``.run``.

    Raises
    ------
    DystaError
        With the command line's one-line message, for any invalid input.
    PolicyError
        When a Python policy raises or returns an invalid index.
    """
    settings = dict(workload=workload, traces=traces, trace_kind=trace_kind, rate=rate, load=load, requests=requests,
                    slo=slo, seeds=seeds, scenario=scenario, accelerator=accelerator,
                    accelerator_parameters=accelerator_parameters, seq_len=seq_len, semantics=semantics,
                    predictor=predictor, alpha=alpha, beta=beta, accelerators=accelerators, switch_cost=switch_cost,
                    hardware=hardware)
    with tempfile.TemporaryDirectory(prefix="dysta-") as temporary:
        folder = Path(temporary)
        run_file, policies = _prepare(folder, replay, schedulers, settings)
        base = _simulate_arguments(run_file, threads)
        _engine.run(base + ["--format", "csv", "-o", str(folder / "summary.csv"), "--per-model",
                            "--per-request", str(folder / "per_request.csv")], policies)
        table = _read_csv(folder / "summary.csv")
        summary = table[table["model"] == "all"].reset_index(drop=True)
        per_model = table[table["model"] != "all"].reset_index(drop=True)
        return SimulationResult(
            summary=summary, per_model=per_model, per_request_csv=(folder / "per_request.csv").read_bytes(),
            settings=json.loads((folder / "summary.csv.settings.json").read_text()),
            description=run_file.read_text(), policies=policies)


@dataclass
class TimelineResult:
    """What :func:`timeline` returns: who ran when.

    Attributes
    ----------
    layers : pandas.DataFrame
        One row per layer (request, model, layer, accelerator, start, end, decision delay; s).
    requests : pandas.DataFrame
        One row per request (first start, finish, queueing delay in s; preemptions).
    files : list of pathlib.Path
        The files written: CSV, the Perfetto trace (``*.perfetto.json``, open in
        ui.perfetto.dev) and the SVG Gantt chart.
    """

    layers: pd.DataFrame
    requests: pd.DataFrame
    files: List[Path] = field(default_factory=list)

    @property
    def perfetto(self) -> List[Path]:
        """The Perfetto trace files."""
        return [f for f in self.files if f.name.endswith(".perfetto.json")]


def timeline(
    prefix: PathLike, workload: Optional[str] = None, *, window: Optional[Sequence[float]] = None,
    rows: Optional[str] = None, **settings: Any,
) -> TimelineResult:
    """Simulate and record what ran when (``dysta simulate --timeline PREFIX``).

    Parameters
    ----------
    prefix : path
        Output prefix: ``PREFIX-layers.csv``, ``PREFIX-requests.csv``, ``PREFIX.perfetto.json``
        and ``PREFIX-gantt.svg`` (with several schedulers or seeds ``PREFIX-SCHEDULER-seedN-…``).
    workload : str, optional
        As in :func:`simulate`; every other keyword of :func:`simulate` is accepted too.
    window : (start, end), optional
        The Gantt chart's window in seconds of simulated time (default: the busiest 50 layers,
        as ``dysta simulate --timeline`` chooses it).
    rows : {"accelerator", "request"}, optional
        One Gantt row per accelerator (default) or per request.

    Returns
    -------
    TimelineResult
        The layers and requests tables (with ``scheduler`` and ``seed`` columns) and the files.
    """
    threads = settings.pop("threads", None)
    schedulers = settings.pop("schedulers", None)
    replay = settings.pop("replay", None)
    prefix = Path(prefix).resolve()
    prefix.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dysta-") as temporary:
        folder = Path(temporary)
        run_file, policies = _prepare(folder, replay, schedulers, dict(workload=workload, **settings))
        arguments = _simulate_arguments(run_file, threads) + ["--timeline", str(prefix), "-o", str(folder / "table.txt")]
        if window is not None:
            arguments += ["--timeline-window", f"{window[0]!r},{window[1]!r}"]
        if rows is not None:
            arguments += ["--timeline-by", rows]
        _engine.run(arguments, policies)
        resolved = folder / "resolved.json"
        _engine.run(_simulate_arguments(run_file, threads) + ["--print-run", "-o", str(resolved)], policies)
        run = json.loads(resolved.read_text())
    files = sorted(p for p in prefix.parent.glob(prefix.name + "*") if p.is_file())
    layers, requests_ = [], []
    single = len(run["schedulers"]) == 1 and len(run["seeds"]) == 1
    for scheduler in run["schedulers"]:
        for seed in run["seeds"]:
            stem = str(prefix) if single else f"{prefix}-{scheduler}-seed{seed}"
            for name, frames in (("layers", layers), ("requests", requests_)):
                path = Path(f"{stem}-{name}.csv")
                if path.exists():
                    frame = _read_csv(path)
                    frame.insert(0, "seed", seed)
                    frame.insert(0, "scheduler", scheduler)
                    frames.append(frame)
    return TimelineResult(
        layers=pd.concat(layers, ignore_index=True) if layers else pd.DataFrame(),
        requests=pd.concat(requests_, ignore_index=True) if requests_ else pd.DataFrame(), files=files)


@dataclass
class SweepResult:
    """What :func:`sweep` returns.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per cell and seed (``OUT/runs.csv``).
    summary : pandas.DataFrame
        Mean and 95 % confidence interval per cell (``OUT/summary.csv``).
    directory : pathlib.Path
        The output folder (also ``runs.json``, ``summary.json``, ``config.json``).
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    directory: Path


_GRID_LISTS = ("workloads", "traces", "replay", "scenarios", "rates", "loads", "slos", "schedulers", "seeds",
               "predictors", "alphas", "betas")


def _grid(schedulers: Optional[Sequence[Scheduler]], grid: Dict[str, Any]) -> tuple[Dict[str, Any], list]:
    names, policies = _schedulers(schedulers)
    out: Dict[str, Any] = {}
    for key, value in grid.items():
        if value is None:
            continue
        # Scalars where the grid takes a list (a seed range written as text stays text).
        if key in _GRID_LISTS and isinstance(value, (str, int, float)) and not (key == "seeds" and isinstance(value, str)):
            value = [value]
        out[key] = _normalized(key, value)
    if names is not None:
        out["schedulers"] = names
    return out, policies


class _JournalProgress:
    """A tqdm bar counting the runs a sweep has journalled (``OUT/runs.partial.csv``; at the end
    ``OUT/runs.csv``)."""

    def __init__(self, out: Path, enabled: Optional[bool]):
        self.journal = out / "runs.partial.csv"
        self.offset = 0
        self.lines = 0
        self.bar = None
        if enabled is False:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            if enabled:
                raise DystaError("progress=True needs tqdm (pip install tqdm)") from None
            return
        self.bar = tqdm(desc="sweep", unit="run")

    def __call__(self) -> None:
        if self.bar is None:
            return
        try:
            with open(self.journal, "rb") as journal:
                journal.seek(self.offset)
                chunk = journal.read()
        except OSError:
            return
        self.offset += len(chunk)
        new = chunk.count(b"\n")
        if new:
            # The journal's first line is its header.
            counted = new - (1 if self.lines == 0 else 0)
            self.lines += new
            self.bar.update(max(counted, 0))

    def close(self) -> None:
        if self.bar is None:
            return
        self()
        # A finished sweep replaces its journal by runs.csv (header + one line per run).
        finished = self.journal.parent / "runs.csv"
        if not self.journal.exists() and finished.exists():
            with open(finished, "rb") as table:
                runs = sum(chunk.count(b"\n") for chunk in iter(lambda: table.read(1 << 16), b"")) - 1
            self.bar.update(max(runs - self.bar.n, 0))
        self.bar.close()


def _sweep_shard(experiment: str, shard: str, out: str, threads: Optional[int]) -> str:
    """Runs one shard of a sweep (called in an executor's worker process)."""
    with tempfile.TemporaryDirectory(prefix="dysta-") as temporary:
        path = Path(temporary) / "experiment.json"
        path.write_text(experiment)
        arguments = ["sweep", "--experiment", str(path), "--out", out, "--shard", shard, "--quiet"]
        if threads is not None:
            arguments += ["--threads", str(threads)]
        _engine.run(arguments)
    return out


def sweep(
    out: PathLike, *, workloads: Union[None, str, Sequence[str]] = None, traces: Optional[Sequence[PathLike]] = None,
    trace_kind: Optional[str] = None, replay: Optional[Sequence[PathLike]] = None,
    scenarios: Optional[Sequence[str]] = None, rates: Optional[Sequence[float]] = None,
    loads: Optional[Sequence[float]] = None, slos: Optional[Sequence[float]] = None,
    schedulers: Optional[Sequence[Scheduler]] = None, seeds: Union[None, str, Sequence[int]] = None,
    predictors: Optional[Sequence[str]] = None, alphas: Optional[Sequence[float]] = None,
    betas: Optional[Sequence[float]] = None, requests: Optional[int] = None, semantics: Optional[str] = None,
    accelerators: Optional[int] = None, switch_cost: Optional[float] = None, accelerator: Optional[str] = None,
    hardware: Optional[Mapping[str, Any]] = None, threads: Optional[int] = None,
    executor: Optional[Executor] = None, shards: Optional[int] = None, progress: Optional[bool] = None,
) -> SweepResult:
    """Run a grid of experiments and write tidy results (``dysta sweep``).

    The grid is workloads (or trace folders, or scenarios) × arrivals (``rates`` in requests/s
    or ``loads`` ρ) × ``slos`` × predictors × α × β × schedulers × seeds, with the keys of an
    experiment file (docs/experiments.md). Finished runs are journalled in ``out``: after an
    interruption (Ctrl-C raises KeyboardInterrupt) the same call runs only the missing ones and
    writes the same bytes as an uninterrupted run.

    Parameters
    ----------
    out : path
        Output folder (``runs.csv``, ``summary.csv``, JSON copies and ``config.json``).
    executor : concurrent.futures.Executor, optional
        Run the grid as ``shards`` shards on this executor (e.g. a Dask ``distributed`` client's
        ``get_executor()``, a ``ProcessPoolExecutor``) and merge them; the outputs are
        byte-identical to a local sweep. Python policies cannot be sent to an executor.
    shards : int, optional
        Number of shards for ``executor`` (default 4).
    threads : int, optional
        Worker threads per process (default: all cores).
    progress : bool, optional
        A tqdm progress bar of finished runs (default: when tqdm is installed; local sweeps).

    Other parameters are the experiment-file keys (docs/experiments.md); scalars are accepted
    where a list is expected.

    Returns
    -------
    SweepResult
    """
    grid, policies = _grid(schedulers, dict(
        workloads=workloads, traces=traces, trace_kind=trace_kind, replay=replay, scenarios=scenarios, rates=rates,
        loads=loads, slos=slos, seeds=seeds, predictors=predictors, alphas=alphas, betas=betas, requests=requests,
        semantics=semantics, accelerators=accelerators, switch_cost=switch_cost, accelerator=accelerator,
        hardware=hardware))
    out = Path(out).resolve()
    experiment = json.dumps(grid, indent=2, sort_keys=True)
    if executor is None:
        with tempfile.TemporaryDirectory(prefix="dysta-") as temporary:
            path = Path(temporary) / "experiment.json"
            path.write_text(experiment)
            arguments = ["sweep", "--experiment", str(path), "--out", str(out), "--quiet"]
            if threads is not None:
                arguments += ["--threads", str(threads)]
            bar = _JournalProgress(out, progress)
            try:
                _engine.run(arguments, policies, poll=bar)
            finally:
                bar.close()
    else:
        if policies:
            raise DystaError("Python policies run in this process only: drop 'executor' to sweep them")
        count = shards or 4
        out.mkdir(parents=True, exist_ok=True)
        shard_dirs = [str(out / ".shards" / f"{index}-of-{count}") for index in range(1, count + 1)]
        futures = [executor.submit(_sweep_shard, experiment, f"{index}/{count}", shard_dirs[index - 1], threads)
                   for index in range(1, count + 1)]
        for future in futures:
            future.result()
        _engine.run(["merge", *shard_dirs, "--out", str(out)])
    return SweepResult(runs=_read_csv(out / "runs.csv"), summary=_read_csv(out / "summary.csv"), directory=out)


def reproduce(item: str = "all", out: PathLike = "results", *, report: Optional[PathLike] = None,
              seeds: Optional[str] = None, requests: Optional[int] = None, semantics: Optional[str] = None,
              threads: Optional[int] = None, png: bool = False) -> Dict[str, pd.DataFrame]:
    """Reproduce the paper's figures (``dysta reproduce ITEM``).

    Parameters
    ----------
    item : str
        ``fig9``, ``table4``, ``fig12``, ``fig13``, ``fig14``, ``fig15``, ``hw``, ``beyond`` or ``all``.
    out : path
        Folder for the data (CSV) and figures (SVG).
    report : path, optional
        Also write the markdown results page here.
    seeds : str, optional
        ``"1-5"`` (the paper) or a list such as ``"1,3"``.
    requests : int, optional
        Requests per run (the paper: 1000).
    png : bool
        Also write PNG copies of the figures (needs rsvg-convert).

    Returns
    -------
    dict of str to pandas.DataFrame
        Every CSV written under ``out``, by file name without ``.csv``.
    """
    out = Path(out).resolve()
    arguments = ["reproduce", item, "--out", str(out), "--quiet"]
    for flag, value in (("--report", report), ("--seeds", seeds), ("--requests", requests),
                        ("--semantics", semantics), ("--threads", threads)):
        if value is not None:
            arguments += [flag, str(Path(value).resolve()) if flag == "--report" else str(value)]
    if not png:
        arguments.append("--no-png")
    _engine.run(arguments)
    return {path.stem: _read_csv(path) for path in sorted(out.glob("*.csv"))}


def _frame(entries: Iterable[Dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(list(entries))


def schedulers() -> pd.DataFrame:
    """The built-in scheduling policies: ``name``, ``summary``, ``default`` (run when none is named)."""
    return _frame(_engine.catalog()["schedulers"])


def predictors() -> pd.DataFrame:
    """The sparsity predictors: ``name``, ``summary``."""
    return _frame(_engine.catalog()["predictors"])


def accelerators() -> pd.DataFrame:
    """The accelerator latency models: ``name``, ``summary``."""
    return _frame(_engine.catalog()["accelerators"])


def workloads() -> List[str]:
    """The shipped benchmark workloads."""
    return list(_engine.catalog()["workloads"])


def defaults() -> Dict[str, Any]:
    """The defaults of a run (SLO multiplier, α, β, predictor, requests, seeds, …)."""
    return dict(_engine.catalog()["defaults"])


def engine_version() -> str:
    """The engine's version (the same as ``dysta --version``)."""
    return str(_engine.catalog()["version"])


def write_workload(
    folder: PathLike, models: Mapping[str, pd.DataFrame], *, name: Optional[str] = None, kind: Optional[str] = None,
    accelerator: Optional[str] = None, layers: Optional[Mapping[str, Sequence[Mapping[str, Any]]]] = None,
    description: str = "", provenance: Optional[Mapping[str, Any]] = None,
) -> Path:
    """Write DataFrames as a workload folder in the native trace format (docs/trace-format.md).

    Parameters
    ----------
    folder : path
        The folder to write (created; ``workload.json`` and one CSV per model variant).
    models : mapping of str to pandas.DataFrame
        Model variant name (``ARCHITECTURE_PATTERN``, or a plain name for a dense model) → its
        per-(sample, layer) cells: columns ``sample``, ``layer``, ``zero_fraction`` and, for the
        accelerator models, the attention (``seq_len``, ``real_len``, ``density``,
        ``load_balance``) or CNN (``in_zero_fraction``, ``macs``, ``nnz_columns``, …) columns,
        and/or ``latency`` (seconds, for the ``table`` latency model).
    name : str, optional
        Workload name (default: the folder's name).
    kind : {"attention", "cnn"}, optional
        Default: ``attention`` when the frames have a ``density`` column, else ``cnn``.
    accelerator : str, optional
        Default latency model: ``table`` when every frame has ``latency`` and no ``layers`` are
        given, else ``sanger`` (attention) or ``eyeriss-v2`` (cnn).
    layers : mapping of str to list of dict, optional
        Each variant's layer entries as in ``workload.json`` (needed by the accelerator models);
        default: opaque layers ``layer0``, ``layer1``, … (the ``table`` model).
    description : str
        One paragraph for the manifest.
    provenance : mapping, optional
        Free-form provenance (default: ``{"tool": "dysta.write_workload"}``).

    Returns
    -------
    pathlib.Path
        The folder, for ``dysta.simulate(traces=...)`` or ``dysta simulate --traces``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not models:
        raise DystaError("write_workload: no model variants given")
    if kind is None:
        kind = "attention" if all("density" in frame.columns for frame in models.values()) else "cnn"
    if accelerator is None:
        opaque = layers is None and all("latency" in frame.columns for frame in models.values())
        accelerator = "table" if opaque else ("sanger" if kind == "attention" else "eyeriss-v2")
    entries = []
    for variant in sorted(models):
        frame = models[variant]
        missing = [c for c in ("sample", "layer", "zero_fraction") if c not in frame.columns]
        if missing:
            raise DystaError(f"write_workload: model '{variant}' has no column {', '.join(missing)}")
        frame = frame.sort_values(["sample", "layer"], kind="stable").reset_index(drop=True)
        layer_count = int(frame["layer"].max()) + 1
        samples = int(frame["sample"].max()) + 1
        file = f"{variant}.csv"
        columns = ["sample", "layer"] + [c for c in frame.columns if c not in ("sample", "layer")]
        lines = [",".join(columns)]
        for row in frame[columns].itertuples(index=False):
            lines.append(",".join(str(int(v)) if i < 2 else repr(float(v)) for i, v in enumerate(row)))
        (folder / file).write_text("\n".join(lines) + "\n")
        architecture, _, pattern = variant.partition("_")
        spec = list(layers[variant]) if layers is not None else [{"name": f"layer{i}", "type": "opaque"} for i in range(layer_count)]
        entries.append({"name": variant, "architecture": architecture, "pattern": pattern or "dense", "file": file,
                        "samples": samples, "layers": spec})
    manifest = {"format": "dysta-trace/1", "name": name or folder.resolve().name, "kind": kind, "accelerator": accelerator,
                "description": description, "models": entries,
                "provenance": dict(provenance) if provenance is not None else {"tool": "dysta.write_workload"}}
    (folder / "workload.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder
