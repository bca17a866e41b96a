import DystaCore

/// Random command streams that drive a ``HardwareScheduler`` through its corner cases — full
/// tables, equal scores, saturated products, deadlines already past, zero and huge non-zero
/// counts, requests finishing while others wait — recorded for co-simulation.
public enum StressStimulus {
    /// Generates `decisions` DECIDEs on random tables (seeded; same seed, same bytes).
    public static func generate(configuration: HardwareConfiguration, seed: UInt64, decisions: Int) throws -> StimulusRecorder {
        var random = Xoshiro256StarStar(seed: seed)
        var model = HardwareScheduler(configuration: configuration, recording: true)
        model.recorder!.comment("random stress, seed \(seed)")
        func pick(_ bits: Int) -> UInt64 {
            // A quarter extremes (0, max, 1), the rest uniform or small.
            let maxValue = FixedPoint.maxValue(bits)
            switch random.nextInt(below: 8) {
            case 0: return 0
            case 1: return maxValue
            case 2: return min(1, maxValue)
            case 3, 4: return random.next() & min(maxValue, 0xFFF)
            default: return random.next() & maxValue
            }
        }
        let variants = min(configuration.maxVariants, 1 + random.nextInt(below: 6))
        var layerCounts: [Int] = []
        for v in 0..<variants {
            let layers = 1 + random.nextInt(below: min(configuration.maxLayers, 12))
            layerCounts.append(layers)
            try model.write(.layers, index: v, value: UInt64(layers))
            try model.write(.penalty, index: v, value: v == 1 ? 0 : pick(FixedPoint.penaltyBits))
            for k in 0..<layers {
                let entry = v * configuration.maxLayers + k
                try model.write(.remaining, index: entry, value: pick(configuration.scoreBits))
                try model.write(.mantissa, index: entry, value: pick(FixedPoint.mantissaBits))
                try model.write(.shift, index: entry, value: UInt64(random.nextInt(below: 64)))
            }
        }
        for n in 1...configuration.depth { try model.write(.reciprocalN, index: n - 1, value: FixedPoint.reciprocal(n)) }
        for j in 1...configuration.maxLayers { try model.write(.reciprocalK, index: j - 1, value: FixedPoint.reciprocal(j)) }
        // β: a random Q8.16 value one time in four, else the default 0.01 (655 in Q8.16).
        try model.write(.beta, index: 0, value: random.nextInt(below: 4) == 0 ? pick(FixedPoint.betaBits) : FixedPoint.beta(RunDefaults.beta))
        let timeMax = model.timeLimit
        var now: UInt64 = UInt64(random.nextInt(below: 1000))
        // Host errors (docs/hardware.md, "Host errors"), directed: DECIDE on the empty table and
        // LAYER_DONE before any DECIDE; ENQUEUE into a full table follows at the first full burst.
        model.recorder!.comment("host errors: DECIDE on an empty table, LAYER_DONE before any DECIDE")
        model.refuse(.decideOnEmpty, fields: [now])
        model.refuse(.layerDoneNotRunning, fields: [0, now])
        var refusedFull = false
        var made = 0
        while made < decisions {
            // Bursts fill the table completely now and then.
            let burst = random.nextInt(below: 10) == 0 ? configuration.depth : random.nextInt(below: 3)
            for _ in 0..<burst where model.count < configuration.depth {
                let variant = random.nextInt(below: variants)
                let arrival = now >= 50 ? now - UInt64(random.nextInt(below: 50)) : now
                let deadline: UInt64
                switch random.nextInt(below: 5) {
                case 0: deadline = arrival / 2  // already past
                case 1: deadline = timeMax  // far away: saturates the urgency
                case 2: deadline = now  // exactly now
                default: deadline = min(timeMax, arrival + UInt64(random.nextInt(below: 100_000)))
                }
                model.enqueue(variant: variant, deadline: deadline, arrival: arrival)
            }
            // Host errors, now and then: each one the host can send in this state.
            if model.count == configuration.depth && (!refusedFull || random.nextInt(below: 4) == 0) {
                refusedFull = true
                model.refuse(.enqueueIntoFull, fields: [0, now, now])
            }
            if model.count == 0 {
                if random.nextInt(below: 2) == 0 { model.refuse(.decideOnEmpty, fields: [now]) }
                continue
            }
            _ = model.decide(now: now)
            made += 1
            let step = random.nextInt(below: 6) == 0 ? UInt64(random.nextInt(below: 1 << 20)) : UInt64(random.nextInt(below: 200))
            now = min(timeMax, now + step)
            let nonzeros: UInt64
            switch random.nextInt(below: 6) {
            case 0: nonzeros = 0
            case 1: nonzeros = UInt64(UInt32.max)
            case 2: nonzeros = random.next() & 0xFFFF_FFFF
            default: nonzeros = UInt64(random.nextInt(below: 100_000))
            }
            if model.layerDone(nonzeros: nonzeros, now: now).finished && random.nextInt(below: 8) == 0 {
                model.refuse(.layerDoneNotRunning, fields: [nonzeros, now])
            }
        }
        return model.recorder!
    }
}
