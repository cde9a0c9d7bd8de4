/// A zero-filled buffer of doubles owned by one worker (per-unit accumulators).
final class DoubleBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Double>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0)
    }

    deinit { pointer.deallocate() }
}
