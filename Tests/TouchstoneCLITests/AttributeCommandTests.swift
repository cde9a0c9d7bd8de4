import Foundation
import Testing
import TouchstoneTestSupport

/// Runs the built `touchstone` binary (next to the test bundle in the build directory).
enum AttributionCLI {
    static func binary() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("touchstone")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = repositoryRoot().appendingPathComponent(".build/debug/touchstone")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: fallback.path])
        }
        return fallback
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        try TouchstoneTestSupport.temporaryDirectory().path
    }
}

@Suite struct AttributeCommandTests {
    static func paths() throws -> String {
        let dir = try AttributionCLI.temporaryDirectory()
        let file = dir + "/paths.csv"
        try "path;total_conversions;total_conversion_value;total_null\nemail > push;3;30;7\npush;1;5;9\nemail > sms > push;2;40;2\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("JSON output follows the contract: model, totals, channels with share and removal effect")
    func json() throws {
        let run = try AttributionCLI.run(["attribute", "--paths", try Self.paths(), "--model", "markov", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "markov")
        #expect(object["totalConversions"] as? Double == 6)
        let channels = try #require(object["channels"] as? [[String: Any]])
        #expect(channels.count == 3)
        #expect(channels.allSatisfy { $0["channel"] != nil && $0["share"] != nil && $0["removalEffect"] != nil })
    }

    @Test("--model all prints every model side by side")
    func all() throws {
        let run = try AttributionCLI.run(["attribute", "--paths", try Self.paths(), "--model", "all"])
        #expect(run.status == 0)
        let header = try #require(run.stdout.split(separator: "\n").first)
        for name in ["first", "last", "linear", "position", "markov", "shapley"] { #expect(header.contains(name)) }
    }

    @Test("bad input fails with the file, line and column on stderr, and writes no output file")
    func badInput() throws {
        let dir = try AttributionCLI.temporaryDirectory()
        let file = dir + "/bad.csv"
        try "unit_id,timestamp,channel,conversion,value\nu1,2026-03-01T00:00:00Z,email,0,0\nu1,soon,push,1,3\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let run = try AttributionCLI.run(["attribute", "--touchpoints", file, "--model", "linear", "--output", dir + "/out.json"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("bad.csv:3:2:"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.json"))
        let both = try AttributionCLI.run(["attribute", "--model", "linear"])
        #expect(both.status != 0)
    }
}

@Suite struct SimulateJourneysCommandTests {
    @Test("simulate journeys writes a log that attribute and journeys read")
    func roundTrip() throws {
        let dir = try AttributionCLI.temporaryDirectory()
        let sim = try AttributionCLI.run(["simulate", "journeys", "--units", "500", "--seed", "4", "--out", dir, "--quiet"])
        #expect(sim.status == 0, "\(sim.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/truth.json"))
        let attribute = try AttributionCLI.run([
            "attribute", "--touchpoints", dir + "/touchpoints.csv", "--model", "time-decay", "--half-life", "3d",
            "--lookback", "30d", "--bootstrap", "20", "--format", "csv",
        ])
        #expect(attribute.status == 0, "\(attribute.stderr)")
        #expect(attribute.stdout.hasPrefix("channel,conversions,value,share,conversions_ci_lower,conversions_ci_upper"))
        let journeys = try AttributionCLI.run(["journeys", "--touchpoints", dir + "/touchpoints.csv", "--format", "json"])
        #expect(journeys.status == 0)
        #expect(journeys.stdout.contains("\"observational\" : true"))
    }
}
