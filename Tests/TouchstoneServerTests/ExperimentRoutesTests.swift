import Foundation
import Testing
import TouchstoneTestSupport

/// `GET /v1/experiments/KEY/exposures` and `/results` equal `touchstone exposures` and
/// `touchstone analyze --store` over the same store and events, byte for byte.
@Suite("GET /v1/experiments/KEY/…", .serialized)
struct ExperimentRoutesTests {
    /// 600 units of `checkout` with purchases; deterministic (a linear congruential sequence).
    static func data() -> (exposures: String, events: String) {
        var exposures = "", events = ""
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        let start = 1_772_323_200  // 2026-03-01T00:00:00Z
        for unit in 0..<600 {
            let variant = unit % 2 == 0 ? "control" : "treatment"
            let at = start + unit * 60
            exposures += "{\"unit_id\":\"u\(unit)\",\"experiment\":\"checkout\",\"variant\":\"\(variant)\",\"timestamp\":\(at)}\n"
            if next() < (variant == "control" ? 0.2 : 0.3) {
                let value = (next() * 10_000).rounded() / 100
                events += "{\"unit_id\":\"u\(unit)\",\"timestamp\":\(at + 3600),\"event\":\"purchase\",\"value\":\(value)}\n"
            }
        }
        return (exposures, events)
    }

    @Test func equalCommands() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let (exposures, events) = Self.data()
        #expect(try await server.client.post("/v1/exposures", exposures).status == 200)
        #expect(try await server.client.post("/v1/events", events).status == 200)
        let eventsFile = server.directory.appendingPathComponent("events.jsonl").path
        try events.write(toFile: eventsFile, atomically: true, encoding: .utf8)

        let exposed = try await server.client.get("/v1/experiments/checkout/exposures")
        #expect(exposed.status == 200)
        let exposuresCommand = try BinaryRunner.run([
            "exposures", "--store", server.storePath, "--experiment", "checkout", "--config", server.configPath, "--format", "json",
        ])
        #expect(exposuresCommand.exitCode == 0, "\(exposuresCommand.stderr)")
        #expect(exposed.text == exposuresCommand.stdout)

        let results = try await server.client.get("/v1/experiments/checkout/results")
        #expect(results.status == 200, "\(results.text)")
        let analyze = try BinaryRunner.run([
            "analyze", "--store", server.storePath, "--events", eventsFile, "--config", server.configPath,
            "--experiment", "checkout", "--control", "control", "--format", "json",
        ])
        #expect(analyze.exitCode == 0, "\(analyze.stderr)")
        #expect(results.text == analyze.stdout)

        let sum = try await server.client.get("/v1/experiments/checkout/results?metric=purchase:count&window=1d&method=bayesian")
        let analyzeSum = try BinaryRunner.run([
            "analyze", "--store", server.storePath, "--events", eventsFile, "--experiment", "checkout", "--control", "control",
            "--config", server.configPath, "--metric", "purchase:count", "--window", "1d", "--method", "bayesian", "--format", "json",
        ])
        #expect(sum.text == analyzeSum.stdout)

        let page = try await server.client.get("/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("<h2>checkout</h2>"))
        #expect(page.text.contains("<tr><td>control</td><td class=\"n\">1.0</td><td class=\"n\">300</td></tr>"))
        #expect(page.text.contains("SRM check passed (p = 1)"))
        let report = try await server.client.get("/v1/experiments/checkout/report")
        #expect(report.status == 200)
        #expect(report.text.contains("<svg"))
        try await server.stop()
    }

    @Test func errors() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        let unknown = try await server.client.get("/v1/experiments/nope/exposures")
        #expect(unknown.status == 404)
        #expect(unknown.error == "unknown experiment 'nope' (experiments: checkout, banner, pricing)")
        let none = try await server.client.get("/v1/experiments/banner/exposures")
        #expect(none.status == 404)
        #expect(none.error == "no exposures of experiment 'banner' yet")
        let parameter = try await server.client.get("/v1/experiments/checkout/results?metrc=purchase")
        #expect(parameter.status == 400)
        #expect(parameter.error == "unknown parameter 'metrc' (parameters: alpha, control, method, metric, ratio, window)")
        let page = try await server.client.get("/")
        #expect(page.text.contains("No exposures yet."))
        try await server.stop()
    }

    @Test func reloadKeepsServingAndRefusesABadConfig() async throws {
        let server = try await RunningServer.start(config: ServerFixtures.config)
        try ServerFixtures.config.replacingOccurrences(of: "layers:", with: "  - key: late\n    variants: [a, b]\nlayers:").write(toFile: server.configPath, atomically: true, encoding: .utf8)
        try server.server.reloadConfig()
        #expect(try await server.client.get("/v1/assign?unit=u1&experiment=late").status == 200)
        try "experiments: [".write(toFile: server.configPath, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try server.server.reloadConfig() }
        #expect(try await server.client.get("/v1/assign?unit=u1&experiment=late").status == 200)
        try await server.stop()
    }
}
