"""The CNN cells of the Dysta traces (Eyeriss-V2): exact counting (counting), layer shapes
(layers) and the static weight-pruning patterns (pruning). Shared by the generic ONNX
extractor (dysta.extract.onnx) and the scripts that built the shipped `cnn` workload
(tools/trace-extract/cnn)."""
