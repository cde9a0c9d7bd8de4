import Dispatch

extension CSVReader {
    /// Splits a delimited body that contains quotes into at most `count` chunks, each starting
    /// at a record boundary, so fully quoted exports are parsed in parallel like unquoted ones.
    ///
    /// In RFC 4180 text a quote only opens a field, closes it, or appears doubled inside it, so
    /// a byte lies inside a quoted field exactly when an odd number of quotes precedes it (in
    /// the body, whose header is balanced): a line break after an even number is a record
    /// boundary. The quotes of each nominal part are counted in parallel, their prefix sums give
    /// the parity at each nominal split point, and each split moves forward to the first line
    /// break outside quotes.
    ///
    /// Malformed quoting cannot make this give a different answer: every split point before
    /// the first misplaced quote is a true record boundary, so the chunk holding that quote is
    /// parsed from a true boundary and throws the error a sequential pass throws (at the same
    /// line), and the earliest chunk's error is the one reported.
    func quotedChunks(_ count: Int, body: Range<Int>) -> [Chunk] {
        guard let base = storage.buffer.baseAddress else { return [Chunk(range: body)] }
        let bounds = (0...count).map { part in
            part == count ? body.upperBound : body.lowerBound + body.count / count * part
        }
        let quotes = QuoteCounts(count: count)
        let stride = Self.releaseStride
        let storage = self.storage
        DispatchQueue.concurrentPerform(iterations: count) { part in
            guard let base = storage.buffer.baseAddress else { return }
            var total = 0
            var start = bounds[part]
            while start < bounds[part + 1] {
                let end = min(bounds[part + 1], start + stride)
                total += Self.countQuotes(base + start, end - start)
                storage.release(start..<end)
                start = end
            }
            quotes.set(part, total)
        }
        var chunks: [Chunk] = []
        var start = body.lowerBound
        var quotesBefore = 0
        for part in 1...count {
            quotesBefore += quotes.get(part - 1)
            var end = bounds[part]
            if part < count {
                // Walk from the nominal point, tracking the parity, to a line break outside quotes.
                var inside = quotesBefore % 2 == 1
                while end < body.upperBound {
                    let byte = base[end]
                    end += 1
                    if byte == UInt8(ascii: "\"") {
                        inside.toggle()
                    } else if byte == UInt8(ascii: "\n"), !inside {
                        break
                    }
                }
                // The split point may fall behind the previous one when a part lies inside one field.
                end = max(end, start)
            }
            if end > start { chunks.append(Chunk(range: start..<end)) }
            start = end
        }
        return chunks
    }

    /// The number of `"` bytes in `count` bytes at `bytes`, in a loop the compiler vectorises.
    static func countQuotes(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var total = 0
        var index = 0
        while index < count {
            // Blocks small enough that a byte counter cannot overflow, summed into `total`.
            let end = min(count, index + 255)
            var block: UInt8 = 0
            while index < end {
                block &+= bytes[index] == UInt8(ascii: "\"") ? 1 : 0
                index += 1
            }
            total += Int(block)
        }
        return total
    }
}

/// Per-part quote counts, each written by one worker only.
private final class QuoteCounts: @unchecked Sendable {
    private var counts: [Int]

    init(count: Int) { counts = Array(repeating: 0, count: count) }

    func set(_ part: Int, _ value: Int) {
        counts.withUnsafeMutableBufferPointer { $0[part] = value }
    }

    func get(_ part: Int) -> Int { counts[part] }
}
