import Foundation
import DystaCore
import DystaSimulation

/// Isolated end-to-end latency statistics of one model variant over its samples.
public struct LatencyStatistics: Sendable {
    public var variant: String
    public var samples: Int
    public var layers: Int
    public var mean: Double
    public var standardDeviation: Double
    public var minimum: Double
    public var p50: Double
    public var p99: Double
    public var maximum: Double
    /// Standard deviation / mean (nil when the mean is 0).
    public var coefficientOfVariation: Double?
    /// Mean latency of each layer (s).
    public var layerMeans: [Double]

    /// Computes the statistics of a variant profile.
    public init(_ variant: VariantProfile) {
        self.variant = variant.name
        samples = variant.sampleCount
        layers = variant.layerCount
        let sorted = variant.isolated.sorted()
        mean = TraceStatistics.mean(sorted)
        standardDeviation = TraceStatistics.standardDeviation(sorted)
        minimum = sorted.first ?? 0
        maximum = sorted.last ?? 0
        p50 = RunMetrics.percentile(sorted: sorted, 0.5) ?? 0
        p99 = RunMetrics.percentile(sorted: sorted, 0.99) ?? 0
        coefficientOfVariation = mean > 0 ? standardDeviation / mean : nil
        layerMeans = variant.lut.averageLatency
    }

    /// Renders statistics of several variants.
    public static func render(_ statistics: [LatencyStatistics], format: ReportFormat, header: [(String, String)]) -> String {
        switch format {
        case .table:
            var text = header.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n\n"
            var table = TextTable(header: ["model", "samples", "layers", "mean (ms)", "std (ms)", "min (ms)", "p50 (ms)", "p99 (ms)", "max (ms)", "CV"])
            for item in statistics {
                var cells: [String] = [item.variant, String(item.samples), String(item.layers)]
                let values: [Double] = [item.mean, item.standardDeviation, item.minimum, item.p50, item.p99, item.maximum]
                for value in values { cells.append(String(format: "%.4f", value * 1000)) }
                cells.append(item.coefficientOfVariation.map { String(format: "%.4f", $0) } ?? "n/a")
                table.add(cells)
            }
            text += table.rendered()
            text += "\nper-layer mean latency (ms):\n"
            for item in statistics {
                text += "  \(item.variant): " + item.layerMeans.map { String(format: "%.4f", $0 * 1000) }.joined(separator: " ") + "\n"
            }
            return text
        case .csv:
            // Tidy: one value per cell. Per model a row with layer "all" (the isolated latency's
            // statistics), then one row per layer with its mean latency.
            var lines = ["model,layer,samples,layers,mean,std,min,p50,p99,max,cv"]
            for item in statistics {
                let numbers = [item.mean, item.standardDeviation, item.minimum, item.p50, item.p99, item.maximum].map(formatNumber)
                lines.append(
                    ([csvField(item.variant), "all", String(item.samples), String(item.layers)] + numbers
                        + [item.coefficientOfVariation.map(formatNumber) ?? ""])
                        .joined(separator: ","))
                for (layer, mean) in item.layerMeans.enumerated() {
                    lines.append("\(csvField(item.variant)),\(layer),\(item.samples),\(item.layers),\(formatNumber(mean)),,,,,,")
                }
            }
            return lines.joined(separator: "\n") + "\n"
        case .json:
            let models: [JSONValue] = statistics.map { item in
                .object([
                    ("model", .string(item.variant)), ("samples", .integer(item.samples)), ("layers", .integer(item.layers)),
                    ("mean", .number(item.mean)), ("std", .number(item.standardDeviation)), ("min", .number(item.minimum)),
                    ("p50", .number(item.p50)), ("p99", .number(item.p99)), ("max", .number(item.maximum)),
                    ("cv", .optional(item.coefficientOfVariation)), ("layer_means", .array(item.layerMeans.map { .number($0) })),
                ])
            }
            return JSONValue.object([("settings", .object(header.map { ($0.0, .string($0.1)) })), ("models", .array(models))]).rendered() + "\n"
        }
    }
}
