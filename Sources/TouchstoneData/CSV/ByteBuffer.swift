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

    /// Reads the file at `path` into memory with `read(2)`: one copy, straight into the buffer.
    ///
    /// For readers that keep pointers into the bytes after parsing (exposure ingest sorts and
    /// writes rows that point into the file): unlike a private mapping, a copy cannot change
    /// under them if the file is rewritten between validation and writing. `nil` when the file
    /// cannot be opened or read (a directory included).
    public init?(reading path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        // The size is a hint: a file that grows while it is read is read to its end.
        var capacity = max(Int(status.st_size), 0) + 1
        var memory = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        var size = 0
        while true {
            if size == capacity {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: memory, byteCount: size)
                memory.deallocate()
                memory = grown
                capacity *= 2
            }
            let got = read(descriptor, memory + size, capacity - size)
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else {
                memory.deallocate()
                return nil
            }
            if got == 0 { break }
            size += got
        }
        count = size
        base = memory
        mapped = false
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
