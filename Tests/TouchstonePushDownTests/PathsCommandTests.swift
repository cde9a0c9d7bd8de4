import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTestSupport

/// `touchstone sql --paths` and `touchstone attribute --postgres`.
@Suite("touchstone sql --paths and attribute --postgres")
struct PathsCommandTests {
    /// Result rows as the CSV a warehouse user saves (NULL as an empty cell).
    static func csv(_ rows: [[String?]]) -> String {
        func cell(_ value: String?) -> String {
            guard let value else { return "" }
            return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        return "path,total_conversions,total_conversion_value,total_null\n"
            + rows.map { $0.map(cell).joined(separator: ",") + "\n" }.joined()
    }

    /// The bound values listed in the printed query's header (`-- ?1 = 604800`).
    static func parameters(_ printed: String) -> [SQLValue] {
        printed.split(separator: "\n").filter { $0.hasPrefix("-- ?") || $0.hasPrefix("-- $") }.compactMap { line in
            Int64(line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)).map(SQLValue.integer)
        }
    }

    /// The round trip a warehouse user makes: print the query to a file, run it elsewhere (here
    /// SQLite), save the rows as CSV, attribute them; the credit equals attributing the log itself.
    @Test func printedQueryAttributesLikeTheTouchpointLog() throws {
        let log = TouchpointLog.dense(units: 400, seed: 8)
        let directory = try temporaryDirectory()
        let database = try SQLitePaths.database(log)
        let queryFile = directory.appendingPathComponent("paths.sql"), logFile = directory.appendingPathComponent("log.csv")
        try Data(log.csv.utf8).write(to: logFile)
        let windows = ["--lookback", "7d", "--view-lookback", "1d"]
        let printed = try BinaryRunner.run([
            "sql", "--paths", "--dialect", "sqlite", "--touchpoints-table", "touchpoints", "--type-column", "type",
            "--output", queryFile.path,
        ] + windows)
        #expect(printed.exitCode == 0, "\(printed.stderr)")
        #expect(printed.stdout.isEmpty)
        let text = try String(contentsOf: queryFile, encoding: .utf8)
        #expect(text.hasPrefix("-- ?1 = 86400\n-- ?2 = 604800\n-- Touchstone attribution paths (sqlite)"))
        let rows = try SQLiteQuery.rows(database: database, sql: text, parameters: Self.parameters(text))
        #expect(rows.last?[0] == "", "the unattributed conversions come last, with an empty path")
        let pathsFile = directory.appendingPathComponent("paths.csv")
        try Data(Self.csv(rows).utf8).write(to: pathsFile)
        for model in ["markov", "linear", "shapley"] {
            let common = ["--model", model, "--format", "json"]
            let fromPaths = try BinaryRunner.run(["attribute", "--paths", pathsFile.path] + common)
            let fromLog = try BinaryRunner.run(["attribute", "--touchpoints", logFile.path] + windows + common)
            #expect(fromPaths.exitCode == 0, "\(fromPaths.stderr)")
            #expect(fromLog.exitCode == 0, "\(fromLog.stderr)")
            try expectSameAnalysis(fromPaths.stdout, fromLog.stdout)
            #expect(fromPaths.stderr == fromLog.stderr)  // the same note on unattributed conversions
            #expect(fromPaths.stderr.contains("conversions had no touch in the lookback window"))
        }
    }

    @Test func printsPostgresAndSparkQueries() throws {
        let postgres = try BinaryRunner.run(["sql", "--paths", "--dialect", "postgres", "--touchpoints-table", "web.touchpoints", "--lookback", "30d"])
        #expect(postgres.exitCode == 0, "\(postgres.stderr)")
        #expect(postgres.stdout.hasPrefix("-- $1 = 2592000\n"))
        #expect(postgres.stdout.contains("FROM \"web\".\"touchpoints\" s"))
        #expect(postgres.stdout.contains("string_agg(CASE WHEN e.channel IS NOT NULL AND (e.journey_end - e.ts) < $1 THEN e.channel END, ' > '"))
        let spark = try BinaryRunner.run([
            "sql", "--paths", "--dialect", "spark", "--touchpoints-table", "web.touchpoints", "--touchpoint-columns",
            "uid,ts,source,orders", "--lookback", "30d", "--view-lookback", "1d", "--type-column", "kind",
        ])
        #expect(spark.exitCode == 0, "\(spark.stderr)")
        #expect(spark.stdout.hasPrefix("-- Touchstone attribution paths (spark)"))
        #expect(spark.stdout.contains("FROM `web`.`touchpoints` s"))
        #expect(spark.stdout.contains("< CASE WHEN e.is_view = 1 THEN 86400 ELSE 2592000 END"))
        #expect(spark.stdout.contains("0 AS value"), "no value column: conversions are worth 0")
        #expect(spark.stdout.contains("sort_array(collect_list("))
    }

    @Test func flagsThatDoNotBelongAreRefused() throws {
        let cases: [([String], String)] = [
            (["sql", "--paths", "--dialect", "spark"], "paths in the warehouse need --touchpoints-table TABLE"),
            (["sql", "--paths", "--touchpoints-table", "t", "--experiment", "k", "--metric", "purchase"],
             "--paths builds attribution paths from --touchpoints-table; --experiment, --metric belong(s) to the experiment query"),
            (["sql", "--touchpoints-table", "t", "--experiment", "k", "--metric", "purchase", "--exposures-table", "x", "--events-table", "e"],
             "--touchpoints-table, --touchpoint-columns, --type-column, --lookback and --view-lookback go with --paths"),
            (["sql", "--exposures-table", "x", "--events-table", "e", "--metric", "purchase"], "give --experiment KEY (or --paths for attribution paths)"),
            (["sql", "--paths", "--touchpoints-table", "t; DROP TABLE u"], "--touchpoints-table 't; DROP TABLE u' is not a valid table or column name"),
            (["sql", "--paths", "--touchpoints-table", "touchstone_rows"], "names starting with touchstone_ are the query's own"),
            (["sql", "--paths", "--touchpoints-table", "t", "--touchpoint-columns", "a,b,c"], "expected UNIT,TIMESTAMP,CHANNEL,CONVERSION[,VALUE]"),
            (["sql", "--paths", "--touchpoints-table", "t", "--lookback", "soon"], "--lookback"),
            (["sql", "--paths", "--touchpoints-table", "t", "--window", "7d"], "--window belong(s) to the experiment query"),
            (["attribute", "--postgres", "postgres://x@127.0.0.1:1/db"], "paths in the warehouse need --touchpoints-table TABLE"),
            (["attribute", "--paths", "p.csv", "--touchpoints-table", "t"], "go with --postgres URL"),
            (["attribute", "--postgres", "postgres://x@127.0.0.1:1/db", "--touchpoints", "t.csv", "--touchpoints-table", "t"],
             "give exactly one of --paths, --touchpoints or --postgres"),
        ]
        for (arguments, message) in cases {
            let result = try BinaryRunner.run(arguments)
            #expect(result.exitCode == 2, "\(arguments): \(result.exitCode) \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func unreachableServerGivesAClearError() throws {
        let result = try BinaryRunner.run(
            ["attribute", "--postgres", "postgres://nobody:secret@127.0.0.1:1/none", "--touchpoints-table", "touchpoints"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("PostgreSQL postgres://nobody:***@127.0.0.1:1/none"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret"))
    }
}

@Suite(
    "touchstone attribute --postgres",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"))
struct PostgresPathsCommandTests {
    @Test func attributesLikeTheTouchpointLog() throws {
        let log = try TouchpointLog.simulated(units: 2_000, seed: 21)
        let table = try PostgresTouchpoints.load(log, tag: "cli")
        defer { PostgresTouchpoints.drop(table) }
        let url = try #require(PostgresFixture.url)
        let logFile = try temporaryFile("log.csv", log.csv)
        for model in ["markov", "all"] {
            let common = ["--model", model, "--lookback", "7d", "--format", "json"]
            let pushed = try BinaryRunner.run(["attribute", "--postgres", url, "--touchpoints-table", table] + common)
            #expect(pushed.exitCode == 0, "\(pushed.stderr)")
            // `all` on a touchpoint log adds time decay, which aggregated paths cannot have.
            let local = try BinaryRunner.run(["attribute", "--touchpoints", logFile.path] + common)
            #expect(local.exitCode == 0, "\(local.stderr)")
            if model == "markov" { try expectSameAnalysis(pushed.stdout, local.stdout) }
            #expect(pushed.stderr == local.stderr)
        }
        let decay = try BinaryRunner.run(["attribute", "--postgres", url, "--touchpoints-table", table, "--model", "time-decay"])
        // Knowable from the flags alone: a usage error before any query runs.
        #expect(decay.exitCode == 2)
        #expect(decay.stderr.contains("--model time-decay needs --touchpoints: aggregated paths have no touch times"), "\(decay.stderr)")
    }
}
