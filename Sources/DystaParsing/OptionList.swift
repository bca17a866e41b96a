import DystaCore

/// The `name=value,name=value` options of a registry entry, as in `lax-srpt[aging=2]` or
/// `dysta-hw[preset=w16]` (the part inside the brackets).
public enum OptionList {
    /// The pairs in order; throws "`kind` 'item': expected name=value" for an item without a
    /// name, a value or the `=`. Empty items (`a=1,,b=2`) are skipped; nothing is trimmed.
    public static func parse(_ text: String, kind: String = "option") throws -> [(name: String, value: String)] {
        try text.split(separator: ",", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw DystaError("\(kind) '\(item)': expected name=value")
            }
            return (String(parts[0]), String(parts[1]))
        }
    }
}
