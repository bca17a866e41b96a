import Foundation

#if canImport(Glibc)
    import Glibc

    /// What one worker thread runs.
    private final class WorkerContext {
        let body: (Int) -> Void
        let worker: Int
        init(body: @escaping (Int) -> Void, worker: Int) {
            self.body = body
            self.worker = worker
        }
    }
#endif

/// Runs `body(worker)` for workers `0..<count` at the same time, the calling thread being
/// worker 0, and returns when every worker has returned.
///
/// On Linux each other worker is a thread of its own, started at once and joined at the end:
/// `DispatchQueue.concurrentPerform` there starts its extra threads only when the dispatch
/// pool's monitor sees idle cores, which on a machine busy with other processes took seconds
/// (one core used for the first seconds of a run). Elsewhere it is `concurrentPerform`.
public func runOnThreads(_ count: Int, _ body: (Int) -> Void) {
    guard count > 1 else {
        body(0)
        return
    }
    #if canImport(Glibc)
        withoutActuallyEscaping(body) { escapable in
            var threads: [pthread_t] = []
            var unstarted: [Int] = []
            for worker in 1..<count {
                let context = Unmanaged.passRetained(WorkerContext(body: escapable, worker: worker))
                var thread = pthread_t()
                let status = pthread_create(
                    &thread, nil,
                    { raw in
                        let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                        context.body(context.worker)
                        return nil
                    }, context.toOpaque())
                if status == 0 {
                    threads.append(thread)
                } else {
                    context.release()
                    unstarted.append(worker)
                }
            }
            escapable(0)
            // Workers whose thread could not be made run here, after worker 0.
            for worker in unstarted { escapable(worker) }
            for thread in threads { pthread_join(thread, nil) }
        }
    #else
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBox(escapable)
            DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
        }
    #endif
}

/// A value handed to worker threads; the callers of ``runOnThreads(_:_:)`` make its uses safe.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
