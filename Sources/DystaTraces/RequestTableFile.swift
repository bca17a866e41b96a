import DystaParsing
import DystaCore
import Foundation

/// Reads and writes request tables: CSV with columns `id,arrival,model,sample,priority,target`.
///
/// `arrival` and `target` are seconds, `model` is a variant name of the workload, `sample`
/// an index into that variant's trace. Numbers are written in Swift's shortest round-trip
/// form, so a table read back gives bit-identical requests.
public enum RequestTableFile {
    /// The header line's fields.
    public static let columns = ["id", "arrival", "model", "sample", "priority", "target"]

    /// The CSV text of a request table.
    public static func csv(_ requests: [Request], variantNames: [String]) -> String {
        var text = columns.joined(separator: ",") + "\n"
        text.reserveCapacity(requests.count * 48)
        for request in requests {
            text += "\(request.id),\(request.arrival),\(variantNames[request.variant]),\(request.sample),"
            text += "\(request.priority),\(request.target)\n"
        }
        return text
    }

    /// Reads a request table, resolving model names against `profile`.
    public static func read(_ url: URL, profile: WorkloadProfile) throws -> [Request] {
        let table = try CSVTable(contentsOf: url)
        let indices = try columns.map { try table.requiredColumn($0) }
        var requests: [Request] = []
        requests.reserveCapacity(table.rowCount)
        var seenIDs = [Int: Int]()
        for row in 0..<table.rowCount {
            let line = table.lineNumbers[row]
            let id = try table.index(row: row, column: indices[0])
            let arrival = try table.number(row: row, column: indices[1])
            guard arrival >= 0 else {
                throw DystaError("arrival \(arrival) is negative", file: table.path, line: line, column: "arrival")
            }
            let modelName = table[row: row, column: indices[2]]
            guard let variant = profile.variantIndex(named: modelName) else {
                throw DystaError(
                    "unknown model '\(modelName)' (workload '\(profile.name)' has: \(profile.variants.map(\.name).joined(separator: ", ")))",
                    file: table.path, line: line, column: "model")
            }
            let sample = try table.index(row: row, column: indices[3])
            guard sample < profile.variants[variant].sampleCount else {
                throw DystaError(
                    "sample \(sample) is out of range: model '\(modelName)' has samples 0…\(profile.variants[variant].sampleCount - 1)",
                    file: table.path, line: line, column: "sample")
            }
            let priority = try table.index(row: row, column: indices[4])
            guard priority >= 1 else {
                throw DystaError("priority must be a positive integer", file: table.path, line: line, column: "priority")
            }
            let target = try table.number(row: row, column: indices[5])
            guard target > 0 else {
                throw DystaError("target \(target) must be positive (seconds)", file: table.path, line: line, column: "target")
            }
            if let first = seenIDs.updateValue(line, forKey: id) {
                throw DystaError("request id \(id) appears twice (first on line \(first))", file: table.path, line: line, column: "id")
            }
            requests.append(
                Request(id: id, arrival: arrival, variant: variant, sample: sample, priority: priority, target: target))
        }
        guard !requests.isEmpty else {
            throw DystaError("the request table has no rows", file: table.path, line: 2)
        }
        return requests
    }
}
