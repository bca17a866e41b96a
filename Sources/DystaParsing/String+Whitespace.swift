extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (option values, seed lists).
    public var trimmingWhitespace: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
