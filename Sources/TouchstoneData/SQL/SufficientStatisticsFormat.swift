import Foundation

/// The sufficient-statistics exchange format: per-arm power sums, as CSV or JSON.
///
/// What `touchstone sql` queries return and `touchstone analyze --power-sums FILE` reads back.
/// One row per (variant, metric) — per (segment, variant, metric) when split by a unit attribute:
///
/// ```
/// variant[,segment],metric,units,sum,sum_of_squares[,covariate_sum,covariate_sum_of_squares,cross_products]
/// control,purchase,50123,2511,2511
/// control,purchase:sum,50123,125550.75,9871234.5
/// ```
/// - `segment` (optional column) is the unit attribute's value (`--by country`: `DE`, `FR`, or
///   empty for units without one); the other columns then cover that segment's units of the arm;
/// - `metric` is in `--metric` form (`EVENT`, `EVENT:sum`, `EVENT:count`, `EVENT:retention:N`):
///   it sets the kind (0/1 metrics are proportions);
/// - `units` is the arm's unit count, the same on every row of the arm;
/// - `sum`/`sum_of_squares` are Σy and Σy² over the arm's units; with a pre-period covariate x,
///   `covariate_sum` Σx, `covariate_sum_of_squares` Σx², `cross_products` Σxy.
/// Integers are read exactly (64-bit), other numbers as doubles. Rows for the same arm from
/// different partitions may be added column by column before reading (power sums merge by
/// addition). JSON: `{"arms": [{"variant", "metric", "units", "sum", "sumOfSquares",
/// "covariateSum"?, "covariateSumOfSquares"?, "crossProducts"?, "segment"?}]}`, numbers as JSON
/// numbers or strings, `segment` a string.
public enum SufficientStatisticsFormat {
    public static let csvColumns = ["variant", "metric", "units", "sum", "sum_of_squares"]
    /// How a push-down query reports input it refuses: every row's variant starts with it.
    public static let errorPrefix = "touchstone error: "
    public static let covariateColumns = ["covariate_sum", "covariate_sum_of_squares", "cross_products"]
    /// The optional column (and JSON key) naming each row's segment; written right after `variant`.
    public static let segmentColumn = "segment"

    // MARK: - Reading

    /// Reads a CSV or (by its first non-blank byte `{`) JSON file.
    public static func read(path: String) throws -> [PowerSums] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, message: "cannot read the file")
        }
        if data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
            return try readJSON(data, name: path)
        }
        return try readCSV(CSVReader(bytes: Array(data), name: path))
    }

    public static func readCSV(_ reader: CSVReader) throws -> [PowerSums] {
        let columns = try csvColumns.map { try reader.columnIndex($0) }
        // A column this format does not have (a typo such as covariate_sums) would be dropped
        // silently, and with it CUPED: refused instead, as is an incomplete covariate set.
        let known = csvColumns + covariateColumns + [segmentColumn]
        for (index, column) in reader.header.enumerated() where !known.contains(where: { $0.bytewiseEquals(column) }) {
            throw DataError(file: reader.name, line: 1, column: index + 1, message: "unknown column '\(column)' (columns: \(known.joined(separator: ", ")))")
        }
        let present = covariateColumns.filter { reader.optionalColumnIndex($0) != nil }
        if !present.isEmpty, present.count < covariateColumns.count {
            throw DataError(file: reader.name, line: 1, message: "\(covariateColumns.joined(separator: ", ")) go together (found only \(present.joined(separator: ", ")))")
        }
        let hasCovariate = reader.optionalColumnIndex(covariateColumns[0]) != nil
        let covariate = hasCovariate ? try covariateColumns.map { try reader.columnIndex($0) } : []
        let segment = reader.header.contains(segmentColumn) ? try reader.columnIndex(segmentColumn) : nil
        var result: [PowerSums] = []
        try reader.forEachRow { row in
            guard case .integer(let units) = try Self.number(row, columns[2]), units >= 0 else {
                throw row.error(columns[2], "'\(row.string(columns[2]))' is not a unit count")
            }
            if row.isEmpty(columns[0]) { throw row.error(columns[0], "empty variant") }
            if row.string(columns[0]).hasPrefix(errorPrefix) {
                // The push-down query found input it cannot aggregate (see AggregationQuery).
                throw row.error(columns[0], row.string(columns[0]))
            }
            guard MetricName.isValid(row.string(columns[1])) else {
                throw row.error(columns[1], "'\(row.string(columns[1]))' is not a metric (EVENT, EVENT:sum, EVENT:count, EVENT:retention:N, or NAME=NUMERATOR/DENOMINATOR)")
            }
            var sums = PowerSums(
                variant: try row.text(columns[0], column: "variant"), metric: row.string(columns[1]), units: units,
                sum: try Self.number(row, columns[3]), sumOfSquares: try Self.number(row, columns[4]))
            // Empty covariate cells: this metric has none (next to ratio rows, which always do).
            if hasCovariate, !covariate.allSatisfy({ row.isEmpty($0) }) {
                sums.covariate = .init(sum: try Self.number(row, covariate[0]), sumOfSquares: try Self.number(row, covariate[1]), crossProducts: try Self.number(row, covariate[2]))
            }
            // Validated text: two malformed values must not both become U+FFFD, one segment.
            if let segment { sums.segment = try row.text(segment, column: segmentColumn) }
            if let (field, message) = sums.inconsistency() {
                let column: Int = switch field {
                case .units: columns[2]
                case .sum: columns[3]
                case .sumOfSquares: columns[4]
                case .covariateSum: covariate.first ?? columns[3]
                case .covariateSumOfSquares: covariate.dropFirst().first ?? columns[4]
                case .crossProducts: covariate.last ?? columns[4]
                }
                throw row.error(column, message)
            }
            result.append(sums)
        }
        guard !result.isEmpty else { throw DataError(file: reader.name, message: "no rows") }
        return result
    }

    private static func number(_ row: borrowing CSVRow, _ index: Int) throws -> SQLNumber {
        guard let value = SQLNumber(text: row.string(index)) else {
            throw row.error(index, "'\(row.string(index))' is not a finite number")
        }
        return value
    }

    public static func readJSON(_ data: Data, name: String) throws -> [PowerSums] {
        try JSONDuplicateKeys.refuse(data, file: name)
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw DataError(file: name, message: "not valid JSON: \(error.localizedDescription)")
        }
        guard let arms = (document as? [String: Any])?["arms"] as? [[String: Any]], !arms.isEmpty else {
            throw DataError(file: name, message: "expected {\"arms\": [{\"variant\", \"metric\", \"units\", \"sum\", \"sumOfSquares\", …}]}")
        }
        return try arms.enumerated().map { index, arm in
            func number(_ key: String) throws -> SQLNumber {
                let value = arm[key]
                let text: String? = switch value {
                case let string as String: string
                case let number as NSNumber: number.stringValue
                default: nil
                }
                guard let text, let parsed = SQLNumber(text: text) else {
                    throw DataError(file: name, message: "arms[\(index)].\(key): expected a number")
                }
                return parsed
            }
            // A key this format does not have (a CSV column name, a typo) would be dropped
            // silently, and with it CUPED: refused instead.
            let known: Set = ["variant", "metric", "units", "sum", "sumOfSquares", "segment", "covariateSum", "covariateSumOfSquares", "crossProducts"]
            if let unknown = arm.keys.sorted().first(where: { !known.contains($0) }) {
                throw DataError(file: name, message: "arms[\(index)]: unknown key '\(unknown)' (keys: \(known.sorted().joined(separator: ", ")))")
            }
            let covariateKeys = ["covariateSum", "covariateSumOfSquares", "crossProducts"].filter { arm[$0] != nil }
            if !covariateKeys.isEmpty, covariateKeys.count < 3 {
                throw DataError(file: name, message: "arms[\(index)]: covariateSum, covariateSumOfSquares and crossProducts go together (found only \(covariateKeys.joined(separator: ", ")))")
            }
            if let variant = arm["variant"] as? String, variant.hasPrefix(errorPrefix) {
                throw DataError(file: name, message: "arms[\(index)].variant: \(variant)")
            }
            guard let variant = arm["variant"] as? String, !variant.isEmpty,
                  let metric = arm["metric"] as? String, MetricName.isValid(metric)
            else { throw DataError(file: name, message: "arms[\(index)]: needs \"variant\" and \"metric\" (EVENT[:sum|:count|…])") }
            guard case .integer(let units) = try number("units"), units >= 0 else {
                throw DataError(file: name, message: "arms[\(index)].units: expected a count")
            }
            var sums = PowerSums(variant: variant, metric: metric, units: units, sum: try number("sum"), sumOfSquares: try number("sumOfSquares"))
            if let segment = arm["segment"] {
                guard let text = segment as? String else {
                    throw DataError(file: name, message: "arms[\(index)].segment: expected a string")
                }
                sums.segment = text
            }
            if arm["covariateSum"] != nil {
                sums.covariate = .init(sum: try number("covariateSum"), sumOfSquares: try number("covariateSumOfSquares"), crossProducts: try number("crossProducts"))
            }
            if let (field, message) = sums.inconsistency() {
                let key = switch field {
                case .units: "units"
                case .sum: "sum"
                case .sumOfSquares: "sumOfSquares"
                case .covariateSum: "covariateSum"
                case .covariateSumOfSquares: "covariateSumOfSquares"
                case .crossProducts: "crossProducts"
                }
                throw DataError(file: name, message: "arms[\(index)].\(key): \(message)")
            }
            return sums
        }
    }

    // MARK: - Writing

    public static func csv(_ rows: [PowerSums]) -> String {
        let covariate = rows.contains { $0.covariate != nil }
        let segmented = rows.contains { $0.segment != nil }
        var header = csvColumns + (covariate ? covariateColumns : [])
        if segmented { header.insert(segmentColumn, at: 1) }
        var lines = [header.joined(separator: ",")]
        for row in rows {
            var fields = [quoted(row.variant), quoted(row.metric), String(row.units), row.sum.description, row.sumOfSquares.description]
            if segmented { fields.insert(quoted(row.segment ?? ""), at: 1) }
            if covariate {
                fields += [row.covariate?.sum.description ?? "", row.covariate?.sumOfSquares.description ?? "",
                           row.covariate?.crossProducts.description ?? ""]
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ rows: [PowerSums]) -> String {
        func string(_ text: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        let arms = rows.map { row in
            var fields = ["\"variant\": \(string(row.variant))", "\"metric\": \(string(row.metric))", "\"units\": \(row.units)",
                          "\"sum\": \(row.sum)", "\"sumOfSquares\": \(row.sumOfSquares)"]
            if let segment = row.segment { fields.insert("\"segment\": \(string(segment))", at: 1) }
            if let x = row.covariate {
                fields += ["\"covariateSum\": \(x.sum)", "\"covariateSumOfSquares\": \(x.sumOfSquares)", "\"crossProducts\": \(x.crossProducts)"]
            }
            return "    { " + fields.joined(separator: ", ") + " }"
        }
        return "{ \"arms\": [\n" + arms.joined(separator: ",\n") + "\n] }\n"
    }

    private static func quoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

/// The `--metric` syntax, checked without TouchstoneAnalysis's ``MetricDefinition``.
enum MetricName {
    /// `EVENT[:conversion|sum|count|retention:N]`, or a ratio `NAME=NUMERATOR/DENOMINATOR` of two
    /// such metrics (a name with `=` is always read as a ratio).
    static func isValid(_ name: String) -> Bool {
        if let equals = name.firstIndex(of: "=") {
            let parts = name[name.index(after: equals)...].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            return equals != name.startIndex && parts.count == 2
                && !parts[0].contains("=") && isValid(String(parts[0])) && isValid(String(parts[1]))
        }
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard let event = parts.first, !event.isEmpty else { return false }
        switch parts.count {
        case 1: return true
        case 2: return ["conversion", "sum", "count"].contains(parts[1])
        case 3: return parts[1] == "retention" && Int(parts[2]).map { $0 >= 0 } == true
        default: return false
        }
    }
}
