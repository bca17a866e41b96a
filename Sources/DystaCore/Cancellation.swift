/// A request to stop long work early, raised from another thread (the Python package raises
/// it on Ctrl-C while the engine runs).
///
/// Comparisons and sweeps check it between runs: finished runs are kept (a sweep's journal
/// has them), the run in progress is abandoned and the call throws ``DystaError/interrupted``.
/// Bound per call with `Cancellation.$current.withValue(…)` (task-local: nothing global is
/// mutated); worker threads get it passed explicitly.
public struct Cancellation: @unchecked Sendable {
    /// A 32-bit flag owned by the caller, non-zero once stop is requested (nil: never).
    private let flag: UnsafePointer<Int32>?

    /// A cancellation that reads `flag`; the caller keeps it alive while work runs.
    public init(flag: UnsafePointer<Int32>?) { self.flag = flag }

    /// Whether a caller bound a flag: the host (e.g. a Python interpreter) then owns the
    /// process's signals and commands must not install their own Ctrl-C handling.
    public var isHosted: Bool { flag != nil }

    /// Whether stop was requested.
    public var isRequested: Bool {
        guard let flag else { return false }
        return flag.pointee != 0
    }

    /// Throws ``DystaError/interrupted`` when stop was requested.
    public func check() throws { if isRequested { throw DystaError.interrupted } }

    /// The cancellation of the code running now (default: none).
    @TaskLocal public static var current = Cancellation(flag: nil)
}

extension DystaError {
    /// The error of work stopped by a ``Cancellation``.
    public static let interrupted = DystaError("interrupted: finished runs were kept")
}
