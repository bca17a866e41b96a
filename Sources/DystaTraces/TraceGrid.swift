import DystaParsing
import DystaCore

/// Places CSV rows into an N × L grid, checking that every (sample, layer) appears exactly once.
struct TraceGrid {
    let table: CSVTable
    let sampleColumn: Int
    let layerColumn: Int
    /// Sample and layer count found in the file.
    let sampleCount: Int
    let layerCount: Int
    /// Row index of each cell (row-major N × L).
    let rowOfCell: [Int]

    init(table: CSVTable, sampleColumn: String, layerColumn: String, expectedSamples: Int? = nil, expectedLayers: Int? = nil) throws {
        self.table = table
        let sampleIndex = try table.requiredColumn(sampleColumn)
        let layerIndex = try table.requiredColumn(layerColumn)
        self.sampleColumn = sampleIndex
        self.layerColumn = layerIndex
        guard table.rowCount > 0 else {
            throw DystaError("the file has a header but no rows", file: table.path, line: 2)
        }
        var samples = [Int](repeating: 0, count: table.rowCount)
        var layers = [Int](repeating: 0, count: table.rowCount)
        var maxSample = 0
        var maxLayer = 0
        for row in 0..<table.rowCount {
            samples[row] = try table.index(row: row, column: sampleIndex)
            layers[row] = try table.index(row: row, column: layerIndex)
            if samples[row] >= table.rowCount || layers[row] >= table.rowCount {
                let (value, name) =
                    samples[row] >= table.rowCount ? (samples[row], sampleColumn) : (layers[row], layerColumn)
                throw DystaError(
                    "id \(value) is larger than the file's \(table.rowCount) rows allow (ids must be contiguous from 0)",
                    file: table.path, line: table.lineNumbers[row], column: name)
            }
            maxSample = max(maxSample, samples[row])
            maxLayer = max(maxLayer, layers[row])
        }
        let sampleCount = maxSample + 1
        let layerCount = maxLayer + 1
        if let expectedLayers, layerCount != expectedLayers {
            throw DystaError(
                "the file has layers 0…\(maxLayer) but the manifest lists \(expectedLayers) layers",
                file: table.path, column: layerColumn)
        }
        if let expectedSamples, sampleCount != expectedSamples {
            throw DystaError(
                "the file has samples 0…\(maxSample) but the manifest says \(expectedSamples) samples",
                file: table.path, column: sampleColumn)
        }
        guard sampleCount * layerCount <= table.rowCount else {
            // Fewer rows than cells: find the first hole to name it.
            var present = Set<Int>()
            for row in 0..<table.rowCount { present.insert(samples[row] * layerCount + layers[row]) }
            let sampleSeen = Set(samples)
            for sample in 0..<sampleCount where !sampleSeen.contains(sample) {
                throw DystaError(
                    "sample ids are not contiguous: sample \(sample) is missing (ids must be 0…\(maxSample))",
                    file: table.path, column: sampleColumn)
            }
            for cell in 0..<(sampleCount * layerCount) where !present.contains(cell) {
                throw DystaError(
                    "sample \(cell / layerCount) has no row for layer \(cell % layerCount)",
                    file: table.path, column: layerColumn)
            }
            throw DystaError("fewer rows than samples × layers", file: table.path)
        }
        var rowOfCell = [Int](repeating: -1, count: sampleCount * layerCount)
        for row in 0..<table.rowCount {
            let cell = samples[row] * layerCount + layers[row]
            if rowOfCell[cell] >= 0 {
                throw DystaError(
                    "sample \(samples[row]) layer \(layers[row]) appears twice (first on line \(table.lineNumbers[rowOfCell[cell]]))",
                    file: table.path, line: table.lineNumbers[row])
            }
            rowOfCell[cell] = row
        }
        // Row count equals cell count and no duplicates: every cell is filled.
        self.sampleCount = sampleCount
        self.layerCount = layerCount
        self.rowOfCell = rowOfCell
    }

    /// Reads a numeric column into grid order, checking each value with `check`.
    func column(_ name: String, check: (Double) -> String?) throws -> [Double] {
        let columnIndex = try table.requiredColumn(name)
        return try column(at: columnIndex, check: check)
    }

    func column(at columnIndex: Int, check: (Double) -> String?) throws -> [Double] {
        var values = [Double](repeating: 0, count: rowOfCell.count)
        for (cell, row) in rowOfCell.enumerated() {
            let value = try table.number(row: row, column: columnIndex)
            if let problem = check(value) {
                throw DystaError(
                    "\(table[row: row, column: columnIndex]) \(problem)", file: table.path,
                    line: table.lineNumbers[row], column: table.header[columnIndex])
            }
            values[cell] = value
        }
        return values
    }
}

/// Value checks shared by the loaders; each returns a problem description or `nil`.
enum ValueCheck {
    static func fraction(_ value: Double) -> String? {
        value >= 0 && value < 1 ? nil : "is outside [0, 1) (a zero fraction must be below 1)"
    }
    static func density(_ value: Double) -> String? {
        value > 0 && value <= 1 ? nil : "is outside (0, 1]"
    }
    static func nonNegative(_ value: Double) -> String? {
        value >= 0 ? nil : "is negative"
    }
    static func positive(_ value: Double) -> String? {
        value > 0 ? nil : "is not positive"
    }
}
