import DystaSweeps
import DystaRegistries
import ArgumentParser
import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaExperiments
import DystaReports
import DystaTraces
import Foundation

/// The trace file kinds `--trace-kind` accepts.
enum TraceKindOption: String, ExpressibleByArgument, CaseIterable {
    case native, sanger, eyeriss
}

/// Options that choose the workload and its accelerator latency model.
struct WorkloadOptions: ParsableArguments {
    @Option(name: .long, help: "Shipped benchmark workload (see 'dysta list'); used when --traces is not given (default: attention).")
    var workload: String?

    @Option(name: .long, help: ArgumentHelp("Directory of trace files to use instead of a shipped workload.", valueName: "dir"))
    var traces: String?

    @Option(name: .long, help: "Format of --traces: native (workload.json + CSV; the default), sanger or eyeriss (the paper artifact's CSV files).")
    var traceKind: TraceKindOption?

    @Option(name: .long, help: "Latency model: sanger, eyeriss-v2, eyeriss-v2-artifact or table (default: the workload's own).")
    var accelerator: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a latency-model parameter (repeatable), e.g. --set clock_hz=4e8.", valueName: "key=value"))
    var parameterOverrides: [String] = []

    @Option(name: .long, help: "Sanger sequence length in tokens for every sample (default: each sample's padded length; 512 for artifact files).")
    var seqLen: Int?

    /// Loads the workload named by the options.
    func loadWorkload() throws -> Workload {
        if traces != nil && workload != nil { throw DystaError("give --workload (a shipped workload) or --traces (a folder), not both") }
        guard let traces else {
            if traceKind != nil { throw DystaError("--trace-kind describes --traces: give --traces DIR or drop --trace-kind") }
            return try Benchmark.load(workload ?? "attention")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: traces, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw DystaError("--traces takes a folder (workload.json and CSV files, or the artifact's CSV files), not a file", file: traces)
        }
        let url = URL(fileURLWithPath: traces)
        switch traceKind ?? .native {
        case .native: return try NativeTraceLoader.loadDirectory(url)
        case .sanger: return try ArtifactTraceLoader.loadDirectory(url, kind: .sanger)
        case .eyeriss: return try ArtifactTraceLoader.loadDirectory(url, kind: .eyeriss)
        }
    }

    /// The latency model named by the options (or the workload's default).
    func latencyModel(for workload: Workload) throws -> any LatencyModel {
        var overrides = parameterOverrides
        if let seqLen {
            guard seqLen > 0 else { throw DystaError("--seq-len must be a positive number of tokens (got \(seqLen))") }
            overrides.append("seq_len=\(seqLen)")
        }
        let name = accelerator ?? workload.defaultAccelerator
        if seqLen != nil && name != "sanger" {
            throw DystaError("--seq-len applies to the sanger latency model, not '\(name)'")
        }
        return try Registries.current.accelerators.make(name, overrides: overrides)
    }

    /// A short description of where the workload came from.
    var workloadLabel: String { traces.map { "\($0) (\((traceKind ?? .native).rawValue))" } ?? workload ?? "attention" }
}

/// Parses `1-5`, `1,3,7` or `1-3,9` into seeds (the `--seeds` flag).
func parseSeeds(_ text: String) throws -> [UInt64] { try SeedList.parse(text, name: "--seeds") }

/// Parses a comma-separated list of numbers for option `--flag`, each checked by `valid`.
func parseNumbers(_ text: String, flag: String, valid: (Double) -> Bool = { $0.isFinite }, expected: String = "a number")
    throws -> [Double]
{
    try parseList(text).map {
        guard let value = Double($0), valid(value) else { throw DystaError("--\(flag): '\($0)' is not \(expected)") }
        return value
    }
}

/// Splits a comma-separated list, trimming spaces and dropping empty items.
func parseList(_ text: String) -> [String] {
    // Commas inside brackets belong to a scheduler's options: dysta-hw[preset=w16,units=shared].
    var items: [String] = []
    var current = ""
    var depth = 0
    for character in text {
        if character == "[" { depth += 1 }
        if character == "]" { depth = max(0, depth - 1) }
        if character == "," && depth == 0 {
            items.append(current)
            current = ""
        } else {
            current.append(character)
        }
    }
    items.append(current)
    return items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// Writes text to a file, or standard output for `-`/nil; errors name the file.
func write(_ text: String, to path: String?) throws {
    guard let path, path != "-" else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw DystaError("cannot write file: \(writeFailureReason(path))", file: path)
    }
}

/// Creates the folder that will hold `path` (and its parents) when it does not exist yet;
/// errors name the folder.
func createParentFolder(of path: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw DystaError("cannot create the folder: a file is in the way", file: folder.path) }
        return
    }
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw DystaError("cannot create the folder", file: folder.path)
    }
}

/// Why a file cannot be written: a missing folder, a folder in the way, or permissions.
func writeFailureReason(_ path: String) -> String {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) { return "the folder \(folder) does not exist" }
    if !isDirectory.boolValue { return "\(folder) is not a folder" }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return "it is a folder" }
    if !FileManager.default.isWritableFile(atPath: folder) { return "no permission to write in \(folder)" }
    return "the disk refused it (full or read-only?)"
}

/// Streams text to a file (created or truncated).
final class FileSink {
    let handle: FileHandle
    let path: String
    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw DystaError("cannot create file", file: path)
        }
        self.handle = handle
    }
    func write(_ text: String) { handle.write(Data(text.utf8)) }
    func close() { try? handle.close() }
}

/// Options that choose the report format and destination.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table, csv or json.")
    var format: ReportFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    /// Writes the rendered text.
    func emit(_ text: String) throws { try write(text, to: output) }
}

/// `name (key=value, …)` of a latency model, for report headers.
func describeModel(_ model: any LatencyModel) -> String {
    model.name + (model.parameters.isEmpty ? "" : " (" + model.parameters.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")")
}
