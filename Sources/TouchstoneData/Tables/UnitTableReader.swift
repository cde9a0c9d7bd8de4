import TouchstoneStats

/// Reads a unit-level table — one row per unit with its variant and metric values — into
/// per-arm sufficient statistics in one streaming pass.
///
/// Metric cells may be numbers or, for proportions, `true`/`false` in any letter case (the
/// Cookie Cats file writes `True`/`False`). A column requested as a proportion must hold only
/// 0 and 1; one whose kind is inferred becomes a proportion when it does.
public enum UnitTableReader {
    public static func read(
        _ reader: CSVReader, variantColumn: String, metrics: [MetricColumn], skipMissing: Bool = false
    ) throws -> ArmTable {
        guard !metrics.isEmpty else {
            throw DataError(file: reader.name, message: "no metric requested (use --metric COLUMN)")
        }
        let variantIndex = try reader.columnIndex(variantColumn)
        let metricIndices = try metrics.map { try reader.columnIndex($0.column) }
        var variantOrder: [String] = []
        var slot: [String: Int] = [:]
        var statistics: [[SufficientStatistics]] = Array(repeating: [], count: metrics.count)
        var units: [Int] = []
        var binary = Array(repeating: true, count: metrics.count)
        // Exact counts of ones and of non-missing cells, so a 0/1 metric gets the exact
        // rate x / n rather than a running mean's rounding.
        var ones: [[Int]] = Array(repeating: [], count: metrics.count)
        var present: [[Int]] = Array(repeating: [], count: metrics.count)

        try reader.forEachRow { row in
            if row.isEmpty(variantIndex) {
                throw row.error(variantIndex, "empty variant in column '\(variantColumn)'")
            }
            let variant = row.string(variantIndex)
            let arm: Int
            if let known = slot[variant] {
                arm = known
            } else {
                arm = variantOrder.count
                slot[variant] = arm
                variantOrder.append(variant)
                units.append(0)
                for metric in statistics.indices {
                    statistics[metric].append(SufficientStatistics())
                    ones[metric].append(0)
                    present[metric].append(0)
                }
            }
            units[arm] += 1
            for (metric, column) in metricIndices.enumerated() {
                if row.isEmpty(column) {
                    if skipMissing { continue }
                    throw row.error(column, "empty value in column '\(metrics[metric].column)' (pass --skip-missing to leave such units out of that metric)")
                }
                let value = try cellValue(row, column, name: metrics[metric].column)
                if value != 0 && value != 1 {
                    if metrics[metric].kind == .proportion {
                        throw row.error(column, "'\(row.string(column))' in proportion column '\(metrics[metric].column)' is not 0/1 or true/false")
                    }
                    binary[metric] = false
                }
                if value == 1 { ones[metric][arm] += 1 }
                present[metric][arm] += 1
                statistics[metric][arm].add(value)
            }
        }
        guard !variantOrder.isEmpty else {
            throw DataError(file: reader.name, line: 2, message: "the table has a header but no rows")
        }
        let tableMetrics = metrics.enumerated().map { index, metric in
            let kind = metric.kind ?? (binary[index] ? .proportion : .mean)
            let arms = binary[index]
                ? variantOrder.indices.map { SufficientStatistics.proportion(units: present[index][$0], conversions: ones[index][$0]) }
                : statistics[index]
            return ArmTable.Metric(
                name: metric.column, kind: kind, arms: Dictionary(uniqueKeysWithValues: zip(variantOrder, arms)))
        }
        return ArmTable(
            variants: variantOrder, metrics: tableMetrics,
            units: Dictionary(uniqueKeysWithValues: zip(variantOrder, units)))
    }

    private static func cellValue(_ row: borrowing CSVRow, _ column: Int, name: String) throws -> Double {
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
