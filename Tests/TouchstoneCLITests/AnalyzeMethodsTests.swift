import Foundation
import Testing
import TouchstoneTestSupport

/// `touchstone analyze --method bayesian|sequential`, CUPED, ratio metrics, caps, the
/// factorial block and the bootstrap, end to end through the built binary. Expected numbers
/// come from `Tests/TouchstoneStatsTests/Fixtures/methods.json` (mpmath and gbstats).
@Suite("touchstone analyze: Bayesian, sequential, CUPED, ratio, bootstrap methods")
struct AnalyzeMethodsTests {
    private func temporary(_ name: String, _ content: String) throws -> URL {
        try temporaryFile(name, content)
    }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try BinaryRunner.run(["analyze"] + arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    private func firstComparison(_ output: [String: Any]) throws -> [String: Any] {
        let metrics = try #require(output["metrics"] as? [[String: Any]])
        let comparisons = try #require(metrics.first?["comparisons"] as? [[String: Any]])
        return try #require(comparisons.first)
    }

    /// A small unit table: four channel-combination arms, a pre-period covariate, sessions.
    private func unitTable() throws -> URL {
        var lines = ["unit_id,variant,converted,revenue,pre_revenue,sessions"]
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let arms = [("control", 0.10, 0.0), ("email", 0.14, 1.0), ("push", 0.12, 0.5), ("email+push", 0.18, 2.0)]
        var id = 0
        for (variant, rate, lift) in arms {
            for _ in 0..<400 {
                let pre = 10 * next()
                let revenue = 0.8 * pre + lift + 3 * (next() - 0.5)
                lines.append("u\(id),\(variant),\(next() < rate ? 1 : 0),\(revenue),\(pre),\(1 + Int(4 * next()))")
                id += 1
            }
        }
        return try temporary("units.csv", lines.joined(separator: "\n") + "\n")
    }

    @Test func bayesianConversionIsExactBetaBinomial() throws {
        let summary = try temporary("arms.csv", "variant,units,conversions\ncontrol,1000,50\ntreatment,1000,65\n")
        let output = try json(["--summary", summary.path, "--control", "control", "--method", "bayesian"])
        #expect(output["method"] as? String == "bayesian")
        let comparison = try firstComparison(output)
        let probability = try #require(comparison["probabilityToBeatControl"] as? Double)
        let loss = try #require(comparison["expectedLoss"] as? Double)
        #expect(abs(probability - 0.924480378902574) < 1e-9)
        #expect(abs(loss - 0.00035496860485726843) < 1e-12)
        #expect((comparison["credibleInterval"] as? [Double])?.count == 2)
        #expect(comparison["model"] as? String == "beta-binomial")
    }

    @Test func bayesianPriorUsesTheGaussianModel() throws {
        let summary = try temporary("arms.csv", "variant,units,mean,stddev\ncontrol,1000,10,4\ntreatment,1000,10.4,4.2\n")
        let output = try json(["--summary", summary.path, "--control", "control", "--method", "bayesian", "--prior", "0,0.1"])
        let comparison = try firstComparison(output)
        #expect(comparison["model"] as? String == "gaussian-effect")
        #expect(comparison["relativeExpectedLoss"] is Double)
    }

    @Test func sequentialMatchesGbstats() throws {
        let summary = try temporary("arms.csv", "variant,units,mean,stddev\ncontrol,1000,10,4\ntreatment,1000,10.4,4.2\n")
        let output = try json(["--summary", summary.path, "--control", "control", "--method", "sequential", "--tuning", "5000"])
        let comparison = try firstComparison(output)
        let p = try #require(comparison["pValue"] as? Double)
        let ci = try #require(comparison["absoluteCI"] as? [Double])
        #expect(abs(p - 0.33489265258610584) < 1e-9)
        #expect(abs(ci[0] - -0.17293889654043582) < 1e-9 && abs(ci[1] - 0.9729388965404365) < 1e-9)
        #expect(output["tuning"] as? Double == 5000)
    }

    @Test func groupSequentialLooksUseTheOBrienFlemingBoundary() throws {
        let summary = try temporary("arms.csv", "variant,units,mean,stddev\ncontrol,1000,10,4\ntreatment,1000,10.6,4.2\n")
        var decisions: [Bool] = []
        for look in [1, 3] {
            let output = try json([
                "--summary", summary.path, "--control", "control", "--method", "sequential", "--looks", "5", "--look", "\(look)",
            ])
            let plan = try #require(output["groupSequential"] as? [String: Any])
            let boundary = try #require(plan["boundary"] as? Double)
            #expect(abs(boundary - [4.877, 3.357, 2.680][look - 1]) < 1e-3)
            let comparison = try firstComparison(output)
            let ci = try #require(comparison["absoluteCI"] as? [Double])
            let se = try #require(comparison["standardError"] as? Double)
            #expect(abs((ci[1] - ci[0]) / 2 - boundary * se) < 1e-9)
            decisions.append(comparison["significant"] as? Bool ?? false)
        }
        // z ≈ 3.27: inside the first boundary (4.877), beyond the third (2.680).
        #expect(decisions == [false, true])
    }

    /// Unequal looks: the boundaries at information fractions (0.3, 0.7, 1) are scipy's (the
    /// methods.json fixture from Scripts/make_reference_methods.py, to the 1e-5 of its MVN solver).
    @Test func groupSequentialLooksAtInformationFractions() throws {
        struct Fixture: Decodable {
            struct Case: Decodable { var informationFractions: [Double]; var alpha: Double; var expected: [Double] }
            var groupSequential: [Case]
        }
        let url = repositoryRoot().appendingPathComponent("Tests/TouchstoneStatsTests/Fixtures/methods.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let reference = try #require(fixture.groupSequential.first { $0.informationFractions == [0.3, 0.7, 1] })
        let summary = try temporary("arms.csv", "variant,units,mean,stddev\ncontrol,1000,10,4\ntreatment,1000,10.6,4.2\n")
        let output = try json([
            "--summary", summary.path, "--control", "control", "--method", "sequential", "--looks", "3", "--look", "2",
            "--information-fractions", "0.3,0.7,1", "--alpha", "\(reference.alpha)",
        ])
        let plan = try #require(output["groupSequential"] as? [String: Any])
        #expect(plan["informationFractions"] as? [Double] == [0.3, 0.7, 1])
        let boundaries = try #require(plan["boundaries"] as? [Double])
        #expect(boundaries.count == 3)
        for (actual, expected) in zip(boundaries, reference.expected) { #expect(abs(actual - expected) < 1e-5) }
        #expect(plan["boundary"] as? Double == boundaries[1])
        // z ≈ 3.27 beyond the second boundary (2.439).
        #expect(try firstComparison(output)["significant"] as? Bool == true)
    }

    @Test func cupedRatioCapsFactorialAndBootstrap() throws {
        let units = try unitTable()
        let output = try json([
            "--units", units.path, "--control", "control", "--metric", "converted", "--metric", "revenue",
            "--covariate", "revenue=pre_revenue", "--ratio", "rps=revenue/sessions", "--cap", "revenue=P99",
            "--bootstrap", "200", "--seed", "7",
        ])
        let metrics = try #require(output["metrics"] as? [[String: Any]])
        #expect(metrics.map { $0["name"] as? String } == ["converted", "revenue", "rps"])
        #expect(metrics.last?["kind"] as? String == "ratio")
        let revenue = try #require(metrics[1]["comparisons"] as? [[String: Any]])
        let cuped = try #require(revenue.first?["cuped"] as? [String: Any])
        #expect((cuped["varianceReduction"] as? Double ?? 0) > 0.5)
        let factorial = try #require(output["factorial"] as? [String: Any])
        #expect(factorial["metric"] as? String == "converted")
        let effects = try #require(factorial["effects"] as? [[String: Any]])
        #expect(effects.map { $0["term"] as? String } == ["email", "push", "email:push"])
        for effect in effects {
            #expect((effect["ci"] as? [Double])?.count == 2 && effect["pValue"] is Double && effect["estimate"] is Double)
        }
        #expect((factorial["relativeEffects"] as? [[String: Any]])?.count == 3)
        let best = (factorial["combinations"] as? [[String: Any]])?.first?["bestSingle"] as? String
        #expect(best == "email" || best == "push")
        let bootstrap = try #require(output["bootstrap"] as? [[String: Any]])
        #expect(bootstrap.count == 3 && bootstrap.allSatisfy { $0["metric"] as? String == "revenue" })
        // Same seed, same bytes.
        let again = try BinaryRunner.run(["analyze", "--units", units.path, "--control", "control", "--metric", "revenue",
                                          "--bootstrap", "200", "--seed", "7", "--format", "json"])
        let twice = try BinaryRunner.run(["analyze", "--units", units.path, "--control", "control", "--metric", "revenue",
                                          "--bootstrap", "200", "--seed", "7", "--format", "json"])
        #expect(again.stdout == twice.stdout)
    }

    @Test(arguments: [
        (["--method", "bayesian", "--prior", "0,-1"], "--prior"),
        (["--method", "sequential", "--alternative", "greater"], "two-sided"),
        (["--prior", "0,0.1"], "--prior"),
        (["--tuning", "100"], "--tuning"),
        (["--method", "sequential", "--tuning", "-3"], "--tuning"),
        (["--robust", "HC9"], "--robust"),
        (["--covariate", "revenue"], "--covariate"),
        (["--covariate", "nope=pre_revenue"], "--covariate"),
        (["--ratio", "rps=revenue"], "--ratio"),
        (["--cap", "revenue=P0"], "--cap"),
        (["--covariate", "revenue=missing_column"], "missing_column"),
        (["--factorial-metric", "nope"], "--factorial-metric"),
        (["--bootstrap", "1"], "--bootstrap"),
        (["--method", "sequential", "--looks", "5"], "--look"),
        (["--method", "sequential", "--looks", "5", "--look", "6"], "--look"),
        (["--looks", "5", "--look", "1"], "--method sequential"),
        (["--method", "sequential", "--looks", "3", "--look", "1", "--information-fractions", "0.5,1"], "--information-fractions"),
        (["--method", "sequential", "--looks", "2", "--look", "1", "--information-fractions", "0.7,0.5"], "--information-fractions"),
        (["--method", "sequential", "--looks", "2", "--look", "1", "--information-fractions", "0.5,x"], "--information-fractions"),
        (["--method", "sequential", "--information-fractions", "0.5,1"], "--information-fractions"),
    ])
    func badFlagsNameTheFlag(extra: [String], mention: String) throws {
        let units = try unitTable()
        let result = try BinaryRunner.run(
            ["analyze", "--units", units.path, "--control", "control", "--metric", "revenue"] + extra)
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains(mention), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func designReportsTheSequentialSample() throws {
        let result = try BinaryRunner.run([
            "design", "--metric", "proportion", "--baseline", "0.05", "--mde", "0.1", "--relative", "--sequential",
            "--format", "json",
        ])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let fixed = try #require(object["samplePerArm"] as? Int)
        let sequential = try #require(object["sequential"] as? [String: Any])
        let group = try #require(sequential["groupSequential"] as? [String: Any])
        let msprt = try #require(sequential["mixtureSPRT"] as? [String: Any])
        #expect((group["samplePerArm"] as? Int ?? 0) > fixed)
        #expect((msprt["samplePerArm"] as? Int ?? 0) > (group["samplePerArm"] as? Int ?? 0))
        let boundaries = try #require(group["boundaries"] as? [Double])
        #expect(boundaries.count == 5 && abs(boundaries[0] - 4.877) < 1e-3)
    }
}
