import Foundation
import Testing
import TouchstoneTestSupport

/// `analyze --factorial-model` and `design --factorial`, end to end through the built binary.
@Suite("touchstone factorial: analyze --factorial-model, design --factorial")
struct FactorialCommandTests {
    /// A 2^3 conversion experiment with unequal cells (per-arm summary).
    static let summary = """
        variant,units,conversions
        control,5200,420
        email,4700,440
        push,4400,395
        email+push,4100,410
        in_app,3900,350
        email+in_app,3600,370
        push+in_app,3300,320
        email+push+in_app,3000,330
        """

    private func file(_ content: String) throws -> URL {
        try temporaryFile("arms.csv", content)
    }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try BinaryRunner.run(arguments + ["--format", "json"])
        #expect(result.exitCode == 0, "stderr: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("default: saturated classical main effects and all interactions, adjusted p-values, relative lifts")
    func saturatedByDefault() throws {
        let arms = try file(Self.summary)
        let output = try json(["analyze", "--summary", arms.path, "--control", "control"])
        let factorial = try #require(output["factorial"] as? [String: Any])
        #expect(factorial["model"] as? String == "saturated")
        let mains = try #require(factorial["mainEffects"] as? [[String: Any]])
        #expect(mains.map { $0["term"] as? String } == ["email", "push", "in_app"])
        let interactions = try #require(factorial["interactions"] as? [[String: Any]])
        #expect(interactions.map { $0["term"] as? String } == ["email:push", "email:in_app", "push:in_app", "email:push:in_app"])
        // The e-mail main effect is the average of the four e-mail cells minus the other four.
        let rates: [Double] = [420.0 / 5200, 440.0 / 4700, 395.0 / 4400, 410.0 / 4100, 350.0 / 3900, 370.0 / 3600, 320.0 / 3300, 330.0 / 3000]
        let with: Double = rates[1] + rates[3] + rates[5] + rates[7]
        let without: Double = rates[0] + rates[2] + rates[4] + rates[6]
        let email = (with - without) / 4
        #expect(abs((mains[0]["estimate"] as? Double ?? .nan) - email) < 1e-12)
        for term in mains + interactions {
            let p = try #require(term["pValue"] as? Double), adjusted = try #require(term["adjustedPValue"] as? Double)
            #expect(adjusted >= p)
        }
        #expect(mains.allSatisfy { $0["relativeEffect"] is Double && ($0["relativeCI"] as? [Double])?.count == 2 })
        #expect(factorial["lackOfFit"] == nil)
        #expect((factorial["effects"] as? [[String: Any]])?.count == 7)
    }

    @Test("--factorial-model additive: y ~ channels main effects, no interactions, a lack-of-fit test")
    func additiveModel() throws {
        let arms = try file(Self.summary)
        let output = try json(["analyze", "--summary", arms.path, "--control", "control", "--factorial-model", "additive"])
        let factorial = try #require(output["factorial"] as? [String: Any])
        #expect(factorial["model"] as? String == "additive")
        #expect((factorial["interactions"] as? [[String: Any]])?.isEmpty == true)
        #expect((factorial["mainEffects"] as? [[String: Any]])?.count == 3)
        let fit = try #require(factorial["lackOfFit"] as? [String: Any])
        #expect(fit["df"] as? Int == 4)
        #expect(fit["statistic"] is Double && fit["pValue"] is Double)
        let table = try BinaryRunner.run(["analyze", "--summary", arms.path, "--control", "control", "--factorial-model", "additive"])
        #expect(table.stdout.contains("additive model") && table.stdout.contains("lack of fit"))
        let bad = try BinaryRunner.run(["analyze", "--summary", arms.path, "--control", "control", "--factorial-model", "linear"])
        #expect(bad.exitCode != 0 && bad.stderr.contains("--factorial-model"))
    }

    @Test("an additive model contradicted by the data is a visible warning")
    func lackOfFitWarns() throws {
        // E-mail and push each add 4 pp alone but nothing together: a strong interaction.
        let arms = try file("""
            variant,units,conversions
            control,20000,2000
            email,20000,2800
            push,20000,2800
            email+push,20000,2000
            """)
        let output = try json(["analyze", "--summary", arms.path, "--control", "control", "--factorial-model", "additive"])
        let warnings = try #require(output["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("additive model does not fit") })
        let table = try BinaryRunner.run(["analyze", "--summary", arms.path, "--control", "control", "--factorial-model", "additive"])
        #expect(table.stdout.contains("WARNING: The additive model does not fit"))
    }

    @Test("a missing cell: no classical effects, a note saying why, the simple effects remain")
    func missingCell() throws {
        let arms = try file(Self.summary.split(separator: "\n").dropLast().joined(separator: "\n"))
        let output = try json(["analyze", "--summary", arms.path, "--control", "control"])
        let factorial = try #require(output["factorial"] as? [String: Any])
        #expect((factorial["mainEffects"] as? [[String: Any]])?.isEmpty == true)
        let notes = (factorial["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(notes.contains { note in
            note.contains("no units in cell") && ["email", "push", "in_app"].allSatisfy { note.contains($0) }
        })
        #expect((factorial["effects"] as? [[String: Any]])?.count == 6)
    }

    @Test("bayesian: probability each arm is best across all arms")
    func probabilityBest() throws {
        let arms = try file(Self.summary)
        let output = try json(["analyze", "--summary", arms.path, "--control", "control", "--method", "bayesian"])
        let metric = try #require((output["metrics"] as? [[String: Any]])?.first)
        let rows = try #require(metric["arms"] as? [[String: Any]])
        let best = rows.compactMap { $0["probabilityBest"] as? Double }
        #expect(best.count == 8)
        #expect(abs(best.reduce(0, +) - 1) < 1e-6)
        // email+push+in_app has the highest rate (11.0%).
        let leader = try #require(best.indices.max { best[$0] < best[$1] })
        #expect(rows[leader]["variant"] as? String == "email+push+in_app")
    }

    @Test("design --factorial: per cell, total, days and the efficiency against separate tests")
    func designFactorial() throws {
        let output = try json([
            "design", "--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5",
            "--factorial", "email,push,in_app", "--daily-units", "10000",
        ])
        #expect(output["factors"] as? [String] == ["email", "push", "in_app"])
        #expect(output["cells"] as? Int == 8)
        // Per half: 2·25²·(z₀.₉₇₅ + z₀.₈)²/0.5² = 39,244.3 → 9,812 per cell (4 cells per half).
        #expect(output["perCell"] as? Int == 9812)
        #expect(output["totalSample"] as? Int == 78496)
        #expect(output["days"] as? Int == 8)
        #expect(output["alpha"] as? Double == 0.05 && output["power"] as? Double == 0.8)
        #expect(output["mde"] as? Double == 0.5 && output["relative"] as? Bool == false)
        let separate = try #require(output["separateTests"] as? [String: Any])
        #expect(separate["totalSample"] as? Int == 3 * 2 * 39245)
        let table = try BinaryRunner.run([
            "design", "--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5", "--factorial", "email,push,in_app",
            "--interactions",
        ])
        #expect(table.exitCode == 0 && table.stdout.contains("each two-way interaction") && table.stdout.contains("as efficient"))
        for (arguments, flag) in [
            (["--factorial", "email"], "--factorial"), (["--factorial", "email,push", "--arms", "4"], "--arms"),
            (["--interactions"], "--interactions"), (["--factorial", "email,,push"], "--factorial"),
        ] {
            let result = try BinaryRunner.run(["design", "--metric", "mean", "--mean", "10", "--stddev", "25", "--mde", "0.5"] + arguments)
            #expect(result.exitCode != 0 && result.stderr.contains(flag), "\(arguments): \(result.stderr)")
        }
    }

    @Test("the simulator's channel experiment: truth.json lists the classical effects analyze estimates")
    func simulatorShowsTheBlock() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sim = directory.appendingPathComponent("sim").path
        let simulate = try BinaryRunner.run(["simulate", "experiment", "--units", "40000", "--seed", "3", "--out", sim])
        #expect(simulate.exitCode == 0, "\(simulate.stderr)")
        let truth = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(sim)/truth.json"))) as? [String: Any])
        let mains = try #require(truth["conversionMainEffects"] as? [String: Double])
        let interactions = try #require(truth["conversionInteractions"] as? [String: Double])
        // p = 0.10 + 0.02·email + 0.015·push + 0.01·in_app − 0.01·email·push, averaged over the grid.
        #expect(abs((mains["email"] ?? .nan) - 0.015) < 1e-12 && abs((mains["push"] ?? .nan) - 0.01) < 1e-12)
        #expect(abs((mains["in_app"] ?? .nan) - 0.01) < 1e-12 && abs((interactions["email:push"] ?? .nan) + 0.005) < 1e-12)
        let output = try json([
            "analyze", "--exposures", "\(sim)/exposures.csv", "--events", "\(sim)/events.csv", "--control", "control",
            "--metric", "purchase",
        ])
        let factorial = try #require(output["factorial"] as? [String: Any])
        let estimated = try #require(factorial["mainEffects"] as? [[String: Any]])
        #expect(estimated.count == 3)
        for term in estimated {
            let name = try #require(term["term"] as? String), ci = try #require(term["ci"] as? [Double])
            let planted = try #require(mains[name])
            #expect(ci[0] <= planted && planted <= ci[1], "\(name): \(ci) vs planted \(planted)")
        }
    }
}
