import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTestSupport

/// `--timestamp-type` for touchpoint tables: `sql --paths` takes it, `attribute --postgres`
/// detects it (and checks a declaration), and a dialect that cannot hold a kind refuses it.
@Suite("touchstone sql --paths and attribute --postgres: --timestamp-type")
struct TimestampPathsCommandTests {
    @Test func printsMicrosecondQueries() throws {
        let postgres = try BinaryRunner.run([
            "sql", "--paths", "--dialect", "postgres", "--touchpoints-table", "web.touchpoints", "--timestamp-type", "timestamptz",
            "--lookback", "30d", "--view-lookback", "0.5s", "--type-column", "kind",
        ])
        #expect(postgres.exitCode == 0, "\(postgres.stderr)")
        // The windows in microseconds, exactly (no whole-second ceiling).
        #expect(postgres.stdout.hasPrefix("-- $1 = 500000\n-- $2 = 2592000000000\n"), "\(postgres.stdout.prefix(200))")
        #expect(postgres.stdout.contains("CAST(ROUND(EXTRACT(EPOCH FROM s.\"timestamp\") * 1000000) AS BIGINT)"))
        #expect(!postgres.stdout.contains("FLOOR("), "no integer-seconds check on a timestamp column")
        let spark = try BinaryRunner.run([
            "sql", "--paths", "--dialect", "spark", "--touchpoints-table", "web.touchpoints", "--timestamp-type", "timestamptz",
            "--lookback", "1d",
        ])
        #expect(spark.exitCode == 0, "\(spark.stderr)")
        #expect(spark.stdout.contains("THEN unix_micros(s.`timestamp`) END AS ts"))
        #expect(spark.stdout.contains("(e.journey_end - e.ts) < 86400000000"))
        let epoch = try BinaryRunner.run([
            "sql", "--paths", "--dialect", "postgres", "--touchpoints-table", "t", "--timestamp-type", "epoch", "--lookback", "1d",
        ])
        let plain = try BinaryRunner.run(["sql", "--paths", "--dialect", "postgres", "--touchpoints-table", "t", "--lookback", "1d"])
        #expect(epoch.exitCode == 0 && epoch.stdout == plain.stdout, "epoch is the default: the query is unchanged")
    }

    @Test func kindsADialectCannotHoldAreRefused() throws {
        let cases: [([String], String)] = [
            (["sql", "--paths", "--dialect", "sqlite", "--touchpoints-table", "t", "--timestamp-type", "timestamp"],
             "--timestamp-type timestamp: SQLite tables hold timestamps as integer epoch seconds only (--timestamp-type epoch)"),
            (["sql", "--paths", "--dialect", "sqlite", "--touchpoints-table", "t", "--timestamp-type", "timestamptz"],
             "--timestamp-type timestamptz: SQLite tables hold timestamps as integer epoch seconds only (--timestamp-type epoch)"),
            (["sql", "--paths", "--dialect", "spark", "--touchpoints-table", "t", "--timestamp-type", "timestamp"],
             "--timestamp-type timestamp: Spark's TIMESTAMP is an instant, declare it as --timestamp-type timestamptz"),
            (["sql", "--paths", "--touchpoints-table", "t", "--timestamp-type", "date"], "--timestamp-type"),
            (["attribute", "--touchpoints", "t.csv", "--timestamp-type", "timestamp"],
             "--timestamp-type goes with --postgres URL --touchpoints-table T"),
            (["attribute", "--paths", "p.csv", "--timestamp-type", "epoch"], "--timestamp-type goes with --postgres URL --touchpoints-table T"),
        ]
        for (arguments, message) in cases {
            let result = try BinaryRunner.run(arguments)
            #expect(result.exitCode == 2, "\(arguments): \(result.exitCode) \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

@Suite(
    "touchstone attribute --postgres on TIMESTAMPTZ and TIMESTAMP touchpoints",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"))
struct PostgresTimestampPathsCommandTests {
    @Test func detectsTheKindAndAttributesLikeTheLog() throws {
        let log = try TouchpointLog.simulated(units: 1_500, seed: 23).withFractions(seed: 9)
        let url = try #require(PostgresFixture.url)
        let logFile = try temporaryFile("log.csv", log.csv(iso: true))
        let common = ["--model", "markov", "--lookback", "7d", "--format", "json"]
        let local = try BinaryRunner.run(["attribute", "--touchpoints", logFile.path] + common)
        #expect(local.exitCode == 0, "\(local.stderr)")
        for kind in ["timestamptz", "timestamp"] {
            let table = try PostgresTouchpoints.load(log, tag: "cli\(kind)", timestamps: SQLTimestampKind(rawValue: kind) ?? .epoch)
            defer { PostgresTouchpoints.drop(table) }
            let tables = ["attribute", "--postgres", url, "--touchpoints-table", table]
            for declared in [[], ["--timestamp-type", kind]] {
                let pushed = try BinaryRunner.run(tables + declared + common)
                #expect(pushed.exitCode == 0, "\(kind) \(declared): \(pushed.stderr)")
                try expectSameAnalysis(pushed.stdout, local.stdout)
                #expect(pushed.stderr == local.stderr)
            }
            let wrong = try BinaryRunner.run(tables + ["--timestamp-type", "epoch"] + common)
            #expect(wrong.exitCode == 1)
            #expect(wrong.stdout.isEmpty)
            let type = kind == "timestamptz" ? "timestamp with time zone (TIMESTAMPTZ)" : "timestamp without time zone (TIMESTAMP (without time zone))"
            #expect(wrong.stderr == "Error: --timestamp-type epoch: \(table).timestamp is \(type), not integer epoch seconds; "
                + "declare --timestamp-type \(kind) or leave it out to detect it\n", "\(wrong.stderr)")
        }
    }
}
