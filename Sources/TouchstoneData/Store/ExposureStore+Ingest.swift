import CSQLite
import Foundation
import TouchstoneExperiment

/// How ``ExposureStore/ingest(paths:options:progress:)`` commits.
public struct IngestOptions: Sendable {
    /// Store rows (distinct units after merging repeats) per transaction: each commit is one
    /// WAL fsync (`synchronous=FULL`).
    public var batchSize: Int
    /// Check a whole file before writing any of it, so a bad row leaves the store untouched.
    public var validateFirst: Bool
    /// Log rows parsed, sorted and merged in memory before they are written (at least
    /// `batchSize`). A file that fits is parsed once, on all cores; a longer one is validated
    /// first, then written a segment at a time, which bounds the rows' memory (72 bytes per row,
    /// about 100 while sorting). The file itself is read whole: rows point into its bytes.
    public var segmentRows: Int

    public init(batchSize: Int = 100_000, validateFirst: Bool = true, segmentRows: Int = 4_000_000) {
        self.batchSize = max(1, batchSize)
        self.validateFirst = validateFirst
        self.segmentRows = max(self.batchSize, segmentRows)
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
    /// The merge of ``ExposureState`` as one upsert of `rows` rows (parameters ?1…?6 for the
    /// first row, ?7…?12 for the second, …). In SQLite's `DO UPDATE SET` every right-hand side
    /// sees the old row, so the assignments are order-independent. The `WHERE` skips rows the
    /// exposure cannot change, so re-ingesting dirties no page. The rows of one statement must
    /// have distinct keys (``ExposureBatch`` merges them first): SQLite applies them in turn.
    static func upsertSQL(rows: Int) -> String {
        let values = (0..<rows).map { row in
            "(" + (1...6).map { "?\(row * 6 + $0)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
        return """
            INSERT INTO exposures (experiment, unit_id, variant, first_at, last_at, multi_variant)
            VALUES \(values)
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
    }

    /// The upsert statements of one write: one row, and ``wideRows`` rows at a time, which
    /// spreads SQLite's per-statement work (reset, bind checks, halt, statement journal) over
    /// many rows. 128 rather than 32: 6.5% fewer instructions for the whole ingest (callgrind,
    /// 300k rows; 256 saved only 0.7% more).
    struct Upserts {
        static let wideRows = 128
        let single: SQLiteStatement
        let wide: SQLiteStatement

        init(_ database: SQLiteDatabase) throws {
            single = try database.prepare(ExposureStore.upsertSQL(rows: 1))
            wide = try database.prepare(ExposureStore.upsertSQL(rows: Self.wideRows))
        }
    }

    /// Ingests exposure logs (CSV or JSON Lines, see ``ExposureLogReader``) in batched
    /// transactions. Idempotent: ingesting a file again, or again after a crash, changes nothing.
    ///
    /// A file is parsed once into memory (up to ``IngestOptions/segmentRows``; one file that
    /// fits is parsed on all cores, ``ExposureLogReader/parse(_:name:into:workers:)``), its
    /// rows merged per (experiment, unit) and sorted by that key, and then written in transactions of
    /// ``IngestOptions/batchSize`` store rows. Sorting the whole segment, not each transaction,
    /// is what makes the writes cheap: unit ids arrive in random order, so per-transaction
    /// sorting made every commit sweep (and rewrite in the WAL) pages all over the B-tree,
    /// while segment order appends to its right edge in a fresh store. Every commit is a
    /// consistent state (a subset of the merged rows), so a kill between commits loses only
    /// uncommitted rows and re-running the ingest completes it.
    ///
    /// - Parameter progress: called after each commit with the log rows written so far (the
    ///   rows of a partly written sort bucket count in proportion to its store rows committed).
    /// - Throws: ``DataError`` naming file, line and column for bad rows; with
    ///   ``IngestOptions/validateFirst`` nothing of that file was written.
    @discardableResult
    public func ingest(
        paths: [String], options: IngestOptions = IngestOptions(), progress: ((Int) -> Void)? = nil
    ) throws -> IngestSummary {
        let unitsBefore = Int(try scalar("SELECT count(*) FROM exposures"))
        let statement = try Upserts(database)
        var rows = 0, batches = 0, reported = 0
        for path in paths {
            let storage = try ExposureLogReader.load(path: path)
            var batch = ExposureBatch(source: storage)
            var validated = !options.validateFirst
            func flush() throws {
                let start = reported
                try batch.write(with: statement, transactionRows: options.batchSize) {
                    try database.execute("BEGIN IMMEDIATE")
                } commit: { logRows in
                    do { try database.execute("COMMIT") } catch {
                        try? database.execute("ROLLBACK")
                        throw error
                    }
                    batches += 1
                    reported = start + logRows
                    progress?(reported)
                } rollback: {
                    try? database.execute("ROLLBACK")
                }
            }
            if ExposureLogReader.maximumRows(storage) <= options.segmentRows {
                // The file fits in one segment: parse it whole, on all cores, then write it.
                rows += try ExposureLogReader.parse(storage, name: path, into: &batch)
            } else {
                try ExposureLogReader.forEach(storage: storage, name: path) { fields in
                    batch.append(fields)
                    rows += 1
                    if batch.count >= options.segmentRows {
                        if !validated {
                            // The file is longer than a segment: check all of it before writing any.
                            try ExposureLogReader.validate(storage, name: path)
                            validated = true
                        }
                        try flush()
                    }
                }
            }
            try flush()
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
