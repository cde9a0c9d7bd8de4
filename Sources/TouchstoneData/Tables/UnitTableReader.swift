import TouchstoneStats

/// Reads a unit-level table — one row per unit with its variant and metric values — into
/// per-arm sufficient statistics in one streaming pass.
///
/// Metric cells may be numbers or, for proportions, `true`/`false` in any letter case (the
/// Cookie Cats file writes `True`/`False`). A column requested as a proportion must hold only
/// 0 and 1; one whose kind is inferred becomes a proportion when it does.
///
/// - `covariates` maps a metric column to its pre-period covariate column (CUPED); the
///   covariate's moments are accumulated alongside the metric's.
/// - `covariateSets` maps a metric column to two or more covariate columns (CUPED++); the
///   joint moments of the metric and all of them are accumulated (``ArmTable/Metric/jointArms``).
/// - `ratios` adds ratio metrics, whose numerator and denominator columns are accumulated as
///   metric and covariate of one ``SufficientStatistics``.
/// - `caps` winsorises a metric column at an upper value before it is aggregated.
public enum UnitTableReader {
    /// The column that, when a table has it, names each row's unit; a unit may have one row.
    public static let unitColumn = "unit_id"

    static func repeatedUnitMessage(_ unit: String, firstLine: Int) -> String {
        "unit '\(unit)' has a second row (the first is on line \(firstLine)): a unit table holds one row per unit, "
            + "so it would be counted twice; remove the duplicate or aggregate the rows per unit first"
    }

    public static func read(
        _ reader: CSVReader, variantColumn: String, metrics requested: [MetricColumn],
        covariates: [String: String] = [:], ratios: [RatioColumn] = [], caps: [String: Double] = [:],
        skipMissing: Bool = false, covariateSets: [String: [String]] = [:]
    ) throws -> ArmTable {
        let cells = try readCells(
            reader, variantColumn: variantColumn, segmentColumn: nil, metrics: requested, covariates: covariates,
            ratios: ratios, caps: caps, skipMissing: skipMissing, covariateSets: covariateSets)
        return cells.table(segment: nil)
    }

    /// Like ``read(_:variantColumn:metrics:covariates:ratios:caps:skipMissing:)``, split by the
    /// values of `segmentColumn` (an empty cell is the segment `""`). A metric's kind is inferred
    /// over the whole table, so every segment reports it the same way.
    public static func readSegmented(
        _ reader: CSVReader, variantColumn: String, segmentColumn: String, metrics requested: [MetricColumn],
        covariates: [String: String] = [:], ratios: [RatioColumn] = [], caps: [String: Double] = [:],
        skipMissing: Bool = false, covariateSets: [String: [String]] = [:]
    ) throws -> SegmentedArmTable {
        let cells = try readCells(
            reader, variantColumn: variantColumn, segmentColumn: segmentColumn, metrics: requested, covariates: covariates,
            ratios: ratios, caps: caps, skipMissing: skipMissing, covariateSets: covariateSets)
        return SegmentedArmTable(
            column: segmentColumn,
            segments: cells.segmentOrder.map { .init(value: $0, table: cells.table(segment: $0)) })
    }

    /// Statistics per cell — a (segment, variant) pair — before they are grouped into tables.
    private struct Cells {
        var names: [String] = []
        var kinds: [MetricKind] = []
        var covariates: [String?] = []
        var exact: [Bool] = []
        var variantOrder: [String] = []
        var segmentOrder: [String] = []
        var cellKeys: [(segment: ByteKey, variant: ByteKey)] = []
        var units: [Int] = []
        /// [metric][cell]
        var statistics: [[SufficientStatistics]] = []
        /// Exact counts of ones and of non-missing cells, so a 0/1 metric gets the exact rate
        /// x / n rather than a running mean's rounding.
        var ones: [[Int]] = []
        var present: [[Int]] = []
        /// Metrics with several covariates: their names and [metric][cell] joint moments.
        var covariateSets: [[String]] = []
        var joint: [[JointMoments]] = []

        func table(segment: String?) -> ArmTable {
            let cells = cellKeys.indices.filter { segment == nil || cellKeys[$0].segment == ByteKey(segment ?? "") }
            let inCells = Set(cells.map { cellKeys[$0].variant })
            let variants = variantOrder.filter { inCells.contains(ByteKey($0)) }
            let metrics = names.indices.map { metric in
                var arms: [ByteKey: SufficientStatistics] = [:]
                for cell in cells {
                    arms[cellKeys[cell].variant, default: SufficientStatistics()].merge(
                        exact[metric]
                            ? .proportion(units: present[metric][cell], conversions: ones[metric][cell])
                            : statistics[metric][cell])
                }
                var result = ArmTable.Metric(name: names[metric], kind: kinds[metric], arms: arms, covariate: covariates[metric])
                if metric < covariateSets.count, covariateSets[metric].count >= 2 {
                    result.covariates = covariateSets[metric]
                    for cell in cells {
                        result.jointArms[cellKeys[cell].variant, default: JointMoments(dimension: 1 + covariateSets[metric].count)]
                            .merge(joint[metric][cell])
                    }
                }
                return result
            }
            var unitCounts: [ByteKey: Int] = [:]
            for cell in cells { unitCounts[cellKeys[cell].variant, default: 0] += units[cell] }
            return ArmTable(variants: variants, metrics: metrics, units: unitCounts)
        }
    }

    private static func readCells(
        _ reader: CSVReader, variantColumn: String, segmentColumn: String?, metrics requested: [MetricColumn],
        covariates: [String: String], ratios: [RatioColumn], caps: [String: Double], skipMissing: Bool,
        covariateSets: [String: [String]] = [:]
    ) throws -> Cells {
        guard !requested.isEmpty || !ratios.isEmpty else {
            throw DataError(file: reader.name, message: "no metric requested (use --metric COLUMN)")
        }
        let variantIndex = try reader.columnIndex(variantColumn)
        let segmentIndex = try segmentColumn.map { try reader.columnIndex($0, onEveryLine: false) }
        // Ratio metrics ride along as extra slots: numerator as the value, denominator as the covariate.
        let metrics = requested + ratios.map { MetricColumn(column: $0.numerator, kind: .ratio) }
        let metricIndices = try metrics.map { try reader.columnIndex($0.column, onEveryLine: false) }
        let covariateNames: [String?] = requested.map { covariates[$0.column] } + ratios.map(\.denominator)
        let covariateIndices = try covariateNames.map { name in try name.map { try reader.columnIndex($0, onEveryLine: false) } }
        let capValues: [Double?] = requested.map { caps[$0.column] } + ratios.map { _ in nil }
        let setNames: [[String]] = requested.map { covariateSets[$0.column] ?? [] } + ratios.map { _ in [] }
        let setIndices = try setNames.map { names in try names.map { try reader.columnIndex($0, onEveryLine: false) } }
        var scratch: [Double] = []
        var cells = Cells()
        cells.covariateSets = setNames
        cells.joint = Array(repeating: [], count: metrics.count)
        // Bytes, not `String` equality: `café` precomposed and decomposed are two arms.
        var slot: [ByteKey: [ByteKey: Int]] = [:]
        var knownVariants: Set<ByteKey> = [], knownSegments: Set<ByteKey> = []
        cells.statistics = Array(repeating: [], count: metrics.count)
        cells.ones = Array(repeating: [], count: metrics.count)
        cells.present = Array(repeating: [], count: metrics.count)
        var binary = Array(repeating: true, count: metrics.count)
        // A table with a `unit_id` column names its units: a repeated one would be counted twice
        // (in two arms, if its rows disagree), so it is refused where it repeats.
        let unitIndex = reader.header.contains(where: { $0.bytewiseEquals(unitColumn) }) ? try reader.columnIndex(unitColumn) : nil
        var unitLines: [ByteKey: Int] = [:]

        try reader.forEachRow { row in
            if row.isEmpty(variantIndex) {
                throw row.error(variantIndex, "empty variant in column '\(variantColumn)'")
            }
            if let unitIndex, !row.isEmpty(unitIndex) {
                let unit = try row.text(unitIndex, column: unitColumn)
                if let first = unitLines.updateValue(row.line, forKey: ByteKey(unit)) {
                    throw row.error(unitIndex, repeatedUnitMessage(unit, firstLine: first))
                }
            }
            let variantText = try row.text(variantIndex, column: variantColumn)
            let segmentText = try segmentIndex.map { index in
                row.isEmpty(index) ? "" : try row.text(index, column: segmentColumn)
            } ?? ""
            let variant = ByteKey(variantText), segment = ByteKey(segmentText)
            let arm: Int
            if let known = slot[segment]?[variant] {
                arm = known
            } else {
                arm = cells.cellKeys.count
                slot[segment, default: [:]][variant] = arm
                if knownVariants.insert(variant).inserted { cells.variantOrder.append(variantText) }
                if knownSegments.insert(segment).inserted {
                    guard cells.segmentOrder.count < SegmentedArmTable.maximumSegments else {
                        throw row.error(segmentIndex ?? 0, "more than \(SegmentedArmTable.maximumSegments) distinct values in column '\(segmentColumn ?? "")': segments are for attributes with few values")
                    }
                    cells.segmentOrder.append(segmentText)
                }
                cells.cellKeys.append((segment, variant))
                cells.units.append(0)
                for metric in metrics.indices {
                    cells.statistics[metric].append(SufficientStatistics())
                    cells.ones[metric].append(0)
                    cells.present[metric].append(0)
                    cells.joint[metric].append(JointMoments(dimension: 1 + setNames[metric].count))
                }
            }
            cells.units[arm] += 1
            for (metric, column) in metricIndices.enumerated() {
                if row.isEmpty(column) {
                    if skipMissing { continue }
                    throw row.error(column, "empty value in column '\(metrics[metric].column)' (pass --skip-missing to leave such units out of that metric)")
                }
                var value = try cellValue(row, column, name: metrics[metric].column)
                if let cap = capValues[metric], value > cap { value = cap }
                var covariate = 0.0
                if let covariateColumn = covariateIndices[metric] {
                    if row.isEmpty(covariateColumn) {
                        if skipMissing { continue }
                        throw row.error(covariateColumn, "empty value in column '\(covariateNames[metric] ?? "")' (pass --skip-missing to leave such units out of that metric)")
                    }
                    covariate = try row.double(covariateColumn, column: covariateNames[metric] ?? "")
                }
                if !setIndices[metric].isEmpty {
                    scratch.removeAll(keepingCapacity: true)
                    scratch.append(value)
                    var missing = false
                    for (slot, index) in setIndices[metric].enumerated() {
                        if row.isEmpty(index) {
                            if skipMissing { missing = true; break }
                            throw row.error(index, "empty value in column '\(setNames[metric][slot])' (pass --skip-missing to leave such units out of that metric)")
                        }
                        scratch.append(try row.double(index, column: setNames[metric][slot]))
                    }
                    if missing { continue }
                    cells.joint[metric][arm].add(scratch)
                }
                if value != 0 && value != 1 {
                    if metrics[metric].kind == .proportion {
                        throw row.error(column, "'\(row.string(column))' in proportion column '\(metrics[metric].column)' is not 0/1 or true/false")
                    }
                    binary[metric] = false
                }
                if value == 1 { cells.ones[metric][arm] += 1 }
                cells.present[metric][arm] += 1
                cells.statistics[metric][arm].add(value, covariate: covariate)
            }
        }
        guard !cells.cellKeys.isEmpty else {
            throw DataError(file: reader.name, line: 2, message: "the table has a header but no rows")
        }
        for (index, metric) in metrics.enumerated() {
            let isRatio = index >= requested.count
            cells.names.append(isRatio ? ratios[index - requested.count].name : metric.column)
            cells.kinds.append(isRatio ? .ratio : metric.kind ?? (binary[index] ? .proportion : .mean))
            cells.covariates.append(isRatio ? nil : covariateNames[index])
            // A covariate's moments live in the Welford statistics, so CUPED metrics keep them.
            cells.exact.append(binary[index] && covariateIndices[index] == nil && setIndices[index].isEmpty && !isRatio)
        }
        return cells
    }

    static func cellValue(_ row: borrowing CSVRow, _ column: Int, name: String) throws -> Double {
        let truth: Double? = row.withBytes(column) { bytes in
            switch bytes.count {
            case 4 where bytes.elementsEqual("true".utf8, by: { $0 | 0x20 == $1 }): 1
            case 5 where bytes.elementsEqual("false".utf8, by: { $0 | 0x20 == $1 }): 0
            default: nil
            }
        }
        if let truth { return truth }
        return try row.double(column, column: name)
    }
}

// MARK: - Column values

extension UnitTableReader {
    /// Every value of the given numeric columns, in one pass (e.g. for percentile caps); empty
    /// cells are skipped.
    public static func columnValues(_ reader: CSVReader, columns: [String]) throws -> [String: [Double]] {
        let indexes = try columns.map { try reader.columnIndex($0, onEveryLine: false) }
        var values = Array(repeating: [Double](), count: columns.count)
        try reader.forEachRow { row in
            for (slot, index) in indexes.enumerated() where !row.isEmpty(index) {
                values[slot].append(try cellValue(row, index, name: columns[slot]))
            }
        }
        return Dictionary(zip(columns, values), uniquingKeysWith: { first, _ in first })
    }

    /// The values of the given columns grouped by variant (raw samples for the bootstrap), in
    /// one pass, each capped at `caps[column]` when given; empty cells are skipped.
    ///
    /// - Returns: column → variant → values.
    public static func armValues(
        _ reader: CSVReader, variantColumn: String, columns: [String], caps: [String: Double] = [:]
    ) throws -> [String: [ByteKey: [Double]]] {
        let variantIndex = try reader.columnIndex(variantColumn)
        let indexes = try columns.map { try reader.columnIndex($0, onEveryLine: false) }
        let limits = columns.map { caps[$0] }
        var values = Array(repeating: [ByteKey: [Double]](), count: columns.count)
        try reader.forEachRow { row in
            let variant = ByteKey(try row.text(variantIndex, column: variantColumn))
            for (slot, index) in indexes.enumerated() where !row.isEmpty(index) {
                var value = try cellValue(row, index, name: columns[slot])
                if let cap = limits[slot], value > cap { value = cap }
                values[slot][variant, default: []].append(value)
            }
        }
        return Dictionary(zip(columns, values), uniquingKeysWith: { first, _ in first })
    }
}
