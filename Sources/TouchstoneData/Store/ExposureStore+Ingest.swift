import CSQLite
import Foundation
import TouchstoneExperiment

/// How ``ExposureStore/ingest(paths:options:progress:)`` commits.
public struct IngestOptions: Sendable {
    /// Rows per transaction: each commit is one WAL fsync (`synchronous=FULL`).
    public var batchSize: Int
    /// Check a whole file before writing any of it, so a bad row leaves the store untouched.
    public var validateFirst: Bool

    public init(batchSize: Int = 100_000, validateFirst: Bool = true) {
        self.batchSize = max(1, batchSize)
        self.validateFirst = validateFirst
    }
}

/// Totals of one ingest.
public struct IngestSummary: Sendable {
    public var files: Int
    /// Exposure rows read.
    public var rows: Int
    /// Transactions committed.
    public var batches: Int
    /// Distinct (experiment, unit) pairs in the store before and after.
    public var unitsBefore: Int
    public var unitsAfter: Int
    /// Multi-variant (experiment, unit) pairs in the store after the ingest, per experiment.
    public var multiVariantUnits: [(experiment: String, units: Int)]
}

extension ExposureStore {
    /// The merge of ``ExposureState`` as one upsert. In SQLite's `DO UPDATE SET` every
    /// right-hand side sees the old row, so the assignments are order-independent. The `WHERE`
    /// skips rows the exposure cannot change, so re-ingesting dirties no page.
    static let upsertSQL = """
        INSERT INTO exposures (experiment, unit_id, variant, first_at, last_at, multi_variant)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (experiment, unit_id) DO UPDATE SET
            variant = CASE WHEN excluded.first_at < first_at
                             OR (excluded.first_at = first_at AND excluded.variant < variant)
                           THEN excluded.variant ELSE variant END,
            first_at = min(first_at, excluded.first_at),
            last_at = max(last_at, excluded.last_at),
            multi_variant = (multi_variant OR excluded.multi_variant OR excluded.variant <> variant)
        WHERE excluded.first_at < first_at OR excluded.last_at > last_at
           OR (excluded.first_at = first_at AND excluded.variant < variant)
           OR ((excluded.variant <> variant OR excluded.multi_variant = 1) AND multi_variant = 0)
        """

    /// Ingests exposure logs (CSV or JSON Lines, see ``ExposureLogReader``) in batched
    /// transactions. Idempotent: ingesting a file again, or again after a crash, changes nothing.
    ///
    /// - Parameter progress: called after each commit with the rows written so far.
    /// - Throws: ``DataError`` naming file, line and column for bad rows; with
    ///   ``IngestOptions/validateFirst`` nothing of that file was written.
    @discardableResult
    public func ingest(
        paths: [String], options: IngestOptions = IngestOptions(), progress: ((Int) -> Void)? = nil
    ) throws -> IngestSummary {
        let unitsBefore = Int(try scalar("SELECT count(*) FROM exposures"))
        let statement = try database.prepare(Self.upsertSQL)
        var rows = 0, batches = 0, pending = 0
        var batch = ExposureBatch()
        for path in paths {
            let bytes = try ExposureLogReader.load(path: path)
            if options.validateFirst { try ExposureLogReader.forEach(bytes: bytes, name: path) { _ in } }
            try database.execute("BEGIN IMMEDIATE")
            do {
                try ExposureLogReader.forEach(bytes: bytes, name: path) { fields in
                    batch.append(fields)
                    rows += 1
                    pending += 1
                    if pending >= options.batchSize {
                        try batch.write(with: statement)
                        try database.execute("COMMIT")
                        batches += 1
                        pending = 0
                        progress?(rows)
                        try database.execute("BEGIN IMMEDIATE")
                    }
                }
                try batch.write(with: statement)
                try database.execute("COMMIT")
                batches += 1
                pending = 0
                progress?(rows)
            } catch {
                batch.removeAll()
                try? database.execute("ROLLBACK")
                throw error
            }
        }
        let multi = try database.prepare("""
            SELECT experiment, count(*) FROM exposures INDEXED BY exposures_multi_variant
            WHERE multi_variant = 1 GROUP BY experiment ORDER BY experiment
            """)
        var multiVariant: [(String, Int)] = []
        while try multi.step() { multiVariant.append((multi.text(0), Int(multi.int64(1)))) }
        return IngestSummary(
            files: paths.count, rows: rows, batches: batches, unitsBefore: unitsBefore,
            unitsAfter: Int(try scalar("SELECT count(*) FROM exposures")), multiVariantUnits: multiVariant)
    }
}

/// The rows of one transaction, merged and sorted before they reach SQLite.
///
/// Unit ids arrive in random order, so upserting them as they come makes every row a B-tree
/// seek to a different page. Sorting a batch by (experiment, unit) turns the writes into one
/// ordered sweep over the index, and merging a unit's repeat exposures within the batch (with
/// the same rule as the SQL, ``ExposureState``) sends SQLite one row per unit.
struct ExposureBatch: Sendable {
    private struct Row: Sendable {
        var experiment: Range<Int>
        var unit: Range<Int>
        var variant: Range<Int>
        var first: Int64
        var last: Int64
        var multi: Bool
    }

    private var arena: [UInt8] = []
    private var rows: [Row] = []

    mutating func append(_ fields: ExposureFields) {
        func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
            let start = arena.count
            arena.append(contentsOf: bytes)
            return start..<arena.count
        }
        rows.append(Row(
            experiment: copy(fields.experiment), unit: copy(fields.unitId), variant: copy(fields.variant),
            first: fields.timestamp, last: fields.timestamp, multi: false))
    }

    /// Rows appended since the last write.
    var count: Int { rows.count }

    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
    }

    /// Byte-wise order, which is SQLite's BINARY collation for UTF-8 text.
    private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Int32 {
        guard let base = a.baseAddress else { return 0 }
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(base + x.lowerBound, base + y.lowerBound, common)
        if order != 0 { return order }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    /// Upserts the batch through `statement` (the caller owns the transaction) and empties it.
    mutating func write(with statement: SQLiteStatement) throws {
        defer { removeAll() }
        guard !rows.isEmpty else { return }
        let rows = self.rows
        try arena.withUnsafeBufferPointer { bytes in
            let order = rows.indices.sorted { i, j in
                let byExperiment = Self.compare(bytes, rows[i].experiment, rows[j].experiment)
                if byExperiment != 0 { return byExperiment < 0 }
                return Self.compare(bytes, rows[i].unit, rows[j].unit) < 0
            }
            func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[range]) }
            var position = 0
            while position < order.count {
                var merged = rows[order[position]]
                var next = position + 1
                while next < order.count,
                    Self.compare(bytes, rows[order[next]].experiment, merged.experiment) == 0,
                    Self.compare(bytes, rows[order[next]].unit, merged.unit) == 0
                {
                    let other = rows[order[next]]
                    let differs = Self.compare(bytes, other.variant, merged.variant) != 0
                    if other.first < merged.first
                        || (other.first == merged.first && Self.compare(bytes, other.variant, merged.variant) < 0)
                    {
                        merged.variant = other.variant
                    }
                    merged.first = min(merged.first, other.first)
                    merged.last = max(merged.last, other.last)
                    merged.multi = merged.multi || differs
                    next += 1
                }
                statement.bindStatic(1, slice(merged.experiment))
                statement.bindStatic(2, slice(merged.unit))
                statement.bindStatic(3, slice(merged.variant))
                statement.bind(4, merged.first)
                statement.bind(5, merged.last)
                statement.bind(6, merged.multi ? 1 : 0)
                try statement.step()
                statement.reset()
                position = next
            }
        }
    }
}
