import DystaParsing
import DystaCore
import Foundation

/// The manifest (`workload.json`) of a native trace directory (`dysta-trace/1`).
public struct WorkloadManifest: Codable, Sendable {
    /// One model variant in the manifest.
    public struct Model: Codable, Sendable {
        public var name: String
        public var architecture: String
        public var pattern: String?
        public var file: String
        public var samples: Int
        public var layers: [Layer]
    }

    /// One layer in the manifest; the keys present depend on `type`.
    public struct Layer: Codable, Sendable {
        public var name: String
        public var type: String
        public var heads: Int?
        public var hidden: Int?
        public var headDim: Int?
        public var C: Int?
        public var M: Int?
        public var R: Int?
        public var S: Int?
        public var stride: Int?
        public var padding: Int?
        public var groups: Int?
        public var H: Int?
        public var W: Int?
        public var E: Int?
        public var F: Int?
        public var weightNonzeros: Int?
        public var weightTotal: Int?
        public var c0: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, type, heads, hidden, headDim = "head_dim", C, M, R, S, stride, padding, groups
            case H, W, E, F, weightNonzeros = "weight_nonzeros", weightTotal = "weight_total", c0
        }
    }

    public var format: String
    public var name: String
    public var kind: String
    public var accelerator: String
    public var description: String?
    public var models: [Model]
}

/// Loads native trace directories (`workload.json` plus one CSV per variant).
public enum NativeTraceLoader {
    /// Keys a manifest may have at the top level, per model and per layer (docs/trace-format.md).
    static let manifestKeys: Set<String> = ["format", "name", "kind", "accelerator", "description", "models", "provenance"]
    static let modelKeys: Set<String> = ["name", "architecture", "pattern", "file", "samples", "layers"]
    static let layerKeys: Set<String> = Set(WorkloadManifest.Layer.CodingKeys.allCases.map(\.stringValue))

    /// Throws naming the first key the format does not define (a misspelt key would otherwise
    /// be silently ignored).
    static func rejectUnknownKeys(_ data: Data, path: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        func check(_ dictionary: [String: Any], _ known: Set<String>, _ where_: String) throws {
            for key in dictionary.keys.sorted() where !known.contains(key) {
                throw DystaError("\(where_)unknown key '\(key)' (known: \(known.sorted().joined(separator: ", ")))", file: path)
            }
        }
        try check(object, manifestKeys, "")
        for (index, model) in ((object["models"] as? [Any]) ?? []).enumerated() {
            guard let model = model as? [String: Any] else { continue }
            try check(model, modelKeys, "models[\(index)]: ")
            for (layerIndex, layer) in ((model["layers"] as? [Any]) ?? []).enumerated() {
                guard let layer = layer as? [String: Any] else { continue }
                try check(layer, layerKeys, "models[\(index)] layers[\(layerIndex)]: ")
            }
        }
    }

    /// The format tag this loader reads.
    public static let formatTag = "dysta-trace/1"

    /// Loads the workload in `directory`.
    public static func loadDirectory(_ directory: URL) throws -> Workload {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw DystaError("no such folder", file: directory.path)
        }
        guard isDirectory.boolValue else { throw DystaError("not a folder: a trace folder holds workload.json and CSV files", file: directory.path) }
        let manifestURL = directory.appendingPathComponent("workload.json")
        let path = manifestURL.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DystaError("no workload.json in this directory (is it a native trace directory? the paper artifact's CSV files are trace kind sanger or eyeriss)", file: path)
        }
        let manifest: WorkloadManifest
        do {
            manifest = try JSONDecoder().decode(WorkloadManifest.self, from: data)
        } catch let error as DecodingError {
            throw DystaError(describe(error), file: path)
        } catch {
            throw DystaError("not valid JSON", file: path)
        }
        guard manifest.format == formatTag else {
            throw DystaError("format '\(manifest.format)' is not '\(formatTag)'", file: path)
        }
        guard let kind = WorkloadKind(rawValue: manifest.kind) else {
            throw DystaError("kind '\(manifest.kind)' is not one of: attention, cnn", file: path)
        }
        try rejectUnknownKeys(data, path: path)
        // Provenance is kept as raw JSON text for reports.
        var provenance: String? = nil
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let value = object["provenance"],
            let text = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        {
            provenance = String(decoding: text, as: UTF8.self)
        }
        var variants: [ModelVariant] = []
        for (index, model) in manifest.models.enumerated() {
            let where_ = "models[\(index)] '\(model.name)'"
            guard model.samples > 0 else { throw DystaError("\(where_): samples must be positive", file: path) }
            guard !model.layers.isEmpty else { throw DystaError("\(where_): no layers", file: path) }
            guard !model.file.contains(".."), !model.file.hasPrefix("/") else {
                throw DystaError("\(where_): file '\(model.file)' must be a name inside the directory", file: path)
            }
            let layers = try model.layers.enumerated().map { layerIndex, layer in
                try layerSpec(layer, context: "\(where_) layers[\(layerIndex)]", path: path)
            }
            let csvURL = directory.appendingPathComponent(model.file)
            variants.append(
                try loadVariantCSV(
                    csvURL, name: model.name, architecture: model.architecture,
                    pattern: model.pattern ?? "dense", layers: layers, samples: model.samples, kind: kind))
        }
        return try Workload(
            name: manifest.name, kind: kind, defaultAccelerator: manifest.accelerator,
            variants: variants, provenance: provenance)
    }

    static func describe(_ error: DecodingError) -> String {
        func pathText(_ codingPath: [CodingKey]) -> String {
            codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(pathText(context.codingPath).isEmpty ? "top level" : pathText(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(pathText(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "not valid JSON\(context.codingPath.isEmpty ? "" : " at \(pathText(context.codingPath))")"
        @unknown default:
            return "cannot decode the manifest"
        }
    }

    static func layerSpec(_ layer: WorkloadManifest.Layer, context: String, path: String) throws -> LayerSpec {
        switch layer.type {
        case "attention":
            guard let heads = layer.heads, let hidden = layer.hidden, heads > 0, hidden > 0 else {
                throw DystaError("\(context): attention layers need positive 'heads' and 'hidden'", file: path)
            }
            return LayerSpec(
                name: layer.name, kind: .attention(heads: heads, hidden: hidden, headDim: layer.headDim ?? hidden / heads))
        case "conv", "linear":
            let isLinear = layer.type == "linear"
            guard let c = layer.C, let m = layer.M, c > 0, m > 0 else {
                throw DystaError("\(context): '\(layer.type)' layers need positive 'C' and 'M'", file: path)
            }
            let r = layer.R ?? 1, s = layer.S ?? 1
            let h = layer.H ?? 1, w = layer.W ?? 1
            let e = layer.E ?? 1, f = layer.F ?? 1
            let groups = layer.groups ?? 1
            let stride = layer.stride ?? 1
            let padding = layer.padding ?? 0
            for (key, value) in [("R", r), ("S", s), ("H", h), ("W", w), ("E", e), ("F", f), ("groups", groups), ("stride", stride)]
            where value <= 0 {
                throw DystaError("\(context): '\(key)' must be positive (got \(value))", file: path)
            }
            guard padding >= 0, c % groups == 0, m % groups == 0 else {
                throw DystaError("\(context): padding must be ≥ 0 and groups must divide C and M", file: path)
            }
            let shape = ConvShape(
                inputChannels: c, outputChannels: m, kernelHeight: r, kernelWidth: s, stride: stride,
                padding: padding, groups: groups, inputHeight: h, inputWidth: w, outputHeight: e,
                outputWidth: f, weightNonzeros: layer.weightNonzeros, weightTotal: layer.weightTotal,
                countedC0: layer.c0)
            return LayerSpec(name: layer.name, kind: isLinear ? .linear(shape) : .conv(shape))
        case "opaque":
            return LayerSpec(name: layer.name, kind: .opaque)
        default:
            throw DystaError("\(context): unknown layer type '\(layer.type)' (attention, conv, linear, opaque)", file: path)
        }
    }

    /// The known per-cell columns and the value check of each.
    static let knownColumns: [(TraceColumn, @Sendable (Double) -> String?)] = [
        (.zeroFraction, ValueCheck.fraction), (.seqLen, ValueCheck.positive), (.realLen, ValueCheck.positive),
        (.density, ValueCheck.density), (.loadBalance, ValueCheck.density),
        (.inputZeroFraction, ValueCheck.fraction), (.macs, ValueCheck.nonNegative),
        (.macsStride1, ValueCheck.nonNegative), (.nnzColumns, ValueCheck.nonNegative),
        (.nnzColumnsArtifact, ValueCheck.nonNegative), (.latency, ValueCheck.nonNegative),
    ]

    /// Loads one native per-variant CSV.
    public static func loadVariantCSV(
        _ url: URL, name: String, architecture: String, pattern: String, layers: [LayerSpec], samples: Int,
        kind: WorkloadKind
    ) throws -> ModelVariant {
        let table = try CSVTable(contentsOf: url)
        let grid = try TraceGrid(
            table: table, sampleColumn: "sample", layerColumn: "layer", expectedSamples: samples,
            expectedLayers: layers.count)
        var columns: [TraceColumn: [Double]] = [:]
        _ = try table.requiredColumn(TraceColumn.zeroFraction.name)
        // A model whose layers are all opaque is known only through its trace (the `table`
        // latency model reads its `latency` column): the accelerator models' columns are optional.
        let required: [TraceColumn] =
            layers.allSatisfy { $0.kind == .opaque } ? []
            : kind == .attention ? [.density, .loadBalance, .seqLen] : [.macs, .nnzColumns]
        for column in required { _ = try table.requiredColumn(column.name) }
        for (column, check) in knownColumns {
            guard let index = table.optionalColumn(column.name) else { continue }
            columns[column] = try grid.column(at: index, check: check)
        }
        let trace = try TraceTable(sampleCount: grid.sampleCount, layerCount: grid.layerCount, columns: columns)
        return try ModelVariant(
            name: name, architecture: architecture, pattern: pattern, layers: layers, trace: trace,
            sourcePath: url.path)
    }
}
