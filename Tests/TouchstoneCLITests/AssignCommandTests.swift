import Foundation
import Testing
import TouchstoneTestSupport

@Suite struct AssignCommandTests {
    static let config = """
        experiments:
          - key: onboarding_channels
            unit: user_id
            factorial: [email, push]
            targeting: { country: { in: [US, CA] } }
            forced: { qa-1: push }
          - key: gb
            hash: growthbook-v1
            variants: [a, b]
        """

    @Test func printsCSVDeterministicallyAndJSONWithBucketAndReason() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("c.yaml").path
        try Self.config.write(toFile: config, atomically: true, encoding: .utf8)
        let attributes = directory.appendingPathComponent("a.csv").path
        try "unit_id,country\nu1,US\nu2,FR\nqa-1,FR\n".write(toFile: attributes, atomically: true, encoding: .utf8)

        let csv = try BinaryRunner.run(["assign", "--config", config, "--attributes", attributes])
        #expect(csv.exitCode == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "unit_id,experiment,variant" && lines.count == 7)
        #expect(lines.contains("u2,onboarding_channels,"))
        #expect(lines.contains("qa-1,onboarding_channels,push"))
        // Same bytes from another process.
        #expect(try BinaryRunner.run(["assign", "--config", config, "--attributes", attributes]).stdout == csv.stdout)

        let json = try BinaryRunner.run([
            "assign", "--config", config, "--attributes", attributes, "--experiment", "gb", "--format", "json",
        ])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3 && rows.allSatisfy { $0["reason"] as? String == "enrolled" })
        // GrowthBook v1 bucket of "u1" with seed "gb": (fnv1a32("u1" + "gb") % 1000) / 1000.
        let bucket = try #require(rows[0]["bucket"] as? Double)
        #expect(bucket >= 0 && bucket < 1 && (bucket * 1000).rounded() == bucket * 1000)

        let reasons = try BinaryRunner.run([
            "assign", "--config", config, "--attributes", attributes, "--experiment", "onboarding_channels", "--format", "json",
        ])
        let reasonRows = try #require(try JSONSerialization.jsonObject(with: Data(reasons.stdout.utf8)) as? [[String: Any]])
        #expect(reasonRows.map { $0["reason"] as? String } == ["enrolled", "not targeted", "forced"])
        #expect(reasonRows[1]["variant"] is NSNull)
    }

    @Test func readsIdsFromStandardInput() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("c.json").path
        try #"{"experiments": [{"key": "e", "variants": ["a", "b"]}]}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["assign", "--config", config, "--ids", "-"], stdin: Data("unit_id\nx\r\ny\n\n".utf8))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 3)
    }

    @Test func configErrorsNameFileAndKeyPath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("bad.yaml").path
        try "experiments:\n  - key: e\n    variants: [a, b]\n    holdouts: [missing]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["assign", "--config", config, "--ids", "-"], stdin: Data("x\n".utf8))
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("bad.yaml:4:16: experiments[0].holdouts[0]: unknown holdout 'missing'"), "\(result.stderr)")
    }
}
