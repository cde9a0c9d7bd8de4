import Foundation
import Testing
import TouchstoneTestSupport

@Suite struct ExposuresCommandTests {
    @Test func countsSRMAgainstConfigMultiVariantAndPeriod() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("log.jsonl").path
        var lines = ""
        for unit in 0..<300 {
            let variant = unit < 100 ? "control" : "treatment"
            lines += #"{"unit_id":"u\#(unit)","experiment":"e","variant":"\#(variant)","timestamp":"2026-03-0\#(1 + unit % 5)T10:00:00Z"}"# + "\n"
        }
        lines += #"{"unit_id":"u0","experiment":"e","variant":"treatment","timestamp":"2026-03-09T10:00:00Z"}"# + "\n"
        try lines.write(toFile: log, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("c.yaml").path
        try "experiments: [{ key: e, variants: [{ name: control, weight: 1 }, { name: treatment, weight: 2 }] }]\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let store = directory.appendingPathComponent("s.db").path
        #expect(try BinaryRunner.run(["expose", "--store", store, log]).exitCode == 0)

        let json = try BinaryRunner.run(["exposures", "--store", store, "--experiment", "e", "--config", config, "--format", "json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let srm = try #require(object["srm"] as? [String: Any])
        #expect(srm["mismatch"] as? Bool == false)
        #expect((srm["observed"] as? [String: Int]) == ["control": 99, "treatment": 200])
        #expect(object["multiVariantUnits"] as? Int == 1)
        #expect(object["multiVariantExamples"] as? [String] == ["u0"])
        #expect(object["firstExposure"] as? String == "2026-03-01T10:00:00Z")
        #expect(object["lastExposure"] as? String == "2026-03-09T10:00:00Z")
        #expect(json.stderr.contains("1 unit(s) were exposed to more than one variant"))

        // Equal weights would be a glaring mismatch.
        let equal = try BinaryRunner.run(["exposures", "--store", store, "--experiment", "e", "--weights", "control=1,treatment=1"])
        #expect(equal.stdout.contains("MISMATCH"), "\(equal.stdout)")
        #expect(equal.stderr.contains("sample ratio mismatch"))

        let missing = try BinaryRunner.run(["exposures", "--store", store, "--experiment", "nope"])
        #expect(missing.exitCode != 0 && missing.stderr.contains("no exposures of experiment 'nope'"))
    }
}
