import Foundation
import Testing
import TouchstoneTestSupport

@Suite(.serialized) struct ExposeCommandTests {
    /// A log of `units` units × 2 exposures, in shuffled-looking order, with some multi-variant units.
    static func writeLog(units: Int, to path: String) throws {
        var text = "unit_id,experiment,variant,timestamp\n"
        text.reserveCapacity(units * 2 * 48)
        for round in 0..<2 {
            for unit in 0..<units {
                let id = (unit &* 7919) % units
                let variant = id % 97 == 0 && round == 1 ? "c" : (id % 2 == 0 ? "a" : "b")
                text += "u\(id),exp,\(variant),\(1_772_323_200 + (1 - round) * 86_400 + id % 3600)\n"
            }
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func killDuringIngestThenRerunEqualsOneCleanIngest() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("big.csv").path
        try Self.writeLog(units: 100_000, to: log)
        let clean = directory.appendingPathComponent("clean.db").path
        let crashed = directory.appendingPathComponent("crashed.db").path

        // Kill -9 once the first batch has been committed (the WAL holds it) but long before the end.
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = ["expose", "--store", crashed, "--batch-size", "5000", "--quiet", log]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let wal = crashed + "-wal"
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            if size > 1_000_000 { break }
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the ingest finished before it could be killed")

        let partial = try BinaryRunner.run(["exposures", "--store", crashed, "--experiment", "exp", "--format", "json"])
        #expect(partial.exitCode == 0, "\(partial.stderr)")
        let partialUnits = try #require(try Self.units(partial.stdout))
        #expect(partialUnits > 0 && partialUnits < 100_000, "committed batches survive the kill")

        let rerun = try BinaryRunner.run(["expose", "--store", crashed, log])
        #expect(rerun.exitCode == 0, "\(rerun.stderr)")
        let once = try BinaryRunner.run(["expose", "--store", clean, log])
        #expect(once.exitCode == 0, "\(once.stderr)")
        let expected = try BinaryRunner.run(["exposures", "--store", clean, "--experiment", "exp", "--format", "json"]).stdout
        let actual = try BinaryRunner.run(["exposures", "--store", crashed, "--experiment", "exp", "--format", "json"]).stdout
        #expect(actual == expected)
        #expect(try Self.units(actual) == 100_000)
        #expect(expected.contains("\"multiVariantUnits\" : 1031"))
    }

    static func units(_ json: String) throws -> Int? {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["units"] as? Int
    }

    @Test func reingestingTheSameFileChangesNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("small.csv").path
        try Self.writeLog(units: 2000, to: log)
        let store = directory.appendingPathComponent("s.db").path
        let first = try BinaryRunner.run(["expose", "--store", store, log, "--format", "json"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let summary1 = try BinaryRunner.run(["exposures", "--store", store, "--experiment", "exp", "--format", "json"]).stdout
        let second = try BinaryRunner.run(["expose", "--store", store, log])
        #expect(second.stdout.contains("units in store: 2000 before, 2000 after (+0)"))
        #expect(second.stdout.contains("warning: 21 unit(s) of 'exp' were exposed to more than one variant"))
        let summary2 = try BinaryRunner.run(["exposures", "--store", store, "--experiment", "exp", "--format", "json"]).stdout
        #expect(summary1 == summary2)
    }

    @Test func badInputNamesFileLineAndColumn() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("bad.csv").path
        try "unit_id,experiment,variant,timestamp\nu1,e,a,2026-03-01\nu2,e,,2026-03-01\n".write(toFile: log, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["expose", "--store", directory.appendingPathComponent("s.db").path, log])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("\(log):3:3: empty variant"), "\(result.stderr)")
    }
}
