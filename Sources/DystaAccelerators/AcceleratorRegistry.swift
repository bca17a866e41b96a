import DystaCore

/// The latency models selectable by name, each with a factory taking `key=value` overrides.
///
/// A value type: add your own model with ``adding(_:summary:factory:)`` and pass the registry
/// where a model is looked up.
public struct AcceleratorRegistry: Sendable {
    /// One registered model.
    public struct Entry: Sendable {
        /// The name users select it by.
        public let name: String
        /// One line saying what it models.
        public let summary: String
        /// Parameter keys accepted by `--set`.
        public let parameterKeys: [String]
        /// Builds the model from overrides.
        public let make: @Sendable ([String]) throws -> any LatencyModel
    }

    /// Registered models in registration order.
    public private(set) var entries: [Entry]

    /// The project's models: `sanger`, `eyeriss-v2`, `eyeriss-v2-artifact`, `table`.
    public static let standard = AcceleratorRegistry(entries: [
        Entry(
            name: "sanger", summary: "Sanger sparse attention accelerator (1 GHz, 64×64 PEs)",
            parameterKeys: SangerModel.parameterKeys, make: { try SangerModel(overrides: $0) }),
        Entry(
            name: "eyeriss-v2",
            summary: "Eyeriss-V2 sparse CNN accelerator, corrected (real stride, per-C0-group columns)",
            parameterKeys: EyerissV2Model.parameterKeys,
            make: { try EyerissV2Model(variant: .corrected, overrides: $0) }),
        Entry(
            name: "eyeriss-v2-artifact",
            summary: "Eyeriss-V2 as the paper artifact computed it (stride 1, 'same' padding)",
            parameterKeys: EyerissV2Model.parameterKeys,
            make: { try EyerissV2Model(variant: .artifact, overrides: $0) }),
        Entry(
            name: "table", summary: "latency read from the trace's 'latency' column (s)",
            parameterKeys: [], make: { try TableModel(overrides: $0) }),
    ])

    /// Returns a registry with one more model.
    public func adding(
        _ name: String, summary: String, parameterKeys: [String] = [],
        factory: @escaping @Sendable ([String]) throws -> any LatencyModel
    ) -> AcceleratorRegistry {
        var copy = self
        copy.entries.removeAll { $0.name == name }
        copy.entries.append(Entry(name: name, summary: summary, parameterKeys: parameterKeys, make: factory))
        return copy
    }

    /// Builds the named model with overrides; throws naming the known models if unknown.
    public func make(_ name: String, overrides: [String] = []) throws -> any LatencyModel {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw DystaError(
                "unknown accelerator '\(name)' (known: \(entries.map(\.name).joined(separator: ", ")))")
        }
        return try entry.make(overrides)
    }
}
