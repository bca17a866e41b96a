import DystaTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A CSV file as rows of fields (the timeline files quote nothing these tests read).
func csvRows(_ path: String) throws -> (header: [String], rows: [[String]]) {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    let split = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    return (split.first ?? [], Array(split.dropFirst()))
}

/// Parses an SVG as XML; returns the parse error (nil when well-formed) and every `rect`'s attributes.
final class SVGCollector: NSObject, XMLParserDelegate {
    var rects: [[String: String]] = []
    var texts: [String] = []
    var text = ""
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        if elementName == "rect" { rects.append(attributeDict) }
        text = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text" { texts.append(text) }
    }

    static func parse(_ path: String) throws -> (error: Error?, collector: SVGCollector) {
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        let collector = SVGCollector()
        parser.delegate = collector
        let ok = parser.parse()
        // swift-corelibs-foundation can return true and still set an error (e.g. an unclosed element).
        if let error = parser.parserError { return (error, collector) }
        return (ok ? nil : DystaTestFailure("XML parse failed"), collector)
    }
}

struct DystaTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite("dysta simulate --timeline", .serialized)
struct TimelineCLITests {
    static let base = [
        "simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--requests", "150", "--seeds", "3", "--rate", "100",
    ]
    static let suffixes = ["-layers.csv", "-requests.csv", ".perfetto.json", "-gantt.svg"]

    /// The four files agree with each other and with --per-request; layers cover every request
    /// once, never overlap on an accelerator; the JSON parses with one X slice per layer and
    /// slices that do not overlap even after Perfetto truncates them to whole nanoseconds.
    @Test(arguments: [1, 2])
    func fourFilesAgreeWithEachOtherAndThePerRequestOutput(accelerators: Int) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("run").path
        let perRequest = directory.appendingPathComponent("per-request.csv").path
        let result = try dysta(
            Self.base + [
                "--schedulers", "dysta", "--accelerators", String(accelerators), "--switch-cost", "0.0001", "--per-request", perRequest,
                "--timeline", prefix, "--format", "csv",
            ])
        #expect(result.status == 0, "\(result.err)")
        for suffix in Self.suffixes { #expect(FileManager.default.fileExists(atPath: prefix + suffix), "missing \(suffix)") }

        let layers = try csvRows(prefix + "-layers.csv")
        #expect(layers.header == ["request", "model", "sample", "priority", "layer", "layer_name", "accelerator", "start", "end", "decision_delay", "switch_cost"])
        let requests = try csvRows(prefix + "-requests.csv")
        #expect(requests.header == ["id", "model", "sample", "priority", "arrival", "deadline", "first_start", "finish", "queueing_delay", "preemptions", "layers", "accelerators", "violated"])
        #expect(requests.rows.count == 150)
        // Every layer of every request exactly once.
        var layersOf: [String: [Int]] = [:]
        for row in layers.rows { layersOf[row[0], default: []].append(Int(row[4])!) }
        for row in requests.rows {
            #expect(layersOf[row[0]] == Array(0..<Int(row[10])!), "request \(row[0])")
        }
        #expect(layers.rows.count == requests.rows.reduce(0) { $0 + Int($1[10])! })
        // Per accelerator: in time order, no overlap; starts after the switch cost charged.
        var lastEnd = [Double](repeating: 0, count: accelerators)
        for row in layers.rows {
            let accelerator = Int(row[6])!, start = Double(row[7])!, end = Double(row[8])!
            #expect(start >= lastEnd[accelerator] + Double(row[10])! - 1e-12 && end >= start, "accelerator \(accelerator) at \(start)")
            lastEnd[accelerator] = end
        }
        #expect(Set(layers.rows.map { Int($0[6])! }) == Set(0..<accelerators))
        // First start and finish as the layers say; finish and violation as --per-request says.
        let perRequestRows = try csvRows(perRequest).rows
        let finishOf = Dictionary(uniqueKeysWithValues: perRequestRows.map { ($0[2], ($0[8], $0[10])) })
        for row in requests.rows {
            let own = layers.rows.filter { $0[0] == row[0] }
            #expect(row[6] == own.first![7], "request \(row[0]) first start")
            #expect(row[7] == own.last![8], "request \(row[0]) finish")
            #expect(finishOf[row[0]]?.0 == row[7] && finishOf[row[0]]?.1 == row[12], "request \(row[0]) against --per-request")
            #expect(Double(row[8])! == Double(row[6])! - Double(row[4])!, "request \(row[0]) queueing delay")
        }
        if accelerators == 1 {
            #expect(requests.rows.contains { Int($0[9])! > 0 }, "the stream should preempt someone")
        }

        // Perfetto / Chrome trace JSON.
        let data = try Data(contentsOf: URL(fileURLWithPath: prefix + ".perfetto.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]])
        let slices = events.filter { $0["ph"] as? String == "X" && $0["cat"] as? String == "layer" }
        #expect(slices.count == layers.rows.count)
        let threads = events.filter { $0["name"] as? String == "thread_name" }
        #expect(threads.count == accelerators)
        #expect(Set(slices.map { $0["tid"] as! Int }) == Set(1...accelerators))
        for (slice, row) in zip(slices, layers.rows) {
            let args = try #require(slice["args"] as? [String: Any])
            #expect(String(args["request"] as! Int) == row[0] && String(args["layer"] as! Int) == row[4])
            #expect(String(args["priority"] as! Int) == row[3] && String(args["sample"] as! Int) == row[2])
            #expect(slice["name"] as? String == "\(row[1])/\(row[5])")
            #expect(abs((slice["ts"] as! Double) - Double(row[7])! * 1e6) < 0.002)
        }
        // As Perfetto reads them (µs × 1000, truncated to ns): no overlap on any track.
        for tid in 1...accelerators {
            let track = events.filter { $0["ph"] as? String == "X" && $0["tid"] as? Int == tid }
            var previousEnd: Int64 = 0
            for event in track {
                let ts = Int64((event["ts"] as! Double) * 1000), dur = Int64((event["dur"] as! Double) * 1000)
                #expect(ts >= previousEnd, "track \(tid): slice at \(ts) ns starts before the previous ends (\(previousEnd))")
                previousEnd = ts + dur
            }
        }
        // Flows: pairs, each from one layer of a request to its next.
        let starts = events.filter { $0["ph"] as? String == "s" }, finishes = events.filter { $0["ph"] as? String == "f" }
        #expect(starts.count == layers.rows.count - 150 && finishes.count == starts.count)
        #expect(Set(starts.map { $0["id"] as! Int }) == Set(finishes.map { $0["id"] as! Int }))
        #expect(finishes.allSatisfy { $0["bp"] as? String == "e" })

        // The chart is well-formed XML with a bar per layer in the default window.
        let (error, svg) = try SVGCollector.parse(prefix + "-gantt.svg")
        #expect(error == nil, "\(String(describing: error))")
        #expect(svg.rects.filter { $0["fill"]?.hasPrefix("#") == true && $0["height"] == "26.00" }.count >= 50)
        #expect(svg.texts.contains("time (ms)") && svg.texts.contains("accelerator 0"))
    }

    @Test func sameBytesOnTwoRuns() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var contents: [[Data]] = []
        for run in ["a", "b"] {
            let prefix = directory.appendingPathComponent(run).path
            let result = try dysta(Self.base + ["--schedulers", "prema", "--timeline", prefix, "--timeline-by", "request"])
            #expect(result.status == 0, "\(result.err)")
            contents.append(try Self.suffixes.map { try Data(contentsOf: URL(fileURLWithPath: prefix + $0)) })
        }
        #expect(contents[0] == contents[1])
        #expect(contents[0].allSatisfy { $0.count > 1000 })
    }

    /// With several schedulers or seeds, each run's files carry the scheduler and seed.
    @Test func severalSchedulersAndSeedsGetTheirOwnFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("t").path
        let result = try dysta([
            "simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--requests", "40", "--seeds", "1-2", "--rate", "100",
            "--schedulers", "fcfs,dysta-hw[preset=w16]", "--timeline", prefix,
        ])
        #expect(result.status == 0, "\(result.err)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var expected: [String] = []
        for scheduler in ["fcfs", "dysta-hw_preset_w16_"] {
            for seed in [1, 2] { expected += Self.suffixes.map { "t-\(scheduler)-seed\(seed)\($0)" } }
        }
        #expect(names == expected.sorted())
        // Each holds its own run: the process is named after it.
        let json = try String(contentsOfFile: prefix + "-dysta-hw_preset_w16_-seed2.perfetto.json", encoding: .utf8)
        #expect(json.contains("\"dysta: dysta-hw[preset=w16], seed 2\""))
    }

    /// dysta-hw charges decision time: the layer it delays starts that much after its decision,
    /// the trace has a `decision` slice and the chart a legend entry for it.
    @Test func decisionDelaysOfTheHardwareScheduler() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("hw").path
        let result = try dysta([
            "simulate", "--traces", eyerissDirectory, "--trace-kind", "eyeriss", "--requests", "60", "--seeds", "1", "--rate", "12",
            "--schedulers", "dysta-hw[timing=serial,clock=1e6]", "--timeline", prefix,
        ])
        #expect(result.status == 0, "\(result.err)")
        let layers = try csvRows(prefix + "-layers.csv").rows
        let delayed = layers.filter { Double($0[9])! > 0 }
        #expect(delayed.count == layers.count, "a serial dysta-hw decides before every layer")
        var previousEnd = 0.0
        for row in layers {
            #expect(Double(row[7])! >= previousEnd + Double(row[9])! - 1e-12)
            previousEnd = Double(row[8])!
        }
        let json = try String(contentsOfFile: prefix + ".perfetto.json", encoding: .utf8)
        #expect(json.contains("\"name\":\"decision\",\"cat\":\"decision\""))
        let (error, svg) = try SVGCollector.parse(prefix + "-gantt.svg")
        #expect(error == nil)
        #expect(svg.texts.contains("decision delay"))
    }

    /// The default window is the busiest stretch of 50 layers: of every 50 consecutive layers
    /// in start order, the first with the most distinct requests.
    @Test func theDefaultWindowIsTheBusiestFiftyLayers() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("busy").path
        let result = try dysta(Self.base + ["--schedulers", "dysta", "--timeline", prefix, "--timeline-by", "request"])
        #expect(result.status == 0, "\(result.err)")
        // Layers in start order (ties: engine order), as (request, start, end, delay + switch).
        let layers = try csvRows(prefix + "-layers.csv").rows.enumerated()
            .map { (row: $0.offset, request: $0.element[0], start: Double($0.element[7])!, end: Double($0.element[8])!, before: Double($0.element[9])! + Double($0.element[10])!) }
            .sorted { ($0.start, $0.row) < ($1.start, $1.row) }
        let runs = (0...(layers.count - 50)).map { Set(layers[$0..<($0 + 50)].map(\.request)).count }
        let busiest = runs.firstIndex(of: runs.max()!)!
        #expect(runs.max()! > runs[0], "the first 50 layers are not the busiest here: the test shows nothing")
        let run = layers[busiest..<(busiest + 50)]
        let expected = (max(0, run.map { $0.start - $0.before }.min()!) * 1000, run.map(\.end).max()! * 1000)
        let (error, svg) = try SVGCollector.parse(prefix + "-gantt.svg")
        #expect(error == nil)
        // The title ends with ": START–END ms".
        let title = try #require(svg.texts.first { $0.hasSuffix(" ms") && $0.contains("seed 3: ") })
        let bounds = title.split(separator: " ").dropLast().last!.split(separator: "–").map { Double($0)! }
        #expect(abs(bounds[0] - expected.0) < 0.0011 && abs(bounds[1] - expected.1) < 0.0011, "\(title) against \(expected)")
        // Every request of the run has its row.
        let rows = Set(svg.texts.filter { $0.hasPrefix("#") }.map { String($0.dropFirst().prefix { $0 != " " }) })
        #expect(rows.isSuperset(of: Set(run.map(\.request))))
    }

    /// A chosen window: bars are clipped to it, one row per request, title in ms.
    @Test func windowAndRowsByRequest() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("w").path
        let result = try dysta(
            Self.base + ["--schedulers", "sjf", "--timeline", prefix, "--timeline-window", "0.2,0.35", "--timeline-by", "request"])
        #expect(result.status == 0, "\(result.err)")
        let (error, svg) = try SVGCollector.parse(prefix + "-gantt.svg")
        #expect(error == nil)
        #expect(svg.texts.contains { $0.hasSuffix(": 200–350 ms") })
        // Rows are the requests with a layer in the window.
        let layers = try csvRows(prefix + "-layers.csv").rows
        let inWindow = Set(layers.filter { Double($0[8])! > 0.2 && Double($0[7])! < 0.35 }.map { $0[0] })
        let rowLabels = Set(svg.texts.filter { $0.hasPrefix("#") }.map { String($0.dropFirst().prefix { $0 != " " }) })
        #expect(!inWindow.isEmpty && rowLabels == inWindow)
        // The plot spans x 90 … 810 (or from a wider label column); every bar stays inside it.
        let frame = try #require(svg.rects.last { $0["fill"] == "none" })
        let left = Double(frame["x"]!)!, right = left + Double(frame["width"]!)!
        let bars = svg.rects.filter { $0["fill"]?.hasPrefix("#") == true && $0["height"] == "16.00" }
        #expect(bars.count > 10)
        for bar in bars {
            let x = Double(bar["x"]!)!, width = Double(bar["width"]!)!
            #expect(x >= left - 0.01 && x + width <= right + 0.51, "bar at \(x) width \(width) outside \(left)…\(right)")
        }
    }

    @Test(arguments: [
        (["--timeline-window", "0,1"], "--timeline-window needs --timeline PREFIX"),
        (["--timeline-by", "request"], "--timeline-by needs --timeline PREFIX"),
        (["--timeline", "PREFIX", "--timeline-window", "2,1"], "--timeline-window '2,1': expected START,END"),
        (["--timeline", "PREFIX", "--timeline-window", "0.1"], "--timeline-window '0.1': expected START,END"),
        (["--timeline", "PREFIX", "--timeline-window", "a,1"], "--timeline-window: 'a' is not a number"),
        (["--timeline", "PREFIX", "--timeline-window=-1,1"], "--timeline-window: '-1' is not a number of seconds ≥ 0"),
        (["--timeline", "PREFIX", "--timeline-window", "100,200"], "no layer ran in this window"),
        (["--timeline", "/nonexistent/directory/run", "--schedulers", "fcfs"], "/nonexistent/directory/run-layers.csv: cannot write file"),
        (["--timeline", "PREFIX", "--schedulers", "fcfs,sjf,fcfs"], "schedulers 'fcfs' and 'fcfs' would write the same files"),
    ])
    func badTimelineInputExitsNonZeroWithOneLine(arguments: [String], message: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("bad").path
        let result = try dysta(Self.base + arguments.map { $0 == "PREFIX" ? prefix : $0 })
        #expect(result.status == 1)
        #expect(result.err.contains(message), "stderr: \(result.err)")
        #expect(result.err.split(separator: "\n").count == 1, "stderr: \(result.err)")
        // Nothing half-written.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
