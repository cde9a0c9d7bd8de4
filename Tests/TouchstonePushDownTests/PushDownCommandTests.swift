import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneTestSupport

@Suite("touchstone sql and analyze --power-sums")
struct PushDownCommandTests {
    @Test func hostileTableNameIsRefusedWithAClearError() throws {
        for command in [
            ["sql", "--dialect", "spark"],
            ["analyze", "--postgres", "postgres://postgres@127.0.0.1:1/postgres", "--control", "control"],
        ] {
            let result = try BinaryRunner.run(command + [
                "--exposures-table", "x; DROP TABLE y", "--events-table", "events",
                "--experiment", "onboarding_channels", "--metric", "purchase",
            ])
            #expect(result.exitCode != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(
                "--exposures-table 'x; DROP TABLE y' is not a valid table or column name: use letters, digits and _"),
                "\(result.stderr)")
        }
    }

    @Test func printsTheSparkQuery() throws {
        let result = try BinaryRunner.run([
            "sql", "--dialect", "spark", "--exposures-table", "analytics.exposures", "--events-table", "analytics.events",
            "--experiment", "onboarding_channels", "--metric", "purchase", "--metric", "purchase:sum", "--window", "7d",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("FROM `analytics`.`exposures` x"))
        #expect(result.stdout.contains("x.`experiment` = 'onboarding_channels'"))
        // Half-open window [t₀, t₀ + 7d): the upper bound is strict.
        #expect(result.stdout.contains("< 604800"))
        #expect(!result.stdout.contains("<= 604800"))
    }

    /// The round trip a warehouse user makes: print the query, run it elsewhere (here SQLite),
    /// save the rows as CSV, analyse them; the result equals analysing the raw logs.
    @Test(arguments: [[], ["--ratio", "revenue_per_session=purchase:sum/session:count"]])
    func powerSumsFromThePrintedQueryAnalyseLikeRawLogs(ratio: [String]) throws {
        let logs = try SimulatedLogs(units: 4_000, seed: 4)
        defer { logs.remove() }
        let database = try SQLitePushDownTests.database(logs)
        let metrics = ["--metric", "purchase", "--metric", "purchase:sum", "--metric", "session:retention:2"] + ratio
        let printed = try BinaryRunner.run([
            "sql", "--dialect", "sqlite", "--exposures-table", "exposures", "--events-table", "events",
            "--experiment", ExperimentSimulator.experimentKey, "--pre-exposure-covariates",
        ] + metrics)
        #expect(printed.exitCode == 0, "\(printed.stderr)")
        // The comment header lists the bound values: `-- ?1 = 'onboarding_channels'`.
        var parameters: [SQLValue] = []
        for line in printed.stdout.split(separator: "\n") where line.hasPrefix("-- ?") {
            let value = line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            parameters.append(value.hasPrefix("'") ? .text(String(value.dropFirst().dropLast())) : .integer(Int64(value)!))
        }
        let rows = try SQLiteQuery.rows(database: database, sql: printed.stdout, parameters: parameters)
        let file = logs.directory.appendingPathComponent("sums.csv")
        try SufficientStatisticsFormat.csv(PushDown.powerSums(rows: rows)).write(to: file, atomically: true, encoding: .utf8)

        let common = ["--control", "control", "--format", "json", "--quiet"]
        let fromSums = try BinaryRunner.run(["analyze", "--power-sums", file.path, "--experiment", ExperimentSimulator.experimentKey] + common)
        let fromLogs = try BinaryRunner.run([
            "analyze", "--exposures", logs.exposures.path, "--events", logs.events.path,
            "--experiment", ExperimentSimulator.experimentKey, "--pre-exposure-covariates",
        ] + metrics + common)
        #expect(fromSums.exitCode == 0, "\(fromSums.stderr)")
        #expect(fromLogs.exitCode == 0, "\(fromLogs.stderr)")
        try expectSameAnalysis(fromSums.stdout, fromLogs.stdout)
    }

    @Test func printsTheSegmentedQueryWithTheQuotedColumn() throws {
        let common = ["--exposures-table", "analytics.exposures", "--events-table", "analytics.events",
                      "--experiment", "onboarding_channels", "--metric", "purchase", "--by", "country"]
        let spark = try BinaryRunner.run(["sql", "--dialect", "spark"] + common)
        #expect(spark.exitCode == 0, "\(spark.stderr)")
        #expect(spark.stdout.contains("COALESCE(CAST(x.`country` AS STRING), '') AS segment"), "\(spark.stdout)")
        #expect(spark.stdout.contains("COALESCE(MIN(CASE WHEN l.kind = 0 AND l.ts = l.t0 THEN l.segment END), '') AS segment"), "\(spark.stdout)")
        #expect(spark.stdout.contains("ORDER BY a.segment, a.variant, k.metric_index"))
        let postgres = try BinaryRunner.run(["sql", "--dialect", "postgres"] + common)
        #expect(postgres.exitCode == 0, "\(postgres.stderr)")
        #expect(postgres.stdout.contains("COALESCE(CAST(x.\"country\" AS TEXT), '') AS segment"), "\(postgres.stdout)")
        #expect(postgres.stdout.contains("COALESCE(MIN(CASE WHEN l.kind = 0 AND l.ts = l.t0 THEN l.segment END COLLATE \"C\"), '') AS segment"), "\(postgres.stdout)")
        #expect(postgres.stdout.contains("ORDER BY a.segment COLLATE \"C\", a.variant, k.metric_index"))
    }

    @Test func hostileSegmentColumnIsRefusedWithAClearError() throws {
        for command in [
            ["sql", "--dialect", "postgres"],
            ["analyze", "--postgres", "postgres://postgres@127.0.0.1:1/postgres", "--control", "control"],
        ] {
            let result = try BinaryRunner.run(command + [
                "--exposures-table", "exposures", "--events-table", "events",
                "--experiment", "onboarding_channels", "--metric", "purchase", "--by", "x; DROP TABLE y",
            ])
            #expect(result.exitCode == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("--by 'x; DROP TABLE y' is not a valid table or column name"), "\(result.stderr)")
        }
    }

    /// The warehouse round trip split by segment: print the query with --by, run it (SQLite),
    /// save the rows; `analyze --power-sums --by` reads them, and without --by the file's
    /// segments merge into the same analysis as the unsplit file.
    @Test func segmentedPowerSumsFromThePrintedQuery() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteSegmentTests.database(try SegmentedLogs(units: 2_000, seed: 14), in: directory)
        func sums(by: [String], file name: String) throws -> URL {
            let printed = try BinaryRunner.run([
                "sql", "--dialect", "sqlite", "--exposures-table", "exposures", "--events-table", "events",
                "--experiment", ExperimentSimulator.experimentKey, "--metric", "purchase", "--metric", "purchase:sum",
                "--pre-exposure-covariates",
            ] + by)
            #expect(printed.exitCode == 0, "\(printed.stderr)")
            var parameters: [SQLValue] = []
            for line in printed.stdout.split(separator: "\n") where line.hasPrefix("-- ?") {
                let value = line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
                parameters.append(value.hasPrefix("'") ? .text(String(value.dropFirst().dropLast())) : .integer(try #require(Int64(value))))
            }
            let rows = try SQLiteQuery.rows(database: database, sql: printed.stdout, parameters: parameters)
            let file = directory.appendingPathComponent(name)
            try SufficientStatisticsFormat.csv(PushDown.powerSums(rows: rows, segmented: !by.isEmpty))
                .write(to: file, atomically: true, encoding: .utf8)
            return file
        }
        let split = try sums(by: ["--by", "country"], file: "split.csv"), whole = try sums(by: [], file: "whole.csv")
        #expect(try String(contentsOf: split, encoding: .utf8).hasPrefix("variant,segment,"))

        let common = ["--control", "control", "--format", "json", "--quiet"]
        let bySegment = try BinaryRunner.run(["analyze", "--power-sums", split.path, "--by", "country"] + common)
        #expect(bySegment.exitCode == 0, "\(bySegment.stderr)")
        let merged = try BinaryRunner.run(["analyze", "--power-sums", split.path] + common)
        let unsplit = try BinaryRunner.run(["analyze", "--power-sums", whole.path] + common)
        #expect(merged.exitCode == 0, "\(merged.stderr)")
        #expect(unsplit.exitCode == 0, "\(unsplit.stderr)")
        try expectSameAnalysis(merged.stdout, unsplit.stdout)

        let refused = try BinaryRunner.run(["analyze", "--power-sums", whole.path, "--by", "country"] + common)
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("--by country: \(whole.path) is not split by segment (no 'segment' column)"), "\(refused.stderr)")
    }

    @Test func badPowerSumsFileNamesTheLine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sums.csv")
        try "variant,metric,units,sum,sum_of_squares\ncontrol,purchase,10,2,2\nemail,purchase,ten,3,3\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["analyze", "--power-sums", file.path, "--control", "control"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("sums.csv:3:3"), "\(result.stderr)")
    }
}
