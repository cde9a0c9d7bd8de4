import Foundation
import Testing
import TouchstoneTestSupport

@Suite("touchstone design")
struct DesignCommandTests {
    struct Output: Decodable {
        var samplePerArm: Int
        var totalSample: Int
        var arms: Int
        var alpha: Double
        var power: Double
        var mde: Double
        var relative: Bool
        var days: Int?
    }

    private func design(_ arguments: [String]) throws -> Output {
        let result = try BinaryRunner.run(["design"] + arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        return try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
    }

    @Test func proportionSampleSize() throws {
        // statsmodels NormalIndPower: 31,230.3 per arm (see Fixtures/reference.json), rounded up.
        let output = try design([
            "--metric", "proportion", "--baseline", "0.05", "--mde", "0.1", "--relative", "--alpha", "0.05",
            "--power", "0.8", "--arms", "2", "--daily-units", "20000",
        ])
        #expect(output.samplePerArm == 31231)
        #expect(output.totalSample == 62462)
        #expect(output.days == 4)
        #expect(output.relative)
    }

    @Test func meanSampleSize() throws {
        let output = try design(["--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5"])
        // (z₀.₉₇₅ + z₀.₈)² · 2 · 25² / 0.5² = 39,244.3 (plus a negligible far-tail term).
        #expect(output.samplePerArm == 39245)
        #expect(output.days == nil)
    }

    @Test func mdeFromSample() throws {
        let output = try design([
            "--metric", "proportion", "--baseline", "0.05", "--sample-per-arm", "31231", "--relative",
        ])
        #expect(abs(output.mde - 0.1) < 1e-4)
        #expect(output.samplePerArm == 31231)
    }

    @Test func moreArmsNeedMoreUnitsPerArm() throws {
        let two = try design(["--metric", "proportion", "--baseline", "0.1", "--mde", "0.05", "--relative"])
        let four = try design(["--metric", "proportion", "--baseline", "0.1", "--mde", "0.05", "--relative", "--arms", "4"])
        #expect(four.samplePerArm > two.samplePerArm)
        #expect(four.totalSample == four.samplePerArm * 4)
    }

    @Test func invalidDesignsExitNonZeroNamingTheFlag() throws {
        let cases: [([String], String)] = [
            (["--metric", "proportion", "--mde", "0.1"], "--baseline"),
            (["--metric", "proportion", "--baseline", "1.5", "--mde", "0.1"], "baseline"),
            (["--metric", "mean", "--mean", "1", "--mde", "0.1"], "--stddev"),
            (["--metric", "proportion", "--baseline", "0.1"], "--mde"),
            (["--metric", "proportion", "--baseline", "0.1", "--mde", "0.1", "--alpha", "2"], "alpha"),
        ]
        for (arguments, mention) in cases {
            let result = try BinaryRunner.run(["design"] + arguments)
            #expect(result.exitCode != 0, "\(arguments)")
            #expect(result.stderr.contains(mention), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }
}
