import Foundation
import Testing
import TouchstoneTestSupport

/// Two `touchstone expose` processes writing to one store at the same time: SQLite's locks
/// serialise their batch transactions (WAL, `BEGIN IMMEDIATE`, `busy_timeout`), so both succeed
/// and the store ends exactly as after ingesting the two logs one after the other.
@Suite(.serialized) struct ConcurrentIngestTests {
    /// `units` units of experiment `own` and of the shared experiment `both`, variant by `salt`.
    static func writeLog(units: Int, own: String, salt: Int, to path: String) throws {
        var text = "unit_id,experiment,variant,timestamp\n"
        for unit in 0..<units {
            let variant = (unit + salt) % 3 == 0 ? "control" : "treatment"
            text += "u\(unit),\(own),\(variant),\(1_772_323_200 + unit)\n"
            text += "u\(unit),both,\(variant),\(1_772_323_200 + unit * 2 + salt)\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func summary(_ store: String, _ experiment: String) throws -> String {
        let result = try BinaryRunner.run(["exposures", "--store", store, "--experiment", experiment, "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func twoProcessesIngestingAtOnceEqualOneAfterTheOther() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = directory.appendingPathComponent("a.csv").path, b = directory.appendingPathComponent("b.csv").path
        try Self.writeLog(units: 20_000, own: "left", salt: 1, to: a)
        try Self.writeLog(units: 20_000, own: "right", salt: 2, to: b)
        let sequential = directory.appendingPathComponent("sequential.db").path
        #expect(try BinaryRunner.run(["expose", "--store", sequential, a]).exitCode == 0)
        #expect(try BinaryRunner.run(["expose", "--store", sequential, b]).exitCode == 0)

        for round in 0..<3 {
            // A fresh store each round, so the two processes also race to create the schema.
            let store = directory.appendingPathComponent("concurrent-\(round).db").path
            let processes = [a, b].map { log -> Process in
                let process = Process()
                process.executableURL = BinaryRunner.executable
                process.arguments = ["expose", "--store", store, "--batch-size", "1000", "--quiet", log]
                process.standardOutput = FileHandle.nullDevice
                return process
            }
            let errors = processes.map { process -> Pipe in
                let pipe = Pipe()
                process.standardError = pipe
                return pipe
            }
            for process in processes { try process.run() }
            for (process, pipe) in zip(processes, errors) {
                let message = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationReason == .exit && process.terminationStatus == 0, "round \(round): \(message)")
            }
            for experiment in ["left", "right", "both"] {
                #expect(try summary(store, experiment) == summary(sequential, experiment), "round \(round), \(experiment)")
            }
        }
    }
}
