import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks Linux to back large, randomly accessed tables with 2 MiB pages, when the environment
/// variable `TOUCHSTONE_HUGE_PAGES` is `1`.
///
/// The unit index and the per-unit accumulators are read and written at a random place for
/// every row: at ten million units they span 640 MB and 240 MB, so with 4 KiB pages nearly
/// every access also misses the TLB and walks the page tables. On a machine whose transparent
/// huge pages are in `madvise` mode (the usual default) a region is backed by huge pages only
/// when asked, before it is first touched.
///
/// Off by default because first touching huge pages can cost more than the TLB misses save.
/// On the 2-core virtual machine of docs/scale.md, whose free memory goes back to the host,
/// faulting in the 10M-unit tables as huge pages took 6 s of system time against 2 s with
/// 4 KiB pages, and the run 12.1–12.6 s against 8.7–9.4 s; the TLB misses huge pages save
/// (up to 3 s of user time in back-to-back runs) were smaller than that. Huge pages may pay on
/// a machine whose memory is its own. Elsewhere, or when refused, nothing changes.
public enum HugePages {
    /// Regions smaller than this keep their pages: the kernel would round them anyway.
    static let minimumBytes = 8 << 20

    /// Whether advice is given: read once, from `TOUCHSTONE_HUGE_PAGES`.
    public static let isEnabled: Bool = {
#if os(Linux)
        guard let value = getenv("TOUCHSTONE_HUGE_PAGES") else { return false }
        return String(cString: value) == "1"
#else
        return false
#endif
    }()

    /// Advises the 2 MiB-aligned interior of `region`, which must not have been written yet,
    /// when ``isEnabled``.
    public static func advise(_ region: UnsafeMutableRawBufferPointer) {
        guard isEnabled else { return }
        adviseAlways(region)
    }

    /// Advises the 2 MiB-aligned interior of `region` whatever ``isEnabled`` says (tests).
    static func adviseAlways(_ region: UnsafeMutableRawBufferPointer) {
#if os(Linux)
        guard region.count >= minimumBytes, let base = region.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) / huge * huge
        let end = (Int(bitPattern: base) + region.count) / huge * huge
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, end - start, MADV_HUGEPAGE)
#endif
    }

    /// `count` copies of `value` in an array whose storage was advised (see ``advise(_:)``)
    /// before being filled; `always` advises whatever ``isEnabled`` says (tests).
    ///
    /// A large array is filled on all cores: filling is mostly the kernel zeroing fresh pages on
    /// first touch, which on the 2-core machine of docs/scale.md ran at 0.6 GB/s on one core and
    /// was the first 0.13 s of a one-million-unit analysis, with the other core idle.
    public static func array<Element: Sendable>(repeating value: Element, count: Int, always: Bool = false) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            if always { adviseAlways(UnsafeMutableRawBufferPointer(buffer)) } else { advise(UnsafeMutableRawBufferPointer(buffer)) }
            let bytes = count * MemoryLayout<Element>.stride
            if let base = buffer.baseAddress, bytes >= parallelFillBytes {
                let parts = 8
                let target = FillTarget(base: base)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let start = count / parts * part
                    let end = part == parts - 1 ? count : count / parts * (part + 1)
                    (target.base + start).initialize(repeating: value, count: end - start)
                }
            } else {
                buffer.initialize(repeating: value)
            }
            initialized = count
        }
    }

    /// Arrays of at least this many bytes are filled in parallel.
    static let parallelFillBytes = 16 << 20
}

/// The storage ``HugePages/array(repeating:count:always:)`` fills: each part is written by
/// one task only.
private struct FillTarget<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
