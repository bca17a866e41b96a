import DystaHardware
import Foundation
import Testing

/// hw/presets.txt is the one source of the presets' RTL parameters: the Swift presets and the
/// RTL's default parameter values (the w32 preset) must match it.
@Suite("Preset source")
struct PresetSourceTests {
    static let hardwareFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("hw")

    /// preset name → key → value, from hw/presets.txt.
    static func presets() throws -> [String: [String: String]] {
        let text = try String(contentsOf: hardwareFolder.appendingPathComponent("presets.txt"), encoding: .utf8)
        var presets: [String: [String: String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let items = line.split(separator: " ")
            guard let name = items.first else { continue }
            var values: [String: String] = [:]
            for item in items.dropFirst() {
                let parts = item.split(separator: "=", maxSplits: 1)
                values[String(parts[0])] = String(parts[1])
            }
            presets[String(name)] = values
        }
        return presets
    }

    @Test func swiftPresetsMatchTheSource() throws {
        let presets = try Self.presets()
        #expect(Set(presets.keys) == ["w32", "w16"])
        for (name, values) in presets {
            let line = try HardwareConfiguration.preset(name).rtlConfigLine
            let items = line.dropFirst("config ".count).split(separator: " ").map(String.init)
            #expect(items.count == values.count, "\(name): \(line)")
            for item in items {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                #expect(values[parts[0]] == parts[1], "preset \(name): \(parts[0]) is \(parts[1]) in Swift, \(values[parts[0]] ?? "absent") in hw/presets.txt")
            }
        }
    }

    @Test func rtlDefaultsAreTheW32Preset() throws {
        let w32 = try #require(try Self.presets()["w32"])
        var expected: [String: String] = [:]
        for (key, value) in w32 {
            switch key {
            case "gamma_rule": expected["GAMMA_MEAN"] = value == "mean" ? "1" : "0"
            case "score_rule": expected["SCORE_PAPER"] = value == "paper" ? "1" : "0"
            case "units": expected["SHARED_UNITS"] = value == "shared" ? "1" : "0"
            default: expected[key.uppercased()] = value
            }
        }
        let rtl = Self.hardwareFolder.appendingPathComponent("rtl")
        var seen = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: rtl.path).sorted() where file.hasSuffix(".v") {
            let text = try String(contentsOf: rtl.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                // "    parameter integer NAME = VALUE," with NAME one of the preset's parameters
                let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "=" })
                guard words.count >= 4, words[0] == "parameter", words[1] == "integer", let want = expected[String(words[2])] else { continue }
                seen += 1
                #expect(String(words[3]) == want, "\(file): \(words[2]) defaults to \(words[3]), the w32 preset in hw/presets.txt says \(want)")
            }
        }
        #expect(seen >= 40)  // every module's copy was found
    }

    @Test func measuredClocksAreThePlaceAndRouteResults() throws {
        // hw/pnr/results.csv: depth,width,units,…,fmax_min_mhz (column 10),…
        let text = try String(contentsOf: Self.hardwareFolder.appendingPathComponent("pnr/results.csv"), encoding: .utf8)
        var rows = 0
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var configuration = try HardwareConfiguration.preset(fields[1])
            configuration.depthLog2 = Int(fields[0])!.trailingZeroBitCount
            configuration.units = try #require(HardwareUnits(rawValue: fields[2]))
            #expect(configuration.measuredClockHz == Double(fields[9])! * 1e6, "\(line)")
            rows += 1
        }
        #expect(rows == 8)
        // Presets and option lists take the measured clock; an explicit clock stays.
        #expect(HardwareConfiguration.w32.clockHz == HardwareConfiguration.w32.measuredClockHz)
        let shared = try HardwareConfiguration.w32.applying([("units", "shared"), ("depth_log2", "9")])
        #expect(shared.clockHz == shared.measuredClockHz && shared.clockHz != HardwareConfiguration.w32.clockHz)
        let fixed = try HardwareConfiguration.w32.applying([("clock", "2e8"), ("units", "shared")])
        #expect(fixed.clockHz == 2e8)
        #expect(try fixed.applying([("depth_log2", "9")]).clockHz == 2e8)
    }
}
