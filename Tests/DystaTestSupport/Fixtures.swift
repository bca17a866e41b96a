import DystaAccelerators
import DystaCore
import DystaTraces
import Foundation

/// Shared test fixtures: the synthetic artifact-format directories and hand-built workloads.
public enum Fixtures {
    /// Directory of a fixture (e.g. `artifact-sanger`).
    public static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    /// The synthetic Sanger-format workload (bert, gpt2).
    public static func sangerWorkload() throws -> Workload {
        try ArtifactTraceLoader.loadDirectory(url("artifact-sanger"), kind: .sanger)
    }

    /// The synthetic Eyeriss-format workload (resnet50 ×2 patterns, vgg16).
    public static func eyerissWorkload() throws -> Workload {
        try ArtifactTraceLoader.loadDirectory(url("artifact-eyeriss"), kind: .eyeriss)
    }

    /// A workload built by hand: one variant per entry, `latency[sample][layer]` in seconds and
    /// zero fractions (default 0.5 everywhere).
    public static func handWorkload(
        _ models: [(name: String, latency: [[Double]], zero: [[Double]]?)]
    ) throws -> Workload {
        let variants = try models.map { model -> ModelVariant in
            let samples = model.latency.count
            let layers = model.latency[0].count
            let zero = model.zero ?? Array(repeating: Array(repeating: 0.5, count: layers), count: samples)
            let trace = try TraceTable(
                sampleCount: samples, layerCount: layers,
                columns: [.latency: model.latency.flatMap { $0 }, .zeroFraction: zero.flatMap { $0 }])
            let architecture = String(model.name.split(separator: "_")[0])
            return try ModelVariant(
                name: model.name, architecture: architecture,
                layers: (0..<layers).map { LayerSpec(name: "l\($0)", kind: .opaque) }, trace: trace)
        }
        return try Workload(name: "hand", kind: .cnn, defaultAccelerator: "table", variants: variants)
    }

    /// The profile of a hand-built workload under the table latency model.
    public static func handProfile(
        _ models: [(name: String, latency: [[Double]], zero: [[Double]]?)]
    ) throws -> WorkloadProfile {
        try TableModel().profile(handWorkload(models))
    }

    /// A temporary directory, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dysta-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
