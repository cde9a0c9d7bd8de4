import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TouchstoneAttribution
import TouchstoneData
@testable import TouchstoneReport
import TouchstoneTestSupport

@Suite struct JourneysHTMLTests {
    static func report() throws -> JourneyReport {
        let log = """
            unit_id,timestamp,channel,conversion,value
            a,2026-03-01T00:00:00Z,email,0,0
            a,2026-03-01T12:00:00Z,email,0,0
            a,2026-03-03T00:00:00Z,search,1,10
            b,2026-03-01T00:00:00Z,search,0,0
            b,2026-03-02T00:00:00Z,,1,5
            c,2026-03-01T00:00:00Z,display,0,0
            """
        return JourneyReport(paths: try TouchpointReader.read(CSVReader(bytes: Array(log.utf8), name: "log.csv")))
    }

    @Test("the page holds a histogram bar per bin and a heatmap cell per state pair, and is well-formed XML")
    func charts() throws {
        let report = try Self.report()
        // Times to conversion: 2 days (a) and 1 day (b): bins [0,1), [1,2), [2,3).
        #expect(report.timeToConversionHistogram.map(\.journeys) == [0, 1, 1])
        let html = JourneysReport.html(report)
        #expect(html.components(separatedBy: "<g class=\"bin\"").count - 1 == 3)
        // Rows (start), email, search, display × columns email, search, display, (conversion), (null).
        #expect(html.components(separatedBy: "<g class=\"cell\"").count - 1 == 4 * 5)
        #expect(html.contains("data-from=\"email\" data-to=\"email\""))
        #expect(html.contains("<title>email → email: 1 (50.0% of email)</title>"))
        #expect(html.contains("p25 1.25, median 1.5, p75 1.75, p90 1.9"))
        #expect(!html.contains("http"))
        let parser = XMLParser(data: Data(html.dropFirst("<!DOCTYPE html>\n".count).utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    @Test("aggregated paths have no times: the page says so and draws no histogram")
    func noTimes() {
        let report = JourneyReport(paths: PathSet(paths: [(["a", "b"], 1, 1, 2)]))
        let html = JourneysReport.html(report)
        #expect(!html.contains("class=\"histogram\""))
        #expect(html.contains("Time to conversion: not available"))
        #expect(html.contains("class=\"heatmap\""))
    }
}
