import DystaCore
import DystaTraces
import Foundation

/// The project's benchmark: trace workloads measured on real pretrained models, shipped as
/// package resources (`Sources/DystaBenchmark/workloads/<name>/`).
public enum Benchmark {
    /// The directory holding the shipped workloads.
    ///
    /// `DYSTA_BENCHMARK_DIR` overrides it (for installed binaries without the resource bundle).
    public static var directory: URL? {
        if let override = ProcessInfo.processInfo.environment["DYSTA_BENCHMARK_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return Bundle.module.url(forResource: "workloads", withExtension: nil)
    }

    /// Names of the shipped workloads, sorted.
    public static var workloadNames: [String] {
        guard let directory,
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return names.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).appendingPathComponent("workload.json").path)
        }.sorted()
    }

    /// Loads a shipped workload by name.
    public static func load(_ name: String) throws -> Workload {
        let names = workloadNames
        guard let directory, names.contains(name) else {
            throw DystaError(
                "unknown workload '\(name)' (shipped: \(names.isEmpty ? "none found" : names.joined(separator: ", ")))")
        }
        return try NativeTraceLoader.loadDirectory(directory.appendingPathComponent(name))
    }
}
