"""Trace extraction: measured sparsity traces (dysta-trace/1) from real models.

* :func:`extract_onnx` (and ``python -m dysta.extract``): any ONNX CNN or transformer;
* :mod:`dysta.extract.cnn`, :mod:`dysta.extract.attention`: the cell definitions (exact
  counting, pruning patterns, Sanger's attention cell) shared with the scripts that built the
  shipped workloads (tools/trace-extract).

Importing this package loads neither onnx nor onnxruntime: they are imported on first use
(``pip install 'dysta[extract]'``).
"""
from ..errors import ExtractError
from .api import extract_onnx

__all__ = ["extract_onnx", "ExtractError"]
