import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaHardware
import DystaScheduling
import DystaSimulation
import Foundation
import Testing

/// A scheduler with simple tables: variant 0 has 4 layers; every reciprocal is written.
func handScheduler(_ configuration: HardwareConfiguration = .w32) throws -> HardwareScheduler {
    var model = HardwareScheduler(configuration: configuration, recording: true)
    try model.write(.layers, index: 0, value: 4)
    try model.write(.penalty, index: 0, value: 65536)  // β / isolated = 1.0
    for k in 0..<4 {
        try model.write(.remaining, index: k, value: UInt64(4 - k) * 1000 << UInt64(configuration.scoreFrac))
        try model.write(.mantissa, index: k, value: 1 << 15)  // 1 / mean count = 2^15 · 2^-shift
        try model.write(.shift, index: k, value: UInt64(15 + 10 - configuration.gammaFrac))  // mean count 1024
    }
    for n in 1...configuration.depth { try model.write(.reciprocalN, index: n - 1, value: UInt64((65536.0 / Double(n)).rounded())) }
    for j in 1...configuration.maxLayers { try model.write(.reciprocalK, index: j - 1, value: UInt64((65536.0 / Double(j)).rounded())) }
    try model.write(.beta, index: 0, value: 655)  // 0.01
    return model
}

@Suite("Hardware model")
struct HardwareModelTests {
    @Test func scoreFollowsTheDocumentedArithmetic() throws {
        var model = try handScheduler()
        // γ = 1, R = 4000 time units (Q.8: 1_024_000); slack 500 < R: urgency 0; idle 100 · 1.0.
        model.enqueue(variant: 0, deadline: 10_500, arrival: 9_900)
        #expect(model.decide(now: 10_000) == 0)
        let penalty: UInt64 = (100 * 65536) >> 8  // 25 600
        #expect(model.slotState(0).score == 1_024_000 + penalty)
        // A second request: n = 2 halves both penalties; the far deadline adds β · slack.
        model.enqueue(variant: 0, deadline: 1_000_000, arrival: 10_000)
        _ = model.decide(now: 10_100)
        let idleFirst: UInt64 = (200 * 65536) >> 8
        #expect(model.slotState(0).score == 1_024_000 + (idleFirst * 32768) >> 16)
        let slack: UInt64 = (1_000_000 - 10_100) << 8
        let urgency = ((slack - 1_024_000) * 655) >> 16
        let idleSecond: UInt64 = (100 * 65536) >> 8
        #expect(model.slotState(1).score == 1_024_000 + urgency + (idleSecond * 32768) >> 16)
    }

    @Test func paperRuleDropsTheRemainingLatencyAndTheQueueLength() throws {
        var configuration = HardwareConfiguration.w32
        configuration.scoreRule = .paper
        var model = try handScheduler(configuration)
        model.enqueue(variant: 0, deadline: 20_000, arrival: 9_000)
        model.enqueue(variant: 0, deadline: 20_000, arrival: 9_000)
        _ = model.decide(now: 10_000)
        let urgency: UInt64 = ((10_000 << 8) * 655) >> 16
        let penalty: UInt64 = (1_000 * 65536) >> 8
        #expect(model.slotState(0).score == 1_024_000 + urgency + penalty)
    }

    @Test func gammaRulesUseTheCountAndTheReciprocalTable() throws {
        for rule in HardwareGammaRule.allCases {
            var configuration = HardwareConfiguration.w32
            configuration.gammaRule = rule
            var model = try handScheduler(configuration)
            model.enqueue(variant: 0, deadline: 0, arrival: 0)
            _ = model.decide(now: 0)
            _ = model.layerDone(nonzeros: 2048, now: 10)  // ratio 2.0
            _ = model.decide(now: 10)
            #expect(model.slotState(0).gamma == 2 << 24)
            _ = model.layerDone(nonzeros: 512, now: 20)  // ratio 0.5
            _ = model.decide(now: 20)
            let expected: UInt64 = rule == .last ? 1 << 23 : ((5 << 23) * 32768) >> 16  // mean 1.25
            #expect(model.slotState(0).gamma == expected, "\(rule)")
        }
    }

    @Test func saturationAndTiesFollowTheContract() throws {
        var model = try handScheduler(.w16)
        try model.write(.remaining, index: 0, value: 65535)
        model.enqueue(variant: 0, deadline: 0, arrival: 0)
        model.enqueue(variant: 0, deadline: 0, arrival: 0)
        _ = model.decide(now: 0)
        _ = model.layerDone(nonzeros: UInt64(UInt32.max), now: 0)  // γ saturates at 16 bits
        #expect(model.slotState(0).gamma == 65535)
        // Slot 1 still at layer 0 (R = 65535, saturated); slot 0 at layer 1 with a saturated γ.
        #expect(model.decide(now: 0) == 0 || model.slotState(0).score == 65535)
        model.enqueue(variant: 0, deadline: 0, arrival: 0)
        let chosen = model.decide(now: 0)
        // Equal scores (slots 1 and 2 are identical): the lower slot wins.
        #expect(model.slotState(1).score == model.slotState(2).score)
        #expect(chosen != 2)
    }

    @Test func equalScoresGoToTheLowerSlot() throws {
        var model = try handScheduler()
        for _ in 0..<3 { model.enqueue(variant: 0, deadline: 50, arrival: 7) }
        #expect(model.decide(now: 9) == 0)
        _ = model.layerDone(nonzeros: 1024, now: 10)
        // Slot 0 has run a layer (R smaller): it wins; slots 1 and 2 still tie.
        #expect(model.decide(now: 10) == 0)
        #expect(model.slotState(1).score == model.slotState(2).score)
        _ = model.layerDone(nonzeros: 1024, now: 11)
        try model.write(.remaining, index: 2, value: 10_000 << 8)  // slot 0 (layer 2) now longest
        #expect(model.decide(now: 11) == 1)
    }

    @Test func finishingMovesTheLastSlotIntoTheHole() throws {
        var model = try handScheduler()
        try model.write(.layers, index: 0, value: 1)
        model.enqueue(variant: 0, deadline: 100, arrival: 1)
        model.enqueue(variant: 0, deadline: 200, arrival: 2)
        model.enqueue(variant: 0, deadline: 300, arrival: 3)
        let first = model.decide(now: 5)
        let outcome = model.layerDone(nonzeros: 10, now: 6)
        #expect(outcome.finished)
        #expect(model.count == 2)
        #expect(outcome.movedFrom == (first == 2 ? nil : 2))
    }

    @Test func stimulusRoundTripsAndACorruptedValueIsCaught() throws {
        var configuration = HardwareConfiguration.w16
        configuration.depthLog2 = 4
        configuration.units = .shared
        let recorder = try StressStimulus.generate(configuration: configuration, seed: 7, decisions: 400)
        let summary = try StimulusReplay.check(recorder.text, file: "stress.txt")
        #expect(summary.decisions == 400)
        #expect(summary.valuesChecked > 400 * 4)
        // Every record kind appears, the table fills up, and scores saturate somewhere.
        #expect(recorder.lines.contains { $0.hasPrefix("D ") && $0.split(separator: " ")[4] == "16" })
        #expect(recorder.lines.contains { $0.hasPrefix("D ") && $0.split(separator: " ").contains("65535") })
        // Change one expected score: the replay names the line.
        var lines = recorder.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.lastIndex { $0.hasPrefix("D ") && $0.split(separator: " ").count > 6 })
        var fields = lines[index].split(separator: " ").map(String.init)
        fields[5] = String((UInt64(fields[5]) ?? 0) ^ 1)
        lines[index] = fields.joined(separator: " ")
        #expect {
            try StimulusReplay.check(lines.joined(separator: "\n"), file: "bad.txt")
        } throws: { error in
            "\(error)".hasPrefix("bad.txt:\(index + 1): MISMATCH score of slot 0")
        }
    }

    @Test func hostErrorsAreRefusedAndRecorded() throws {
        var configuration = HardwareConfiguration.w16
        configuration.depthLog2 = 4
        var model = try handScheduler(configuration)
        #expect(model.hostError("D") == .decideOnEmpty)
        #expect(model.hostError("L") == .layerDoneNotRunning)  // before any DECIDE
        #expect(model.hostError("E") == nil)
        model.refuse(.decideOnEmpty, fields: [5])
        model.refuse(.layerDoneNotRunning, fields: [7, 5])
        for _ in 0..<configuration.depth { model.enqueue(variant: 0, deadline: 100, arrival: 0) }
        #expect(model.hostError("E") == .enqueueIntoFull)
        model.refuse(.enqueueIntoFull, fields: [0, 100, 5])
        #expect(model.count == configuration.depth)
        _ = model.decide(now: 5)
        #expect(model.hostError("L") == nil && model.hostError("D") == nil)
        // The running request finishes after its 4 layers: LAYER_DONE is refused again.
        for layer in 0..<4 { _ = model.layerDone(nonzeros: 1024, now: 6 + UInt64(layer)) }
        #expect(model.hostError("L") == .layerDoneNotRunning)
        let text = model.recorder!.text
        #expect(text.contains("\nX D 5\nX L 7 5\n") && text.contains("\nX E 0 100 5\n"))
        #expect(try StimulusReplay.check(text, file: "errors.txt").decisions == 1)
        // An X the model accepts is a mismatch.
        let wrong = text.replacingOccurrences(of: "X E 0 100 5", with: "X D 5")
        #expect {
            try StimulusReplay.check(wrong, file: "x.txt")
        } throws: { error in
            "\(error)".contains("MISMATCH host error of X D: expected 1, model 0")
        }
        // The stress stream sends each host error.
        let stress = try StressStimulus.generate(configuration: configuration, seed: 3, decisions: 200)
        for letter in ["D", "E", "L"] { #expect(stress.lines.contains { $0.hasPrefix("X \(letter) ") }) }
    }

    @Test func malformedStimuliGetOneLineErrors() throws {
        let header = "dysta-hw-stimulus 1\n" + HardwareConfiguration.w32.rtlConfigLine + "\n"
        let cases: [(String, String)] = [
            ("hello\n", "x.txt:1: not a dysta-hw stimulus"),
            (header + "W 9 0 1\nend 0\n", "x.txt:3: unknown table id 9"),
            (header + "W 0 0 99999999999\nend 0\n", "x.txt:3: hardware table rem: value 99999999999 does not fit 32 bits"),
            (header + "D 5 0 8 0\nend 1\n", "x.txt:3: decide on an empty table"),
            (header + "L 1 2 6\nend 0\n", "x.txt:3: layer done without a running request"),
            (header + "E 0 x 1\nend 0\n", "x.txt:3: field 3 of 'E' is missing or not a non-negative integer"),
            (header + "E 0 1 1\n", "x.txt:3: missing 'end' line"),
            ("dysta-hw-stimulus 1\nconfig depth_log2=12\nend 0\n", "x.txt:2: dysta-hw option 'depth_log2' must be 4 … 10"),
        ]
        for (text, prefix) in cases {
            #expect {
                try StimulusReplay.check(text, file: "x.txt")
            } throws: { error in
                "\(error)".hasPrefix(prefix) && !"\(error)".contains("\n")
            }
        }
    }

    @Test func optionsAreValidatedWithTheirNames() throws {
        #expect(throws: DystaError("dysta-hw option 'depth': '48' is not a power of two 16 … 1024")) {
            try HardwareConfiguration.w32.applying([("depth", "48")])
        }
        #expect(throws: DystaError("dysta-hw option 'depth_log2' must be 4 … 10 (queue depth 16 … 1024) (got 3)")) {
            try HardwareConfiguration.w32.applying([("depth", "8")])
        }
        #expect(throws: DystaError("dysta-hw option 'gamma_rule': 'median' is not one of mean, last")) {
            try HardwareConfiguration.w32.applying([("gamma_rule", "median")])
        }
        let w16 = try HardwareConfiguration.w32.applying([("preset", "w16"), ("depth", "512"), ("units", "shared")])
        #expect(w16.scoreBits == 16 && w16.depthLog2 == 9 && w16.units == .shared && w16.cyclesPerSlot == 4)
        let registry = PolicyRegistry.withHardware()
        #expect(throws: DystaError("scheduler 'dysta-hw[score_bits=40]': dysta-hw option 'score_bits' must be 8 … 32 (got 40)")) {
            try registry.make("dysta-hw[score_bits=40]")
        }
        #expect(throws: DystaError("scheduler 'dysta' takes no options (got 'dysta[x=1]')")) { try registry.make("dysta[x=1]") }
    }
}
