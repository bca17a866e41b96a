import DystaParsing
import DystaCore
import DystaTestSupport
import DystaTraces
import Foundation
import Testing

/// Writes `files` (name → text) into a fresh directory.
func directory(with files: [String: String]) throws -> URL {
    let url = try Fixtures.temporaryDirectory()
    for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
    return url
}

/// The error text of loading an artifact directory.
func sangerError(_ text: String, file: String = "bert.csv") throws -> String {
    let url = try directory(with: [file: text])
    defer { try? FileManager.default.removeItem(at: url) }
    do {
        _ = try ArtifactTraceLoader.loadDirectory(url, kind: .sanger)
        return "no error"
    } catch let error as DystaError {
        return error.description
    }
}

let goodSanger = "batch-indx,layer-indx,overall-sparsity,50%-skip\n0,0,0.1,0.9\n0,1,0.2,0.8\n1,0,0.3,0.7\n1,1,0.4,0.6\n"

@Suite("Trace loaders")
struct LoaderTests {
    @Test func loadsTheSyntheticArtifactFixtures() throws {
        let sanger = try Fixtures.sangerWorkload()
        #expect(sanger.variants.map(\.name) == ["bert", "gpt2"])
        #expect(sanger.variants[0].sampleCount == 12 && sanger.variants[0].layerCount == 6)
        #expect(sanger.kind == .attention && sanger.defaultAccelerator == "sanger")
        let density = sanger.variants[0].trace.value(.density, sample: 0, layer: 0)!
        #expect(sanger.variants[0].trace.value(.zeroFraction, sample: 0, layer: 0) == 1 - density)
        let eyeriss = try Fixtures.eyerissWorkload()
        #expect(eyeriss.variants.map(\.architecture) == ["resnet50", "resnet50", "vgg16"])
        #expect(eyeriss.variants[1].pattern == "unstructured60")
        #expect(eyeriss.defaultAccelerator == "table")
    }

    @Test func rowOrderDoesNotMatterAndCRLFAndBOMAreAccepted() throws {
        let shuffled = "\u{FEFF}batch-indx,layer-indx,overall-sparsity,50%-skip\r\n1,1,0.4,0.6\r\n0,0,0.1,0.9\r\n1,0,0.3,0.7\r\n0,1,0.2,0.8\r\n"
        let url = try directory(with: ["bert.csv": shuffled])
        defer { try? FileManager.default.removeItem(at: url) }
        let workload = try ArtifactTraceLoader.loadDirectory(url, kind: .sanger)
        #expect(workload.variants[0].trace.values(.density) == [0.1, 0.2, 0.3, 0.4])
    }

    @Test func badInputsGiveOneLineErrorsNamingFileLineAndProblem() throws {
        #expect(try sangerError(goodSanger) == "no error")
        let missingColumn = try sangerError("batch-indx,layer-indx,overall-sparsity\n0,0,0.1\n")
        #expect(missingColumn.contains("bert.csv:1: missing column '50%-skip'"))
        let nonNumeric = try sangerError(goodSanger.replacingOccurrences(of: "0,1,0.2,0.8", with: "0,1,abc,0.8"))
        #expect(nonNumeric.contains("bert.csv:3: column 'overall-sparsity': 'abc' is not a number"))
        let nan = try sangerError(goodSanger.replacingOccurrences(of: "0,1,0.2,0.8", with: "0,1,nan,0.8"))
        #expect(nan.contains("bert.csv:3: column 'overall-sparsity': 'nan' is not a finite number"))
        let outOfRange = try sangerError(goodSanger.replacingOccurrences(of: "0,1,0.2,0.8", with: "0,1,1.5,0.8"))
        #expect(outOfRange.contains("bert.csv:3: column 'overall-sparsity': 1.5 is outside (0, 1]"))
        let missingLayer = try sangerError(goodSanger.replacingOccurrences(of: "1,1,0.4,0.6\n", with: ""))
        #expect(missingLayer.contains("sample 1 has no row for layer 1"))
        let gap = try sangerError("batch-indx,layer-indx,overall-sparsity,50%-skip\n0,0,0.1,0.9\n0,1,0.2,0.8\n2,0,0.3,0.7\n2,1,0.4,0.6\n")
        #expect(gap.contains("column 'batch-indx': sample ids are not contiguous: sample 1 is missing"))
        let duplicate = try sangerError(goodSanger + "1,1,0.4,0.6\n")
        #expect(duplicate.contains("bert.csv:6: sample 1 layer 1 appears twice (first on line 5)"))
        let ragged = try sangerError(goodSanger + "1,1\n")
        #expect(ragged.contains("bert.csv:6: has 2 fields but the header has 4"))
        let empty = try sangerError("")
        #expect(empty.contains("bert.csv:1: the file is empty"))
        let negativeIndex = try sangerError(goodSanger.replacingOccurrences(of: "1,0,0.3", with: "-1,0,0.3"))
        #expect(negativeIndex.contains("column 'batch-indx': '-1' is not a non-negative integer"))
        for message in [missingColumn, nonNumeric, nan, missingLayer, duplicate, ragged, empty] {
            #expect(!message.contains("\n"))
        }
    }

    @Test func negativeLatencyAndNonUTF8AreRejected() throws {
        let url = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("batch-indx,layer-indx,overall-sparsity,sim_lat\n0,0,0.5,-0.001\n".utf8).write(to: url.appendingPathComponent("r_dense.csv"))
        #expect {
            try ArtifactTraceLoader.loadDirectory(url, kind: .eyeriss)
        } throws: { "\($0)".contains("r_dense.csv:2: column 'sim_lat': -0.001 is negative") }
        try Data([0x62, 0x61, 0x74, 0xFF, 0x0A]).write(to: url.appendingPathComponent("r_dense.csv"))
        #expect {
            try ArtifactTraceLoader.loadDirectory(url, kind: .eyeriss)
        } throws: { "\($0)".contains("not valid UTF-8") }
    }

    @Test func missingDirectoryAndEmptyDirectory() throws {
        #expect { try ArtifactTraceLoader.loadDirectory(URL(fileURLWithPath: "/nonexistent/dysta"), kind: .sanger) } throws: {
            "\($0)".contains("no such directory")
        }
        let url = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try ArtifactTraceLoader.loadDirectory(url, kind: .sanger) } throws: { "\($0)".contains("no .csv files") }
        #expect { try NativeTraceLoader.loadDirectory(url) } throws: { "\($0)".contains("no workload.json") }
    }

    @Test func csvQuotedFields() throws {
        let table = try CSVTable(data: Data("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\n2,3\n".utf8), path: "t.csv")
        #expect(table.rows == [["x,1", "say \"hi\""], ["2", "3"]])
        #expect(table.lineNumbers == [2, 4])
        #expect(throws: DystaError.self) { try CSVTable(data: Data("a\n\"open\n".utf8), path: "t.csv") }
        #expect { try CSVTable(data: Data("a,a\n1,2\n".utf8), path: "t.csv") } throws: { "\($0)".contains("names column 'a' twice") }
    }
}
