import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTime

/// ISO 8601 timestamps in quoted fields, through the raw-log pipeline: leap days, offsets and
/// fractions land events on the exact side of a window bound, and an impossible timestamp is an
/// error at its file, line and column.
@Suite("Quoted ISO 8601 timestamps in raw logs")
struct QuotedTimestampWindowTests {
    static let exposures = """
        "unit_id","experiment","variant","timestamp"\r
        "u1","exp","control","2024-02-28T23:00:00Z"\r
        "u2","exp","treatment","2024-03-01T05:30:00+05:30"\r
        "u3","exp","treatment","2024-03-01 00:00:00"\r

        """

    static func summary(events: String, name: String = "events.csv") throws -> RawLogSummary {
        let settings = RawLogSettings(
            metrics: ["purchase:sum", "purchase:count"].compactMap(MetricDefinition.init(argument:)),
            window: try #require(TimeSpan(seconds: 86_400)), threads: 1)
        return try RawLogPipeline.run(
            exposures: CSVReader(bytes: Array(exposures.utf8), name: "exposures.csv"),
            events: CSVReader(bytes: Array(events.utf8), name: name), settings: settings)
    }

    @Test("leap day, offsets and fractions put each event on the exact side of the window's bounds")
    func windowBounds() throws {
        let events = """
            "unit_id","timestamp","event","value"
            "u1","2024-02-29T22:59:59.999999Z","purchase","10"
            "u1","2024-02-29 23:00:00","purchase","100"
            "u2","2024-02-29T19:00:00-05:00","purchase","1.5"
            "u2","2024-02-29T23:59:59.9999999Z","purchase","1000"
            "u2","2024-03-01T23:59:59,5+00:00","purchase","2"
            "u3","2024-03-01T00:00:00.000001Z","purchase","0.25"
            "u3","2024-03-02T01:00:00+01:00","purchase","10000"

            """
        let table = try Self.summary(events: events).table
        let sum = try #require(table.metrics.first { $0.name == "purchase:sum" })
        let count = try #require(table.metrics.first { $0.name == "purchase:count" })
        // u1: t₀ = Feb 28 23:00Z; Feb 29 22:59:59.999999 is 1 µs inside the day, Feb 29 23:00 is its end (out).
        #expect(sum.arms[ByteKey("control")]?.sum == 10)
        #expect(count.arms[ByteKey("control")]?.sum == 1)
        // u2: t₀ = Mar 1 00:00Z; 19:00−05:00 is t₀ (in), 23:59:59.9999999Z floors to 1 µs before t₀ (out),
        // 23:59:59,5 is in. u3: t₀ = Mar 1 00:00 (no zone: UTC); 1 µs after is in, 01:00+01:00 on Mar 2 is the end (out).
        #expect(sum.arms[ByteKey("treatment")]?.sum == 3.75)
        #expect(count.arms[ByteKey("treatment")]?.sum == 3)
        #expect(table.units == [ByteKey("control"): 1, ByteKey("treatment"): 2])
    }

    @Test("an impossible timestamp in a quoted field is an error at its line and column", arguments: [
        ("2023-02-29T00:00:00Z", "'2023-02-29T00:00:00Z' is not a timestamp: 2023-02-29 does not exist (February 2023 has 28 days)"),
        ("2024-13-01T00:00:00Z", "'2024-13-01T00:00:00Z' is not a timestamp: 2024-13-01 does not exist (months are 01 to 12)"),
        ("2024-04-31 10:00:00", "'2024-04-31 10:00:00' is not a timestamp: 2024-04-31 does not exist (April 2024 has 30 days)"),
        ("2024-03-01T24:00:00Z", "'2024-03-01T24:00:00Z' is not a timestamp: 24:00:00 is not a time of day (hours 00–23, minutes and seconds 00–59)"),
        ("2024-03-01T12:00:00+24:00", "'2024-03-01T12:00:00+24:00' is not a timestamp: the UTC offset does not exist (hours 00–23, minutes 00–59)"),
        ("2024-03-01T12:60:00Z", "'2024-03-01T12:60:00Z' is not a timestamp: 12:60:00 is not a time of day (hours 00–23, minutes and seconds 00–59)"),
        ("2024-03-01T12:00:00Q", "'2024-03-01T12:00:00Q' is not a timestamp: expected ISO 8601 such as 2026-03-01, 2026-03-01T12:34:56Z or 2026-03-01 12:34:56.5+02:00, or epoch seconds such as 1772368496"),
    ])
    func impossibleTimestamps(text: String, message: String) throws {
        // The bad row follows a quoted field holding a line break, so the line counts it.
        let events = "\"unit_id\",\"timestamp\",\"event\",\"value\"\n\"u1\",\"2024-02-29T00:00:00Z\",\"note\nover two lines\",\"0\"\n"
            + "\"u1\",\"\(text)\",\"purchase\",\"1\"\n"
        do {
            _ = try Self.summary(events: events)
            Issue.record("expected an error for \(text)")
        } catch let error as DataError {
            #expect(error.description == "events.csv:4:2: \(message)")
        }
    }
}
