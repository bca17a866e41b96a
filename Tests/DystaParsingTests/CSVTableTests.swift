import DystaCore
@testable import DystaParsing
import Foundation
import Testing

@Suite("CSV table: the byte-backed reader against the String-per-cell one")
struct CSVTableTests {
    @Test func tableMatchesReferenceReaderOnRandomFiles() throws {
        var generator = Xoshiro256StarStar(seed: 7)
        let cells = [
            "0", "1", "12", "0.5", "-3", "1e3", "x", "ab", "", "", "nan", "inf", "1_0", "é", "\u{A0}", "\u{0}",
            "3.25 ", " 7", "\t2", "4\t", " \t8\t ", "a b", " ", "1e400", "0x1p3", "-0", ".5", "5.", "9007199254740993", "0.1e-30", "١",
        ]
        let lineEnds = ["\n", "\n", "\r\n", "\r"]
        var mismatches: [String] = []
        var loaded = 0, rejected = 0, quoted = 0
        for round in 0..<1500 {
            let columns = 1 + generator.nextInt(below: 4)
            // Mostly distinct names; now and then an empty, padded or repeated one.
            var text = round % 7 == 0 ? "\u{FEFF}" : ""
            text += (0..<columns).map { column in
                generator.nextInt(below: 20) == 0 ? ["", " e ", "a"][generator.nextInt(below: 3)] : ["a", "b", "c", "d"][column]
            }.joined(separator: ",")
            for _ in 0..<generator.nextInt(below: 12) {
                text += lineEnds[generator.nextInt(below: lineEnds.count)]
                switch generator.nextInt(below: 40) {
                case 0: continue  // a blank line
                case 1: text += [" ", "\t", " \t "][generator.nextInt(below: 3)]
                case 2:
                    text += "\"q,\"" + String(repeating: ",1", count: columns - 1)
                    quoted += 1
                default:
                    let fields = generator.nextInt(below: 30) == 0 ? 1 + generator.nextInt(below: 4) : columns
                    text += (0..<fields).map { _ in cells[generator.nextInt(below: cells.count)] }.joined(separator: ",")
                }
            }
            if generator.nextInt(below: 2) == 0 { text += lineEnds[generator.nextInt(below: lineEnds.count)] }
            let data = Data(text.utf8)
            let expected = Result { try ReferenceCSV(data: data, path: "r.csv") }
            let actual = Result { try CSVTable(data: data, path: "r.csv") }
            var problems: [String] = []
            switch (expected, actual) {
            case (.success(let reference), .success(let table)):
                loaded += 1
                if table.header != reference.header { problems.append("header \(table.header)") }
                if table.rows != reference.rows { problems.append("rows \(table.rows)") }
                if table.lineNumbers != reference.lineNumbers { problems.append("lines \(table.lineNumbers)") }
                if table.rowCount != reference.rows.count || table.columnCount != reference.header.count {
                    problems.append("counts")
                }
                for row in 0..<min(table.rowCount, reference.rows.count) {
                    for column in 0..<min(table.columnCount, reference.header.count) {
                        if table[row: row, column: column] != reference.rows[row][column] {
                            problems.append("cell \(row) \(column)")
                        }
                        let number = describe(Result { try table.number(row: row, column: column) })
                        let wanted = describe(Result { try reference.number(row: row, column: column) })
                        if number != wanted { problems.append("number \(row) \(column): \(number), want \(wanted)") }
                        let index = describe(Result { try table.index(row: row, column: column) })
                        let wantedIndex = describe(Result { try reference.index(row: row, column: column) })
                        if index != wantedIndex { problems.append("index \(row) \(column): \(index), want \(wantedIndex)") }
                    }
                }
            default:
                rejected += 1
                let error = describe(actual.map { _ in 0 }), wanted = describe(expected.map { _ in 0 })
                if error != wanted { problems.append("\(error), want \(wanted)") }
            }
            if !problems.isEmpty { mismatches.append("\(text.debugDescription): \(problems.prefix(3))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) files differ, e.g. \(mismatches.prefix(3))")
        // Most files load, and the rest exercise the errors and the quoted path.
        #expect(loaded > 700 && rejected > 100 && quoted > 50, "loaded \(loaded), rejected \(rejected), quoted \(quoted)")
    }

    @Test func invalidUTF8AndEmptyFilesKeepTheirErrors() {
        let inputs: [[UInt8]] = [
            [], [0xEF, 0xBB, 0xBF], Array("\n\n  \n".utf8), Array("a,b\n1,2\n".utf8) + [0xFF] + Array("\n".utf8),
            Array("a\n1\n2\n".utf8) + [0xC3], Array("a,b\n1\n".utf8), Array("a, ,b\n".utf8), Array("a,b\n1,2,3\n\"x\"\n".utf8),
        ]
        for bytes in inputs {
            let data = Data(bytes)
            let expected = Result { try ReferenceCSV(data: data, path: "e.csv") }.map { _ in 0 }
            let actual = Result { try CSVTable(data: data, path: "e.csv") }.map { _ in 0 }
            #expect(describe(actual) == describe(expected), "\(bytes)")
        }
    }

    private func describe<Value>(_ result: Result<Value, any Error>) -> String {
        switch result {
        case .success(let value):
            if let double = value as? Double { return "value \(double.bitPattern)" }
            return "value \(value)"
        case .failure(let error): return "error \(error)"
        }
    }
}

/// The CSV reader before the byte-backed table: every cell a `String`, numbers via `Double(String)`.
/// Files with quotes go through the production quoted splitter, which the byte-backed table did
/// not change (it still keeps strings); the comparison is about the unquoted byte path.
private struct ReferenceCSV {
    let path: String
    let header: [String]
    let rows: [[String]]
    let lineNumbers: [Int]

    init(data: Data, path: String) throws {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var line = 1
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == 0x0A {
                if String(validating: bytes[start..<index], as: UTF8.self) == nil { break }
                line += 1
                start = index + 1
            }
            throw DystaError("the file is not valid UTF-8 text", file: path, line: line)
        }
        let (records, lines) =
            bytes.contains(UInt8(ascii: "\"")) ? try CSVTable.splitQuoted(text, path: path) : Self.splitUnquoted(bytes)
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
                "has \(row.count) fields but the header has \(header.count)", file: path, line: lines[offset])
        }
        self.path = path
        self.header = header
        self.rows = Array(records.dropFirst())
        self.lineNumbers = Array(lines.dropFirst())
    }

    static func splitUnquoted(_ bytes: [UInt8]) -> ([[String]], [Int]) {
        var records: [[String]] = []
        var lines: [Int] = []
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var line = 1
        var start = 0
        let count = bytes.count
        func field(_ from: Int, _ to: Int) -> String {
            var low = from, high = to
            while low < high && (bytes[low] == space || bytes[low] == tab) { low += 1 }
            while high > low && (bytes[high - 1] == space || bytes[high - 1] == tab) { high -= 1 }
            return String(decoding: bytes[low..<high], as: UTF8.self)
        }
        while start <= count {
            var end = start
            while end < count && bytes[end] != newline && bytes[end] != carriage { end += 1 }
            var record: [String] = []
            var fieldStart = start
            for index in start..<end where bytes[index] == comma {
                record.append(field(fieldStart, index))
                fieldStart = index + 1
            }
            record.append(field(fieldStart, end))
            if !(record.count == 1 && record[0].isEmpty) {
                records.append(record)
                lines.append(line)
            }
            line += 1
            if end < count && bytes[end] == carriage && end + 1 < count && bytes[end + 1] == newline { end += 1 }
            start = end + 1
        }
        return (records, lines)
    }

    func number(row: Int, column: Int) throws -> Double {
        let text = rows[row][column]
        guard let value = text.finiteDouble() else {
            let shown = text.isEmpty ? "an empty cell" : "'\(text.prefix(40))'"
            let what = Double(text) != nil ? "not a finite number" : "not a number"
            throw DystaError("\(shown) is \(what)", file: path, line: lineNumbers[row], column: header[column])
        }
        return value
    }

    func index(row: Int, column: Int) throws -> Int {
        let value = try number(row: row, column: column)
        guard value >= 0, value == value.rounded(), value < 1e15 else {
            throw DystaError(
                "'\(rows[row][column])' is not a non-negative integer", file: path, line: lineNumbers[row],
                column: header[column])
        }
        return Int(value)
    }
}
