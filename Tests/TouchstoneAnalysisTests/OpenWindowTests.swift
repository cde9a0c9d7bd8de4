import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneTime

/// Units whose metric window runs past the end of the logs count only what was logged so far
/// (a retention day not reached counts as not retained): the read-out warns and counts them.
@Suite("Metric windows still open at the end of the logs are reported")
struct OpenWindowTests {
    static let day: Int64 = 86_400

    /// Units exposed on days 0…9 (one per day and arm), sessions logged daily until day 12.
    static func logs() throws -> (exposures: CSVReader, events: CSVReader) {
        let start: Int64 = 1_772_323_200
        var exposures = "unit_id,experiment,variant,timestamp\n", events = "unit_id,timestamp,event,value\n"
        for d in 0..<10 {
            for arm in ["control", "treatment"] {
                let unit = "\(arm)-\(d)", t0 = start + Int64(d) * day
                exposures += "\(unit),e,\(arm),\(t0)\n"
                var t = t0 + 100
                while t < start + 12 * day {
                    events += "\(unit),\(t),session,\n"
                    t += day
                }
            }
        }
        return (try CSVReader(bytes: Array(exposures.utf8), name: "x.csv"), try CSVReader(bytes: Array(events.utf8), name: "e.csv"))
    }

    static func warnings(_ metric: String, windowDays: Int64) throws -> [String] {
        let (exposures, events) = try logs()
        let settings = RawLogSettings(
            metrics: [try #require(MetricDefinition(argument: metric))], window: try #require(TimeSpan(seconds: windowDays * day)))
        return try RawLogPipeline.run(exposures: exposures, events: events, settings: settings).warnings
    }

    @Test func retentionDayNotYetReached() throws {
        // The last session is on day 11 + 100 s; day 7 ends within the logs for units exposed on days 0…3.
        let warnings = try Self.warnings("session:retention:7", windowDays: 14)
        // A retention day has its own horizon, day 7's end (8 days), whatever the window: units
        // exposed on days 4…9 (12 of 20) have not reached it.
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("12 of 20 units (60.0%) were exposed less than 8d before the logs end (2026-03-12T00:01:40Z)") == true, "\(warnings)")
        #expect(warnings.first?.hasSuffix("or only units exposed by 2026-03-04T00:01:40Z") == true, "\(warnings)")
    }

    @Test func windowsThatCloseWithinTheLogsAreNotReported() throws {
        #expect(try Self.warnings("session:count", windowDays: 1) == [])
        let two = try Self.warnings("session:count", windowDays: 3)
        // Logs end at day 11 + 100 s; windows of 3 days close for units exposed by day 8 + 100 s.
        #expect(two.first?.hasPrefix("2 of 20 units (10.0%) were exposed less than 3d before the logs end") == true, "\(two)")
    }
}
