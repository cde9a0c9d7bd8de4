#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - JSON Lines

extension CSVReader {
    /// How many non-blank lines the header sample reads.
    static let keySampleLines = 1_000

    /// JSON Lines by name (`.jsonl`, `.ndjson`, any case) or by content (the first non-blank
    /// byte from `start`, past a byte-order mark, is `{`; a header line never starts so).
    static func isJSONLines(name: String, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        let lower = name.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return true }
        var index = start
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
        return index < bytes.count && bytes[index] == UInt8(ascii: "{")
    }

    /// The keys of the first ``keySampleLines`` non-blank lines, in order of first appearance.
    /// The sample lines are parsed in full, so a malformed one is reported here, located.
    static func sampleKeys(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, name: String) throws -> JSONKeyTable {
        var record = JSONRecordScanner(keys: [], requested: [], learns: true)
        var offset = start, line = 1, sampled = 0
        try withUnsafePointer(to: name) { name in
            while offset < buffer.count, sampled < keySampleLines {
                let end = lineEnd(buffer, from: offset, before: buffer.count)
                if try record.scan(buffer, start: offset, end: end, line: line, name: name) { sampled += 1 }
                offset = end + 1
                line += 1
            }
        }
        return JSONKeyTable(names: record.keys.map { String(decoding: $0, as: UTF8.self) })
    }

    /// The offset of the first line break in `offset..<limit`, or `limit`.
    static func lineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from offset: Int, before limit: Int) -> Int {
        guard let base = buffer.baseAddress, offset < limit,
            let found = memchr(base + offset, 0x0A, limit - offset)
        else { return limit }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The JSON Lines counterpart of the delimited row loop: one object per line, found with
    /// `memchr` (a string never holds a raw line break) and split by one reused scanner.
    func forEachJSONRow(
        in range: Range<Int>, firstLine: Int, keys: JSONKeyTable, _ body: (borrowing CSVRow) throws -> Void
    ) throws {
        let snapshot = keys.snapshot()
        var record = JSONRecordScanner(
            keys: snapshot.keys, requested: snapshot.requested, learns: false, required: snapshot.required)
        let buffer = storage.buffer
        var offset = range.lowerBound
        var line = firstLine
        var pass = Pass(reader: self, start: range.lowerBound)
        defer { pass.finish(at: offset) }
        // Rows borrow the name and the key table (held by the caller) for the whole pass.
        let borrowedKeys = Unmanaged.passUnretained(keys)
        try withUnsafePointer(to: name) { namePointer in
            while offset < range.upperBound {
                pass.advance(to: offset)
                let end = Self.lineEnd(buffer, from: offset, before: range.upperBound)
                defer {
                    offset = min(end + 1, range.upperBound)
                    line += 1
                }
                guard try record.scan(buffer, start: offset, end: end, line: line, name: namePointer) else { continue }
                let lineStart = offset
                try record.fields.withUnsafeBufferPointer { fields in
                    try body(CSVRow(buffer: buffer, fields: fields, line: line, name: namePointer, json: (lineStart, borrowedKeys)))
                }
            }
        }
    }
}
