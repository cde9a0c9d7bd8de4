import Foundation
import Testing
import TouchstoneTestSupport

/// `analyze` with several covariates and the balance check, and `touchstone bandit`, run as the
/// binary.
@Suite("touchstone analyze with several covariates; touchstone bandit")
struct CovariatesAndBanditCommandTests {
    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func repeatedCovariateAdjustsByBothAndChecksBalance() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // y = x1 + x2 ± 0.01 within arms (+1 in the treatment): the two covariates explain almost all of it.
        var rows = ["variant,y,x1,x2,x1_copy"]
        for i in 0..<40 {
            let x1 = Double(i % 7), x2 = Double((i * 3) % 11)
            for (variant, shift) in [("control", 0.0), ("treatment", 1.0)] {
                rows.append("\(variant),\(x1 + x2 + shift + (i % 2 == 0 ? 0.01 : -0.01)),\(x1),\(x2),\(x1)")
            }
        }
        let units = try Self.write(rows.joined(separator: "\n") + "\n", "units.csv", in: directory)
        let run = try BinaryRunner.run([
            "analyze", "--units", units, "--control", "control", "--metric", "y",
            "--covariate", "y=x1", "--covariate", "y=x2", "--covariate", "y=x1_copy",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        // Notes are wrapped at the terminal's 100 columns: read them as running text.
        let text = run.stdout.replacingOccurrences(of: "\n    ", with: " ")
        #expect(text.contains("CUPED on covariates 'x1', 'x2', θ = (1, 0.9999): variance reduced by 100.0%"), "\(run.stdout)")
        #expect(text.contains("(left out as constant or collinear: 'x1_copy')"), "\(run.stdout)")
        #expect(text.contains("note (treatment): covariate 'x1_copy' is a linear combination of 'x1', 'x2' within the arms"), "\(run.stdout)")
        #expect(run.stdout.contains("Covariate balance (3 covariates × 1 arm): largest |std. diff.| 0, smallest Bonferroni p = 1.0000 → ok"), "\(run.stdout)")

        let json = try BinaryRunner.run([
            "analyze", "--units", units, "--control", "control", "--metric", "y",
            "--covariate", "y=x1", "--covariate", "y=x2", "--format", "json",
        ])
        #expect(json.exitCode == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let balance = try #require(object["balance"] as? [[String: Any]])
        #expect(balance.map { $0["covariate"] as? String } == ["x1", "x2"])
        #expect(balance.allSatisfy { ($0["pValue"] as? Double) == 1 && ($0["standardizedDifference"] as? Double) == 0 })
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        let comparison = try #require((metrics.first?["comparisons"] as? [[String: Any]])?.first)
        let cuped = try #require(comparison["cuped"] as? [String: Any])
        #expect(cuped["covariate"] as? String == "x1 + x2")
        #expect(cuped["covariates"] as? [String] == ["x1", "x2"])
        #expect(cuped["theta"] is NSNull)
        let effect = try #require(comparison["absoluteEffect"] as? Double)
        #expect(abs(effect - 1) < 1e-12, "effect \(effect)")
    }

    @Test func covariateNamedTwiceForOneMetricIsAUsageError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let units = try Self.write("variant,y,x\ncontrol,1,2\ntreatment,2,3\n", "units.csv", in: directory)
        let run = try BinaryRunner.run([
            "analyze", "--units", units, "--control", "control", "--metric", "y", "--covariate", "y=x", "--covariate", "y=x",
        ])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("--covariate 'y=x': names 'x' for 'y' a second time"), "\(run.stderr)")
    }

    @Test func banditWeightsAndConfigWrite() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = try Self.write("variant,units,conversions\ncontrol,5000,500\nb,5000,560\nc,5000,430\n", "arms.csv", in: directory)
        let config = """
            # checkout experiment: weights are updated by `touchstone bandit --write`
            experiments:
              - key: checkout_bandit   # adaptive
                variants:
                  - { name: control, weight: 1 }   # baseline
                  - name: b
                    weight: 1
                  - { name: c, weight: 1.0 }
              - key: other
                variants: [a, b]
            """
        let configPath = try Self.write(config + "\n", "exp.yaml", in: directory)
        let run = try BinaryRunner.run([
            "bandit", "--summary", summary, "--min-share", "0.01", "--holdback", "0.1", "--format", "json",
            "--config", configPath, "--experiment", "checkout_bandit", "--write",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let weights = try #require(object["weights"] as? [String: Double])
        let best = try #require(object["probabilityBest"] as? [String: Double])
        #expect(object["holdback"] as? Double == 0.1)
        // scipy quad (Fixtures/bandit.json, "three arms, one clearly worse"): 0.02567, 0.97433, ~0.
        #expect(abs((best["b"] ?? 0) - 0.974_33) < 1e-5, "\(best)")
        #expect(abs((weights["c"] ?? 0) - 0.01) < 1e-12, "\(weights)")
        let written = try String(contentsOfFile: configPath, encoding: .utf8)
        let expected = config
            .replacingOccurrences(of: "{ name: control, weight: 1 }", with: "{ name: control, weight: \(String(format: "%.6g", weights["control"] ?? 0)) }")
            .replacingOccurrences(of: "    weight: 1\n", with: "    weight: \(String(format: "%.6g", weights["b"] ?? 0))\n")
            .replacingOccurrences(of: "{ name: c, weight: 1.0 }", with: "{ name: c, weight: 0.01 }")
        #expect(written == expected + "\n", "\(written)")

        let refused = try BinaryRunner.run([
            "bandit", "--summary", summary, "--config", configPath, "--experiment", "other", "--write",
        ])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("experiments[1].variants[0]"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: configPath, encoding: .utf8) == written, "a refused write leaves the file as it was")

        let table = try BinaryRunner.run(["bandit", "--summary", summary])
        #expect(table.exitCode == 0, "\(table.stderr)")
        #expect(table.stdout.contains("Bandit effect estimates are biased"), "\(table.stdout)")
    }
}
