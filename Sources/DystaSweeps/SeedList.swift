import DystaCore
import DystaParsing

/// Seeds written as text: `1-5`, `1,3,7` or `1-3,9` (the `--seeds` flag and the `seeds` key of
/// experiment files, which also takes a list of integers).
public enum SeedList {
    /// Parses `text`; errors name `name` (the flag or key).
    public static func parse(_ text: String, name: String) throws -> [UInt64] {
        var seeds: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let piece = part.trimmingWhitespace
            if let dash = piece.dropFirst().firstIndex(of: "-") {
                guard let low = UInt64(piece[..<dash]), let high = UInt64(piece[piece.index(after: dash)...]), low <= high,
                    high - low < 1_000_000
                else { throw DystaError("\(name) '\(text)': '\(piece)' is not a range like 1-5") }
                seeds += Array(low...high)
            } else {
                guard let seed = UInt64(piece) else { throw DystaError("\(name) '\(text)': '\(piece)' is not a non-negative integer") }
                seeds.append(seed)
            }
        }
        var seen = Set<UInt64>()
        for seed in seeds where !seen.insert(seed).inserted { throw DystaError("\(name) '\(text)' lists seed \(seed) twice") }
        return seeds
    }
}
