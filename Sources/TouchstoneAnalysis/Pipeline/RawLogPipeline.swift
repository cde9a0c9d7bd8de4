import Foundation
import TouchstoneData
import TouchstoneStats
import TouchstoneTime

/// Settings of the raw-log pipeline: which experiment, which metrics, which windows.
public struct RawLogSettings: Sendable {
    public var experiment: String?
    public var metrics: [MetricDefinition]
    /// Ratio metrics Σ numerator / Σ denominator per arm, each over the units' values of two
    /// metric definitions (which need not be among ``metrics``); reported after them.
    public var ratios: [Ratio] = []
    /// Length W of the metric window [t₀, t₀ + W) after the first exposure t₀, and of the
    /// pre-period [t₀ − W, t₀) (half-open, ``TimeSpan/contains(elapsed:)``).
    public var window: TimeSpan
    /// Compute each metric's pre-period value as a CUPED covariate.
    public var preExposureCovariates: Bool
    /// With ``preExposureCovariates`` and two or more reported metrics: the pre-period of *every*
    /// reported metric is a covariate of every metric (`--pre-exposure-covariates all`, CUPED++),
    /// carried as ``ArmTable/Metric/jointArms``.
    public var preExposureCovariatesOfAllMetrics = false
    /// Worker threads for parsing the exposure log, the event scan and the reduction.
    public var threads: Int
    /// Bytes of exposure log per piece parsed in parallel (``ExposurePiece``): a round of
    /// `threads` pieces is parsed, then folded in file order. Results never depend on it (tests
    /// make it small to get many pieces from a small log); it bounds the parsed rows held at once.
    public var exposurePieceBytes = 8 << 20
    public var exposureColumns: ExposureColumns
    public var eventColumns: EventColumns
    /// An exposure-log column to split the statistics by (`--by country`); see
    /// ``SegmentedArmTable`` for which value a unit gets.
    public var segmentColumn: String?
    /// Accept a metric (or ratio part) whose event never occurs in the event log, with a warning
    /// in ``RawLogSummary/warnings``; otherwise that is an error listing the events seen (a
    /// misspelt event name would silently give an all-zero metric).
    public var allowMissingEvents = false
    /// Results over time (`--timeline`): per-unit, per-day accumulators are kept during the one
    /// scan of the logs and ``RawLogSummary/timeline`` holds one table per day.
    public var timeline: TimelineView?
    /// Quantile metrics `EVENT:sum:Q` / `EVENT:count:Q`: the level-Q quantile of a per-unit
    /// metric, kept as raw per-arm values (see ``RawLogPipeline/quantileSamples(exposed:values:settings:)``).
    public var quantiles: [Quantile] = []

    /// A quantile of one per-unit metric, e.g. the median of `purchase:sum` per unit.
    public struct Quantile: Sendable, Hashable {
        /// `purchase:sum:0.5`, the name in results.
        public var name: String
        public var metric: MetricDefinition
        public var level: Double

        /// Parses `EVENT:sum:Q` or `EVENT:count:Q` (Q strictly between 0 and 1); nil otherwise.
        public init?(argument: String) {
            guard let column = QuantileColumn(argument: argument), let metric = MetricDefinition(argument: column.source),
                metric.aggregation == .sum || metric.aggregation == .count
            else { return nil }
            self.name = argument
            self.metric = metric
            self.level = column.level
        }
    }

    /// A ratio of two per-unit metrics, e.g. revenue per session = `purchase:sum` / `session:count`.
    public struct Ratio: Sendable, Hashable {
        public var name: String
        public var numerator: MetricDefinition
        public var denominator: MetricDefinition

        public init(name: String, numerator: MetricDefinition, denominator: MetricDefinition) {
            self.name = name
            self.numerator = numerator
            self.denominator = denominator
        }

        /// Parses `NAME=NUMERATOR/DENOMINATOR` with metrics in `--metric` form; `nil` when malformed.
        public init?(argument: String) {
            guard let parts = RatioColumn(argument: argument), let numerator = MetricDefinition(argument: parts.numerator),
                let denominator = MetricDefinition(argument: parts.denominator)
            else { return nil }
            self.init(name: parts.name, numerator: numerator, denominator: denominator)
        }

        /// The `NAME=NUMERATOR/DENOMINATOR` form, which also names a ratio's rows in power sums.
        public var argument: String { "\(name)=\(numerator.name)/\(denominator.name)" }
    }

    public struct ExposureColumns: Sendable {
        public var unit = "unit_id", experiment = "experiment", variant = "variant", timestamp = "timestamp"
        public init() {}
    }

    public struct EventColumns: Sendable {
        public var unit = "unit_id", timestamp = "timestamp", event = "event", value = "value"
        public init() {}
    }

    public init(
        experiment: String? = nil, metrics: [MetricDefinition], window: TimeSpan = TimeSpan(days: 14),
        preExposureCovariates: Bool = false, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.experiment = experiment
        self.metrics = metrics
        self.window = window
        self.preExposureCovariates = preExposureCovariates
        self.threads = max(1, threads)
        self.exposureColumns = ExposureColumns()
        self.eventColumns = EventColumns()
    }
}

/// What the pipeline saw, besides the per-arm statistics.
public struct RawLogSummary: Sendable {
    public var table: ArmTable
    /// The statistics split by ``RawLogSettings/segmentColumn``, when one was given.
    public var segments: SegmentedArmTable?
    public var experiment: String
    public var exposureRows: Int
    /// Units exposed (after keeping the first exposure), including multi-variant ones.
    public var exposedUnits: Int
    /// Exposure rows beyond a unit's first (repeat exposures).
    public var repeatExposures: Int
    /// Units seen in more than one variant: excluded from every arm.
    public var multiVariantUnits: Int
    public var eventRows: Int
    /// Events of units never exposed to the experiment: ignored.
    public var strayEvents: Int
    /// Problems accepted on request (``RawLogSettings/allowMissingEvents``), to be shown.
    public var warnings: [String] = []
    /// With ``RawLogSettings/timeline``: the per-arm tables of each day (see ``TimelinePoint``).
    public var timeline: [TimelinePoint]?
    /// Earliest and latest exposure of the experiment (microseconds since the epoch), for the
    /// decision's dates and its daily rate of new units.
    public var exposurePeriod: ClosedRange<Int64>? = nil
}

/// Exposure and event logs → per-unit metrics → per-arm sufficient statistics.
///
/// 1. Exposures: the first exposure of each unit to the experiment is kept; a unit exposed in
///    two variants is excluded everywhere and counted. Pieces of the log are parsed in parallel
///    (``ExposurePiece``) and folded into the unit index in file order, so unit numbers, variant
///    and segment numbers and the first error are those of one sequential pass.
/// 2. Events (parallel over chunks of the file): each event of an exposed unit updates that
///    unit's metrics if it falls in the window [t₀, t₀ + W) after its first exposure t₀, or —
///    for the CUPED covariate — in [t₀ − W, t₀); retention day N is [t₀ + N d, t₀ + (N+1) d).
///    Every window is half-open (``TimeSpan/contains(elapsed:)``), so an event on a boundary
///    counts in exactly one of two adjacent windows. Times are compared in microseconds
///    (``Timestamp``). Each worker owns its accumulators; they are
///    merged afterwards (max for 0/1 metrics, sum otherwise), so results do not depend on the
///    number of threads.
/// 3. Reduction (parallel over units): per-arm ``SufficientStatistics`` merged exactly as
///    everywhere else. 0/1 metrics without a covariate use exact integer counts.
public enum RawLogPipeline {
    public static func run(exposures: CSVReader, events: CSVReader, settings requested: RawLogSettings) throws -> RawLogSummary {
        try run(exposures: [exposures], events: [events], settings: requested)
    }

    /// Several exposure and event files read as one log each (as `touchstone expose` reads its
    /// files): a unit's first exposure is the earliest over all exposure files, and its events
    /// may come from any event file. Errors name the file, line and column at fault.
    public static func run(exposures: [CSVReader], events: [CSVReader], settings requested: RawLogSettings) throws -> RawLogSummary {
        guard !exposures.isEmpty, !events.isEmpty else {
            throw AnalysisError("raw logs need at least one exposure file and one event file")
        }
        // Ratio parts not requested as metrics are computed per unit too, and left out of the report.
        var settings = requested
        for ratio in requested.ratios {
            for part in [ratio.numerator, ratio.denominator] where !settings.metrics.contains(part) { settings.metrics.append(part) }
        }
        for quantile in requested.quantiles where !settings.metrics.contains(quantile.metric) { settings.metrics.append(quantile.metric) }
        guard !settings.metrics.isEmpty else {
            throw AnalysisError("no metric requested (use --metric EVENT[:conversion|sum|count|retention:N])")
        }
        let exposed = try readExposures(exposures, settings: settings)
        let layout = try settings.timeline.map { try TimelineLayout(view: $0, metrics: settings.metrics, window: settings.window) }
        try layout?.check(units: exposed.index.count)
        var accumulated: Accumulated?
        for log in events {
            let next = try scanEvents(log, exposed: exposed, settings: settings, layout: layout)
            if var total = accumulated {
                total.merge(next, aggregations: settings.metrics.map(\.aggregation))
                accumulated = total
            } else {
                accumulated = next
            }
        }
        guard let accumulated else { throw AnalysisError("no event file") }
        var warnings = try checkEventsOccur(events, matched: accumulated.matched, settings: settings)
        if let open = openWindows(exposed: exposed, latestEvent: accumulated.latestTime, settings: settings) { warnings.append(open) }
        let tablesWithoutQuantiles = reduce(
            exposed: exposed, values: accumulated.values, covariates: accumulated.covariates, settings: settings,
            reported: requested.metrics.count)
        let tables = settings.quantiles.isEmpty
            ? tablesWithoutQuantiles
            : attachQuantiles(tablesWithoutQuantiles, exposed: exposed, values: accumulated.values, settings: settings)
        var segments: SegmentedArmTable?
        var table = tables.first ?? ArmTable(variants: [], metrics: [], units: [:])
        if let column = settings.segmentColumn {
            // A value seen only on later exposures, or only on excluded units, is no segment.
            let split = SegmentedArmTable(
                column: column,
                segments: zip(exposed.segmentNames, tables).filter { !$1.variants.isEmpty }
                    .map { SegmentedArmTable.Segment(value: $0, table: $1) })
            segments = split
            table = split.overall
            table.variants = exposed.variantNames
        }
        var summary = RawLogSummary(
            table: table, segments: segments, experiment: exposed.experiment, exposureRows: exposed.rows, exposedUnits: exposed.index.count,
            repeatExposures: exposed.repeats, multiVariantUnits: exposed.multiVariant.reduce(0) { $0 + ($1 ? 1 : 0) },
            eventRows: accumulated.rows, strayEvents: accumulated.stray, warnings: warnings,
            exposurePeriod: exposed.period)
        if let layout, let logs = accumulated.dayCells {
            let days = DayCellsByUnit(logs, unitCount: exposed.index.count, layout: layout)
            summary.timeline = TimelineReduction.points(
                layout: layout, exposed: exposed, days: days, covariates: accumulated.covariates,
                latestEvent: accumulated.latestTime, settings: settings, reported: requested.metrics.count)
        }
        return summary
    }

    /// A warning when some units' metric windows run past the end of the logs (the latest
    /// exposure or matched event): such a unit counts only what was logged so far, and a
    /// retention day not yet reached counts as not retained — GrowthBook's "in-progress
    /// conversion windows". The horizon is the longest of the window and each retention day's end.
    static func openWindows(exposed: Exposed, latestEvent: Int64, settings: RawLogSettings) -> String? {
        let day: Int64 = 86_400_000_000
        let horizon = settings.metrics.map { metric -> Int64 in
            if case .retention(let n) = metric.aggregation { return Int64(n + 1) * day }
            return settings.window.microseconds
        }.max() ?? 0
        guard let period = exposed.period, horizon > 0 else { return nil }
        let end = max(latestEvent, period.upperBound)
        // A window [t₀, t₀ + H) is whole when the logs reach t₀ + H − 1 µs.
        let cutoff = end + 1 - horizon
        guard period.upperBound > cutoff else { return nil }
        var open = 0, units = 0
        for slot in exposed.index.slots where slot.hash != 0 {
            let unit = Int(slot.unit)
            if unit < exposed.multiVariant.count, exposed.multiVariant[unit] { continue }
            units += 1
            if slot.firstTime > cutoff { open += 1 }
        }
        guard open > 0 else { return nil }
        let share = 100 * Double(open) / Double(max(units, 1))
        let span = horizon % day == 0 ? "\(horizon / day)d" : "\(Double(horizon) / 3_600_000_000)h"
        return "\(open) of \(units) units (\(share < 0.1 ? "<0.1" : String(format: "%.1f", share))%) were exposed less than \(span) before the logs end "
            + "(\(Timestamp.iso8601(microseconds: end))): their metric windows are still open, so they count only what was logged so far "
            + "(a retention day not yet reached counts as not retained); analyse after the windows close, or only units exposed by "
            + "\(Timestamp.iso8601(microseconds: end - horizon))"
    }

    /// An error (or, with ``RawLogSettings/allowMissingEvents``, warnings) for every metric
    /// event that occurs on no line of the event logs, listing the most frequent events seen.
    /// The events are counted in a second pass, made only when one is missing.
    static func checkEventsOccur(_ logs: [CSVReader], matched: [[UInt8]: Int], settings: RawLogSettings) throws -> [String] {
        var missing: [String] = []
        for metric in settings.metrics where (matched[Array(metric.event.utf8)] ?? 0) == 0 && !missing.contains(where: { $0.utf8.elementsEqual(metric.event.utf8) }) {
            missing.append(metric.event)
        }
        guard !missing.isEmpty else { return [] }
        var counts: [[UInt8]: Int] = [:]
        var total = 0
        for log in logs {
            let column = try log.columnIndex(settings.eventColumns.event)
            try log.forEachRow { row in
                total += 1
                // Bounded: a log with millions of distinct event names is listed by its first ones.
                row.withBytes(column) { bytes in
                    let key = Array(bytes)
                    if counts[key] != nil || counts.count < 100_000 { counts[key, default: 0] += 1 }
                }
            }
        }
        let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }.prefix(5)
        let seen = top.map { "'\(String(decoding: $0.key, as: UTF8.self))' (\($0.value))" }.joined(separator: ", ")
        let listing = counts.isEmpty ? "the event logs hold no events" : "events seen: \(seen)\(counts.count > 5 ? ", … \(counts.count) distinct" : "")"
        let names = missing.map { "'\($0)'" }.joined(separator: ", ")
        let files = logs.map(\.name).joined(separator: ", ")
        let message = "event \(names) never occurs in \(files) (\(total) rows; \(listing))"
        guard settings.allowMissingEvents else {
            throw AnalysisError("\(message): check the metric's event name, or pass --allow-missing-events to analyse it as zero")
        }
        return ["\(message): its metrics are zero for every unit (--allow-missing-events)"]
    }

    // MARK: - Exposures

    struct Exposed: Sendable {
        var index: UnitIndex
        var variantNames: [String]
        var variant: [UInt16]
        var multiVariant: [Bool]
        /// Segment values (one, `""`, without a segment column) and each unit's segment.
        var segmentNames: [String]
        var segment: [UInt16]
        var experiment: String
        var rows: Int
        var repeats: Int
        /// Per unit: the earliest exposure in a variant other than its first exposure's
        /// (`Int64.max` if none), the instant from which a cut of the logs excludes it.
        var multiVariantSince: [Int64] = []
        /// The latest exposure time of the experiment.
        var latestTime = Int64.min
        var period: ClosedRange<Int64>? = nil
    }

    static func readExposures(_ readers: [CSVReader], settings: RawLogSettings) throws -> Exposed {
        let columns = settings.exposureColumns
        var segments = SegmentInterner()
        // Without `--experiment` the log's first row names it; rows of others are listed in the error.
        let wanted = try settings.experiment.map { Array($0.utf8) } ?? firstExperiment(readers, column: columns.experiment)
        var otherExperiments: [[UInt8]] = []

        // Pre-size from the files' row counts: growing a ten-million-entry table rehashes it all.
        let expected = readers.reduce(0) { $0 + $1.estimatedRowCount() }
        var index = UnitIndex(expectedCount: expected)
        var variantBytes: [[UInt8]] = []
        // Past a few variants a linear scan per row would make many arms quadratic.
        var variantNumbers: [[UInt8]: Int] = [:]
        var variant: [UInt16] = [], multi: [Bool] = [], segment: [UInt16] = []
        var multiSince: [Int64] = []
        variant.reserveCapacity(expected)
        multi.reserveCapacity(expected)
        if settings.segmentColumn != nil { segment.reserveCapacity(expected) }
        var rows = 0, repeats = 0
        var earliest = Int64.max, latest = Int64.min
        for reader in readers {
            let pieceColumns = ExposurePiece.Columns(
                unit: try reader.columnIndex(columns.unit), experiment: try reader.columnIndex(columns.experiment),
                variant: try reader.columnIndex(columns.variant), time: try reader.columnIndex(columns.timestamp),
                segment: try settings.segmentColumn.map { try reader.columnIndex($0, onEveryLine: false) },
                segmentName: settings.segmentColumn ?? "")
            let chunks = exposureChunks(reader, threads: settings.threads, pieceBytes: settings.exposurePieceBytes)
            // Pieces are parsed ahead on the other threads while this one folds them in file
            // order. At most one piece per thread is claimed and not yet folded, which bounds
            // their memory (two per thread raised the 10M-unit peak by 50 MB, no faster).
            let collectOthers = settings.experiment == nil
            let threads = max(1, settings.threads)
            let queue = ExposurePieceQueue(count: chunks.count, helperThreads: threads - 1, ahead: threads) { number in
                let piece = ExposurePiece.parse(
                    reader, chunk: chunks[number], columns: pieceColumns, wanted: wanted, collectOthers: collectOthers)
                // The piece copied its unit ids: its part of the file need not stay resident.
                reader.releaseMemory(of: chunks[number])
                return piece
            }
            defer { queue.finish() }
            for number in 0..<chunks.count {
                let piece = queue.take(number)
                for name in piece.otherExperiments where otherExperiments.count < 10 && !otherExperiments.contains(name) {
                    otherExperiments.append(name)
                }
                if !piece.rows.isEmpty {
                    earliest = min(earliest, piece.earliest)
                    latest = max(latest, piece.latest)
                }
                // The piece's variants and segments get the file's numbers on first use, in row
                // order: the numbering a single pass gives.
                var armOf = [Int](repeating: -1, count: piece.variants.count)
                var segmentOf = [Int](repeating: -1, count: piece.segments.count)
                // Each insert misses the cache at a random slot; the hashes are known, so the
                // slots of the rows a little ahead are fetched while this one is inserted.
                let lookahead = 12
                for position in 0..<min(lookahead, piece.rows.count) { index.prefetch(hash: piece.rows[position].hash) }
                for (position, row) in piece.rows.enumerated() {
                    if position + lookahead < piece.rows.count { index.prefetch(hash: piece.rows[position + lookahead].hash) }
                    rows += 1
                    let time = row.time
                    var arm = armOf[Int(row.variant)]
                    if arm < 0 {
                        let bytes = piece.variants[Int(row.variant)]
                        if variantBytes.count <= 8, let known = variantBytes.firstIndex(of: bytes) {
                            arm = known
                        } else if variantBytes.count > 8, let known = variantNumbers[bytes] {
                            arm = known
                        } else {
                            variantBytes.append(bytes)
                            variantNumbers[bytes] = variantBytes.count - 1
                            arm = variantBytes.count - 1
                        }
                        guard arm < Int(UInt16.max) else {
                            throw try locatedError(
                                reader, chunk: chunks[number], columns: pieceColumns, wanted: wanted, row: position,
                                column: pieceColumns.variant, message: "more than 65,534 distinct variants")
                        }
                        armOf[Int(row.variant)] = arm
                    }
                    var segmentOfRow = 0
                    if let segmentColumn = pieceColumns.segment {
                        segmentOfRow = segmentOf[Int(row.segment)]
                        if segmentOfRow < 0 {
                            let interned: Result<Int, SegmentInterner.Problem> = piece.segments[Int(row.segment)].withUnsafeBufferPointer { bytes in
                                Result { () throws(SegmentInterner.Problem) in try segments.intern(bytes) }
                            }
                            guard case .success(let number) = interned else {
                                // Values were checked as text when parsed: only the count can fail here.
                                throw try locatedError(
                                    reader, chunk: chunks[number], columns: pieceColumns, wanted: wanted, row: position,
                                    column: segmentColumn, message: SegmentInterner.tooManyMessage(column: pieceColumns.segmentName))
                            }
                            segmentOfRow = number
                            segmentOf[Int(row.segment)] = number
                        }
                    }
                    let (slot, inserted) = piece.unit(row) { bytes in
                        index.insert(bytes, hash: row.hash, time: time)
                    }
                    if inserted {
                        variant.append(UInt16(arm))
                        multi.append(false)
                        multiSince.append(.max)
                        if pieceColumns.segment != nil { segment.append(UInt16(segmentOfRow)) }
                    } else {
                        repeats += 1
                        let unit = index.unit(at: slot)
                        if Int(variant[unit]) != arm { multi[unit] = true }
                        let first = index.firstTime(at: slot)
                        // Every exposure so far is at `first` or later: if this earlier one changes the
                        // first variant, the old first exposure is the earliest in another variant.
                        if time < first {
                            if Int(variant[unit]) != arm { multiSince[unit] = first }
                        } else if Int(variant[unit]) != arm {
                            multiSince[unit] = min(multiSince[unit], time)
                        }
                        if time < first {
                            index.setFirstTime(time, at: slot)
                            variant[unit] = UInt16(arm)
                        }
                        // The segment is the value at the first exposure; ties go to the bytewise-smallest.
                        if pieceColumns.segment != nil, time < first || (time == first && segments.precedes(segmentOfRow, Int(segment[unit]))) {
                            segment[unit] = UInt16(segmentOfRow)
                        }
                    }
                }
                // The first error of the piece comes after all its rows above, so before any later piece's.
                if let error = piece.error { throw error }
            }
            // Unit ids now live in the index's arena: the exposure file's pages can go.
            reader.releaseMemory()
        }
        let seenExperiment = wanted
        let fileNames = readers.map(\.name).joined(separator: ", ")
        if settings.experiment == nil, !otherExperiments.isEmpty {
            let first = seenExperiment.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let others = otherExperiments.sorted { $0.lexicographicallyPrecedes($1) }.map { String(decoding: $0, as: UTF8.self) }
            let names = ([first] + others).map { "'\($0)'" }.joined(separator: ", ")
            throw DataError(file: fileNames, message: "the exposure log holds several experiments (\(names)…): choose one with --experiment")
        }
        guard rows > 0 else {
            let which = settings.experiment.map { "experiment '\($0)'" } ?? "any experiment"
            let seen = try experimentsSeen(readers, column: columns.experiment)
            throw DataError(file: fileNames, message: "no exposures for \(which) (\(seen))")
        }
        return Exposed(
            index: index, variantNames: variantBytes.map { String(decoding: $0, as: UTF8.self) },
            variant: variant, multiVariant: multi,
            segmentNames: settings.segmentColumn == nil ? [""] : segments.names, segment: segment,
            experiment: settings.experiment ?? seenExperiment.map { String(decoding: $0, as: UTF8.self) } ?? "",
            rows: rows, repeats: repeats, multiVariantSince: multiSince, latestTime: latest,
            period: earliest <= latest ? earliest...latest : nil)
    }

    /// The experiment of the logs' first row (`nil` for logs without rows).
    static func firstExperiment(_ readers: [CSVReader], column: String) throws -> [UInt8]? {
        struct Found: Error { var experiment: [UInt8] }
        for reader in readers {
            let experiment = try reader.columnIndex(column)
            do {
                try reader.forEachRow { row in throw Found(experiment: row.withBytes(experiment) { Array($0) }) }
            } catch let found as Found {
                return found.experiment
            }
        }
        return nil
    }

    /// Pieces of about `pieceBytes` (at least one per thread): parsed a round of `threads` at a
    /// time, their rows take a few megabytes whatever the size of the log.
    static func exposureChunks(_ reader: CSVReader, threads: Int, pieceBytes: Int) -> [CSVReader.Chunk] {
        let threads = max(1, threads)
        let round = threads.multipliedReportingOverflow(by: max(1, pieceBytes))
        let size = round.partialValue
        let rounds = round.overflow ? 1 : max(1, reader.byteCount / size + (reader.byteCount % size == 0 ? 0 : 1))
        return reader.chunks(threads * rounds)
    }

    /// The error `message` at column `column` of the `row`-th wanted row of `chunk`, located
    /// (file, line, column) as the row's own errors are.
    static func locatedError(
        _ reader: CSVReader, chunk: CSVReader.Chunk, columns: ExposurePiece.Columns, wanted: [UInt8]?, row target: Int,
        column: Int, message: String
    ) throws -> any Error {
        var seen = 0
        try reader.forEachRow(in: chunk) { row in
            let isWanted = row.withBytes(columns.experiment) { bytes in wanted.map { bytes.bytesEqual($0) } ?? true }
            guard isWanted else { return }
            if seen == target { throw row.error(column, message) }
            seen += 1
        }
        return AnalysisError("internal error: exposure row \(target + 1) of a piece of \(reader.name) was not found again")
    }

    /// The experiment keys of the exposure logs, most frequent first with their row counts (for
    /// the error of an `--experiment` that matches no row; a second pass, on that path only).
    static func experimentsSeen(_ readers: [CSVReader], column: String) throws -> String {
        var counts: [[UInt8]: Int] = [:]
        for reader in readers {
            let index = try reader.columnIndex(column)
            try reader.forEachRow { row in
                row.withBytes(index) { bytes in
                    let key = Array(bytes)
                    if counts[key] != nil || counts.count < 100_000 { counts[key, default: 0] += 1 }
                }
            }
        }
        guard !counts.isEmpty else { return "the log has no rows" }
        let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }.prefix(10)
        let listed = top.map { "'\(String(decoding: $0.key, as: UTF8.self))' (\($0.value))" }.joined(separator: ", ")
        return "experiments seen: \(listed)\(counts.count > 10 ? ", … \(counts.count) distinct" : "")"
    }

    // MARK: - Events

    struct Accumulated {
        var values: DoubleBuffer
        var covariates: DoubleBuffer?
        var rows: Int
        var stray: Int
        /// Rows per metric event name (exposed units or not), to find events that never occur.
        var matched: [[UInt8]: Int] = [:]
        /// With a timeline: the day-cell updates of each scanning thread, in log order.
        var dayCells: [DayCellLog]? = nil
        /// The latest time of an event that feeds a metric of an exposed unit.
        var latestTime = Int64.min

        /// Adds another event file's accumulators (max for 0/1 metrics, sum otherwise).
        mutating func merge(_ other: Accumulated, aggregations: [MetricDefinition.Aggregation]) {
            RawLogPipeline.combine(into: values.pointer, other.values.pointer, aggregations: aggregations)
            if let more = other.dayCells { dayCells = (dayCells ?? []) + more }
            latestTime = max(latestTime, other.latestTime)
            if let target = covariates?.pointer, let source = other.covariates?.pointer {
                RawLogPipeline.combine(into: target, source, aggregations: aggregations)
            }
            rows += other.rows
            stray += other.stray
            matched.merge(other.matched, uniquingKeysWith: +)
        }
    }

    private struct WorkerResult: @unchecked Sendable {
        var values: DoubleBuffer
        var covariates: DoubleBuffer?
        var rows = 0
        var stray = 0
        var matched: [Int] = []
        var dayCells: DayCellLog?
        var latestTime = Int64.min
        var error: (any Error)?
    }

    static func scanEvents(_ reader: CSVReader, exposed: Exposed, settings: RawLogSettings, layout: TimelineLayout? = nil) throws -> Accumulated {
        let columns = settings.eventColumns
        let unitColumn = try reader.columnIndex(columns.unit)
        let timeColumn = try reader.columnIndex(columns.timestamp)
        let eventColumn = try reader.columnIndex(columns.event)
        let metrics = settings.metrics
        let needsValue = metrics.contains { $0.readsValue }
        // `value` rides on some events only (purchases), possibly none of the first lines.
        let valueColumn = needsValue ? try reader.sparseColumnIndex(columns.value) : -1
        // Distinct event names, each with the metrics it feeds.
        var eventNames: [[UInt8]] = []
        var metricsOfEvent: [[Int]] = []
        for (m, metric) in metrics.enumerated() {
            let bytes = Array(metric.event.utf8)
            if let known = eventNames.firstIndex(of: bytes) {
                metricsOfEvent[known].append(m)
            } else {
                eventNames.append(bytes)
                metricsOfEvent.append([m])
            }
        }
        let readsValue = metricsOfEvent.map { list in list.contains { metrics[$0].readsValue } }
        let aggregations = metrics.map(\.aggregation)
        let metricCount = metrics.count
        let unitCount = exposed.index.count
        let window = settings.window
        let windowMicros = window.microseconds
        let day: Int64 = 86_400_000_000
        let withCovariates = settings.preExposureCovariates
        let chunks = reader.chunks(settings.threads)
        let slots = WorkerSlots<WorkerResult>(count: chunks.count)
        let names = eventNames, feeds = metricsOfEvent
        // Event names of at most 16 bytes (nearly all) are matched as two words each.
        let shortNames = names.compactMap(ShortName.init)
        let allShort = shortNames.count == names.count
        // The metrics each event feeds, flat: an inner array per event would be retained per row.
        let feedList = feeds.flatMap { $0 }
        let feedStart = feeds.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }

        Parallel.run(chunks.count) { worker in
            var result = WorkerResult(
                values: DoubleBuffer(count: unitCount * metricCount),
                covariates: withCovariates ? DoubleBuffer(count: unitCount * metricCount) : nil)
            result.matched = Array(repeating: 0, count: names.count)
            // Appended to in place: a copy per record would cost the log's length each time.
            var dayCells: DayCellLog? = layout == nil ? nil : DayCellLog()
            let values = result.values.pointer
            let covariates = result.covariates?.pointer
            do {
                try reader.forEachRow(in: chunks[worker]) { row in
                    result.rows += 1
                    let eventIndex: Int? = row.withBytes(eventColumn) { bytes in
                        if allShort {
                            guard let name = ShortName(bytes) else { return nil }
                            for index in shortNames.indices where shortNames[index] == name { return index }
                            return nil
                        }
                        return names.firstIndex { name in
                            name.count == bytes.count && name.withUnsafeBufferPointer { name in
                                guard let a = name.baseAddress, let b = bytes.baseAddress else { return bytes.isEmpty }
                                return memcmp(a, b, bytes.count) == 0
                            }
                        }
                    }
                    guard let eventIndex else { return }
                    result.matched[eventIndex] += 1
                    let slot: Int? = row.withBytes(unitColumn) { bytes in
                        exposed.index.find(bytes, hash: UnitIndex.hash(bytes))
                    }
                    guard let slot else {
                        result.stray += 1
                        return
                    }
                    let unit = exposed.index.unit(at: slot)
                    let time: Int64? = row.withBytes(timeColumn) { Timestamp.parse($0)?.microseconds }
                    guard let time else { throw row.error(timeColumn, Timestamp.rejection(of: row.string(timeColumn))) }
                    // Microseconds from t₀; both instants lie in years 0001–9999, so no overflow.
                    let firstTime = exposed.index.firstTime(at: slot)
                    let delta = time - firstTime
                    // The logs' end, for the timeline's last day and the open-window check.
                    result.latestTime = max(result.latestTime, time)
                    let inWindow = window.contains(elapsed: delta)
                    // The pre-period [t₀ − W, t₀) is the window anchored at t₀ − W.
                    let inPrePeriod = delta < 0 && window.contains(elapsed: delta + windowMicros)
                    guard inWindow || (inPrePeriod && withCovariates) else {
                        // Retention days may lie beyond the window; checked below.
                        if !inWindow, delta >= 0 {
                            for feed in feedStart[eventIndex]..<feedStart[eventIndex + 1] {
                                let m = feedList[feed]
                                if case .retention(let n) = aggregations[m], delta / day == Int64(n) {
                                    values[unit * metricCount + m] = 1
                                    if dayCells != nil, let layout, let cell = layout.cell(metric: m, time: time, firstTime: firstTime) {
                                        dayCells?.append(unit: unit, cell: cell, value: 1)
                                    }
                                }
                            }
                        }
                        return
                    }
                    var value = 0.0
                    if readsValue[eventIndex] {
                        value = row.isEmpty(valueColumn) ? 0 : try row.double(valueColumn, column: columns.value)
                    }
                    let target = inWindow ? values : (covariates ?? values)
                    let elapsed = inWindow ? delta : delta + windowMicros
                    for feed in feedStart[eventIndex]..<feedStart[eventIndex + 1] {
                        let m = feedList[feed]
                        let slot = unit * metricCount + m
                        switch aggregations[m] {
                        case .conversion: target[slot] = 1
                        case .sum: target[slot] += value
                        case .count: target[slot] += 1
                        case .retention(let n):
                            if elapsed / day == Int64(n) { target[slot] = 1 }
                        }
                        // The same update in the unit's day cell; the pre-period (a covariate) is
                        // fixed before exposure, so it has no cells.
                        if inWindow, dayCells != nil, let layout,
                            let cell = layout.cell(metric: m, time: time, firstTime: firstTime)
                        {
                            switch aggregations[m] {
                            case .conversion: dayCells?.append(unit: unit, cell: cell, value: 1)
                            case .sum: dayCells?.append(unit: unit, cell: cell, value: value)
                            case .count: dayCells?.append(unit: unit, cell: cell, value: 1)
                            case .retention(let n):
                                if elapsed / day == Int64(n) { dayCells?.append(unit: unit, cell: cell, value: 1) }
                            }
                        }
                    }
                }
            } catch {
                result.error = error
            }
            result.dayCells = dayCells
            slots[worker] = result
        }

        let results = slots.values.compactMap { $0 }
        if let error = results.compactMap(\.error).first { throw error }
        var matched: [[UInt8]: Int] = [:]
        for (index, name) in eventNames.enumerated() {
            matched[name] = results.reduce(0) { $0 + (index < $1.matched.count ? $1.matched[index] : 0) }
        }
        guard var merged = results.first else {
            return Accumulated(
                values: DoubleBuffer(count: unitCount * metricCount),
                covariates: withCovariates ? DoubleBuffer(count: unitCount * metricCount) : nil, rows: 0, stray: 0, matched: matched,
                dayCells: layout.map { _ in [] })
        }
        for other in results.dropFirst() {
            combine(into: merged.values.pointer, other.values.pointer, aggregations: aggregations)
            if let target = merged.covariates?.pointer, let source = other.covariates?.pointer {
                combine(into: target, source, aggregations: aggregations)
            }
            merged.latestTime = max(merged.latestTime, other.latestTime)
            merged.rows += other.rows
            merged.stray += other.stray
        }
        return Accumulated(
            values: merged.values, covariates: merged.covariates, rows: merged.rows, stray: merged.stray, matched: matched,
            dayCells: layout.map { _ in results.compactMap(\.dayCells) }, latestTime: merged.latestTime)
    }

    static func combine(
        into target: UnsafeMutableBufferPointer<Double>, _ source: UnsafeMutableBufferPointer<Double>,
        aggregations: [MetricDefinition.Aggregation]
    ) {
        let m = aggregations.count
        let isMax = aggregations.map { aggregation -> Bool in
            switch aggregation {
            case .conversion, .retention: true
            case .sum, .count: false
            }
        }
        for index in 0..<target.count {
            if isMax[index % m] {
                target[index] = max(target[index], source[index])
            } else {
                target[index] += source[index]
            }
        }
    }

    // MARK: - Reduction

    /// One table per segment of `exposed.segmentNames` (a single table without segments).
    /// The first `reported` metrics are reported, then the ratios; the rest only feed ratios.
    static func reduce(
        exposed: Exposed, values: DoubleBuffer, covariates: DoubleBuffer?, settings: RawLogSettings, reported: Int
    ) -> [ArmTable] {
        let metrics = settings.metrics
        let m = metrics.count
        let ratioParts = settings.ratios.map { ratio in
            (metrics.firstIndex(of: ratio.numerator) ?? 0, metrics.firstIndex(of: ratio.denominator) ?? 0)
        }
        let variantCount = exposed.variantNames.count
        let segmented = !exposed.segment.isEmpty
        // A cell is a (segment, variant) pair: cell = segment × variants + variant.
        let arms = variantCount * exposed.segmentNames.count
        let unitCount = exposed.index.count
        let workers = min(settings.threads, max(1, unitCount / 100_000))
        // Per cell: the metrics' statistics, then one per ratio (numerator as value, denominator as covariate).
        let slots = WorkerSlots<[[SufficientStatistics]]>(count: workers)
        let width = m + ratioParts.count
        let countSlots = WorkerSlots<[[Int]]>(count: workers)
        // --pre-exposure-covariates all: per cell and reported metric, the joint moments of the
        // metric and every reported metric's pre-period value.
        let allCovariates = settings.preExposureCovariatesOfAllMetrics && covariates != nil && reported >= 2
        let jointSlots = WorkerSlots<[[JointMoments]]>(count: workers)
        let emptyJoint = allCovariates ? Array(repeating: JointMoments(dimension: 1 + reported), count: reported) : []
        Parallel.run(workers) { worker in
            let lower = unitCount * worker / workers, upper = unitCount * (worker + 1) / workers
            var statistics = Array(repeating: Array(repeating: SufficientStatistics(), count: width), count: arms)
            // [arm][0] units, [arm][1 + metric] ones (for exact 0/1 rates).
            var counts = Array(repeating: Array(repeating: 0, count: m + 1), count: arms)
            let v = values.pointer, c = covariates?.pointer
            var joint = Array(repeating: emptyJoint, count: allCovariates ? arms : 0)
            var vector = [Double](repeating: 0, count: 1 + reported)
            for unit in lower..<upper where !exposed.multiVariant[unit] {
                let arm = Int(exposed.variant[unit]) + (segmented ? Int(exposed.segment[unit]) * variantCount : 0)
                counts[arm][0] += 1
                for metric in 0..<m {
                    let y = v[unit * m + metric]
                    if y == 1 { counts[arm][1 + metric] += 1 }
                    statistics[arm][metric].add(y, covariate: c?[unit * m + metric] ?? 0)
                }
                for (r, parts) in ratioParts.enumerated() {
                    statistics[arm][m + r].add(v[unit * m + parts.0], covariate: v[unit * m + parts.1])
                }
                if allCovariates, let c {
                    for j in 0..<reported { vector[1 + j] = c[unit * m + j] }
                    for metric in 0..<reported {
                        vector[0] = v[unit * m + metric]
                        joint[arm][metric].add(vector)
                    }
                }
            }
            jointSlots[worker] = joint
            slots[worker] = statistics
            countSlots[worker] = counts
        }
        var statistics = Array(repeating: Array(repeating: SufficientStatistics(), count: width), count: arms)
        var counts = Array(repeating: Array(repeating: 0, count: m + 1), count: arms)
        var joint = Array(repeating: emptyJoint, count: allCovariates ? arms : 0)
        for worker in 0..<workers {
            if let part = jointSlots[worker], part.count == joint.count {
                for arm in joint.indices { for metric in joint[arm].indices { joint[arm][metric].merge(part[arm][metric]) } }
            }
            guard let part = slots[worker], let partCounts = countSlots[worker] else { continue }
            for arm in 0..<arms {
                for metric in 0..<width { statistics[arm][metric].merge(part[arm][metric]) }
                for k in 0..<(m + 1) { counts[arm][k] += partCounts[arm][k] }
            }
        }
        return exposed.segmentNames.indices.map { segment in
            // Without segments every arm is reported, even an empty one; a segment lists the arms it has units in.
            let cells = (0..<variantCount).map { segment * variantCount + $0 }.filter { !segmented || counts[$0][0] > 0 }
            let names = cells.map { exposed.variantNames[$0 % variantCount] }
            // Keys are bytes: variants distinct as bytes stay distinct arms (never merged or trapped on).
            let keys = names.map { ByteKey($0) }
            var tableMetrics = metrics.prefix(reported).enumerated().map { metric, definition in
                let perArm = cells.map { cell in
                    definition.kind == .proportion && covariates == nil
                        ? SufficientStatistics.proportion(units: counts[cell][0], conversions: counts[cell][1 + metric])
                        : statistics[cell][metric]
                }
                // Marking the covariate switches on CUPED in the analysis.
                var result = ArmTable.Metric(
                    name: definition.name, kind: definition.kind, arms: Dictionary(zip(keys, perArm), uniquingKeysWith: { first, _ in first }),
                    covariate: covariates == nil || allCovariates ? nil : "\(definition.name) before exposure")
                if allCovariates {
                    result.covariates = metrics.prefix(reported).map { "\($0.name) before exposure" }
                    result.jointArms = Dictionary(
                        zip(keys, cells.map { joint[$0][metric] }), uniquingKeysWith: { first, _ in first })
                }
                return result
            }
            for (r, ratio) in settings.ratios.enumerated() {
                tableMetrics.append(ArmTable.Metric(
                    name: ratio.name, kind: .ratio,
                    arms: Dictionary(zip(keys, cells.map { statistics[$0][m + r] }), uniquingKeysWith: { first, _ in first })))
            }
            return ArmTable(
                variants: names, metrics: tableMetrics,
                units: Dictionary(zip(keys, cells.map { counts[$0][0] }), uniquingKeysWith: { first, _ in first }))
        }
    }
}
