#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UnsafeBufferPointer<UInt8> {
    /// `true` when these bytes are exactly `other`'s (length, then `memcmp`).
    ///
    /// `Sequence.elementsEqual` walks both sides through iterators, about twenty instructions a
    /// byte in an optimised build. Raw-log readers match every row's experiment and variant
    /// against the few known ones; through `elementsEqual` that was 7% of the instructions of a
    /// whole analysis, all in the single-threaded exposure pass.
    @inlinable
    public func bytesEqual(_ other: [UInt8]) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, let base = baseAddress else { return true }
        return other.withUnsafeBufferPointer { other in
            guard let otherBase = other.baseAddress else { return false }
            return memcmp(base, otherBase, count) == 0
        }
    }
}
