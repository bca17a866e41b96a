/// Shortest round-trip decimal form of a finite number (`1.0` → `1`, `0.1` → `0.1`); infinities
/// are `inf` and `-inf`. Reports, help texts and option defaults all write numbers with it.
public func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}
