/// Append-only byte storage whose bytes never move, so rows can keep plain pointers into it.
///
/// Exposure rows point into the file they were parsed from; only fields that had to be
/// unescaped (a quoted CSV field with `""`, a JSON string with escapes) or that came from a
/// short-lived buffer (a posted request) are copied, here. A growing `[UInt8]` would move its
/// bytes on every reallocation (and touch fresh pages for each copy); fixed blocks never do.
///
/// Not thread-safe: each parsing worker owns its arena. `@unchecked Sendable` because a
/// finished arena is only read, and is handed from the worker to the writer once.
final class ByteArena: @unchecked Sendable {
    private static let blockSize = 1 << 20
    private var blocks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutablePointer<UInt8>?
    private var remaining = 0

    init() {}

    deinit {
        for block in blocks { block.deallocate() }
    }

    /// A copy of `bytes` that stays valid (and unchanged) for the lifetime of the arena.
    func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafePointer<UInt8> {
        let start: UnsafeMutablePointer<UInt8>
        if let next, bytes.count <= remaining {
            start = next
        } else {
            let size = max(Self.blockSize, bytes.count)
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            blocks.append(block)
            start = block.bindMemory(to: UInt8.self, capacity: size)
            remaining = size
        }
        if let source = bytes.baseAddress, !bytes.isEmpty {
            start.initialize(from: source, count: bytes.count)
        }
        next = start + bytes.count
        remaining -= bytes.count
        return UnsafePointer(start)
    }
}
