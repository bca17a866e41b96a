"""Loading the engine library and calling it (internal).

The engine is the Swift library ``libDystaFFI.so`` with a small C interface (docs/python.md):
``dysta_run`` runs one ``dysta`` command in this process. In an installed wheel the library,
the Swift runtime it needs and the shipped benchmark sit in ``dysta/_lib``; in a source
checkout the package uses ``.build/release`` (or ``.build/debug``) after ``swift build
--product DystaFFI``. ``DYSTA_LIBRARY`` names another library file.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from .errors import DystaError, EngineNotFoundError, PolicyError

_PACKAGE = Path(__file__).resolve().parent
_LIBRARY_NAME = "libDystaFFI.so"

CREATE = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_int64, ctypes.c_char_p)
SELECT = ctypes.CFUNCTYPE(
    ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.c_double,
    ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_int64), ctypes.c_int64,
)
RELEASE = ctypes.CFUNCTYPE(None, ctypes.c_int64)


def _candidates() -> list[Path]:
    found = []
    override = os.environ.get("DYSTA_LIBRARY")
    if override:
        return [Path(override)]
    found.append(_PACKAGE / "_lib" / _LIBRARY_NAME)
    repository = _PACKAGE.parent.parent
    for configuration in ("release", "debug"):
        found.append(repository / ".build" / configuration / _LIBRARY_NAME)
    return found


def benchmark_directory() -> Optional[Path]:
    """The folder of shipped workloads the engine reads (wheel, or source checkout)."""
    for folder in (_PACKAGE / "_lib" / "workloads", _PACKAGE.parent.parent / "Sources" / "DystaBenchmark" / "workloads"):
        if folder.is_dir():
            return folder
    return None


@lru_cache(maxsize=1)
def library() -> ctypes.CDLL:
    """The loaded engine (loaded once, on first use)."""
    for path in _candidates():
        if path.is_file():
            break
    else:
        raise EngineNotFoundError(
            "the dysta engine library was not found: install the dysta wheel (scripts/build-wheel.sh), "
            "or run 'swift build -c release --product DystaFFI' in the source checkout, or set DYSTA_LIBRARY")
    # The engine reads the shipped benchmark from DYSTA_BENCHMARK_DIR unless the user set it.
    folder = benchmark_directory()
    if folder is not None and not os.environ.get("DYSTA_BENCHMARK_DIR"):
        os.environ["DYSTA_BENCHMARK_DIR"] = str(folder)
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as error:
        raise EngineNotFoundError(f"{path}: cannot load the dysta engine: {error}") from None
    lib.dysta_run.argtypes = [
        ctypes.c_int32, ctypes.POINTER(ctypes.c_char_p), ctypes.c_char_p, CREATE, SELECT, RELEASE,
        ctypes.POINTER(ctypes.c_int32),
    ]
    lib.dysta_run.restype = ctypes.c_void_p
    lib.dysta_catalog.argtypes = []
    lib.dysta_catalog.restype = ctypes.c_void_p
    lib.dysta_free.argtypes = [ctypes.c_void_p]
    lib.dysta_free.restype = None
    return lib


def library_path() -> Path:
    """The file the engine was loaded from."""
    return Path(library()._name)


def _take_string(pointer: Optional[int]) -> Optional[str]:
    if not pointer:
        return None
    lib = library()
    try:
        return ctypes.string_at(pointer).decode("utf-8", "replace")
    finally:
        lib.dysta_free(pointer)


@lru_cache(maxsize=1)
def catalog() -> dict:
    """Registries, shipped workloads, defaults and the queue's columns, from the engine."""
    text = _take_string(library().dysta_catalog())
    if text is None:
        raise DystaError("the engine returned no catalog")
    return json.loads(text)


class _Host:
    """The Python policies of one call, reached by the engine through C callbacks."""

    def __init__(self, factories: Sequence[Callable[[dict], Any]], names: Sequence[str]):
        self.factories = list(factories)
        self.names = list(names)
        self.instances: dict[int, Any] = {}
        self.views: dict[int, tuple] = {}
        self.next_handle = 0
        self.error: Optional[BaseException] = None
        self.cancel: Optional[ctypes.c_int32] = None
        self.lock = threading.Lock()
        from .policy import Queue  # numpy is imported only when a Python policy runs

        self.queue_type = Queue
        columns = catalog()["queue_columns"]
        self.double_index = {name: i for i, name in enumerate(columns["doubles"])}
        self.integer_index = {name: i for i, name in enumerate(columns["integers"])}
        self.create = CREATE(self._create)
        self.select = SELECT(self._select)
        self.release = RELEASE(self._release)

    def _create(self, index: int, options: Optional[bytes]) -> int:
        try:
            parsed = parse_options(options.decode()) if options is not None else {}
            instance = self.factories[index](parsed)
        except BaseException as error:  # reported after the call returns
            label = self.names[index] + (f"[{options.decode()}]" if options is not None else "")
            self._fail(PolicyError(f"policy '{label}': cannot create it: {type(error).__name__}: {error}"), error)
            return -1
        with self.lock:
            handle = self.next_handle
            self.next_handle += 1
            self.instances[handle] = instance
        return handle

    def _select(self, handle: int, count: int, time: float, doubles, integers, capacity: int) -> int:
        if self.error is not None or (self.cancel is not None and self.cancel.value):
            return -1  # the engine stops this run at once
        instance = self.instances[handle]
        try:
            key = (ctypes.addressof(doubles.contents), capacity)
            cached = self.views.get(handle)
            if cached is None or cached[0] != key:
                import numpy as np

                d = np.ctypeslib.as_array(doubles, shape=(len(self.double_index), capacity))
                n = np.ctypeslib.as_array(integers, shape=(len(self.integer_index), capacity))
                cached = (key, d, n)
                self.views[handle] = cached
            queue = self.queue_type(cached[1], cached[2], count, self.double_index, self.integer_index)
            chosen = instance.select(queue, time)
            index = int(chosen)
            if not 0 <= index < count:
                raise IndexError(f"returned index {chosen!r} for a ready queue of {count} request(s)")
            return index
        except BaseException as error:
            label = getattr(instance, "label", None) or self.names[0]
            kind = type(error).__name__
            self._fail(PolicyError(f"policy '{label}' at simulated time {time!r} s: {kind}: {error}"), error)
            return -1

    def _release(self, handle: int) -> None:
        with self.lock:
            self.instances.pop(handle, None)
            self.views.pop(handle, None)

    def _fail(self, error: PolicyError, cause: BaseException) -> None:
        with self.lock:
            if self.error is None:
                error.__cause__ = cause
                self.error = error


def parse_options(text: str) -> dict:
    """``key=value,…`` → dict; numbers become int or float."""
    options: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        if "=" not in item:
            raise ValueError(f"option '{item}' is not key=value")
        key, value = (part.strip() for part in item.split("=", 1))
        for convert in (int, float):
            try:
                options[key] = convert(value)
                break
            except ValueError:
                continue
        else:
            options[key] = value
    return options


def run(arguments: Sequence[str], policies: Sequence[Any] = (), poll: Optional[Callable[[], None]] = None) -> None:
    """Runs one ``dysta`` command in this process; raises DystaError with its message.

    The engine runs on a worker thread so that Ctrl-C reaches Python: it then asks the engine to
    stop between runs, waits for it and raises KeyboardInterrupt (a sweep keeps its finished
    runs). ``poll`` is called from the waiting thread about every 50 ms (progress display).
    """
    lib = library()
    encoded = [str(argument).encode() for argument in arguments]
    argv = (ctypes.c_char_p * len(encoded))(*encoded)
    cancel = ctypes.c_int32(0)
    host = None
    specs = None
    if policies:
        host = _Host([p.factory for p in policies], [p.name for p in policies])
        host.cancel = cancel
        specs = json.dumps([p.spec() for p in policies]).encode()
    outcome: dict[str, Any] = {}

    def call() -> None:
        try:
            outcome["error"] = _take_string(lib.dysta_run(
                len(encoded), argv, specs,
                host.create if host else CREATE(), host.select if host else SELECT(),
                host.release if host else RELEASE(), ctypes.byref(cancel)))
        except BaseException as error:  # pragma: no cover - ctypes itself failed
            outcome["exception"] = error

    worker = threading.Thread(target=call, name="dysta-engine", daemon=True)
    worker.start()
    interrupted = False
    while worker.is_alive():
        try:
            worker.join(0.05)
            if poll is not None:
                poll()
        except KeyboardInterrupt:
            cancel.value = 1
            interrupted = True
    if "exception" in outcome:
        raise outcome["exception"]
    if interrupted:
        raise KeyboardInterrupt
    if host is not None and host.error is not None:
        raise host.error
    message = outcome.get("error")
    if message is not None:
        raise DystaError(message)
