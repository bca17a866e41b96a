import DystaCore
import DystaTraces
import Foundation

/// The project's benchmark: trace workloads measured on real pretrained models, shipped as
/// package resources (`Sources/DystaBenchmark/workloads/<name>/`).
public enum Benchmark {
    /// The directory holding the shipped workloads.
    ///
    /// Looked up, in order: `DYSTA_BENCHMARK_DIR`; the package's resource bundle next to the
    /// running executable (`swift run`, `swift test`); the source tree this file was built
    /// from. `nil` when none exists (never a crash, unlike `Bundle.module` on Linux).
    public static var directory: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["DYSTA_BENCHMARK_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let bundleName = "Dysta_DystaBenchmark.resources"
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName))
        if let main = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(main.deletingLastPathComponent().appendingPathComponent(bundleName))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(bundleName))
        for bundle in candidates {
            let workloads = bundle.appendingPathComponent("workloads")
            if FileManager.default.fileExists(atPath: workloads.path) { return workloads }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("workloads")
        return FileManager.default.fileExists(atPath: source.path) ? source : nil
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
            if names.isEmpty {
                throw DystaError(
                    "unknown workload '\(name)': no shipped workloads found next to this binary — copy the "
                        + "Dysta_DystaBenchmark.resources folder beside it, or set DYSTA_BENCHMARK_DIR to a folder of "
                        + "workloads (see README, 'Installing the binary'), or use --traces DIR")
            }
            throw DystaError("unknown workload '\(name)' (shipped: \(names.joined(separator: ", ")))")
        }
        return try NativeTraceLoader.loadDirectory(directory.appendingPathComponent(name))
    }
}
