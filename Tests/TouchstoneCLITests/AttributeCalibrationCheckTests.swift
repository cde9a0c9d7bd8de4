import Foundation
import Testing
import TouchstoneTestSupport

/// `attribute --calibration` refuses experiment files that cannot calibrate the data and warns about doubtful ones.
@Suite struct AttributeCalibrationCheckTests {
    static let log = repositoryRoot().appendingPathComponent("Datasets/journeys/touchpoints.csv").path

    static func write(_ json: String) throws -> (directory: String, file: String) {
        let directory = try AttributionCLI.temporaryDirectory()
        let file = directory + "/lift.json"
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        return (directory, file)
    }

    @Test("an unknown channel or an experiment outside the log's period exits 1 with a message naming the file")
    func refused() throws {
        let unknown = try Self.write("{\"channels\": [{\"channel\": \"tv\", \"incrementalConversions\": 10}]}")
        defer { try? FileManager.default.removeItem(atPath: unknown.directory) }
        let a = try AttributionCLI.run(["attribute", "--touchpoints", Self.log, "--model", "linear", "--calibration", unknown.file])
        #expect(a.status == 1)
        #expect(a.stderr.contains("'tv' is not a channel of the attribution data"), "\(a.stderr)")
        let early = try Self.write(
            "{\"period\": {\"start\": \"2025-01-01\", \"end\": \"2025-01-31\"}, \"channels\": [{\"channel\": \"email\", \"incrementalConversions\": 10}]}")
        defer { try? FileManager.default.removeItem(atPath: early.directory) }
        let b = try AttributionCLI.run(["attribute", "--touchpoints", Self.log, "--model", "linear", "--calibration", early.file])
        #expect(b.status == 1)
        #expect(b.stderr.contains("outside the attribution period"), "\(b.stderr)")
        #expect(b.stdout.isEmpty)
    }

    @Test("a file without a period calibrates with a warning on stderr and in the JSON")
    func warned() throws {
        let file = try Self.write("{\"channels\": [{\"channel\": \"email\", \"incrementalConversions\": 10}]}")
        defer { try? FileManager.default.removeItem(atPath: file.directory) }
        let result = try AttributionCLI.run(
            ["attribute", "--touchpoints", Self.log, "--model", "linear", "--calibration", file.file, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: "), "\(result.stderr)")
        #expect(result.stderr.contains("does not say when the experiment ran"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let calibration = try #require(object["calibration"] as? [String: Any])
        #expect((calibration["warnings"] as? [String])?.count == 1)
    }
}
