#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension ExposureLogReader {
    /// An upper bound on the exposure rows of `storage`: its line breaks plus one (a row takes
    /// at least one line; the header and blank lines take one too).
    static func maximumRows(_ storage: ByteBuffer) -> Int {
        countNewlines(storage.buffer, 0..<storage.count) + 1
    }

    /// The `\n` bytes of `range`, through `memchr` (vectorised in the C library).
    static func countNewlines(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var count = 0
        var index = range.lowerBound
        while index < range.upperBound {
            guard let found = memchr(base + index, 0x0A, range.upperBound - index) else { break }
            count += 1
            index = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base + 1
        }
        return count
    }

    /// Parses every exposure of `storage` into `batch` on `workers` threads; returns the rows.
    ///
    /// The body is split into row-aligned chunks (``CSVReader/chunks(_:)`` for CSV, quoted
    /// files included; any line break for JSON Lines, whose lines are independent), each parsed
    /// into its own batch referencing `storage` in place, and the parts are joined in file
    /// order. Errors are those of a sequential pass: every worker stops at its first bad row,
    /// and the error of the earliest chunk is thrown, with the same file, line and column (the
    /// chunk before the first bad row parses cleanly, since its boundaries are true record
    /// boundaries). Nothing is added to `batch` when any row is bad.
    static func parse(
        _ storage: ByteBuffer, name: String, into batch: inout ExposureBatch,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> Int {
        try parse(storage, name: name, workers: workers, keep: true) { parts in
            batch.reserveCapacity(batch.count + parts.reduce(0) { $0 + $1.count })
            for part in parts { batch.append(contentsOf: part) }
        }
    }

    /// Checks every row of `storage` as ``parse(_:name:into:workers:)`` does, keeping nothing
    /// (the check of a file longer than a segment before its first segment is written).
    static func validate(_ storage: ByteBuffer, name: String, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        _ = try parse(storage, name: name, workers: workers, keep: false) { _ in }
    }

    private static func parse(
        _ storage: ByteBuffer, name: String, workers: Int, keep: Bool, _ join: ([ExposureBatch]) -> Void
    ) throws -> Int {
        let buffer = storage.buffer
        let parse: @Sendable (Range<Int>) throws -> (ExposureBatch, Int)
        let ranges: [Range<Int>]
        if isJSONLines(path: name, bytes: buffer) {
            ranges = lineChunks(buffer, workers)
            parse = { range in
                let buffer = storage.buffer
                // Line numbers: the line breaks before the chunk, counted only for a later chunk.
                let firstLine = range.lowerBound == 0 ? 1 : countNewlines(buffer, 0..<range.lowerBound) + 1
                var part = ExposureBatch(source: storage)
                if keep { part.reserveCapacity(countNewlines(buffer, range) + 1) }
                let rows = try JSONLinesExposureReader.forEach(buffer, in: range, firstLine: firstLine, name: name) {
                    if keep { part.append($0) }
                }
                return (part, rows)
            }
        } else {
            let reader = try CSVReader(storage: storage, name: name, delimiter: nil)
            let columns = try CSVColumns(reader)
            ranges = reader.chunks(workers).map(\.range)
            parse = { range in
                let buffer = storage.buffer
                var part = ExposureBatch(source: storage)
                if keep { part.reserveCapacity(countNewlines(buffer, range) + 1) }
                let rows = try forEachCSV(reader, columns, in: CSVReader.Chunk(range: range)) { if keep { part.append($0) } }
                return (part, rows)
            }
        }
        let slots = WorkerSlots<Result<(ExposureBatch, Int), any Error>>(count: ranges.count)
        Parallel.run(ranges.count) { index in
            slots[index] = Result { try parse(ranges[index]) }
        }
        var parts: [ExposureBatch] = []
        var rows = 0
        for index in ranges.indices {
            guard let result = slots[index] else { continue }
            let (part, count) = try result.get()
            parts.append(part)
            rows += count
        }
        join(parts)
        return rows
    }

    /// At most `count` ranges of the JSON Lines `buffer`, each starting at a line start.
    private static func lineChunks(_ buffer: UnsafeBufferPointer<UInt8>, _ count: Int) -> [Range<Int>] {
        guard count > 1, buffer.count > 1 << 20 else { return [0..<buffer.count] }
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...count {
            var end = part == count ? buffer.count : buffer.count / count * part
            while end < buffer.count, end > 0, buffer[end - 1] != 0x0A { end += 1 }
            end = max(end, start)
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }
}
