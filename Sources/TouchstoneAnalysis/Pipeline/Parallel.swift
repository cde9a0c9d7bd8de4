import Dispatch

/// Fixed-size per-worker storage that worker `i` alone writes at index `i`.
///
/// Workers never touch each other's slot, so no lock is needed; the class is only a place
/// for results to land before the single-threaded merge that follows `concurrentPerform`.
final class WorkerSlots<Value>: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    subscript(index: Int) -> Value? {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    var values: [Value?] { Array(storage) }
}

/// A zero-filled buffer of doubles owned by one worker (per-unit accumulators).
final class DoubleBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Double>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0)
    }

    deinit { pointer.deallocate() }
}

enum Parallel {
    /// Runs `body(i)` for i in 0..<count on the machine's cores.
    static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }
}
