import Testing
import TouchstoneAnalysis
import TouchstoneData

/// The timestamp kinds (``SQLTimestampKind``): which column types they accept, how a declared
/// kind is checked against a detected one, and the expressions each dialect gets.
@Suite("Warehouse timestamp kinds")
struct TimestampKindTests {
    @Test func postgresTypesMapToKinds() {
        #expect(SQLTimestampKind(postgresType: "bigint") == .epoch)
        #expect(SQLTimestampKind(postgresType: "integer") == .epoch)
        #expect(SQLTimestampKind(postgresType: "timestamp without time zone") == .timestamp)
        #expect(SQLTimestampKind(postgresType: "timestamp with time zone") == .timestamptz)
        // A fractional epoch would not select the same whole-second deltas; text and dates are not instants.
        for type in ["double precision", "numeric", "text", "date", "character varying", "time with time zone"] {
            #expect(SQLTimestampKind(postgresType: type) == nil, "\(type)")
        }
    }

    @Test func detectedKindsResolveWithoutADeclaration() throws {
        let types = try SQLTimestampTypes.resolve(
            declared: nil,
            exposures: .init(table: "analytics.exposures", column: "ts", type: "bigint"),
            events: .init(table: "analytics.events", column: "at", type: "timestamp with time zone"))
        #expect(types == SQLTimestampTypes(exposures: .epoch, events: .timestamptz))
        #expect(types.unit == .microseconds)
        #expect(SQLTimestampTypes.epoch.unit == .seconds)
    }

    @Test func aDeclaredKindThatIsNotTheColumnsIsRefusedNamingTableAndColumn() {
        #expect {
            try SQLTimestampTypes.resolve(
                declared: .epoch,
                exposures: .init(table: "analytics.exposures", column: "ts", type: "bigint"),
                events: .init(table: "analytics.events", column: "at", type: "timestamp with time zone"))
        } throws: { error in
            (error as? SQLError)?.message
                == "--timestamp-type epoch: analytics.events.at is timestamp with time zone (TIMESTAMPTZ), not integer epoch seconds; "
                + "declare --timestamp-type timestamptz or leave it out to detect it"
        }
        #expect {
            try SQLTimestampTypes.resolve(
                declared: nil,
                exposures: .init(table: "x", column: "ts", type: "text"),
                events: .init(table: "e", column: "ts", type: "bigint"))
        } throws: { error in
            (error as? SQLError)?.message == "x.ts is text: timestamps must be integer epoch seconds (bigint, integer), timestamp or timestamptz"
        }
    }

    @Test func dialectsRefuseKindsTheyCannotReadExactly() {
        #expect(throws: SQLError.self) { try SQLTimestampKind.timestamp.check(dialect: .sqlite) }
        #expect(throws: SQLError.self) { try SQLTimestampKind.timestamptz.check(dialect: .sqlite) }
        #expect(throws: SQLError.self) { try SQLTimestampKind.timestamp.check(dialect: .spark) }
        #expect(throws: Never.self) { try SQLTimestampKind.timestamptz.check(dialect: .spark) }
        for kind in SQLTimestampKind.allCases { #expect(throws: Never.self) { try kind.check(dialect: .postgres) } }
    }

    @Test func expressionsPerDialectAndUnit() {
        #expect(SQLTimestampKind.epoch.expression("e.\"ts\"", dialect: .postgres, unit: .seconds) == "e.\"ts\"")
        #expect(SQLTimestampKind.epoch.expression("e.\"ts\"", dialect: .postgres, unit: .microseconds) == "CAST(e.\"ts\" AS BIGINT) * 1000000")
        #expect(SQLTimestampKind.timestamptz.expression("e.\"ts\"", dialect: .postgres, unit: .microseconds)
            == "CAST(ROUND(EXTRACT(EPOCH FROM e.\"ts\") * 1000000) AS BIGINT)")
        #expect(SQLTimestampKind.timestamptz.expression("e.`ts`", dialect: .spark, unit: .microseconds) == "unix_micros(e.`ts`)")
    }

    /// The default query is the epoch query, text for text; timestamps change only the time
    /// expressions and make the bounds microseconds.
    @Test func timestampQueriesDifferOnlyInTimeExpressionsAndBounds() throws {
        let settings = Scenarios.settings(covariates: true, windowDays: 3)
        let plain = try AggregationQuery(dialect: .postgres, exposuresTable: "x", eventsTable: "e", settings: settings)
        let epoch = try AggregationQuery(dialect: .postgres, exposuresTable: "x", eventsTable: "e", settings: settings, timestamps: .epoch)
        #expect(plain.sql == epoch.sql && plain.parameters == epoch.parameters)
        let tz = try AggregationQuery(dialect: .postgres, exposuresTable: "x", eventsTable: "e", settings: settings, timestamps: .init(.timestamptz))
        #expect(tz.sql.contains("CAST(ROUND(EXTRACT(EPOCH FROM x.\"timestamp\") * 1000000) AS BIGINT) AS ts"))
        #expect(tz.sql.contains("CAST(ROUND(EXTRACT(EPOCH FROM e.\"timestamp\") * 1000000) AS BIGINT), NULL"))
        // The 3-day window's bound: 259,200 s in the epoch query, 259,200,000,000 µs with timestamps.
        #expect(plain.parameters.contains(.integer(259_200)) && !plain.parameters.contains(.integer(259_200_000_000)))
        #expect(tz.parameters.contains(.integer(259_200_000_000)) && !tz.parameters.contains(.integer(259_200)))
        #expect(throws: SQLError.self) {
            try AggregationQuery(dialect: .sqlite, exposuresTable: "x", eventsTable: "e", settings: settings, timestamps: .init(.timestamp))
        }
    }
}
