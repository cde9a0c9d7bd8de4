import CSQLite
import TouchstoneExperiment

/// The embedded exposure store: one SQLite file holding, per (experiment, unit), the merged
/// ``ExposureState`` — first exposure's variant and time, last time, multi-variant flag.
///
/// Durability and crash safety:
/// - `journal_mode=WAL`: readers (e.g. `exposures`, `analyze`) never block the ingest, and a
///   crash leaves the database at its last commit.
/// - `synchronous=FULL`: each commit fsyncs the WAL, so a committed batch survives not only a
///   killed process (NORMAL would already give that) but also power loss or an OS crash, which
///   NORMAL does not (its WAL is synced only at checkpoints). "Durable commits" means this; the
///   cost is one fsync per batch (``IngestOptions/batchSize`` rows), a few ms.
/// - Ingestion commits in batches and the upsert is the idempotent, order-independent merge of
///   ``ExposureState``, so re-running an interrupted ingest of the same files gives exactly the
///   state of one clean ingest: batches already committed merge into themselves unchanged.
public final class ExposureStore {
    public let path: String
    let database: SQLiteDatabase

    /// The schema version written to `PRAGMA user_version`: 1 exposures, 2 adds `events`
    /// (rows posted to `touchstone serve`). A version-1 store is upgraded when opened for writing
    /// and read as having no events when opened read-only.
    static let schemaVersion: Int64 = 2

    /// Opens the store at `path`, creating it (and its schema) when missing.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        database = try SQLiteDatabase(path: path, readOnly: readOnly)
        try database.execute("PRAGMA busy_timeout = 10000")
        if readOnly {
            try checkSchema()
            return
        }
        try database.executeRetryingWhileBusy("PRAGMA journal_mode = WAL")
        try database.execute("""
            PRAGMA synchronous = FULL;
            PRAGMA cache_size = -262144;
            PRAGMA temp_store = MEMORY;
            """)
        if try scalar("PRAGMA user_version") != Self.schemaVersion { try migrate() }
        try checkSchema()
    }

    /// Creates or upgrades the schema in one write transaction that reads the version inside it,
    /// so two processes opening a new store at once cannot both create it, nor one lower the
    /// version the other has just raised.
    private func migrate() throws {
        try database.execute("BEGIN IMMEDIATE")
        do {
            let version = try scalar("PRAGMA user_version")
            if version == 0 {
                try database.execute("""
                    CREATE TABLE IF NOT EXISTS exposures (
                        experiment    TEXT    NOT NULL,
                        unit_id       TEXT    NOT NULL,
                        variant       TEXT    NOT NULL,
                        first_at      INTEGER NOT NULL,  -- microseconds since the Unix epoch, UTC
                        last_at       INTEGER NOT NULL,
                        multi_variant INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (experiment, unit_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX IF NOT EXISTS exposures_multi_variant ON exposures (experiment, unit_id) WHERE multi_variant = 1;
                    """)
            }
            if version < 2 { try database.execute("\(Self.eventsSchema) PRAGMA user_version = 2;") }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private func checkSchema() throws {
        let version = try scalar("PRAGMA user_version")
        guard (1...Self.schemaVersion).contains(version) else {
            // A database without tables is what a first ingest killed before its schema commit
            // leaves (or an empty file): say so, since re-running the ingest repairs it.
            let hint = try version == 0 && scalar("SELECT count(*) FROM sqlite_master") == 0
                ? ": the database holds no tables — if a first `touchstone expose` into it was interrupted, run it again (it creates the schema)"
                : ""
            throw DataError(
                file: path, message: "not a Touchstone exposure store (schema version \(version), expected \(Self.schemaVersion))\(hint)")
        }
    }

    func scalar(_ sql: String) throws -> Int64 {
        let statement = try database.prepare(sql)
        return try statement.step() ? statement.int64(0) : 0
    }

    // MARK: - Reading

    /// Experiments in the store with their unit counts (multi-variant units included).
    public func experiments() throws -> [(experiment: String, units: Int)] {
        let statement = try database.prepare("SELECT experiment, count(*) FROM exposures GROUP BY experiment ORDER BY experiment")
        var result: [(String, Int)] = []
        while try statement.step() { result.append((statement.text(0), Int(statement.int64(1)))) }
        return result
    }

    /// Counts per variant, multi-variant units and the exposure time span of `experiment`.
    public func summary(experiment: String, examples: Int = 10) throws -> ExposureSummary {
        let counts = try database.prepare("""
            SELECT variant, count(*) FROM exposures WHERE experiment = ?1 AND multi_variant = 0
            GROUP BY variant ORDER BY variant
            """)
        counts.bind(1, experiment)
        var variants: [(variant: String, units: Int)] = []
        while try counts.step() { variants.append((counts.text(0), Int(counts.int64(1)))) }

        let span = try database.prepare("SELECT count(*), min(first_at), max(last_at) FROM exposures WHERE experiment = ?1")
        span.bind(1, experiment)
        try span.step()
        let total = Int(span.int64(0))
        let first = span.isNull(1) ? nil : span.int64(1)
        let last = span.isNull(2) ? nil : span.int64(2)

        let multi = try database.prepare("""
            SELECT unit_id FROM exposures INDEXED BY exposures_multi_variant
            WHERE experiment = ?1 AND multi_variant = 1 ORDER BY unit_id
            """)
        multi.bind(1, experiment)
        var multiCount = 0
        var multiExamples: [String] = []
        while try multi.step() {
            if multiCount < examples { multiExamples.append(multi.text(0)) }
            multiCount += 1
        }
        return ExposureSummary(
            experiment: experiment, variants: variants, units: total, multiVariantUnits: multiCount,
            multiVariantExamples: multiExamples, firstExposure: first, lastExposure: last)
    }

    /// Calls `body` with every unit of `experiment` usable for analysis — seen in exactly one
    /// variant — with that variant and the time of its first exposure, ordered by unit id.
    public func forEachEnrolledUnit(
        experiment: String, _ body: (_ unitId: String, _ variant: String, _ firstExposure: Int64) throws -> Void
    ) throws {
        let statement = try database.prepare("""
            SELECT unit_id, variant, first_at FROM exposures WHERE experiment = ?1 AND multi_variant = 0 ORDER BY unit_id
            """)
        statement.bind(1, experiment)
        while try statement.step() {
            try body(statement.text(0), statement.text(1), statement.int64(2))
        }
    }

    /// Unit id → variant for every analysable unit of `experiment` (see ``forEachEnrolledUnit(experiment:_:)``).
    public func variantsByUnit(experiment: String) throws -> [String: String] {
        var result: [String: String] = [:]
        try forEachEnrolledUnit(experiment: experiment) { unit, variant, _ in result[unit] = variant }
        return result
    }

    /// The merged state of one unit, if it was exposed.
    public func state(experiment: String, unitId: String) throws -> ExposureState? {
        let statement = try database.prepare("""
            SELECT variant, first_at, last_at, multi_variant FROM exposures WHERE experiment = ?1 AND unit_id = ?2
            """)
        statement.bind(1, experiment)
        statement.bind(2, unitId)
        guard try statement.step() else { return nil }
        return ExposureState(
            variant: statement.text(0), firstAt: statement.int64(1), lastAt: statement.int64(2),
            isMultiVariant: statement.int64(3) != 0)
    }
}
