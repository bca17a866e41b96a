import DystaParsing
import DystaCore
import Foundation

/// The two file kinds of the paper artifact's latency CSVs.
public enum ArtifactTraceKind: String, Sendable, CaseIterable {
    /// Sanger attention files: `overall-sparsity` (density), `50%-skip` (load balance).
    case sanger
    /// Eyeriss-V2 CNN files: `sim_lat` (s), `overall-sparsity` (zero fraction).
    case eyeriss
}

/// Loads a directory of the paper artifact's CSV files as a workload.
///
/// Model name = file name up to its first `.`; models are sorted by name. For Eyeriss-V2
/// files the architecture key is the name up to its first `_`; for Sanger files it is the
/// whole name (the artifact treats every attention file as its own model).
public enum ArtifactTraceLoader {
    /// Loads every `*.csv` file of `directory` as one variant.
    public static func loadDirectory(_ directory: URL, kind: ArtifactTraceKind) throws -> Workload {
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DystaError("no such directory", file: path)
        }
        guard isDirectory.boolValue else {
            throw DystaError("expected a directory of trace CSV files", file: path)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { $0.hasSuffix(".csv") }.sorted()
        } catch {
            throw DystaError("cannot list directory", file: path)
        }
        guard !names.isEmpty else {
            throw DystaError("the directory holds no .csv files", file: path)
        }
        let variants = try names.map { try loadFile(directory.appendingPathComponent($0), kind: kind) }
        return try Workload(
            name: directory.lastPathComponent, kind: kind == .sanger ? .attention : .cnn,
            defaultAccelerator: kind == .sanger ? "sanger" : "table", variants: variants)
    }

    /// Loads one artifact CSV file as a variant.
    public static func loadFile(_ url: URL, kind: ArtifactTraceKind) throws -> ModelVariant {
        let table = try CSVTable(contentsOf: url)
        let stem = String(url.lastPathComponent.split(separator: ".", omittingEmptySubsequences: false)[0])
        guard !stem.isEmpty else { throw DystaError("the file name gives an empty model name", file: url.path) }
        let grid = try TraceGrid(table: table, sampleColumn: "batch-indx", layerColumn: "layer-indx")
        var columns: [TraceColumn: [Double]] = [:]
        let nameParts = stem.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        let architecture: String
        switch kind {
        case .sanger:
            let density = try grid.column("overall-sparsity", check: ValueCheck.density)
            columns[.density] = density
            columns[.loadBalance] = try grid.column("50%-skip", check: ValueCheck.density)
            columns[.zeroFraction] = density.map { 1 - $0 }
            architecture = stem
        case .eyeriss:
            columns[.latency] = try grid.column("sim_lat", check: ValueCheck.nonNegative)
            columns[.zeroFraction] = try grid.column("overall-sparsity", check: ValueCheck.fraction)
            architecture = String(nameParts[0])
        }
        let trace = try TraceTable(sampleCount: grid.sampleCount, layerCount: grid.layerCount, columns: columns)
        let layers = (0..<grid.layerCount).map { LayerSpec(name: "layer\($0)", kind: .opaque) }
        let pattern = nameParts.count == 2 ? String(nameParts[1]) : "dense"
        return try ModelVariant(
            name: stem, architecture: architecture, pattern: pattern, layers: layers, trace: trace,
            sourcePath: url.path)
    }
}
