import Foundation
import Testing
import TouchstoneTestSupport

/// `attribute --order auto`, sorted channel rows, and the `type` column through the command line.
@Suite struct AttributeOrderAndTypeTests {
    @Test("--order auto reports the chosen order and every order's score; rows are sorted by credit in JSON and CSV")
    func autoOrder() throws {
        let log = repositoryRoot().appendingPathComponent("Datasets/journeys/touchpoints.csv").path
        let json = try AttributionCLI.run(["attribute", "--touchpoints", log, "--order", "auto", "--seed", "3", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let order = try #require(object["order"] as? Int)
        #expect((1...4).contains(order))
        let scores = try #require(object["orderSelection"] as? [[String: Any]])
        #expect(scores.compactMap { $0["order"] as? Int } == [1, 2, 3, 4])
        #expect(scores.allSatisfy { ($0["score"] as? Double).map { $0 < 0 && $0.isFinite } == true })
        let credits = try #require(object["channels"] as? [[String: Any]]).compactMap { $0["conversions"] as? Double }
        #expect(credits.count == 8)
        #expect(credits == credits.sorted(by: >))

        let text = try AttributionCLI.run(["attribute", "--touchpoints", log, "--order", "auto", "--seed", "3"])
        #expect(text.stdout.contains("Markov order \(order) chosen on held-out journeys"))
        let csv = try AttributionCLI.run(["attribute", "--touchpoints", log, "--model", "last", "--format", "csv"])
        let column = csv.stdout.split(separator: "\n").dropFirst().compactMap { Double($0.split(separator: ",")[1]) }
        #expect(column.count == 8)
        #expect(column == column.sorted(by: >))
    }

    @Test("--order rejects anything but 1-4 or auto as a usage error")
    func badOrder() throws {
        let log = repositoryRoot().appendingPathComponent("Datasets/journeys/touchpoints.csv").path
        for bad in ["0", "5", "two"] {
            let result = try AttributionCLI.run(["attribute", "--touchpoints", log, "--order", bad])
            #expect(result.status == 2, "\(bad)")
            #expect(result.stderr.contains("--order must be 1 to 4 or auto"), "\(bad): \(result.stderr)")
        }
    }

    @Test("an unknown touch type fails with file:line:column; --view-lookback changes the paths")
    func types() throws {
        let directory = try AttributionCLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = directory + "/good.csv", bad = directory + "/bad.csv"
        try """
            unit_id,timestamp,channel,conversion,value,type
            u1,2026-03-01T00:00:00Z,display,0,0,view
            u1,2026-03-03T00:00:00Z,search,0,0,click
            u1,2026-03-03T12:00:00Z,,1,10,
            u2,2026-03-02T00:00:00Z,search,0,0,click
            """.write(toFile: good, atomically: true, encoding: .utf8)
        try "unit_id,timestamp,channel,conversion,value,type\nu1,1,email,0,0,click\nu1,2,display,1,0,imp\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let failed = try AttributionCLI.run(["attribute", "--touchpoints", bad, "--model", "last"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("bad.csv:3:"), "\(failed.stderr)")
        #expect(failed.stderr.contains("unknown type 'imp'"), "\(failed.stderr)")
        let all = try AttributionCLI.run(["journeys", "--touchpoints", good, "--format", "json"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("\"key\" : \"display > search\""), "\(all.stdout)")
        let clicks = try AttributionCLI.run(["journeys", "--touchpoints", good, "--view-lookback", "1d", "--format", "json"])
        #expect(!clicks.stdout.contains("display > search"))
        #expect(clicks.stdout.contains("\"key\" : \"search\""))
    }
}
