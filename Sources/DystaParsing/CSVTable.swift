import DystaCore
import Foundation

/// A parsed CSV file: a header and rows of string fields, each with its 1-based line number.
///
/// Accepts a UTF-8 byte-order mark, `\n` or `\r\n` line ends, quoted fields with `""`
/// escapes, and skips blank lines. Rejects non-UTF-8 bytes, unterminated quotes, and rows
/// whose field count differs from the header's.
///
/// A file without quotes (the usual case) is kept as its bytes and the byte range of each
/// cell, so no `String` is made per cell: read cells with ``subscript(row:column:)`` and
/// numbers with ``number(row:column:)``, which parses straight from the bytes.
public struct CSVTable: Sendable {
    /// Where the text came from (used in errors).
    public let path: String
    /// Header fields, trimmed of surrounding spaces.
    public let header: [String]
    /// Line number of each data row.
    public let lineNumbers: [Int]
    /// The file's bytes followed by ``padding`` 0 bytes (empty for a file with quotes).
    private let bytes: [UInt8]
    /// Start and end offset in `bytes` of each cell, trimmed of spaces and tabs, row by row
    /// (empty for a file with quotes).
    private let bounds: [Int32]
    /// Data rows kept as strings (fields as written, quotes removed): a file with quotes or
    /// one too large for 32-bit offsets; empty otherwise.
    private let stringRows: [[String]]
    /// Whether the cells are in `bytes` and `bounds` rather than in `stringRows`.
    private let isByteBacked: Bool

    /// Number of 0 bytes after the file's bytes in `bytes`.
    static let padding = 8

    /// Number of data rows.
    public var rowCount: Int { lineNumbers.count }
    /// Number of columns (every row has as many fields as the header).
    public var columnCount: Int { header.count }

    /// The text of a cell (fields as written, quotes removed; trimmed of spaces and tabs unless quoted).
    public subscript(row row: Int, column column: Int) -> String {
        guard isByteBacked else { return stringRows[row][column] }
        let cell = 2 * (row * header.count + column)
        let low = Int(bounds[cell]), high = Int(bounds[cell + 1])
        return bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[low..<high]), as: UTF8.self)
        }
    }

    /// Data rows as strings (fields as written, quotes removed).
    ///
    /// Builds a `String` per cell; loaders read cells with ``subscript(row:column:)`` instead.
    public var rows: [[String]] {
        (0..<rowCount).map { row in (0..<columnCount).map { self[row: row, column: $0] } }
    }

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
        // The bytes without a byte-order mark, followed by `padding` 0 bytes: they end the
        // last cell for `strtod` and let the splitter read whole 8-byte words.
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let skipped = data.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        let count = data.count - skipped
        let terminated = [UInt8](unsafeUninitializedCapacity: count + Self.padding) { buffer, initialized in
            data.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyBytes(from: raw[skipped...])
            }
            for index in count..<(count + Self.padding) { buffer[index] = 0 }
            initialized = count + Self.padding
        }
        let content = terminated[..<count]
        let survey = Self.survey(terminated, count: count)
        if !survey.isASCII, String(validating: content, as: UTF8.self) == nil {
            let offset = Self.firstInvalidUTF8Line(content)
            throw DystaError("the file is not valid UTF-8 text", file: path, line: offset)
        }
        if !survey.hasQuote && count < Int(Int32.max) {
            let split = Self.splitUnquoted(terminated, count: count, survey: survey, offsets: Int32.self)
            let header = try split.checked(path: path)
            self.init(
                path: path, header: header, lineNumbers: split.lines, bytes: terminated, bounds: split.bounds,
                stringRows: [], isByteBacked: true)
        } else if !survey.hasQuote {
            // Offsets past 2 GiB do not fit the table's 32-bit ones: split the same way with
            // 64-bit offsets and keep strings.
            let split = Self.splitUnquoted(terminated, count: count, survey: survey, offsets: Int.self)
            let header = try split.checked(path: path)
            let rows = terminated.withUnsafeBufferPointer { buffer in
                (0..<split.lines.count).map { row in
                    (0..<header.count).map { column in
                        let cell = 2 * (row * header.count + column)
                        return String(
                            decoding: UnsafeBufferPointer(rebasing: buffer[split.bounds[cell]..<split.bounds[cell + 1]]),
                            as: UTF8.self)
                    }
                }
            }
            self.init(
                path: path, header: header, lineNumbers: split.lines, bytes: [], bounds: [], stringRows: rows,
                isByteBacked: false)
        } else {
            let text = String(decoding: content, as: UTF8.self)
            let (records, lines) = try Self.splitQuoted(text, path: path)
            try self.init(records: records, lines: lines, path: path)
        }
    }

    /// What one pass over the bytes tells before splitting.
    struct Survey {
        /// Number of commas.
        var commas = 0
        /// Number of line-end bytes (`\n` or `\r`).
        var lineEnds = 0
        var hasQuote = false
        var isASCII = true
    }

    /// Counts commas and line ends and looks for quotes and non-ASCII bytes in the first `count` bytes.
    static func survey(_ bytes: [UInt8], count: Int) -> Survey {
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        let quote = UInt8(ascii: "\"")
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return Survey() }
            var commas = 0, lineEnds = 0, quotes = 0
            var bits: UInt8 = 0
            // Blocks of at most 255 bytes, so that byte-wide counters (which vectorize well) cannot wrap.
            var start = 0
            while start < count {
                let end = min(count, start + 255)
                var blockCommas: UInt8 = 0, blockLineEnds: UInt8 = 0, blockQuotes: UInt8 = 0
                var blockBits: UInt8 = 0
                for index in start..<end {
                    let byte = base[index]
                    blockCommas &+= byte == comma ? 1 : 0
                    blockLineEnds &+= (byte == newline ? 1 : 0) | (byte == carriage ? 1 : 0)
                    blockQuotes &+= byte == quote ? 1 : 0
                    blockBits |= byte
                }
                commas += Int(blockCommas)
                lineEnds += Int(blockLineEnds)
                quotes += Int(blockQuotes)
                bits |= blockBits
                start = end
            }
            return Survey(commas: commas, lineEnds: lineEnds, hasQuote: quotes > 0, isASCII: bits < 0x80)
        }
    }

    /// Cells of a file without quotes, split by ``splitUnquoted(_:count:survey:offsets:)``.
    struct UnquotedSplit<Offset: FixedWidthInteger> {
        /// Header fields (the first non-blank line), or `nil` for a file with no such line.
        var header: [String]?
        var headerLine = 1
        /// Start and end offset of each data cell, row by row.
        var bounds: [Offset] = []
        /// Line number of each data row.
        var lines: [Int] = []
        /// The first data row whose field count differs from the header's (splitting stops there).
        var mismatch: (fields: Int, line: Int)?

        /// The header, after the same checks, in the same order, as split records get.
        func checked(path: String) throws -> [String] {
            guard let header else {
                throw DystaError("the file is empty (expected a header line)", file: path, line: 1)
            }
            try CSVTable.checkHeader(header, line: headerLine, path: path)
            if let mismatch {
                throw DystaError(
                    "has \(mismatch.fields) fields but the header has \(header.count)", file: path,
                    line: mismatch.line)
            }
            return header
        }
    }

    /// Fast path for files without quotes: splits the first `count` bytes at line ends and
    /// commas into cell offsets, trimmed of spaces and tabs; blank lines are skipped.
    ///
    /// `bytes` must hold ``padding`` 0 bytes after the first `count` (they stop the scans),
    /// and `survey` must describe the bytes.
    static func splitUnquoted<Offset: FixedWidthInteger>(
        _ bytes: [UInt8], count: Int, survey: Survey, offsets: Offset.Type
    ) -> UnquotedSplit<Offset> {
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        // Every byte that ends a field is at or below the comma; most bytes (digits, letters) are above.
        let highestSpecial = max(comma, newline, carriage)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let belowSpecial = ones &* UInt64(highestSpecial + 1)
        // Each field ends at a comma, a line end or the end of the bytes.
        let maxRecords = survey.lineEnds + 1
        let maxFields = survey.commas + maxRecords
        var split = UnquotedSplit<Offset>()
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count >= count + padding else { return }
            let raw = UnsafeRawPointer(base)
            split.bounds = [Offset](unsafeUninitializedCapacity: 2 * maxFields) { bounds, boundsCount in
                split.lines = [Int](unsafeUninitializedCapacity: maxRecords) { lines, linesCount in
                    var written = 0
                    var recordStart = 0
                    var rows = 0
                    var line = 1
                    var fieldStart = 0
                    var index = 0
                    while true {
                        // Skip to the next byte at or below `highestSpecial`, 8 bytes at a time: in
                        // each little-endian word, the lowest byte below `highestSpecial + 1` gets
                        // the lowest high bit of `(word - belowSpecial) & ~word` (borrows only
                        // disturb the bytes above it). The 0 bytes after `count` end this scan.
                        while true {
                            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                            let found = (word &- belowSpecial) & ~word & highBits
                            if found != 0 {
                                index += found.trailingZeroBitCount >> 3
                                break
                            }
                            index += 8
                        }
                        let byte = base[index]
                        let endsLine = index == count || byte == newline || byte == carriage
                        guard endsLine || byte == comma else {
                            index += 1
                            continue
                        }
                        var low = fieldStart, high = index
                        while low < high && (base[low] == space || base[low] == tab) { low += 1 }
                        while high > low && (base[high - 1] == space || base[high - 1] == tab) { high -= 1 }
                        bounds[written] = Offset(truncatingIfNeeded: low)
                        bounds[written + 1] = Offset(truncatingIfNeeded: high)
                        written += 2
                        fieldStart = index + 1
                        if endsLine {
                            let fields = (written - recordStart) / 2
                            if fields == 1 && bounds[recordStart] == bounds[recordStart + 1] {
                                written = recordStart
                            } else if let header = split.header {
                                if fields != header.count {
                                    split.mismatch = (fields, line)
                                    break
                                }
                                lines[rows] = line
                                rows += 1
                                recordStart = written
                            } else {
                                split.header = stride(from: 0, to: written, by: 2).map { offset in
                                    String(
                                        decoding: UnsafeBufferPointer(
                                            start: base + Int(bounds[offset]),
                                            count: Int(bounds[offset + 1]) - Int(bounds[offset])),
                                        as: UTF8.self)
                                }
                                split.headerLine = line
                                written = 0
                            }
                            if index == count { break }
                            line += 1
                            // `\r\n` is one line end (`bytes[count]` is 0, so this stays in bounds).
                            if byte == carriage && base[index + 1] == newline { index += 1 }
                            fieldStart = index + 1
                        }
                        index += 1
                    }
                    boundsCount = written
                    linesCount = rows
                }
            }
        }
        return split
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
        try Self.checkHeader(header, line: lines[0], path: path)
        for (offset, row) in records.enumerated().dropFirst() where row.count != header.count {
            throw DystaError(
                "has \(row.count) fields but the header has \(header.count)", file: path,
                line: lines[offset])
        }
        self.init(
            path: path, header: header, lineNumbers: Array(lines.dropFirst()), bytes: [], bounds: [],
            stringRows: Array(records.dropFirst()), isByteBacked: false)
    }

    private init(
        path: String, header: [String], lineNumbers: [Int], bytes: [UInt8], bounds: [Int32], stringRows: [[String]],
        isByteBacked: Bool
    ) {
        self.path = path
        self.header = header
        self.lineNumbers = lineNumbers
        self.bytes = bytes
        self.bounds = bounds
        self.stringRows = stringRows
        self.isByteBacked = isByteBacked
    }

    /// Rejects empty and repeated header fields.
    static func checkHeader(_ header: [String], line: Int, path: String) throws {
        for (index, name) in header.enumerated() where name.isEmpty {
            throw DystaError("header field \(index + 1) is empty", file: path, line: line)
        }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted {
            throw DystaError("the header names column '\(name)' twice", file: path, line: line)
        }
    }

    private static func firstInvalidUTF8Line(_ bytes: ArraySlice<UInt8>) -> Int {
        var line = 1
        var start = bytes.startIndex
        for (index, byte) in zip(bytes.indices, bytes) where byte == 0x0A {
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
    ///
    /// Reads exactly the numbers `Double(String)` reads, with the same value.
    public func number(row: Int, column: Int) throws -> Double {
        if isByteBacked {
            let cell = 2 * (row * header.count + column)
            let low = Int(bounds[cell]), high = Int(bounds[cell + 1])
            let parsed = bytes.withUnsafeBufferPointer { buffer -> Double? in
                guard let base = buffer.baseAddress else { return nil }
                return DoubleParser.parse(base, from: low, to: high)
            }
            if let parsed, parsed.isFinite { return parsed }
        }
        return try numberFromText(row: row, column: column)
    }

    /// The cell as a `String` parsed by `Double(String)`: cells with quotes, and the errors.
    @inline(never)
    private func numberFromText(row: Int, column: Int) throws -> Double {
        let text = self[row: row, column: column]
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
                "'\(self[row: row, column: column])' is not a non-negative integer", file: path,
                line: lineNumbers[row], column: header[column])
        }
        return Int(value)
    }
}
