#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Immutable bytes of an input file, memory-mapped when read from disk.
///
/// Mapping instead of reading keeps multi-gigabyte logs out of the heap (pages are loaded on
/// demand and shared with the page cache) and lets worker threads parse disjoint ranges of the
/// same bytes. The class never mutates after `init`, which is what makes sharing it across
/// threads safe.
public final class ByteBuffer: @unchecked Sendable {
    public let count: Int
    private let base: UnsafeMutableRawPointer?
    private let mapped: Bool

    /// Maps the file at `path` read-only.
    public init(contentsOf path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError(file: path, message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DataError(file: path, message: "cannot read the file's size: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw DataError(file: path, message: "is a directory, not a file")
        }
        let size = Int(status.st_size)
        if size == 0 {
            count = 0
            base = nil
            mapped = false
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw DataError(file: path, message: "cannot map the file: \(String(cString: strerror(errno)))")
        }
        // Sequential parsing: ask the kernel to read ahead aggressively.
        _ = madvise(address, size, MADV_SEQUENTIAL)
        count = size
        base = address
        mapped = true
    }

    /// Copies `bytes` (for input that does not come from a file, such as standard input).
    public init(bytes: [UInt8]) {
        count = bytes.count
        mapped = false
        guard !bytes.isEmpty else {
            base = nil
            return
        }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { source in
            if let address = source.baseAddress { memory.copyMemory(from: address, byteCount: bytes.count) }
        }
        base = memory
    }

    deinit {
        guard let base else { return }
        if mapped {
            munmap(base, count)
        } else {
            base.deallocate()
        }
    }

    /// Tells the kernel the pages of `range` are no longer needed, so a long sequential pass
    /// does not keep the whole file resident. The bytes stay readable: touching them again
    /// re-reads them from the file. No effect on copied (non-mapped) bytes.
    public func release(_ range: Range<Int>) {
        guard mapped, let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(base + start, end - start, MADV_DONTNEED)
    }

    /// The bytes, valid for the lifetime of this object.
    public var buffer: UnsafeBufferPointer<UInt8> {
        guard let base else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
    }
}
