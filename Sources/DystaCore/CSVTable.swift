import Foundation

/// A parsed CSV file: a header and rows of string fields, each with its 1-based line number.
///
/// Accepts a UTF-8 byte-order mark, `\n` or `\r\n` line ends, quoted fields with `""`
/// escapes, and skips blank lines. Rejects non-UTF-8 bytes, unterminated quotes, and rows
/// whose field count differs from the header's.
public struct CSVTable: Sendable {
    /// Where the text came from (used in errors).
    public let path: String
    /// Header fields, trimmed of surrounding spaces.
    public let header: [String]
    /// Data rows (fields as written, quotes removed).
    public let rows: [[String]]
    /// Line number of each data row.
    public let lineNumbers: [Int]

    /// Reads and parses a file.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DystaError("cannot read file: \(Self.reason(error))", file: path)
        }
        try self.init(data: data, path: path)
    }

    private static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }

    /// Parses CSV bytes; `path` names them in errors.
    public init(data: Data, path: String) throws {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8Line(bytes)
            throw DystaError("the file is not valid UTF-8 text", file: path, line: offset)
        }
        var records: [[String]] = []
        var lines: [Int] = []
        if !bytes.contains(UInt8(ascii: "\"")) {
            (records, lines) = Self.splitUnquoted(bytes)
        } else {
            (records, lines) = try Self.splitQuoted(text, path: path)
        }
        try self.init(records: records, lines: lines, path: path)
    }

    /// Fast path for files without quotes: split bytes at line ends and commas.
    static func splitUnquoted(_ bytes: [UInt8]) -> ([[String]], [Int]) {
        var records: [[String]] = []
        var lines: [Int] = []
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        bytes.withUnsafeBufferPointer { buffer in
            var line = 1
            var start = 0
            let count = buffer.count
            func field(_ from: Int, _ to: Int) -> String {
                var low = from, high = to
                while low < high && (buffer[low] == space || buffer[low] == tab) { low += 1 }
                while high > low && (buffer[high - 1] == space || buffer[high - 1] == tab) { high -= 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[low..<high]), as: UTF8.self)
            }
            while start <= count {
                var end = start
                while end < count && buffer[end] != newline && buffer[end] != carriage { end += 1 }
                var record: [String] = []
                var fieldStart = start
                for index in start..<end where buffer[index] == comma {
                    record.append(field(fieldStart, index))
                    fieldStart = index + 1
                }
                record.append(field(fieldStart, end))
                if !(record.count == 1 && record[0].isEmpty) {
                    records.append(record)
                    lines.append(line)
                }
                line += 1
                if end < count && buffer[end] == carriage && end + 1 < count && buffer[end + 1] == newline { end += 1 }
                start = end + 1
            }
        }
        return (records, lines)
    }

    /// General path: quoted fields with `""` escapes and line breaks inside quotes.
    static func splitQuoted(_ text: String, path: String) throws -> ([[String]], [Int]) {
        var records: [[String]] = []
        var lines: [Int] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldWasQuoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            record.append(fieldWasQuoted ? field : field.trimmingCharacters(in: .whitespaces))
            let isBlank = record.count == 1 && record[0].isEmpty && !fieldWasQuoted
            if !isBlank {
                records.append(record)
                lines.append(recordLine)
            }
            record = []
            field = ""
            fieldWasQuoted = false
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                        pending = next
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                record.append(fieldWasQuoted ? field : field.trimmingCharacters(in: .whitespaces))
                field = ""
                fieldWasQuoted = false
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\r":
                let next = iterator.next()
                if next != "\n" { pending = next }
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.trimmingCharacters(in: .whitespaces).isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                field = ""
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw DystaError("a quoted field is not closed", file: path, line: recordLine)
        }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted { endRecord() }
        return (records, lines)
    }

    /// Checks the header and field counts of split records.
    init(records: [[String]], lines: [Int], path: String) throws {
        guard let header = records.first else {
            throw DystaError("the file is empty (expected a header line)", file: path, line: 1)
        }
        for (index, name) in header.enumerated() where name.isEmpty {
            throw DystaError("header field \(index + 1) is empty", file: path, line: lines[0])
        }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted {
            throw DystaError("the header names column '\(name)' twice", file: path, line: lines[0])
        }
        for (offset, row) in records.enumerated().dropFirst() where row.count != header.count {
            throw DystaError(
                "has \(row.count) fields but the header has \(header.count)", file: path,
                line: lines[offset])
        }
        self.path = path
        self.header = header
        self.rows = Array(records.dropFirst())
        self.lineNumbers = Array(lines.dropFirst())
    }

    private static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            if String(validating: bytes[start..<index], as: UTF8.self) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }

    /// Index of a required column; throws naming the file and the missing column.
    public func requiredColumn(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw DystaError(
                "missing column '\(name)' (header: \(header.joined(separator: ",")))", file: path,
                line: 1)
        }
        return index
    }

    /// Index of an optional column.
    public func optionalColumn(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// A finite number from a cell, or an error naming file, line and column.
    public func number(row: Int, column: Int) throws -> Double {
        let text = rows[row][column]
        guard let value = text.finiteDouble() else {
            let shown = text.isEmpty ? "an empty cell" : "'\(text.prefix(40))'"
            let what = Double(text) != nil ? "not a finite number" : "not a number"
            throw DystaError(
                "\(shown) is \(what)", file: path, line: lineNumbers[row], column: header[column])
        }
        return value
    }

    /// A non-negative integer from a cell (written as an integer, e.g. `3` or `3.0`).
    public func index(row: Int, column: Int) throws -> Int {
        let value = try number(row: row, column: column)
        guard value >= 0, value == value.rounded(), value < 1e15 else {
            throw DystaError(
                "'\(rows[row][column])' is not a non-negative integer", file: path,
                line: lineNumbers[row], column: header[column])
        }
        return Int(value)
    }
}
