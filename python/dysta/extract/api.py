"""dysta.extract_onnx: the ONNX extractor from Python (the same code as python -m dysta.extract)."""
from os import PathLike
from pathlib import Path
from types import SimpleNamespace
from typing import Optional, Sequence, Tuple, Union

from ..errors import ExtractError
from ._common import one_thread

PathArg = Union[str, "PathLike[str]"]


def extract_onnx(model: PathArg, inputs: PathArg, out: PathArg, *,
                 kind: str = "auto",
                 arch: Optional[str] = None,
                 name: Optional[str] = None,
                 description: Optional[str] = None,
                 source: str = "",
                 limit: Optional[int] = None,
                 force: bool = False,
                 append: bool = False,
                 quiet: bool = False,
                 patterns: Optional[Sequence[str]] = None,
                 prune_first_last: bool = False,
                 keep_dense: Sequence[str] = (),
                 preprocess: Optional[PathArg] = None,
                 size: Union[int, Tuple[int, int], None] = None,
                 resize: Optional[str] = None,
                 channels: Optional[str] = None,
                 layout: Optional[str] = None,
                 scale: Optional[float] = None,
                 mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None,
                 tokenizer: Optional[PathArg] = None,
                 text_per_line: bool = False,
                 max_tokens: int = 512,
                 pad_to: Optional[int] = None,
                 pad_id: int = 0,
                 threshold: float = 2e-3,
                 causal: str = "auto",
                 hidden: Optional[int] = None) -> Path:
    """Turn an ONNX CNN or transformer into a Dysta workload folder (dysta-trace/1).

    The same extraction as ``python -m dysta.extract`` (each keyword is the flag of the same
    name); see tools/onnx-extract/README.md for the definitions. The folder holds
    ``workload.json`` and one CSV per model variant, readable by ``dysta simulate --traces``.
    It is written to a temporary sibling folder and moved into place only when complete.

    Parameters
    ----------
    model : str or path-like
        The ONNX file.
    inputs : str or path-like
        A folder of images (``*.png``, ``*.jpg``, ...; sorted by file name) or of ``*.txt``
        files (text models).
    out : str or path-like
        The workload folder to write.
    kind : {"auto", "cnn", "attention"}
        ``auto``: attention if the graph has attention Softmax nodes or the inputs are text.
    arch : str, optional
        Architecture key of the variants (default: the model file's stem); letters, digits,
        ``.``, ``+``, ``-``.
    name, description : str, optional
        Workload name (default: the folder name) and description.
    source : str
        Where the ONNX file comes from (free text, recorded in the provenance).
    limit : int, optional
        Only the first ``limit`` samples.
    force, append : bool
        Replace an existing ``out`` folder / add this architecture to its workload.
    quiet : bool
        No progress lines on stderr.
    patterns : sequence of str, optional
        CNN pruning patterns: ``dense``, ``unstructuredP``, ``filterP``, ``block4-P`` (P a
        percentage 1..99). Default: dense, unstructured20, unstructured60, filter20,
        block4-20, block4-60. Attention models: dense only.
    prune_first_last : bool
        Also prune the first and the last layer.
    keep_dense : sequence of str
        ONNX node names never pruned.
    preprocess : str or path-like, optional
        JSON file with keys size, resize, channels, layout, scale, mean, std (the keywords
        below override it).
    size : int or (int, int), optional
        Image height and width in pixels (default: the model's fixed input size).
    resize : {"cover", "stretch"}, optional
        Images of another size: scale to cover and centre-crop (default), or stretch.
    channels : {"rgb", "bgr"}, optional
        Channel order (default rgb).
    layout : {"nchw", "nhwc"}, optional
        Default: from the model input.
    scale : float, optional
        Pixel multiplier before mean/std: x = (pixel * scale - mean) / std, float32.
    mean, std : sequence of 3 floats, optional
        Per channel, in channel order (default 0 and 1).
    tokenizer : str or path-like, optional
        ``tokenizer.json`` (default: beside the model, then in ``inputs``).
    text_per_line : bool
        Each non-empty line of the text files is one sample.
    max_tokens : int
        Truncation, in tokens.
    pad_to : int, optional
        Run every sample padded to this many tokens with an attention mask.
    pad_id : int
        Token id of padding.
    threshold : float
        Softmax probability above which a query-key pair is kept.
    causal : {"auto", "yes", "no"}
        ``auto``: a layer is causal when no query attends to a later token.
    hidden : int, optional
        Model width for the Sanger model (default heads x head_dim).

    Returns
    -------
    pathlib.Path
        The workload folder (absolute).

    Raises
    ------
    dysta.errors.ExtractError
        The model, an input or an option is refused; ``str(error)`` is the one-line message
        of the command line (``<file or option>: <problem>``) and nothing was written.
    """
    opts = SimpleNamespace(
        model=str(model), inputs=str(inputs), out=str(out), kind=kind, arch=arch, name=name,
        description=description, source=source, limit=limit, force=force, append=append,
        quiet=quiet, patterns=None if patterns is None else ",".join(patterns),
        prune_first_last=prune_first_last, keep_dense=",".join(keep_dense),
        preprocess=None if preprocess is None else str(preprocess),
        size=None if size is None else ([int(size)] * 2 if isinstance(size, int) else [int(v) for v in size]),
        resize=resize, channels=channels, layout=layout, scale=scale,
        mean=None if mean is None else [float(v) for v in mean],
        std=None if std is None else [float(v) for v in std],
        tokenizer=None if tokenizer is None else str(tokenizer), text_per_line=text_per_line,
        max_tokens=max_tokens, pad_to=pad_to, pad_id=pad_id, threshold=threshold, causal=causal,
        hidden=hidden)
    if kind not in ("auto", "cnn", "attention"):
        raise ExtractError("kind", f"must be 'auto', 'cnn' or 'attention', not {kind!r}")
    if causal not in ("auto", "yes", "no"):
        raise ExtractError("causal", f"must be 'auto', 'yes' or 'no', not {causal!r}")
    one_thread()
    try:
        from .onnx import run
    except ImportError as e:
        from .cli import INSTALL
        raise ExtractError(None, f"missing Python package ({e.name}): {INSTALL}") from e
    shown = {k: v for k, v in vars(opts).items() if k in ("model", "inputs", "out") or
             v != _DEFAULTS.get(k)}
    command = "dysta.extract_onnx(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"
    return run.run(opts, command)


_DEFAULTS = {"kind": "auto", "source": "", "force": False, "append": False, "quiet": False,
             "prune_first_last": False, "keep_dense": "", "text_per_line": False,
             "max_tokens": 512, "pad_id": 0, "threshold": 2e-3, "causal": "auto"}
