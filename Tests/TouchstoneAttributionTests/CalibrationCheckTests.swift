import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

@Suite struct CalibrationCheckTests {
    static let log = """
        unit_id,timestamp,channel,conversion,value
        u1,2026-03-01T00:00:00Z,email,0,0
        u1,2026-03-05T00:00:00Z,search,1,10
        u2,2026-03-31T12:00:00Z,email,1,5
        """

    static func paths() throws -> PathSet {
        try TouchpointReader.read(CSVReader(bytes: Array(log.utf8), name: "log.csv"))
    }

    static func period(_ start: String, _ end: String) throws -> ClosedRange<Int64>? {
        try CalibrationCheck.experimentPeriod(
            json: Data("{\"channels\": [], \"period\": {\"start\": \"\(start)\", \"end\": \"\(end)\"}}".utf8), source: "lift.json")
    }

    static func check(_ channels: [String], experiment: ClosedRange<Int64>?, paths: PathSet) throws -> [String] {
        try CalibrationCheck.check(
            channels.map { IncrementalityMeasurement(channel: $0, incrementalConversions: 1) },
            channels: paths.channels.names, attributionPeriod: paths.period, experimentPeriod: experiment, source: "lift.json")
    }

    @Test("a touchpoint log records its period; an experiment covering it passes without a warning")
    func covered() throws {
        let paths = try Self.paths()
        let first = try #require(Timestamp.parse("2026-03-01T00:00:00Z")).microseconds
        let last = try #require(Timestamp.parse("2026-03-31T12:00:00Z")).microseconds
        #expect(paths.period == first...last)
        // A bare end date covers its whole day.
        #expect(try Self.check(["email"], experiment: Self.period("2026-03-01", "2026-03-31"), paths: paths) == [])
    }

    @Test("a partly overlapping experiment warns with the covered share; a disjoint one is refused")
    func overlap() throws {
        let paths = try Self.paths()
        let warnings = try Self.check(["email", "search"], experiment: Self.period("2026-03-16T00:00:00Z", "2026-04-30"), paths: paths)
        // Covered: 03-16 00:00 to 03-31 12:00 = 15.5 of 30.5 days = 51%.
        #expect(warnings == ["lift.json: the experiment ran 2026-03-16 to 2026-04-30 and covers 51% of the attribution period 2026-03-01 to 2026-03-31"])
        #expect {
            try Self.check(["email"], experiment: Self.period("2026-01-01", "2026-02-28"), paths: paths)
        } throws: { error in
            "\(error)" == "lift.json: the experiment ran 2026-01-01 to 2026-02-28, outside the attribution period 2026-03-01 to 2026-03-31: its lift does not describe these journeys"
        }
    }

    @Test("a measured channel the data does not contain is refused, naming it and the data's channels")
    func unknownChannel() throws {
        let paths = try Self.paths()
        #expect {
            try Self.check(["email", "tv"], experiment: nil, paths: paths)
        } throws: { error in
            "\(error)" == "lift.json: 'tv' is not a channel of the attribution data (its channels: email, search)"
        }
    }

    @Test("without dates on either side the check says what it could not check")
    func missingDates() throws {
        let paths = try Self.paths()
        #expect(try Self.check(["email"], experiment: nil, paths: paths)
                == ["lift.json does not say when the experiment ran (add \"period\": {\"start\", \"end\"}); check that it covers the attribution period, 2026-03-01 to 2026-03-31"])
        let aggregated = PathSet(paths: [(["email"], 1, 1, 0)])
        #expect(try Self.check(["email"], experiment: Self.period("2026-03-01", "2026-03-31"), paths: aggregated).count == 1)
        #expect(throws: AttributionError.self) { try Self.period("2026-03-31", "2026-03-01") }
        #expect(throws: AttributionError.self) { try Self.period("March", "2026-03-01") }
        #expect(try CalibrationCheck.experimentPeriod(json: Data("{\"channels\": []}".utf8), source: "x") == nil)
    }
}
