import Foundation
import TouchstoneExperiment
import TouchstoneTime

/// One exposure as byte ranges of the file being read: valid only during the callback, so the
/// hot loop allocates nothing per row.
struct ExposureFields {
    var experiment: UnsafeBufferPointer<UInt8>
    var unitId: UnsafeBufferPointer<UInt8>
    var variant: UnsafeBufferPointer<UInt8>
    /// Microseconds since the Unix epoch.
    var timestamp: Int64
}

/// Streams exposure logs: CSV `unit_id,experiment,variant,timestamp` (any column order, extra
/// columns ignored) or JSON Lines with those four keys.
///
/// The format is chosen by extension (`.jsonl`, `.ndjson`, `.json` → JSON Lines) or else by
/// content (a first non-blank byte `{`). Timestamps are ISO 8601 or epoch seconds
/// (TouchstoneTime's `Timestamp`). Every error names the file, line and column.
public enum ExposureLogReader {
    /// The column and key names read.
    public static let columns = ["unit_id", "experiment", "variant", "timestamp"]

    /// All exposures of the file at `path` (convenient for small files and tests).
    public static func read(path: String) throws -> [Exposure] {
        var result: [Exposure] = []
        try forEach(path: path) { fields in
            result.append(Exposure(
                experiment: String(decoding: fields.experiment, as: UTF8.self),
                unitId: String(decoding: fields.unitId, as: UTF8.self),
                variant: String(decoding: fields.variant, as: UTF8.self),
                timestamp: fields.timestamp))
        }
        return result
    }

    /// Calls `body` for every exposure, in file order; returns the number of rows.
    @discardableResult
    static func forEach(path: String, _ body: (ExposureFields) throws -> Void) throws -> Int {
        try forEach(storage: load(path: path), name: path, body)
    }

    /// The file's bytes, read once (one copy, ``ByteBuffer/init(reading:)``) so that validation
    /// and ingestion share them and rows can point into them.
    static func load(path: String) throws -> ByteBuffer {
        guard let storage = ByteBuffer(reading: path) else {
            throw DataError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        return storage
    }

    /// Calls `body` for every exposure of `bytes` (a posted body, for instance); `name` is the path.
    @discardableResult
    static func forEach(bytes: [UInt8], name: String, _ body: (ExposureFields) throws -> Void) throws -> Int {
        try forEach(storage: ByteBuffer(bytes: bytes), name: name, body)
    }

    /// Calls `body` for every exposure of bytes already read (``load(path:)``), in file order, on
    /// this thread; `name` is the path.
    @discardableResult
    static func forEach(storage: ByteBuffer, name: String, _ body: (ExposureFields) throws -> Void) throws -> Int {
        if isJSONLines(path: name, bytes: storage.buffer) {
            return try JSONLinesExposureReader.forEach(storage.buffer, name: name, body)
        }
        let reader = try CSVReader(storage: storage, name: name, delimiter: nil)
        let columns = try CSVColumns(reader)
        return try forEachCSV(reader, columns, in: nil, body)
    }

    /// `true` for valid UTF-8 without NUL bytes; ASCII (the usual case) is checked without
    /// decoding.
    static func isValidText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        // Eight bytes at a time: a word has a zero byte iff (w - 0x01…01) & ~w & 0x80…80 is
        // non-zero, and a non-ASCII byte iff w & 0x80…80 is (the classic SWAR tests).
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if (word &- ones) & ~word & highs != 0 { return false }
            high |= word & highs
            index += 8
        }
        var ascii = high == 0
        while index < bytes.count {
            let byte = base[index]
            if byte == 0 { return false }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return ascii || String(validating: bytes, as: UTF8.self) != nil
    }

    static func isJSONLines(path: String, bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isJSONLines(path: path, bytes: $0) }
    }

    static func isJSONLines(path: String, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return true }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return false }
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        return first == UInt8(ascii: "{")
    }

    /// The indices of the four columns, looked up in this order (the first missing one is the error).
    struct CSVColumns: Sendable {
        let unit: Int
        let experiment: Int
        let variant: Int
        let time: Int

        init(_ reader: CSVReader) throws {
            unit = try reader.columnIndex("unit_id")
            experiment = try reader.columnIndex("experiment")
            variant = try reader.columnIndex("variant")
            time = try reader.columnIndex("timestamp")
        }
    }

    /// Calls `body` for the exposures of the rows of `chunk`, or of the whole file when `nil`
    /// (errors carry true line numbers).
    ///
    /// The whole file is not read as one chunk: ``CSVReader/forEachRow(in:_:)`` rebases the line
    /// of every ``DataError`` leaving it, including errors `body` throws that are already
    /// located (the ingest validates the rest of a long file from inside `body`).
    static func forEachCSV(
        _ reader: CSVReader, _ columns: CSVColumns, in chunk: CSVReader.Chunk?, _ body: (ExposureFields) throws -> Void
    ) throws -> Int {
        // Plain integers, not `columns`: the row closure captures only what it reads.
        let unit = columns.unit, experiment = columns.experiment, variant = columns.variant, time = columns.time
        var rows = 0
        func each(_ row: borrowing CSVRow) throws {
            // Checked column by column, not over an array of (index, name) pairs: this runs per
            // row and the array would be an allocation each time.
            if row.isEmpty(unit) { throw row.error(unit, "empty unit_id") }
            if row.isEmpty(experiment) { throw row.error(experiment, "empty experiment") }
            if row.isEmpty(variant) { throw row.error(variant, "empty variant") }
            if row.isEmpty(time) { throw row.error(time, "empty timestamp") }
            // Ids and names are stored as text and read back as `String`: malformed UTF-8 would come
            // back repaired (U+FFFD), so two different malformed names would merge silently.
            // Fields needing no unescaping (nearly all) are read in place, without the nested
            // closures of `withBytes`, whose captured contexts cost retains on every row.
            if let unitBytes = row.inPlaceBytes(unit), let experimentBytes = row.inPlaceBytes(experiment),
               let variantBytes = row.inPlaceBytes(variant), let timeBytes = row.inPlaceBytes(time)
            {
                if !isValidText(unitBytes) { throw row.error(unit, "unit_id is not valid UTF-8 text without NUL bytes") }
                if !isValidText(experimentBytes) {
                    throw row.error(experiment, "experiment is not valid UTF-8 text without NUL bytes")
                }
                if !isValidText(variantBytes) { throw row.error(variant, "variant is not valid UTF-8 text without NUL bytes") }
                guard let timestamp = Timestamp.parse(timeBytes)?.microseconds else {
                    throw row.error(time, Timestamp.rejection(of: row.string(time)))
                }
                try body(ExposureFields(experiment: experimentBytes, unitId: unitBytes, variant: variantBytes, timestamp: timestamp))
                rows += 1
                return
            }
            if !row.withBytes(unit, isValidText) { throw row.error(unit, "unit_id is not valid UTF-8 text without NUL bytes") }
            if !row.withBytes(experiment, isValidText) {
                throw row.error(experiment, "experiment is not valid UTF-8 text without NUL bytes")
            }
            if !row.withBytes(variant, isValidText) { throw row.error(variant, "variant is not valid UTF-8 text without NUL bytes") }
            guard let timestamp = row.withBytes(time, { Timestamp.parse($0)?.microseconds }) else {
                throw row.error(time, Timestamp.rejection(of: row.string(time)))
            }
            try row.withBytes(experiment) { experimentBytes in
                try row.withBytes(unit) { unitBytes in
                    try row.withBytes(variant) { variantBytes in
                        try body(ExposureFields(experiment: experimentBytes, unitId: unitBytes, variant: variantBytes, timestamp: timestamp))
                    }
                }
            }
            rows += 1
        }
        if let chunk { try reader.forEachRow(in: chunk, each) } else { try reader.forEachRow(each) }
        return rows
    }
}
