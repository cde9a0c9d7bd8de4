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
        VALUES (?1, ?2, ?3, ?4, ?4, 0)
        ON CONFLICT (experiment, unit_id) DO UPDATE SET
            variant = CASE WHEN excluded.first_at < first_at
                             OR (excluded.first_at = first_at AND excluded.variant < variant)
                           THEN excluded.variant ELSE variant END,
            first_at = min(first_at, excluded.first_at),
            last_at = max(last_at, excluded.last_at),
            multi_variant = (multi_variant OR excluded.variant <> variant)
        WHERE excluded.first_at < first_at OR excluded.last_at > last_at
           OR (excluded.first_at = first_at AND excluded.variant < variant)
           OR (excluded.variant <> variant AND multi_variant = 0)
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
        for path in paths {
            if options.validateFirst { try ExposureLogReader.forEach(path: path) { _ in } }
            try database.execute("BEGIN IMMEDIATE")
            do {
                try ExposureLogReader.forEach(path: path) { fields in
                    statement.bindStatic(1, fields.experiment)
                    statement.bindStatic(2, fields.unitId)
                    statement.bindStatic(3, fields.variant)
                    statement.bind(4, fields.timestamp)
                    try statement.step()
                    statement.reset()
                    rows += 1
                    pending += 1
                    if pending >= options.batchSize {
                        try database.execute("COMMIT")
                        batches += 1
                        pending = 0
                        progress?(rows)
                        try database.execute("BEGIN IMMEDIATE")
                    }
                }
                try database.execute("COMMIT")
                batches += 1
                pending = 0
                progress?(rows)
            } catch {
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
