import Foundation

/// A plain-text table with a header row, columns padded to their widest cell.
public struct TextTable: Sendable {
    /// Column headers.
    public var header: [String]
    /// Rows of cells (each as many as the header).
    public var rows: [[String]] = []
    /// Which columns are right-aligned (numbers).
    public var rightAligned: Set<Int>

    /// Creates a table; every column but the first is right-aligned by default.
    public init(header: [String], rightAligned: Set<Int>? = nil) {
        self.header = header
        self.rightAligned = rightAligned ?? Set(1..<max(header.count, 1))
    }

    /// Appends a row.
    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as text, one line per row, two spaces between columns.
    public func rendered() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}
