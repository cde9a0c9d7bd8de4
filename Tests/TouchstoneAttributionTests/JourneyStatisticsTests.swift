import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneTestSupport
import TouchstoneTime

/// `Fixtures/journey_stats.json`, written by `Scripts/make_journey_reference.py` (pandas).
struct JourneyStatsReference: Decodable {
    struct Quantiles: Decodable {
        var p25: Double, p50: Double, p75: Double, p90: Double
    }
    struct Length: Decodable {
        var touches: Int, journeys: Double, conversions: Double
    }
    struct Step: Decodable {
        var from: String, to: String, count: Double
    }
    struct Case: Decodable {
        var name: String
        var log: String
        var lookbackDays: Int?
        var journeys: Double
        var conversions: Double
        var unattributedConversions: Double
        var convertingJourneys: Int
        var timeToConversion: Quantiles
        var pathLength: [Length]
        var transitions: [Step]
    }
    var cases: [Case]
}

@Suite struct JourneyStatisticsTests {
    static func fixtureURL(_ name: String, _ ext: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
    }

    @Test("time to conversion, path lengths and transitions equal pandas on logs with lookback edges, ties, repeat and no conversions")
    func matchesPandas() throws {
        let reference = try Fixtures.load(JourneyStatsReference.self, from: Self.fixtureURL("journey_stats", "json"))
        #expect(reference.cases.count == 3)
        for c in reference.cases {
            let path = try c.log.hasPrefix("Datasets/")
                ? repositoryRoot().appendingPathComponent(c.log).path
                : Self.fixtureURL("journey_stats_log", "csv").path
            let options = TouchpointReader.Options(lookback: c.lookbackDays.map { TimeSpan(days: $0) })
            let paths = try TouchpointReader.read(path: path, options: options)
            let report = JourneyReport(paths: paths)
            #expect(report.journeys == c.journeys, "\(c.name)")
            #expect(report.conversions == c.conversions, "\(c.name)")
            #expect(paths.unattributedConversions == c.unattributedConversions, "\(c.name)")
            #expect(report.timeToConversionHistogram.reduce(0) { $0 + $1.journeys } == Double(c.convertingJourneys), "\(c.name)")
            let t = try #require(report.timeToConversion)
            for (mine, theirs) in [(t.p25, c.timeToConversion.p25), (t.p50, c.timeToConversion.p50),
                                   (t.p75, c.timeToConversion.p75), (t.p90, c.timeToConversion.p90)] {
                #expect(abs(mine - theirs) <= 1e-9, "\(c.name): \(mine) vs \(theirs)")
            }
            #expect(report.pathLength.map(\.touches) == c.pathLength.map(\.touches), "\(c.name)")
            #expect(report.pathLength.map(\.journeys) == c.pathLength.map(\.journeys), "\(c.name)")
            #expect(report.pathLength.map(\.conversions) == c.pathLength.map(\.conversions), "\(c.name)")
            let mine = Dictionary(uniqueKeysWithValues: report.transitions.map { ("\($0.from) → \($0.to)", $0.count) })
            let theirs = Dictionary(uniqueKeysWithValues: c.transitions.map { ("\($0.from) → \($0.to)", $0.count) })
            #expect(mine == theirs, "\(c.name)")
        }
    }

    @Test("type 7 quantiles interpolate between order statistics")
    func quantiles() {
        let x: [Double] = [1, 2, 4, 8]
        #expect(JourneyStatistics.quantile(sorted: x, 0) == 1)
        #expect(JourneyStatistics.quantile(sorted: x, 1) == 8)
        #expect(JourneyStatistics.quantile(sorted: x, 0.5) == 3)  // h = 1.5
        #expect(JourneyStatistics.quantile(sorted: x, 0.75) == 5)  // h = 2.25: 4 + 0.25·4
        #expect(JourneyStatistics.quantile(sorted: x, 0.25) == 1.75)  // h = 0.75: 1 + 0.75·1
        #expect(JourneyStatistics.quantile(sorted: [5], 0.25) == 5)
    }

    @Test("transitions run from (start) to (conversion) or (null) with self-loops kept; aggregated paths have no times")
    func transitionsOfAggregatedPaths() {
        let paths = PathSet(paths: [
            (["a", "a", "b"], 2, 20, 1),
            (["b"], 0, 0, 3),
        ])
        let stats = JourneyStatistics(paths: paths)
        #expect(stats.timeToConversion == nil)
        #expect(stats.timeToConversionHistogram.isEmpty)
        let steps = stats.transitions.map { "\($0.from)>\($0.to)=\(Int($0.count))" }
        #expect(steps == ["(start)>a=3", "(start)>b=3", "a>a=3", "a>b=3", "b>(conversion)=2", "b>(null)=4"])
        #expect(stats.pathLength.map(\.touches) == [1, 3])
        #expect(stats.pathLength.map(\.journeys) == [3, 3])
        #expect(stats.pathLength.map(\.conversions) == [0, 2])
    }
}
