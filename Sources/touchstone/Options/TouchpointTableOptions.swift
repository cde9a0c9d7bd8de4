import ArgumentParser
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

/// Where a touchpoint log lives in a SQL engine, for `sql --paths` and `attribute --postgres`.
struct TouchpointTableOptions: ParsableArguments {
    @Option(help: "Paths in the warehouse: table of touchpoints (unit_id, timestamp, channel, conversion, value); schema.table allowed. Timestamps: integer epoch seconds, TIMESTAMP or TIMESTAMPTZ (--timestamp-type).")
    var touchpointsTable: String?

    static let defaultColumns = "unit_id,timestamp,channel,conversion,value"

    @Option(help: "The touchpoints table's columns UNIT,TIMESTAMP,CHANNEL,CONVERSION[,VALUE] (without VALUE every conversion is worth 0).")
    var touchpointColumns = Self.defaultColumns

    @Option(help: "The touchpoints table's click/view column (needed by --view-lookback; default there: type).")
    var typeColumn: String?

    var isUsed: Bool { touchpointsTable != nil || typeColumn != nil || touchpointColumns != Self.defaultColumns }

    /// `--touchpoints-table`, or the error that asks for it.
    func table() throws -> String {
        guard let touchpointsTable else { throw ValidationError("paths in the warehouse need --touchpoints-table TABLE") }
        return touchpointsTable
    }

    /// The column names of `--touchpoint-columns` and `--type-column`.
    func columns(viewLookback: String?) throws -> PathsQuery.Columns {
        let names = touchpointColumns.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard (4...5).contains(names.count) else {
            throw ValidationError("--touchpoint-columns '\(touchpointColumns)': expected UNIT,TIMESTAMP,CHANNEL,CONVERSION[,VALUE]")
        }
        let roles = names + (typeColumn.map { [$0] } ?? [])
        if let repeated = roles.enumerated().first(where: { entry in roles.prefix(entry.offset).contains { $0.bytewiseEquals(entry.element) } }) {
            // One column in two roles (unit and timestamp, say) would be read as both.
            throw ValidationError("--touchpoint-columns '\(touchpointColumns)'\(typeColumn.map { " with --type-column \($0)" } ?? ""): column '\(repeated.element)' is named twice; each role needs its own column")
        }
        var columns = PathsQuery.Columns()
        (columns.unit, columns.timestamp, columns.channel, columns.conversion) = (names[0], names[1], names[2], names[3])
        columns.value = names.count == 5 ? names[4] : nil
        columns.type = typeColumn ?? (viewLookback == nil ? nil : "type")
        return columns
    }

    /// The paths query; names are validated here (hostile ones refused with a clear error), and
    /// a timestamp kind the dialect cannot read is refused.
    func query(dialect: SQLDialect, lookback: String?, viewLookback: String?, timestamps: SQLTimestampKind) throws -> PathsQuery {
        let touchpointsTable = try table()
        let columns = try columns(viewLookback: viewLookback)
        func span(_ text: String?, _ flag: String) throws -> TimeSpan? {
            guard let text else { return nil }
            guard let span = TimeSpan.parse(text) else { throw ValidationError(TimeSpan.rejection(of: text, flag: flag)) }
            return span
        }
        do {
            return try PathsQuery(
                dialect: dialect, table: touchpointsTable, columns: columns,
                lookback: try span(lookback, "--lookback"), viewLookback: try span(viewLookback, "--view-lookback"),
                timestamps: timestamps)
        } catch let error as SQLError {
            throw ValidationError(error.message)
        }
    }
}
