import TouchstoneData

/// A zero-filled buffer of doubles owned by one worker (per-unit accumulators).
final class DoubleBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Double>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        // Indexed by unit for every event: random access over up to hundreds of megabytes.
        HugePages.advise(UnsafeMutableRawBufferPointer(pointer))
        pointer.initialize(repeating: 0)
    }

    deinit { pointer.deallocate() }
}
