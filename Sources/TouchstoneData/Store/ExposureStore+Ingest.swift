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
    /// `batchSize`). A file that fits is parsed once; a longer one is validated first, then
    /// written a segment at a time, which bounds memory (about 80 bytes per row plus the ids).
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
    /// spreads SQLite's per-statement work (reset, bind checks, halt) over many rows.
    struct Upserts {
        static let wideRows = 32
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
    /// A file is parsed once into memory (up to ``IngestOptions/segmentRows``), its rows merged
    /// per (experiment, unit) and sorted by that key, and then written in transactions of
    /// ``IngestOptions/batchSize`` store rows. Sorting the whole segment, not each transaction,
    /// is what makes the writes cheap: unit ids arrive in random order, so per-transaction
    /// sorting made every commit sweep (and rewrite in the WAL) pages all over the B-tree,
    /// while segment order appends to its right edge in a fresh store. Every commit is a
    /// consistent state (a subset of the merged rows), so a kill between commits loses only
    /// uncommitted rows and re-running the ingest completes it.
    ///
    /// - Parameter progress: called after each commit with the log rows written so far (rows
    ///   of a segment count in proportion to its store rows committed).
    /// - Throws: ``DataError`` naming file, line and column for bad rows; with
    ///   ``IngestOptions/validateFirst`` nothing of that file was written.
    @discardableResult
    public func ingest(
        paths: [String], options: IngestOptions = IngestOptions(), progress: ((Int) -> Void)? = nil
    ) throws -> IngestSummary {
        let unitsBefore = Int(try scalar("SELECT count(*) FROM exposures"))
        let statement = try Upserts(database)
        var rows = 0, batches = 0, reported = 0
        var batch = ExposureBatch()
        for path in paths {
            let bytes = try ExposureLogReader.load(path: path)
            var validated = !options.validateFirst
            func flush() throws {
                let segmentRows = batch.count
                let start = reported
                try batch.write(with: statement, transactionRows: options.batchSize) {
                    try database.execute("BEGIN IMMEDIATE")
                } commit: { written, total in
                    do { try database.execute("COMMIT") } catch {
                        try? database.execute("ROLLBACK")
                        throw error
                    }
                    batches += 1
                    reported = start + Int((Double(segmentRows) * Double(written) / Double(max(total, 1))).rounded())
                    progress?(reported)
                } rollback: {
                    try? database.execute("ROLLBACK")
                }
            }
            try ExposureLogReader.forEach(bytes: bytes, name: path) { fields in
                batch.append(fields)
                rows += 1
                if batch.count >= options.segmentRows {
                    if !validated {
                        // The file is longer than a segment: check all of it before writing any.
                        try ExposureLogReader.forEach(bytes: bytes, name: path) { _ in }
                        validated = true
                    }
                    try flush()
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

    /// The order of rows by (experiment, unit) in SQLite's BINARY collation.
    ///
    /// Sorting compares an 8-byte big-endian prefix of the unit id first and falls back to
    /// the bytes only when prefixes tie: most comparisons are then one integer compare instead
    /// of two `memcmp` calls through a closure. Zero padding keeps the prefix order equal to
    /// the byte order because ids never contain NUL (``ExposureLogReader`` refuses it).
    private func sortedOrder(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        struct Key { var prefix: UInt64; var row: Int }
        var experiments: [Range<Int>] = []
        var known: [[UInt8]: Int] = [:]
        var experimentOf = [Int](repeating: 0, count: rows.count)
        var last = -1
        for (index, row) in rows.enumerated() {
            // Logs usually hold one experiment, or runs of one: the previous row's is checked
            // first, so the dictionary (and its key allocation) is reached only on a change.
            if last < 0 || Self.compare(bytes, experiments[last], row.experiment) != 0 {
                let key = Array(bytes[row.experiment])
                if let found = known[key] {
                    last = found
                } else {
                    experiments.append(row.experiment)
                    last = experiments.count - 1
                    known[key] = last
                }
            }
            experimentOf[index] = last
        }
        let experimentRank = experiments.indices.sorted { Self.compare(bytes, experiments[$0], experiments[$1]) < 0 }
        var rankOf = [Int](repeating: 0, count: experiments.count)
        for (rank, experiment) in experimentRank.enumerated() { rankOf[experiment] = rank }
        var groups = [[Key]](repeating: [], count: experiments.count)
        for (index, row) in rows.enumerated() {
            var prefix: UInt64 = 0
            for offset in 0..<8 {
                prefix <<= 8
                if offset < row.unit.count { prefix |= UInt64(bytes[row.unit.lowerBound + offset]) }
            }
            groups[rankOf[experimentOf[index]]].append(Key(prefix: prefix, row: index))
        }
        var order: [Int] = []
        order.reserveCapacity(rows.count)
        for var keys in groups {
            keys.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                return Self.compare(bytes, rows[a.row].unit, rows[b.row].unit) < 0
            }
            order.append(contentsOf: keys.lazy.map(\.row))
        }
        return order
    }

    /// Upserts every row through `statement` inside the caller's transaction and empties the batch.
    mutating func write(with statement: ExposureStore.Upserts) throws {
        try write(with: statement, transactionRows: .max, begin: {}, commit: { _, _ in }, rollback: {})
    }

    /// Upserts the rows through `statement`, merged per (experiment, unit) and in key order,
    /// `transactionRows` store rows per transaction opened by `begin` and closed by `commit`
    /// (which gets the store rows written so far and their total); empties the batch.
    mutating func write(
        with statements: ExposureStore.Upserts, transactionRows: Int,
        begin: () throws -> Void, commit: (_ written: Int, _ total: Int) throws -> Void, rollback: () -> Void
    ) throws {
        defer { removeAll() }
        guard !rows.isEmpty else { return }
        let rows = self.rows
        try arena.withUnsafeBufferPointer { bytes in
            // The statements are rewound without clearing bindings inside the loop; clear them
            // when done so none is left pointing into this batch's arena.
            defer {
                statements.single.reset()
                statements.wide.reset()
            }
            let order = sortedOrder(bytes)
            func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[range]) }
            // Merge first: the commit callback reports progress against the number of store rows.
            var merged: [Row] = []
            var position = 0
            while position < order.count {
                var row = rows[order[position]]
                var next = position + 1
                while next < order.count,
                    Self.compare(bytes, rows[order[next]].unit, row.unit) == 0,
                    Self.compare(bytes, rows[order[next]].experiment, row.experiment) == 0
                {
                    let other = rows[order[next]]
                    let variantOrder = Self.compare(bytes, other.variant, row.variant)
                    if other.first < row.first || (other.first == row.first && variantOrder < 0) {
                        row.variant = other.variant
                    }
                    row.first = min(row.first, other.first)
                    row.last = max(row.last, other.last)
                    row.multi = row.multi || variantOrder != 0
                    next += 1
                }
                merged.append(row)
                position = next
            }
            var written = 0
            while written < merged.count {
                let end = min(merged.count, written + transactionRows)
                try begin()
                do {
                    var next = written
                    while next < end {
                        let wide = end - next >= ExposureStore.Upserts.wideRows
                        let statement = wide ? statements.wide : statements.single
                        let count = wide ? ExposureStore.Upserts.wideRows : 1
                        for (offset, row) in merged[next..<(next + count)].enumerated() {
                            let first = Int32(offset * 6)
                            statement.bindStatic(first + 1, slice(row.experiment))
                            statement.bindStatic(first + 2, slice(row.unit))
                            statement.bindStatic(first + 3, slice(row.variant))
                            statement.bind(first + 4, row.first)
                            statement.bind(first + 5, row.last)
                            statement.bind(first + 6, row.multi ? 1 : 0)
                        }
                        try statement.step()
                        statement.rewind()
                        next += count
                    }
                } catch {
                    rollback()
                    throw error
                }
                written = end
                try commit(written, merged.count)
            }
        }
    }
}
