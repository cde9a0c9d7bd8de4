import Foundation
import Testing
import TouchstoneExperiment
import TouchstoneTestSupport
@testable import TouchstoneData
import TouchstoneTime

private func write(_ text: String, _ name: String, in directory: URL) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct StoreTests {
    @Test func keepsEarliestExposureFlagsMultiVariantAndIsIdempotent() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try write("""
            unit_id,experiment,variant,timestamp
            u1,e,a,2026-03-02T00:00:00Z
            u2,e,b,2026-03-01T00:00:00Z
            u3,e,a,1772323200
            u4,f,x,2026-03-01
            """, "day2.csv", in: directory)
        // Arrives later but is earlier: u1's first exposure moves to 03-01; u3 is seen in b too.
        let second = try write("""
            {"unit_id": "u1", "experiment": "e", "variant": "a", "timestamp": "2026-03-01T00:00:00Z", "extra": {"nested": [1, 2]}}
            {"unit_id": "u3", "experiment": "e", "variant": "b", "timestamp": "2026-03-05T00:00:00+01:00"}
            {"unit_id": 5, "experiment": "e", "variant": "b\\u00e9", "timestamp": 1772323200}
            """, "late.jsonl", in: directory)
        let store = try ExposureStore(path: directory.appendingPathComponent("s.db").path)
        let summary = try store.ingest(paths: [first, second], options: IngestOptions(batchSize: 2))
        #expect(summary.rows == 7 && summary.unitsAfter == 5 && summary.batches >= 4)
        let u1 = try #require(try store.state(experiment: "e", unitId: "u1"))
        #expect(u1.firstAt == Timestamp.parse("2026-03-01T00:00:00Z")?.microseconds)
        #expect(u1.lastAt == Timestamp.parse("2026-03-02T00:00:00Z")?.microseconds)
        #expect(!u1.isMultiVariant)
        #expect(try store.state(experiment: "e", unitId: "u3")?.isMultiVariant == true)
        #expect(try store.state(experiment: "e", unitId: "5")?.variant == "bé")

        let before = try store.summary(experiment: "e")
        #expect(before.variants.map(\.variant) == ["a", "b", "bé"] && before.variants.map(\.units) == [1, 1, 1])
        #expect(before.multiVariantUnits == 1 && before.multiVariantExamples == ["u3"] && before.units == 4)
        // Re-ingesting, in either order, changes nothing.
        try store.ingest(paths: [second, first])
        try store.ingest(paths: [first])
        let after = try store.summary(experiment: "e")
        #expect(after.variants.map(\.units) == before.variants.map(\.units))
        #expect(after.firstExposure == before.firstExposure && after.lastExposure == before.lastExposure)
        #expect(try store.state(experiment: "e", unitId: "u1") == u1)
        var enrolled: [String: String] = [:]
        try store.forEachEnrolledUnit(experiment: "e") { unit, variant, _ in enrolled[unit] = variant }
        #expect(enrolled == ["u1": "a", "u2": "b", "5": "bé"])
        #expect(try store.variantsByUnit(experiment: "e") == enrolled)

        // The store reads back as an exposure log for the analysis pipeline.
        let log = try store.exposureLog(experiment: "e")
        #expect(log.header == ["unit_id", "experiment", "variant", "timestamp"])
        var rows: [String] = []
        try log.forEachRow { row in rows.append((0..<4).map { row.string($0) }.joined(separator: ",")) }
        #expect(rows == ["5,e,bé,1772323200", "u1,e,a,1772323200", "u2,e,b,1772323200"])
    }

    @Test func aBadRowNamesItsLocationAndWritesNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = try write("unit_id,experiment,variant,timestamp\nu1,e,a,2026-03-01\nu2,e,b,yesterday\n", "bad.csv", in: directory)
        let store = try ExposureStore(path: directory.appendingPathComponent("s.db").path)
        #expect {
            try store.ingest(paths: [bad])
        } throws: { error in
            (error as? DataError).map { $0.file == bad && $0.line == 3 && $0.column == 4 && $0.message.contains("'yesterday'") } ?? false
        }
        #expect(try store.experiments().isEmpty)
        let badJSON = try write("{\"unit_id\": \"u1\", \"experiment\": \"e\", \"variant\": \"a\"}\n", "bad.jsonl", in: directory)
        #expect {
            try store.ingest(paths: [badJSON])
        } throws: { error in
            (error as? DataError)?.description == "\(badJSON):1:1: missing key 'timestamp'"
        }
        let missing = try write("unit_id,experiment,variant\nu1,e,a\n", "missing.csv", in: directory)
        #expect(throws: DataError.self) { try store.ingest(paths: [missing]) }
        #expect(try store.experiments().isEmpty)
    }

    @Test func srmUsesConfiguredWeightsAndFlagsUnexpectedVariants() throws {
        let summary = ExposureSummary(
            experiment: "e", variants: [("a", 5000), ("b", 5100), ("c", 3)], units: 10103, multiVariantUnits: 0,
            multiVariantExamples: [], firstExposure: nil, lastExposure: nil)
        let check = try summary.srm(weights: [("a", 1), ("b", 1)])
        #expect(check.variants == ["a", "b", "c"] && check.weights == [1, 1, 0])
        #expect(check.result.mismatch)
        let fine = try ExposureSummary(
            experiment: "e", variants: [("a", 5000), ("b", 5100)], units: 10100, multiVariantUnits: 0,
            multiVariantExamples: [], firstExposure: nil, lastExposure: nil
        ).srm(weights: nil)
        #expect(!fine.result.mismatch && fine.result.pValue > 0.3)
    }

    @Test func rejectsAFileThatIsNotAStore() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write("not sqlite", "x.db", in: directory)
        #expect(throws: DataError.self) { _ = try ExposureStore(path: path) }
    }
}
