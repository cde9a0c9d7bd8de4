import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone analyze --config FILE --experiment KEY`: metrics from the experiment's `metrics:`
/// section (raw logs and unit tables), SRM weights from its variants, and config errors located.
@Suite("touchstone analyze --config")
struct AnalyzeConfigCommandTests {
    struct Output: Decodable {
        struct Metric: Decodable { var name: String; var kind: String }
        struct SRM: Decodable { var expected: [String: Double]; var mismatch: Bool }
        var metrics: [Metric]
        var srm: SRM?
    }

    @Test func rawLogMetricsAndRatiosComeFromTheConfig() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try BinaryRunner.run(["simulate", "experiment", "--units", "4000", "--seed", "2", "--out", directory.path]).exitCode == 0)
        let config = directory.appendingPathComponent("config.yaml")
        try """
            experiments:
              - key: onboarding_channels
                factorial: [email, push, in_app]
                metrics:
                  - purchase
                  - session:count
                  - { name: revenue_per_session, ratio: purchase:sum/session:count }
            """.write(to: config, atomically: true, encoding: .utf8)
        let logs = [
            "analyze", "--exposures", directory.appendingPathComponent("exposures.csv").path,
            "--events", directory.appendingPathComponent("events.csv").path, "--control", "control",
            "--experiment", "onboarding_channels", "--format", "json",
        ]
        let fromConfig = try BinaryRunner.run(logs + ["--config", config.path])
        #expect(fromConfig.exitCode == 0, "stderr: \(fromConfig.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(fromConfig.stdout.utf8))
        #expect(output.metrics.map(\.name) == ["purchase", "session:count", "revenue_per_session"])
        #expect(output.metrics.map(\.kind) == ["proportion", "mean", "ratio"])
        // The same as the flags.
        let fromFlags = try BinaryRunner.run(logs + [
            "--metric", "purchase", "--metric", "session:count", "--ratio", "revenue_per_session=purchase:sum/session:count",
        ])
        #expect(fromFlags.stdout == fromConfig.stdout)
        // Flags win over the config.
        let overridden = try BinaryRunner.run(logs + ["--config", config.path, "--metric", "purchase:sum"])
        let names = try JSONDecoder().decode(Output.self, from: Data(overridden.stdout.utf8)).metrics.map(\.name)
        #expect(names == ["purchase:sum"])
    }

    @Test func unitTableMetricsAndWeightsComeFromTheConfig() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("hillstrom.json")
        // Deliberately wrong weights (1:1:2) so the SRM check must use them and flag a mismatch.
        try """
            {"experiments": [{"key": "hillstrom", "variants": [
                {"name": "No E-Mail", "weight": 1}, {"name": "Mens E-Mail", "weight": 1}, {"name": "Womens E-Mail", "weight": 2}],
              "metrics": ["visit", "spend:mean", {"name": "spend_per_visit", "ratio": "spend/visit"}]}]}
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try BinaryRunner.run([
            "analyze", "--units", "Datasets/hillstrom.csv", "--variant-column", "segment", "--control", "No E-Mail",
            "--config", config.path, "--experiment", "hillstrom", "--format", "json",
        ])
        #expect(run.exitCode == 0, "stderr: \(run.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8))
        #expect(output.metrics.map(\.name) == ["visit", "spend", "spend_per_visit"])
        let srm = try #require(output.srm)
        #expect(srm.mismatch)
        #expect(isClose(srm.expected["Womens E-Mail"] ?? 0, 64_000.0 / 2, relative: 1e-12))
    }

    @Test func configProblemsAreLocated() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("bad.yaml")
        try """
            experiments:
              - key: e
                variants: [control, treatment]
                metrics:
                  - purchase
                  - purchase:median
            """.write(to: config, atomically: true, encoding: .utf8)
        let ratioConfig = directory.appendingPathComponent("ratio.yaml")
        try """
            experiments:
              - key: f
                variants: [control, treatment]
                metrics:
                  - { name: r, ratio: purchase }
            """.write(to: ratioConfig, atomically: true, encoding: .utf8)
        let exposures = directory.appendingPathComponent("x.csv")
        try "unit_id,experiment,variant,timestamp\nu1,e,control,1\n".write(to: exposures, atomically: true, encoding: .utf8)
        let events = directory.appendingPathComponent("e.csv")
        try "unit_id,timestamp,event,value\n".write(to: events, atomically: true, encoding: .utf8)
        let logs = ["analyze", "--exposures", exposures.path, "--events", events.path, "--control", "control"]
        let base = logs + ["--config", config.path]
        let badMetric = try BinaryRunner.run(base + ["--experiment", "e"])
        #expect(badMetric.exitCode == 1)
        #expect(badMetric.stderr.contains("bad.yaml:6:9: experiments[0].metrics[1]: 'purchase:median' is not a metric"))
        #expect(badMetric.stdout.isEmpty)
        // The whole config is validated when it is read, whichever experiment is asked for.
        let badRatio = try BinaryRunner.run(logs + ["--config", ratioConfig.path, "--experiment", "e"])
        #expect(badRatio.exitCode == 1)
        #expect(badRatio.stderr.contains("ratio.yaml:5:27: experiments[0].metrics[0].ratio: expected NUMERATOR/DENOMINATOR, got 'purchase'"))
        let unknown = try BinaryRunner.run(base + ["--experiment", "g"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("no experiment 'g' (experiments: 'e')"))
        let noKey = try BinaryRunner.run(Array(base))
        #expect(noKey.exitCode == 2)
        #expect(noKey.stderr.contains("--config needs --experiment KEY"))
    }
}
