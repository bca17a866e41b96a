import DystaCore
import Foundation

/// Sparsity statistics of one model variant's trace: what `dysta trace stats` prints.
public struct TraceStatistics: Sendable {
    public var variant: String
    public var samples: Int
    public var layers: Int
    /// Mean over samples of each layer's zero fraction.
    public var layerMean: [Double]
    /// Standard deviation over samples of each layer's zero fraction.
    public var layerStd: [Double]
    /// Pearson correlation over samples between the zero fractions of layers l and l+1.
    public var adjacentCorrelation: [Double?]
    /// Isolated latency (mean, coefficient of variation) under each named latency model.
    public var latency: [(model: String, mean: Double, cv: Double?)]

    /// Computes the statistics of a variant; `latencies` are per-model isolated latencies per sample.
    public init(_ variant: ModelVariant, latencies: [(model: String, isolated: [Double])]) {
        self.variant = variant.name
        samples = variant.sampleCount
        layers = variant.layerCount
        let zero = variant.trace.values(.zeroFraction) ?? []
        let n = variant.sampleCount
        let l = variant.layerCount
        func column(_ layer: Int) -> [Double] { (0..<n).map { zero[$0 * l + layer] } }
        let columns = (0..<l).map(column)
        layerMean = columns.map { Self.mean($0) }
        layerStd = columns.map { Self.standardDeviation($0) }
        adjacentCorrelation = (0..<max(l - 1, 0)).map { Self.pearson(columns[$0], columns[$0 + 1]) }
        latency = latencies.map { entry in
            let mean = Self.mean(entry.isolated)
            return (entry.model, mean, mean > 0 ? Self.standardDeviation(entry.isolated) / mean : nil)
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let average = mean(values)
        return (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count - 1)).squareRoot()
    }

    /// Pearson's r; `nil` when either series is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Mean of the defined adjacent-layer correlations.
    public var meanAdjacentCorrelation: Double? {
        let defined = adjacentCorrelation.compactMap { $0 }
        return defined.isEmpty ? nil : Self.mean(defined)
    }

    /// Renders the statistics of several variants.
    public static func render(_ items: [TraceStatistics], format: ReportFormat, header: [(String, String)]) -> String {
        let models = items.first?.latency.map(\.model) ?? []
        switch format {
        case .table:
            var text = header.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n\n"
            var columns = ["model", "samples", "layers", "zero frac", "layer std", "adj. r"]
            for model in models { columns += ["\(model) mean (ms)", "\(model) CV"] }
            var table = TextTable(header: columns)
            for item in items {
                var cells = [item.variant, String(item.samples), String(item.layers)]
                cells.append(String(format: "%.4f", mean(item.layerMean)))
                cells.append(String(format: "%.4f", mean(item.layerStd)))
                cells.append(item.meanAdjacentCorrelation.map { String(format: "%.3f", $0) } ?? "n/a")
                for entry in item.latency {
                    cells.append(String(format: "%.4f", entry.mean * 1000))
                    cells.append(entry.cv.map { String(format: "%.4f", $0) } ?? "n/a")
                }
                table.add(cells)
            }
            text += table.rendered()
            text += "\nzero frac = mean zero fraction over layers and samples; layer std = mean over layers of the std over samples;\n"
            text += "adj. r = mean Pearson correlation over samples between consecutive layers' zero fractions; CV = std / mean of isolated latency\n"
            return text
        case .csv:
            var lines = ["model,layer,mean_zero_fraction,std_zero_fraction,correlation_with_next"]
            for item in items {
                for layer in 0..<item.layers {
                    let r = layer < item.adjacentCorrelation.count ? item.adjacentCorrelation[layer].map(formatNumber) ?? "" : ""
                    lines.append("\(csvField(item.variant)),\(layer),\(formatNumber(item.layerMean[layer])),\(formatNumber(item.layerStd[layer])),\(r)")
                }
            }
            return lines.joined(separator: "\n") + "\n"
        case .json:
            let values: [JSONValue] = items.map { item in
                .object([
                    ("model", .string(item.variant)), ("samples", .integer(item.samples)), ("layers", .integer(item.layers)),
                    ("layer_mean_zero_fraction", .array(item.layerMean.map { .number($0) })),
                    ("layer_std_zero_fraction", .array(item.layerStd.map { .number($0) })),
                    ("adjacent_correlation", .array(item.adjacentCorrelation.map { .optional($0) })),
                    ("isolated_latency", .array(item.latency.map { .object([("accelerator", .string($0.model)), ("mean", .number($0.mean)), ("cv", .optional($0.cv))]) })),
                ])
            }
            return JSONValue.object([("settings", .object(header.map { ($0.0, .string($0.1)) })), ("models", .array(values))]).rendered() + "\n"
        }
    }
}
