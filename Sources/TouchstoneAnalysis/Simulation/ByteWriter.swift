import Foundation
import TouchstoneData

/// Buffered writing of CSV text through an ``OutputFile`` (a temporary file that replaces its
/// target only when complete, removed on failure or on SIGINT/SIGTERM/SIGHUP).
///
/// Numbers are formatted by hand into a byte buffer: generating tens of millions of rows
/// through `String` interpolation would dominate the run time.
final class ByteWriter {
    private let file: OutputFile
    private var buffer: [UInt8] = []
    /// The first write failure; the generators do not check each line, ``finish()`` reports it.
    private var failure: DataError?

    init(path: URL) throws {
        file = try OutputFile(path: path.path)
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
        if failure == nil {
            do { try file.write(buffer) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes the buffer and reports the first write failure; ``commit()`` then puts the file in place.
    func finish() throws {
        flush()
        if let failure { throw failure }
    }

    func commit() throws {
        try file.commit()
    }

    func discard() {
        file.discard()
    }
}
