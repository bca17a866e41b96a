"""The generic ONNX trace extractor: graph analysis (graph), input samples (samples), runs and
cells (extractor) and the whole extraction (run). Public entry points:
dysta.extract.extract_onnx and python -m dysta.extract."""
