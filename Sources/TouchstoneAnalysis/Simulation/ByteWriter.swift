import Foundation
import TouchstoneData

/// Buffered writing of CSV text to a temporary file that replaces its target only when complete.
///
/// Numbers are formatted by hand into a byte buffer: generating tens of millions of rows
/// through `String` interpolation would dominate the run time.
final class ByteWriter {
    private let handle: FileHandle
    private let temporary: URL
    private let target: URL
    private var buffer: [UInt8] = []

    init(path: URL) throws {
        target = path
        temporary = path.deletingLastPathComponent().appendingPathComponent(".\(path.lastPathComponent).partial-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw DataError(file: path.path, message: "cannot create a file in \(path.deletingLastPathComponent().path)")
        }
        handle = try FileHandle(forWritingTo: temporary)
        buffer.reserveCapacity(1 << 20)
    }

    func text(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        flushIfFull()
    }

    func byte(_ value: UInt8) {
        buffer.append(value)
    }

    func integer(_ value: Int64) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
        }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }

    /// A non-negative amount with two decimals (money).
    func amount(_ value: Double) {
        let cents = Int64((value * 100).rounded())
        integer(cents / 100)
        buffer.append(UInt8(ascii: "."))
        let fraction = cents % 100
        buffer.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        buffer.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    func endLine() {
        buffer.append(UInt8(ascii: "\n"))
        flushIfFull()
    }

    private func flushIfFull() {
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and syncs the temporary file; ``commit()`` then renames it into place.
    func finish() throws {
        flush()
        try handle.synchronize()
        try handle.close()
    }

    func commit() throws {
        if rename(temporary.path, target.path) != 0 {
            throw DataError(file: target.path, message: "cannot move the finished file into place: \(String(cString: strerror(errno)))")
        }
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}
