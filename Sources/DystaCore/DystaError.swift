import Foundation

/// An error caused by user input or configuration, reported as one line naming where it happened.
///
/// The description has the form `FILE:LINE: column 'NAME': MESSAGE` with the parts that are
/// known; the CLI prints it and exits with a non-zero status.
public struct DystaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the problem is in, if the problem came from a file.
    public var file: String?
    /// The 1-based line number in `file`.
    public var line: Int? {
        get { storedLine == 0 ? nil : Int(storedLine) }
        set { storedLine = Int32(clamping: newValue ?? 0) }
    }
    /// The column (by name) the problem is in.
    public var column: String?
    /// What is wrong, and where obvious how to fix it.
    public var message: String
    /// The setting the message starts with (snake_case, e.g. `switch_cost`), when the problem
    /// is one setting's value: each front end names it in its own words (the command line as
    /// `--switch-cost`, the Python package as the keyword `switch_cost`; docs/determinism.md).
    public var setting: String? { settingLength == 0 ? nil : String(message.utf8.prefix(Int(settingLength))) }

    // Line and setting share 8 bytes, so the value keeps the size it had before settings were
    // named (errors are copied on every throw).
    private var storedLine: Int32 = 0
    private var settingLength: Int32 = 0

    /// Creates an error; every location part is optional.
    public init(_ message: String, file: String? = nil, line: Int? = nil, column: String? = nil) {
        self.message = message
        self.file = file
        self.column = column
        self.line = line
    }

    /// An error about one setting's value: the message is `SETTING PROBLEM`.
    public init(setting: String, _ problem: String) {
        self.init("\(setting) \(problem)")
        settingLength = Int32(setting.utf8.count)
    }

    /// The error in the command line's words: a setting named as its flag (`--switch-cost`).
    public var inCommandLineWords: DystaError {
        guard let setting, message.hasPrefix(setting) else { return self }
        var copy = self
        copy.message = "--" + setting.replacingOccurrences(of: "_", with: "-") + message.dropFirst(setting.count)
        copy.settingLength = 0
        return copy
    }

    /// The one-line text shown to the user.
    public var description: String {
        var prefix = ""
        if let file {
            prefix += file
            if let line { prefix += ":\(line)" }
            prefix += ": "
        } else if let line {
            prefix += "line \(line): "
        }
        if let column { prefix += "column '\(column)': " }
        // One line, always: newlines in a message would break the contract.
        let flat = message.replacingOccurrences(of: "\n", with: " ")
        return prefix + flat
    }

    /// Returns a copy located in `file` (keeps a file already set).
    public func inFile(_ path: String) -> DystaError {
        var copy = self
        if copy.file == nil { copy.file = path }
        return copy
    }
}

extension String {
    /// Finite `Double` parse of a whole field (no NaN, no infinities); `nil` when not a number.
    @inlinable
    public func finiteDouble() -> Double? {
        guard let value = Double(self), value.isFinite else { return nil }
        return value
    }
}
