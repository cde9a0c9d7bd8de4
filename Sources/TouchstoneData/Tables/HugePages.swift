#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks Linux to back large, randomly accessed tables with 2 MiB pages.
///
/// The unit index and the per-unit accumulators are read and written at a random place for
/// every row: at ten million units they span 640 MB and 240 MB, so with 4 KiB pages nearly
/// every access also misses the TLB and walks the page tables. On a machine whose transparent
/// huge pages are in `madvise` mode (the usual default) a region is backed by huge pages only
/// when asked, before it is first touched. Elsewhere, or when refused, nothing changes.
public enum HugePages {
    /// Regions smaller than this keep their pages: the kernel would round them anyway.
    static let minimumBytes = 8 << 20

    /// Advises the 2 MiB-aligned interior of `region`, which must not have been written yet.
    public static func advise(_ region: UnsafeMutableRawBufferPointer) {
#if os(Linux)
        guard region.count >= minimumBytes, let base = region.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + region.count) / huge * huge
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, end - start, MADV_HUGEPAGE)
#endif
    }

    /// `count` copies of `value` in an array whose storage was advised before being filled.
    public static func array<Element>(repeating value: Element, count: Int) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            advise(UnsafeMutableRawBufferPointer(buffer))
            buffer.initialize(repeating: value)
            initialized = count
        }
    }
}
