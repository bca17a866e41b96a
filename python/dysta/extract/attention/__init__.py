"""Attention sparsity cells (Sanger): density over valid query-key pairs and the
pack-and-split load balance. Used by tools/trace-extract/attention (the shipped `attention`
workloads) and by the generic ONNX extractor (dysta.extract.onnx)."""
from .cells import PES, THRESHOLD, VEC, attention_cell

__all__ = ["attention_cell", "THRESHOLD", "VEC", "PES"]
