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
        let (ranges, forEach) = try plan(storage, name: name, workers: workers)
        // A chunk's rows are at most its line breaks plus one: each worker's region of the
        // batch is sized from them, counted in parallel, so no row array grows or is copied.
        let lines = WorkerSlots<Int>(count: ranges.count)
        Parallel.run(ranges.count) { index in lines[index] = countNewlines(storage.buffer, ranges[index]) }
        let capacities = ranges.indices.map { (lines[$0] ?? 0) + 1 }
        let before = batch.count
        try batch.appendInParallel(capacities: capacities) { worker, sink in
            _ = try forEach(ranges[worker]) { try sink.append($0, name: name) }
        }
        return batch.count - before
    }

    /// Checks every row of `storage` as ``parse(_:name:into:workers:)`` does, keeping nothing
    /// (the check of a file longer than a segment before its first segment is written).
    static func validate(_ storage: ByteBuffer, name: String, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let (ranges, forEach) = try plan(storage, name: name, workers: workers)
        let errors = WorkerSlots<any Error>(count: ranges.count)
        Parallel.run(ranges.count) { index in
            do { _ = try forEach(ranges[index]) { _ in } } catch { errors[index] = error }
        }
        for index in ranges.indices { if let error = errors[index] { throw error } }
    }

    /// The row-aligned chunks of `storage` and the function that reads the exposures of one.
    private static func plan(
        _ storage: ByteBuffer, name: String, workers: Int
    ) throws -> ([Range<Int>], @Sendable (Range<Int>, (ExposureFields) throws -> Void) throws -> Int) {
        if isJSONLines(path: name, bytes: storage.buffer) {
            return (lineChunks(storage.buffer, workers), { range, body in
                let buffer = storage.buffer
                // Line numbers: the line breaks before the chunk, counted only for a later chunk.
                let firstLine = range.lowerBound == 0 ? 1 : countNewlines(buffer, 0..<range.lowerBound) + 1
                return try JSONLinesExposureReader.forEach(buffer, in: range, firstLine: firstLine, name: name, body)
            })
        }
        let reader = try CSVReader(storage: storage, name: name, delimiter: nil)
        let columns = try CSVColumns(reader)
        return (reader.chunks(workers).map(\.range), { range, body in
            try forEachCSV(reader, columns, in: CSVReader.Chunk(range: range), body)
        })
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
