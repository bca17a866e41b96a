import DystaCore

/// One option of a configurable plug-in (a policy's `name[key=value,…]`, the hardware
/// scheduler's parameters): its name, type, allowed values and help line, declared once.
///
/// Parsing, the error for a bad value, `dysta list` and the help texts are all derived from the
/// declaration (``TypedOptions``). Values are set on a copy of the plug-in's configuration
/// value `Target`.
public struct TypedOption<Target>: Sendable {
    /// The name written before `=`.
    public let name: String
    /// What the option does, one line, with its unit.
    public let help: String
    /// The values it takes, as text for help and errors (e.g. "a number ≥ 0", "true or false").
    public let expected: String
    private let set: @Sendable (inout Target, String) -> Bool
    private let get: @Sendable (Target) -> String

    /// Declares an option from how to set it (`false`: the text is not a value of the option)
    /// and how to read it back (for defaults).
    public init(
        _ name: String, expected: String, help: String, set: @escaping @Sendable (inout Target, String) -> Bool,
        get: @escaping @Sendable (Target) -> String
    ) {
        self.name = name
        self.help = help
        self.expected = expected
        self.set = set
        self.get = get
    }

    /// An option stored at `keyPath`: `parse` turns the text into a value (nil: not one),
    /// `format` writes it back.
    public static func value<Value>(
        _ name: String, _ keyPath: WritableKeyPath<Target, Value> & Sendable, expected: String, help: String,
        parse: @escaping @Sendable (String) -> Value?, format: @escaping @Sendable (Value) -> String
    ) -> TypedOption {
        TypedOption(
            name, expected: expected, help: help,
            set: { target, text in
                guard let value = parse(text) else { return false }
                target[keyPath: keyPath] = value
                return true
            },
            get: { format($0[keyPath: keyPath]) })
    }

    /// A real number with a lower bound (and optionally `inf`).
    public static func number(
        _ name: String, _ keyPath: WritableKeyPath<Target, Double> & Sendable, atLeast minimum: Double = 0,
        allowsInfinity: Bool = false, help: String
    ) -> TypedOption {
        let bound = minimum == 0 ? "0" : "\(minimum)"
        return value(
            name, keyPath, expected: "a number ≥ \(bound)" + (allowsInfinity ? " or inf" : ""), help: help,
            parse: { text in
                guard let value = Double(text), !value.isNaN, value >= minimum, allowsInfinity || value.isFinite else { return nil }
                return value
            }, format: formatNumber)
    }

    /// An integer in a range.
    public static func integer(
        _ name: String, _ keyPath: WritableKeyPath<Target, Int> & Sendable, in range: ClosedRange<Int>, help: String
    ) -> TypedOption {
        value(
            name, keyPath, expected: "an integer \(range.lowerBound) … \(range.upperBound)", help: help,
            parse: { Int($0).flatMap { range.contains($0) ? $0 : nil } }, format: { String($0) })
    }

    /// An integer (ranges that depend on other options are checked by the target itself).
    public static func integer(_ name: String, _ keyPath: WritableKeyPath<Target, Int> & Sendable, help: String) -> TypedOption {
        value(name, keyPath, expected: "an integer", help: help, parse: { Int($0) }, format: { String($0) })
    }

    /// `true` or `false`.
    public static func flag(_ name: String, _ keyPath: WritableKeyPath<Target, Bool> & Sendable, help: String) -> TypedOption {
        value(name, keyPath, expected: "true or false", help: help, parse: { Bool($0) }, format: { String($0) })
    }

    /// One of a fixed set of words.
    public static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<Target, Choice> & Sendable, help: String
    ) -> TypedOption where Choice.RawValue == String {
        value(
            name, keyPath, expected: "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", "), help: help,
            parse: { Choice(rawValue: $0) }, format: { $0.rawValue })
    }

    /// Sets the option on `target`; false when `text` is not one of its values.
    public func apply(_ text: String, to target: inout Target) -> Bool { set(&target, text) }

    /// The option's value in `target`, as text.
    public func value(in target: Target) -> String { get(target) }
}

/// The options of one plug-in, declared once: parsing `key=value` lists, errors naming the
/// option and its allowed values, and help lines with defaults all come from here.
public struct TypedOptions<Target>: Sendable {
    /// How errors name the plug-in, e.g. `lax-srpt`.
    public let owner: String
    /// The options, in the order help lists them.
    public let options: [TypedOption<Target>]

    /// Declares the options of `owner`.
    public init(owner: String, _ options: [TypedOption<Target>]) {
        self.owner = owner
        self.options = options
    }

    /// The option names, comma-separated.
    public var names: String { options.map(\.name).joined(separator: ", ") }

    /// The option called `name`.
    public func option(_ name: String) -> TypedOption<Target>? { options.first { $0.name == name } }

    /// `target` with the options of the pairs applied in order; throws naming the first
    /// unknown option or bad value.
    public func applying(_ pairs: [(name: String, value: String)], to target: Target) throws -> Target {
        var result = target
        for (name, value) in pairs {
            guard let option = option(name) else {
                throw DystaError("\(owner) has no option '\(name)' (known: \(names))")
            }
            guard option.apply(value, to: &result) else {
                throw DystaError("\(owner) option '\(name)': '\(value)' is not \(option.expected)")
            }
        }
        return result
    }

    /// `target` with the options written as `key=value,…` (the text inside a name's brackets).
    public func parsing(_ text: String, into target: Target) throws -> Target {
        try applying(try OptionList.parse(text, kind: "\(owner) option"), to: target)
    }

    /// One help line per option: `name=DEFAULT  help (expected)`, defaults read from `defaults`.
    public func helpLines(defaults: Target) -> [String] {
        options.map { "\($0.name)=\($0.value(in: defaults))  \($0.help) (\($0.expected))" }
    }
}
