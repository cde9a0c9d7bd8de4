import Dispatch

/// Fixed-size per-worker storage that worker `i` alone writes at index `i` (the raw-log
/// pipeline's and the touchpoint parser's per-chunk results).
///
/// Workers never touch each other's slot, so no lock is needed; the class is only a place
/// for results to land before the single-threaded merge that follows `concurrentPerform`.
public final class WorkerSlots<Value>: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<Value?>

    public init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    public subscript(index: Int) -> Value? {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    public var values: [Value?] { Array(storage) }
}

/// The parallel loop of the readers that split a file into chunks (``CSVReader/chunks(_:)``).
public enum Parallel {
    /// Runs `body(i)` for i in 0..<count on the machine's cores.
    public static func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }
}
