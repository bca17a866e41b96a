/// Values a policy keeps per request, indexed by ``ReadyRequest/position`` (dense, 0 ..< number
/// of requests of the run): the general way for a policy to remember something about a request
/// without a field in the shared ``ReadyRequest``.
///
/// Size it in ``SchedulingPolicy/prepare(for:)`` (`reset(count:)`); it also grows on a write
/// beyond its end, so a policy driven without the engine still works. Reads and writes are one
/// bounds check and an array access — no hashing, no allocation once sized.
public struct PerRequestState<Value: Sendable>: Sendable {
    @usableFromInline var storage: ContiguousArray<Value>
    /// The value of a request never written.
    public let initial: Value

    /// Creates an empty store whose unwritten entries read as `initial`.
    public init(initial: Value) {
        self.initial = initial
        self.storage = []
    }

    /// Forgets every value and sizes the store for `count` requests (call from `prepare(for:)`).
    public mutating func reset(count: Int) {
        storage = ContiguousArray(repeating: initial, count: max(count, 0))
    }

    /// The value of `request`.
    @inlinable public subscript(request: ReadyRequest) -> Value {
        get { request.position < storage.count ? storage[request.position] : initial }
        set {
            if request.position >= storage.count { grow(to: request.position + 1) }
            storage[request.position] = newValue
        }
    }

    @usableFromInline mutating func grow(to count: Int) {
        storage.append(contentsOf: repeatElement(initial, count: max(count, storage.count * 2) - storage.count))
    }
}
