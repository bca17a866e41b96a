import DystaCore
import DystaTestSupport
import DystaTraces
import Foundation
import Testing

let manifest = """
    {"format": "dysta-trace/1", "name": "tiny", "kind": "cnn", "accelerator": "eyeriss-v2",
     "models": [{"name": "net_dense", "architecture": "net", "pattern": "dense", "file": "net_dense.csv", "samples": 2,
       "layers": [{"name": "conv1", "type": "conv", "C": 3, "M": 8, "R": 3, "S": 3, "stride": 1, "padding": 1,
                   "groups": 1, "H": 8, "W": 8, "E": 8, "F": 8, "weight_nonzeros": 216, "weight_total": 216, "c0": 3},
                  {"name": "fc", "type": "linear", "C": 8, "M": 4, "weight_nonzeros": 32, "weight_total": 32, "c0": 8}]}],
     "provenance": {"note": "hand-written test manifest"}}
    """
let cells = """
    sample,layer,zero_fraction,in_zero_fraction,macs,macs_stride1,nnz_columns,nnz_columns_artifact
    0,0,0.5,0.1,10000,10000,120,100
    0,1,0.2,0.5,16,16,1,4
    1,0,0.6,0.2,9000,9000,110,90
    1,1,0.1,0.6,12,12,1,3

    """

@Suite("Native trace format")
struct NativeLoaderTests {
    @Test func loadsManifestLayersAndCells() throws {
        let url = try directory(with: ["workload.json": manifest, "net_dense.csv": cells])
        defer { try? FileManager.default.removeItem(at: url) }
        let workload = try NativeTraceLoader.loadDirectory(url)
        #expect(workload.name == "tiny" && workload.kind == .cnn && workload.defaultAccelerator == "eyeriss-v2")
        let variant = workload.variants[0]
        #expect(variant.layers[0].convShape?.kernelHeight == 3)
        #expect(variant.layers[1].convShape?.inputWidth == 1)
        #expect(variant.trace.values(.macs) == [10000, 16, 9000, 12])
        #expect(workload.provenance?.contains("hand-written") == true)
    }

    @Test func manifestErrorsNameTheProblem() throws {
        let broken = manifest.replacingOccurrences(of: "\"samples\": 2,", with: "")
        let url = try directory(with: ["workload.json": broken, "net_dense.csv": cells])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try NativeTraceLoader.loadDirectory(url) } throws: {
            "\($0)".contains("workload.json: missing key 'samples'")
        }
        try Data(manifest.replacingOccurrences(of: "\"samples\": 2", with: "\"samples\": 3").utf8)
            .write(to: url.appendingPathComponent("workload.json"))
        #expect { try NativeTraceLoader.loadDirectory(url) } throws: { "\($0)".contains("manifest says 3 samples") }
        try Data(manifest.replacingOccurrences(of: "\"conv\"", with: "\"deconv\"").utf8)
            .write(to: url.appendingPathComponent("workload.json"))
        #expect { try NativeTraceLoader.loadDirectory(url) } throws: { "\($0)".contains("unknown layer type 'deconv'") }
        // Misspelt keys are refused at every level, not ignored.
        for (from, to, message) in [
            ("\"kind\"", "\"knd\": \"x\", \"kind\"", "workload.json: unknown key 'knd'"),
            ("\"pattern\"", "\"patern\": \"x\", \"pattern\"", "workload.json: models[0]: unknown key 'patern'"),
            ("\"stride\"", "\"strides\": 2, \"stride\"", "workload.json: models[0] layers[0]: unknown key 'strides'"),
        ] {
            try Data(manifest.replacingOccurrences(of: from, with: to).utf8).write(to: url.appendingPathComponent("workload.json"))
            #expect { try NativeTraceLoader.loadDirectory(url) } throws: { "\($0)".contains(message) }
        }
        try Data("{ not json".utf8).write(to: url.appendingPathComponent("workload.json"))
        #expect { try NativeTraceLoader.loadDirectory(url) } throws: { "\($0)".contains("not valid JSON") }
    }
}
