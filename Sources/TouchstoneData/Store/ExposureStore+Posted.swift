import CSQLite
import TouchstoneTime

/// Exposure rows posted to `touchstone serve`, parsed and checked, ready for one durable commit.
///
/// Parsing happens on the request's task, so a bad batch is refused (with its line and column)
/// before it reaches the single writer, and the writer only sorts, merges and upserts.
public struct PostedExposures: Sendable {
    var batch = ExposureBatch()
    /// Rows in the body.
    public private(set) var count = 0

    /// Parses a JSON array or JSON Lines of `{unit_id, experiment, variant, timestamp}` objects.
    ///
    /// - Parameters:
    ///   - maximumRows: more rows than this is an error (the batch-size limit).
    ///   - check: returns an error message for an (experiment, variant) pair the server does not
    ///     know; called once per distinct pair.
    /// - Throws: ``DataError`` naming the line (JSON Lines) or the array element and the column.
    public static func parse(
        _ body: [UInt8], name: String, maximumRows: Int, check: (_ experiment: String, _ variant: String) -> String?
    ) throws -> PostedExposures {
        let (lines, _) = try RequestBody.jsonLines(body, name: name)
        var posted = PostedExposures()
        var known: [(experiment: [UInt8], variant: [UInt8])] = []
        // Named `.jsonl` so the reader takes JSON Lines whatever the first byte.
        try ExposureLogReader.forEach(bytes: lines, name: name + ".jsonl") { fields in
            posted.count += 1
            guard posted.count <= maximumRows else {
                throw DataError(file: name, message: "more than \(maximumRows) rows in one request (the batch-size limit)")
            }
            let seen = known.contains { $0.experiment.elementsEqual(fields.experiment) && $0.variant.elementsEqual(fields.variant) }
            if !seen {
                let experiment = String(decoding: fields.experiment, as: UTF8.self)
                let variant = String(decoding: fields.variant, as: UTF8.self)
                if let problem = check(experiment, variant) { throw DataError(file: name, message: problem) }
                known.append((Array(fields.experiment), Array(fields.variant)))
            }
            posted.batch.append(fields)
        }
        return posted
    }
}

/// Event rows posted to `touchstone serve`: `{unit_id, timestamp, event, value?}` objects, the
/// columns of an event log.
///
/// Events are stored as a set keyed by (unit, event, time in µs, value): re-sending a batch
/// changes nothing. Two events identical in all four are therefore one event — log a distinct
/// time (microseconds are kept) for repeated identical events.
public struct PostedEvents: Sendable {
    struct Row: Sendable {
        var unit: Range<Int>
        var event: Range<Int>
        var at: Int64
        var value: Double?
    }

    var arena: [UInt8] = []
    var rows: [Row] = []
    public var count: Int { rows.count }

    /// Parses a JSON array or JSON Lines of event objects; `value` may be absent or null.
    ///
    /// - Throws: ``DataError`` naming the line (or array element) and column at fault.
    public static func parse(_ body: [UInt8], name: String, maximumRows: Int) throws -> PostedEvents {
        let (lines, _) = try RequestBody.jsonLines(body, name: name)
        var posted = PostedEvents()
        guard lines.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return posted }
        let reader = try CSVReader(bytes: lines, name: name + ".jsonl")
        let unit = try reader.columnIndex("unit_id")
        let time = try reader.columnIndex("timestamp")
        let event = try reader.columnIndex("event")
        let value = try reader.sparseColumnIndex("value")
        try reader.forEachRow { row in
            guard posted.rows.count < maximumRows else {
                throw DataError(file: name, message: "more than \(maximumRows) rows in one request (the batch-size limit)")
            }
            for (index, key) in [(unit, "unit_id"), (event, "event"), (time, "timestamp")] where row.isEmpty(index) {
                throw row.error(index, "empty \(key)")
            }
            for (index, key) in [(unit, "unit_id"), (event, "event")] where !row.withBytes(index, ExposureLogReader.isValidText) {
                throw row.error(index, "\(key) is not valid UTF-8 text without NUL bytes")
            }
            guard let at = row.withBytes(time, { Timestamp.parse($0)?.microseconds }) else {
                throw row.error(time, Timestamp.rejection(of: row.string(time)))
            }
            let amount: Double? = row.isEmpty(value) ? nil : try row.double(value, column: "value")
            let unitRange = row.withBytes(unit) { posted.copy($0) }
            let eventRange = row.withBytes(event) { posted.copy($0) }
            posted.rows.append(Row(unit: unitRange, event: eventRange, at: at, value: amount))
        }
        return posted
    }

    private mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let start = arena.count
        arena.append(contentsOf: bytes)
        return start..<arena.count
    }
}

extension ExposureStore {
    /// The `events` table (schema version 2). `has_value` tells an event without a value from one
    /// with value 0; both are part of the key, so the key is the whole row and a re-sent event
    /// is a no-op (`INSERT … ON CONFLICT DO NOTHING`).
    static let eventsSchema = """
        CREATE TABLE IF NOT EXISTS events (
            unit_id   TEXT    NOT NULL,
            event     TEXT    NOT NULL,
            at        INTEGER NOT NULL,  -- microseconds since the Unix epoch, UTC
            value     REAL    NOT NULL,
            has_value INTEGER NOT NULL,
            PRIMARY KEY (unit_id, event, at, has_value, value)
        ) WITHOUT ROWID;
        """

    /// Writes posted exposures and events in one transaction and commits it (one WAL fsync,
    /// `synchronous=FULL`), so every request in the call is durable when this returns — the
    /// group commit of `touchstone serve`. Idempotent: exposures merge as ``ExposureState``,
    /// events are a set. On error nothing is written.
    public func commit(exposures: [PostedExposures], events: [PostedEvents]) throws {
        let upsert = try Upserts(database)
        let insertEvent = try database.prepare("""
            INSERT INTO events (unit_id, event, at, value, has_value) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING
            """)
        try database.execute("BEGIN IMMEDIATE")
        do {
            for var posted in exposures { try posted.batch.write(with: upsert) }
            for posted in events {
                try posted.arena.withUnsafeBufferPointer { bytes in
                    for row in posted.rows {
                        insertEvent.bindStatic(1, UnsafeBufferPointer(rebasing: bytes[row.unit]))
                        insertEvent.bindStatic(2, UnsafeBufferPointer(rebasing: bytes[row.event]))
                        insertEvent.bind(3, row.at)
                        insertEvent.bindDouble(4, row.value ?? 0)
                        insertEvent.bind(5, Int64(row.value == nil ? 0 : 1))
                        try insertEvent.step()
                        insertEvent.reset()
                    }
                }
            }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Stored events.
    public func eventCount() throws -> Int {
        guard try hasEventsTable() else { return 0 }
        return Int(try scalar("SELECT count(*) FROM events"))
    }

    /// The stored events as an event log, CSV `unit_id,timestamp,event,value` (epoch seconds
    /// with the stored microseconds, value empty when the event has none), for the analysis
    /// pipeline that reads event logs.
    public func eventLog() throws -> [UInt8] {
        var bytes: [UInt8] = Array("unit_id,timestamp,event,value\n".utf8)
        guard try hasEventsTable() else { return bytes }
        let statement = try database.prepare("SELECT unit_id, at, event, value, has_value FROM events ORDER BY unit_id, at, event")
        while try statement.step() {
            CSVText.appendField(statement.text(0), to: &bytes)
            let at = statement.int64(1)
            bytes.append(contentsOf: ",\(Timestamp(microseconds: at)?.epochText ?? String(at / 1_000_000)),".utf8)
            CSVText.appendField(statement.text(2), to: &bytes)
            bytes.append(UInt8(ascii: ","))
            if statement.int64(4) != 0 { bytes.append(contentsOf: "\(statement.double(3))".utf8) }
            bytes.append(0x0A)
        }
        return bytes
    }

    func hasEventsTable() throws -> Bool {
        try scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'") > 0
    }
}

/// CSV quoting for fields written by the store.
enum CSVText {
    static func appendField(_ text: String, to bytes: inout [UInt8]) {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
